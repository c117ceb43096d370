"""Multi-row INSERTs for the hot paths (intake, report batches, the audit chain).

SQLAlchemy's executemany runs every value of every row through its bind processors and
builds a dictionary of parameters per row; for a batch of 500 reports that was the
largest part of the batch's cost. Here each column gets one converter, chosen once per
table and engine, and the rows go to the driver in bulk:

- SQLite: ``INSERT … VALUES (?, …), (?, …) … RETURNING id``, one statement per chunk,
  on the driver's own cursor;
- PostgreSQL: up to 20 rows the same single INSERT; more by ``COPY … FROM STDIN``, which
  psycopg writes in C, with the ids taken from the table's sequence beforehand (a large
  INSERT's placeholders are parsed by psycopg in Python, and were most of the time a
  batch took there).

The values stored are exactly what SQLAlchemy stores: a ``UTCDateTime`` as naive UTC in
SQLite's text format, JSON through the engine's serializer with ``None`` as JSON null.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import JSON, Table
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

from docket import runtime
from docket.db import UTCDateTime, deferred_writes, driver_error, json_text

Converter = Callable[[Any], Any] | None
_UTC = dt.UTC
_SQLITE_MAX_ROWS = 1000  # rows per statement; SQLite's variable limit may cut this further
_POSTGRESQL_VALUES_ROWS = 20  # up to this many rows one INSERT is quicker than a COPY


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *,
                returning: bool = True) -> list[int]:
    """INSERT ``rows`` (mappings with the same keys) into ``table`` in the session's
    transaction; answer the new ids (``table.c.id``) in the order of ``rows``, or [] if
    not ``returning``.

    The ids are sorted, not matched by position in the answer: each row's id comes from
    the table's rowid or sequence as it is inserted, in the order of the statement's rows
    (SQLAlchemy's own multi-row inserts rely on the same)."""
    if not rows:
        return []
    deferred = deferred_writes(session)
    if deferred is not None and (returning or session.new or session.dirty or session.deleted):
        # Inside db.one_round_trip (PostgreSQL, autocommit): a statement sent now, a RETURNING
        # or an ORM flush, would be committed on its own, outside the block's statement.
        raise RuntimeError("inside one_round_trip, rows carry their ids (no RETURNING) and "
                           "nothing is left for the ORM to flush")
    session.flush()  # what the ORM has pending goes first, as Session.execute would do
    connection = session.connection()
    columns = list(rows[0])
    converters = _converters(table, columns, connection.dialect)
    values = [[row[c] for row in rows] for c in columns]  # one list per column
    for index, convert in enumerate(converters):
        if convert is sqlite_datetime:
            # A batch's rows mostly share a few moments (received, deadline): convert each once.
            done = {v: convert(v) for v in set(values[index])}
            values[index] = [done[v] for v in values[index]]
        elif convert is not None:
            values[index] = [convert(v) for v in values[index]]
    if connection.dialect.name == "postgresql":
        if deferred is not None:  # inside db.one_round_trip: sent with the block's other writes
            deferred += _postgresql_inserts(connection, table, columns, values)
            return []
        ids = _insert_postgresql(connection, table, columns, values, returning)
    else:
        ids = _insert_sqlite(connection, table, columns, values, len(rows), returning)
    ids.sort()
    return ids


def update_by_id(session: Session, table: Table, columns: Sequence[str],
                 rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE ``columns`` of the rows of ``table`` whose id is each row's last value, in one
    executemany, with the values as given (no converters: plain numbers, text, booleans)."""
    if not rows:
        return
    session.flush()
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote
    mark = "%s" if connection.dialect.name == "postgresql" else "?"
    sets = ", ".join(f"{quote(c)} = {mark}" for c in columns)
    connection.exec_driver_sql(f"UPDATE {quote(table.name)} SET {sets} WHERE id = {mark}",
                               [tuple(row) for row in rows])


def _insert_sqlite(connection: Connection, table: Table, columns: list[str],
                   values: list[list[Any]], count: int, returning: bool) -> list[int]:
    quote = connection.dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = "(" + ", ".join("?" * len(columns)) + ")"
    tail = " RETURNING id" if returning else ""
    per_statement = max(1, min(_SQLITE_MAX_ROWS, _variable_limit(connection) // len(columns)))
    flat_rows = list(zip(*values, strict=True))
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


def _variable_limit(connection: Connection) -> int:
    """How many ``?`` one SQLite statement may have (32766 by default since 3.32)."""
    raw = connection.connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return 999  # pragma: no cover - another SQLite driver: the historical minimum


def _insert_postgresql(connection: Connection, table: Table, columns: list[str],
                       values: list[list[Any]], returning: bool) -> list[int]:
    """A few rows: one INSERT … VALUES … RETURNING id. More: COPY (psycopg writes the rows
    in C), with the ids, when wanted, taken from the table's sequence first."""
    quote = connection.dialect.identifier_preparer.quote
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    count = len(values[0])
    if count <= _POSTGRESQL_VALUES_ROWS:
        [(sql, params)] = _postgresql_inserts(connection, table, columns, values)
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


def _postgresql_inserts(connection: Connection, table: Table, columns: list[str],
                        values: list[list[Any]]) -> list[tuple[str, tuple[Any, ...]]]:
    """``INSERT … VALUES`` statements for the rows, each within PostgreSQL's parameter limit."""
    rows = list(zip(*values, strict=True))
    per_statement = max(1, 65535 // len(columns))
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


def take_ids(session: Session, wanted: Sequence[tuple[Table, int]]) -> list[list[int]] | None:
    """Ids for rows not yet inserted, ``n`` for each ``(table, n)``, ascending, from the
    tables' sequences (PostgreSQL): INSERTs that carry their ids need no RETURNING, so
    they can be sent without waiting (:func:`docket.db.one_round_trip`). None on SQLite,
    where RETURNING costs no round trip.

    The application takes ids from a sequence a block at a time (the "hi/lo" way of ORMs)
    and hands them out from memory (its runtime's): one statement every few hundred ids
    rather than one per call. Ids an application took and did not use (it stopped) are
    gaps, as rolled-back inserts leave; ids follow arrival order within an application,
    not across applications or processes."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    state = runtime.of(session)  # the application's blocks (docket.runtime)
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


_ID_BLOCK = 500


_SEQUENCES: dict[str, str] = {}


def _sequence(connection: Connection, table: Table) -> str:
    """The sequence behind ``table.id`` (a SERIAL column's, as the migrations make it)."""
    name = _SEQUENCES.get(table.name)
    if name is None:
        name = _SEQUENCES[table.name] = str(connection.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%s, 'id')", (table.name,)).scalar_one())
    return name


_CONVERTERS: dict[tuple[str, tuple[str, ...], str], list[Converter]] = {}


def _converters(table: Table, columns: list[str], dialect: Dialect) -> list[Converter]:
    key = (table.name, tuple(columns), dialect.name)
    found = _CONVERTERS.get(key)
    if found is None:
        found = _CONVERTERS[key] = [_converter(table.c[c].type, dialect.name) for c in columns]
    return found


def _converter(type_: Any, dialect: str) -> Converter:
    if isinstance(type_, UTCDateTime):
        return _aware if dialect == "postgresql" else sqlite_datetime
    if isinstance(type_, JSON):
        return json_text
    return None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value


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
