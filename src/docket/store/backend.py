"""The two backends behind one interface, chosen once per engine.

Everything docket does differently on SQLite and on PostgreSQL is a method of
:class:`Backend`: how an engine is made, how reads and writes travel, the audit append,
locks, the SQL functions the aggregates need, where the rate limits live. The application
picks its backend when it is built (:func:`docket.store.make_sessionmaker` puts it in the
runtime its sessions carry), and code reaches it with :func:`backend_of` from the session
it is given: no code outside the store asks which database it runs on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, Table, TextClause
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Subquery

from docket import runtime
from docket.store.group_commit import GroupCommit
from docket.store.postgresql import PostgreSQLBackend
from docket.store.sqlite import SQLiteBackend


class Backend(Protocol):
    """What differs between the engines docket runs on."""

    name: str  # the dialect's name, for messages and keys of caches
    one_writer: bool  # the database serializes writers (no locks of docket's own needed)
    appends_events_in_database: bool  # the audit append runs inside the server (append_events)
    mark: str  # the driver's placeholder

    def create_engine(self, url: str, **kwargs: Any) -> Engine: ...

    def begin_reads(self, session: Session) -> None:
        """Prepare ``session`` for a few independent one-statement reads."""

    def snapshot_options(self) -> dict[str, Any]:
        """Execution options of a read transaction that sees one consistent snapshot."""

    def write_and_commit(self, session: Session) -> AbstractContextManager[None]:
        """Write the block's statements and commit them, in as few round trips as can be."""

    def collecting(self, session: Session) -> bool:
        """Whether ``session`` is inside :meth:`write_and_commit` collecting statements."""

    def group_commit(self, factory: sessionmaker[Session], write: Callable[[Session, list[Any]], None],
                     forget: Callable[[Any], None]) -> GroupCommit[Any] | None:
        """A writer thread committing many calls' writes together, where that pays."""

    def lock_keys(self, session: Session, keys: Sequence[str]) -> None:
        """Serialize transactions that name the same keys, until this one ends."""

    def append_events(self, session: Session, at: dt.datetime, events: str) -> None:
        """Append audit events inside the server (when ``appends_events_in_database``)."""

    def converter(self, type_: Any) -> Callable[[Any], Any] | None:
        """How a value of a column of ``type_`` goes to the driver (None: as it is)."""

    def insert(self, session: Session, connection: Connection, table: Table, columns: list[str],
               values: list[list[Any]], returning: bool) -> list[int]:
        """INSERT rows given column by column; their ids if ``returning``."""

    def take_ids(self, session: Session, wanted: Sequence[tuple[Table, int]]) -> list[list[int]] | None:
        """Ids for rows not inserted yet, or None where RETURNING costs nothing."""

    def seconds_between(self, start: Any, end: Any) -> ColumnElement[float]: ...

    def month_of(self, column: Any) -> ColumnElement[str]:
        """The UTC month of a timestamp as ``YYYY-MM``."""

    def medians(self, inner: Subquery, keys: Sequence[str]) -> Select[Any]:
        """The median of ``inner``'s column ``d`` per group of ``keys``: rows (*keys, median)."""

    def from_index(self, table: str, index: str) -> str:
        """``table`` in a FROM clause, read along ``index`` where the planner needs telling."""

    def set_work_mem(self, session: Session, size: str) -> None:
        """Let this transaction's sorts use ``size`` of memory."""

    def limits_engine(self, engine: Engine, table: Table) -> tuple[Engine, bool]:
        """The engine that holds the rate limits' ``table``, and whether it is the caller's to dispose of."""

    def take_calls(self) -> TextClause:
        """The rate limiter's one statement."""


SQLITE: Backend = SQLiteBackend()
POSTGRESQL: Backend = PostgreSQLBackend()


def backend_for(engine: Engine | Connection) -> Backend:
    """The backend of ``engine``'s database."""
    return POSTGRESQL if engine.dialect.name == "postgresql" else SQLITE


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with write transactions serialized, or PostgreSQL."""
    return (SQLITE if url.startswith("sqlite") else POSTGRESQL).create_engine(url, **kwargs)


def backend_of(session: Session) -> Backend:
    """The backend the application chose (kept in its runtime); for a session made without
    one, the backend of its engine, kept in its runtime from then on."""
    state = runtime.of(session)
    found: Backend | None = state.backend
    if found is None:
        found = state.backend = backend_for(session.get_bind())
    return found
