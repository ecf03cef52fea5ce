"""Per-enterprise token buckets, so one OEM cannot starve the others.

The limit is per process: with N `carrier serve` processes behind a balancer an
enterprise gets up to N times the rate, which the balancer's spread keeps fair.
"""

from __future__ import annotations

import math
import time


class RateLimiter:
    def __init__(self, rate_per_second: float, burst: int) -> None:
        self.rate = rate_per_second
        self.burst = max(burst, 1)
        self._buckets: dict[int, tuple[float, float]] = {}

    def take(self, key: int, cost: float = 1.0, *, now: float | None = None) -> float | None:
        """Spend ``cost`` tokens; None if allowed, else the seconds to wait before retrying."""
        if self.rate <= 0:
            return None
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= cost:
            self._buckets[key] = (tokens - cost, now)
            return None
        self._buckets[key] = (tokens, now)
        return (cost - tokens) / self.rate


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
