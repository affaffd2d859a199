"""Exports that cannot take the API down: streamed in pieces of a chunk each with a
constant number of queries per chunk, refused up front above the client's row cap,
and weighed in the request rate by the pages they stand for."""

import csv
import gc
import io
import json
import math
import tracemalloc
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles.api import exports, serializers, throttling
from articles.models import Article, Outlet

from .factories import build_volume

pytestmark = pytest.mark.django_db


def consume(response) -> tuple[list[bytes], str]:
    assert response.status_code == 200, response.content
    pieces = list(response.streaming_content)
    return pieces, b"".join(pieces).decode()


def csv_export(client, path="/api/v1/articles/", **params):
    return consume(client.get(path, {"format": "csv", **params}))


# Streaming


def test_a_list_export_is_streamed_with_no_content_length(api, sample):
    for fmt in ("csv", "ndjson", "jsonld"):
        response = api.get("/api/v1/articles/", {"format": fmt})
        assert response.streaming
        # No length: the server sends it chunked, and a cut connection lacks the last chunk.
        assert not response.has_header("Content-Length")


def test_an_export_is_one_piece_per_chunk_not_one_per_row(api, volume, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 10)
    rows = Article.objects.count()
    for fmt in ("csv", "ndjson", "jsonld"):
        pieces, _ = consume(api.get("/api/v1/articles/", {"format": fmt}))
        # The header (or the JSON-LD opening), a piece per chunk, and for JSON-LD the closing.
        assert len(pieces) <= 2 + math.ceil(rows / 10)


@pytest.mark.parametrize("resource", ["articles", "people", "events", "figures", "outlets", "person-mentions"])
def test_the_output_is_the_same_whatever_the_chunk(api, corpus, monkeypatch, resource):
    """Byte for byte what the row-at-a-time export wrote for the fixture corpus: that export's
    pieces were exactly the rows of a one-record chunk."""
    monkeypatch.setattr(exports, "CHUNK", 1)
    one_at_a_time = {fmt: csv_export(api, f"/api/v1/{resource}/")[1] for fmt in ("csv",)}
    if resource == "articles":
        one_at_a_time["jsonld"] = consume(api.get("/api/v1/articles/", {"format": "jsonld"}))[1]
    for chunk in (7, 500):
        monkeypatch.setattr(exports, "CHUNK", chunk)
        assert csv_export(api, f"/api/v1/{resource}/")[1] == one_at_a_time["csv"]
        if resource == "articles":
            assert consume(api.get("/api/v1/articles/", {"format": "jsonld"}))[1] == one_at_a_time["jsonld"]
    exported = list(csv.DictReader(io.StringIO(one_at_a_time["csv"])))
    assert len(exported) == api.get(f"/api/v1/{resource}/").json()["count"] > 0
    if resource == "articles":
        assert len(json.loads(one_at_a_time["jsonld"])["@graph"]) == len(exported)


@pytest.fixture
def many(sample):
    build_volume(sample, articles=200)
    return sample


def queries(client, fmt, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        consume(client.get("/api/v1/articles/", {"format": fmt, **params}))
    return len(captured)


TEN = {"published_after": "2025-07-10", "published_before": "2025-12-31"}  # the last 10 of the 200 generated


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "jsonld"])
def test_queries_are_constant_per_chunk_at_10_and_at_200_rows(api, many, monkeypatch, fmt):
    assert Article.objects.filter(published__range=("2025-07-10", "2025-12-31")).count() == 10
    assert queries(api, fmt, **TEN) == queries(api, fmt)  # one chunk each
    monkeypatch.setattr(exports, "CHUNK", 50)
    one_chunk = queries(api, fmt, **TEN)
    per_chunk = queries(api, fmt, published_after="2025-01-01", published_before="2025-04-10") - one_chunk
    assert per_chunk <= 3  # a chunk's prefetches, not a query per row
    assert queries(api, fmt) == one_chunk + (math.ceil(Article.objects.count() / 50) - 1) * per_chunk


def peak_bytes(client, fmt, **params) -> int:
    response = client.get("/api/v1/articles/", {"format": fmt, **params})
    # Without the cycle collector, whose runs would make the figure depend on when it ran: what
    # is freed here is freed by reference counting, as soon as nothing uses it.
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        for _ in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.enable()


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "jsonld"])
def test_memory_does_not_grow_with_the_rows(api, many, monkeypatch, fmt):
    """Peak memory while streaming 100 rows and 200, 10 to a chunk: each chunk's records and
    rows are freed as the next one comes (the records' cycles broken, not left to the collector)."""
    monkeypatch.setattr(exports, "CHUNK", 10)
    half = {"published_after": "2025-04-11"}
    assert Article.objects.filter(published__gte="2025-04-11").count() == 102  # 100 generated, 2 of the sample
    peak_bytes(api, fmt, **half)  # warm caches (URL resolvers, serializer fields) outside the measure
    hundred, two_hundred = peak_bytes(api, fmt, **half), peak_bytes(api, fmt)
    # A little per chunk (its queries), nothing per row; the records themselves would double it.
    assert two_hundred < 1.3 * hundred, (hundred, two_hundred)


# The row cap


def test_an_anonymous_export_over_the_cap_is_a_400_naming_the_cap_and_the_count(api, volume, settings):
    settings.EXPORT_ANON_MAX_ROWS = 5
    total = Article.objects.count()
    for fmt in ("csv", "jsonld"):
        response = api.get("/api/v1/articles/", {"format": fmt})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert (body["max_rows"], body["count"], body["count_is_exact"]) == (5, total, True)
        assert "at most 5." in body["detail"] and f"{total:,} rows" in body["detail"]
        assert "filters" in body["detail"] and "editor's token" in body["detail"]
    # Filtered down to the cap, it runs.
    few = Article.objects.exclude(published=None).order_by("-published")[4].published.isoformat()
    assert len(list(csv.DictReader(io.StringIO(csv_export(api, published_after=few)[1])))) == 5


def test_an_editor_may_export_past_the_anonymous_cap_up_to_its_own(api, editor_client, volume, settings):
    settings.EXPORT_ANON_MAX_ROWS = 5
    total = Article.objects.count()
    _, text = csv_export(editor_client)
    assert len(list(csv.DictReader(io.StringIO(text)))) == total
    settings.EXPORT_USER_MAX_ROWS = 10
    response = editor_client.get("/api/v1/articles/", {"format": "csv"})
    assert response.status_code == 400
    assert response.json()["max_rows"] == 10
    assert "editor's token" not in response.json()["detail"]


def test_no_cap_when_it_is_off(api, volume, settings):
    settings.EXPORT_ANON_MAX_ROWS = None
    _, text = csv_export(api)
    assert len(list(csv.DictReader(io.StringIO(text)))) == Article.objects.count()


def test_above_the_exact_count_limit_the_count_is_an_estimate(api, volume, settings):
    settings.EXPORT_ANON_MAX_ROWS = 3
    settings.CORPUS_EXACT_COUNT_LIMIT = 4
    body = api.get("/api/v1/articles/", {"format": "csv"}).json()
    assert body["count_is_exact"] is False and body["count"] >= 5 and "more than 3" in body["detail"]


def test_a_detail_export_is_not_capped(api, sample, settings):
    settings.EXPORT_ANON_MAX_ROWS = 0
    assert api.get("/api/v1/outlets/granma/", {"format": "csv"}).status_code == 200


# The weight in the request rate


class Clock:
    now = 1_800_000_015.0  # 15 s into a minute: a one-minute window ends 45 s later


@pytest.fixture
def rates(settings, monkeypatch):
    clock = Clock()
    for throttle in (throttling.AnonRateThrottle, throttling.UserRateThrottle):
        monkeypatch.setattr(throttle, "timer", staticmethod(lambda: clock.now))
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }

    def set_rates(anon=None, user=None):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user}}

    set_rates.clock = clock
    return set_rates


def statuses(client, n, path="/api/v1/outlets/"):
    return [client.get(path).status_code for _ in range(n)]


def test_an_export_costs_one_request_per_page_of_rows(rates, volume, monkeypatch):
    monkeypatch.setattr(exports, "MAX_PAGE_SIZE", 10)
    rows = Article.objects.count()
    pages = math.ceil(rows / 10)
    assert 1 < pages < 8
    rates(anon="10/min")
    client = APIClient()
    csv_export(client)
    assert statuses(client, 10 - pages) == [200] * (10 - pages)
    assert client.get("/api/v1/outlets/").status_code == 429


def test_an_export_that_does_not_fit_what_is_left_is_a_429_and_costs_one(rates, volume, monkeypatch):
    monkeypatch.setattr(exports, "MAX_PAGE_SIZE", 10)
    pages = math.ceil(Article.objects.count() / 10)
    rates(anon="10/min")
    client = APIClient()
    spent = 10 - pages + 1
    assert statuses(client, spent) == [200] * spent  # one request too many left for the export
    response = client.get("/api/v1/articles/", {"format": "csv"})
    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    assert f"counts as {pages} requests" in response.json()["detail"]
    # The refused export cost its one request only.
    assert statuses(client, pages - 2) == [200] * (pages - 2)
    assert client.get("/api/v1/outlets/").status_code == 429


def test_an_export_heavier_than_the_whole_rate_takes_a_window_of_its_own(rates, volume, monkeypatch):
    monkeypatch.setattr(exports, "MAX_PAGE_SIZE", 1)
    rates(anon="5/min")
    client = APIClient()
    csv_export(client)  # more pages than the rate: it may run, and spends the whole window
    assert client.get("/api/v1/outlets/").status_code == 429
    rates.clock.now += 45
    assert client.get("/api/v1/outlets/").status_code == 200


def test_an_editor_export_weighs_in_the_user_rate(rates, editor_client, volume, monkeypatch):
    monkeypatch.setattr(exports, "MAX_PAGE_SIZE", 10)
    pages = math.ceil(Article.objects.count() / 10)
    rates(anon="1/min", user="10/min")
    csv_export(editor_client)
    assert statuses(editor_client, 10 - pages) == [200] * (10 - pages)
    assert editor_client.get("/api/v1/outlets/").status_code == 429


def test_an_empty_export_costs_one_request(rates, sample):
    rates(anon="2/min")
    client = APIClient()
    csv_export(client, search="nothingmatchesthis")
    assert statuses(client, 2) == [200, 429]


def test_outlets_export_counts_outlets(rates, sample, monkeypatch):
    monkeypatch.setattr(exports, "MAX_PAGE_SIZE", 1)
    outlets = Outlet.objects.count()
    rates(anon=f"{outlets + 1}/min")
    client = APIClient()
    csv_export(client, "/api/v1/outlets/")
    assert statuses(client, 2) == [200, 429]


# Exports at once in one worker process


@pytest.fixture
def slots(settings, monkeypatch):
    settings.EXPORTS_PER_PROCESS = 2
    monkeypatch.setattr(exports, "SLOTS", exports.ExportSlots())


def test_a_process_streams_at_most_its_share_of_exports_at_once(api, sample, slots):
    assert exports.SLOTS.taken == 0
    first = api.get("/api/v1/articles/", {"format": "csv"})
    second = api.get("/api/v1/people/", {"format": "csv"})
    busy = api.get("/api/v1/outlets/", {"format": "csv"})
    assert busy.status_code == 503
    assert busy["Retry-After"] == str(exports.BUSY_RETRY_AFTER_SECONDS)
    assert "retry" in busy.json()["detail"]
    assert api.get("/api/v1/outlets/").status_code == 200  # everything else is still answered
    consume(first)  # read to its end: the server closes it and its place is free
    assert exports.SLOTS.taken == 1
    consume(api.get("/api/v1/outlets/", {"format": "csv"}))
    second.close()  # a client gone mid-way: closed all the same
    assert exports.SLOTS.taken == 0


def test_a_refused_or_dropped_export_keeps_no_place(api, sample, settings, slots):
    settings.EXPORT_ANON_MAX_ROWS = 0
    assert api.get("/api/v1/articles/", {"format": "csv"}).status_code == 400
    assert exports.SLOTS.taken == 0
    settings.EXPORT_ANON_MAX_ROWS = None
    response = api.get("/api/v1/articles/", {"format": "csv"})
    assert exports.SLOTS.taken == 1
    del response  # never sent, never closed
    gc.collect()
    assert exports.SLOTS.taken == 0


def test_a_figure_export_builds_the_outlet_serializer_once(api, volume, monkeypatch):
    built = []
    original = serializers.BriefOutletSerializer.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(serializers.BriefOutletSerializer, "__init__", counting)
    _, text = csv_export(api, "/api/v1/figures/")
    assert len(list(csv.DictReader(io.StringIO(text)))) > 30
    assert len(built) <= 2  # not one per row
