"""The folding rule: what both full-text indexes and the snippets rely on."""

from bisect import bisect_right
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text import _TABLE, FoldedText, fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Hugo Chávez", "hugo chavez"),
        ("CHÁVEZ", "chavez"),
        ("Díaz-Canel", "diaz canel"),
        ("ALBA\u2011TCP", "alba tcp"),
        ("Don\u2019t", "dont"),
        ("Don't", "dont"),
        ("donʼt", "dont"),
        ("Łódź, Øresund, Straße, Æther", "lodz oresund strasse aether"),
        ("e\u0301", "e"),  # a decomposed accent
        ("35,000 barrels", "35 000 barrels"),
        ("snake_case", "snake case"),
        ("“quoted” (text) [here]", "quoted text here"),
        ("  spaced\t\nout  ", "spaced out"),
        ("", ""),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_every_character_folds_to_ascii_words():
    """Both databases then tokenise the folded text alike: [a-z0-9]+ words."""
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    for code in range(0x30000):
        if 0xD800 <= code < 0xE000:
            continue
        assert set(fold(f"a{chr(code)}b")) <= allowed, hex(code)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("Don’t quit", [("dont", "Don’t"), ("quit", "quit")]),
        ("Hugo Chávez.", [("hugo", "Hugo"), ("chavez", "Chávez")]),
        ("Castros' house", [("castros", "Castros'"), ("house", "house")]),
        ("Cafe\u0301 ½x", [("cafe", "Cafe\u0301"), ("1", "½"), ("2x", "½x")]),
        ("straße", [("strasse", "straße")]),
    ],
)
def test_folded_words_map_back_to_the_original_text(raw, words):
    text = FoldedText(raw)
    assert [(word, raw[slice(*text.original_span(start, end))]) for word, start, end in text.words] == words
    assert " ".join(word for word, _, _ in text.words) == fold(raw)


# Characters of every kind the fold treats differently: ASCII letters, digits, spaces and punctuation,
# apostrophes (folded to nothing), accented and decomposed letters, letters that fold to two (ß, æ, ½),
# marks, dashes, CJK, emoji and line breaks.
CHARACTERS = st.sampled_from(list("aZ9 .,-\n'`\u2019\u02bcáÉñßæ½\u0301\u2011\u2014ł中😀ﬁ"))


def reference_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The way back as first written: where every original character starts in the folded text."""
    starts = list(accumulate(map(len, map(_TABLE.__getitem__, map(ord, text))), initial=0))
    first = bisect_right(starts, start) - 1
    after = bisect_right(starts, end) - 1
    return first, after + 1 if starts[after] < end else after


@settings(max_examples=400, deadline=None)
@given(st.lists(CHARACTERS, max_size=30).map("".join), st.data())
def test_the_way_back_is_the_character_by_character_map(raw, data):
    # FoldedText keeps offsets only at the characters that do not fold to exactly one (a search page
    # folds 20 bodies); any span must map back as a list of every character's start would map it.
    text = FoldedText(raw)
    assert text.folded == raw.translate(_TABLE)
    size = len(text.folded)
    start = data.draw(st.integers(0, size + 2))
    end = data.draw(st.integers(start, size + 3))
    assert text.original_span(start, end) == reference_span(raw, start, end)
    for _, word_start, word_end in text.words:
        assert text.original_span(word_start, word_end) == reference_span(raw, word_start, word_end)
