"""Text folding: the one rule for matching names, aliases and search terms.

"Chávez", "CHAVEZ" and "chavez" fold to the same key; so do "Díaz-Canel" and
"Diaz Canel", "ALBA‑TCP" (non-breaking hyphen) and "ALBA-TCP", "Łódź" and
"Lodz", and curly and straight apostrophes. The model's stored search text, the
search filter, the snippet highlighter, the alias matcher and the admin search
all call this module.

The folded form is plain ASCII: lower-case letters and digits in words
separated by single spaces. Letters are transliterated (anyascii), so the
full-text indexes of SQLite (FTS5) and PostgreSQL (tsvector) see the same
words and agree by construction; neither database's own accent folding has
anything left to do.
"""

import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate

from anyascii import anyascii

# Apostrophes join a word ("Fidel's" → "fidels"); every other character that
# is not a letter, a digit or a combining mark separates words.
APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u0060\u00b4\u2032\uff07"
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+")


class _FoldTable(dict):
    """Code point → its folded text, for `str.translate`; filled on first use."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in APOSTROPHES:
            folded = ""
        elif unicodedata.category(char)[0] in "LNM":
            ascii_form = anyascii(char).lower()
            for apostrophe in APOSTROPHES:
                ascii_form = ascii_form.replace(apostrophe, "")
            folded = _NOT_ASCII_WORD.sub(" ", ascii_form)
        else:
            folded = " "
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def normalise(text: str) -> str:
    """Stored text's one form: line endings as `\n` and Unicode in NFC, so the
    same text has the same offsets whether it came through the admin (which
    posts `\r\n`), the API or an import."""
    if not text:
        return text
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces."""
    if not text:
        return ""
    return " ".join(text.translate(_TABLE).split())


def fold_words(text: str) -> list[str]:
    return fold(text).split()


class FoldedText:
    """A text's folded form, with the way back to the original characters.

    `words` are (word, start, end) in folded coordinates; `original_span` maps
    such a span back, accents and apostrophes included: the word "dont" in
    "Don’t quit" comes from [0, 5).
    """

    def __init__(self, text: str):
        self.text = text or ""
        self.folded = self.text.translate(_TABLE)
        # _starts[i] is where original character i begins in `folded`.
        self._starts = list(accumulate(map(len, map(_TABLE.__getitem__, map(ord, self.text))), initial=0))
        self.words = [(match.group(), match.start(), match.end()) for match in _WORD.finditer(self.folded)]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        starts = self._starts
        first = bisect_right(starts, start) - 1
        # The last character starting at or before `end`: the first one left
        # out if it starts exactly there (so apostrophes and marks folded to
        # nothing stay in), else one that spills into the span.
        after = bisect_right(starts, end) - 1
        return first, after + 1 if starts[after] < end else after


def folded_document(folded_parts) -> str:
    """The search document of parts already folded one by one. Folding works
    word by word, so this is `search_document` of the unfolded parts; a bulk
    loader that folds each sentence once uses it rather than refolding bodies."""
    return f" {' '.join(part for part in folded_parts if part)} "


def search_document(*parts) -> str:
    """The folded text a record is searched by: its parts joined by spaces.

    Padded with spaces so a folded phrase can be matched on word boundaries
    with a plain `contains ' phrase '`.
    """
    flat = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            flat.extend(part)
        elif part:
            flat.append(part)
    return f" {fold(' '.join(str(p) for p in flat if p))} "


def word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:[’'\-]\w+)*", text or ""))
