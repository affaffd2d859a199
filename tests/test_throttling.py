"""Request rates: a client over its rate gets 429 with Retry-After, and the count
is shared by every worker through Redis, or without Redis through the database.

The suite runs with both throttles off (pyproject.toml); each test here sets
its rates. The throttles' clock is fixed, so no test waits or depends on timing.
"""

import os
import threading
import uuid
from collections import Counter

import pytest
import redis
from django.core.cache import caches
from django.db import connection, connections
from rest_framework.test import APIClient

from articles.api import throttling
from articles.apps import create_cache_tables

API_ROOT = "/api/v1/"  # throttled like every API view, and answered without the database
REDIS_TEST_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


class Clock:
    now = 1_800_000_015.0  # 15 s into a minute: a one-minute window ends 45 s later


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    for throttle in (throttling.AnonRateThrottle, throttling.UserRateThrottle):
        monkeypatch.setattr(throttle, "timer", staticmethod(lambda: clock.now))
    return clock


@pytest.fixture
def rates(settings, clock):
    def set_rates(anon=None, user=None, proxies=0):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
            "NUM_PROXIES": proxies,
        }

    # A cache of this test's own: no count carries over, and nothing is cleared
    # (clearing a Redis cache would empty the whole Redis database).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    return set_rates


def assert_throttled(response, wait):
    assert response.status_code == 429
    assert response["Retry-After"] == str(wait)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == f"Request was throttled. Expected available in {wait} seconds."


def test_an_anonymous_client_over_its_rate_gets_429_until_the_window_ends(rates, clock, sample):
    rates(anon="3/min")
    client = APIClient()
    assert [client.get("/api/v1/outlets/").status_code for _ in range(3)] == [200, 200, 200]
    assert_throttled(client.get("/api/v1/outlets/"), wait=45)
    clock.now += 30
    assert_throttled(client.get("/api/v1/articles/"), wait=15)
    clock.now += 15
    assert client.get("/api/v1/outlets/").status_code == 200


def test_a_token_user_over_its_rate_gets_429_and_other_users_do_not(rates, editor_client, reader_client):
    rates(anon="1/min", user="2/min")
    assert [editor_client.get(API_ROOT).status_code for _ in range(2)] == [200, 200]  # above the anonymous rate
    assert_throttled(editor_client.get(API_ROOT), wait=45)
    assert reader_client.get(API_ROOT).status_code == 200


def test_off_means_no_limit(rates):
    rates(anon=None, user=None)
    client = APIClient()
    assert {client.get(API_ROOT).status_code for _ in range(30)} == {200}


def test_a_forged_forwarded_for_header_does_not_make_a_new_client(rates):
    rates(anon="1/min")
    client = APIClient()
    assert client.get(API_ROOT, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    assert client.get(API_ROOT, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


def test_behind_a_proxy_the_client_address_comes_from_forwarded_for(rates):
    rates(anon="1/min", proxies=1)
    client = APIClient()
    assert client.get(API_ROOT, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    assert client.get(API_ROOT, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200
    assert client.get(API_ROOT, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.1").status_code == 429


# Shared state through Redis: each thread has its own cache connection, as each
# gunicorn worker (or host) has its own.


@pytest.fixture
def shared_cache(settings, rates):
    """The default cache on the local Redis, under a key prefix of this run's own."""
    server = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        server.ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_TEST_URL} is unreachable ({error}); start it or set REDIS_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    server.close()


def in_another_worker(*paths):
    """GET each path from a new thread, with its own cache connection; the statuses and that connection."""
    seen = {}

    def work():
        try:
            seen["cache"] = caches["default"]
            client = APIClient()
            seen["statuses"] = [client.get(path).status_code for path in paths]
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return seen["statuses"], seen["cache"]


def test_workers_share_one_count_through_redis(shared_cache, rates):
    server, prefix = shared_cache
    rates(anon="3/min")
    worker_a = APIClient()
    assert [worker_a.get(API_ROOT).status_code for _ in range(2)] == [200, 200]
    statuses, cache_b = in_another_worker(API_ROOT, API_ROOT)
    assert cache_b is not caches["default"]
    assert statuses == [200, 429]
    assert_throttled(worker_a.get(API_ROOT), wait=45)
    # The count is Redis's, where another host would read it too.
    keys = list(server.scan_iter(f"{prefix}:*"))
    assert [key.decode().split(":", 2)[2] for key in keys] == ["throttle_anon_127.0.0.1_30000000"]
    assert int(server.get(keys[0])) == 5


def test_concurrent_requests_from_many_workers_are_each_counted(shared_cache, rates):
    rates(anon="10/min")
    start = threading.Barrier(8)
    statuses = Counter()
    lock = threading.Lock()

    def worker():
        try:
            client = APIClient()
            start.wait()
            for _ in range(5):
                status = client.get(API_ROOT).status_code
                with lock:
                    statuses[status] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == {200: 10, 429: 30}


def test_an_unreachable_cache_lets_requests_through(settings, rates, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    rates(anon="1/min")
    client = APIClient()
    assert [client.get(API_ROOT).status_code for _ in range(3)] == [200, 200, 200]
    assert "Throttle cache unavailable" in caplog.text


# Without Redis, production counts in the database (corpus_api.cache): one
# store for every worker and host, as with Redis.

DB_CACHE_TABLE = "test_throttle_cache"


@pytest.fixture
def database_cache(settings, rates):
    """The default cache in the test database, its table made as `migrate` makes it."""
    settings.CACHES = {
        "default": {"BACKEND": "corpus_api.cache.DatabaseCache", "LOCATION": DB_CACHE_TABLE, "KEY_PREFIX": "t"}
    }
    create_cache_tables(sender=None, using="default")
    assert DB_CACHE_TABLE in connection.introspection.table_names()
    yield caches["default"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(DB_CACHE_TABLE)}")


@pytest.mark.django_db(transaction=True)
def test_workers_share_one_count_through_the_database(database_cache, rates):
    rates(anon="3/min")
    worker_a = APIClient()
    assert [worker_a.get(API_ROOT).status_code for _ in range(2)] == [200, 200]
    statuses, cache_b = in_another_worker(API_ROOT, API_ROOT)
    assert cache_b is not database_cache
    assert statuses == [200, 429]
    assert_throttled(worker_a.get(API_ROOT), wait=45)
    assert database_cache.get("throttle_anon_127.0.0.1_30000000") == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_are_each_counted_in_the_database(database_cache, rates):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: the in-memory SQLite test database locks whole tables between threads")
    rates(anon="10/min")
    start = threading.Barrier(8)
    statuses = Counter()
    lock = threading.Lock()

    def worker():
        try:
            client = APIClient()
            start.wait()
            for _ in range(5):
                status = client.get(API_ROOT).status_code
                with lock:
                    statuses[status] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == {200: 10, 429: 30}
    assert database_cache.get("throttle_anon_127.0.0.1_30000000") == 40


@pytest.mark.django_db
def test_the_database_cache_increments_in_place_and_keeps_the_expiry(database_cache):
    database_cache.set("count", 1, timeout=7200)
    expires = database_cache._expires
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(DB_CACHE_TABLE)
        cursor.execute(f"SELECT expires FROM {table}")  # noqa: S608 - a fixed name
        before = expires(connection, cursor.fetchone()[0])
        assert database_cache.incr("count") == 2
        assert database_cache.incr("count", 5) == 7
        assert database_cache.decr("count", 3) == 4
        cursor.execute(f"SELECT expires FROM {table}")  # noqa: S608 - a fixed name
        assert expires(connection, cursor.fetchone()[0]) == before
    assert database_cache.get("count") == 4
    with pytest.raises(ValueError, match="not found"):
        database_cache.incr("never-set")
    database_cache.set("gone", 1, timeout=-1)
    with pytest.raises(ValueError, match="not found"):
        database_cache.incr("gone")
