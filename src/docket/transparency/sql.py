"""Portable SQL pieces for aggregates: durations, months and medians.

A median over a column that has an index (the durations kept on items) walks the index
to the middle row: ``ORDER BY d LIMIT 2 OFFSET (n - 1) / 2``, where the caller knows ``n``
from a count it made anyway. Otherwise PostgreSQL computes medians with
``percentile_cont``; SQLite has no percentile function, so there a median comes from
window functions (row_number and count over the group), run in the database all the same."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from docket.transparency.periods import Period


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def seconds_between(name: str, start: Any, end: Any) -> ColumnElement[float]:
    """``end - start`` in seconds."""
    if name == "postgresql":
        # As double precision: EXTRACT gives numeric, several times slower to sort and sum.
        return cast(func.extract("epoch", end - start), Float)
    # UTCDateTime stores naive UTC text on SQLite; julianday reads it to the millisecond.
    # Rounded to the millisecond: the day fraction is a float, and exactly one hour must
    # not come out as 3599.9999… (a bucket boundary).
    return func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3)


def month_of(name: str, column: Any) -> ColumnElement[str]:
    """The UTC month of a timestamp as ``YYYY-MM``."""
    if name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def medians(session: Session, base: Select[*tuple[Any, ...]], keys: Sequence[str] = ()) -> dict[tuple[Any, ...], float]:
    """The median of ``base``'s column ``d`` per group of ``keys`` (also columns of ``base``).

    PostgreSQL: ``percentile_cont(0.5)``. SQLite has none: rank the durations within each
    group with window functions, keep the middle one or two, average (one query)."""
    inner = base.subquery()
    part = [inner.c[k] for k in keys]
    if dialect(session) == "postgresql":
        rows = session.execute(
            select(*part, func.percentile_cont(0.5).within_group(inner.c.d)).where(inner.c.d.is_not(None))
            .group_by(*part)
        ).all()
        return {tuple(row[:-1]): float(row[-1]) for row in rows if row[-1] is not None}
    ranked = select(
        *part, inner.c.d,
        func.row_number().over(partition_by=part or None, order_by=inner.c.d).label("rn"),
        func.count(literal_column("1")).over(partition_by=part or None).label("n"),
    ).where(inner.c.d.is_not(None)).subquery()
    rpart = [ranked.c[k] for k in keys]
    # The middle row(s): rn = (n+1)/2 for odd n; n/2 and n/2+1 for even n.
    middle = _middle(ranked.c.rn, ranked.c.n)
    rows = session.execute(select(*rpart, func.avg(ranked.c.d)).where(middle).group_by(*rpart)).all()
    return {tuple(row[:-1]): float(row[-1]) for row in rows if row[-1] is not None}


def median(session: Session, base: Select[Any]) -> float | None:
    """The median of ``base``'s column ``d`` (None when it has no rows)."""
    return medians(session, base).get(())


def _middle(rank: Any, count: Any) -> Any:
    return and_(rank * 2 >= count, rank * 2 <= count + 2)


# ---------------------------------------------------------------- medians along an index
def _where(column: Any, period_column: Any, equal: Sequence[tuple[Any, Any]]) -> tuple[str, list[Any]]:
    """The WHERE clause of an index walk over ``column`` and its typed parameters."""
    params = [bindparam("start", type_=period_column.type), bindparam("end", type_=period_column.type)]
    clauses = [f"{column.name} IS NOT NULL", f"{period_column.name} >= :start", f"{period_column.name} < :end"]
    for i, (other, _value) in enumerate(equal):
        clauses.append(f"{other.name} = :eq{i}")
        params.append(bindparam(f"eq{i}", type_=other.type))
    return " AND ".join(clauses), params


def _from(session: Session, column: Any, index: str) -> str:
    """The table, pinned to ``index`` on SQLite: its planner would otherwise range-scan the
    period's index and sort every row for a LIMIT of two (seconds instead of milliseconds).
    PostgreSQL weighs the ORDER BY … LIMIT itself."""
    table = column.table.name
    return f"{table} INDEXED BY {index}" if dialect(session) == "sqlite" else table


def index_median(session: Session, column: Any, n: int, *, period_column: Any, period: Period, index: str,
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


def index_histogram(session: Session, column: Any, bounds: Sequence[float], *, period_column: Any, period: Period,
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
