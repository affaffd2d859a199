"""Request rates per client, counted where every worker sees the same count.

DRF's own throttles keep a list of timestamps that each request reads from the
cache and writes back whole, so two workers answering one client at the same
moment can both let it through and one overwrites the other's entry. These keep
DRF's scopes, rates and client identity but count with one atomic increment per
fixed window (INCR on Redis), so no request goes uncounted. A window allows at
most the rate; a client that spends its allowance at the end of one window and
the start of the next gets up to twice the rate across the boundary.

The rate is read on every request, from DEFAULT_THROTTLE_RATES (set from the
environment in settings.py; None turns a throttle off).

A request counts one. An export of a whole list weighs more: `charge` adds the
pages it stands for (see articles.api.exports), and takes them back if they do
not fit, so a refused export costs only its one request.
"""

import logging
import math

from rest_framework import throttling
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)


class WindowCounter:
    """Mixed into a DRF SimpleRateThrottle subclass, which supplies the scope
    and get_cache_key (who the client is)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        return self._count(request, view, 1, give_back=False)

    def applies(self, request, view) -> bool:
        """Whether this throttle counts this client (a rate is set and the client is of its kind)."""
        return self.rate is not None and self.get_cache_key(request, view) is not None

    def charge(self, request, view, cost: int) -> bool:
        """Count `cost` more requests of this client in the current window. False when they do
        not fit in the rate; they are then given back (wait() says when the window ends)."""
        if cost <= 0:
            return True
        return self._count(request, view, cost, give_back=True)

    def _count(self, request, view, cost: int, give_back: bool) -> bool:
        if self.rate is None:
            return True
        client = self.get_cache_key(request, view)
        if client is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        key = f"{client}_{window}"
        try:
            # The key outlives its window, so it cannot expire between add and incr.
            self.cache.add(key, 0, timeout=2 * self.duration)
            count = self.cache.incr(key, cost)
            if give_back and count > self.num_requests:
                self.cache.decr(key, cost)
        except Exception as error:
            # A cache that is down must not refuse every client: count nothing.
            logger.warning("Throttle cache unavailable, request let through: %r", error)
            return True
        return count <= self.num_requests

    def wait(self):
        return max(1, math.ceil(self.window_end - self.now))


class AnonRateThrottle(WindowCounter, throttling.AnonRateThrottle):
    """Anonymous clients, by address (see NUM_PROXIES)."""


class UserRateThrottle(WindowCounter, throttling.UserRateThrottle):
    """Signed-in clients, by user."""
