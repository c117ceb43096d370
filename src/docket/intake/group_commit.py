"""Group commit for intake on SQLite: the requests of many API calls stored in one
transaction, each call answered once that transaction is durable.

SQLite has one writer at a time. Storing a request alone is a short transaction (BEGIN,
three INSERTs, the audit append, COMMIT), but under load its writer must get the
interpreter lock back after every statement, while other calls hold it: the write lock
was held three times as long as the work took, and requests queued behind it. Here one
thread writes for everyone: it takes whatever requests are waiting (up to ``max_batch``)
and stores them together with multi-row INSERTs, their events appended in order, in one
transaction. Each call still gets its 201 only after the COMMIT that holds its request,
its items, its acknowledgement and its event.

If the database refuses the batch, each request is stored again on its own, so a request
that cannot be stored fails alone and the others are stored as if sent one by one.
PostgreSQL needs none of this: intake writes there in one statement and the server
commits many transactions at once on its own (see ``db.one_round_trip``).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future

from sqlalchemy.orm import Session, sessionmaker

from docket.db import transaction
from docket.intake import submission

log = logging.getLogger("docket.intake")

_STOP = object()


class GroupCommit:
    """One writer thread storing prepared requests in shared transactions."""

    def __init__(self, factory: sessionmaker[Session], *, max_batch: int = 64,
                 timeout: float = 60.0) -> None:
        self.factory, self.max_batch, self.timeout = factory, max_batch, timeout
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.batches = 0  # transactions committed (for tests and the curious)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="docket-intake-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Store what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=self.timeout)
            self._thread = None

    def store(self, prepared: Sequence[submission.Prepared]) -> None:
        """Store ``prepared`` (their requests, items, acknowledgements and events); return
        once they are committed, with their ids set in their values. Raises what storing
        one raised."""
        if self._thread is None or not self._thread.is_alive():
            raise RuntimeError("the intake writer is not running")
        for done in [self.submit(one) for one in prepared]:  # all queued, then waited for
            done.result(timeout=self.timeout)

    def submit(self, prepared: submission.Prepared) -> Future[None]:
        """Queue ``prepared``; the future is done once it is committed (or refused)."""
        done: Future[None] = Future()
        self._queue.put((prepared, done))
        return done

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch: list[tuple[submission.Prepared, Future[None]]] = []
            stopping = first is _STOP
            if not stopping:
                batch.append(first)  # type: ignore[arg-type]
            while len(batch) < self.max_batch:  # whatever else is waiting now
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stopping = True
                    continue
                batch.append(more)  # type: ignore[arg-type]
            if batch:
                self._write(batch)
            if stopping and self._queue.empty():
                return

    def _write(self, batch: list[tuple[submission.Prepared, Future[None]]]) -> None:
        try:
            self._commit([prepared for prepared, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            log.warning("a group of %d requests could not be stored together; storing each alone",
                        len(batch), exc_info=True)
            for prepared, done in batch:
                _forget_ids(prepared)
                try:
                    self._commit([prepared])
                except Exception as alone:  # this request alone: its caller gets the error
                    done.set_exception(alone)
                else:
                    done.set_result(None)
            return
        for _, done in batch:
            done.set_result(None)

    def _commit(self, prepared: list[submission.Prepared]) -> None:
        with transaction(self.factory) as session:
            submission.submit_many(session=session, prepared=prepared)
        self.batches += 1


def _forget_ids(prepared: submission.Prepared) -> None:
    """Undo the ids a rolled-back attempt set, so that the next one inserts afresh."""
    prepared.values.pop("id", None)
    for values in prepared.item_values:
        values.pop("id", None)
        values.pop("request_id", None)
