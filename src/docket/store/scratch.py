"""A throw-away database: SQLite in a temporary folder, with some of docket's tables."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session

from docket.store.sessions import make_sessionmaker
from docket.store.transactions import transaction
from docket.store.types import Base, table


@contextmanager
def scratch_database(models: Sequence[type[Base]]) -> Iterator[Session]:
    """A session in a transaction on a new SQLite database holding ``models``' tables (their
    indexes too), deleted when the block ends. No journal and no fsync: nothing in it is
    kept; and no foreign keys, so a table can be filled without the ones it refers to."""
    with tempfile.TemporaryDirectory(prefix="docket-scratch-") as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")

        @event.listens_for(engine, "connect")
        def _throw_away(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA journal_mode=OFF")
            dbapi_connection.execute("PRAGMA synchronous=OFF")

        try:
            Base.metadata.create_all(engine, tables=[table(m) for m in models])
            with transaction(make_sessionmaker(engine)) as session:
                yield session
        finally:
            engine.dispose()
