"""Settings come from the environment, with development defaults only under DEBUG."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE']]))"  # noqa: E501


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean["DJANGO_SETTINGS_MODULE"] = "corpus_api.settings"
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_without_debug_a_secret_key_is_required():
    result = run_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_come_from_the_environment():
    result = run_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="corpus.example.org,api.example.org",
        DATABASE_URL="postgres://corpus@db.example.org:5432/corpus",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[false, ["corpus.example.org", "api.example.org"], "django.db.backends.postgresql"]'
    )


def test_debug_gives_local_defaults_and_sqlite():
    result = run_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[true, ["localhost", "127.0.0.1", "[::1]"], "django.db.backends.sqlite3"]'


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The test database is in memory, where SQLite reports "memory"; a file database reports "wal".
    assert mode in {"wal", "memory"}
