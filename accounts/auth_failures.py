"""Failed token authentications count against the client's address: past
DJANGO_THROTTLE_AUTH_FAILURES (20/min) in a window, that address is refused
with a 429 until the window ends, whatever key it sends. Counted like the
request throttles (articles.api.throttling): one atomic increment per fixed
window in the shared cache, so every worker sees the same count."""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from corpus_api.client_address import client_address

logger = logging.getLogger(__name__)
DEFAULT_RATE = "20/min"


def timer() -> float:
    return time.time()


def _rate() -> tuple[int, int] | None:
    rate = getattr(settings, "THROTTLE_AUTH_FAILURES", DEFAULT_RATE)
    if rate is None:
        return None
    return SimpleRateThrottle.parse_rate(None, rate)


def _key(request, duration: int, now: float) -> str:
    return f"authfail_{client_address(request)}_{int(now // duration)}"


def seconds_refused(request) -> int | None:
    """None while the address may still try; else the seconds until its window ends."""
    rate = _rate()
    if rate is None:
        return None
    limit, duration = rate
    now = timer()
    try:
        failures = cache.get(_key(request, duration, now), 0)
    except Exception as error:  # a cache that is down must not refuse every client
        logger.warning("Auth-failure cache unavailable: %r", error)
        return None
    if failures < limit:
        return None
    return max(1, math.ceil((int(now // duration) + 1) * duration - now))


def count_failure(request):
    rate = _rate()
    if rate is None:
        return
    _, duration = rate
    key = _key(request, duration, timer())
    try:
        cache.add(key, 0, timeout=2 * duration)
        cache.incr(key)
    except Exception as error:
        logger.warning("Auth-failure cache unavailable, failure not counted: %r", error)
