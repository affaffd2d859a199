"""Settings come from the environment, with development defaults only under DEBUG."""

import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE']]))"  # noqa: E501


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
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


# Production: HTTPS, the deploy check, the shared cache, throttle rates, the pool.

SETTINGS_PROBE = (
    "import django, json, sys; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name, None) for name in sys.argv[1:]}, default=str))"
)
PRODUCTION = {
    # Not a real key: made here, as long and as varied as check --deploy asks.
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "corpus.example.org",
}


def settings_of(*names, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean["DJANGO_SETTINGS_MODULE"] = "corpus_api.settings"
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", SETTINGS_PROBE, *names],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_values(*names, **env):
    result = settings_of(*names, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check_deploy(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = check_deploy(
        **PRODUCTION,
        DATABASE_URL="postgres://corpus@127.0.0.1:5432/corpus",
        DJANGO_DB_POOL="1",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_a_deployer_turned_off():
    result = check_deploy(**PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W004" in result.stderr  # SECURE_HSTS_SECONDS


def readme_loopback_trial():
    """The variables of README's trial over plain HTTP on loopback, as written there."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"trial over plain HTTP on loopback.*?```sh\n(.*?)```", readme, re.DOTALL)
    assert block, "README shows the loopback trial's command"
    variables = dict(re.findall(r"^([A-Z_]+)=(\S+) \\$", block.group(1), re.MULTILINE))
    assert "make serve" in block.group(1)
    return variables


def test_the_readme_loopback_trial_passes_the_deploy_check():
    trial = readme_loopback_trial()
    assert trial["DJANGO_SECURE_SSL_REDIRECT"] == "0"
    # The README makes a fresh key with $(python3 -c ...); so does this test.
    trial["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    result = check_deploy(**trial)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_ALLOWED_HOSTS": "127.0.0.1,api.example.org"},  # a name other machines use
        {"DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "GUNICORN_BIND": "0.0.0.0:8000"},  # listening to them
    ],
)
def test_plain_http_off_loopback_is_still_named_by_the_deploy_check(env):
    result = check_deploy(**PRODUCTION | env, DJANGO_SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr


HTTPS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
)


def test_https_is_on_without_debug_and_each_part_can_be_turned_off():
    assert settings_values(*HTTPS, **PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    turned_off = settings_values(
        *HTTPS,
        **PRODUCTION,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="3600",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_HSTS_PRELOAD="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="0",
    )
    assert turned_off == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_x_forwarded_proto_is_trusted_only_when_the_deployment_says_a_proxy_sets_it():
    assert settings_values("SECURE_PROXY_SSL_HEADER", **PRODUCTION) == {"SECURE_PROXY_SSL_HEADER": None}
    behind_proxy = settings_values("SECURE_PROXY_SSL_HEADER", **PRODUCTION, DJANGO_SECURE_PROXY_SSL_HEADER="1")
    assert behind_proxy == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


# Plain-HTTP requests through the WSGI handler, as gunicorn makes them, in a
# process with the given environment: each one's status and headers.
PLAIN_HTTP_REQUESTS = """
import json, sys
from wsgiref.util import setup_testing_defaults

from django.core.wsgi import get_wsgi_application

app = get_wsgi_application()
answers = []
for path, extra in json.loads(sys.argv[1]):
    environ = {"PATH_INFO": path, "HTTP_HOST": "corpus.example.org", "wsgi.url_scheme": "http", **extra}
    setup_testing_defaults(environ)
    started = []
    response = app(environ, lambda status, headers: started.append((status, headers)))
    b"".join(response)
    response.close()
    status, headers = started[0]
    answers.append({"status": status, "headers": dict(headers)})
print(json.dumps(answers))
"""


def plain_http_requests(requests, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", PLAIN_HTTP_REQUESTS, json.dumps(requests)],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "corpus_api.settings", "DJANGO_THROTTLE_ANON": "off", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def plain_http_request(path, headers=None, **env):
    return plain_http_requests([(path, headers or {})], **env)[0]


SPOOFED = {"HTTP_X_FORWARDED_PROTO": "https"}


def test_a_spoofed_forwarded_proto_over_plain_http_is_not_https():
    # Straight to the app (no proxy declared): the client's own header changes nothing.
    redirected = plain_http_request("/api/v1/", SPOOFED, **PRODUCTION)
    assert redirected["status"].startswith("301")
    assert redirected["headers"]["Location"] == "https://corpus.example.org/api/v1/"
    assert "Strict-Transport-Security" not in redirected["headers"]
    plain = plain_http_request("/api/v1/", SPOOFED, **PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="0")
    assert plain["status"].startswith("200")
    assert "Strict-Transport-Security" not in plain["headers"]


def test_behind_a_declared_proxy_its_forwarded_proto_makes_the_request_https():
    behind_proxy = {**PRODUCTION, "DJANGO_SECURE_PROXY_SSL_HEADER": "1"}
    secure = plain_http_request("/api/v1/", SPOOFED, **behind_proxy)
    assert secure["status"].startswith("200")
    assert secure["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # What the proxy forwards as plain HTTP is still sent to HTTPS.
    plain = plain_http_request("/api/v1/", {"HTTP_X_FORWARDED_PROTO": "http"}, **behind_proxy)
    assert plain["status"].startswith("301")
    assert "Strict-Transport-Security" not in plain["headers"]


def test_the_browsable_api_renders_only_with_debug():
    production = throttle_settings()["DEFAULT_RENDERER_CLASSES"]
    assert production == ["articles.api.json_renderer.JSONRenderer"]
    development = settings_values("REST_FRAMEWORK", DJANGO_DEBUG="1")["REST_FRAMEWORK"]["DEFAULT_RENDERER_CLASSES"]
    assert "rest_framework.renderers.BrowsableAPIRenderer" in development


def migrated_sqlite(tmp_path, **env):
    """A production-settings SQLite database in tmp_path, migrated: its DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return url


def test_without_debug_a_browser_gets_json_never_the_browsable_page(tmp_path):
    env = {**PRODUCTION, "DATABASE_URL": migrated_sqlite(tmp_path), "DJANGO_SECURE_SSL_REDIRECT": "0"}
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    paths = ["/api/v1/articles/", "/api/v1/", "/api/v1/articles/1/history/"]
    requests = [(path, {"HTTP_ACCEPT": accept}) for path in paths for accept in ("text/html", browser)]
    requests += [(path, {"QUERY_STRING": "format=api"}) for path in paths]
    for (path, headers), answer in zip(requests, plain_http_requests(requests, **env), strict=True):
        assert int(answer["status"].split()[0]) in {200, 400, 404, 406}, (path, headers, answer)
        assert answer["headers"]["Content-Type"].startswith("application/json"), (path, headers, answer)


def test_debug_serves_plain_http():
    values = settings_values(*HTTPS, DJANGO_DEBUG="1")
    assert not any(values.values()), values


def test_the_cache_is_redis_when_redis_url_is_set_and_the_database_otherwise():
    redis_cache = settings_values("CACHES", **PRODUCTION, REDIS_URL="redis://cache.internal:6379/2")["CACHES"]
    assert redis_cache["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis_cache["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert redis_cache["default"]["KEY_PREFIX"] == "corpus"
    # Without Redis, production still counts in one store that every worker shares.
    shared = settings_values("CACHES", **PRODUCTION, DJANGO_CACHE_KEY_PREFIX="corpus-staging")["CACHES"]
    assert shared["default"]["BACKEND"] == "corpus_api.cache.DatabaseCache"
    assert shared["default"]["LOCATION"] == "corpus_cache"
    assert shared["default"]["KEY_PREFIX"] == "corpus-staging"
    # Per process only in development.
    local = settings_values("CACHES", DJANGO_DEBUG="1")["CACHES"]
    assert local["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_migrate_makes_the_cache_table(tmp_path):
    migrated_sqlite(tmp_path)
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        tables = {name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "corpus_cache" in tables


def throttle_settings(**env):
    return settings_values("REST_FRAMEWORK", **PRODUCTION, **env)["REST_FRAMEWORK"]


def test_throttle_rates_come_from_the_environment():
    defaults = throttle_settings()
    assert defaults["DEFAULT_THROTTLE_RATES"] == {"anon": "120/min", "user": "600/min"}
    assert defaults["NUM_PROXIES"] == 0
    assert defaults["DEFAULT_THROTTLE_CLASSES"] == [
        "articles.api.throttling.AnonRateThrottle",
        "articles.api.throttling.UserRateThrottle",
    ]
    custom = throttle_settings(DJANGO_THROTTLE_ANON="off", DJANGO_THROTTLE_USER="50/second", DJANGO_NUM_PROXIES="1")
    assert custom["DEFAULT_THROTTLE_RATES"] == {"anon": None, "user": "50/second"}
    assert custom["NUM_PROXIES"] == 1


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DJANGO_THROTTLE_ANON": "lots"}, "DJANGO_THROTTLE_ANON"),
        ({"DJANGO_THROTTLE_USER": "10/fortnight"}, "DJANGO_THROTTLE_USER"),
        ({"DJANGO_HSTS_SECONDS": "a year"}, "DJANGO_HSTS_SECONDS"),
        ({"DJANGO_DB_POOL": "1"}, "DJANGO_DB_POOL needs PostgreSQL"),
        (
            {
                "DJANGO_DB_POOL": "1",
                "DJANGO_DB_POOL_MIN": "5",
                "DJANGO_DB_POOL_MAX": "2",
                "DATABASE_URL": "postgres://db/c",
            },
            "DJANGO_DB_POOL_MIN",
        ),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(env, named):
    result = settings_of("DEBUG", **PRODUCTION, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_the_pool_is_opt_in_and_replaces_persistent_connections():
    postgres = {"DATABASE_URL": "postgres://corpus@db.internal:5432/corpus"}
    persistent = settings_values("DATABASES", **PRODUCTION, **postgres, DJANGO_CONN_MAX_AGE="300")["DATABASES"]
    assert persistent["default"]["CONN_MAX_AGE"] == 300
    assert persistent["default"]["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in persistent["default"]["OPTIONS"]
    pooled = settings_values(
        "DATABASES", **PRODUCTION, **postgres, DJANGO_DB_POOL="1", DJANGO_DB_POOL_MIN="1", DJANGO_DB_POOL_MAX="8"
    )["DATABASES"]
    assert pooled["default"]["CONN_MAX_AGE"] == 0
    assert pooled["default"]["CONN_HEALTH_CHECKS"] is True
    assert pooled["default"]["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}
    defaults = settings_values("DATABASES", **PRODUCTION, **postgres, DJANGO_DB_POOL="1")["DATABASES"]
    assert defaults["default"]["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 10}


# Through the WSGI handler, as gunicorn calls it: the test client would keep one
# connection across requests, where the handler hands it back after each.
POOLED_REQUESTS = """
import json
from wsgiref.util import setup_testing_defaults

from django.core.wsgi import get_wsgi_application

app = get_wsgi_application()
from django.db import connection


def get(path):
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    started = []
    response = app(environ, lambda status, headers: started.append(status))
    body = b"".join(response)
    response.close()
    return started[0], json.loads(body)


answers = [get("/api/v1/outlets/") for _ in range(4)]
stats = connection.pool.get_stats()
print(json.dumps({
    "statuses": [status for status, _ in answers],
    "count": answers[-1][1]["count"],
    "requests": stats.get("requests_num"),
    "opened": stats.get("connections_num"),
    "max": connection.pool.max_size,
}))
"""


@pytest.mark.django_db(transaction=True)
def test_requests_are_served_through_the_pool_on_postgresql():
    from django.db import connection

    from articles.models import Outlet

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: set DATABASE_URL=postgres://...")
    Outlet.objects.create(name="Granma", slug="granma")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "corpus_api.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": url,
        "DJANGO_DB_POOL": "1",
        "DJANGO_DB_POOL_MIN": "1",
        "DJANGO_DB_POOL_MAX": "2",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", POOLED_REQUESTS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout)
    assert served["statuses"] == ["200 OK"] * 4
    assert served["count"] == 1
    # Four requests, each taking a connection from the pool, which never opened more than its maximum.
    assert served["requests"] == 4
    assert served["opened"] <= served["max"] == 2


def _manage_debug(env: dict) -> subprocess.CompletedProcess:
    """`manage.py` in a shell holding only `env` of the project's variables: what DEBUG it runs with."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_in_a_fresh_shell_takes_the_development_settings():
    result = _manage_debug({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_manage_py_with_a_secret_key_keeps_debug_off():
    result = _manage_debug({"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "api.example.org"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
