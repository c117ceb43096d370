"""Sessions and the ways a unit of work reads and writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from docket.runtime import KEY as RUNTIME
from docket.runtime import Runtime
from docket.store.backend import backend_for, backend_of
from docket.store.types import READONLY


def make_sessionmaker(engine: Engine, runtime: Runtime | None = None) -> sessionmaker[Session]:
    """Sessions on ``engine`` that carry ``runtime`` (the application's; a new one if none is
    given, for a command or worker of its own), reached with :func:`docket.runtime.of`.
    The runtime's backend is chosen here, once, if it has none yet."""
    runtime = runtime if runtime is not None else Runtime()
    if runtime.backend is None:
        runtime.backend = backend_for(engine)
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True, info={RUNTIME: runtime})


def begin_reads(session: Session) -> Session:
    """Prepare ``session`` for a few independent reads, each one statement (a token, the
    content a request names): on PostgreSQL they run outside any transaction, which saves
    the BEGIN and ROLLBACK round trips and sees what a READ COMMITTED transaction would
    see; on SQLite this is :func:`docket.store.begin_readonly`. Not for reads that must agree with
    each other, nor for streaming results (server-side cursors need a transaction)."""
    backend_of(session).begin_reads(session)
    return session


@contextmanager
def independent_reads(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session of its own for a few independent one-statement reads
    (:func:`begin_reads`), closed when the block ends."""
    with factory() as session:
        yield begin_reads(session)


@contextmanager
def unbegun(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session of its own whose transaction the caller begins (a snapshot pinned to the
    audit log's size: :func:`begin_snapshot`), closed when the block ends."""
    with factory() as session:
        yield session


def write_and_commit(session: Session) -> AbstractContextManager[None]:
    """Run the writes of the block and commit them. On PostgreSQL, when the block starts
    the session's transaction, the block's statements are not sent as they come: they
    are collected and sent at the end as one statement (each a data-modifying WITH
    clause; the last may be a SELECT such as the audit append), which PostgreSQL runs
    atomically and commits on its own: one round trip, and no lock a statement takes
    waits on this process (or its GIL) before the commit. So what the block writes must
    not read a result (no RETURNING): write with :func:`docket.store.insert_rows` and
    :func:`docket.audit.record_many`, with ids taken beforehand (:func:`docket.store.take_ids`).

    Elsewhere (SQLite, or a session whose transaction has begun) the block runs in the
    session's transaction, which is committed when it ends. Either way an exception in
    the block or from the server leaves nothing written."""
    return backend_of(session).write_and_commit(session)


def collecting(session: Session) -> bool:
    """Whether ``session`` is inside :func:`write_and_commit` with its statements collected
    to be sent as one (PostgreSQL): nothing may wait for a result then."""
    return backend_of(session).collecting(session)


def begin_snapshot(session: Session) -> Session:
    """Start ``session``'s transaction as a read whose statements all see one consistent
    snapshot, taken at its first statement (REPEATABLE READ on PostgreSQL; a deferred read
    transaction in SQLite's WAL): :func:`read_snapshot` for a session. Call before the
    first query."""
    session.connection(execution_options={**READONLY, **backend_of(session).snapshot_options()})
    return session


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Any]:
    """A connection in a read-only transaction that sees one consistent snapshot
    (REPEATABLE READ on PostgreSQL; a deferred read transaction in SQLite's WAL)."""
    options: dict[str, Any] = {**READONLY, **backend_for(engine).snapshot_options()}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn

