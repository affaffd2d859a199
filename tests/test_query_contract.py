"""The query surface as a client meets it: every filter SPEC.md lists exists and
is typed in the schema, partial dates match any window they touch, and every
bad value is a 400 naming its parameter."""

import datetime
import json

import pytest

from articles.models import Article, Event

pytestmark = pytest.mark.django_db

# SPEC.md's filters, plus the shaping every list takes.
SPEC_FILTERS = {
    "articles": [
        "outlet",
        "author",
        "person",
        "event",
        "published_after",
        "published_before",
        "language",
        "is_syndicated",
        "search",
    ],
    "people": ["search", "role", "article", "outlet"],
    "events": ["date_after", "date_before", "person", "article", "kind", "search"],
    "figures": ["article", "outlet", "metric", "unit", "value_min", "value_max", "qualifier", "search"],
    "outlets": ["kind", "country", "search"],
}
EVERY_LIST = ["ordering", "page", "page_size", "facets", "facet_size"]
# The shaping an export takes (a JSON read types the full record: see test_a_json_read_types_the_full_record).
EVERY_EXPORT = ["ordering", "fields", "omit"]
SLUG_TWINS = {"articles": ["outlet", "author", "person", "event"], "people": ["outlet"], "events": ["person"],
              "figures": ["outlet", "event", "person"]}  # fmt: skip


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def parameters(schema, resource, path=""):
    return {p["name"]: p["schema"] for p in schema["paths"][f"/api/v1/{resource}/{path}"]["get"]["parameters"]}


@pytest.mark.parametrize("resource", SPEC_FILTERS)
def test_every_spec_filter_and_slug_twin_is_documented(schema, resource):
    filters = SPEC_FILTERS[resource] + [f"{name}_id" for name in SLUG_TWINS.get(resource, [])]
    documented = parameters(schema, resource)
    assert set(filters + EVERY_LIST) <= set(documented), set(filters + EVERY_LIST) - set(documented)
    for export in ("export/csv/", "export/ndjson/"):
        documented = parameters(schema, resource, export)
        assert set(filters + EVERY_EXPORT) <= set(documented), set(filters + EVERY_EXPORT) - set(documented)


def item_type(parameter):
    return parameter["items"] if parameter.get("type") == "array" else parameter


@pytest.mark.parametrize(
    ("resource", "name", "expected"),
    [
        ("articles", "published_after", {"type": "string", "format": "date"}),
        ("articles", "published_before", {"type": "string", "format": "date"}),
        ("events", "date_after", {"type": "string", "format": "date"}),
        ("events", "date_before", {"type": "string", "format": "date"}),
        ("articles", "is_syndicated", {"type": "boolean"}),
        ("figures", "value_min", {"type": "number"}),
        ("figures", "value_max", {"type": "number"}),
        ("articles", "outlet_id", {"type": "integer"}),
        ("people", "article", {"type": "integer"}),
        ("articles", "page_size", {"type": "integer"}),
        ("articles", "facet_size", {"type": "integer"}),
        ("articles", "search", {"type": "string"}),
        ("articles", "person", {"type": "string"}),
    ],
)
def test_scalar_types(schema, resource, name, expected):
    parameter = item_type(parameters(schema, resource)[name])
    assert {key: parameter[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("resource", "name", "values"),
    [
        ("events", "kind", {"attack", "invasion", "meeting"}),
        ("people", "role", {"author", "quoted", "mentioned"}),
        ("figures", "qualifier", {"exact", "range", "at_least"}),
        ("outlets", "kind", {"party_press", "broadcaster"}),
        ("articles", "facets", {"outlet", "year", "person", "event"}),
        ("people", "facets", {"role", "outlet"}),
        ("events", "facets", {"kind", "decade", "year"}),
        ("figures", "facets", {"metric", "unit", "outlet"}),
        ("articles", "ordering", {"published", "-published", "title"}),
    ],
)
def test_enums(schema, resource, name, values):
    assert values <= set(item_type(parameters(schema, resource)[name])["enum"])


@pytest.mark.parametrize(
    ("resource", "name", "values"),
    [
        ("articles", "fields", {"id", "title", "snippet", "body"}),
        ("people", "omit", {"id", "aliases"}),
        ("articles", "ordering", {"published", "-published", "title"}),
    ],
)
def test_export_enums(schema, resource, name, values):
    assert values <= set(item_type(parameters(schema, resource, "export/ndjson/")[name])["enum"])


def test_facets_and_exports_in_the_responses(schema):
    listing = schema["paths"]["/api/v1/articles/"]["get"]["responses"]
    assert set(listing["200"]["content"]) == {"application/json"}
    exports = {"csv": "text/csv", "ndjson": "application/x-ndjson", "jsonld": "application/ld+json"}
    for name, media_type in exports.items():
        export = schema["paths"][f"/api/v1/articles/export/{name}/"]["get"]["responses"]
        assert set(export["200"]["content"]) == {media_type}
        assert set(export["400"]["content"]) == {"application/json"}
    assert "/api/v1/people/export/jsonld/" not in schema["paths"]  # JSON-LD is for articles
    page = schema["components"]["schemas"]["PaginatedArticleList"]
    assert list(page["properties"]) == ["count", "count_is_exact", "next", "previous", "facets", "results"]
    assert set(page["properties"]["facets"]["properties"]) == {"outlet", "year", "person", "event"}
    compare = schema["paths"]["/api/v1/figures/compare/"]["get"]
    assert {"metric", "outlet", "unit", "page", "page_size"} <= {p["name"] for p in compare["parameters"]}
    assert "Comparison" in schema["components"]["schemas"]
    writes = schema["paths"]["/api/v1/articles/"]["post"]
    assert "format" not in {p["name"] for p in writes.get("parameters", [])}


class TestPartialDates:
    @pytest.fixture
    def dated(self, sample):
        def make(title, published, precision):
            return Article.objects.create(
                title=title, body="x", source_document=f"{title}.txt", source_text="x",
                published=published, published_precision=precision,
            )  # fmt: skip

        make("Year", datetime.date(2025, 1, 1), "year")
        make("Month", datetime.date(2025, 6, 1), "month")
        make("Day", datetime.date(2025, 6, 15), "day")
        Event.objects.create(name="Sixties", slug="sixties", start=datetime.date(1960, 1, 1), precision="decade")

    def titles(self, api, **params):
        return {r["title"] for r in api.get("/api/v1/articles/", {**params, "fields": "title"}).json()["results"]}

    @pytest.mark.parametrize("path", ["/api/v1/articles/", "/api/v1/articles/export/ndjson/"])
    def test_a_window_in_the_first_decade_of_the_calendar_is_answered(self, api, dated, path):
        # The decade around 0008 starts in year 1: there is no year 0 (it was a 500).
        answer = api.get(path, {"published_after": "0008-07-24", "published_before": "0009-01-01"})
        assert answer.status_code == 200
        assert b"".join(answer.streaming_content) == b"" if answer.streaming else answer.json()["results"] == []
        every = api.get("/api/v1/events/").json()["count"]
        assert api.get("/api/v1/events/", {"date_after": "0003-01-01"}).json()["count"] == every

    def test_an_article_dated_to_a_year_matches_any_window_touching_it(self, api, dated):
        assert self.titles(api, published_after="2025-12-31", published_before="2025-12-31") == {"Year"}
        assert self.titles(api, published_after="2025-06-30", published_before="2025-07-01") == {"Year", "Month"}
        assert self.titles(api, published_after="2025-06-15", published_before="2025-06-15") == {"Year", "Month", "Day"}
        assert self.titles(api, published_after="2025-07-01", published_before="2025-12-31") == {"Year"}
        assert self.titles(api, published_before="2024-12-31", published_after="2024-01-01") == set()

    def test_an_event_dated_to_a_decade(self, api, dated):
        def slugs(**params):
            return {r["slug"] for r in api.get("/api/v1/events/", params).json()["results"]}

        assert "sixties" in slugs(date_after="1969-12-31", date_before="1969-12-31")
        assert "sixties" in slugs(date_after="1955-01-01", date_before="1960-01-01")
        assert "sixties" not in slugs(date_after="1970-01-01")
        assert "sixties" not in slugs(date_before="1959-12-31")
        # 1967 (a year) and the sixties both touch June 1967.
        assert slugs(date_after="1967-06-01", date_before="1967-06-30") == {"machurucuto", "sixties"}


BAD_VALUES = [
    ("articles", {"published_after": "2026-02-30"}),
    ("articles", {"published_before": "yesterday"}),
    ("articles", {"is_syndicated": "perhaps"}),
    ("articles", {"author_id": "x"}),
    ("articles", {"ordering": "-body"}),
    ("articles", {"search": "a" * 501}),
    ("articles", {"facets": "outlet,kind"}),
    ("articles", {"facet_size": "-3"}),
    ("articles", {"fields": "id,nope"}),
    ("articles", {"omit": "nope"}),
    ("articles", {"format": "pdf"}),
    ("people", {"role": "villain"}),
    ("people", {"article": "abc"}),
    ("people", {"outlet_id": "1.5"}),
    ("events", {"date_after": "1967"}),
    ("events", {"date_before": "1967-13-01"}),
    ("events", {"kind": "party"}),
    ("events", {"precision": "century"}),
    ("figures", {"value_min": "abc"}),
    ("figures", {"value_max": "1e999999"}),
    ("figures", {"qualifier": "roughly"}),
    ("figures", {"article": "0x10"}),
    ("outlets", {"kind": "tabloid"}),
    ("outlets", {"ordering": "homepage"}),
]


@pytest.mark.parametrize(("resource", "params"), BAD_VALUES)
def test_bad_values_are_400s_naming_the_parameter(api, sample, resource, params):
    response = api.get(f"/api/v1/{resource}/", params)
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(params)
    assert all(response.json()[name][0] for name in params)


def test_repeating_a_parameter_is_or_and_different_ones_are_and(api, sample):
    def slugs(**params):
        return {r["slug"] for r in api.get("/api/v1/people/", params).json()["results"]}

    assert slugs(role=["quoted", "author"]) == slugs(role="quoted") | slugs(role="author")
    assert slugs(role="mentioned", outlet="telesur") == slugs(role="mentioned") & slugs(outlet="telesur")


@pytest.mark.parametrize("params", [{"page_size": "null"}, {"page_size": "0"}, {"page": "0"}, {"page": "x"}])
def test_a_page_or_page_size_that_is_not_a_positive_number_is_a_400_naming_it(api, sample, params):
    # DRF would ignore such a page_size and answer such a page with a 404.
    response = api.get("/api/v1/outlets/", params)
    assert response.status_code == 400
    assert list(response.json()) == list(params)


@pytest.mark.parametrize(
    ("resource", "parameter"),
    [
        ("articles", "published_before"),
        ("articles", "is_syndicated"),
        ("figures", "value_min"),
        ("events", "date_after"),
    ],
)
def test_an_empty_date_number_or_boolean_is_a_400_naming_it(api, sample, resource, parameter):
    # The schema says date, number or boolean; "" is none of them (django-filter would ignore it).
    response = api.get(f"/api/v1/{resource}/", {parameter: ""})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_a_json_read_types_the_full_record(api, sample):
    # Every key a result always carries is required; the long texts a list shows only when `fields=` names
    # them are not. Shaping stays a parameter of the exports, where each line is untyped text.
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    outlet = api.get("/api/v1/outlets/").json()["results"][0]
    assert sorted(components["Outlet"]["required"]) == sorted(outlet)
    article = api.get("/api/v1/articles/").json()["results"][0]
    assert sorted(components["Article"]["required"]) == sorted(article)
    assert {"body", "caption"} <= set(components["Article"]["properties"]) - set(components["Article"]["required"])
    detail = api.get(f"/api/v1/articles/{article['id']}/").json()
    assert sorted(components["ArticleDetail"]["required"]) == sorted(detail)
    listing = schema["paths"]["/api/v1/articles/"]["get"]
    assert not {"fields", "omit"} & {p["name"] for p in listing["parameters"]}
    assert "a shaped answer is outside that type" in listing["description"]


def test_an_article_list_leaves_the_long_texts_in_the_database_unless_a_snippet_needs_the_body(api, volume):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def article_selects(params):
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/articles/", params)
        assert response.status_code == 200
        selects = [q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"] and "COUNT(" not in q["sql"]]
        return response, len(queries), selects

    plain, plain_count, selects = article_selects({"page_size": 100})
    assert selects and not any('"articles_article"."body"' in sql for sql in selects)
    assert not any('"articles_article"."source_text"' in sql for sql in selects)
    for size in (1, 100):
        searched, count, selects = article_selects({"search": "Castro", "page_size": size})
        assert searched.json()["results"][0]["snippet"]
        assert any('"articles_article"."body"' in sql for sql in selects)
        if size == 1:
            first = count
    assert count == first
    jsonld = api.get("/api/v1/articles/", {"format": "jsonld"})
    assert all(node.get("articleBody") for node in json.loads(b"".join(jsonld.streaming_content))["@graph"])


@pytest.mark.parametrize("parameter", ["fields", "omit", "facets", "ordering"])
def test_an_empty_list_parameter_is_a_400_naming_it(api, sample, parameter):
    response = api.get("/api/v1/people/", {parameter: ""})
    assert response.status_code == 400
    assert parameter in response.json()


def test_the_schema_states_the_rules_the_api_checks(schema, api, sample):
    components = schema["components"]["schemas"]
    assert components["PersonDetailRequest"]["additionalProperties"] is False
    figures = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/figures/"]["get"]["parameters"]}
    assert (figures["value_min"]["minimum"], figures["value_min"]["maximum"]) == (-1e50, 1e50)
    assert parameters(schema, "figures", "export/csv/")["fields"]["minItems"] == 1
    assert "404" in schema["paths"]["/api/v1/figures/"]["get"]["responses"]
    assert "304" in schema["paths"]["/api/v1/figures/{id}/"]["get"]["responses"]
    assert "412" in schema["paths"]["/api/v1/figures/{id}/"]["patch"]["responses"]
    for value in ("-1e51", "1e51"):
        response = api.get("/api/v1/figures/", {"value_min": value})
        assert response.status_code == 400
        assert "value_min" in response.json()


def test_ordering_values_have_names_a_generated_client_can_use(schema):
    items = parameters(schema, "articles")["ordering"]["items"]
    names = dict(zip(items["enum"], items["x-enum-varnames"], strict=True))
    assert names["-published"] == "PUBLISHED_DESC" and names["word_count"] == "WORD_COUNT"
    assert len(set(names.values())) == len(names)
