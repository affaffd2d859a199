"""gunicorn settings for production: `gunicorn corpus_api.wsgi -c gunicorn.conf.py` (or `make serve`).

Every value comes from the environment, with a default that suits one host:

GUNICORN_WORKERS / WEB_CONCURRENCY  worker processes; default 2 × cores + 1 (cores this process may use).
GUNICORN_THREADS      threads per worker (gthread workers); default 4. Each thread answers one request at a
                      time and holds its own database connection (workers × threads in all; with
                      DJANGO_DB_POOL, keep DJANGO_DB_POOL_MAX at least the thread count).
GUNICORN_BIND         address to listen on; default 127.0.0.1:$PORT (PORT defaults to 8000). A reverse
                      proxy in front terminates TLS and buffers slow clients.
GUNICORN_TIMEOUT      seconds a worker process may go silent (its main loop stuck) before it is killed and
                      replaced; default 30. With gthread workers the main loop keeps beating while a thread
                      streams, so this does not cut a long export; it only catches a hung process.
GUNICORN_GRACEFUL_TIMEOUT  seconds a worker told to stop (SIGTERM, a reload, max_requests) may take to finish
                      the requests in hand, exports included; default 120. One still running then is cut,
                      which its client sees as a chunked body without its last chunk.
GUNICORN_MAX_REQUESTS requests after which a worker is replaced (bounds slow memory growth); default 1000,
                      with up to 10% jitter so workers do not all restart at once. 0 turns it off.
GUNICORN_LIMIT_REQUEST_LINE  the longest request line (path and query) in bytes; default 8190, gunicorn's
                      largest bounded value (0: no limit). A longer one is gunicorn's 414, not JSON.
GUNICORN_ACCESS_LOG   "-" for stdout, or a file; default off (the proxy in front logs requests).
GUNICORN_LOG_LEVEL    default info: worker boots, restarts and timeouts go to stderr.
GUNICORN_CONTROL_SOCKET  a path for gunicorn's runtime control socket (`gunicornc`); default none.
DJANGO_SECURE_PROXY_SSL_HEADER  "1" behind a proxy that sets X-Forwarded-Proto (as settings.py reads
                      it): only then does gunicorn take that header from the proxy (a loopback address,
                      FORWARDED_ALLOW_IPS) as the request's scheme.
"""

import os


def _int(name: str, value: str, minimum: int = 1) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {number}.")
    return number


def _env_int(name: str, default: int, minimum: int = 1) -> int:
    value = os.environ.get(name, "").strip()
    return _int(name, value, minimum) if value else default


def _cores() -> int:
    # The CPUs this process may run on (a container or taskset may allow fewer than the machine has).
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers() -> int:
    return 2 * _cores() + 1


def workers_from_env(environ=os.environ) -> int:
    for name in ("GUNICORN_WORKERS", "WEB_CONCURRENCY"):
        value = environ.get(name, "").strip()
        if value:
            return _int(name, value)
    return default_workers()


wsgi_app = "corpus_api.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"]
workers = workers_from_env()
# Threads, so that a long or slow request (a streamed export of the whole corpus) holds one thread and
# not a whole worker: the worker's other threads keep answering, and its heartbeat does not depend on it.
worker_class = "gthread"
threads = _env_int("GUNICORN_THREADS", 4)

timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM a worker finishes the requests in hand, a streamed export included.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 120)
# Gunicorn's largest bounded request line (its default is 4,094): a long OR list of filter values reaches the
# API, which answers a bad one with a JSON 400; a longer line is gunicorn's own 414 (declared in the schema).
limit_request_line = _env_int("GUNICORN_LIMIT_REQUEST_LINE", 8190, minimum=0)
keepalive = 5

max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10

# Not preloaded: each worker imports the app itself, so `kill -HUP` on the master brings in new
# code, and nothing opened while importing (a database connection, a Redis client) is shared
# between forked workers. The memory copy-on-write would save is small next to each worker's heap.
preload_app = False

# The workers' heartbeat files in memory, not on a disk that may stall (or be read-only).
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's documented choice for worker_tmp_dir
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# gunicorn by default believes X-Forwarded-Proto, X-Forwarded-Protocol and X-Forwarded-Ssl from any
# loopback client and hands Django an https request. Only a declared proxy is believed, and only
# the header Django's SECURE_PROXY_SSL_HEADER names; otherwise a plain-HTTP request stays plain.
_behind_proxy = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip().lower() in {"1", "true", "yes", "on"}
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if _behind_proxy else {}

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
proc_name = "corpus-api"

# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), which a
# second server on the same host (a load test beside a running service) would take over. Opt in.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
