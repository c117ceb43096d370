"""Keeps a process's in-memory index current: a snapshot at start, then the feed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from docket.enforcement import service
from docket.enforcement.index import RestrictionIndex
from docket.store import is_connection_lost, read_only, read_snapshot, utcnow

log = logging.getLogger("docket.enforcement")


class FeedConsumer(Protocol):
    """Something else kept by the same feed (the copies' bank, docket.matching.service):
    loaded from the index's snapshot, then given each page of changes, in order, inside
    the read that fetched them."""

    def load(self, conn: Connection, cursor: int) -> None: ...

    def apply(self, session: Session, changes: Sequence[Mapping[str, Any]]) -> None: ...


class FeedFollower:
    """Loads the index from the database, then polls the change feed.

    A commit in this process that changed the feed wakes the follower at once;
    changes made by other processes arrive within ``poll_seconds``. When the database is
    away, it logs that and tries again every ``retry_seconds``, serving the index it has
    meanwhile."""

    retry_seconds = 1.0

    def __init__(self, engine: Engine, factory: sessionmaker[Session], index: RestrictionIndex,
                 poll_seconds: float = 0.2, batch: int = 5000, consumers: Sequence[FeedConsumer] = ()) -> None:
        self.engine, self.factory, self.index = engine, factory, index
        self.consumers = list(consumers)
        self.poll_seconds, self.batch = poll_seconds, batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        event.listen(factory, "after_commit", self._after_commit)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(service.FEED_CHANGED, False):
            self._wake.set()

    def load(self) -> int:
        """Fill the index from a consistent snapshot; return the number of restrictions."""
        with read_snapshot(self.engine) as conn:
            cursor, rows = service.snapshot(conn, now=utcnow())
            count = self.index.load(rows, cursor)
            for consumer in self.consumers:
                consumer.load(conn, cursor)
        log.info("restriction index loaded: %d restrictions at cursor %d", count, cursor)
        return count

    def catch_up(self) -> int:
        """Apply every change after the index's cursor; return how many were applied."""
        applied = 0
        while True:
            with read_only(self.factory) as session:
                changes = [service.change_dict(c) for c in
                           service.changes_after(session=session, after=self.index.cursor, limit=self.batch)]
                for consumer in self.consumers:
                    consumer.apply(session, changes)
            for change in changes:
                self.index.apply(change)
            applied += len(changes)
            if len(changes) < self.batch:
                return applied

    def start(self) -> None:
        self.load()
        self._thread = threading.Thread(target=self._run, name="docket-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if event.contains(self.factory, "after_commit", self._after_commit):  # stopped twice
            event.remove(self.factory, "after_commit", self._after_commit)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            try:
                self.catch_up()
            except Exception as exc:  # the database may be away for a moment; try again
                if is_connection_lost(exc):  # expected in a fault: one line, no traceback
                    log.warning("following the restriction feed: database connection lost; "
                                "retrying in %.0f s", self.retry_seconds)
                else:
                    log.exception("following the restriction feed failed")
                self._stop.wait(self.retry_seconds)
