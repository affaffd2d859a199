"""Cleaning: split a raw scraped document into title, summary, body and caption.

Scrapers drag page furniture into the text: cookie banners, "Related
articles", read-time and "N hours ago" badges, comment links, wrapper labels
("Headline:", "[Article Body:]"), outlet labels and truncated fragments. The
rules here recognise such lines by their shape, not by which document they
come from, so a future import is cleaned the same way.

The body keeps the article verbatim: a line is either kept exactly as it was
received or dropped whole, never rewritten, so that evidence quotes stay exact
substrings of the body. Only line endings are normalised to "\\n" and runs of
blank lines collapsed to one.

What a rule cannot know (which paragraph a site prints as its dek) the caller
passes in: `clean_document(raw, summary=...)`.
"""

import datetime
import re
from dataclasses import dataclass, field

from articles import dates
from articles.text import fold

# --- line rules -------------------------------------------------------------
# Each rule is (name, pattern); a line that matches is furniture wherever it
# stands in the document.

_BULLET = r"[-–—•·|*]?\s*"
_UNITS = r"(?:second|minute|hour|day|week|month|year)s?"

_NETWORK = r"(?:facebook|x|twitter|e-?mail|whatsapp|linkedin|telegram|reddit|bluesky|threads|copy link|print)"

FURNITURE_RULES: list[tuple[str, re.Pattern]] = [
    # A sentence about cookies in an article is not a banner: the banner speaks about the site's own use.
    (
        "cookie banner",
        re.compile(
            r"\bcookies?\b.*\b(?:this (?:web)?site|we use|our use|accept|consent|privacy|cookie (?:policy|settings))"
            r"|\b(?:this (?:web)?site|we use)\b.*\bcookies?\b",
            re.I,
        ),
    ),
    ("related links", re.compile(r"^\s*(?:related|more) (?:articles|posts|stories|news)\s*:?\s*$", re.I)),
    # A bare "Related" heading, or "More from Business", over a list of other stories.
    ("related links", re.compile(r"^\s*(?:related|more from [\w&' -]{1,30}|more on this story)\s*:?\s*$", re.I)),
    ("related links", re.compile(r"^\s*(?:you (?:may|might) also like|read (?:more|also)|see also)\s*:?\s*$", re.I)),
    ("category link", re.compile(r"^\s*continue to the category\s*$", re.I)),
    ("read-time badge", re.compile(rf"^\s*{_BULLET}\d+\s*(?:min|mins|minutes?)\.?\s+read\s*$", re.I)),
    ("relative-time badge", re.compile(rf"^\s*{_BULLET}(?:\d+|an?|one)\s+{_UNITS}\s+ago\s*$", re.I)),
    ("comment link", re.compile(r"^\s*(?:\d+\s+)?comments?\s*(?:\(\d+\))?\s*$", re.I)),
    ("comment link", re.compile(r"^\s*(?:leave|post|add|view|show) (?:a |the )?comments?\s*$", re.I)),
    ("share link", re.compile(r"^\s*(?:share|share this(?: article)?|tweet|print|email|advertisement)\s*:?\s*$", re.I)),
    (
        "comment and share line",
        re.compile(
            r"^\s*(?:(?:\d+\s+)?comments?\s*(?:\(\d+\))?|share(?:\s+(?:on|this|via)\b[\w\s]*)?|tweet|print|e-?mail"
            r"|follow us[\w\s]*|like us[\w\s]*)(?:\s*[|·•/]\s*(?:(?:\d+\s+)?comments?\s*(?:\(\d+\))?"
            r"|share(?:\s+(?:on|this|via)\b[\w\s]*)?|tweet|print|e-?mail|follow us[\w\s]*|like us[\w\s]*))+\s*$",
            re.I,
        ),
    ),
    # "Share: Facebook | X | Email": the share buttons' labels.
    (
        "share buttons",
        re.compile(rf"^\s*share(?: this(?: article| story)?)?\s*:\s*{_NETWORK}(?:\s*[|·•/,]\s*{_NETWORK})*\s*$", re.I),
    ),
    ("wrapper label", re.compile(r"^\s*\[?\s*(?:article\s+)?(?:body|text|content)\s*:?\s*\]?\s*$", re.I)),
    # "© 2026 Andes Wire Service. All rights reserved."
    ("copyright line", re.compile(r"^\s*(?:©|\(c\)\s|copyright\s+(?:©\s*)?\d{4})|\ball rights reserved\.?\s*$", re.I)),
    # "Tags: Cuba, energy" under the story: the site's index terms, not the article's words.
    ("tags line", re.compile(r"^\s*(?:tags|topics|filed under|keywords)\s*:\s*\S[^.!?]*$", re.I)),
]

# A "RELATED:" line announces a link whose headline is the next line.
RELATED_LEAD = re.compile(r"^\s*(?:related|read more|read also|see also|also read)\s*:\s*$", re.I)
RELATED_INLINE = re.compile(r"^\s*(?:related|read more|read also|see also|also read)\s*:\s*\S", re.I)

# Wrapper labels that carry a value: "Headline: …", "Summary: …", "By: …".
LABELS = {
    "title": re.compile(r"^\s*(?:headline|title)\s*:\s*(?P<value>\S.*?)\s*$", re.I),
    "summary": re.compile(r"^\s*(?:summary|dek|standfirst|subtitle|subheadline|lede)\s*:\s*(?P<value>\S.*?)\s*$", re.I),
    "author": re.compile(r"^\s*(?:author|authors|byline|by)\s*:\s*(?P<value>\S.*?)\s*$", re.I),
}

# "By Carmen Navas Reyes": a short line of capitalised name words.
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w.'’\-]*"
_PARTICLE = r"(?:de|da|del|de la|dos|das|do|la|le|van|von|y|e|bin|al)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{_PARTICLE}))*\s+{_NAME_WORD}"
BYLINE = re.compile(rf"^\s*by\s+(?P<value>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)\s*$", re.I)
# "By" must be followed by capitalised words; re.I above would also accept
# "by describing …", so the name part is re-checked case-sensitively.
_NAMES_CASED = re.compile(rf"^{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*$")

# Photo captions and credits: marked ("Photo: El Ciudadano"), or a short
# unpunctuated line ending in a date ("Chavez and Castro meet, December 1994").
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
CAPTION_MARKED = re.compile(r"\b(?:photo|photograph|image|picture|foto|credit)s?\s*(?:by\s+|:)", re.I)
CAPTION_DATED = re.compile(rf",\s*(?:(?:\d{{1,2}}\s+)?(?:{MONTHS})\.?\s+)?\d{{4}}\s*$")
# Syndication credits ("This article was written by Globetrotter.").
CREDIT = re.compile(
    r"^\s*(?:this|the) (?:article|story|piece|report|column) (?:was|is) (?:originally )?"
    r"(?:written|produced|published|distributed|syndicated|republished) (?:by|for|in|with|from)\b",
    re.I,
)

# Datelines: "January 13, 2026 Hour: 1:32 pm", "13 January 2026", "2026-01-13".
_TIME = r"(?:\s*(?:hour|time|at)?\s*:?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[ap]\.?\s?m\.?)?)?"
DATELINES = [
    re.compile(rf"^\s*{_BULLET}(?P<month>{MONTHS})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}){_TIME}\s*$", re.I),
    re.compile(rf"^\s*{_BULLET}(?P<day>\d{{1,2}})\s+(?P<month>{MONTHS})\.?,?\s+(?P<year>\d{{4}}){_TIME}\s*$", re.I),
    re.compile(
        r"^\s*(?P<year>\d{4})-(?P<monthnum>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?\S*\s*$"
    ),
    re.compile(rf"^\s*{_BULLET}(?P<month>{MONTHS})\.?\s+(?P<year>\d{{4}})\s*$", re.I),
]

# "Published: …", "Updated on …": the label before a dateline; "09:30 ET": the zone after its time.
DATELINE_LABEL = re.compile(
    r"^\s*(?:(?:first\s+)?published|updated|last updated|posted|publicado|actualizado)(?:\s+on)?\s*:?\s*", re.I
)
DATELINE_ZONE = re.compile(r"\s+(?:ET|EST|EDT|CT|CST|CDT|PT|PST|PDT|GMT|UTC|BST|CET|CEST|ART|VET|COT)\s*$")
# "4 February 2026 · 5 min read": the badge after a dateline.
READ_TIME_TAIL = re.compile(r"\s*[·•|–—-]\s*\d+\s*(?:min|mins|minutes?)\.?\s+read\s*$", re.I)
# A related-article list's entries: "• Venezuela cuts shipments", "- Power cuts spread".
BULLETED = re.compile(r"^\s*[-–—•·*▪►›»]\s+\S")
# A site's slogan above the headline: "The Caribbean Ledger | Independent news since 1998".
STRAPLINE = re.compile(
    r"^[^.!?]{2,80}\s[|–—:]\s(?=[^.!?]{2,80}$)[^.!?]*\b(?:news|journal\w*|independent|since \d{4}|daily|weekly"
    r"|magazine|media|reporting|online|voice of|latest|breaking"
    r"|noticias|notícias|desde \d{4}|diario|periódico|jornal)\b"
    # or the site's name and the section alone: "The Gulf Courier — Business"
    r"|^[^.!?]{2,60}\s[|–—]\s(?:business|world|politics|opinion|economy|sports?|americas|culture|international"
    r"|latin america|caribbean|energy|markets)\s*$",
    re.I,
)


# "World | Americas", "News > Latin America": the section path above a headline.
BREADCRUMB = re.compile(
    r"^\s*[A-Z][\w&'’-]*(?:\s[A-Z&][\w&'’-]*){0,2}(?:\s*[|>»/›]\s*[A-Z][\w&'’-]*(?:\s[A-Z&][\w&'’-]*){0,2}){1,3}\s*$"
)
# An agency's name alone on its line, before the story: "Reuters", "(AP)", "AFP".
WIRE_CREDIT = re.compile(
    r"^\s*\(?(?:reuters|ap|associated press|afp|agence france-presse|efe|ansa|dpa|bloomberg|xinhua|prensa latina)"
    r"\)?\s*$",
    re.I,
)


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(tuple(".!?…"))


# A line cut off mid-sentence by the scraper ends in a word no sentence or
# heading ends with.
_DANGLING = {
    "a", "an", "the", "to", "of", "and", "or", "but", "for", "in", "on", "with", "that", "by", "from", "as",
    "at", "is", "are", "was", "were", "its", "their", "his", "her", "our", "your", "this", "these", "which",
}  # fmt: skip
_TERMINAL = ".!?…:;’”\"')»"


class CleaningError(ValueError):
    """The document cannot be split as asked (e.g. the given summary is not in it)."""


@dataclass
class Removed:
    line: int  # 1-based line number in the raw document
    rule: str
    text: str


@dataclass
class CleanedDocument:
    title: str
    summary: str
    body: str
    caption: str
    authors: list[str] = field(default_factory=list)
    byline: str = ""  # the byline line as printed, kept out of the body: the authors' evidence
    published: datetime.date | None = None
    published_precision: str = ""
    published_time: datetime.time | None = None
    wrapped: bool = False  # the document came in a labelled wrapper ("Headline:", "[Article Body:]")
    removed: list[Removed] = field(default_factory=list)


def split_lines(raw: str) -> list[str]:
    """Lines without their endings; "\\r\\n", "\\r" and "\\n" all end a line."""
    return re.split(r"\r\n|\r|\n", raw)


def month_number(name: str) -> int:
    key = name.lower().rstrip(".")[:3]
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(key) + 1


def parse_dateline(line: str) -> tuple[datetime.date, str, datetime.time | None] | None:
    """(first day, precision, time or None) for a line that is only a date (with, perhaps, a
    label before it and a read-time badge or time zone after it: "Published: April 14, 2026 09:30 ET",
    "4 February 2026 · 5 min read", "Updated 9 March 2026, 18:40"), else None."""
    line = DATELINE_ZONE.sub("", DATELINE_LABEL.sub("", READ_TIME_TAIL.sub("", line)))
    line = re.sub(r"(\d{4}),\s*(?=\d{1,2}:\d{2})", r"\1 ", line)
    for pattern in DATELINES:
        match = pattern.match(line)
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["year"])
        month = int(parts["monthnum"]) if parts.get("monthnum") else month_number(parts["month"])
        try:
            if parts.get("day"):
                day, precision = datetime.date(year, month, int(parts["day"])), dates.Precision.DAY
            else:
                day, precision = datetime.date(year, month, 1), dates.Precision.MONTH
        except ValueError:
            return None
        time = None
        if parts.get("hour") and precision == dates.Precision.DAY:
            hour, minute = int(parts["hour"]), int(parts["minute"])
            ampm = (parts.get("ampm") or "").lower().replace(".", "").replace(" ", "")
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
            if hour > 23 or minute > 59:
                return None
            time = datetime.time(hour, minute)
        return day, str(precision), time
    return None


def split_names(value: str) -> list[str]:
    return [name.strip() for name in re.split(r"\s*(?:,|\band\b|&)\s*", value) if name.strip()]


def byline_names(line: str) -> list[str] | None:
    """The author names of a byline such as "By Carmen Navas Reyes", else None."""
    match = BYLINE.match(line)
    if not match or not _NAMES_CASED.match(match["value"]) or len(line.split()) > 12:
        return None
    return split_names(match["value"])


def is_caption(line: str) -> bool:
    stripped = line.strip()
    words = stripped.split()
    if CAPTION_MARKED.search(stripped) and len(words) <= 20:
        return True
    return len(words) <= 12 and not stripped.endswith(tuple(_TERMINAL)) and bool(CAPTION_DATED.search(stripped))


def is_fragment(line: str) -> bool:
    """A short line that stops mid-sentence ("The only way to")."""
    words = line.split()
    return 0 < len(words) <= 6 and not line.rstrip().endswith(tuple(_TERMINAL)) and words[-1].lower() in _DANGLING


def is_outlet_label(line: str, outlet_names: list[str]) -> bool:
    """A masthead or outlet line before the article starts.

    "- The Left Chapter" (a short dash-led label) or a line that starts with a
    known outlet name ("The Revolutionary Communist Group – for an …").
    """
    folded = fold(line)
    for name in outlet_names:
        key = fold(name)
        if key and (folded == key or folded.startswith(key + " ") or folded.startswith("the " + key)):
            return True
    match = re.match(r"^\s*[-–—|•]\s+(?P<label>.+?)\s*$", line)
    return bool(match) and len(match["label"].split()) <= 6 and not match["label"].endswith(tuple(_TERMINAL))


def furniture_rule(line: str) -> str | None:
    for name, pattern in FURNITURE_RULES:
        if pattern.search(line):
            return name
    if is_fragment(line):
        return "truncated fragment"
    return None


def clean_document(
    raw: str, *, outlet_names: list[str] | tuple[str, ...] = (), summary: str | None = None, title: str | None = None
) -> CleanedDocument:
    """Split `raw` into its parts; see the module docstring for the rules.

    `summary`, when given, is the text of the paragraph that is the dek: it is
    taken out of the body. `title` overrides the detected title line.
    """
    lines = split_lines(raw)
    result = CleanedDocument(title="", summary="", body="", caption="")
    captions: list[str] = []
    body: list[str] = []
    started = False  # has the article text begun? Mastheads and datelines only count before it.
    skip_next_headline = False
    in_related_list = False  # after a "Related articles" heading, its bulleted headlines

    def drop(number: int, rule: str, text: str) -> None:
        result.removed.append(Removed(number, rule, text))

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            if started:
                body.append("")
            continue
        if skip_next_headline:
            skip_next_headline = False
            in_related_list = True
            drop(number, "related headline", line)
            continue
        if in_related_list and BULLETED.match(line):
            drop(number, "related headline", line)
            continue
        in_related_list = False
        if RELATED_LEAD.match(line):
            skip_next_headline = True
            drop(number, "related link", line)
            continue
        if RELATED_INLINE.match(line):
            drop(number, "related link", line)
            continue
        label = _label(line)
        if label:
            kind, value = label
            result.wrapped = True
            drop(number, f"{kind} label", line)
            if kind == "title" and not result.title:
                result.title = value
            elif kind == "summary" and not result.summary:
                result.summary = value
            elif kind == "author":
                result.authors.extend(split_names(value))
                result.byline = result.byline or stripped
            continue
        rule = furniture_rule(line)
        if rule:
            if rule == "wrapper label":
                result.wrapped = True
            in_related_list = rule == "related links"
            drop(number, rule, line)
            continue
        names = byline_names(line)
        if names:
            result.authors.extend(names)
            result.byline = result.byline or stripped
            drop(number, "byline", line)
            continue
        dateline = None if started else parse_dateline(line)
        if dateline:
            # Before the caption check: "April 17, 2026" alone under a headline is the date, not a credit.
            if result.published is None:
                result.published, result.published_precision, result.published_time = dateline
            drop(number, "dateline", line)
            continue
        if is_caption(line) or CREDIT.match(line):
            captions.append(stripped)
            drop(number, "caption or credit", line)
            continue
        if not started:
            if is_outlet_label(line, list(outlet_names)):
                drop(number, "outlet label", line)
                continue
            if BREADCRUMB.match(line):
                if result.title:
                    # A section path under the line taken as the title: that line was the site's name.
                    _reclass(result, "title", "site name")
                    result.title = ""
                drop(number, "section breadcrumb", line)
                continue
            if WIRE_CREDIT.match(line):
                drop(number, "wire credit", line)
                continue
            if STRAPLINE.search(line) and not result.title and len(stripped.split()) <= 14 and not _ends_sentence(line):
                drop(number, "site strapline", line)
                continue
            if not result.title:
                result.title = stripped
                drop(number, "title", line)
                continue
            started = True
        body.append(line)

    if title:
        result.title = title
    if summary is not None:
        body = _take_summary(body, summary)
        result.summary = summary
    result.body = _join(body)
    result.caption = "\n".join(captions)
    if not result.title:
        raise CleaningError("No title line found; pass the title explicitly.")
    return result


def _reclass(result: CleanedDocument, rule: str, new_rule: str) -> None:
    """The last line removed by `rule` was removed for another reason: say so."""
    for index in range(len(result.removed) - 1, -1, -1):
        if result.removed[index].rule == rule:
            result.removed[index] = Removed(result.removed[index].line, new_rule, result.removed[index].text)
            return


def _label(line: str) -> tuple[str, str] | None:
    for kind, pattern in LABELS.items():
        match = pattern.match(line)
        if match:
            return kind, match["value"]
    return None


def _take_summary(body: list[str], summary: str) -> list[str]:
    for index, line in enumerate(body):
        if line.strip() == summary.strip():
            return body[:index] + body[index + 1 :]
    raise CleaningError(f"The summary is not a paragraph of the document: {summary[:80]!r}")


def _join(lines: list[str]) -> str:
    """Lines joined by "\\n", blank runs collapsed to one, no blank lines at either end."""
    kept: list[str] = []
    for line in lines:
        if not line.strip() and (not kept or not kept[-1].strip()):
            continue
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)
