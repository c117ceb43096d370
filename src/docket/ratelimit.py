"""Rate limits that hold across every process and node of a deployment.

Each limit is a token bucket per key ("token:12", "anon:…", "anon-new-cases"): up to
``per_minute`` calls at once, refilled at ``per_minute`` a minute. The buckets live in the
database every node shares, as GCRA (one "theoretical arrival time" per key), and one
statement both reads and moves a bucket, so two nodes can never both take its last call:

- PostgreSQL: the ``rate_limits`` table of docket's database, written in autocommit (a
  one-statement transaction, its row lock held for that statement only);
- SQLite: the table in a file of its own beside the database (``docket.db-limits``), so
  a limit never waits on the database's one writer (nor deadlocks with a call that holds
  it) and its commits need no fsync: losing the buckets in a power cut is harmless.

So that a busy caller does not cost a database write per call, each process takes calls
from a bucket in leases: first one call, then twice as many each time a lease is used up
within a second, up to a twentieth of the limit (at most 100); what a lease did not use
goes back to the bucket with the next lease. Every call a process lets through was taken
from the shared bucket, so the limit holds exactly across all nodes: a caller spread over
N nodes gets no more than ``per_minute`` a minute (at worst a little less, for calls
leased by one node and left unused until that lease expires). A caller over its limit is
refused from memory until the bucket has a call again (at most a second), so hammering
costs the database nothing more.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, String, Table
from sqlalchemy.engine import Engine

from docket.errors import RateLimited
from docket.store import Base, backend_for

WINDOW = 60.0  # a bucket holds a minute's worth of calls
LEASE_SECONDS = 1.0
MAX_LEASE = 100

# The same table in docket's database (PostgreSQL) and in SQLite's side file.
rate_limits = Table(
    "rate_limits", Base.metadata,
    Column("key", String(200), primary_key=True),
    # When the bucket would be full again, in seconds since the epoch (GCRA's TAT).
    Column("tat", Float, nullable=False),
    # How many calls the last statement took (what RETURNING reports).
    Column("granted", Integer, nullable=False, server_default="0"),
)

class LimitStore:
    """The shared buckets: take calls from one, give unused ones back."""

    def __init__(self, engine: Engine) -> None:
        # The buckets' engine (SQLite: a side file, ours to dispose of) and the one
        # statement that takes from a bucket, both the store backend's.
        backend = backend_for(engine)
        self.engine, self._owned = backend.limits_engine(engine, rate_limits)
        self._sql = backend.take_calls()

    def take(self, key: str, per_minute: int, want: int, back: int = 0,
             now: float | None = None) -> tuple[int, float]:
        """Take up to ``want`` calls from ``key``'s bucket (after giving ``back`` unused
        ones back); returns how many were taken and, when none, the seconds until one is."""
        now = time.time() if now is None else now
        t = WINDOW / per_minute
        with self.engine.begin() as conn:
            tat, granted = conn.execute(self._sql, {
                "key": key, "now": now, "want": want, "back": back, "t": t, "window": WINDOW,
                "capacity": per_minute}).one()
        return int(granted), 0.0 if granted else max(0.0, tat + t - now - WINDOW)

    def reset(self) -> None:
        """Forget every bucket (tests; an operator after changing the limits)."""
        with self.engine.begin() as conn:
            conn.execute(rate_limits.delete())

    def forget_idle(self, now: float | None = None) -> int:
        """Delete the buckets that are full again (they hold nothing a new row would not)."""
        with self.engine.begin() as conn:
            return int(conn.execute(rate_limits.delete().where(
                rate_limits.c.tat < (time.time() if now is None else now))).rowcount)

    def dispose(self) -> None:
        if self._owned:
            self.engine.dispose()


@dataclass
class _Lease:
    left: int  # calls taken from the bucket and not used yet
    size: int  # how many this lease took
    until: float  # when unused calls stop being handed out (monotonic clock)
    refused_until: float = 0.0  # the bucket was empty: refuse here until then, unasked


class RateLimiter:
    """Allow ``per_minute`` calls a minute per key, across every process that shares the
    store (see the module's docstring)."""

    def __init__(self, store: LimitStore, max_keys: int = 100_000) -> None:
        self.store = store
        self._leases: OrderedDict[str, _Lease] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key: str, per_minute: int) -> None:
        """Take one call from ``key``'s bucket, or raise a 429 with Retry-After."""
        wait = self.wait(key, per_minute)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise RateLimited(f"more than {per_minute} calls a minute; try again in {seconds} s",
                              headers={"Retry-After": str(seconds)})

    def wait(self, key: str, per_minute: int) -> float | None:
        """Take one call from ``key``'s bucket: None when taken, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            lease = self._leases.get(key)
            if lease is not None:
                if lease.refused_until > now:  # a caller over its limit costs no statement
                    return lease.refused_until - now
                if lease.left > 0 and lease.until > now:
                    lease.left -= 1
                    return None
            previous = self._leases.pop(key, None)
        size, back = self._next_size(previous, per_minute, now)
        granted, retry = self.store.take(key, per_minute, size, back)
        with self._lock:
            if granted:
                self._leases[key] = _Lease(left=granted - 1, size=granted, until=now + LEASE_SECONDS)
            else:  # ask the bucket again when it has a call, or in a second at the latest
                self._leases[key] = _Lease(left=0, size=1, until=now,
                                           refused_until=now + min(retry, LEASE_SECONDS))
            while len(self._leases) > self._max_keys:
                self._leases.popitem(last=False)
        return None if granted else retry

    @staticmethod
    def _next_size(previous: _Lease | None, per_minute: int, now: float) -> tuple[int, int]:
        """The next lease's size, and the calls of the last one to give back."""
        cap = max(1, min(MAX_LEASE, per_minute // 20))
        if previous is None:
            return 1, 0
        back = max(0, previous.left)
        if back == 0 and previous.until > now:  # used up in time: a busy caller
            return min(cap, previous.size * 2), 0
        return max(1, min(cap, previous.size - back)), back
