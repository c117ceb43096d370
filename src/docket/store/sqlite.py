"""The SQLite backend: one writer at a time, so writes queue in this process and commit in
groups; rows come back from RETURNING at no cost of a round trip."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    Select,
    Table,
    TextClause,
    and_,
    create_engine,
    event,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Subquery

from docket.store import limits
from docket.store.driver import driver_error
from docket.store.group_commit import GroupCommit
from docket.store.transactions import begin_readonly
from docket.store.types import UTCDateTime, json_text, json_value

BUSY_TIMEOUT = 30.0  # seconds a transaction waits for another process's write lock
_MAX_ROWS = 1000  # rows per statement; SQLite's variable limit may cut this further
_UTC = dt.UTC


class SQLiteBackend:
    """Writers serialized (``BEGIN IMMEDIATE`` behind an in-process lock), group commit for
    intake, the audit head kept as a hint, the rate limits in a side file."""

    name = "sqlite"
    one_writer = True  # writers are serialized already: no locks of docket's own needed
    appends_events_in_database = False
    mark = "?"  # the driver's placeholder

    def create_engine(self, url: str, **kwargs: Any) -> Engine:
        """SQLite in WAL mode with write transactions serialized."""
        engine = create_engine(
            url,
            json_serializer=json_text,
            json_deserializer=json_value,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=kwargs.pop("pool_size", 40),
            max_overflow=kwargs.pop("max_overflow", 10),
            **kwargs,
        )
        # Writers in this process queue on a lock that wakes the next one as soon as the
        # last commits; SQLite's own busy handler (still there for other processes)
        # sleeps and polls, which stretches waits to hundreds of milliseconds.
        write_lock = threading.Lock()

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, start transactions, so that every
            # transaction can be BEGIN IMMEDIATE (below).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit (and so a 201) survives a power cut, not only a crash.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A deferred transaction that reads and then writes fails with
            # SQLITE_BUSY when another writer committed in between; taking the
            # write lock up front makes concurrent writers wait their turn instead.
            # Read-only snapshots (read_snapshot) stay deferred and block nobody.
            if conn.get_execution_options().get("docket_readonly"):
                conn.exec_driver_sql("BEGIN")
                return
            if not write_lock.acquire(timeout=30):
                raise TimeoutError("another transaction in this process held the SQLite write lock for 30 s")
            conn.info["docket_write_lock"] = True
            try:
                _begin_immediate(conn.connection.driver_connection)
            except BaseException:
                conn.info.pop("docket_write_lock", None)
                write_lock.release()
                raise

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _sqlite_end(conn: Any) -> None:
            if conn.info.pop("docket_write_lock", False):
                write_lock.release()

        return engine

    # ---------------------------------------------------------------- transactions
    def begin_reads(self, session: Session) -> None:
        begin_readonly(session)

    def snapshot_options(self) -> dict[str, Any]:
        return {}  # a deferred read transaction in the WAL sees one snapshot

    @contextmanager
    def write_and_commit(self, session: Session) -> Iterator[None]:
        yield
        session.commit()

    def collecting(self, session: Session) -> bool:
        return False

    def group_commit(self, factory: sessionmaker[Session], write: Callable[[Session, list[Any]], None],
                     forget: Callable[[Any], None]) -> GroupCommit[Any] | None:
        """A writer thread committing intake's requests in groups (not started)."""
        return GroupCommit(factory, write, forget)

    def lock_keys(self, session: Session, keys: Sequence[str]) -> None:
        """Nothing: SQLite's writers are serialized already."""

    def append_events(self, session: Session, at: dt.datetime, events: str) -> None:
        raise NotImplementedError("SQLite appends audit events from Python (appends_events_in_database)")

    # ---------------------------------------------------------------- rows
    def converter(self, type_: Any) -> Callable[[Any], Any] | None:
        if isinstance(type_, UTCDateTime):
            return sqlite_datetime
        if isinstance(type_, JSON):
            return json_text
        if isinstance(type_, Date):
            return sqlite_date
        return None

    def insert(self, session: Session, connection: Connection, table: Table, columns: list[str],
               values: list[list[Any]], returning: bool) -> list[int]:
        """``INSERT … VALUES (?, …), (?, …) … RETURNING id``, one statement per chunk, on
        the driver's own cursor."""
        quote = connection.dialect.identifier_preparer.quote
        head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES "
        one = "(" + ", ".join("?" * len(columns)) + ")"
        tail = " RETURNING id" if returning else ""
        per_statement = max(1, min(_MAX_ROWS, _variable_limit(connection) // len(columns)))
        flat_rows = list(zip(*values, strict=True))
        count = len(flat_rows)
        ids: list[int] = []
        # The driver's own cursor: SQLAlchemy's execution context around each statement cost
        # as much as a small insert (docket listens to no cursor events).
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            for start in range(0, count, per_statement):
                chunk = flat_rows[start:start + per_statement]
                sql = head + ", ".join([one] * len(chunk)) + tail
                params = tuple(v for row in chunk for v in row)
                try:
                    cursor.execute(sql, params)
                except sqlite3.Error as exc:  # as SQLAlchemy would raise it (IntegrityError, ...)
                    raise driver_error(connection, sql, params, exc) from exc
                if returning:
                    ids += [row[0] for row in cursor.fetchall()]
        finally:
            cursor.close()
        return ids

    def take_ids(self, session: Session, wanted: Sequence[tuple[Table, int]]) -> list[list[int]] | None:
        return None  # RETURNING costs no round trip

    # ---------------------------------------------------------------- aggregates
    def seconds_between(self, start: Any, end: Any) -> ColumnElement[float]:
        # UTCDateTime stores naive UTC text on SQLite; julianday reads it to the millisecond.
        # Rounded to the millisecond: the day fraction is a float, and exactly one hour must
        # not come out as 3599.9999… (a bucket boundary).
        return func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3)

    def month_of(self, column: Any) -> ColumnElement[str]:
        return func.strftime("%Y-%m", column)

    def medians(self, inner: Subquery, keys: Sequence[str]) -> Select[Any]:
        """No percentile function: rank the durations within each group with window
        functions, keep the middle one or two, average (one query)."""
        part = [inner.c[k] for k in keys]
        ranked = select(
            *part, inner.c.d,
            func.row_number().over(partition_by=part or None, order_by=inner.c.d).label("rn"),
            func.count(literal_column("1")).over(partition_by=part or None).label("n"),
        ).where(inner.c.d.is_not(None)).subquery()
        rpart = [ranked.c[k] for k in keys]
        # The middle row(s): rn = (n+1)/2 for odd n; n/2 and n/2+1 for even n.
        rank, count = ranked.c.rn, ranked.c.n
        middle = and_(rank * 2 >= count, rank * 2 <= count + 2)
        return select(*rpart, func.avg(ranked.c.d)).where(middle).group_by(*rpart)

    def from_index(self, table: str, index: str) -> str:
        """``table`` pinned to ``index``: SQLite's planner would otherwise range-scan another
        index and sort every row for a LIMIT of two (seconds instead of milliseconds)."""
        return f"{table} INDEXED BY {index}"

    def set_work_mem(self, session: Session, size: str) -> None:
        """Nothing: SQLite sorts in its page cache."""

    # ---------------------------------------------------------------- rate limits
    def limits_engine(self, engine: Engine, table: Table) -> tuple[Engine, bool]:
        """The buckets in a file beside the database (owned: the caller disposes of it)."""
        return limits.side_engine(engine.url.render_as_string(hide_password=False), table), True

    def take_calls(self) -> TextClause:
        return text(limits.TAKE_SQLITE)


def _begin_immediate(raw: Any) -> None:
    """BEGIN IMMEDIATE, waiting for another process's write lock by trying every
    millisecond. SQLite's own busy handler sleeps ever longer (up to 100 ms at a time)
    and so never finds the lock free between the back-to-back transactions of a busy
    server: the outbox worker, beside ``docket serve``, starved under load."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(0.001)
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")


def _variable_limit(connection: Connection) -> int:
    """How many ``?`` one SQLite statement may have (32766 by default since 3.32)."""
    raw = connection.connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return 999  # pragma: no cover - another SQLite driver: the historical minimum


def sqlite_date(value: dt.date | None) -> str | None:
    """A ``Date`` as SQLite stores it: ``YYYY-MM-DD`` text (SQLAlchemy's format; the driver's
    own date adapter is deprecated)."""
    return None if value is None else value.isoformat()


def sqlite_datetime(value: dt.datetime | None) -> str | None:
    """A ``UTCDateTime`` as SQLite stores it: naive UTC text, always with microseconds
    (SQLAlchemy's format, which every comparison in SQL relies on)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if value.tzinfo is not _UTC:
        value = value.astimezone(_UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


