"""Unfiltered facets read from counts the database keeps on write (articles.facet_tallies).

After every kind of write (the API, save, QuerySet.update, raw SQL, deletes, an article moving to
another outlet with its figures), each kept facet answers exactly what counting the table answers,
in the same order.
"""

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from articles import facet_tallies
from articles.filtersets import ArticleFilterSet, FigureFilterSet, PersonFilterSet
from articles.models import Article, EventMention, FacetDelta, Figure, Person, PersonMention

from .factories import mention, span

pytestmark = pytest.mark.django_db

KEPT = {
    "articles": (Article, ArticleFilterSet, ["outlet", "year", "person", "event"]),
    "figures": (Figure, FigureFilterSet, ["metric", "unit", "qualifier", "outlet"]),
    "people": (Person, PersonFilterSet, ["role", "outlet"]),
}


def counted(model, filterset, name):
    """What counting the whole table gives: the facet's own GROUP BY."""
    return filterset.facets[name].buckets(model._default_manager.all(), 1000)[0]


def assert_kept_facets_count_the_tables(api):
    for resource, (model, filterset, names) in KEPT.items():
        for name in names:
            assert facet_tallies.tally_for(model, name) is not None
            body = api.get(f"/api/v1/{resource}/", {"facets": name, "facet_size": 1000, "page_size": 1}).json()
            assert body["facets"][name]["buckets"] == counted(model, filterset, name), (resource, name)


def _article_by_api(s, editor):
    response = editor.post(
        "/api/v1/articles/",
        {"title": "New", "body": "A new text.", "outlet": "telesur", "published": "1990-05-01",
         "published_precision": "decade", "source_document": "new.txt", "source_text": "A new text."},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content


def _article_patched(s, editor):
    url = f"/api/v1/articles/{s.articles['granma'].pk}/"
    response = editor.patch(url, {"outlet": "telesur", "published": "2020-02-02"}, format="json")
    assert response.status_code == 200, response.content


def _article_outlet_by_queryset_update(s, editor):
    # Its figures move to "no outlet" under figures:outlet too.
    Article.objects.filter(pk=s.articles["telesur"].pk).update(outlet=None)


def _article_dates_by_raw_sql(s, editor):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET published = %s, published_precision = 'day' WHERE id = %s",
            [datetime.date(2001, 9, 11), s.articles["copy"].pk],
        )


def _article_deleted(s, editor):
    url = f"/api/v1/articles/{s.articles['telesur'].pk}/"
    assert editor.delete(url).status_code == 204


def _figure_by_api(s, editor):
    article = s.articles["granma"]
    response = editor.post(
        "/api/v1/figures/",
        {"article": article.pk, "value": 2005, "unit": "year", "metric": "start", "label": "Start",
         "quote": "2005", "qualifier": "at_least"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content


def _figure_patched(s, editor):
    response = editor.patch(f"/api/v1/figures/{s.figures['oil'].pk}/", {"unit": "barrels"}, format="json")
    assert response.status_code == 200, response.content


def _figure_metric_by_queryset_update(s, editor):
    Figure.objects.filter(pk=s.figures["dead"].pk).update(metric="deaths", qualifier="at_most")


def _figure_moved_to_another_article(s, editor):
    Figure.objects.filter(pk=s.figures["share"].pk).update(article=s.articles["granma"])


def _figure_deleted(s, editor):
    assert editor.delete(f"/api/v1/figures/{s.figures['share'].pk}/").status_code == 204


def _figures_in_bulk(s, editor):
    article = s.articles["granma"]
    Figure.objects.bulk_create(
        Figure(article=article, value=n, unit="u", metric=f"m{n % 2}", label="l", **span(article, "Havana"))
        for n in range(3)
    )


def _mention_of_a_person_already_named(s, editor):
    # A second mention of Chávez in the same article: articles per person does not move.
    mention(s.articles["granma"], s.people["chavez"], "Havana", PersonMention.Role.QUOTED)


def _mention_by_api(s, editor):
    response = editor.post(
        "/api/v1/person-mentions/",
        {"article": s.articles["telesur"].pk, "person": "ana-perez", "quote": "Cubans", "role": "author"},
        format="json",
    )
    assert response.status_code == 201, response.content


def _mention_moved_and_its_role_changed(s, editor):
    PersonMention.objects.filter(person__slug="fidel-castro").update(article=s.articles["telesur"], role="mentioned")


def _mention_deleted_by_api(s, editor):
    pk = PersonMention.objects.filter(person__slug="delcy-rodriguez").values_list("pk", flat=True).first()
    assert editor.delete(f"/api/v1/person-mentions/{pk}/").status_code == 204


def _event_mentions_swapped_by_raw_sql(s, editor):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_eventmention SET event_id = %s WHERE event_id = %s",
            [s.events["landing"].pk, s.events["meeting"].pk],
        )


def _event_mention_deleted(s, editor):
    EventMention.objects.filter(event=s.events["attack"]).delete()


def _person_merged(s, editor):
    from articles.merging import merge_people

    merge_people(s.people["chavez"], [s.people["rodriguez"]])


WRITES = [
    _mention_of_a_person_already_named,
    _mention_by_api,
    _mention_moved_and_its_role_changed,
    _mention_deleted_by_api,
    _event_mentions_swapped_by_raw_sql,
    _event_mention_deleted,
    _person_merged,
    _article_by_api,
    _article_patched,
    _article_outlet_by_queryset_update,
    _article_dates_by_raw_sql,
    _figure_by_api,
    _figure_patched,
    _figure_metric_by_queryset_update,
    _figure_moved_to_another_article,
    _figure_deleted,
    _figures_in_bulk,
    _article_deleted,  # last: it takes its figures with it
]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__.strip("_"))
def test_kept_counts_follow_every_write(sample, api, editor_client, write):
    assert_kept_facets_count_the_tables(api)
    write(sample, editor_client)
    assert_kept_facets_count_the_tables(api)


def test_all_the_writes_in_a_row(sample, api, editor_client):
    for write in WRITES:
        write(sample, editor_client)
    assert_kept_facets_count_the_tables(api)


def test_compacting_and_rebuilding_keep_the_counts(volume, api, editor_client):
    for write in WRITES:
        write(volume, editor_client)
    before = FacetDelta.objects.count()
    for tally in facet_tallies.TALLIES.values():
        facet_tallies.compact(connection, tally.name)
    assert FacetDelta.objects.count() < before
    assert_kept_facets_count_the_tables(api)
    # Through the debug cursor too (DEBUG, as `make run` migrates): it formats each statement with its
    # parameters, and a stray % (strftime's %Y) broke that.
    with CaptureQueriesContext(connection):
        facet_tallies.rebuild(connection)
    assert_kept_facets_count_the_tables(api)


def test_a_kept_facet_is_one_query_and_a_filtered_one_is_counted(volume, api):
    with CaptureQueriesContext(connection) as plain:
        api.get("/api/v1/figures/", {"page_size": 1})
    with CaptureQueriesContext(connection) as faceted:
        body = api.get("/api/v1/figures/", {"page_size": 1, "facets": "metric,unit,qualifier,outlet"}).json()
    assert len(faceted) == len(plain) + 4
    assert sum("articles_facetdelta" in q["sql"] for q in faceted.captured_queries) == 4
    # A list whose remaining facet is not kept counts it (people per outlet, through the mentions).
    people = api.get("/api/v1/people/", {"page_size": 1, "facets": "outlet"}).json()
    assert (
        people["facets"]["outlet"]["buckets"] == PersonFilterSet.facets["outlet"].buckets(Person.objects.all(), 50)[0]
    )
    filtered = api.get("/api/v1/figures/", {"page_size": 1, "facets": "metric", "unit": "ships"}).json()
    assert filtered["facets"]["metric"]["buckets"] == [{"value": "ships", "label": "ships", "count": 30}]
    assert sum(b["count"] for b in body["facets"]["metric"]["buckets"]) == Figure.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_no_counts_behind(sample, api):
    """SQLite's flush empties tables row by row through the triggers; whatever its order, the counts
    start again from nothing, and the next records count from there."""
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)
    assert not FacetDelta.objects.filter(delta__lt=0).exists()
    assert sum(FacetDelta.objects.values_list("delta", flat=True)) == 0
    from .factories import build_sample

    build_sample()
    assert_kept_facets_count_the_tables(api)


@pytest.mark.django_db(transaction=True)
def test_a_read_compacts_once_the_appended_rows_pass_the_limit(sample, api, editor_client, monkeypatch):
    monkeypatch.setattr(facet_tallies, "COMPACT_AT", 0)
    for write in (_figure_by_api, _figures_in_bulk, _figure_metric_by_queryset_update):
        write(sample, editor_client)
    appended = FacetDelta.objects.filter(facet="figures:metric").count()
    assert_kept_facets_count_the_tables(api)  # reads figures:metric, past the limit: compacts it
    folded = FacetDelta.objects.filter(facet="figures:metric")
    assert folded.count() < appended
    assert folded.values("value").distinct().count() == folded.count()  # one row per value
    assert_kept_facets_count_the_tables(api)


def _concurrently(*writes, hold=0.3):
    """Run each write in its own thread, connection and transaction, started together; each holds
    its transaction open `hold` seconds after writing, so the writes overlap."""
    start = threading.Barrier(len(writes))
    errors = []

    def run(write, delay):
        try:
            start.wait(timeout=10)
            time.sleep(delay)
            with transaction.atomic():
                write()
                time.sleep(hold)
        except Exception as error:  # reported by the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(write, 0.05 * k)) for k, write in enumerate(writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time.")
class TestConcurrentWriters:
    """PostgreSQL: writers of one pair queue on its row, and a mention written while its article
    moves to another outlet is counted under the outlet the article ends with."""

    def test_three_writers_of_one_new_pair_count_it_once(self, sample, api):
        telesur, castro = sample.articles["telesur"], sample.people["castro"]  # Castro: in Granma only
        _concurrently(*[lambda role=role: mention(telesur, castro, "Cubans", role) for role in PersonMention.Role][:3])
        assert PersonMention.objects.filter(article=telesur, person=castro).count() == 3
        assert_kept_facets_count_the_tables(api)

    def test_a_mention_written_while_its_article_moves_is_counted_under_the_new_outlet(self, sample, api):
        telesur, castro = sample.articles["telesur"], sample.people["castro"]
        _concurrently(
            lambda: mention(telesur, castro, "Cubans"),
            lambda: Article.objects.filter(pk=telesur.pk).update(outlet=sample.outlets["granma"]),
            lambda: mention(telesur, sample.people["perez"], "Cubans"),
        )
        assert Article.objects.get(pk=telesur.pk).outlet == sample.outlets["granma"]
        assert_kept_facets_count_the_tables(api)

    def test_a_figure_written_while_its_article_moves_is_counted_under_the_new_outlet(self, sample, api):
        telesur = sample.articles["telesur"]

        def figure():
            Figure.objects.create(article=telesur, value=3, unit="u", metric="m", label="l", **span(telesur, "Cubans"))

        _concurrently(figure, lambda: Article.objects.filter(pk=telesur.pk).update(outlet=sample.outlets["granma"]))
        assert_kept_facets_count_the_tables(api)
