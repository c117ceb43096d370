"""The clock that decides lifetimes: how long a session, a cached token, a sign-in block or
an outbox lease lasts.

One object, built at start-up and held by the app (``app.state.clock``) and the outbox
worker, so that whoever builds them can pass another: tests pass a clock they move by
hand (``tests/clock.py``) instead of sleeping. Code that decides whether something has
expired asks this clock, never ``datetime.now()`` or ``time.monotonic()`` directly."""

from __future__ import annotations

import datetime as dt
import time


class Clock:
    """The real clock: ``now()`` for timestamps that are stored or compared with stored
    ones (timezone-aware UTC), ``monotonic()`` for lifetimes kept only in memory."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()


SYSTEM = Clock()
