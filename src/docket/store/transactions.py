"""Units of work: one that commits or rolls back, and reads in a transaction of their own.

Code outside the store opens sessions only through these (and the API's per-call session,
``docket.deps.get_db``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from docket.store.types import READONLY


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def begin_readonly(session: Session) -> Session:
    """Start ``session``'s transaction as a read: on SQLite a deferred BEGIN that takes
    no write lock (WAL readers never block writers). Call before the first query."""
    session.connection(execution_options=READONLY)
    return session


@contextmanager
def read_only(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Reads in a read-only transaction of their own (:func:`begin_readonly`), ended when
    the block ends: for a route that reads before it writes, so the write transaction
    (on SQLite the one writer) holds its locks only to store."""
    with factory() as session:
        yield begin_readonly(session)


@contextmanager
def own_connection(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session on a connection held until the block ends, for many short transactions
    in a row (a worker marking each message as it goes) without a trip to the pool each
    time. The caller commits each one."""
    with factory() as probe:
        engine = probe.get_bind()
    assert isinstance(engine, Engine)
    with engine.connect() as connection, factory(bind=connection) as session:
        yield session
