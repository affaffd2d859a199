"""Whole-corpus checks behind `manage.py check_corpus`.

Each check returns a list of problems (plain sentences naming the document
and record), so the command can report all of them at once and a test can
assert on a single one.
"""

import itertools
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, Q

from articles.evidence import evidence_errors
from articles.models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention
from articles.text import fold

from . import cleaning, syndication
from .fixture_build import read_document

# Words that say nothing about which event a name means.
_NAME_NOISE = {"the", "of", "a", "an", "in", "and", "to", "for", "on", "s"}
# Two events of the same kind and date whose names share this much are one event entered twice.
EVENT_NAME_SIMILARITY = 0.5


@dataclass
class DocumentCounts:
    document: str
    people: int
    quoted: int
    events: int
    figures: int


def evidence_problems() -> list[str]:
    problems = []
    for model in (PersonMention, EventMention, Figure):
        for record in model.objects.select_related("article").order_by("article_id", "pk"):
            errors = evidence_errors(record.article.body, record.quote, record.start, record.end)
            for key, message in errors.items():
                problems.append(
                    f"{record.article.source_document}: {model._meta.verbose_name} {record.pk} ({record}): "
                    f"{key}: {message}"
                )
    return problems


def orphan_problems() -> list[str]:
    problems = [f"person {p.slug} has no mention" for p in Person.objects.filter(mentions__isnull=True)]
    problems += [f"event {e.slug} has no mention" for e in Event.objects.filter(mentions__isnull=True)]
    problems += [f"outlet {o.slug} has no article" for o in Outlet.objects.filter(articles__isnull=True)]
    return problems


def _name_words(name: str) -> set[str]:
    return set(fold(name).split()) - _NAME_NOISE


def _similarity(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def duplicate_event_problems() -> list[str]:
    """One Event per real-world event: no two with the same folded name, nor the
    same kind and date with largely the same name."""
    events = list(Event.objects.order_by("pk"))
    problems = []
    for a, b in itertools.combinations(events, 2):
        if fold(a.name) == fold(b.name):
            problems.append(f"events {a.slug} and {b.slug} have the same name {a.name!r}")
        elif (a.kind, a.start, a.end, a.precision) == (b.kind, b.start, b.end, b.precision) and (
            _similarity(_name_words(a.name), _name_words(b.name)) >= EVENT_NAME_SIMILARITY
        ):
            problems.append(f"events {a.slug} and {b.slug} look like one event: same kind, date and a similar name")
    return problems


def duplicate_person_problems() -> list[str]:
    """No spelling may name two people, or people could not be resolved by alias."""
    owners: dict[str, set[str]] = {}
    for person in Person.objects.order_by("pk"):
        for spelling in [person.name, *(person.aliases or [])]:
            owners.setdefault(fold(spelling), set()).add(person.slug)
    return [
        f"the spelling {key!r} names several people: {', '.join(sorted(slugs))}"
        for key, slugs in sorted(owners.items())
        if len(slugs) > 1
    ]


def spelling_problems() -> list[str]:
    """A mention that names a person (author/mentioned) must use the name or an alias."""
    problems = []
    mentions = PersonMention.objects.exclude(role=PersonMention.Role.QUOTED).select_related("person", "article")
    for mention in mentions.order_by("article_id", "pk"):
        spellings = {fold(s) for s in [mention.person.name, *(mention.person.aliases or [])]}
        if fold(mention.quote) not in spellings:
            problems.append(
                f"{mention.article.source_document}: person mention {mention.pk} names {mention.person.slug} as "
                f"{mention.quote!r}, which is neither the name nor an alias"
            )
    return problems


def furniture_problems() -> list[str]:
    """No body line may be page furniture by the cleaning rules."""
    problems = []
    for article in Article.objects.order_by("pk"):
        for number, line in enumerate(article.body.split("\n"), start=1):
            rule = cleaning.furniture_rule(line)
            if rule:
                problems.append(f"{article.source_document}: body line {number} is {rule}: {line[:60]!r}")
    return problems


def source_problems(documents_dir: Path) -> list[str]:
    """source_text is the document exactly as received, where the file is at hand."""
    problems = []
    for article in Article.objects.order_by("pk"):
        path = Path(documents_dir) / article.source_document
        if path.is_file() and read_document(path) != article.source_text:
            problems.append(f"{article.source_document}: source_text differs from {path}")
    return problems


def syndication_problems() -> list[str]:
    articles = list(Article.objects.order_by("pk"))
    links = syndication.link_all([syndication.candidate_for(article) for article in articles])
    problems = []
    for article in articles:
        expected = links.get(article.pk)
        if article.original_id != expected:
            problems.append(
                f"{article.source_document}: original is {article.original_id}, the detector says {expected}"
            )
    return problems


def all_problems(documents_dir: Path) -> list[str]:
    return [
        *evidence_problems(),
        *orphan_problems(),
        *duplicate_event_problems(),
        *duplicate_person_problems(),
        *spelling_problems(),
        *furniture_problems(),
        *source_problems(documents_dir),
        *syndication_problems(),
    ]


def document_counts() -> list[DocumentCounts]:
    articles = Article.objects.order_by("source_document").annotate(
        n_people=Count("person_mentions__person", distinct=True),
        n_quoted=Count("person_mentions__person", filter=Q(person_mentions__role="quoted"), distinct=True),
        n_events=Count("event_mentions__event", distinct=True),
    )
    figures = dict(Figure.objects.values_list("article").annotate(n=Count("pk")).values_list("article", "n"))
    return [
        DocumentCounts(a.source_document, a.n_people, a.n_quoted, a.n_events, figures.get(a.pk, 0)) for a in articles
    ]
