"""Search snippets: a short passage of the text around what a search matched.

The passage is HTML: the text escaped, each match wrapped in <mark>…</mark>,
and "…" where the text goes on. It is computed here, from the same folding
rule the index uses, so the two databases give the same snippet.
"""

import html
import re

from .search import Query, Term
from .text import FoldedText

WINDOW = 30  # words in a snippet
LEAD = 6  # words shown before the first match in it
MAX_HITS = 500
_SPACES = re.compile(r"\s+")


def _pattern(term: Term) -> re.Pattern:
    """The term over folded words joined by single spaces: whole words, the last one a word start
    when the term is a prefix (folded words are [a-z0-9]+, so nothing needs escaping)."""
    last = term.words[-1] + ("[a-z0-9]*" if term.prefix else "")
    # A lookahead, so matches may overlap ("a a" in "a a a" at both places), as the rule has it.
    return re.compile(r"(?<![a-z0-9])(?=" + " ".join((*term.words[:-1], last)) + r"(?![a-z0-9]))")


def find_hits(words: list[tuple[str, int, int]], query: Query) -> list[tuple[int, int, int]]:
    """(first word, past last word, term number) of every match, in text order, stopping at the
    first position where MAX_HITS have been found."""
    # One regex per term over the words joined by spaces, rather than a Python test of every word
    # against every term: that was most of a search page's snippets (165 000 calls for 20 bodies).
    joined = " ".join(word for word, _, _ in words)
    index_at, offset = {}, 0
    for number, (word, _, _) in enumerate(words):
        index_at[offset] = number
        offset += len(word) + 1
    found = sorted(
        (index_at[match.start()], number, len(term.words))
        for number, term in enumerate(query.terms)
        for match in _pattern(term).finditer(joined)
    )
    hits = []
    for k, (position, number, size) in enumerate(found):
        hits.append((position, position + size, number))
        if len(hits) >= MAX_HITS and (k + 1 == len(found) or found[k + 1][0] != position):
            break
    return hits


def _best_window(hits, word_total: int) -> tuple[int, int]:
    """The window of WINDOW words with the most distinct terms, then the most
    matches; the earliest among equals."""
    best, best_score = (0, min(WINDOW, word_total)), (-1, -1)
    for first, _, _ in hits:
        start = max(0, min(first - LEAD, word_total - WINDOW))
        end = min(word_total, start + WINDOW)
        inside = [hit for hit in hits if hit[0] >= start and hit[1] <= end]
        score = (len({hit[2] for hit in inside}), len(inside))
        if score > best_score:
            best, best_score = (start, end), score
    return best


def snippet(text: str, query: Query) -> str | None:
    """The passage of `text` that best shows the matches of `query`, or None."""
    folded = FoldedText(text)
    words = folded.words
    hits = find_hits(words, query)
    if not hits:
        return None
    start, end = _best_window(hits, len(words))
    pieces = ["…"] if start > 0 else []
    cursor = folded.original_span(words[start][1], words[start][2])[0] if start > 0 else 0
    stop = folded.original_span(words[end - 1][1], words[end - 1][2])[1] if end < len(words) else len(text)
    for first, past, _ in hits:
        if first < start or past > end:
            continue
        mark_start = folded.original_span(words[first][1], words[first][2])[0]
        mark_end = folded.original_span(words[past - 1][1], words[past - 1][2])[1]
        if mark_start < cursor:  # overlaps the previous mark
            continue
        pieces += [_escape(text[cursor:mark_start]), "<mark>", _escape(text[mark_start:mark_end]), "</mark>"]
        cursor = mark_end
    pieces.append(_escape(text[cursor:stop]))
    if end < len(words):
        pieces.append("…")
    return "".join(pieces)


def _escape(passage: str) -> str:
    return html.escape(_SPACES.sub(" ", passage), quote=False)


def first_snippet(query: Query, *texts: str) -> str | None:
    """The snippet of the first text that matches: the body before the title."""
    for candidate in texts:
        found = snippet(candidate or "", query)
        if found:
            return found
    return None
