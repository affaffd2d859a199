"""Snippets find a search's matches with one regex per term: the same hits, in the same order and
with the same cut-off, as testing every word against every term (the rule the snippet marks)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import snippets
from articles.search import Query, Term

WORDS = st.sampled_from(["a", "ab", "abc", "b", "ba", "bab", "c", "ca", "1", "12"])


def reference_hits(words, query, limit):
    """The rule as it reads: a term matches where its words follow one another, the last one a word
    start when the term is a prefix; every position in order, each term in order."""

    def matches(term, word, index):
        wanted = term.words[index]
        return word.startswith(wanted) if term.prefix and index == len(term.words) - 1 else word == wanted

    hits = []
    for position in range(len(words)):
        for number, term in enumerate(query.terms):
            size = len(term.words)
            if position + size <= len(words) and all(matches(term, words[position + k][0], k) for k in range(size)):
                hits.append((position, position + size, number))
        if len(hits) >= limit:
            break
    return hits


terms = st.builds(Term, st.lists(WORDS, min_size=1, max_size=3).map(tuple), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=40), st.lists(terms, min_size=1, max_size=3), st.integers(1, 12))
def test_the_regex_finds_what_testing_each_word_finds(text_words, query_terms, limit):
    words, offset = [], 0
    for word in text_words:
        words.append((word, offset, offset + len(word)))
        offset += len(word) + 1
    query = Query(tuple(query_terms))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snippets, "MAX_HITS", limit)
        assert snippets.find_hits(words, query) == reference_hits(words, query, limit)
