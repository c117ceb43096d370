"""Portable SQL pieces for aggregates: durations, months and grouped medians.

PostgreSQL computes medians with ``percentile_cont``; SQLite has no percentile function,
so there a median comes from window functions (row_number and count over the group),
run in the database all the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    cast,
    func,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.orm import Session


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


def medians(session: Session, base: Select[Any], keys: Sequence[str] = ()) -> dict[tuple[Any, ...], float]:
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


@dataclass
class Medians:
    """What :func:`grouped_medians` found."""

    overall: dict[str, float | None]  # column → median over every row
    groups: dict[tuple[Any, ...], dict[str, float | None]]  # keys → first column → its median in the group
    histogram: list[int]  # rows per bucket of the histogram column


def grouped_medians(session: Session, base: Select[Any], keys: Sequence[str], columns: Sequence[str],
                    histogram: tuple[str, Sequence[float]]) -> Medians:
    """In one query over ``base`` (whose rows have no NULL in ``columns``): the median of
    each of ``columns`` over all rows, the median of the first per group of ``keys``, and
    the rows per bucket of ``histogram`` (a column and the buckets' upper bounds, the last
    bucket open-ended).

    PostgreSQL: ``percentile_cont`` with ``GROUPING SETS ((), (keys))``. SQLite: window
    functions rank every row overall (per column) and in its group; the query returns per
    group the group's median and the sum and count of the overall middle rows in it."""
    inner = base.subquery()
    part = [inner.c[k] for k in keys]
    first = inner.c[columns[0]]
    value = inner.c[histogram[0]]
    bucket = case(*((value < bound, i) for i, bound in enumerate(histogram[1])), else_=len(histogram[1]))
    if dialect(session) == "postgresql":
        rows = session.execute(
            select(func.grouping(*part), *part,
                   *(func.percentile_cont(0.5).within_group(inner.c[c]) for c in columns),
                   *(func.sum(case((bucket == i, 1), else_=0)) for i in range(len(histogram[1]) + 1)))
            .group_by(func.grouping_sets(tuple_(), tuple_(*part)))
        ).all()
        found = Medians(overall=dict.fromkeys(columns), groups={}, histogram=[0] * (len(histogram[1]) + 1))
        for row in rows:
            key, values = tuple(row[1:1 + len(part)]), row[1 + len(part):1 + len(part) + len(columns)]
            counts = row[1 + len(part) + len(columns):]
            if row[0]:  # the grand total
                found.overall = {c: None if v is None else float(v) for c, v in zip(columns, values, strict=True)}
                found.histogram = [int(n or 0) for n in counts]
            else:
                found.groups[key] = {columns[0]: None if values[0] is None else float(values[0])}
        return found
    # Window functions over the same window share one sort: the counts use the ordered
    # windows of the ranks with a frame of the whole partition.
    whole = (None, None)
    ranks = [func.row_number().over(order_by=inner.c[c]).label(f"rank_{i}") for i, c in enumerate(columns)]
    ranked = select(
        *part, *(inner.c[c] for c in columns), bucket.label("bucket"), *ranks,
        func.count(literal_column("1")).over(order_by=first, rows=whole).label("n"),
        func.row_number().over(partition_by=part, order_by=first).label("group_rank"),
        func.count(literal_column("1")).over(partition_by=part, order_by=first, rows=whole).label("group_n"),
    ).subquery()
    r = ranked.c
    rows = session.execute(
        select(*(r[k] for k in keys), func.avg(case((_middle(r.group_rank, r.group_n), r[columns[0]]))),
               *(x for i, c in enumerate(columns)
                 for x in (func.sum(case((_middle(r[f"rank_{i}"], r.n), r[c]), else_=0)),
                           func.sum(case((_middle(r[f"rank_{i}"], r.n), 1), else_=0)))),
               *(func.sum(case((r.bucket == i, 1), else_=0)) for i in range(len(histogram[1]) + 1)))
        .group_by(*(r[k] for k in keys))
    ).all()
    sums = [0.0] * len(columns)
    counts = [0] * len(columns)
    histo = [0] * (len(histogram[1]) + 1)
    groups: dict[tuple[Any, ...], dict[str, float | None]] = {}
    for row in rows:
        key = tuple(row[:len(keys)])
        groups[key] = {columns[0]: None if row[len(keys)] is None else float(row[len(keys)])}
        rest = row[len(keys) + 1:]
        for i in range(len(columns)):
            sums[i] += float(rest[2 * i] or 0)
            counts[i] += int(rest[2 * i + 1] or 0)
        for i, n in enumerate(rest[2 * len(columns):]):
            histo[i] += int(n or 0)
    overall = {c: (sums[i] / counts[i] if counts[i] else None) for i, c in enumerate(columns)}
    return Medians(overall=overall, groups=groups, histogram=histo)
