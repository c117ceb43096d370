"""Per-token rate limits: a token bucket per caller, the same numbers for every caller of a kind.

The buckets live in the process; with N processes behind a balancer a caller
gets up to N times the rate (see docs/operations.md).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

from docket.errors import RateLimited


class RateLimiter:
    """Allow ``per_minute`` calls a minute per key, with bursts up to a minute's worth."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key: str, per_minute: int) -> None:
        """Take one call from ``key``'s bucket, or raise a 429 with Retry-After."""
        rate = per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = max(1, math.ceil((1.0 - tokens) / rate))
                raise RateLimited(
                    f"more than {per_minute} calls a minute; try again in {wait} s",
                    headers={"Retry-After": str(wait)},
                )
            self._buckets[key] = (tokens - 1.0, now)
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
