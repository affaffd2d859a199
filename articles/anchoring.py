"""Evidence anchored by its quote: finding a quote in an article's text, and finding it again after
the text is edited.

This follows the W3C Web Annotation TextQuoteSelector as Hypothesis uses it: a record keeps its
quote with up to CONTEXT characters of text either side (`prefix`, `suffix`) beside its offsets.

- `anchor`: where a quote given without offsets stands. The context, or an occurrence number,
  chooses between repeats; an ambiguous quote is refused with every place it occurs.
- `reanchor`: where a stored span stands in an edited text. Its old offsets are trusted while the
  slice still equals the quote; then an exact search, the context choosing between repeats; then a
  scored fuzzy match (Hypothesis's weights: quote 50, prefix 20, suffix 20, position 2), which is only
  ever proposed, never applied.

The rule that a span must equal its quote, and the messages for a near miss, are articles.evidence's.
"""

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .evidence import near_miss_message

CONTEXT = 32
# How a fuzzy candidate is scored: Hypothesis's match-quote weights.
WEIGHTS = {"quote": 50, "prefix": 20, "suffix": 20, "position": 2}
# A fuzzy candidate below this share of the best possible score is no candidate at all.
FUZZY_FLOOR = 0.75


class AnchorError(ValueError):
    """A quote that cannot be placed; `field` is the request's key at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


def occurrences(text: str, quote: str) -> list[int]:
    """Every offset where `quote` starts in `text`, overlapping ones included."""
    found, at = [], text.find(quote)
    while at >= 0 and quote:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _fits(text: str, at: int, length: int, prefix: str, suffix: str) -> bool:
    before, after = context(text, at, at + length)
    # A stored context is cut at the text's edge; the text may now hold more, or less, around it.
    return (not prefix or before.endswith(prefix[-len(before) :] if before else "")) and (
        not suffix or after.startswith(suffix[: len(after)] if after else "")
    )


def _places(text: str, starts: list[int], length: int, limit: int = 10) -> str:
    shown = []
    for number, at in enumerate(starts[:limit], start=1):
        before, after = context(text, at, at + length)
        shown.append(f"{number}. {at}:{at + length} (…{before[-20:]}[{text[at : at + length][:40]}]{after[:20]}…)")
    more = f" and {len(starts) - limit} more" if len(starts) > limit else ""
    return "; ".join(shown) + more


def anchor(
    text: str, quote: str, *, prefix: str = "", suffix: str = "", occurrence: int | None = None, field: str = "body"
) -> tuple[int, int]:
    """The span of `quote` in `text` (the article's `field`), or AnchorError saying why there is none."""
    if not quote:
        raise AnchorError("quote", "The quote may not be empty.")
    starts = occurrences(text, quote)
    if not starts:
        nearest = near_miss_message(text, quote, field).strip()
        # With no near miss, that message already says the quote is not there; said once.
        missing = "" if nearest.startswith("The quote does not occur") else f"The quote does not occur in the {field}. "
        raise AnchorError("quote", missing + nearest)
    if occurrence is not None:
        if not 1 <= occurrence <= len(starts):
            raise AnchorError(
                "occurrence",
                f"The quote occurs {len(starts)} time(s) in the {field}; occurrence {occurrence} does not exist. "
                f"It occurs at: {_places(text, starts, len(quote))}.",
            )
        at = starts[occurrence - 1]
        return at, at + len(quote)
    if len(starts) > 1 and (prefix or suffix):
        fitting = [at for at in starts if _fits(text, at, len(quote), prefix, suffix)]
        if not fitting:
            raise AnchorError(
                "prefix" if prefix else "suffix",
                f"The quote occurs {len(starts)} times in the {field}, but none has this "
                f"{'prefix' if prefix else 'suffix'} beside it. It occurs at: {_places(text, starts, len(quote))}.",
            )
        starts = fitting
    if len(starts) > 1:
        raise AnchorError(
            "quote",
            f"The quote occurs {len(starts)} times in the {field}: give a prefix or suffix (the text just "
            f"before or after it) or an occurrence number (1 for the first). It occurs at: "
            f"{_places(text, starts, len(quote))}.",
        )
    return starts[0], starts[0] + len(quote)


@dataclass(frozen=True)
class Reanchored:
    """Where a span stands in the edited text. `outcome` is one of:
    kept (same offsets), moved (found exactly elsewhere), fuzzy (only a near match, proposed as
    `found` with its `score` in 0..1; not applied), ambiguous (several equal places), lost."""

    outcome: str
    start: int | None = None
    end: int | None = None
    score: float | None = None
    found: str | None = None
    places: str = ""

    @property
    def holds(self) -> bool:
        return self.outcome in ("kept", "moved")

    def describe(self) -> str:
        if self.outcome == "fuzzy":
            return (
                f"no longer found exactly; the closest text is {self.found!r} at {self.start}:{self.end} "
                f"(score {self.score:.2f}), which an editor must confirm"
            )
        if self.outcome == "ambiguous":
            return f"now occurs at several places that its context does not tell apart: {self.places}"
        if self.outcome == "lost":
            return "can no longer be found"
        return f"{self.outcome} at {self.start}:{self.end}"


def reanchor(text: str, quote: str, start: int, end: int, prefix: str = "", suffix: str = "") -> Reanchored:
    if 0 <= start < end <= len(text) and text[start:end] == quote:
        return Reanchored("kept", start, end)
    starts = occurrences(text, quote)
    if len(starts) == 1:
        return Reanchored("moved", starts[0], starts[0] + len(quote))
    if len(starts) > 1:
        fitting = [at for at in starts if _fits(text, at, len(quote), prefix, suffix)] if prefix or suffix else []
        if len(fitting) == 1:
            return Reanchored("moved", fitting[0], fitting[0] + len(quote))
        # Hypothesis would pick the nearest to the old position; a repeat the context cannot tell
        # apart may be the wrong one, so it is the editor's call.
        candidates = fitting or starts
        return Reanchored("ambiguous", places=_places(text, candidates, len(quote)))
    return _fuzzy(text, quote, start, prefix, suffix)


def _tighten(text: str, quote: str, start: int, end: int, reach: int = 8) -> tuple[int, int]:
    """The aligner's window has the quote's length; the edited text may be longer or shorter there."""
    best = (Levenshtein.distance(quote, text[start:end]), start, end)
    for left in range(max(0, start - reach), min(len(text), start + reach) + 1):
        for right in range(max(left + 1, end - reach), min(len(text), end + reach) + 1):
            candidate = (Levenshtein.distance(quote, text[left:right]), left, right)
            if candidate < best:
                best = candidate
    return best[1], best[2]


def _fuzzy(text: str, quote: str, old_start: int, prefix: str, suffix: str) -> Reanchored:
    if not text or not quote:
        return Reanchored("lost")
    alignment = fuzz.partial_ratio_alignment(quote, text, score_cutoff=100 * FUZZY_FLOOR)
    if alignment is None:
        return Reanchored("lost")
    start, end = _tighten(text, quote, alignment.dest_start, alignment.dest_end)
    before, after = context(text, start, end)
    scores = {
        "quote": alignment.score / 100,
        "prefix": Levenshtein.normalized_similarity(prefix, before[-len(prefix) :]) if prefix else 1.0,
        "suffix": Levenshtein.normalized_similarity(suffix, after[: len(suffix)]) if suffix else 1.0,
        "position": 1.0 - min(1.0, abs(start - old_start) / max(len(text), 1)),
    }
    score = sum(WEIGHTS[name] * value for name, value in scores.items()) / sum(WEIGHTS.values())
    if score < FUZZY_FLOOR:
        return Reanchored("lost")
    return Reanchored("fuzzy", start, end, score=score, found=text[start:end])
