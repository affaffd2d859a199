"""Text folding: the one rule for matching names, aliases and search terms.

"Chávez", "CHAVEZ" and "chavez" fold to the same key; so do "Díaz-Canel" and
"Diaz Canel", "ALBA‑TCP" (non-breaking hyphen) and "ALBA-TCP", and curly and
straight apostrophes. The model's stored search text, the search filter, the
alias matcher and the admin search all call `fold`.
"""

import re
import unicodedata

# Apostrophes join a word ("Fidel's" → "fidels"); every other non-word
# character separates words.
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u0060\u00b4]")
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    joined = _APOSTROPHES.sub("", without_marks.casefold())
    return _NON_WORD.sub(" ", joined).strip()


def fold_words(text: str) -> list[str]:
    return fold(text).split()


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
