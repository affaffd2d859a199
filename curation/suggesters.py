"""The suggesters: each reads an article and proposes records with their evidence and a score.

- authors: the names in the byline (or in a closing contributor note: "Ana Díaz is a journalist…");
- people: known people by name, alias and near spelling, and people not yet in the corpus where a
  title or a speech verb says a name is a person's;
- quotations: a quotation in marks, attributed to the person the sentence (or, for "he said", the
  one before it) names;
- events: known events, by their day ("on 3 January"), or by their year together with words of
  their name;
- figures: quantities parsed with their qualifier and unit (curation.figure_parsing), with an
  existing metric where one fits.

They only propose; curation.suggesting stores, accepts and rejects.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils.text import slugify
from rapidfuzz import fuzz

from articles import dates
from articles.models import Event, Figure, Person
from articles.text import fold

from . import aliases, figure_parsing
from .cleaning import MONTHS, byline_names, month_number


@dataclass
class Proposal:
    kind: str  # a Suggestion.Kind value
    field: str
    start: int
    end: int
    quote: str
    score: float
    suggester: str
    target: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Kind, field, span and what it points at: the identity a rejection is remembered by."""
        t = self.target
        if self.kind == "person_mention":
            what = f"{t.get('person') or fold(t.get('name', ''))}:{t.get('role')}"
        elif self.kind == "event_mention":
            what = t.get("event", "")
        else:
            what = f"{t.get('value')}:{t.get('value_max')}:{t.get('qualifier')}:{t.get('unit')}"
        return f"{self.kind}|{self.field}|{self.start}|{self.end}|{what}"[:300]


# A sentence ends at . ! ? … (or a line break) followed by space and a capital, digit or quote mark.
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(A-Z0-9ÁÉÍÓÚÑ])|\n+")
SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|declared|declares|stated|states|wrote|writes|added|adds|warned|warns|insisted|"
    r"insists|called|calls|described|posted|threatened|announced|announces|asked|replied|noted|recalled|urged|"
    r"vowed|promised|claimed|accused|according to|in the words of|proclaimed|saying|insisting|calling|"
    r"describing|branding|warning|declaring|telling|advis(?:e|ed|ing))\b",
    re.I,
)
PRONOUN_SPEAKER = re.compile(r"\b(?:he|she|they)\s+(?:\w+\s+)?(?:said|says|told|added|wrote|declared|warned)\b", re.I)
# Quotations in curly or straight double marks, or in single curly marks that enclose more than a name.
# A ’ between letters is an apostrophe ("don’t"), not the closing mark.
QUOTATION = re.compile(r"“([^”\n]{2,600})”|\"([^\"\n]{2,600})\"|‘((?:[^’\n]|’(?=\w)){4,600})’(?!\w)")
# A title before a name says the name is a person's ("President Ana Díaz", "Dr. Ruiz").
PERSON_TITLE = (
    r"(?:President|Vice[- ]President|Prime Minister|Minister|Secretary|Senator|Governor|Mayor|General|Gen\.|"
    r"Colonel|Col\.|Ambassador|Chancellor|Commander|Judge|Dr\.|Mr\.|Mrs\.|Ms\.|spokesman|spokeswoman|spokesperson|"
    r"Deputy|Representative|Rep\.|Sen\.|Foreign Minister|leader|analyst|economist|professor|Professor)"
)
NAME = r"[A-ZÁÉÍÓÚÑ][\w’'\-]+(?:\s+(?:de|del|la|da|van|von|[A-Z]\.?(?=\s)|[A-ZÁÉÍÓÚÑ][\w’'\-]+)){1,3}"
NEW_PERSON = re.compile(
    rf"(?:\b{PERSON_TITLE}\s+(?P<titled>{NAME}))|(?:(?P<speaker>{NAME}),?\s+(?:said|says|told|added|wrote|warned))"
    rf"|(?:\b(?:said|says|told|added|wrote|warned)\s+(?P<after>{NAME}))"
)
CONTRIBUTOR_NOTE = re.compile(
    rf"^(?P<name>{NAME}) is an? (?:[\w\-]+ ){{0,4}}(?:journalist|writer|reporter|correspondent|columnist|editor|"
    r"analyst|scientist|professor|researcher|author|historian|economist|contributor)\b",
    re.M,
)
NOT_A_NAME_WORDS = {
    *("the", "this", "that", "these", "but", "and", "in", "on", "at", "as", "for", "with", "by"),
    *("assistant", "under", "former", "acting", "deputy", "chief", "senior"),
}
SCARE_QUOTE_WORDS = 3
NEAR_SPELLING = 88  # rapidfuzz ratio out of 100: "Delci Rodrigues" for "Delcy Rodriguez" scores 87.5–93
EVENT_WORDS_MIN = 2  # words of an event's name that a sentence must share, beside its year
EVENT_STOP = {
    *("the", "a", "an", "of", "in", "to", "and", "on", "at", "by", "for", "from", "with", "its", "his", "her"),
    *("their", "us", "cuba", "cuban", "venezuela", "venezuelan", "against", "between", "president"),
}


def sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def propose(article, people=None, events=None) -> list["Proposal"]:
    people = list(Person.objects.order_by("pk")) if people is None else people
    events = list(Event.objects.order_by("pk")) if events is None else events
    found = [
        *authors(article, people),
        *people_named(article, people),
        *new_people(article, people),
        *quotations(article, people),
        *events_named(article, events, people),
        *figures(article),
    ]
    return _without_repeats(found)


def _without_repeats(found: list[Proposal]) -> list[Proposal]:
    """One proposal per key; and where an author's name is found, not also a mention of them there."""
    authored = {(p.field, p.start, p.end) for p in found if p.target.get("role") == "author"}
    seen, kept = set(), []
    for proposal in found:
        if proposal.target.get("role") == "mentioned" and (proposal.field, proposal.start, proposal.end) in authored:
            continue
        if proposal.key not in seen:
            seen.add(proposal.key)
            kept.append(proposal)
    return kept


def _person(person, name, role, field_name, text, start, end, score, suggester) -> Proposal:
    target = {"person": person.slug if person else None, "name": person.name if person else name, "role": role}
    return Proposal("person_mention", field_name, start, end, text[start:end], score, suggester, target)


def authors(article, people) -> list[Proposal]:
    found = []
    if article.byline:
        for name in byline_names(article.byline) or []:
            for start, end in aliases.find_spans(article.byline, name)[:1]:
                person = aliases.resolve(name, people) or _near(name, people)
                found.append(_person(person, name, "author", "byline", article.byline, start, end, 0.95, "authors"))
    for match in CONTRIBUTOR_NOTE.finditer(article.body):
        name = match.group("name")
        person = aliases.resolve(name, people) or _near(name, people)
        start, end = match.span("name")
        found.append(_person(person, name, "author", "body", article.body, start, end, 0.8, "authors"))
    return found


def _near(name: str, people) -> Person | None:
    """The known person whose name or alias is a near spelling of `name` (accents folded)."""
    key = fold(name)
    best, best_score = None, NEAR_SPELLING
    for person in people:
        for alias in aliases.names_of(person):
            if len(alias.split()) < 2:
                continue  # a lone surname near-matches too much ("Ruiz" for "Ortiz")
            score = fuzz.ratio(key, fold(alias))
            if score >= best_score:
                best, best_score = person, score
    return best


def people_named(article, people) -> list[Proposal]:
    """Each known person, where the text names them most fully (the first "Donald Trump" rather than an
    earlier "Trump"), or by a near spelling of a full name ("Delci Rodrigues")."""
    found = []
    for field_name in ("title", "summary", "body", "caption"):
        text = getattr(article, field_name) or ""
        fullest: dict = {}
        for mention in aliases.every_mention(text, people):
            best = fullest.get(mention.person.pk)
            if best is None or len(mention.quote.split()) > len(best.quote.split()):
                fullest[mention.person.pk] = mention
        for m in sorted(fullest.values(), key=lambda m: m.start):
            found.append(_person(m.person, m.quote, "mentioned", field_name, text, m.start, m.end, 0.9, "people"))
        for match in re.finditer(NAME, text):
            person = _near(match.group(), people)
            if person is not None and person.pk not in fullest and aliases.resolve(match.group(), people) is None:
                fullest[person.pk] = match
                start, end = match.span()
                found.append(_person(person, match.group(), "mentioned", field_name, text, start, end, 0.7, "people"))
    return found


def new_people(article, people) -> list[Proposal]:
    """Names a title or a speech verb marks as a person's, where no known person has that name."""
    found, seen = [], set()
    text = article.body
    for match in NEW_PERSON.finditer(text):
        group = next(g for g in ("titled", "speaker", "after") if match.group(g))
        name = match.group(group)
        if not _plausible_name(name):
            continue
        if aliases.resolve(name, people) or _near(name, people) or fold(name) in seen:
            continue
        if any(aliases.find_spans(name, alias) for person in people for alias in aliases.names_of(person)):
            continue  # "President Nicolás Maduro Moros" holds a known name
        seen.add(fold(name))
        start, end = match.span(group)
        found.append(_person(None, name, "mentioned", "body", text, start, end, 0.6, "new people"))
    return found


def _with_surnames(text, people) -> list:
    """Every mention of a known person, and after someone is named in full, their surname alone
    ("Delcy Rodríguez … Rodríguez told reporters"), as news style names them the second time."""
    mentions = aliases.every_mention(text, people)
    taken = [(m.start, m.end) for m in mentions]
    for full in [m for m in mentions if len(m.quote.split()) >= 2]:
        surname = full.quote.split()[-1]
        for start, end in aliases.find_spans(text, surname):
            if start > full.start and not any(start < b and a < end for a, b in taken):
                taken.append((start, end))
                mentions.append(aliases.NameMatch(full.person, text[start:end], start, end, surname, 0))
    return sorted(mentions, key=lambda m: m.start)


def _plausible_name(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and words[0].lower() not in NOT_A_NAME_WORDS and not re.fullmatch(PERSON_TITLE, words[0])


def quotations(article, people) -> list[Proposal]:
    """A quotation in marks, with its speaker: the person named as the subject of the sentence's
    speech verb (the last named before it, or the first after a quotation the verb follows); for a
    "he said" that names no one, the last person named before the sentence."""
    text = article.body
    named = _with_surnames(text, people)
    found = []
    bounds = sentences(text)
    for match in QUOTATION.finditer(text):
        group = next(i for i in (1, 2, 3) if match.group(i) is not None)
        start, end = match.span(group)
        while end > start and text[end - 1] in ", ":  # the comma before "she said" is the sentence's, not the speaker's
            end -= 1
        quote = text[start:end]
        first = next(((a, b) for a, b in bounds if a <= start < b), (start, end))
        last = next(((a, b) for a, b in bounds if a <= end <= b), first)
        sentence = (first[0], max(first[1], last[1]))
        context = text[sentence[0] : sentence[1]]
        verbs = [
            sentence[0] + m.start() for m in SPEECH.finditer(context) if not start <= sentence[0] + m.start() < end
        ]
        if len(quote.split()) <= SCARE_QUOTE_WORDS and not verbs:
            continue  # a few words in marks with no one speaking are a name or scare quotes, not a quotation
        outside = [m for m in named if sentence[0] <= m.start < sentence[1] and not start <= m.start < end]
        speaker, score = None, 0.0
        verb_before = [v for v in verbs if v < start]
        if verb_before:
            # The sentence's subject: "Trump even said that Marco Rubio “will be…”" is Trump's.
            subjects = [m for m in outside if m.start < verb_before[0]]
            speaker = subjects[0].person if subjects else None
        elif verbs:
            after = [m for m in outside if m.start > end]
            speaker = after[0].person if after else None
        if speaker is None and outside:
            before = [m for m in outside if m.start < start]
            speaker = (before[-1] if before else outside[0]).person
        if speaker is not None:
            score = 0.85 if verbs else 0.6
        elif PRONOUN_SPEAKER.search(context):
            earlier = [m for m in named if m.start < sentence[0]]
            if earlier:
                speaker, score = earlier[-1].person, 0.55
        if speaker is not None:
            found.append(_person(speaker, speaker.name, "quoted", "body", text, start, end, score, "quotations"))
            continue
        # Someone not in the corpus yet, named beside a speech verb ("…,” said Yamilé Ortega).
        for new in NEW_PERSON.finditer(context):
            group = next(g for g in ("titled", "speaker", "after") if new.group(g))
            if verbs and not start <= sentence[0] + new.start(group) < end and _plausible_name(new.group(group)):
                name = new.group(group)
                found.append(_person(None, name, "quoted", "body", text, start, end, 0.5, "quotations"))
                break
    return found


# "3 January", "January 3", "3 January 2026": a day the text names (month names as the cleaner reads them).
DAY_MONTH = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTHS})\.?|(?P<m2>{MONTHS})\.?\s+(?P<d2>\d{{1,2}})\b)"
    r"(?:,?\s+(?P<year>\d{4}))?"
)
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")


def _event_words(event) -> set[str]:
    return {w for w in fold(f"{event.name} {event.slug.replace('-', ' ')}").split() if w not in EVENT_STOP and
            not w.isdigit() and len(w) > 2}  # fmt: skip


def _proper_words(event) -> set[str]:
    """The folded words the event's name capitalises ("Bay", "Pigs", "Adentro"): a name that shares
    only common words with a sentence ("oil blockade") needs its date as well."""
    return {fold(w) for w in re.findall(r"\b[A-ZÁÉÍÓÚÑ][\w\-]+", event.name)} - EVENT_STOP


def events_named(article, events, people) -> list[Proposal]:
    """Known events, in each sentence that gives one's day, or its year with words of its name, or
    enough words of its name alone. Words of a person's name in an event's ("coup against Hugo
    Chávez") do not count: they name the person, not the event."""
    text = article.body
    found = []
    person_words = {w for person in people for n in aliases.names_of(person) for w in fold(n).split()}
    # Each event's words once for the article, not once per sentence.
    named = [(event, _event_words(event) - person_words, _proper_words(event)) for event in events]
    for a, b in sentences(text):
        sentence = text[a:b]
        words = set(fold(sentence).split())
        days = [
            (m, month_number(m.group("m1") or m.group("m2")), int(m.group("d1") or m.group("d2")))
            for m in DAY_MONTH.finditer(sentence)
        ]
        years = {int(y) for y in YEAR.findall(sentence)}
        for event, event_words, proper in named:
            shared = event_words & words
            day_match = next(
                (
                    m
                    for m, month, day in days
                    if event.precision == dates.Precision.DAY
                    and (event.start.month, event.start.day) == (month, day)
                    and (not m.group("year") or int(m.group("year")) == event.start.year)
                ),
                None,
            )
            year_match = event.start.year in years or (event.end is not None and event.end.year in years)
            if day_match is not None:
                start, end, score = a + day_match.start(), a + day_match.end(), 0.9
            elif year_match and shared:
                (start, end), score = _cover(text, a, b, shared, event.start.year), 0.75
            elif len(shared) >= max(EVENT_WORDS_MIN, len(event_words) - 1) and shared & proper:
                (start, end), score = _cover(text, a, b, shared, None), 0.6
            else:
                continue
            quote = text[start:end]
            found.append(Proposal("event_mention", "body", start, end, quote, score, "events", {"event": event.slug}))
    return found


def _cover(text, a, b, words, year) -> tuple[int, int]:
    """The stretch of text[a:b] from the first to the last of `words` (and the year), as evidence."""
    tokens = [t for t in aliases.tokenize(text[a:b]) if t.word in words or (year and t.word == str(year))]
    if not tokens:
        return a, b
    return a + tokens[0].start, a + tokens[-1].end


def figures(article) -> list[Proposal]:
    # One row per metric and unit (a GROUP BY), not every figure of the corpus.
    rows = Figure.objects.values("metric", "unit").annotate(label=Min("label")).order_by("metric")
    metrics = {}
    for row in rows:
        metrics.setdefault(row["metric"], (row["unit"], set(fold(row["label"]).split()) - EVENT_STOP))
    found = []
    for field_name in ("title", "summary", "body", "caption"):
        text = getattr(article, field_name) or ""
        bounds = sentences(text)
        for figure in figure_parsing.find_figures(text):
            sentence = next(((a, b) for a, b in bounds if a <= figure.start < b), (figure.start, figure.end))
            label = " ".join(text[sentence[0] : sentence[1]].split())[:300]
            target = {
                "value": str(figure.value),
                "value_max": str(figure.value_max) if figure.value_max is not None else None,
                "qualifier": figure.qualifier,
                "unit": figure.unit[:50],
                "label": label,
                "metric": _metric(figure, label, metrics),
            }
            found.append(
                Proposal("figure", field_name, figure.start, figure.end, figure.quote, figure.score, "figures", target)
            )
    return found


def _metric(figure, label, metrics) -> str:
    """An existing metric of the same unit whose figures' labels share the most words, or a new slug."""
    words = set(fold(label).split()) - EVENT_STOP
    best, best_shared = None, 2
    for metric, (unit, label_words) in metrics.items():
        shared = len(words & label_words)
        if unit == figure.unit and shared > best_shared:
            best, best_shared = metric, shared
    return best or slugify(f"{figure.unit} {' '.join(sorted(words, key=len, reverse=True)[:3])}")[:100]
