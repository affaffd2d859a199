"""Evidence: the one rule that ties a record to the text it came from.

A mention or figure quotes its article verbatim: `text[start:end] == quote`, where the text is the
article's `field` (its body unless said otherwise). Finding a quote given without offsets, and
finding it again after an edit, is articles.anchoring's.
The model's `clean`, the serializers, the admin, `check_corpus` and the tests
all call `evidence_errors`, so the rule and its messages live here only.
"""

import unicodedata

from django.core.exceptions import ValidationError


def evidence_errors(body: str, quote: str, start, end, field: str = "body") -> dict[str, str]:
    """Return {key: problem} for a span that does not match `body`, the text of the article's
    `field`. Every refusal says where the quote is when the text holds it, and what differs when
    the text holds it only nearly (see near_miss)."""
    if quote is None or quote == "":
        return {"quote": "The quote may not be empty."}
    where = _where(body, quote, field)
    if start is None:
        return {"start": f"Give the offset where the quote starts in the {field}, or leave both offsets out." + where}
    if end is None:
        return {"end": f"Give the offset where the quote ends in the {field}, or leave both offsets out." + where}
    if start < 0:
        return {"start": "Offsets count characters from 0; start may not be negative." + where}
    if end <= start:
        return {"end": f"end ({end}) must be greater than start ({start})." + where}
    if end > len(body):
        return {"end": f"end ({end}) is past the end of the article {field} ({len(body)} characters)." + where}
    if end - start != len(quote):
        return {
            "end": f"The span {start}:{end} is {end - start} characters long but the quote is {len(quote)}." + where
        }
    found = body[start:end]
    if found != quote:
        return {"quote": f"{field}[{start}:{end}] is {found[:80]!r}, not the quote." + where}
    return {}


def _where(body: str, quote: str, field: str = "body") -> str:
    span = locate(body, quote)
    if span is not None:
        again = locate(body, quote, 2)
        more = f" (and again at {again[0]}:{again[1]})" if again else ""
        return f" The quote occurs at {span[0]}:{span[1]}{more}."
    return near_miss_message(body, quote, field)


def near_miss_message(body: str, quote: str, field: str = "body") -> str:
    """What differs between `quote` and the nearest text of the `field`, and the exact text to send."""
    miss = near_miss(body, quote)
    if miss is None:
        return (
            f" The quote does not occur in the {field}, even ignoring quote marks, dashes, spacing, case and accents."
        )
    (near_start, near_end), differences = miss
    named = differences[0] if len(differences) == 1 else f"{', '.join(differences[:-1])} and {differences[-1]}"
    return (
        f" The {field} has it at {near_start}:{near_end} with different {named}: "
        f"send the quote as the {field} has it, {body[near_start:near_end][:200]!r}."
    )


# What a near miss may differ in, each a fold of one character into its plain form.
QUOTE_MARKS = dict.fromkeys("‘’‚‛′`´", "'") | dict.fromkeys("“”„‟″«»", '"')
DASHES = dict.fromkeys("‐‑‒–—―−﹘﹣－", "-")


def _fold_char(char: str, kinds: frozenset) -> str:
    if "quote marks" in kinds:
        char = QUOTE_MARKS.get(char, char)
    if "dashes" in kinds:
        char = DASHES.get(char, char)
    if "accents" in kinds:
        char = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    if "case" in kinds:
        char = char.casefold()
    return char


KINDS = ("quote marks", "dashes", "spacing", "case", "accents")


def _folded(text: str, kinds: frozenset) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the index of the original it came from."""
    out, origin = [], []
    for index, char in enumerate(text):
        if "spacing" in kinds and char.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
            origin.append(index)
            continue
        for piece in _fold_char(char, kinds):
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


def near_miss(body: str, quote: str) -> tuple[tuple[int, int], list[str]] | None:
    """Where the body holds the quote but for quote marks, dashes, spacing,
    case or accents, and which of these differ; None if it does not."""
    every = frozenset(KINDS)
    folded_body, origin = _folded(body, every)
    folded_quote = _folded(quote.strip() if quote.strip() else quote, every)[0]
    at = folded_body.find(folded_quote)
    if at < 0 or not folded_quote:
        return None
    start, end = origin[at], origin[at + len(folded_quote) - 1] + 1
    found = body[start:end]
    differences = [kind for kind in KINDS if _folded(found, every - {kind})[0] != _folded(quote, every - {kind})[0]]
    return (start, end), differences or ["spacing"]


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
