"""Settings for the Corpus API, read from the environment.

Core
  DJANGO_DEBUG          "1" for development. Off by default; with it off,
                        DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set.
  DJANGO_SECRET_KEY     required unless DEBUG is on (production: 50+ random
                        characters, as `check --deploy` asks).
  DJANGO_ALLOWED_HOSTS  comma-separated host names.
  DJANGO_CSRF_TRUSTED_ORIGINS  comma-separated origins (https://host) allowed to
                        post forms to the admin from another origin.
  DJANGO_LOG_LEVEL      root log level; WARNING by default.

Database
  DATABASE_URL          e.g. postgres://user@host:5432/corpus; SQLite file by default.
  DJANGO_CONN_MAX_AGE   seconds a PostgreSQL connection is kept open between
                        requests (persistent connections, with health checks); 600.
  DJANGO_DB_POOL        "1": a psycopg connection pool per worker process instead
                        (PostgreSQL only; CONN_MAX_AGE is then 0, as Django requires).
  DJANGO_DB_POOL_MIN    connections the pool keeps open; 2.
  DJANGO_DB_POOL_MAX    connections the pool may open; 4.
  DJANGO_DB_POOL_TIMEOUT seconds a request waits for a free connection; 10.
  DATABASE_REPLICA_URLS comma-separated PostgreSQL streaming replicas of DATABASE_URL.
                        Corpus reads go to them; writes, reads in a request that
                        writes, and a client's reads just after it wrote go to the
                        primary (corpus_api/read_replicas.py). None by default.
  DATABASE_REPLICA_STICKY_SECONDS  how long a client that wrote reads from the
                        primary; longer than the replicas' usual lag. 5.
  DATABASE_REPLICA_RETRY_SECONDS  how long a replica that failed is left alone
                        before it is tried again (reads go to the primary); 10.

Cache and throttling
  REDIS_URL             e.g. redis://127.0.0.1:6379/0. When set, the default cache
                        (the throttles' counts) is Redis, shared by every worker
                        and host. Without it, in production, the cache is a table
                        in the database (made by `migrate`), shared as well but
                        slower; with DEBUG on, LocMem, which is per process.
  DJANGO_CACHE_KEY_PREFIX  prefix of every cache key, for a Redis shared with
                        other applications; "corpus".
  DJANGO_THROTTLE_ANON  request rate for anonymous clients, per address,
                        e.g. "120/min" (s, min, hour, day); "off" disables it. 120/min.
  DJANGO_THROTTLE_USER  request rate per signed-in user; "off" disables it. 600/min.
  DJANGO_THROTTLE_AUTH_FAILURES  failed token authentications per address before
                        it is refused (429) until the window ends; "off" disables it. 20/min.
  DJANGO_NUM_PROXIES    reverse proxies in front of the app, so the anonymous
                        throttle takes the client's address from X-Forwarded-For
                        (0: REMOTE_ADDR, and a client cannot pick its own address); 0.
  DJANGO_EXPORT_ANON_MAX_ROWS  rows an anonymous list export (format=csv/jsonld) may
                        have; a larger one is a 400 naming the cap; "off": no cap. 10000.
  DJANGO_EXPORT_USER_MAX_ROWS  the same for signed-in clients; "off" (no cap) by default.
  DJANGO_EXPORTS_PER_PROCESS  list exports one worker process streams at once (keep it
                        below GUNICORN_THREADS); one more is a 503 with Retry-After; "off". 2.

Admin sign-in lockout (django-axes; attempts kept in the database, so every worker sees them)
  DJANGO_LOGIN_FAILURES failed sign-ins before a username, or an address, is locked out; 5.
  DJANGO_LOGIN_LOCKOUT_MINUTES  how long a lockout lasts after the last failure; 15.

HTTPS (each on by default when DEBUG is off, except the proxy header)
  DJANGO_SECURE_SSL_REDIRECT   "0" to serve plain HTTP, e.g. a load test on loopback.
                        check --deploy accepts it when DJANGO_ALLOWED_HOSTS are
                        loopback names only and GUNICORN_BIND (if set) is loopback.
  DJANGO_SECURE_COOKIES        "0" to send session and CSRF cookies over plain HTTP.
  DJANGO_SECURE_PROXY_SSL_HEADER  "1" when the app runs behind a proxy that
                        sets X-Forwarded-Proto (and strips a client's own); then
                        a request is secure when that header says https. Off by
                        default (DEBUG or not): a client talking to the app
                        directly could otherwise claim HTTPS over plain HTTP.
  DJANGO_HSTS_SECONDS   Strict-Transport-Security max-age; 31536000 (one year).
  DJANGO_HSTS_INCLUDE_SUBDOMAINS, DJANGO_HSTS_PRELOAD  "0" to leave them out.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_rate(name: str, default: str) -> str | None:
    """A DRF throttle rate such as "120/min", or None for "off"."""
    value = os.environ.get(name, "").strip() or default
    if value.lower() == "off":
        return None
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 120/min (s, min, hour, day) or off, not {value!r}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for development.")
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - used only with DEBUG on

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "articles",
    "accounts",
    "curation",
    "benchmark",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so the static files' responses carry the policies too.
    "csp.middleware.CSPMiddleware",
    "corpus_api.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "corpus_api.middleware.RejectNulBytesMiddleware",
    "corpus_api.middleware.DatabaseUnavailableMiddleware",
    # Inside the 503 above, so a read a replica failed is answered again by the primary first;
    # after the session middleware, whose cookie names the client that wrote.
    "corpus_api.read_replicas.ReadReplicaMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-ins go through django-axes first, which refuses a locked-out username or address
# before the password is hashed (a flood of bad sign-ins cost every request its latency).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 15))
# Either one locks: a username tried from many addresses, or an address trying many usernames.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "corpus_api.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Messages in the session, not a cookie: the admin shows a new token's key once in one.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

ROOT_URLCONF = "corpus_api.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "corpus_api.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL (as `DATABASE_URL= make test` sets) means the default too.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if env_bool("DJANGO_DB_POOL"):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DJANGO_DB_POOL needs PostgreSQL (set DATABASE_URL to postgres://...).")
    pool = {
        "min_size": env_int("DJANGO_DB_POOL_MIN", 2),
        "max_size": env_int("DJANGO_DB_POOL_MAX", 4),
        "timeout": env_int("DJANGO_DB_POOL_TIMEOUT", 10),
    }
    if not 0 <= pool["min_size"] <= pool["max_size"] or pool["max_size"] < 1:
        raise ImproperlyConfigured("DJANGO_DB_POOL_MIN must be between 0 and DJANGO_DB_POOL_MAX (at least 1).")
    # Each worker process holds its own pool: the pool replaces persistent
    # connections, and Django refuses both at once. Health checks stay on: the
    # pool then checks a connection before handing it out.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = pool
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer commits; IMMEDIATE takes the
    # write lock at BEGIN so concurrent writers queue instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not url.startswith("postgres"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS are PostgreSQL replicas of a PostgreSQL DATABASE_URL.")
    replica = dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True)
    if "pool" in DATABASES["default"].get("OPTIONS", {}):
        replica.setdefault("OPTIONS", {})["pool"] = DATABASES["default"]["OPTIONS"]["pool"]
    # A test run creates its database on the primary only; a standby cannot create one.
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{number}"] = replica
    DATABASE_REPLICAS.append(f"replica{number}")
DATABASE_ROUTERS = ["corpus_api.read_replicas.ReadReplicaRouter"]
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 5)
DATABASE_REPLICA_RETRY_SECONDS = env_int("DATABASE_REPLICA_RETRY_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Serve files from the apps too, so the docs' assets work before collectstatic.
WHITENOISE_USE_FINDERS = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Throttle counters live in the default cache, which every worker and host
# must share, or each worker counts alone and a client gets workers x the rate.
# Redis when REDIS_URL is set; otherwise, in production, the database (a table
# `migrate` creates; see corpus_api.cache); LocMem, per process, only with DEBUG.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    default_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that does not answer must not hold a request for long.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
elif not DEBUG:
    default_cache = {
        "BACKEND": "corpus_api.cache.DatabaseCache",
        "LOCATION": "corpus_cache",
        # A row per client and window, kept two windows: culling live counts would forget them.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
else:
    default_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "corpus"}
CACHES = {"default": default_cache}
CACHES["default"]["KEY_PREFIX"] = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "corpus")

# HTTPS whenever DEBUG is off; each part can be turned off where the
# deployment needs it (see the module docstring).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
# A trial over plain HTTP on loopback (README): with the redirect off, the app
# answering only to loopback names and gunicorn listening only on loopback, no
# plain-HTTP request crosses a network, so check --deploy does not report it.
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
listening = os.environ.get("GUNICORN_BIND", "").strip()
if (
    not SECURE_SSL_REDIRECT
    and ALLOWED_HOSTS
    and set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS
    and (not listening or listening.startswith(("127.0.0.1:", "localhost:", "[::1]:")))
):
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
# Only a deployment that declares a proxy in front trusts its X-Forwarded-Proto.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every response carries a Content-Security-Policy. Scripts come from this
# origin only; an inline script runs only with this response's nonce (the docs
# pages' start-up scripts, templates/drf_spectacular/), so an injected one
# cannot. Nothing is loaded from another host: the docs' assets are served from
# here (drf-spectacular-sidecar), and ReDoc's bundle, which links a logo on a
# CDN, is stopped by img-src before the browser asks. Styles may be inline:
# Swagger UI, ReDoc and the admin set style attributes and <style> elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        # ReDoc searches in a worker it starts from a blob: URL.
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Browser features no page here uses, denied to the page and anything it embeds
# (the Permissions-Policy header on every response).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous write then gets 401 with WWW-Authenticate.
        "articles.api.authentication.TokenOrBearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
        # A read-only token writes nothing, whatever its user may do.
        "accounts.permissions.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "articles.api.throttling.AnonRateThrottle",
        "articles.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("DJANGO_THROTTLE_ANON", "120/min"),
        "user": env_rate("DJANGO_THROTTLE_USER", "600/min"),
    },
    "NUM_PROXIES": env_int("DJANGO_NUM_PROXIES", 0),
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "articles.api.pagination.CorpusPagination",
    "PAGE_SIZE": 20,
    # The browsable API (HTML pages with forms) only in development: in
    # production a browser gets JSON like any other client.
    "DEFAULT_RENDERER_CLASSES": [
        "articles.api.json_renderer.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_SCHEMA_CLASS": "articles.api.schema.CorpusAutoSchema",
    "EXCEPTION_HANDLER": "articles.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": False,
}

# Failed token authentications per client address (accounts.auth_failures).
THROTTLE_AUTH_FAILURES = env_rate("DJANGO_THROTTLE_AUTH_FAILURES", "20/min")

# The most rows one list export may have (see articles.api.exports); None: no cap.
_anon_cap = os.environ.get("DJANGO_EXPORT_ANON_MAX_ROWS", "").strip()
_user_cap = os.environ.get("DJANGO_EXPORT_USER_MAX_ROWS", "").strip()
EXPORT_ANON_MAX_ROWS = None if _anon_cap.lower() == "off" else env_int("DJANGO_EXPORT_ANON_MAX_ROWS", 10_000)
EXPORT_USER_MAX_ROWS = None if _user_cap.lower() in ("", "off") else env_int("DJANGO_EXPORT_USER_MAX_ROWS", 0)
_per_process = os.environ.get("DJANGO_EXPORTS_PER_PROCESS", "").strip()
EXPORTS_PER_PROCESS = None if _per_process.lower() == "off" else env_int("DJANGO_EXPORTS_PER_PROCESS", 2)

# Page-number lists count at most this many rows; above it `count` is an
# estimate and `count_is_exact` false (see articles.api.pagination).
CORPUS_EXACT_COUNT_LIMIT = int(os.environ.get("CORPUS_EXACT_COUNT_LIMIT", "10000"))
# A search ranks at most this many matches, the newest; older ones follow by id (articles.search).
CORPUS_SEARCH_RANK_WINDOW = int(os.environ.get("CORPUS_SEARCH_RANK_WINDOW", "1000"))
# Each facet is counted within this many milliseconds, or answered timed_out (articles.api.facet_parameter).
CORPUS_FACET_TIME_LIMIT_MS = int(os.environ.get("CORPUS_FACET_TIME_LIMIT_MS", "100"))
# Pages by number reach this many records; deeper, pages go by cursor (articles.api.pagination).
CORPUS_MAX_PAGE_DEPTH = int(os.environ.get("CORPUS_MAX_PAGE_DEPTH", "10000"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Corpus API",
    "DESCRIPTION": (
        "A curated corpus of news articles on Cuba–Venezuela relations: outlets, articles, the people "
        "and events they mention and the figures they quote, each traceable to the text by a verbatim "
        "quote and its character offsets in the article body. Reading needs no credentials; writing "
        "needs an editor's token (`Authorization: Token …`) or session."
    ),
    "VERSION": "1.0.0",
    # 3.1: a nullable reference is `oneOf [ref, null]`, which strict validators accept (3.0's
    # `nullable` beside `allOf` and no `type` they reject).
    "OAS_VERSION": "3.1.0",
    "SERVERS": [
        {
            "url": os.environ.get("DJANGO_PUBLIC_URL", "http://127.0.0.1:8000"),
            # A schema served over HTTP names the server that served it instead (articles.api.schema.reader_docs).
            "description": "This deployment (DJANGO_PUBLIC_URL); `make run` serves on http://127.0.0.1:8000.",
        }
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    # Tags and operation ids by resource ("articles_list"), not by the shared "/api/v1" prefix.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The sidecar's bundle, with its CDN logo pointed at a local one (corpus_api.docs_assets).
    "REDOC_DIST": "/docs-assets/redoc",
    # No call to the public validator: the docs make no request off the machine.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True, "persistAuthorization": False},
    "REDOC_UI_SETTINGS": {"hideDownloadButton": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.schema.closed_request_bodies",
        "articles.api.schema.text_patterns",
        "articles.api.schema.either_comparison",
        "articles.api.schema.error_components",
        "articles.api.schema.reader_docs",
        "articles.api.schema.unused_components",
        "articles.api.schema.ordering_names",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PrecisionEnum": "articles.dates.Precision",
        "OutletKindEnum": "articles.models.Outlet.Kind",
        "EventKindEnum": "articles.models.Event.Kind",
        "QualifierEnum": "articles.models.Figure.Qualifier",
        "SuggestionKindEnum": "curation.models.Suggestion.Kind",
        "SuggestionStateEnum": "curation.models.Suggestion.State",
        "RoleEnum": "articles.models.PersonMention.Role",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
