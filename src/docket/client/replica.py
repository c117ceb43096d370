"""A replica of docket's active restrictions inside the platform's own process.

    replica = RestrictionReplica("https://docket.example.org", token)
    replica.start()                     # snapshot, then follow the feed in a thread
    if not replica.is_visible("post-81723", "KZ", author_id="aidos_k"):
        ...                             # show the withheld notice instead

It bootstraps from ``GET /api/v1/restrictions/snapshot``, then long-polls
``GET /api/v1/restrictions/changes?after=CURSOR``; when docket is unreachable it
retries with exponential backoff and carries on from the last cursor it applied,
so it neither loses nor repeats a change.

It keeps the restricted bank too (docket.matching.bank: the fingerprints of restricted
content, with each restriction's scope), so a platform checks an upload for copies
without a network call:

    for match in replica.match(image=upload_bytes, country="KZ"):
        ...                             # match.content_id, match.scope, match.applies

The bank comes from ``GET /api/v1/match/bank/snapshot`` after the restrictions' snapshot,
and follows the same feed: a restriction that starts brings its fingerprints
(``GET /api/v1/match/bank?restriction_id=…``, once per page of changes), one that ends
takes them out.
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
from docket.matching import fingerprints as fp
from docket.matching.bank import DEFAULT_PDQ_QUALITY, Bank, Match, fingerprints_of
from docket.matching.index import DEFAULT_PDQ_DISTANCE, DEFAULT_TEXT_SIMILARITY

log = logging.getLogger("docket.client")


class RestrictionReplica:
    def __init__(self, base_url: str, token: str, *, unknown_country: str = "fail_closed",
                 wait: float = 20.0, max_backoff: float = 30.0,
                 transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], float] = time.time, pdq_distance: int = DEFAULT_PDQ_DISTANCE,
                 pdq_quality: int = DEFAULT_PDQ_QUALITY, text_similarity: float = DEFAULT_TEXT_SIMILARITY) -> None:
        self.index = RestrictionIndex(unknown_country=unknown_country, clock=clock)
        self.bank = Bank(pdq_distance=pdq_distance, pdq_quality=pdq_quality, text_similarity=text_similarity,
                         clock=clock)
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

    def match(self, *, image: bytes | None = None, pdq: bytes | str | None = None, pdq_quality: int | None = None,
              text: str | None = None, sha256: bytes | str | None = None,
              country: str | None = None) -> list[Match]:
        """Copies of restricted content, in-process: an image's bytes (its SHA-256 and PDQ are
        computed here), a PDQ hash (32 bytes or 64 hex digits), a SHA-256, or text. Each match
        says what it is a copy of, where that is restricted, and whether it ``applies`` in
        ``country``. A PDQ hash below the quality threshold (50) is not matched."""
        digest = bytes.fromhex(sha256) if isinstance(sha256, str) else sha256
        if image is not None:
            digest = fp.sha256(image)
            pdq, pdq_quality = fp.pdq(image)
        value = fp.pdq_from_hex(pdq) if isinstance(pdq, str) else pdq
        prints = fingerprints_of(sha256=digest, pdq=value, pdq_quality=pdq_quality, text=text)
        return self.bank.match(prints, country.upper() if country else None)

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
            count = self.index.load(rows, head["cursor"])
        # The bank's snapshot is read after the restrictions': its cursor is the same or later,
        # and the bank skips the changes it already holds.
        with self._http.stream("GET", "/api/v1/match/bank/snapshot") as response:
            response.raise_for_status()
            lines = response.iter_lines()
            head = orjson.loads(next(lines))
            self.bank.load((orjson.loads(line) for line in lines if line), head["cursor"])
        return count

    def poll(self) -> int:
        """Fetch and apply the next page of changes (long-polling); return how many."""
        response = self._http.get("/api/v1/restrictions/changes",
                                  params={"after": self.index.cursor, "wait": self.wait, "limit": 1000})
        response.raise_for_status()
        changes = orjson.loads(response.content)["changes"]
        wanted = self.bank.wanted(changes)
        rows: list[dict[str, Any]] = []
        for start in range(0, len(wanted), 500):  # the fingerprints of what starts, before anything is applied
            page = self._http.get("/api/v1/match/bank", params={"restriction_id": wanted[start:start + 500]})
            page.raise_for_status()
            rows.extend(orjson.loads(page.content)["entries"])
        self.bank.apply_all(changes, rows)
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
