"""Reads from streaming replicas (corpus_api/read_replicas.py), through the API.

The tests against a real hot standby need CORPUS_TEST_STANDBY_URL, the standby of the cluster that
DATABASE_URL is on (`loadtest/standby.sh start` makes one on port 5433; the PostgreSQL pass of .ci/run
starts it and sets the variable). The others point a replica at a port nobody listens on, and run on
either engine.
"""

import logging
import os
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from corpus_api import read_replicas

STANDBY_URL = os.environ.get("CORPUS_TEST_STANDBY_URL", "")
LOGGER = "corpus_api.read_replicas"


@contextmanager
def replica(alias, settings, **database):
    """`alias` as the one read replica. Its connection is made here rather than in DATABASES, which
    the test database setup would try to create a database on (and a standby is read-only)."""
    configured = connections.configure_settings({"default": connections.settings["default"], alias: database})
    replica = load_backend(configured[alias]["ENGINE"]).DatabaseWrapper(configured[alias], alias)
    setattr(connections._connections, alias, replica)
    settings.DATABASE_REPLICAS = [alias]
    try:
        yield replica
    finally:
        replica.close()
        delattr(connections._connections, alias)
        read_replicas._resting_until.clear()


def corpus_queries(captured):
    return [query["sql"] for query in captured if "articles_" in query["sql"]]


# A replica that refuses connections: nothing listens on the discard port.
@pytest.fixture
def refusing_replica(settings):
    with replica("refusing", settings, **dj_database_url.parse("postgres://postgres@127.0.0.1:9/corpus")) as alias:
        yield alias


def test_reads_fall_back_to_the_primary_when_the_replica_refuses_and_it_is_logged(
    sample, refusing_replica, caplog, api
):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    answer = api.get("/api/v1/articles/")
    assert answer.status_code == 200
    assert answer.json()["count"] == len(sample.articles)
    failures = [r for r in caplog.records if r.name == LOGGER]
    assert len(failures) == 1 and "refusing" in failures[0].getMessage(), caplog.text

    # Left alone for the retry window: the next read does not try it again, and logs nothing more.
    assert api.get("/api/v1/people/").status_code == 200
    assert len([r for r in caplog.records if r.name == LOGGER]) == 1


def test_writes_and_the_writers_next_reads_never_try_a_replica(sample, refusing_replica, caplog, editor_client, api):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    article = sample.articles["granma"]
    changed = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"title": "Renamed"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert editor_client.get(f"/api/v1/articles/{article.pk}/").json()["title"] == "Renamed"
    assert not [r for r in caplog.records if r.name == LOGGER], "a write or its writer's read tried the replica"

    # Another client's read does go to the replica (and, as it refuses, falls back).
    assert api.get(f"/api/v1/articles/{article.pk}/").json()["title"] == "Renamed"
    assert [r for r in caplog.records if r.name == LOGGER]


# ---- against a real hot standby --------------------------------------------------------------------

standby_only = pytest.mark.skipif(
    not STANDBY_URL or connection.vendor != "postgresql",
    reason="needs PostgreSQL and CORPUS_TEST_STANDBY_URL (loadtest/standby.sh start; .ci/run sets both)",
)


@pytest.fixture
def standby(settings):
    where = urlsplit(STANDBY_URL)
    # The standby streams the whole cluster, so it holds the test database the primary made.
    database = {**connections.settings["default"], "HOST": where.hostname, "PORT": where.port or 5432}
    database.pop("TEST", None)
    database["NAME"] = connections["default"].settings_dict["NAME"]
    with replica("standby", settings, **database) as standby:
        yield standby
        with standby.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


def caught_up(standby, limit=30.0):
    """Wait until the standby has replayed everything the primary has written so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with standby.cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError(f"the standby did not replay up to {target} within {limit} s")


@standby_only
@pytest.mark.django_db(transaction=True)
def test_anonymous_reads_are_answered_by_the_standby(sample, standby, api):
    caught_up(standby)
    with CaptureQueriesContext(standby) as on_standby, CaptureQueriesContext(connection) as on_primary:
        answer = api.get("/api/v1/articles/", {"person": "hugo-chavez"})
        detail = api.get(f"/api/v1/articles/{sample.articles['granma'].pk}/")
    assert answer.status_code == detail.status_code == 200
    assert answer.json()["count"] > 0
    assert corpus_queries(on_standby)
    assert not corpus_queries(on_primary), corpus_queries(on_primary)
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "the replica alias is not a standby"


@standby_only
@pytest.mark.django_db(transaction=True)
def test_a_writer_reads_its_own_write_while_the_standby_lags(sample, standby, editor_client, api):
    article = sample.articles["granma"]
    original = article.title
    caught_up(standby)
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")

    changed = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"title": "Renamed"}, format="json")
    assert changed.status_code == 200, changed.json()
    # The writer is sticky to the primary; another client reads the paused standby, which lags.
    assert editor_client.get(f"/api/v1/articles/{article.pk}/").json()["title"] == "Renamed"
    assert api.get(f"/api/v1/articles/{article.pk}/").json()["title"] == original

    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    caught_up(standby)
    assert api.get(f"/api/v1/articles/{article.pk}/").json()["title"] == "Renamed"


@standby_only
@pytest.mark.django_db(transaction=True)
def test_a_replica_lost_mid_request_is_answered_again_by_the_primary(sample, standby, api, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    caught_up(standby)
    killed = []

    def lose_the_connection(execute, sql, params, many, context):
        # As a standby restart does: the server ends the session under the view's first query.
        if not killed:
            killed.append(standby.connection.info.backend_pid)
            with psycopg.connect(STANDBY_URL, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [killed[0]])
        return execute(sql, params, many, context)

    with standby.execute_wrapper(lose_the_connection):
        answer = api.get("/api/v1/articles/")
    assert killed, "the view never read from the standby"
    assert answer.status_code == 200, answer.content
    assert answer.json()["count"] == len(sample.articles)
    assert any("standby" in r.getMessage() for r in caplog.records if r.name == LOGGER), caplog.text

    # Left alone for the retry window: reads go to the primary meanwhile.
    with CaptureQueriesContext(connection) as on_primary:
        assert APIClient().get("/api/v1/people/").status_code == 200
    assert corpus_queries(on_primary)
