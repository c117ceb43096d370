"""Portable SQL pieces for aggregates: durations, months and grouped medians.

SQLite has no percentile function, so a median is computed with window functions
(row_number and count over the group), which both engines run in the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, select
from sqlalchemy.orm import Session


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def seconds_between(name: str, start: Any, end: Any) -> ColumnElement[float]:
    """``end - start`` in seconds."""
    if name == "postgresql":
        return func.extract("epoch", end - start)
    # UTCDateTime stores naive UTC text on SQLite; julianday reads it to the millisecond.
    # Rounded to the millisecond: the day fraction is a float, and exactly one hour must
    # not come out as 3599.9999… (a bucket boundary).
    return func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3)


def month_of(name: str, column: Any) -> ColumnElement[str]:
    """The UTC month of a timestamp as ``YYYY-MM``."""
    if name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def medians(session: Session, base: Select[Any], keys: Sequence[str] = ()) -> dict[tuple[Any, ...], float]:
    """The median of ``base``'s column ``d`` per group of ``keys`` (also columns of ``base``).

    One query: rank the durations within each group, keep the middle one or two, average."""
    inner = base.subquery()
    part = [inner.c[k] for k in keys]
    ranked = select(
        *part, inner.c.d,
        func.row_number().over(partition_by=part or None, order_by=inner.c.d).label("rn"),
        func.count(literal_column("1")).over(partition_by=part or None).label("n"),
    ).where(inner.c.d.is_not(None)).subquery()
    rpart = [ranked.c[k] for k in keys]
    # The middle row(s): rn = (n+1)/2 for odd n; n/2 and n/2+1 for even n.
    middle = and_(ranked.c.rn * 2 >= ranked.c.n, ranked.c.rn * 2 <= ranked.c.n + 2)
    rows = session.execute(select(*rpart, func.avg(ranked.c.d)).where(middle).group_by(*rpart)).all()
    return {tuple(row[:-1]): float(row[-1]) for row in rows if row[-1] is not None}


def median(session: Session, base: Select[Any]) -> float | None:
    """The median of ``base``'s column ``d`` (None when it has no rows)."""
    return medians(session, base).get(())
