"""What a running docket keeps in memory between calls, in one object per application.

``create_app`` builds one and keeps it as ``app.state.runtime``; a command or worker that
runs without an application builds its own (:func:`docket.store.make_sessionmaker` does,
when given none), and the store's backend for the engine is chosen once and kept in it.
The sessionmaker hands it to every session it makes, as it hands them the engine, so the
code that needs it reaches it from the session it is given (:func:`of`): two applications
in one process (as the tests make) never share it."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

KEY = "docket.runtime"  # in Session.info, set by the sessionmaker


@dataclass(eq=False)
class Runtime:
    """The state one application keeps between calls. Each part is a speed-up whose loss
    costs only time: a fresh runtime is always correct."""

    # The store's backend for the application's engine (a docket.store.Backend; typed
    # loosely because the store imports this module), chosen once by
    # docket.store.make_sessionmaker and reached with docket.store.backend_of.
    backend: Any = None
    # Ids taken from the sequences a block at a time and not yet handed out, per table
    # (PostgreSQL; docket.store.take_ids).
    free_ids: dict[str, deque[int]] = field(default_factory=dict)
    free_ids_lock: threading.Lock = field(default_factory=threading.Lock)
    # The audit chain's head as this application last moved it (SQLite;
    # docket.audit.record_many): saves reading the head before an append.
    head_hint: tuple[int, str] | None = None
    # Catalog rows that exist, by (kind, key): (good until, on the monotonic clock; row)
    # (docket.catalog.service).
    catalog: dict[tuple[str, str], tuple[float, Any]] = field(default_factory=dict)
    # Whether what the process built before the application's first call was frozen out
    # of the cyclic garbage collector's reach (docket.deps.get_db).
    startup_frozen: bool = False
    # Stored hashes of the verifiable log's tree, by index, as read for proofs
    # (docket.audit.log_service): a stored hash never changes once written, and the hashes
    # near the root are in every proof. Emptied when full.
    log_hashes: dict[int, bytes] = field(default_factory=dict)
    # S3 clients for documents' content, by (endpoint, region) (docket.documents.bucket): a
    # client keeps its connections and credentials, and is safe to share between threads.
    s3_clients: dict[tuple[str | None, str | None], Any] = field(default_factory=dict)
    # Transparency reports of periods outside the archive as the public pages computed
    # them, by (period, the log's size they were pinned to): the same size means the same
    # events, so the same figures (docket.transparency.pages; the archive's periods are
    # stored, docket.transparency.snapshots). Emptied when full.
    transparency_reports: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    # Period reports computed in full and read as stored, by this application
    # (docket.transparency.snapshots; docket_transparency_reports_total). Counted under
    # the lock: the pages run in a thread pool.
    transparency_counts: dict[str, int] = field(default_factory=lambda: {"computed": 0, "stored": 0})
    transparency_counts_lock: threading.Lock = field(default_factory=threading.Lock)

    def count_report(self, source: str) -> None:
        """Count a period report ``computed`` in full or read ``stored``."""
        with self.transparency_counts_lock:
            self.transparency_counts[source] += 1


def of(session: Session) -> Runtime:
    """The runtime of the application (or command) whose sessionmaker made ``session``. A
    session made any other way gets one of its own, kept for its lifetime: correct, but
    without the speed-ups (no head hint, no cache, a block of ids for it alone)."""
    info = session.info
    runtime: Runtime | None = info.get(KEY)
    if runtime is None:
        runtime = info[KEY] = Runtime()
    return runtime
