"""Article texts in bulk: `fields=…,body` on the articles list and its CSV, and
the NDJSON export of every list (one JSON object per line, the whole filtered set)."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles.api import throttling
from articles.models import Article

from .factories import build_volume
from .openapi import served_schema

pytestmark = pytest.mark.django_db

RESOURCES = ["articles", "people", "events", "figures", "outlets", "person-mentions", "event-mentions"]
# The articles list's keys and CSV columns when `fields=` does not ask for the texts, as before them.
DEFAULT_ARTICLE_KEYS = [
    "id",
    "url",
    "title",
    "summary",
    "byline",
    "outlet",
    "published",
    "published_precision",
    "published_time",
    "language",
    "authors",
    "original",
    "is_syndicated",
    "word_count",
    "source_document",
    "snippet",
]
# Newlines, quotes, the CSV separator and line breaks beyond "\n", as a text may hold them.
AWKWARD_BODY = 'First paragraph, with "quotes"; and a comma.\n\nSecond paragraph\u2028after a line separator\x85.\n'


@pytest.fixture
def awkward(sample):
    article = sample.articles["granma"]
    # Stored as is (a save would normalise it): the export must carry any text the column holds.
    Article.objects.filter(pk=article.pk).update(body=AWKWARD_BODY, caption="Photo: one\nline two")
    return sample


def streamed(response) -> str:
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def ndjson(client, path="/api/v1/articles/", **params) -> list[dict]:
    response = client.get(path, {"format": "ndjson", **params})
    text = streamed(response)
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert text == "" or text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert text.splitlines() == lines  # no record broken by a reader splitting on any line break
    return [json.loads(line) for line in lines]


def detail_texts(client) -> dict[int, dict]:
    return {
        article.pk: client.get(f"/api/v1/articles/{article.pk}/").json() for article in Article.objects.order_by("pk")
    }


# fields=body on the list


def test_the_list_gives_the_bodies_the_details_give_when_fields_names_them(api, awkward):
    details = detail_texts(api)
    listed = api.get("/api/v1/articles/", {"fields": "id,body,caption", "page_size": 100}).json()
    assert listed["count"] == len(details) >= 3
    for result in listed["results"]:
        assert list(result) == ["id", "body", "caption"]
        assert (result["body"], result["caption"]) == (details[result["id"]]["body"], details[result["id"]]["caption"])
    assert AWKWARD_BODY in [result["body"] for result in listed["results"]]
    # Named alone, or with omit= of something else, it is there too.
    assert [list(r) for r in api.get("/api/v1/articles/", {"fields": "body"}).json()["results"]][0] == ["body"]
    # Without fields= the list shows no long text, whatever omit= leaves out.
    for params in ({}, {"omit": "url"}):
        results = api.get("/api/v1/articles/", params).json()["results"]
        assert not {"body", "caption"} & {key for result in results for key in result}
    assert list(api.get("/api/v1/articles/").json()["results"][0]) == DEFAULT_ARTICLE_KEYS


def article_selects(client, params) -> tuple[list[str], int]:
    """The SELECTs of articles (not their count) that a list answer ran, and how many queries in all."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/articles/", params)
        assert response.status_code == 200, response.content
        if response.streaming:
            streamed(response)  # an export runs its queries as it is read
    selects = [q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"] and "COUNT(" not in q["sql"]]
    assert selects
    return selects, len(queries)


BODY_COLUMN = '"articles_article"."body"'
CAPTION_COLUMN = '"articles_article"."caption"'


def test_the_body_stays_in_the_database_unless_fields_names_it(api, volume):
    for params in ({}, {"omit": "url"}, {"format": "csv"}, {"format": "ndjson"}):
        selects, plain_count = article_selects(api, params)
        assert not any(BODY_COLUMN in sql or CAPTION_COLUMN in sql for sql in selects), params
        selects, count = article_selects(api, {**params, "fields": "id,body"})
        assert any(BODY_COLUMN in sql for sql in selects), params
        assert not any(CAPTION_COLUMN in sql for sql in selects), params
        assert count <= plain_count  # fetched with the row, not a query per article
        selects, _ = article_selects(api, {**params, "fields": "id,caption"})
        assert any(CAPTION_COLUMN in sql for sql in selects) and not any(BODY_COLUMN in sql for sql in selects)


# CSV


def test_csv_carries_the_exact_bodies_when_fields_names_them(api, awkward):
    details = detail_texts(api)
    text = streamed(api.get("/api/v1/articles/", {"format": "csv", "fields": "id,title,body"}))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(details)
    for row in rows:
        assert list(row) == ["id", "title", "body"]
        assert row["body"] == details[int(row["id"])]["body"]
    assert AWKWARD_BODY in [row["body"] for row in rows]
    # The default columns are those of before.
    header = next(csv.reader(io.StringIO(streamed(api.get("/api/v1/articles/", {"format": "csv"})))))
    assert header == DEFAULT_ARTICLE_KEYS


# NDJSON


def test_ndjson_is_the_json_lists_results_one_per_line_for_the_whole_set(api, volume):
    listed = api.get("/api/v1/articles/", {"page_size": 100}).json()
    assert 30 < listed["count"] <= 100
    assert ndjson(api) == listed["results"]  # same keys, same values, same order; URLs without format=
    response = api.get("/api/v1/articles/", {"format": "ndjson", "outlet": "telesur"})
    assert response["Content-Disposition"] == 'attachment; filename="articles.ndjson"'
    streamed(response)


def test_ndjson_honours_fields_and_omit_and_carries_the_exact_bodies(api, awkward):
    details = detail_texts(api)
    records = ndjson(api, fields="id,title,body")
    assert len(records) == api.get("/api/v1/articles/").json()["count"] == len(details)
    for record in records:
        assert list(record) == ["id", "title", "body"]
        assert record["body"] == details[record["id"]]["body"]
    assert AWKWARD_BODY in [record["body"] for record in records]
    omitted = ndjson(api, omit="url,authors")
    assert list(omitted[0]) == [key for key in DEFAULT_ARTICLE_KEYS if key not in ("url", "authors")]


@pytest.mark.parametrize("resource", RESOURCES)
def test_ndjson_is_on_every_list_with_csv(api, volume, resource):
    listed = api.get(f"/api/v1/{resource}/", {"page_size": 100}).json()
    records = ndjson(api, f"/api/v1/{resource}/")
    assert len(records) == listed["count"] > 0
    assert [list(record) for record in records] == [list(result) for result in listed["results"]][: len(records)]
    csv_rows = list(csv.DictReader(io.StringIO(streamed(api.get(f"/api/v1/{resource}/", {"format": "csv"})))))
    assert len(csv_rows) == len(records)


def test_an_ndjson_detail_is_its_json_on_one_line(api, awkward):
    article = awkward.articles["granma"]
    response = api.get(f"/api/v1/articles/{article.pk}/", {"format": "ndjson"})
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    [line] = response.content.decode().split("\n")[:-1]
    record = json.loads(line)
    assert record == api.get(f"/api/v1/articles/{article.pk}/").json()
    assert record["body"] == AWKWARD_BODY


@pytest.fixture
def forty(sample):
    build_volume(sample, articles=40)
    return sample


TEN = {"published_after": "2025-01-01", "published_before": "2025-01-10"}  # the first 10 of the 40 generated


@pytest.mark.parametrize("fields", [None, "id,title,body", "id,authors,outlet,body"])
def test_ndjson_queries_are_the_same_for_10_articles_and_for_40(api, forty, fields):
    assert Article.objects.filter(published__range=("2025-01-01", "2025-01-10")).count() == 10
    params = {"fields": fields} if fields else {}

    def queries(**more):
        with CaptureQueriesContext(connection) as captured:
            records = ndjson(api, **params, **more)
        return len(captured), len(records)

    ten, rows = queries(**TEN)
    assert rows == 10
    everything, rows = queries()
    assert rows == Article.objects.count() > 40
    assert everything == ten


# The same caps and rate as every export


def test_an_anonymous_ndjson_export_over_the_cap_is_refused_like_csv(api, volume, settings):
    settings.EXPORT_ANON_MAX_ROWS = 5
    total = Article.objects.count()
    answers = {}
    for fmt in ("csv", "ndjson"):
        response = api.get("/api/v1/articles/", {"format": fmt, "fields": "id,body"})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        answers[fmt] = response.json()
    assert answers["ndjson"] == answers["csv"]
    assert (answers["ndjson"]["max_rows"], answers["ndjson"]["count"]) == (5, total)
    few = Article.objects.exclude(published=None).order_by("-published")[4].published.isoformat()
    assert len(ndjson(api, published_after=few)) == 5


def test_an_ndjson_export_weighs_in_the_rate_as_the_pages_it_replaces(settings, volume, monkeypatch):
    monkeypatch.setattr("articles.api.exports.MAX_PAGE_SIZE", 10)
    for throttle in (throttling.AnonRateThrottle, throttling.UserRateThrottle):
        monkeypatch.setattr(throttle, "timer", staticmethod(lambda: 1_800_000_015.0))
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bulk"}}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10/min", "user": None}}
    pages = -(-Article.objects.count() // 10)
    assert 1 < pages < 8
    client = APIClient()
    ndjson(client)
    assert [client.get("/api/v1/outlets/").status_code for _ in range(10 - pages)] == [200] * (10 - pages)
    assert client.get("/api/v1/outlets/").status_code == 429


# The schema


def test_the_schema_documents_each_export_as_its_own_operation_and_the_texts_fields_chooses(api):
    schema = served_schema(api)
    for resource in RESOURCES:
        listing = schema["paths"][f"/api/v1/{resource}/"]["get"]
        assert list(listing["responses"]["200"]["content"]) == ["application/json"]  # a clean JSON type
        assert "format" not in {p["name"] for p in listing["parameters"]}
        export = schema["paths"][f"/api/v1/{resource}/export/ndjson/"]["get"]
        ok = export["responses"]["200"]
        assert list(ok["content"]) == ["application/x-ndjson"]
        assert ok["content"]["application/x-ndjson"]["schema"]["type"] == "string"
        assert "attachment" in ok["headers"]["Content-Disposition"]["description"]
        assert export["operationId"] == f"{resource.replace('-', '_')}_export_ndjson"
    export = schema["paths"]["/api/v1/articles/export/ndjson/"]["get"]
    parameters = {p["name"]: p["schema"] for p in export["parameters"]}
    assert {"body", "caption"} <= set(parameters["fields"]["items"]["enum"])
    assert {"person", "published_after", "ordering"} <= set(parameters)  # the list's filters
    article = schema["components"]["schemas"]["Article"]
    assert "fields=" in article["properties"]["body"]["description"]
    assert "body" not in article["required"] and "title" in article["required"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_export_operations_give_the_whole_filtered_set_in_one_media_type(api, volume, resource):
    listed = api.get(f"/api/v1/{resource}/", {"page_size": 1000}).json()["results"]
    answer = api.get(f"/api/v1/{resource}/export/ndjson/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert answer["Content-Disposition"] == f'attachment; filename="{resource}.ndjson"'
    assert [json.loads(line) for line in b"".join(answer.streaming_content).decode().splitlines()] == listed
    csv_answer = api.get(f"/api/v1/{resource}/export/csv/")
    assert csv_answer["Content-Type"] == "text/csv; charset=utf-8"
    assert len(b"".join(csv_answer.streaming_content).decode().splitlines()) >= len(listed) + 1


def test_the_article_exports_take_the_lists_filters_and_fields(api, awkward):
    ids = [a["id"] for a in api.get("/api/v1/articles/", {"ordering": "-id"}).json()["results"]]
    answer = api.get("/api/v1/articles/export/ndjson/", {"ordering": "-id", "fields": "id,body"})
    lines = [json.loads(line) for line in b"".join(answer.streaming_content).decode().splitlines()]
    assert [line["id"] for line in lines] == ids
    assert all(set(line) == {"id", "body"} for line in lines)
    assert {line["body"] for line in lines} == set(Article.objects.values_list("body", flat=True))
    graph = json.loads(b"".join(api.get("/api/v1/articles/export/jsonld/").streaming_content))
    assert [node["@type"] for node in graph["@graph"]] == ["NewsArticle"] * len(ids)


@pytest.mark.parametrize(
    "query, field",
    [({"ordering": "nope"}, "ordering"), ({"fields": "id,nope"}, "fields"), ({"format": "json"}, "format")],
)
def test_an_export_refused_answers_in_json_naming_the_parameter(api, awkward, query, field):
    answer = api.get("/api/v1/articles/export/csv/", query)
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/json"
    assert field in answer.json()


def test_an_export_asked_for_json_is_a_406_in_json(api, awkward):
    answer = api.get("/api/v1/articles/export/csv/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 406
    assert answer["Content-Type"] == "application/json"
    assert "detail" in answer.json()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
def test_an_export_answers_other_methods_with_a_json_405(editor_client, method):
    answer = editor_client.generic(method, "/api/v1/articles/export/ndjson/")
    assert answer.status_code == 405
    assert answer["Content-Type"] == "application/json"
    assert method in answer.json()["detail"]
