"""Bounds on numbers and dates from outside (paths, queries, bodies, cursors), so that a
value the database cannot hold is answered 404 or 422 naming the field, the same on
both engines, and never reaches a driver (PostgreSQL's ``integer`` ends at 2**31 - 1,
SQLite's at 2**63 - 1, Python's dates at year 9999).

The rule (docs/api.md): an id out of range in a path is a 404, like any id that names
nothing; anywhere else (a query, a body, inside a cursor) it is a 422 naming the field.
Each annotated type carries its bounds into the OpenAPI schema (minimum, maximum)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import annotated_types as at
from pydantic import AfterValidator

ID_MAX = 2**31 - 1  # every id column is an integer (int4 on PostgreSQL)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
SMALLINT_MIN, SMALLINT_MAX = -(2**15), 2**15 - 1
SEQ_MAX = 2**63 - 1  # bigint: audit sequence numbers and restriction-feed cursors

# A row id: requests, items, decisions, submitters, tokens, appeals, ...
Id = Annotated[int, at.Ge(1), at.Le(ID_MAX)]
# A position in a bigint sequence (``after=``): 0 means "from the start".
Seq = Annotated[int, at.Ge(0), at.Le(SEQ_MAX)]

# Dates docket reports on: wide enough for any real record, narrow enough that a period
# built from them (a day after the last, a year label) stays a valid date everywhere.
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
_FIRST_MOMENT = dt.datetime.combine(FIRST_DAY, dt.time(), dt.UTC)
_LAST_MOMENT = dt.datetime.combine(LAST_DAY, dt.time.max, dt.UTC)
RANGE = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


def check_id(value: int) -> int:
    """``value`` if it can be an id; ValueError otherwise (for ids decoded from cursors)."""
    if not 1 <= value <= ID_MAX:
        raise ValueError(f"not an id: {value}")
    return value


def check_day(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"a day {RANGE}")
    return value


def utc_moment(value: dt.datetime) -> dt.datetime:
    """``value`` within the range, a time without a zone read as UTC (the zone of every
    time docket stores); ValueError otherwise."""
    value = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if not _FIRST_MOMENT <= value <= _LAST_MOMENT:
        raise ValueError(f"a time {RANGE}")
    return value


def queue_keys(priority: int, severity: int, due_hour: int, flag_rank: int,
               crowd: int) -> tuple[int, int, int, int, int]:
    """The integer sort keys of a queue cursor, each within its column's type (smallint for
    priority, severity and flag_rank); ValueError otherwise."""
    small, whole = (priority, severity, flag_rank), (due_hour, crowd)
    if not (all(SMALLINT_MIN <= v <= SMALLINT_MAX for v in small)
            and all(INT_MIN <= v <= INT_MAX for v in whole)):
        raise ValueError("a queue cursor's key out of range")
    return priority, severity, due_hour, flag_rank, crowd


Day = Annotated[dt.date, AfterValidator(check_day)]
# A point in time in a query (``received_from=``).
Moment = Annotated[dt.datetime, AfterValidator(utc_moment)]
