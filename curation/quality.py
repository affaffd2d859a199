"""How good the suggesters are: their proposals for curated articles against the records editors made.

A proposal matches a curated record of its kind when it points at the same thing (the person and
role, the event, or the figure's value and upper bound) and its evidence overlaps the record's in the
same field. Recall is the share of curated records some proposal matches; precision the share of
proposals that match a curated record. tests/test_suggestion_quality.py holds the floors.
"""

import json
from decimal import Decimal

from articles.models import Article
from articles.text import fold

from . import suggesters
from .importing import clean

KINDS = ("people", "quotations", "events", "figures")


def kind_of(proposal_or_record) -> str:
    target = getattr(proposal_or_record, "target", None)
    if target is not None:  # a proposal
        if proposal_or_record.kind == "person_mention":
            return "quotations" if target["role"] == "quoted" else "people"
        return "events" if proposal_or_record.kind == "event_mention" else "figures"
    model = proposal_or_record._meta.model_name
    if model == "personmention":
        return "quotations" if proposal_or_record.role == "quoted" else "people"
    return "events" if model == "eventmention" else "figures"


def _same_target(proposal, record) -> bool:
    t = proposal.target
    if proposal.kind == "person_mention":
        return t["person"] == record.person.slug and t["role"] == record.role
    if proposal.kind == "event_mention":
        return t["event"] == record.event.slug
    upper = None if t["value_max"] is None else Decimal(t["value_max"])
    return Decimal(t["value"]) == record.value and upper == record.value_max


def _overlaps(proposal, record) -> bool:
    return proposal.field == record.field and proposal.start < record.end and record.start < proposal.end


def measure(articles, verbose: bool = False) -> dict[str, dict]:
    counts = {kind: {"curated": 0, "found": 0, "proposed": 0, "right": 0} for kind in KINDS}
    for article in articles:
        records = [
            *article.person_mentions.select_related("person"),
            *article.event_mentions.select_related("event"),
            *article.figures.all(),
        ]
        proposals = suggesters.propose(article)
        for record in records:
            hit = any(_same_target(p, record) and _overlaps(p, record) for p in proposals if p.kind == _kind(record))
            counts[kind_of(record)]["curated"] += 1
            counts[kind_of(record)]["found"] += hit
            if verbose and not hit:
                print(f"  missed {article.pk} {kind_of(record)} {record}: {record.quote[:70]!r}")
        for proposal in proposals:
            right = any(_same_target(proposal, r) and _overlaps(proposal, r) for r in records
                        if _kind(r) == proposal.kind)  # fmt: skip
            counts[kind_of(proposal)]["proposed"] += 1
            counts[kind_of(proposal)]["right"] += right
            if verbose and not right:
                print(f"  wrong {article.pk} {proposal.kind} {proposal.target}: {proposal.quote[:70]!r}")
    return _report(counts)


def _kind(record) -> str:
    return {"personmention": "person_mention", "eventmention": "event_mention", "figure": "figure"}[
        record._meta.model_name
    ]


def measure_pages(pages) -> dict[str, dict]:
    """The same measure on raw pages and their editors' annotations (`NAME.txt` beside `NAME.gold.json`:
    authors, people, quotations, events and figures of the cleaned body), as a new document meets
    the suggesters: cleaned by the import pipeline, never saved."""
    counts = {kind: {"curated": 0, "found": 0, "proposed": 0, "right": 0} for kind in ("authors", *KINDS)}
    for page in pages:
        gold = json.loads(page.with_suffix(".gold.json").read_text(encoding="utf-8"))
        cleaned, _ = clean(page.read_text(encoding="utf-8"))
        article = Article(title=cleaned.title, summary=cleaned.summary, byline=cleaned.byline, body=cleaned.body)
        proposals = [p for p in suggesters.propose(article) if p.field in ("body", "byline")]
        for kind, wanted in _expected(gold).items():
            chosen = [p for p in proposals if _page_kind(p) == kind]
            for key, quote in wanted:
                counts[kind]["curated"] += 1
                counts[kind]["found"] += any(_page_match(kind, p, key, quote, article.body) for p in chosen)
            for p in chosen:
                counts[kind]["proposed"] += 1
                counts[kind]["right"] += any(_page_match(kind, p, key, quote, article.body) for key, quote in wanted)
    return _report(counts)


def _expected(gold) -> dict[str, list]:
    def amount(figure):
        return Decimal(figure["value"]), figure["value_max"] and Decimal(figure["value_max"])

    return {
        "authors": [(fold(name), None) for name in gold["authors"]],
        "people": [(fold(person["name"]), None) for person in gold["people"]],
        "quotations": [(fold(q["speaker"]), q["quote"]) for q in gold["quotations"]],
        "events": [(e["event"], e["quote"]) for e in gold["events"]],
        "figures": [(amount(f), f["quote"]) for f in gold["figures"]],
    }


def _page_kind(proposal) -> str:
    role = proposal.target.get("role")
    if role:
        return {"author": "authors", "mentioned": "people", "quoted": "quotations"}[role]
    return "events" if proposal.kind == "event_mention" else "figures"


def _page_match(kind, proposal, key, quote, body) -> bool:
    """People and authors by name (accents and case folded); the rest by target and evidence overlap."""
    t = proposal.target
    if kind in ("authors", "people"):
        return fold(t.get("name") or "") == key
    where = [(at, at + len(quote)) for at in _occurrences(body, quote)]
    overlapping = proposal.field == "body" and any(proposal.start < b and a < proposal.end for a, b in where)
    if kind == "quotations":
        return fold(t.get("name") or "") == key and overlapping
    if kind == "events":
        return t["event"] == key and overlapping
    amount = Decimal(t["value"]), t["value_max"] and Decimal(t["value_max"])
    return amount == key and overlapping


def _report(counts) -> dict[str, dict]:
    report = {
        kind: {
            **c,
            "recall": round(c["found"] / c["curated"], 3) if c["curated"] else None,
            "precision": round(c["right"] / c["proposed"], 3) if c["proposed"] else None,
        }
        for kind, c in counts.items()
    }
    proposed = sum(c["proposed"] for c in counts.values())
    right = sum(c["right"] for c in counts.values())
    report["overall"] = {"precision": round(right / proposed, 3) if proposed else None}
    return report


def _occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found
