"""Production serving: gunicorn's settings from the environment, static files through WhiteNoise."""

import gzip
import importlib.util
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings
from gunicorn.config import Config

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
GUNICORN_ENV = (
    "GUNICORN_WORKERS",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_BIND",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_CONTROL_SOCKET",
    "PORT",
    "DJANGO_SECURE_PROXY_SSL_HEADER",
)


def load_config(monkeypatch, **env):
    """Import gunicorn.conf.py afresh, the way gunicorn does, under the given environment."""
    for name in GUNICORN_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_workers_are_twice_the_cores_plus_one(monkeypatch):
    config = load_config(monkeypatch)
    assert config.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert config.bind == ["127.0.0.1:8000"]
    assert config.max_requests == 1000
    assert 0 < config.max_requests_jitter < config.max_requests
    assert config.accesslog is None


def test_workers_and_bind_come_from_the_environment(monkeypatch):
    assert load_config(monkeypatch, GUNICORN_WORKERS="7").workers == 7
    assert load_config(monkeypatch, WEB_CONCURRENCY="3").workers == 3
    # gunicorn's own name wins over the platform convention.
    assert load_config(monkeypatch, GUNICORN_WORKERS="4", WEB_CONCURRENCY="9").workers == 4
    assert load_config(monkeypatch, PORT="9000").bind == ["127.0.0.1:9000"]
    assert load_config(monkeypatch, GUNICORN_BIND="0.0.0.0:80", PORT="9000").bind == ["0.0.0.0:80"]
    assert load_config(monkeypatch, GUNICORN_MAX_REQUESTS="0").max_requests == 0


def test_workers_are_threaded_so_a_long_export_cannot_block_one(monkeypatch):
    config = load_config(monkeypatch)
    assert (config.worker_class, config.threads) == ("gthread", 4)
    # A worker stopping (reload, max_requests) lets a streamed export finish for longer than the heartbeat.
    assert config.graceful_timeout > config.timeout
    config = load_config(monkeypatch, GUNICORN_THREADS="8", GUNICORN_GRACEFUL_TIMEOUT="300")
    assert (config.threads, config.graceful_timeout) == (8, 300)


def test_a_long_request_line_reaches_the_api_up_to_gunicorns_largest_bound(monkeypatch):
    # Gunicorn's default (4,094 bytes) answered a long OR list with its own HTML 414; the API's 400 is JSON.
    assert load_config(monkeypatch).limit_request_line == 8190
    assert load_config(monkeypatch, GUNICORN_LIMIT_REQUEST_LINE="0").limit_request_line == 0
    settings = Config()
    settings.set("limit_request_line", 8190)  # gunicorn's own validation takes it
    assert settings.limit_request_line == 8190


def test_gunicorn_believes_a_forwarded_scheme_only_behind_a_declared_proxy(monkeypatch):
    """gunicorn by default takes X-Forwarded-Proto (and two other headers) from
    any loopback client as the request's scheme, before Django decides; it
    follows settings.py's DJANGO_SECURE_PROXY_SSL_HEADER instead."""
    assert load_config(monkeypatch).secure_scheme_headers == {}
    behind_proxy = load_config(monkeypatch, DJANGO_SECURE_PROXY_SSL_HEADER="1")
    assert behind_proxy.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}


@pytest.mark.parametrize("value", ["many", "0", "-2"])
def test_a_bad_worker_count_names_the_variable(monkeypatch, value):
    with pytest.raises(ValueError, match="GUNICORN_WORKERS"):
        load_config(monkeypatch, GUNICORN_WORKERS=value)


def test_every_setting_is_one_gunicorn_knows(monkeypatch):
    """A misspelt name in the config file would be ignored by gunicorn without a word."""
    config = load_config(monkeypatch, GUNICORN_WORKERS="3")
    cfg = Config()
    names = [name for name in vars(config) if not name.startswith("_") and name.islower() and name != "os"]
    settings = [name for name in names if not callable(getattr(config, name))]
    assert set(settings) <= set(cfg.settings), set(settings) - set(cfg.settings)
    for name in settings:
        cfg.set(name, getattr(config, name))  # gunicorn's own validation of each value
    assert cfg.workers == 3
    assert cfg.control_socket_disable


@pytest.mark.django_db
def test_collected_static_files_are_served_with_debug_off(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        # Only the admin's files: enough to prove the path, and quick.
        call_command("collectstatic", "--noinput", "--verbosity=0", "--ignore=rest_framework", "--ignore=drf_*")
        with override_settings(DEBUG=False):
            url = static("admin/css/base.css")
            client = Client()  # a new client builds the middleware, and WhiteNoise reads STATIC_ROOT, now
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            missing = client.get("/static/admin/css/no-such-file.css")

    assert url != "/static/admin/css/base.css", "the manifest gives the file a content hash"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"], "a hashed name may be cached for ever"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (tmp_path / url.removeprefix("/static/")).read_bytes()
    assert missing.status_code == 404
