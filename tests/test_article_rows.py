"""The article list's hand-written rows (articles/api/article_rows.py) hold to the contract: every key
of every result is what ArticleSerializer's own DRF field gives for that article and request."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from articles.api import article_rows
from articles.api.serializers import ArticleSerializer
from articles.models import Article, PersonMention
from articles.search import parse
from benchmark import measure

from .factories import mention

EVERY_FIELD = ",".join(ArticleSerializer.Meta.fields)


def drf_representation(path: str, article_id: int, search: str | None = None, url_format=None) -> dict:
    """The article as the serializer's DRF fields write it, for a request to `path`."""
    request = Request(APIRequestFactory().get(path, HTTP_HOST="testserver"))
    context = {"request": request, "search": parse(search) if search else None, "format": url_format}
    return ArticleSerializer(Article.objects.get(pk=article_id), context=context).data


def assert_rows_hold(api, path: str, search: str | None = None, url_format=None) -> list[dict]:
    response = api.get(path)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert results
    for row in results:
        assert row == drf_representation(path, row["id"], search, url_format)
    return results


@pytest.mark.parametrize(
    "query",
    [
        "",  # the default keys
        f"fields={EVERY_FIELD}",  # the long texts too
        "omit=authors,outlet,snippet",
        "fields=id,original,is_syndicated,title",
        "ordering=-word_count",
        "outlet=telesur",
        "format=json",  # DRF keeps `format` in the links it writes
    ],
)
def test_every_fixture_article_in_a_list(api, corpus, query):
    results = assert_rows_hold(api, f"/api/v1/articles/?page_size=100&{query}")
    if not query:
        assert any(row["authors"] for row in results) and any(row["outlet"] for row in results)
        assert any(row["original"] for row in results)  # the fixtures' syndicated copy


@pytest.mark.parametrize("term", ["venezuela", "castro", "oil"])
def test_search_snippets(api, corpus, term):
    results = assert_rows_hold(api, f"/api/v1/articles/?search={term}&fields={EVERY_FIELD}", search=term)
    assert all("<mark>" in row["snippet"] for row in results)


def test_pages_by_cursor(api, volume):
    path = "/api/v1/articles/?cursor=&page_size=7"
    for _ in range(3):
        results = assert_rows_hold(api, path)
        assert len(results) == 7
        path = api.get(path).json()["next"]


def test_a_format_suffix_carries_into_the_links(api, corpus):
    results = assert_rows_hold(api, "/api/v1/articles.json?page_size=5", url_format="json")
    assert results[0]["url"].endswith(".json")


def test_a_slug_is_quoted_in_its_link(api, sample):
    # Slugs are [a-z0-9-] when the API makes them, but the admin or a data load can store others.
    outlet = Article.objects.exclude(outlet=None).first().outlet
    type(outlet).objects.filter(pk=outlet.pk).update(slug="a b/ç")
    results = assert_rows_hold(api, "/api/v1/articles/?page_size=100")
    assert any(row["outlet"] and row["outlet"]["url"].endswith("/outlets/a%20b%2F%C3%A7/") for row in results)


def test_authors_in_the_order_first_quoted_each_once(api, sample):
    granma = sample.articles["granma"]
    # Ana Pérez (already an author) again, and two more authors, the later-written one quoted first.
    mention(granma, sample.people["castro"], "Fidel Castro", PersonMention.Role.AUTHOR)
    mention(granma, sample.people["chavez"], "Hugo Chávez", PersonMention.Role.AUTHOR)
    mention(granma, sample.people["perez"], "Pérez", PersonMention.Role.AUTHOR)
    results = assert_rows_hold(api, "/api/v1/articles/?page_size=100")
    [row] = [row for row in results if row["id"] == granma.pk]
    slugs = [person["slug"] for person in row["authors"]]
    assert slugs == ["hugo-chavez", "fidel-castro", "ana-perez"]


def test_a_key_without_a_writer_is_written_by_its_field(api, corpus, monkeypatch):
    monkeypatch.delitem(article_rows.WRITERS, "published")
    monkeypatch.delitem(article_rows.WRITERS, "outlet")
    assert_rows_hold(api, "/api/v1/articles/?page_size=100")


def test_the_export_writes_the_same_rows(api, volume):
    response = api.get("/api/v1/articles/export/ndjson/")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == Article.objects.count() > 30
    for line in lines:
        row = json.loads(line)
        assert row == drf_representation("/api/v1/articles/export/ndjson/", row["id"])


def test_authors_are_read_in_one_query_whatever_the_page_size(api, volume):
    counts = []
    for size in (1, 20, 100):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/v1/articles/?page_size={size}").status_code == 200
        counts.append(sum("personmention" in query["sql"] for query in queries.captured_queries))
    assert counts == [1, 1, 1]


@pytest.mark.parametrize("path", ["/api/v1/articles/?page_size=20", "/api/v1/articles/?cursor=&page_size=20"])
def test_no_query_runs_while_the_rows_are_written(api, volume, path):
    # The bench's rule: what a page shows is read with the page (the authors by a prefetch of plain
    # values), so serialising it queries nothing.
    counted = measure.query_count(api.get, path)
    assert counted["queries"] >= 2 and counted["during_serialisation"] == 0


def test_articles_not_prefetched_read_their_authors_themselves(corpus):
    # A queryset that did not go through the serializer's `load` (a script, a shell): each article
    # reads its own authors (Article.author_values outside a prefetch), and the rows still hold.
    path = "/api/v1/articles/"
    request = Request(APIRequestFactory().get(path, HTTP_HOST="testserver"))
    names = list(ArticleSerializer.Meta.fields[:-2])  # the list's default keys
    context = {"request": request, "search": None, "field_names": names}
    articles = list(Article.objects.order_by("pk"))
    rows = ArticleSerializer(articles, many=True, context=context).data
    assert any(row["authors"] for row in rows)
    for row in rows:
        assert row == drf_representation(path, row["id"])
