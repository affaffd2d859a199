"""The curated corpus: fixture file, build, loaded records and check_corpus."""

import io
import json
import shutil
from collections import defaultdict
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from articles.models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention
from articles.text import fold
from curation import aliases
from curation.fixture_build import ANNOTATIONS_DIR, DOCUMENTS_DIR, FIXTURES_DIR, read_document

FIXTURE = FIXTURES_DIR / "corpus.json"
EVIDENCE_MODELS = ("articles.personmention", "articles.eventmention", "articles.figure")

# Per document: people named, people quoted, events, figures.
EXPECTED_COUNTS = {
    "000_f4a7bcdb7e01c3c1.txt": (11, 6, 19, 8),
    "001_4fbe320454e6bd95.txt": (9, 0, 16, 6),
    "002_3104660c576454d6.txt": (5, 2, 9, 19),
    "003_4ecf85418f5e886b.txt": (8, 0, 16, 6),
    "004_591e864f65272c37.txt": (8, 1, 9, 11),
}


def fixture_records():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_every_evidence_span_in_the_fixture_file_matches_its_body():
    records = fixture_records()
    bodies = {r["pk"]: r["fields"]["body"] for r in records if r["model"] == "articles.article"}
    checked = 0
    for record in records:
        if record["model"] in EVIDENCE_MODELS:
            fields = record["fields"]
            assert bodies[fields["article"]][fields["start"] : fields["end"]] == fields["quote"], record
            checked += 1
    assert checked == 55 + 84 + 50


def test_fixture_has_explicit_stable_keys_and_no_unknown_models():
    records = fixture_records()
    assert {r["model"] for r in records} == {
        "articles.outlet",
        "articles.person",
        "articles.event",
        "articles.article",
        *EVIDENCE_MODELS,
    }
    keys = [(r["model"], r["pk"]) for r in records]
    assert len(keys) == len(set(keys))
    assert all(isinstance(pk, int) for _, pk in keys)


@pytest.mark.django_db
def test_fixture_is_what_build_corpus_makes_now(tmp_path):
    output = tmp_path / "corpus.json"
    call_command("build_corpus", "--replace", "--output", str(output), stdout=io.StringIO())
    assert output.read_bytes() == FIXTURE.read_bytes(), "fixtures/corpus.json is stale: rerun build_corpus"


def test_every_loaded_evidence_span_matches_its_body(corpus):
    for model in (PersonMention, EventMention, Figure):
        records = list(model.objects.select_related("article"))
        assert records
        for record in records:
            assert record.article.body[record.start : record.end] == record.quote
            assert record.evidence_errors() == {}


def test_source_text_is_the_document_as_received(corpus):
    articles = list(Article.objects.order_by("source_document"))
    assert [a.source_document for a in articles] == sorted(EXPECTED_COUNTS)
    for article in articles:
        assert article.source_text == read_document(DOCUMENTS_DIR / article.source_document)


def test_check_corpus_passes_and_prints_counts_per_document(corpus):
    out = io.StringIO()
    call_command("check_corpus", stdout=out)
    rows = {}
    for line in out.getvalue().splitlines():
        parts = line.split()
        if parts and parts[0] in EXPECTED_COUNTS:
            rows[parts[0]] = tuple(int(n) for n in parts[1:])
    assert rows == EXPECTED_COUNTS
    assert "consistent" in out.getvalue()


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda: PersonMention.objects.filter(pk=1).update(start=F("start") + 1, end=F("end") + 1), "not the quote"),
        (lambda: Person.objects.create(name="Nobody Named", slug="nobody-named"), "person nobody-named has no mention"),
        (lambda: Outlet.objects.create(name="Unused", slug="unused"), "outlet unused has no article"),
        (lambda: Article.objects.filter(original__isnull=False).update(original=None), "the detector says"),
        (lambda: Article.objects.filter(pk=1).update(source_text="changed"), "source_text differs"),
        (lambda: Person.objects.filter(slug="che-guevara").update(aliases=["Trump"]), "names several people"),
    ],
)
def test_check_corpus_fails_loudly_on_a_problem(corpus, corrupt, message):
    corrupt()
    err = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("check_corpus", stdout=io.StringIO(), stderr=err)
    assert message in err.getvalue()


def test_check_corpus_finds_an_event_entered_twice(corpus):
    event = Event.objects.get(slug="us-attack-on-venezuela-2026")
    twin = Event.objects.create(
        name="US attack on Venezuela",
        slug="us-attack-twice",
        kind=event.kind,
        start=event.start,
        precision=event.precision,
    )
    article = Article.objects.get(source_document__startswith="000_")
    quote = "the bombing of Caracas on 3 January"
    start = article.body.index(quote)
    EventMention.objects.create(article=article, event=twin, quote=quote, start=start, end=start + len(quote))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_corpus", stdout=io.StringIO(), stderr=err)
    assert "look like one event" in err.getvalue()


def test_one_event_per_real_world_event_across_articles(corpus):
    attack = Event.objects.get(slug="us-attack-on-venezuela-2026")
    assert attack.start.isoformat() == "2026-01-03" and attack.precision == "day"
    assert {a.source_document[:3] for a in attack.articles.all()} == {"000", "001", "002", "003", "004"}
    accord = Event.objects.get(slug="comprehensive-cooperation-agreement-2000")
    assert accord.start.isoformat() == "2000-10-30"
    assert {a.source_document[:3] for a in accord.articles.all()} == {"000", "001", "002", "003"}
    # The disagreement about the 1994 reception is kept, each version with its evidence.
    visit = EventMention.objects.filter(event__slug="chavez-visits-havana-1994")
    quotes = " | ".join(visit.values_list("quote", flat=True))
    assert "at the foot of the airplane stairs" in quotes and "at the Aula Magna" in quotes


def test_event_dates_and_precision_follow_the_spec(corpus):
    def event(slug):
        return Event.objects.get(slug=slug)

    visit = event("chavez-visits-havana-1994")
    assert (visit.start.isoformat(), visit.precision) == ("1994-12-14", "day")
    petrocaribe = event("petrocaribe")
    assert (petrocaribe.start.isoformat(), petrocaribe.end.isoformat(), petrocaribe.precision) == (
        "2005-01-01",
        "2019-12-31",
        "year",
    )
    insurgency = event("guerrilla-insurgency-1967")
    assert (insurgency.start.isoformat(), insurgency.precision, insurgency.last_day.isoformat()) == (
        "1967-01-01",
        "year",
        "1967-12-31",
    )
    assert event("cuban-market-reforms-1990s").precision == "decade"
    for record in Event.objects.all():
        record.full_clean()


def test_people_resolve_by_every_alias(corpus):
    people = list(Person.objects.all())
    spellings = {
        "Miguel Diaz Canel": "miguel-diaz-canel",
        "Díaz-Canel": "miguel-diaz-canel",
        "Chavez": "hugo-chavez",
        "Hugo Chavez": "hugo-chavez",
        "Nicolas Maduro": "nicolas-maduro",
        "Delcy Rodriguez": "delcy-rodriguez",
        "Delci Rodrigues": "delcy-rodriguez",
        "Simon Bolivar": "simon-bolivar",
        "Lester D Mallory": "lester-d-mallory",
    }
    for spelling, slug in spellings.items():
        assert aliases.resolve(spelling, people).slug == slug
    for person in people:
        for alias in person.aliases:
            assert aliases.resolve(alias, people) == person
            assert fold(alias) in person.search_text


def test_every_alias_is_a_spelling_the_corpus_uses(corpus):
    bodies = [a.body for a in Article.objects.all()]
    for person in Person.objects.all():
        for alias in person.aliases:
            assert any(aliases.find_spans(body, alias) for body in bodies), f"{person.slug}: {alias!r} is in no article"


def test_canonical_names_carry_their_accents(corpus):
    names = set(Person.objects.values_list("name", flat=True))
    assert {"Miguel Díaz-Canel", "Hugo Chávez", "Nicolás Maduro", "Delcy Rodríguez", "Simón Bolívar"} <= names
    assert Person.objects.get(slug="miguel-diaz-canel").description == "President of the Republic of Cuba."


def test_quoted_mentions_hold_the_quotation(corpus):
    quoted = PersonMention.objects.filter(role="quoted")
    assert set(quoted.values_list("person__slug", flat=True)) == {
        "miguel-diaz-canel",
        "yudelkis-ortiz",
        "donald-trump",
        "lester-d-mallory",
        "fidel-castro",
        "delcy-rodriguez",
        "marco-rubio",
    }
    fidel = quoted.filter(person__slug="fidel-castro").values_list("quote", flat=True)
    assert "don’t quit, don’t resign." in fidel
    author = PersonMention.objects.get(role="author")
    assert (author.person.slug, author.article.source_document[:3]) == ("carmen-navas-reyes", "001")


def test_figures_that_measure_the_same_thing_can_be_compared(corpus):
    by_metric = defaultdict(list)
    for figure in Figure.objects.select_related("article"):
        by_metric[figure.metric].append((figure.article.source_document[:3], figure.value, figure.qualifier))
    assert sorted(by_metric["people-taught-to-read"]) == [
        ("002", Decimal("1500000"), "at_least"),
        ("002", Decimal("1800000"), "approximately"),
    ]
    assert sorted(v for _, v, _ in by_metric["barrio-adentro-consultations"]) == [
        Decimal("1500000000"),
        Decimal("1571000000"),
    ]
    assert {doc for doc, _, _ in by_metric["cuban-deaths-3-january-2026"]} == {"000", "001", "003"}
    assert {v for _, v, _ in by_metric["cuban-deaths-3-january-2026"]} == {Decimal(32)}
    assert {(doc, v) for doc, v, _ in by_metric["us-blockade-of-cuba-duration"]} == {("000", 64), ("004", 64)}
    assert {doc for doc, _, _ in by_metric["venezuelan-oil-to-cuba"]} == {"000", "004"}
    assert {doc for doc, _, _ in by_metric["eye-surgeries"]} == {"000", "001", "002", "003"}
    ranges = Figure.objects.filter(qualifier="range").values_list("quote", "value", "value_max")
    assert ("between 800 and 1,500 dollars", Decimal(800), Decimal(1500)) in ranges
    assert ("30-40% of Cuba’s needs", Decimal(30), Decimal(40)) in ranges
    assert not Figure.objects.filter(quote__contains="min read").exists()


def test_publication_dates_only_where_stated(corpus):
    dated = Article.objects.filter(published__isnull=False)
    assert [a.source_document[:3] for a in dated] == ["002"]
    telesur = dated.get()
    assert (telesur.published.isoformat(), telesur.published_precision, telesur.published_time.isoformat()) == (
        "2026-01-13",
        "day",
        "13:32:00",
    )


@pytest.fixture
def annotations_copy(tmp_path):
    target = tmp_path / "annotations"
    shutil.copytree(ANNOTATIONS_DIR, target)
    return target


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["people"][0].update(quote="Miguel Díaz Canel"),
            r"000_f4a7bcdb7e01c3c1.txt: people\[1\].*not found",
        ),
        (lambda d: d["people"][5].pop("occurrence"), r"quote 'Trump' is ambiguous: it occurs \d+ times"),
        (lambda d: d["article"].update(title="Another title"), "article.title"),
        (lambda d: d["figures"][0].update(qualifier="range"), "figures"),
    ],
)
def test_build_corpus_fails_loudly_on_a_bad_annotation(annotations_copy, change, message):
    _edit(annotations_copy / "000_f4a7bcdb7e01c3c1.yaml", change)
    with pytest.raises(CommandError, match=message):
        call_command("build_corpus", "--annotations", str(annotations_copy), stdout=io.StringIO())
    assert not Article.objects.exists(), "a failed build leaves nothing behind"


@pytest.mark.django_db
def test_build_corpus_refuses_to_mix_with_existing_records():
    Outlet.objects.create(name="Existing", slug="existing")
    with pytest.raises(CommandError, match="--replace"):
        call_command("build_corpus", stdout=io.StringIO())
