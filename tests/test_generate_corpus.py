"""generate_corpus: deterministic, in proportion, every evidence span true to its
body, and the articles it writes are found by the API's lists and search."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from articles import text
from articles.evidence import evidence_errors
from articles.models import SEARCHABLE, Article, Event, EventMention, Figure, Outlet, Person, PersonMention
from benchmark import synthetic

from .test_facet_tallies import assert_kept_facets_count_the_tables

pytestmark = pytest.mark.django_db

N = 40


def generate(**options):
    call_command("generate_corpus", verbosity=0, **{"articles": N, "seed": 7, **options})
    return synthetic.corpus_digest()


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    first = generate()
    again = generate(clear=True, batch_size=7)  # batching does not change the rows either
    other = generate(clear=True, seed=8)
    assert again == first
    assert other != first
    assert Article.objects.count() == N  # --clear replaced the rows rather than adding to them


def test_a_database_holding_generated_rows_needs_clear():
    generate()
    with pytest.raises(CommandError, match="--clear"):
        call_command("generate_corpus", articles=5, verbosity=0)


@pytest.mark.parametrize("option", ["writers", "drafters"])
def test_a_negative_count_of_writers_or_drafters_is_refused(option):
    with pytest.raises(CommandError, match=f"--{option} must be 0 or more"):
        call_command("generate_corpus", articles=5, verbosity=0, **{option: -1})


def test_curated_rows_are_kept(sample):
    curated = Article.objects.count()
    generate()
    generate(clear=True)
    assert Article.objects.count() == curated + N
    assert Outlet.objects.filter(slug__in=[o.slug for o in sample.outlets.values()]).count() == len(sample.outlets)


def test_proportions():
    generate(articles=200)
    plan = synthetic.plan(200, 7)
    assert Outlet.objects.count() == plan.outlets
    assert Person.objects.count() == plan.people
    assert Event.objects.count() == plan.events
    assert synthetic.plan(1_000_000, 1).outlets == 200
    assert synthetic.plan(1_000_000, 1).people == 50_000
    assert synthetic.plan(1_000_000, 1).events == 20_000

    figures = Counter(Figure.objects.values_list("article_id", flat=True))
    mentions = Counter(PersonMention.objects.values_list("article_id", flat=True))
    mentions.update(EventMention.objects.values_list("article_id", flat=True))
    articles = list(Article.objects.values_list("pk", flat=True))
    assert {figures[pk] for pk in articles} == {synthetic.FIGURES_PER_ARTICLE}
    assert {mentions[pk] for pk in articles} == {synthetic.MENTIONS_PER_ARTICLE}
    assert PersonMention.objects.exists() and EventMention.objects.exists()
    sizes = [len(body.encode()) for body in Article.objects.values_list("body", flat=True)]
    assert 2_500 <= sum(sizes) / len(sizes) <= 3_600
    # A few outlets and people carry much of the corpus, as in real news.
    per_outlet = Counter(Article.objects.values_list("outlet_id", flat=True)).most_common()
    assert per_outlet[0][1] > 2 * per_outlet[-1][1]


def test_every_evidence_span_is_its_quote_and_search_text_is_the_models_own(api):
    generate()
    bodies = dict(Article.objects.values_list("pk", "body"))
    for model in (PersonMention, EventMention, Figure):
        for article, quote, start, end in model.objects.values_list("article_id", "quote", "start", "end"):
            assert evidence_errors(bodies[article], quote, start, end) == {}
            assert bodies[article][start:end] == quote
    for article in Article.objects.all():
        assert article.word_count == text.word_count(article.body)
    for model in SEARCHABLE:
        for record in model.objects.all():
            assert record.search_text == record.search_document()

    # The same through the API, as a client checks a record against its text.
    listed = api.get("/api/v1/articles/", {"page_size": 1}).json()["results"][0]
    detail = api.get(listed["url"]).json()
    for evidence in [*detail["person_mentions"], *detail["event_mentions"], *detail["figures"]]:
        assert detail["body"][evidence["start"] : evidence["end"]] == evidence["quote"]


def test_generated_articles_are_listed_and_found_by_search(api):
    generate()
    listed = api.get("/api/v1/articles/", {"page_size": 100}).json()
    assert listed["count"] == N
    assert len(listed["results"]) == N

    # A person's name finds exactly the articles whose text has it.
    mention = PersonMention.objects.select_related("person").order_by("pk").first()
    name = mention.person.name
    expected = {
        pk for pk, body, title in Article.objects.values_list("pk", "body", "title")
        if f" {text.fold(name)} " in f" {text.fold(title)} {text.fold(body)} "
    }  # fmt: skip
    found = api.get("/api/v1/articles/", {"search": f'"{name}"', "page_size": 100}).json()
    assert {row["id"] for row in found["results"]} == expected
    assert mention.article_id in expected

    outlet = mention.article.outlet
    filtered = api.get("/api/v1/articles/", {"search": f'"{name}"', "outlet": outlet.slug, "page_size": 100}).json()
    assert {row["id"] for row in filtered["results"]} == {
        pk for pk in expected if Article.objects.get(pk=pk).outlet_id == outlet.pk
    }
    people = api.get("/api/v1/people/", {"search": name}).json()
    assert mention.person.slug in [row["slug"] for row in people["results"]]


@pytest.mark.django_db(transaction=True)
def test_writers_on_their_own_connections_write_the_same_rows_and_rebuild_the_indexes(api):
    connection = connections["default"]
    if synthetic.writer_count(connection, 2) == 0:
        pytest.skip("An in-memory SQLite database cannot be shared with a writer's connection.")
    with connection.cursor() as cursor:
        indexes = sorted(synthetic._secondary_indexes(connection, cursor, [Article._meta.db_table, "articles_figure"]))
    threaded = generate(articles=150, batch_size=20, writers=2)
    with connection.cursor() as cursor:
        assert sorted(
            synthetic._secondary_indexes(connection, cursor, [Article._meta.db_table, "articles_figure"])
        ) == (indexes)
    inline = generate(articles=150, batch_size=20, writers=0, drafters=0, clear=True)
    assert threaded == inline
    assert api.get("/api/v1/articles/", {"page_size": 1}).json()["count"] == 150


@pytest.mark.django_db(transaction=True)
def test_drafting_processes_give_the_same_rows_and_the_counts_are_kept_after_the_load(api):
    in_processes = generate(articles=150, batch_size=20, drafters=2)
    assert_kept_facets_count_the_tables(api)
    in_this_process = generate(articles=150, batch_size=20, drafters=0, clear=True)
    assert in_processes == in_this_process
    # The facet counts were taken with the load and their triggers are back: a later write moves them.
    assert_kept_facets_count_the_tables(api)
    Article.objects.filter(pk__in=Article.objects.order_by("pk").values("pk")[:3]).delete()
    assert_kept_facets_count_the_tables(api)


def test_a_fact_sentence_folds_and_counts_as_its_parts():
    """The writer folds and counts each template's two sides once and each quote once; that holds
    only while every template meets its quote at a word boundary."""
    writer = synthetic.ArticleWriter(synthetic.plan(200, 7), synthetic.build_entities(synthetic.plan(200, 7)))
    quotes = [*(p["name"] for p in writer.entities.people), *(a for p in writer.entities.people for a in p["aliases"])]
    quotes += [e["name"] for e in writer.entities.events]
    quotes += [writer.figure_quote(metric)[0] for metric in synthetic.METRICS for _ in range(20)]
    quotes += ["José Díaz-Canel", "O’Neill", "ALBA‑TCP", "12–15 per cent", "$1,200,000 in trade"]
    for group in writer.templates.values():
        for template in group:
            for quote in quotes:
                sentence = template.before + quote + template.after
                folded = " ".join(
                    part for part in (template.folded_before, text.fold(quote), template.folded_after) if part
                )
                assert folded == text.fold(sentence), sentence
                assert template.words + text.word_count(quote) == text.word_count(sentence), sentence


@pytest.mark.django_db(transaction=True)
def test_a_writers_error_stops_the_load_and_reaches_the_caller():
    if synthetic.writer_count(connections["default"], 2) == 0:
        pytest.skip("An in-memory SQLite database cannot be shared with a writer's connection.")
    written = []
    with pytest.raises(ZeroDivisionError), synthetic.Writers("default", 2) as write:
        write(lambda cursor: 1 / 0)
        for k in range(20):
            write(lambda cursor, k=k: written.append(k))
    assert len(written) < 20


@pytest.mark.django_db(transaction=True)
def test_a_load_leaves_its_tables_vacuumed_on_postgresql():
    """Rows just copied in have no visibility map: until a VACUUM, index-only scans (the facets) read
    the heap as well."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no visibility map to set.")
    generate(articles=60, batch_size=20)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NULL AND relname = ANY(%s)",
            [[Article._meta.db_table, Figure._meta.db_table, PersonMention._meta.db_table, "articles_facetpair"]],
        )
        assert cursor.fetchall() == []
