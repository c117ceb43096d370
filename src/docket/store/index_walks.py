"""Medians and histograms read along an index, for the aggregates of long periods.

A median over a column that has an index (the durations kept on items) walks the index
to the middle row: ``ORDER BY d LIMIT 2 OFFSET (n - 1) / 2``, where the caller knows ``n``
from a count it made anyway. The backend names the index where the planner needs telling
(SQLite's ``INDEXED BY``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from docket.store.backend import backend_of


class Span(Protocol):
    """A period: from ``start`` (included) to ``end`` (excluded)."""

    @property
    def start(self) -> dt.datetime: ...

    @property
    def end(self) -> dt.datetime: ...


def _where(column: Any, period_column: Any, equal: Sequence[tuple[Any, Any]]) -> tuple[str, list[Any]]:
    """The WHERE clause of an index walk over ``column`` and its typed parameters."""
    params = [bindparam("start", type_=period_column.type), bindparam("end", type_=period_column.type)]
    clauses = [f"{column.name} IS NOT NULL", f"{period_column.name} >= :start", f"{period_column.name} < :end"]
    for i, (other, _value) in enumerate(equal):
        clauses.append(f"{other.name} = :eq{i}")
        params.append(bindparam(f"eq{i}", type_=other.type))
    return " AND ".join(clauses), params


def _from(session: Session, column: Any, index: str) -> str:
    return backend_of(session).from_index(column.table.name, index)


def index_median(session: Session, column: Any, n: int, *, period_column: Any, period: Span, index: str,
                 equal: Sequence[tuple[Any, Any]] = ()) -> float | None:
    """The median of ``column`` over the ``n`` rows in ``period`` (and with each of ``equal``'s
    columns equal to its value) whose ``column`` is set, found by walking ``index``, which
    leads with the ``equal`` columns and then ``column``. ``n`` must be that number of rows
    (the caller counted them in a pass it makes anyway); None when it is 0."""
    if n <= 0:
        return None
    where, params = _where(column, period_column, equal)
    query = text(f"SELECT {column.name} FROM {_from(session, column, index)} WHERE {where} "
                 f"ORDER BY {column.name} LIMIT :limit OFFSET :offset").bindparams(*params)
    values = session.execute(query, {
        "start": period.start, "end": period.end, "limit": 1 if n % 2 else 2, "offset": (n - 1) // 2,
        **{f"eq{i}": value for i, (_c, value) in enumerate(equal)},
    }).scalars().all()
    return sum(float(v) for v in values) / len(values) if values else None


def index_histogram(session: Session, column: Any, bounds: Sequence[float], *, period_column: Any, period: Span,
                    index: str) -> list[int]:
    """Rows in ``period`` per bucket of ``column`` (upper bounds ``bounds``, exclusive; the
    last bucket open-ended), in one pass over ``index`` (on ``column`` and ``period_column``)."""
    where, params = _where(column, period_column, ())
    below = ", ".join(f"sum(CASE WHEN {column.name} < :b{i} THEN 1 ELSE 0 END)" for i in range(len(bounds)))
    query = text(f"SELECT {below}, count(*) FROM {_from(session, column, index)} WHERE {where}").bindparams(*params)
    row = session.execute(query, {"start": period.start, "end": period.end,
                                  **{f"b{i}": float(b) for i, b in enumerate(bounds)}}).one()
    cumulative = [int(v or 0) for v in row]
    return [cumulative[0], *(cumulative[i] - cumulative[i - 1] for i in range(1, len(cumulative)))]
