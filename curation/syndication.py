"""Syndication: find the article a new one is a near-duplicate copy of.

A syndicated copy is the same article re-wrapped: different labels, straight
instead of curly apostrophes, a dropped byline or author bio. Comparing the
folded text (articles.text.fold: case, accents, apostrophes and punctuation
removed) as sets of word 5-grams ("shingles") ignores all of that.

Two texts are near-duplicates when at least CONTAINMENT_THRESHOLD of the
shorter text's shingles also occur in the longer one (containment), and the
shorter text has at least MIN_SHINGLES shingles, so that a stub or a shared
slogan does not make two articles copies of each other. Containment rather
than Jaccard similarity is used because a copy often drops part of its
original (the 001/003 pair differ by an author bio): the copy is contained
in the original although the two sets are not equal. Unrelated articles on
the same subject share well under 5% of their shingles; the 001/003 pair
shares all of the copy's.

Which one of a near-duplicate pair is the original (`pick_original`), in
order of decreasing certainty:
1. the one published earlier, when both dates are known (a copy cannot
   precede its source);
2. the one that names its author (copies drop bylines, not add them);
3. the one with typographic (curly) apostrophes and quotes where the other
   has only straight ones (re-wrapping flattens typography, never the
   reverse);
4. the one already in the corpus (lower id): an import is presumed the copy.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from articles.text import fold_words

SHINGLE_SIZE = 5
CONTAINMENT_THRESHOLD = 0.8
MIN_SHINGLES = 20


@dataclass(frozen=True)
class Candidate:
    """What the detector needs to know about one article."""

    key: object  # the article id, or anything that identifies it to the caller
    text: str  # title, summary and body
    order: int  # lower = already in the corpus longer (e.g. the id)
    published: object = None  # a date, or None
    has_author: bool = False
    shingles: frozenset = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "shingles", shingles(self.text))


@dataclass(frozen=True)
class Match:
    copy: Candidate
    original: Candidate
    containment: float


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset:
    words = fold_words(text)
    if len(words) < size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def containment(a: frozenset, b: frozenset) -> float:
    """Share of the smaller set's shingles found in the other set."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def is_near_duplicate(a: frozenset, b: frozenset) -> bool:
    return min(len(a), len(b)) >= MIN_SHINGLES and containment(a, b) >= CONTAINMENT_THRESHOLD


def _typographic(text: str) -> bool:
    return any(mark in text for mark in "’‘“”")


def _straight_only(text: str) -> bool:
    return ("'" in text or '"' in text) and not _typographic(text)


def pick_original(a: Candidate, b: Candidate) -> Candidate:
    """The original of a near-duplicate pair; see the module docstring."""
    if a.published and b.published and a.published != b.published:
        return a if a.published < b.published else b
    if a.has_author != b.has_author:
        return a if a.has_author else b
    if _typographic(a.text) and _straight_only(b.text):
        return a
    if _typographic(b.text) and _straight_only(a.text):
        return b
    return a if a.order <= b.order else b


def best_match(new: Candidate, existing: Iterable[Candidate]) -> Match | None:
    """The closest near-duplicate of `new` among `existing`, with which is the original."""
    best = None
    for other in existing:
        if other.key == new.key:
            continue
        score = containment(new.shingles, other.shingles)
        if is_near_duplicate(new.shingles, other.shingles) and (best is None or score > best[0]):
            best = (score, other)
    if best is None:
        return None
    score, other = best
    original = pick_original(new, other)
    return Match(copy=other if original is new else new, original=original, containment=score)


def link_all(candidates: list[Candidate]) -> dict[object, object]:
    """{copy key: original key} for a whole corpus.

    Articles are considered in `order`, each against the originals before
    it, as if imported one by one. Links never form chains: every copy
    points at its root original. An index from shingle to article keeps this
    near-linear, so it also runs over large synthetic corpora.
    """
    ordered = sorted(candidates, key=lambda c: c.order)
    links: dict[object, object] = {}
    postings: dict[tuple, list[Candidate]] = {}  # shingle -> earlier articles that have it
    for new in ordered:
        shared = Counter()
        for shingle in new.shingles:
            for other in postings.get(shingle, ()):
                shared[other] += 1
        # Compare with originals only: a copy is contained in its original
        # anyway, and matching a copy could make the new article its "original".
        originals = [
            other
            for other, count in shared.items()
            if other.key not in links and count >= CONTAINMENT_THRESHOLD * min(len(new.shingles), len(other.shingles))
        ]
        match = best_match(new, originals)
        if match is not None:
            root = links.get(match.original.key, match.original.key)
            links[match.copy.key] = root
            # If the new article turned out to be the original, whatever
            # pointed at the old one now points at the new root.
            for copy, original in list(links.items()):
                if original == match.copy.key:
                    links[copy] = root
        if new.key not in links:
            for shingle in new.shingles:
                postings.setdefault(shingle, []).append(new)
    return links


def candidate_for(article, order: int | None = None) -> Candidate:
    """A Candidate from an Article (uses its author mentions)."""
    has_author = article.person_mentions.filter(role="author").exists() if article.pk else False
    return Candidate(
        key=article.pk,
        text="\n".join(part for part in (article.title, article.summary, article.body) if part),
        order=article.pk if order is None else order,
        published=article.published,
        has_author=has_author,
    )
