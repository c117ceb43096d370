"""A replica of docket's active restrictions inside the platform's own process.

    replica = RestrictionReplica("https://docket.example.org", token)
    replica.start()                     # snapshot, then follow the feed in a thread
    if not replica.is_visible("post-81723", "KZ", author_id="aidos_k"):
        ...                             # show the withheld notice instead

It bootstraps from ``GET /api/v1/restrictions/snapshot``, then long-polls
``GET /api/v1/restrictions/changes?after=CURSOR``; when docket is unreachable it
retries with exponential backoff and carries on from the last cursor it applied,
so it neither loses nor repeats a change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson

from docket.enforcement.index import RestrictionIndex, Verdict

log = logging.getLogger("docket.client")


class RestrictionReplica:
    def __init__(self, base_url: str, token: str, *, unknown_country: str = "fail_closed",
                 wait: float = 20.0, max_backoff: float = 30.0,
                 transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.index = RestrictionIndex(unknown_country=unknown_country, clock=clock)
        # The hot path, bound once: no extra call layer per check.
        self.is_visible = self.index.is_visible
        self.wait, self.max_backoff = wait, max_backoff
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers={"Authorization": f"Bearer {token}"},
                                  timeout=httpx.Timeout(wait + 15, connect=5), transport=transport)
        self._stop = threading.Event()
        self.ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.errors = 0

    # ------------------------------------------------------------ lifecycle
    def start(self, *, block: bool = True, timeout: float = 60.0) -> RestrictionReplica:
        """Start following in a background thread; with ``block``, wait for the snapshot."""
        self._thread = threading.Thread(target=self._run, name="docket-replica", daemon=True)
        self._thread.start()
        if block and not self.ready.wait(timeout):
            raise TimeoutError("the replica could not load docket's snapshot in time")
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.wait + 20)
        self._http.close()

    def __enter__(self) -> RestrictionReplica:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------ reading
    @property
    def cursor(self) -> int:
        return self.index.cursor

    def check(self, content_id: str, country: str | None, author_id: str | None = None) -> Verdict:
        """The full verdict: visible, where withheld, which notice kind."""
        return self.index.check(content_id, country, author_id)

    def wait_for(self, cursor: int, timeout: float = 5.0) -> bool:
        """Block until the replica has applied the change at ``cursor``."""
        return self.index.wait_past(cursor - 1, timeout)

    # ------------------------------------------------------------ following
    def bootstrap(self) -> int:
        """Load the snapshot; return the number of restrictions."""
        with self._http.stream("GET", "/api/v1/restrictions/snapshot") as response:
            response.raise_for_status()
            lines = response.iter_lines()
            head = orjson.loads(next(lines))
            rows = (orjson.loads(line) for line in lines if line)
            return self.index.load(rows, head["cursor"])

    def poll(self) -> int:
        """Fetch and apply the next page of changes (long-polling); return how many."""
        response = self._http.get("/api/v1/restrictions/changes",
                                  params={"after": self.index.cursor, "wait": self.wait, "limit": 1000})
        response.raise_for_status()
        changes = orjson.loads(response.content)["changes"]
        for change in changes:
            self.index.apply(change)
        return len(changes)

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                if not self.ready.is_set():
                    count = self.bootstrap()
                    log.info("replica loaded %d restrictions at cursor %d", count, self.index.cursor)
                    self.ready.set()
                self.poll()
                backoff = 0.5
            except (httpx.HTTPError, orjson.JSONDecodeError, KeyError, StopIteration) as exc:
                self.errors += 1
                log.warning("docket unreachable (%s); retrying in %.1f s", exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
