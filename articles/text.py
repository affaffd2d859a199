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
from bisect import bisect_left, bisect_right
from functools import cached_property

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


# The characters whose folded form may not be exactly one character: all but ASCII, and the ASCII
# apostrophes (folded to nothing). Every other ASCII character folds to one: itself lower-cased, or a space.
_MAYBE_UNEVEN = re.compile("[^\x00-\x26\x28-\x5f\x61-\x7f]")


def _fold_char(match: re.Match) -> str:
    return _TABLE[ord(match.group())]


class FoldedText:
    """A text's folded form, with the way back to the original characters.

    `words` are (word, start, end) in folded coordinates; `original_span` maps
    such a span back, accents and apostrophes included: the word "dont" in
    "Don’t quit" comes from [0, 5).

    A search page folds the body of every result, so this is on its hot path. The characters that
    are not plain ASCII are folded first, one regex pass, which leaves ASCII that `str.translate`
    maps at C speed (a text with even one accent otherwise takes its slow path, character by
    character). The way back is kept only at the characters whose folded form is not one character
    long: between two of them, offsets move one for one.
    """

    def __init__(self, text: str):
        self.text = text or ""
        self.folded = _MAYBE_UNEVEN.sub(_fold_char, self.text).translate(_TABLE)
        self.words = [(match.group(), match.start(), match.end()) for match in _WORD.finditer(self.folded)]

    @cached_property
    def _uneven(self) -> tuple[list[int], list[int], list[int]]:
        """Original positions of the characters not folded to exactly one character, where each one
        starts in the folded text, and how far the folded text has drifted just after each."""
        positions, folded_starts, drift_after = [], [], []
        drift = 0
        for match in _MAYBE_UNEVEN.finditer(self.text):
            length = len(_TABLE[ord(match.group())])
            if length != 1:
                positions.append(match.start())
                folded_starts.append(match.start() + drift)
                drift += length - 1
                drift_after.append(drift)
        return positions, folded_starts, drift_after

    def _folded_start(self, index: int) -> int:
        """Where original character `index` begins in the folded text (len(text): its end)."""
        positions, _, drift_after = self._uneven
        before = bisect_left(positions, index)  # uneven characters wholly before `index`
        return index + (drift_after[before - 1] if before else 0)

    def _last_starting_at_or_before(self, offset: int) -> int:
        """The last original character that begins at or before folded `offset`."""
        positions, folded_starts, drift_after = self._uneven
        k = bisect_right(folded_starts, offset) - 1  # the last uneven character starting there or before
        if k < 0:
            index = offset
        else:
            after = folded_starts[k] + (drift_after[k] - (drift_after[k - 1] if k else 0)) + 1  # its end
            index = positions[k] if offset < after else positions[k] + 1 + (offset - after)
        return min(index, len(self.text))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        first = self._last_starting_at_or_before(start)
        # The last character starting at or before `end`: the first one left
        # out if it starts exactly there (so apostrophes and marks folded to
        # nothing stay in), else one that spills into the span.
        after = self._last_starting_at_or_before(end)
        return first, after + 1 if self._folded_start(after) < end else after


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
