"""A clock tests move by hand, for the lifetimes ``docket.clock.Clock`` decides: advance it
past a limit instead of sleeping until the limit passes."""

from __future__ import annotations

import datetime as dt
import threading

from docket.clock import Clock


class FakeClock(Clock):
    """Starts at the real time now (so rows written with the real clock compare sensibly)
    and moves only when told to; ``now()`` and ``monotonic()`` move together."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime.now(dt.UTC)
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def advance(self, seconds: float = 0, **delta: float) -> None:
        """Move on by ``seconds`` (or a timedelta's keywords: ``minutes=5``)."""
        step = dt.timedelta(seconds=seconds, **delta)
        with self._lock:
            self._now += step
            self._elapsed += step.total_seconds()
