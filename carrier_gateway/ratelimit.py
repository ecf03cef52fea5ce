"""Per-enterprise token buckets, so one OEM cannot starve the others.

The limit holds for the whole service, however many `carrier serve` processes share the
database: each process refills its buckets at ``rate * share`` up to ``burst * share``,
where ``share`` is its fraction of the live processes (carrier_gateway.fleet: 1/N, and 0
while it joins or while its heartbeat is failing). The shares never add up to more than
1, so over any window of T seconds an enterprise gets at most ``rate * T + burst``
requests through all processes together (a bucket holds at least one request, so with a
burst below the number of processes, at most one per process). Nothing is read from the
database per request. The price: a process admits only its own share, so a balancer that
sends all of an enterprise's requests to one process of N gives it about rate/N.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(self, rate_per_second: float, burst: int, *, share: Callable[[], float] = lambda: 1.0,
                 unshared_wait: float = 1.0) -> None:
        """``share()``: this process's fraction of the limit; while it is 0 every request
        waits ``unshared_wait`` seconds (until the next heartbeat may give a share)."""
        self.rate = rate_per_second
        self.burst = max(burst, 1)
        self._share = share
        self._unshared_wait = unshared_wait
        #: key -> (tokens, when counted, the refill rate then)
        self._buckets: dict[int, tuple[float, float, float]] = {}

    def take(self, key: int, cost: float = 1.0, *, now: float | None = None) -> float | None:
        """Spend ``cost`` tokens; None if allowed, else the seconds to wait before retrying."""
        if self.rate <= 0:
            return None
        share = self._share()
        if share <= 0:
            return self._unshared_wait
        rate, cap = self.rate * share, max(self.burst * share, cost)
        now = time.monotonic() if now is None else now
        tokens, last, last_rate = self._buckets.get(key, (cap, now, rate))
        # Refill at the lower of the rates before and now: a share that just grew must not
        # be credited for the time another process still held part of the limit.
        tokens = min(cap, tokens + (now - last) * min(rate, last_rate))
        if tokens >= cost:
            self._buckets[key] = (tokens - cost, now, rate)
            return None
        self._buckets[key] = (tokens, now, rate)
        return (cost - tokens) / rate


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
