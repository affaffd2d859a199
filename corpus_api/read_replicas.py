"""Reads from PostgreSQL streaming replicas (settings: DATABASE_REPLICA_URLS).

A request chooses where its corpus reads go before its view runs:

- a write (any unsafe method) runs wholly on the primary, so the reads it makes
  itself see what it is writing;
- a client that wrote in the last DATABASE_REPLICA_STICKY_SECONDS reads from the
  primary too, so it reads its own write however far a replica lags. A client
  is its credentials (the Authorization header or the session cookie), else its
  address; the mark is kept in the shared cache, so every worker sees it;
- every other read goes to a replica that answers. A replica that refuses the
  connection, or loses it mid-request, is logged and left alone for
  DATABASE_REPLICA_RETRY_SECONDS, and the read is answered by the primary.

Only the corpus (REPLICATED_APPS) is read from replicas. Accounts, tokens,
sessions, sign-in attempts and the database cache stay on the primary: their
readers act on them at once (a lockout, a token just made, a sticky mark).
"""

import contextlib
import contextvars
import hashlib
import logging
import random
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICATED_APPS = frozenset({"articles", "facet_summary"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The replica this request reads from; None reads from the primary.
_reading_from: contextvars.ContextVar[str | None] = contextvars.ContextVar("reading_from", default=None)
# Per process: replica alias -> monotonic time before which it is not tried again.
_resting_until: dict[str, float] = {}


class ReadReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in REPLICATED_APPS:
            return _reading_from.get() or PRIMARY
        return PRIMARY

    def db_for_write(self, model, **hints):
        # Explicit: without it Django writes an instance back where it was read from.
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # A replica holds the primary's rows, so objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


def _client_key(request) -> str:
    credentials = (
        request.META.get("HTTP_AUTHORIZATION")
        or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.META.get("REMOTE_ADDR", "")
    )
    return "replica-sticky:" + hashlib.sha256(credentials.encode()).hexdigest()[:32]


def _rest(alias: str, error: Exception) -> None:
    if alias not in _resting_until:
        logger.warning(
            "Read replica %s failed (%s); reads go to the primary for %s s.",
            alias,
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
            settings.DATABASE_REPLICA_RETRY_SECONDS,
        )
    _resting_until[alias] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
    with contextlib.suppress(DatabaseError):  # the connection may be gone already
        connections[alias].close()


def _answering_replica() -> str | None:
    now = time.monotonic()
    candidates = [alias for alias in settings.DATABASE_REPLICAS if _resting_until.get(alias, 0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        try:
            # Django's own check of a kept connection (CONN_HEALTH_CHECKS), and a reconnect when it
            # failed, done now rather than at the view's first query, where it would be a 503.
            connections[alias].close_if_health_check_failed()
            connections[alias].ensure_connection()
        except DatabaseError as error:
            _rest(alias, error)
            continue
        if _resting_until.pop(alias, None) is not None:
            logger.warning("Read replica %s answers again.", alias)
        return alias
    return None


class _FailureWatch:
    """Notes a database error on the replica while the request runs (the view's
    own error handling turns it into a 503 before this middleware would see it)."""

    def __init__(self):
        self.error = None

    def __call__(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except DatabaseError as error:
            self.error = error
            raise


class ReadReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        key = _client_key(request)
        alias = None
        if request.method in SAFE_METHODS and not cache.get(key):
            alias = _answering_replica()
        response = self._respond(request, alias)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            cache.set(key, 1, timeout=settings.DATABASE_REPLICA_STICKY_SECONDS)
        return response

    def _respond(self, request, alias):
        if alias is None:
            return self.get_response(request)
        watch = _FailureWatch()
        token = _reading_from.set(alias)
        try:
            with connections[alias].execute_wrapper(watch):
                response = self.get_response(request)
        finally:
            _reading_from.reset(token)
        if watch.error is None:
            if response.streaming:
                # An export's rows are read as the response is sent, after this returns.
                response.streaming_content = _reading_within(alias, response.streaming_content)
            return response
        # A read is safe to repeat: answer it again from the primary.
        _rest(alias, watch.error)
        if hasattr(response, "close"):
            response.close()
        return self.get_response(request)


def _reading_within(alias, chunks):
    iterator = iter(chunks)
    try:
        while True:
            token = _reading_from.set(alias)
            try:
                chunk = next(iterator)
            except StopIteration:
                return
            finally:
                _reading_from.reset(token)
            yield chunk
    finally:
        if hasattr(iterator, "close"):
            iterator.close()
