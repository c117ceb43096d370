"""A unit of work that commits or rolls back, and a transaction begun as a read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
