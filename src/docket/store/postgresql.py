"""The PostgreSQL backend: many processes on one server, so a write travels in as few round
trips as it can: ids taken from the sequences in blocks, a request's writes and its audit
append sent as one statement that commits on its own, large batches by COPY."""

from __future__ import annotations

import datetime as dt
import functools
import select as io_select
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import (
    JSON,
    ColumnElement,
    Float,
    Select,
    Table,
    TextClause,
    cast,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Subquery

from docket import runtime
from docket.store import limits
from docket.store.driver import driver_error
from docket.store.group_commit import GroupCommit
from docket.store.types import UTCDateTime, json_text, json_value

_VALUES_ROWS = 20  # up to this many rows one INSERT is quicker than a COPY
_MAX_PARAMETERS = 65535  # PostgreSQL's limit for one statement
_ID_BLOCK = 500  # ids taken from a sequence at a time
_COLLECTED = "docket.store.collected"  # in Session.info: the statements write_and_commit sends as one
_APPEND = "SELECT docket_audit_append(%s, %s::json)"


class PostgreSQLBackend:
    """Reads outside transactions, writes in one statement, ids in blocks, the audit
    append inside the server (``docket_audit_append``), advisory locks for report cases."""

    name = "postgresql"
    one_writer = False
    appends_events_in_database = True
    mark = "%s"  # the driver's placeholder

    def create_engine(self, url: str, **kwargs: Any) -> Engine:
        engine = create_engine(
            url,
            json_serializer=json_text,
            json_deserializer=json_value,
            # No pre-ping: it costs a round trip on every checkout. _drop_closed (below) finds
            # the connections the server closed without one.
            pool_recycle=1800,
            # More connections than requests allowed in flight (DOCKET_MAX_CONCURRENT_REQUESTS)
            # plus the feed follower and the jobs: a request never waits for a connection
            # while holding the thread another request needs.
            pool_size=kwargs.pop("pool_size", 20),
            max_overflow=kwargs.pop("max_overflow", 20),
            **kwargs,
        )
        event.listen(engine, "checkout", _drop_closed)
        return engine

    # ---------------------------------------------------------------- transactions
    def begin_reads(self, session: Session) -> None:
        """Outside any transaction: saves the BEGIN and ROLLBACK round trips and sees what a
        READ COMMITTED transaction would see."""
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    def snapshot_options(self) -> dict[str, Any]:
        return {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}

    @contextmanager
    def write_and_commit(self, session: Session) -> Iterator[None]:
        """When the block starts the session's transaction, its statements are collected
        and sent at the end as one (:func:`docket.store.write_and_commit`)."""
        if session.in_transaction():
            yield
            session.commit()
            return
        # Autocommit: one statement is its own transaction, with no BEGIN or COMMIT to send.
        connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        raw = connection.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        statements: list[tuple[str, tuple[Any, ...]]] = []
        session.info[_COLLECTED] = statements
        try:
            yield
        finally:
            del session.info[_COLLECTED]
        if statements:
            sql, params = _one_statement(statements)
            try:
                if len(params) <= _MAX_PARAMETERS:
                    # With $n placeholders numbered once per shape of statement: psycopg would
                    # otherwise parse the whole statement for its %s on every call.
                    with psycopg.RawCursor(raw) as cursor:
                        cursor.execute(_numbered(sql), params)
                else:  # too large for one statement: the same writes in one transaction
                    with raw.transaction():
                        for one, values in statements:
                            raw.execute(one, values)
            except psycopg.Error as exc:
                raise driver_error(connection, sql, params, exc) from exc
        session.commit()  # the server has committed; this ends the session's transaction

    def collecting(self, session: Session) -> bool:
        return _COLLECTED in session.info

    def group_commit(self, factory: sessionmaker[Session], write: Callable[[Session, list[Any]], None],
                     forget: Callable[[Any], None]) -> GroupCommit[Any] | None:
        """None: intake writes in one statement, and the server commits many at once."""
        return None

    def lock_keys(self, session: Session, keys: Sequence[str]) -> None:
        """Transaction-level advisory locks on ``keys``, in one statement, taken in hash order
        so two transactions never wait on each other in a cycle."""
        if not keys:
            return
        session.execute(text(
            "SELECT count(pg_advisory_xact_lock(h)) FROM "
            "(SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(CAST(:keys AS text[])) AS k "
            "ORDER BY h) AS ordered"
        ), {"keys": list(keys)})

    def append_events(self, session: Session, at: dt.datetime, events: str) -> None:
        """One call of ``docket_audit_append(at, events)`` (migration 0011), which holds the
        head's row lock from its first line to the commit: no round trip to Python happens
        under it. Inside :func:`write_and_commit` it is sent with the other writes."""
        params = (at, events)
        deferred: list[tuple[str, tuple[Any, ...]]] | None = session.info.get(_COLLECTED)
        if deferred is not None:
            deferred.append((_APPEND, params))
            return
        connection = session.connection()
        with connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            try:
                cursor.execute(_APPEND, params)
            except psycopg.Error as exc:  # as SQLAlchemy would raise it
                raise driver_error(connection, _APPEND, params, exc) from exc

    # ---------------------------------------------------------------- rows
    def converter(self, type_: Any) -> Callable[[Any], Any] | None:
        if isinstance(type_, UTCDateTime):
            return _aware
        if isinstance(type_, JSON):
            return json_text
        return None

    def insert(self, session: Session, connection: Connection, table: Table, columns: list[str],
               values: list[list[Any]], returning: bool) -> list[int]:
        """Inside :func:`write_and_commit`: INSERTs sent with the block's other writes. Else a
        few rows: one INSERT … VALUES … RETURNING id; more: COPY (psycopg writes the rows in
        C), with the ids, when wanted, taken from the table's sequence first."""
        deferred: list[tuple[str, tuple[Any, ...]]] | None = session.info.get(_COLLECTED)
        if deferred is not None:
            deferred += _inserts(connection, table, columns, values)
            return []
        quote = connection.dialect.identifier_preparer.quote
        raw = connection.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        count = len(values[0])
        if count <= _VALUES_ROWS:
            [(sql, params)] = _inserts(connection, table, columns, values)
            sql += " RETURNING id" if returning else ""
            with raw.cursor() as cursor:
                try:
                    cursor.execute(sql, params)
                except psycopg.Error as exc:  # as SQLAlchemy would raise it
                    raise driver_error(connection, sql, params, exc) from exc
                return sorted(row[0] for row in cursor.fetchall()) if returning else []
        taken: list[int] = []
        if returning:
            sequence = _sequence(connection, table)
            taken = [row[0] for row in connection.exec_driver_sql(
                "SELECT nextval(%s) FROM generate_series(1, %s)", (sequence, count))]
            taken.sort()
            columns, values = ["id", *columns], [taken, *values]
        names = ", ".join(quote(c) for c in columns)
        statement = f"COPY {quote(table.name)} ({names}) FROM STDIN"
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in zip(*values, strict=True):
                    copy.write_row(row)
        except psycopg.Error as exc:
            raise driver_error(connection, statement, None, exc) from exc
        return taken

    def take_ids(self, session: Session, wanted: Sequence[tuple[Table, int]]) -> list[list[int]] | None:
        """From the application's blocks (its runtime's), refilled ``_ID_BLOCK`` at a time
        (:func:`docket.store.take_ids`)."""
        connection = session.connection()
        state = runtime.of(session)
        free, lock = state.free_ids, state.free_ids_lock
        while True:
            with lock:
                short = [(table, n) for table, n in wanted if len(free.setdefault(table.name, deque())) < n]
                if not short:
                    return [[free[table.name].popleft() for _ in range(n)] for table, n in wanted]
            # Outside the lock: another thread may fill (or drain) the block meanwhile; the
            # loop takes what it needs once there is enough.
            sizes = [max(n, _ID_BLOCK) for _, n in short]
            sql = "SELECT " + ", ".join(["ARRAY(SELECT nextval(%s) FROM generate_series(1, %s))"] * len(short))
            params = tuple(x for (table, _), size in zip(short, sizes, strict=True)
                           for x in (_sequence(connection, table), size))
            blocks = connection.exec_driver_sql(sql, params).one()
            with lock:
                for (table, _), ids in zip(short, blocks, strict=True):
                    # Sorted with what is left: two threads may have refilled at once.
                    free[table.name] = deque(sorted([*free[table.name], *ids]))

    # ---------------------------------------------------------------- aggregates
    def seconds_between(self, start: Any, end: Any) -> ColumnElement[float]:
        # As double precision: EXTRACT gives numeric, several times slower to sort and sum.
        return cast(func.extract("epoch", end - start), Float)

    def month_of(self, column: Any) -> ColumnElement[str]:
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")

    def medians(self, inner: Subquery, keys: Sequence[str]) -> Select[Any]:
        """``percentile_cont(0.5)`` per group."""
        part = [inner.c[k] for k in keys]
        return (select(*part, func.percentile_cont(0.5).within_group(inner.c.d))
                .where(inner.c.d.is_not(None)).group_by(*part))

    def from_index(self, table: str, index: str) -> str:
        return table  # PostgreSQL weighs the ORDER BY … LIMIT itself

    def set_work_mem(self, session: Session, size: str) -> None:
        """More memory for this transaction's sorts and groups (``SET LOCAL work_mem``)."""
        session.execute(text(f"SET LOCAL work_mem = '{size}'"))

    # ---------------------------------------------------------------- rate limits
    def limits_engine(self, engine: Engine, table: Table) -> tuple[Engine, bool]:
        """The buckets in docket's own database, each take its own transaction."""
        return engine.execution_options(isolation_level="AUTOCOMMIT"), False

    def take_calls(self) -> TextClause:
        return text(limits.TAKE_POSTGRESQL)


def _drop_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled PostgreSQL connection that the server has closed, so that the pool
    connects anew instead of failing the call that gets it.

    A server that ends a connection (a restart, pg_terminate_backend, an idle timeout)
    sends an error and closes the socket, so an idle connection with something to read is
    one it has given up on: seeing that is one poll of the socket, with no round trip
    (pre-ping would cost one on every checkout of the hot intake path). A connection lost
    without a word (a dead host) still fails its next call, which is answered 503
    (docket.errors) and that connection replaced."""
    if dbapi_connection.closed or dbapi_connection.broken or _readable(dbapi_connection.fileno()):
        raise sa_exc.DisconnectionError("the server closed this pooled connection")


def _readable(fd: int) -> bool:
    try:
        if hasattr(io_select, "poll"):
            poller = io_select.poll()
            poller.register(fd, io_select.POLLIN)
            return bool(poller.poll(0))
        return bool(io_select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True


_WRITES = ("INSERT ", "UPDATE ", "DELETE ")


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """``sql`` with its ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``, … (the statements
    combined here are docket's own, with no other ``%`` in them)."""
    if "%%" in sql:
        raise ValueError("a combined statement may not contain an escaped %")
    head, *rest = sql.split("%s")
    return head + "".join(f"${number}{part}" for number, part in enumerate(rest, start=1))


def _one_statement(statements: list[tuple[str, tuple[Any, ...]]]) -> tuple[str, tuple[Any, ...]]:
    """``statements`` as one: each write a WITH clause, then the one SELECT among them (the
    audit append) or ``SELECT 1``. The order of the statements does not matter: PostgreSQL
    runs every data-modifying WITH clause exactly once, all on the same snapshot, and
    checks foreign keys at the end of the statement (an item may name the request that a
    sibling clause inserts)."""
    selects = [one for one in statements if one[0].startswith("SELECT ")]
    writes = [one for one in statements if not one[0].startswith("SELECT ")]
    if len(selects) > 1 or not all(sql.startswith(_WRITES) for sql, _ in writes):
        raise ValueError("write_and_commit combines writes (INSERT, UPDATE, DELETE) and at most "
                         f"one SELECT, not: {[sql[:30] for sql, _ in statements]}")
    main = selects[0] if selects else ("SELECT 1", ())
    if not writes:
        return main
    clauses = ", ".join(f"w{number} AS ({sql})" for number, (sql, _) in enumerate(writes))
    return (f"WITH {clauses} {main[0]}",
            tuple(v for _, values in [*writes, main] for v in values))


def _inserts(connection: Connection, table: Table, columns: list[str],
             values: list[list[Any]]) -> list[tuple[str, tuple[Any, ...]]]:
    """``INSERT … VALUES`` statements for the rows, each within PostgreSQL's parameter limit."""
    rows = list(zip(*values, strict=True))
    per_statement = max(1, _MAX_PARAMETERS // len(columns))
    preparer = connection.dialect.identifier_preparer  # one per engine: a stable cache key
    return [(_values_sql(preparer, table.name, tuple(columns), len(chunk)),
             tuple(v for row in chunk for v in row))
            for chunk in (rows[start:start + per_statement]
                          for start in range(0, len(rows), per_statement))]


@functools.lru_cache(maxsize=512)
def _values_sql(preparer: Any, table: str, columns: tuple[str, ...], count: int) -> str:
    quote = preparer.quote
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES {', '.join([one] * count)}")


_SEQUENCES: dict[str, str] = {}


def _sequence(connection: Connection, table: Table) -> str:
    """The sequence behind ``table.id`` (a SERIAL column's, as the migrations make it)."""
    name = _SEQUENCES.get(table.name)
    if name is None:
        name = _SEQUENCES[table.name] = str(connection.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%s, 'id')", (table.name,)).scalar_one())
    return name


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value
