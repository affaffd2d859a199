"""Pages through HTTP: a bounded count that says when it is an estimate, and
cursors that walk any list, filtered and ordered, forwards and back."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.utils.urls import replace_query_param

from articles.api.pagination import TRUSTED_ESTIMATE
from articles.models import Article

pytestmark = pytest.mark.django_db

CAP = 5


def get(api, url, params=None):
    response = api.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


def count_queries(queries):
    """The queries that count the list's rows (facets and annotations count inside a SELECT of rows)."""
    return [q["sql"] for q in queries if re.match(r"\s*SELECT COUNT\(", q["sql"], re.IGNORECASE)]


# Counting


def test_below_the_limit_the_count_is_exact(api, volume):
    body = get(api, "/api/v1/articles/")
    assert (body["count"], body["count_is_exact"]) == (Article.objects.count(), True)
    body = get(api, "/api/v1/articles/", {"outlet": "granma"})
    assert (body["count"], body["count_is_exact"]) == (Article.objects.filter(outlet__slug="granma").count(), True)


@pytest.mark.parametrize("resource", ["people", "events", "outlets"])
def test_the_count_reads_ids_not_each_rows_annotated_counts(api, volume, resource):
    # SQLite computed every person's article_count inside the count: 830 ms at 5 000 people.
    with CaptureQueriesContext(connection) as queries:
        body = get(api, f"/api/v1/{resource}/", {"page_size": 2})
    assert body["count_is_exact"] and body["results"][0]["article_count"] >= 0
    (counted,) = count_queries(queries.captured_queries)
    assert "COUNT(DISTINCT" not in counted.upper() and "article_count" not in counted, counted


@override_settings(CORPUS_EXACT_COUNT_LIMIT=CAP)
def test_at_the_limit_the_count_is_still_exact(api, volume):
    body = get(api, "/api/v1/articles/", {"published_before": "2025-01-05"})
    assert (body["count"], body["count_is_exact"]) == (CAP, True)


@override_settings(CORPUS_EXACT_COUNT_LIMIT=CAP)
@pytest.mark.parametrize("params", [{}, {"outlet": "granma"}, {"search": "report"}])
def test_above_the_limit_the_count_is_an_estimate_and_no_count_is_unbounded(api, volume, params):
    with CaptureQueriesContext(connection) as queries:
        body = get(api, "/api/v1/articles/", {**params, "page_size": 2})
    assert body["count_is_exact"] is False
    assert body["count"] > CAP
    if connection.vendor == "sqlite":
        assert body["count"] == CAP + 1  # SQLite has no estimate: "more than the limit"
    counts = count_queries(queries.captured_queries)
    assert counts, [q["sql"] for q in queries.captured_queries]
    assert all(re.search(rf"\bLIMIT {CAP + 1}\b", sql) for sql in counts), counts


@override_settings(CORPUS_EXACT_COUNT_LIMIT=2)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no estimate.")
def test_a_filtered_list_estimated_far_above_the_limit_is_not_counted(api, volume):
    # Counting even limit + 1 rows of a common word checks each one's text: the estimate is trusted
    # when it is TRUSTED_ESTIMATE times the limit or more.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    params = {"published_before": "2100-01-01", "page_size": 2}
    matching = Article.objects.filter(published__lt="2100-01-01").count()
    assert matching >= TRUSTED_ESTIMATE * 2
    with CaptureQueriesContext(connection) as queries:
        body = get(api, "/api/v1/articles/", params)
    assert body["count_is_exact"] is False
    assert body["count"] >= TRUSTED_ESTIMATE * 2
    assert not count_queries(queries.captured_queries)
    # Below that it is counted as before: an estimate just over the limit may be the planner's error.
    limit = matching // TRUSTED_ESTIMATE + 1
    assert limit < matching
    with override_settings(CORPUS_EXACT_COUNT_LIMIT=limit), CaptureQueriesContext(connection) as queries:
        body = get(api, "/api/v1/articles/", params)
    assert count_queries(queries.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no estimate.")
def test_a_filtered_list_costs_the_same_queries_every_time_once_the_table_has_statistics(api, volume):
    # The bench found the first request paying one query more when whether the table had statistics
    # was remembered per process.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            get(api, "/api/v1/articles/", {"outlet": "granma", "page_size": 2})
        counts.append(len(queries.captured_queries))
    assert len(set(counts)) == 1, counts


@override_settings(CORPUS_EXACT_COUNT_LIMIT=CAP)
def test_page_numbers_past_the_estimate_answer_until_the_records_end(api, volume):
    total = Article.objects.count()
    last = -(-total // 5)
    pages = [get(api, "/api/v1/articles/", {"page_size": 5, "page": n, "fields": "id"}) for n in range(1, last + 1)]
    ids = [r["id"] for page in pages for r in page["results"]]
    assert ids == list(Article.objects.values_list("pk", flat=True))
    assert all(page["next"] for page in pages[:-1]) and pages[-1]["next"] is None
    assert api.get("/api/v1/articles/", {"page_size": 5, "page": last + 1}).status_code == 404
    response = api.get("/api/v1/articles/", {"page_size": 5, "page": "last"})
    assert response.status_code == 400 and set(response.json()) == {"page"}


def test_page_last_works_while_the_count_is_exact(api, volume):
    body = get(api, "/api/v1/articles/", {"page_size": 5, "page": "last"})
    assert body["next"] is None and body["results"]


# Depth: page numbers stop, and `next` goes on by cursor

DEPTH = 6


@override_settings(CORPUS_MAX_PAGE_DEPTH=DEPTH)
@pytest.mark.parametrize(
    ("resource", "params"),
    [
        ("articles", {}),
        ("articles", {"ordering": "title"}),
        ("articles", {"search": "report"}),
        ("figures", {"ordering": "-value"}),
        ("person-mentions", {"ordering": "-start"}),
    ],
)
def test_following_next_past_the_depth_switches_to_cursors_and_visits_every_record(api, volume, resource, params):
    url = f"/api/v1/{resource}/"
    expected = [r["id"] for r in get(api, url, {**params, "page_size": 100, "fields": "id"})["results"]]
    assert len(expected) > DEPTH + 2
    seen, kinds, link = [], [], f"{url}?" + "&".join(f"{k}={v}" for k, v in {**params, "page_size": 2}.items())
    while link and len(kinds) < 100:
        page = get(api, link)
        kinds.append("cursor" if "cursor" in parse_qs(urlparse(link).query) else "page")
        seen += [r["id"] for r in page["results"]]
        link = page["next"]
    assert seen == expected
    assert kinds[: DEPTH // 2] == ["page"] * (DEPTH // 2) and set(kinds[DEPTH // 2 :]) == {"cursor"}


@override_settings(CORPUS_MAX_PAGE_DEPTH=DEPTH)
def test_the_last_page_before_the_depth_links_next_by_cursor_without_a_page_number(api, volume):
    body = get(api, "/api/v1/articles/", {"page_size": 2, "page": DEPTH // 2, "outlet": "granma"})
    query = parse_qs(urlparse(body["next"]).query)
    assert "page" not in query and query["cursor"] and query["outlet"] == ["granma"] and query["page_size"] == ["2"]
    assert body["count"] > DEPTH  # the count is still given on the page-number pages


@override_settings(CORPUS_MAX_PAGE_DEPTH=DEPTH)
@pytest.mark.parametrize(("page", "page_size"), [(4, 2), (2, 6), (7, 1)])
def test_a_page_number_past_the_depth_is_a_400_pointing_to_cursor(api, volume, page, page_size):
    response = api.get("/api/v1/articles/", {"page": page, "page_size": page_size})
    assert response.status_code == 400
    (message,) = response.json()["page"]
    assert f"first {DEPTH} records" in message and "cursor=" in message
    assert set(response.json()) == {"page"}


@override_settings(CORPUS_MAX_PAGE_DEPTH=DEPTH)
def test_page_numbers_short_of_the_depth_still_answer(api, volume):
    assert get(api, "/api/v1/articles/", {"page": 3, "page_size": 2})["results"]
    assert get(api, "/api/v1/articles/", {"page": 1, "page_size": 6})["results"]


# Cursors

WALKS = [
    ("articles", {}),  # newest first, the undated last
    ("articles", {"ordering": "title"}),
    ("articles", {"ordering": "-published"}),
    ("articles", {"outlet": "granma", "ordering": "-word_count"}),
    ("articles", {"search": "report", "published_after": "2025-01-10"}),  # by relevance
    ("figures", {}),  # by article, in the article's own ordering
    ("figures", {"ordering": "unit"}),  # ties broken by id
    ("figures", {"metric": "ships", "ordering": "-value"}),
    ("people", {"ordering": "-article_count"}),  # an annotation
    ("events", {"ordering": "-end"}),  # NULLs
    ("events", {"ordering": "end"}),  # NULLs last going up, first coming back
    ("articles", {"ordering": "published"}),
    ("outlets", {}),
    ("person-mentions", {"role": "author"}),
]


def walk(api, url, params, page_size, most=200):
    """Every page from an empty cursor to the end, and back again by `previous`
    (at most `most` pages each way, so a cursor that never advances fails)."""
    forward, pages = [], []
    link = f"{url}?" + "&".join(f"{k}={v}" for k, v in {**params, "page_size": page_size, "cursor": ""}.items())
    while link and len(pages) < most:
        page = get(api, link)
        assert set(page) == {"next", "previous", "results"}
        assert len(page["results"]) <= page_size
        pages.append(page)
        forward += [r["id"] for r in page["results"]]
        link = page["next"]
    backward, link, steps = [], pages[-1]["previous"], 0
    while link and steps < most:
        page = get(api, link)
        backward = [r["id"] for r in page["results"]] + backward
        link, steps = page["previous"], steps + 1
    return pages, forward, backward + [r["id"] for r in pages[-1]["results"]]


@pytest.mark.parametrize(("resource", "params"), WALKS)
@pytest.mark.parametrize("page_size", [1, 3])
def test_a_cursor_walk_visits_every_record_once_in_order(api, volume, resource, params, page_size):
    url = f"/api/v1/{resource}/"
    expected = [r["id"] for r in get(api, url, {**params, "page_size": 100, "fields": "id"})["results"]]
    assert len(expected) > 1
    pages, forward, backward = walk(api, url, params, page_size)
    assert forward == expected
    assert backward == expected
    assert pages[0]["previous"] is None and pages[-1]["next"] is None


def test_previous_from_the_second_page_is_the_first(api, volume):
    first = get(api, "/api/v1/articles/", {"cursor": "", "page_size": 3})
    second = get(api, first["next"])
    again = get(api, second["previous"])
    assert again["results"] == first["results"]
    assert again["previous"] is None
    assert get(api, again["next"])["results"] == second["results"]


def test_a_cursor_page_keeps_its_facets(api, volume):
    body = get(api, "/api/v1/articles/", {"cursor": "", "facets": "outlet", "page_size": 2})
    assert list(body) == ["next", "previous", "facets", "results"]
    assert sum(b["count"] for b in body["facets"]["outlet"]["buckets"]) == Article.objects.count()
    assert get(api, body["next"])["facets"] == body["facets"]


def test_an_empty_list_has_one_empty_cursor_page(api, volume):
    body = get(api, "/api/v1/articles/", {"cursor": "", "published_after": "2999-01-01"})
    assert body == {"next": None, "previous": None, "results": []}


def tampered(token):
    position = len(token) // 3
    return token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "cD0yMDI1LTAxLTE0",  # DRF's own format: p=2025-01-14
        lambda token: tampered(token),
        lambda token: token[:-1],
    ],
)
def test_a_bad_cursor_is_a_400_naming_cursor(api, volume, cursor):
    if callable(cursor):
        link = get(api, "/api/v1/articles/", {"cursor": "", "page_size": 2})["next"]
        cursor = cursor(re.search(r"cursor=([^&]+)", link).group(1))
    response = api.get(f"/api/v1/articles/?cursor={cursor}")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"cursor"}
    assert response.json()["cursor"][0]


def test_a_cursor_for_another_ordering_is_a_400(api, volume):
    link = get(api, "/api/v1/articles/", {"cursor": "", "page_size": 2, "ordering": "title"})["next"]
    response = api.get(replace_query_param(link, "ordering", "-title"))
    assert response.status_code == 400
    assert "ordering" in response.json()["cursor"][0]


def test_a_list_of_summaries_takes_only_its_own_cursors(api, volume):
    """Summaries page by an offset cursor (see test_compare.py); a records' cursor is no such cursor."""
    assert "count" not in api.get("/api/v1/figures/compare/", {"cursor": ""}).json()
    figures = get(api, "/api/v1/figures/", {"cursor": "", "page_size": 2})["next"]
    response = api.get("/api/v1/figures/compare/", {"cursor": parse_qs(urlparse(figures).query)["cursor"][0]})
    assert response.status_code == 400 and set(response.json()) == {"cursor"}


@pytest.mark.parametrize("resource", ["articles", "people", "events", "figures", "person-mentions", "event-mentions"])
def test_a_cursor_page_runs_the_same_queries_at_any_page_size(api, volume, resource):
    url = f"/api/v1/{resource}/"
    link = get(api, url, {"cursor": "", "page_size": 1})["next"]
    counts = {}
    for size in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            body = get(api, replace_query_param(link, "page_size", size))
        assert (len(body["results"]) > 1) == (size > 1)
        counts[size] = len(queries.captured_queries)
        assert not count_queries(queries.captured_queries)  # a cursor page counts nothing
    assert counts[1] == counts[100]


def test_the_browsable_api_pages_by_cursor(api, volume):
    response = api.get("/api/v1/articles/", {"cursor": "", "page_size": 2}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"cursor=" in response.content


# Schema


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


@pytest.mark.parametrize("resource", ["articles", "people", "events", "figures", "outlets"])
def test_the_schema_documents_both_ways_of_paging(schema, resource):
    parameters = {p["name"]: p for p in schema["paths"][f"/api/v1/{resource}/"]["get"]["parameters"]}
    assert {"page", "page_size", "cursor"} <= set(parameters)
    assert parameters["cursor"]["schema"]["type"] == "string"
    assert "cursor" in parameters["page"]["description"]


def test_the_schema_documents_the_page(schema):
    page = schema["components"]["schemas"]["PaginatedArticleList"]
    assert page["properties"]["count_is_exact"]["type"] == "boolean"
    assert "estimate" in page["properties"]["count"]["description"]
    assert set(page["required"]) == {"next", "previous", "results"}  # a cursor page has no count


def test_with_a_cursor_the_page_number_is_ignored(api, volume):
    by_cursor = api.get("/api/v1/articles/", {"cursor": "", "page_size": 3, "fields": "id"}).json()
    both = api.get("/api/v1/articles/", {"cursor": "", "page": 2, "page_size": 3, "fields": "id"})
    assert both.status_code == 200
    assert both.json() == by_cursor
