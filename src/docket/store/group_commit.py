"""Group commit on SQLite: the writes of many calls in one transaction, each call answered
once that transaction is durable.

SQLite has one writer at a time. Storing a request alone is a short transaction (BEGIN,
three INSERTs, the audit append, COMMIT), but under load its writer must get the
interpreter lock back after every statement, while other calls hold it: the write lock
was held three times as long as the work took, and requests queued behind it. Here one
thread writes for everyone: it takes whatever is waiting (up to ``max_batch``) and hands
it to ``write`` in one transaction (intake stores the requests with multi-row INSERTs,
their events appended in order). Each call still gets its answer only after the COMMIT
that holds what it wrote.

If the database refuses the batch, each one is written again on its own (after ``forget``
undid what the failed attempt set in it), so one that cannot be stored fails alone and
the others are stored as if sent one by one. PostgreSQL needs none of this: intake writes
there in one statement and the server commits many transactions at once on its own (see
:func:`docket.store.write_and_commit`); its backend makes no group commit.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from docket.store.transactions import transaction

log = logging.getLogger("docket.intake")  # what it writes: the requests of intake

T = TypeVar("T")
_STOP = object()


class GroupCommit(Generic[T]):
    """One writer thread writing what calls queue in shared transactions."""

    def __init__(self, factory: sessionmaker[Session], write: Callable[[Session, list[T]], None],
                 forget: Callable[[T], None], *, max_batch: int = 64, timeout: float = 60.0) -> None:
        self.factory, self.max_batch, self.timeout = factory, max_batch, timeout
        self._write_many, self._forget = write, forget
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.batches = 0  # transactions committed (for tests and the curious)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="docket-intake-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=self.timeout)
            self._thread = None

    def store(self, many: Sequence[T]) -> None:
        """Write ``many``; return once they are committed. Raises what writing one raised."""
        if self._thread is None or not self._thread.is_alive():
            raise RuntimeError("the intake writer is not running")
        for done in [self.submit(one) for one in many]:  # all queued, then waited for
            done.result(timeout=self.timeout)

    def submit(self, one: T) -> Future[None]:
        """Queue ``one``; the future is done once it is committed (or refused)."""
        done: Future[None] = Future()
        self._queue.put((one, done))
        return done

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch: list[tuple[T, Future[None]]] = []
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

    def _write(self, batch: list[tuple[T, Future[None]]]) -> None:
        try:
            self._commit([one for one, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            log.warning("a group of %d writes could not be stored together; storing each alone",
                        len(batch), exc_info=True)
            for one, done in batch:
                self._forget(one)
                try:
                    self._commit([one])
                except Exception as alone:  # this one alone: its caller gets the error
                    done.set_exception(alone)
                else:
                    done.set_result(None)
            return
        for _, done in batch:
            done.set_result(None)

    def _commit(self, many: list[T]) -> None:
        with transaction(self.factory) as session:
            self._write_many(session, many)
        self.batches += 1
