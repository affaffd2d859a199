"""Evidence: the one rule that ties a record to the text it came from.

A mention or figure quotes its article verbatim: `body[start:end] == quote`.
The model's `clean`, the serializers, the admin, `check_corpus` and the tests
all call `evidence_errors`, so the rule and its messages live here only.
"""

from django.core.exceptions import ValidationError


def evidence_errors(body: str, quote: str, start, end) -> dict[str, str]:
    """Return {field: problem} for a span that does not match `body`."""
    if quote is None or quote == "":
        return {"quote": "The quote may not be empty."}
    if start is None:
        return {"start": "Give the offset where the quote starts in the body."}
    if end is None:
        return {"end": "Give the offset where the quote ends in the body."}
    if start < 0:
        return {"start": "Offsets count characters from 0; start may not be negative."}
    if end <= start:
        return {"end": f"end ({end}) must be greater than start ({start})."}
    if end > len(body):
        return {"end": f"end ({end}) is past the end of the article body ({len(body)} characters)."}
    if end - start != len(quote):
        return {"end": f"The span {start}:{end} is {end - start} characters long but the quote is {len(quote)}."}
    found = body[start:end]
    if found != quote:
        hint = locate(body, quote)
        where = f" The quote occurs at {hint[0]}:{hint[1]}." if hint else " The quote does not occur in the body."
        return {"quote": f"body[{start}:{end}] is {found[:80]!r}, not the quote.{where}"}
    return {}


def validate_evidence(body: str, quote: str, start, end) -> None:
    errors = evidence_errors(body, quote, start, end)
    if errors:
        raise ValidationError(errors)


def locate(body: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """The span of the n-th occurrence of `quote` in `body`, or None."""
    index = -1
    for _ in range(occurrence):
        index = body.find(quote, index + 1)
        if index < 0:
            return None
    return index, index + len(quote)


def segments(body: str, spans) -> list[tuple[str, tuple]]:
    """Cut `body` at every span boundary: [(text, labels covering it)].

    `spans` are (start, end, label) triples; overlapping spans are fine, a
    piece of text carries every label that covers it. Used to highlight the
    evidence of an article.
    """
    cuts = {0, len(body)}
    for start, end, _ in spans:
        cuts.update((max(0, min(start, len(body))), max(0, min(end, len(body)))))
    ordered = sorted(cuts)
    pieces = []
    for left, right in zip(ordered, ordered[1:], strict=False):
        labels = tuple(label for start, end, label in spans if start <= left and right <= end)
        pieces.append((body[left:right], labels))
    return pieces
