"""Many rows at once: multi-row INSERTs for the hot paths (intake, report batches, the audit
chain), UPDATEs by id in one executemany, ids taken ahead of the INSERTs, and a parent with
its children inserted as plain statements and attached as if loaded.

SQLAlchemy's executemany runs every value of every row through its bind processors and
builds a dictionary of parameters per row; for a batch of 500 reports that was the
largest part of the batch's cost. Here each column gets one converter, chosen once per
table and backend, and the rows go to the driver in bulk:

- SQLite: ``INSERT … VALUES (?, …), (?, …) … RETURNING id``, one statement per chunk,
  on the driver's own cursor;
- PostgreSQL: up to 20 rows the same single INSERT; more by ``COPY … FROM STDIN``, which
  psycopg writes in C, with the ids taken from the table's sequence beforehand (a large
  INSERT's placeholders are parsed by psycopg in Python, and were most of the time a
  batch took there).

The values stored are exactly what SQLAlchemy stores: a ``UTCDateTime`` as naive UTC in
SQLite's text format, JSON through the engine's serializer with ``None`` as JSON null.
Every function takes the model class; the table behind it is the store's business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session, make_transient_to_detached

from docket.store.backend import Backend, backend_of
from docket.store.sqlite import sqlite_datetime
from docket.store.types import Base, table

Converter = Callable[[Any], Any] | None


def insert_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]], *,
                returning: bool = True) -> list[int]:
    """INSERT ``rows`` (mappings with the same keys) into ``model``'s table in the session's
    transaction; answer the new ids in the order of ``rows``, or [] if not ``returning``.

    The ids are sorted, not matched by position in the answer: each row's id comes from
    the table's rowid or sequence as it is inserted, in the order of the statement's rows
    (SQLAlchemy's own multi-row inserts rely on the same)."""
    if not rows:
        return []
    backend = backend_of(session)
    if backend.collecting(session) and (returning or session.new or session.dirty or session.deleted):
        # Inside write_and_commit (PostgreSQL, autocommit): a statement sent now, a RETURNING
        # or an ORM flush, would be committed on its own, outside the block's statement.
        raise RuntimeError("inside write_and_commit, rows carry their ids (no RETURNING) and "
                           "nothing is left for the ORM to flush")
    session.flush()  # what the ORM has pending goes first, as Session.execute would do
    connection = session.connection()
    into = table(model)
    columns = list(rows[0])
    converters = _converters(into, columns, backend)
    values = [[row[c] for row in rows] for c in columns]  # one list per column
    for index, convert in enumerate(converters):
        if convert is sqlite_datetime:
            # A batch's rows mostly share a few moments (received, deadline): convert each once.
            done = {v: convert(v) for v in set(values[index])}
            values[index] = [done[v] for v in values[index]]
        elif convert is not None:
            values[index] = [convert(v) for v in values[index]]
    ids = backend.insert(session, connection, into, columns, values, returning)
    ids.sort()
    return ids


def update_by_id(session: Session, model: type[Base], columns: Sequence[str],
                 rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE ``columns`` of the rows of ``model``'s table whose id is each row's last value,
    in one executemany, with the values as given (no converters: plain numbers, text, booleans)."""
    if not rows:
        return
    session.flush()
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote
    mark = backend_of(session).mark
    sets = ", ".join(f"{quote(c)} = {mark}" for c in columns)
    connection.exec_driver_sql(f"UPDATE {quote(table(model).name)} SET {sets} WHERE id = {mark}",
                               [tuple(row) for row in rows])


def take_ids(session: Session, wanted: Sequence[tuple[type[Base], int]]) -> list[list[int]] | None:
    """Ids for rows not yet inserted, ``n`` for each ``(model, n)``, ascending, from the
    tables' sequences (PostgreSQL): INSERTs that carry their ids need no RETURNING, so
    they can be sent without waiting (:func:`docket.store.write_and_commit`). None on
    SQLite, where RETURNING costs no round trip.

    The application takes ids from a sequence a block at a time (the "hi/lo" way of ORMs)
    and hands them out from memory (its runtime's): one statement every few hundred ids
    rather than one per call. Ids an application took and did not use (it stopped) are
    gaps, as rolled-back inserts leave; ids follow arrival order within an application,
    not across applications or processes."""
    return backend_of(session).take_ids(session, [(table(model), n) for model, n in wanted])


def with_defaults(model: type[Base], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the columns' Python-side defaults filled in (as the ORM would)."""
    for key, arg, is_callable in _defaults(model):
        if values.get(key) is None:
            values[key] = arg(None) if is_callable else arg
    return values


def insert_as_loaded(session: Session, parent: Base, children: Sequence[Base], *, parent_key: str) -> None:
    """INSERT ``parent`` and its ``children`` (whose ``parent_key`` names it) as two plain
    statements, then attach them to the session as if loaded, ids set. The ORM's unit of
    work would cost more than the rest of intake."""
    parents, kids = table(type(parent)), table(type(children[0])) if children else None
    parent.id = session.execute(  # type: ignore[attr-defined]
        insert(parents).returning(parents.c.id), _row(parent, skip=("id",))
    ).scalar_one()
    if kids is not None:
        rows = [{**_row(c, skip=("id", parent_key)), parent_key: parent.id}  # type: ignore[attr-defined]
                for c in children]
        ids = session.execute(
            insert(kids).returning(kids.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
        for child, child_id in zip(children, ids, strict=True):
            child.id = child_id  # type: ignore[attr-defined]
            setattr(child, parent_key, parent.id)  # type: ignore[attr-defined]
            make_transient_to_detached(child)
    make_transient_to_detached(parent)
    session.add(parent)


def _row(obj: Base, skip: tuple[str, ...]) -> dict[str, Any]:
    """An object's column values, with Python-side defaults filled in on the object too."""
    row = {}
    for column in table(type(obj)).columns:
        if column.key in skip:
            continue
        value = getattr(obj, column.key)
        if value is None and column.default is not None:
            arg = column.default.arg  # type: ignore[attr-defined]
            value = arg(None) if column.default.is_callable else arg
            setattr(obj, column.key, value)
        row[column.key] = value
    return row


_DEFAULTS: dict[type[Base], list[tuple[str, Any, bool]]] = {}


def _defaults(model: type[Base]) -> list[tuple[str, Any, bool]]:
    found = _DEFAULTS.get(model)
    if found is None:
        found = _DEFAULTS[model] = [
            (c.key, c.default.arg, c.default.is_callable)  # type: ignore[attr-defined]
            for c in table(model).columns if c.default is not None]
    return found


_CONVERTERS: dict[tuple[str, tuple[str, ...], str], list[Converter]] = {}


def _converters(into: Table, columns: list[str], backend: Backend) -> list[Converter]:
    key = (into.name, tuple(columns), backend.name)
    found = _CONVERTERS.get(key)
    if found is None:
        found = _CONVERTERS[key] = [backend.converter(into.c[c].type) for c in columns]
    return found
