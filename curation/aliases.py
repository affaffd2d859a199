"""Finding people in a text by their names and aliases.

Matching is on folded words (articles.text.fold), so "Chavez", "Chávez" and
"CHAVEZ" all match the alias "Chávez", and "Diaz Canel" matches "Díaz-Canel".
A match must cover whole words, and only spaces, hyphens or a full stop
(as in "Lester D. Mallory") may stand between its words. A possessive "’s"
is left out of the span: "Chavez’s" yields the evidence "Chavez".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from articles.text import fold

_TOKEN = re.compile(r"\w+(?:['’ʼ]\w+)*")
_POSSESSIVE = re.compile(r"['’ʼ][sS]$")
_GAP = re.compile(r"^[ \t\u00a0\-‐‑‒–.]*$")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: str  # folded


@dataclass(frozen=True)
class NameMatch:
    person: object
    quote: str
    start: int
    end: int
    alias: str  # the name or alias that matched
    occurrences: int  # how many times the person is named in the text


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        possessive = _POSSESSIVE.search(match.group())
        if possessive and end - start > 2:
            end -= 2
        for word in fold(text[start:end]).split():
            tokens.append(Token(start, end, word))
    return tokens


def find_spans(text: str, phrase: str, tokens: list[Token] | None = None) -> list[tuple[int, int]]:
    """Every (start, end) where `phrase` occurs in `text` as whole folded words."""
    words = fold(phrase).split()
    if not words:
        return []
    tokens = tokenize(text) if tokens is None else tokens
    spans = []
    for i in range(len(tokens) - len(words) + 1):
        window = tokens[i : i + len(words)]
        if [t.word for t in window] != words:
            continue
        if all(_GAP.match(text[a.end : b.start]) for a, b in zip(window, window[1:], strict=False)):
            span = (window[0].start, window[-1].end)
            if not spans or spans[-1] != span:
                spans.append(span)
    return spans


def names_of(person) -> list[str]:
    return [person.name, *(person.aliases or [])]


def every_mention(text: str, people: Iterable) -> list[NameMatch]:
    """Every place a known person is named in `text`, in order. Where names overlap ("Hugo Chávez"
    and "Chávez"), the longer match wins, so one stretch of text names one person."""
    tokens = tokenize(text)
    found = []  # (start, -length, person, alias, end)
    for person in people:
        for alias in names_of(person):
            for start, end in find_spans(text, alias, tokens):
                found.append((start, -(end - start), person, alias, end))
    found.sort(key=lambda f: (f[0], f[1], str(f[2].pk)))
    taken: list[tuple[int, int]] = []
    mentions = []
    for start, _, person, alias, end in found:
        if any(start < b and a < end for a, b in taken):
            continue
        taken.append((start, end))
        mentions.append(NameMatch(person, text[start:end], start, end, alias, 0))
    return mentions


def suggest_people(text: str, people: Iterable) -> list[NameMatch]:
    """The first place each known person is named in `text`, with how often they are named."""
    mentions = every_mention(text, people)
    counts: dict = {}
    first: dict = {}
    for mention in mentions:
        counts[mention.person.pk] = counts.get(mention.person.pk, 0) + 1
        first.setdefault(mention.person.pk, mention)
    return [
        NameMatch(m.person, m.quote, m.start, m.end, m.alias, counts[m.person.pk])
        for m in sorted(first.values(), key=lambda m: m.start)
    ]


def resolve(name: str, people: Iterable):
    """The person whose folded name or alias equals fold(name), or None."""
    key = fold(name)
    for person in people:
        if any(fold(alias) == key for alias in names_of(person)):
            return person
    return None
