"""The folding rule: what both full-text indexes and the snippets rely on."""

import pytest

from articles.text import FoldedText, fold


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
