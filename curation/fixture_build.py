"""The curated corpus: annotations + documents → records → fixture.

The annotations in fixtures/annotations/ are what an annotator wrote: the
outlets, people and events (one YAML file each) and, per document, its
article metadata and every person mention, event mention and figure with its
verbatim quote. Offsets are never written by hand: `build` finds each quote in
the cleaned body with articles.evidence.locate and fails, naming the document
and the record, if a quote is missing or ambiguous.

Primary keys are the records' positions in the annotation files (outlets,
people, events) or in document order (articles, then mentions and figures in
the order the files list them), so the same annotations always give the same
fixture, and loading the fixture twice changes nothing.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from articles.evidence import locate
from articles.models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention, corpus_models

from . import aliases, cleaning, syndication

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
ANNOTATIONS_DIR = FIXTURES_DIR / "annotations"
DOCUMENTS_DIR = FIXTURES_DIR / "documents"

# created/modified of every curated record, so the fixture is the same bytes
# on every build (a build-time clock would make every rebuild a diff).
CURATED_AT = datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)

OUTLET_KEYS = {"slug", "name", "kind", "homepage", "country", "description"}
PERSON_KEYS = {"slug", "name", "aliases", "description"}
EVENT_KEYS = {"slug", "name", "kind", "description", "start", "end", "precision", "location", "participants"}
DOCUMENT_KEYS = {"document", "outlet", "cleaning", "article", "people", "events", "figures"}
ARTICLE_KEYS = {"title", "summary", "caption", "published", "published_precision", "published_time", "language"}
PERSON_MENTION_KEYS = {"person", "role", "quote", "occurrence"}
EVENT_MENTION_KEYS = {"event", "quote", "occurrence"}
FIGURE_KEYS = {
    "quote",
    "occurrence",
    "value",
    "value_max",
    "qualifier",
    "unit",
    "metric",
    "label",
    "as_of",
    "event",
    "person",
}


class CurationError(Exception):
    """An annotation does not fit its document or the model; the message says where."""


@dataclass
class Annotations:
    outlets: list[dict]
    people: list[dict]
    events: list[dict]
    documents: list[dict]  # one per document, in file-name order


@dataclass
class BuildResult:
    articles: list[Article] = field(default_factory=list)
    links: dict = field(default_factory=dict)  # copy pk → original pk


def read_document(path: Path) -> str:
    """The document exactly as received: UTF-8, no newline translation."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _load_yaml(path: Path):
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise CurationError(f"{path.name}: not valid YAML: {exc}") from exc


def load_annotations(directory: Path = ANNOTATIONS_DIR) -> Annotations:
    directory = Path(directory)
    shared = {name: _load_yaml(directory / f"{name}.yaml") or [] for name in ("outlets", "people", "events")}
    documents = []
    for path in sorted(directory.glob("*.yaml")):
        if path.stem in shared:
            continue
        data = _load_yaml(path) or {}
        _check_keys(path.name, "document", data, DOCUMENT_KEYS, required={"document", "article"})
        documents.append(data)
    for name, keys in (("outlets", OUTLET_KEYS), ("people", PERSON_KEYS), ("events", EVENT_KEYS)):
        for record in shared[name]:
            _check_keys(f"{name}.yaml", record.get("slug", "?"), record, keys, required={"slug", "name"})
    return Annotations(shared["outlets"], shared["people"], shared["events"], documents)


def _check_keys(where: str, what, record: dict, allowed: set, required: set = frozenset()) -> None:
    if not isinstance(record, dict):
        raise CurationError(f"{where}: {what}: expected a mapping, got {record!r}")
    unknown = set(record) - allowed
    if unknown:
        raise CurationError(f"{where}: {what}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    missing = required - set(record)
    if missing:
        raise CurationError(f"{where}: {what}: missing key(s) {sorted(missing)}")


def _as_date(value, where: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise CurationError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _as_time(value, where: str) -> datetime.time | None:
    if value in (None, ""):
        return None
    try:
        return datetime.time.fromisoformat(str(value))
    except ValueError as exc:
        raise CurationError(f"{where}: {value!r} is not a time (HH:MM)") from exc


def _as_decimal(value, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise CurationError(f"{where}: {value!r} is not a number") from exc


def span(body: str, quote: str, occurrence, where: str) -> tuple[int, int]:
    """Where `quote` stands in `body`; fails if it is absent or ambiguous."""
    if not quote:
        raise CurationError(f"{where}: empty quote")
    count = body.count(quote)
    if occurrence is None:
        if count > 1:
            starts, index = [], -1
            while (index := body.find(quote, index + 1)) >= 0:
                starts.append(index)
            raise CurationError(
                f"{where}: quote {quote!r} is ambiguous: it occurs {len(starts)} times (at {starts}); "
                "say which with `occurrence: n`"
            )
        occurrence = 1
    found = locate(body, quote, int(occurrence))
    if found is None:
        detail = f"it occurs only {count} time(s)" if count else "it is not in the cleaned body"
        raise CurationError(f"{where}: quote {quote!r} (occurrence {occurrence}) not found: {detail}")
    return found


def _save(obj, where: str):
    """Validate with the model's own rules (evidence included), then save."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise CurationError(f"{where}: {exc.message_dict}") from exc
    obj.save()
    return obj


def curated_rows_exist() -> bool:
    return any(model.objects.exists() for model in corpus_models())


def delete_all() -> None:
    for model in reversed(corpus_models()):
        model.objects.all().delete()


@transaction.atomic
def build(annotations: Annotations, documents_dir: Path = DOCUMENTS_DIR, replace: bool = False) -> BuildResult:
    if curated_rows_exist():
        if not replace:
            raise CurationError(
                "The database already holds corpus records; build into an empty database or pass --replace "
                "(which deletes every outlet, article, person, event, mention and figure first)."
            )
        delete_all()
    outlets = _build_outlets(annotations.outlets)
    people = _build_people(annotations.people)
    events = _build_events(annotations.events, people)
    result = BuildResult()
    counters = {"person_mention": 0, "event_mention": 0, "figure": 0}
    for number, document in enumerate(annotations.documents, start=1):
        article = _build_article(number, document, Path(documents_dir), outlets, people, events, counters)
        result.articles.append(article)
    _check_everything_used(outlets, people, events)
    result.links = link_syndication(result.articles)
    _stamp()
    reset_sequences()
    return result


def _build_outlets(records: list[dict]) -> dict[str, Outlet]:
    outlets = {}
    for pk, record in enumerate(records, start=1):
        outlet = Outlet(pk=pk, **{key: record.get(key) for key in OUTLET_KEYS if key in record})
        outlet.description = outlet.description or ""
        outlets[record["slug"]] = _save(outlet, f"outlets.yaml: {record['slug']}")
    return outlets


def _build_people(records: list[dict]) -> dict[str, Person]:
    people = {}
    for pk, record in enumerate(records, start=1):
        person = Person(
            pk=pk,
            slug=record["slug"],
            name=record["name"],
            aliases=list(record.get("aliases") or []),
            description=record.get("description") or "",
        )
        people[record["slug"]] = _save(person, f"people.yaml: {record['slug']}")
    return people


def _build_events(records: list[dict], people: dict[str, Person]) -> dict[str, Event]:
    events = {}
    for pk, record in enumerate(records, start=1):
        where = f"events.yaml: {record['slug']}"
        event = Event(
            pk=pk,
            slug=record["slug"],
            name=record["name"],
            kind=record.get("kind") or Event.Kind.OTHER,
            description=record.get("description") or "",
            start=_as_date(record.get("start"), f"{where}: start"),
            end=_as_date(record.get("end"), f"{where}: end"),
            precision=record.get("precision") or "day",
            location=record.get("location"),
        )
        event.last_day = event.start  # set properly by save(); full_clean needs a value
        events[record["slug"]] = _save(event, where)
        participants = [_lookup(people, slug, f"{where}: participant") for slug in record.get("participants") or []]
        event.participants.set(participants)
    return events


def _lookup(records: dict, slug, where: str):
    try:
        return records[slug]
    except KeyError:
        raise CurationError(f"{where}: unknown slug {slug!r}") from None


def _build_article(number, document, documents_dir, outlets, people, events, counters) -> Article:
    name = document["document"]
    path = documents_dir / name
    if not path.exists():
        raise CurationError(f"{name}: no such document in {documents_dir}")
    raw = read_document(path)
    meta = document["article"]
    _check_keys(name, "article", meta, ARTICLE_KEYS, required={"title"})
    outlet = _lookup(outlets, document["outlet"], f"{name}: outlet") if document.get("outlet") else None
    hints = document.get("cleaning") or {}
    cleaned = cleaning.clean_document(
        raw, outlet_names=[outlet.name] if outlet else [], summary=hints.get("summary"), title=hints.get("title")
    )
    _check_cleaning(name, meta, cleaned)
    article = Article(
        pk=number,
        outlet=outlet,
        title=cleaned.title,
        summary=cleaned.summary,
        body=cleaned.body,
        caption=cleaned.caption,
        source_document=name,
        source_text=raw,
        published=cleaned.published,
        published_precision=cleaned.published_precision,
        published_time=cleaned.published_time,
        language=meta.get("language") or "en",
    )
    _save(article, f"{name}: article")
    body = article.body
    for index, record in enumerate(document.get("people") or [], start=1):
        where = f"{name}: people[{index}] {record.get('person')} ({record.get('role')})"
        _check_keys(name, f"people[{index}]", record, PERSON_MENTION_KEYS, required={"person", "role", "quote"})
        start, end = span(body, record["quote"], record.get("occurrence"), where)
        counters["person_mention"] += 1
        mention = PersonMention(
            pk=counters["person_mention"],
            article=article,
            person=_lookup(people, record["person"], where),
            role=record["role"],
            quote=record["quote"],
            start=start,
            end=end,
        )
        _save(mention, where)
    for index, record in enumerate(document.get("events") or [], start=1):
        where = f"{name}: events[{index}] {record.get('event')}"
        _check_keys(name, f"events[{index}]", record, EVENT_MENTION_KEYS, required={"event", "quote"})
        start, end = span(body, record["quote"], record.get("occurrence"), where)
        counters["event_mention"] += 1
        mention = EventMention(
            pk=counters["event_mention"],
            article=article,
            event=_lookup(events, record["event"], where),
            quote=record["quote"],
            start=start,
            end=end,
        )
        _save(mention, where)
    for index, record in enumerate(document.get("figures") or [], start=1):
        where = f"{name}: figures[{index}] {record.get('metric')} {record.get('quote')!r}"
        _check_keys(
            name, f"figures[{index}]", record, FIGURE_KEYS, required={"quote", "value", "unit", "metric", "label"}
        )
        start, end = span(body, record["quote"], record.get("occurrence"), where)
        counters["figure"] += 1
        figure = Figure(
            pk=counters["figure"],
            article=article,
            value=_as_decimal(record["value"], f"{where}: value"),
            value_max=_as_decimal(record.get("value_max"), f"{where}: value_max"),
            qualifier=record.get("qualifier") or Figure.Qualifier.EXACT,
            unit=record["unit"],
            metric=record["metric"],
            label=record["label"],
            as_of=_as_date(record.get("as_of"), f"{where}: as_of"),
            event=_lookup(events, record["event"], where) if record.get("event") else None,
            person=_lookup(people, record["person"], where) if record.get("person") else None,
            quote=record["quote"],
            start=start,
            end=end,
        )
        _save(figure, where)
    _check_authors(name, article, cleaned, people)
    return article


def _check_cleaning(name: str, meta: dict, cleaned: cleaning.CleanedDocument) -> None:
    """The annotator's article metadata must be what cleaning finds: no silent drift."""
    expected = {
        "title": meta.get("title"),
        "summary": meta.get("summary") or "",
        "caption": meta.get("caption") or "",
        "published": _as_date(meta.get("published"), f"{name}: article.published"),
        "published_precision": meta.get("published_precision") or "",
        "published_time": _as_time(meta.get("published_time"), f"{name}: article.published_time"),
    }
    for key, value in expected.items():
        found = getattr(cleaned, key)
        if found != value:
            raise CurationError(f"{name}: article.{key}: the annotation says {value!r} but cleaning gives {found!r}")


def _check_authors(name: str, article: Article, cleaned: cleaning.CleanedDocument, people: dict) -> None:
    """Every byline the cleaner found is a known person with an author mention, and vice versa."""
    annotated = {m.person.slug for m in article.person_mentions.filter(role=PersonMention.Role.AUTHOR)}
    found = set()
    for byline in cleaned.authors:
        person = aliases.resolve(byline, people.values())
        if person is None:
            raise CurationError(f"{name}: byline {byline!r} is no known person; add them to people.yaml")
        found.add(person.slug)
    if found != annotated:
        raise CurationError(f"{name}: bylines name {sorted(found)} but author mentions are {sorted(annotated)}")


def _check_everything_used(outlets: dict, people: dict, events: dict) -> None:
    unused = [f"outlet {slug}" for slug, o in outlets.items() if not o.articles.exists()]
    unused += [f"person {slug}" for slug, p in people.items() if not p.mentions.exists()]
    unused += [f"event {slug}" for slug, e in events.items() if not e.mentions.exists()]
    if unused:
        raise CurationError(f"Annotated but never mentioned (orphans): {', '.join(unused)}")


def link_syndication(articles: list[Article]) -> dict:
    """Set each article's `original` from the near-duplicate detector."""
    links = syndication.link_all([syndication.candidate_for(article) for article in articles])
    for article in articles:
        original = links.get(article.pk)
        if article.original_id != original:
            Article.objects.filter(pk=article.pk).update(original_id=original)
            article.original_id = original
    return links


def _stamp() -> None:
    for model in (Outlet, Person, Event, Article):
        model.objects.update(created=CURATED_AT, modified=CURATED_AT)


def reset_sequences() -> None:
    """Explicit primary keys leave PostgreSQL sequences behind; move them past the rows."""
    statements = connection.ops.sequence_reset_sql(no_style(), corpus_models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def fixture_json() -> str:
    """Every corpus record as a dumpdata-style JSON fixture, stable byte for byte."""
    objects = []
    # Parents first: loaddata needs a referenced row before the row that refers
    # to it on databases that check constraints immediately.
    for model in corpus_models():
        for item in serializers.serialize("python", model.objects.order_by("pk")):
            fields = item["fields"]
            # The database's clock sets versions as the fixture loads (articles.record_versions).
            fields.pop("version", None)
            for key, value in fields.items():
                if isinstance(value, list) and model._meta.get_field(key).many_to_many:
                    fields[key] = sorted(value)
            objects.append(item)
    return json.dumps(objects, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"
