"""Reporting periods: a half-open UTC interval [start, end) with a label."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from docket.bounds import FIRST_DAY, LAST_DAY, RANGE, check_day
from docket.errors import Unprocessable

_LABEL = re.compile(r"^(?P<year>\d{4})(?:-(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class Period:
    """Everything received from ``start`` (inclusive) to ``end`` (exclusive), in UTC."""

    start: dt.datetime
    end: dt.datetime
    label: str

    @property
    def ending(self) -> dt.date:
        """The last day of the period (Google's "Period Ending")."""
        return (self.end - dt.timedelta(microseconds=1)).date()

    def complete(self, now: dt.datetime) -> bool:
        return self.end <= now


def _utc(year: int, month: int, day: int = 1) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=dt.UTC)


def parse_period(label: str) -> Period:
    """A period from ``2026``, ``2026-H1``, ``2026-Q3`` or ``2026-11``."""
    m = _LABEL.match(label.strip())
    if m is None:
        raise Unprocessable(f"not a period: {label!r} (use 2026, 2026-H1, 2026-Q3 or 2026-11)",
                            errors=[{"field": "period", "message": "use YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM"}])
    year = int(m["year"])
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise Unprocessable(f"not a period docket reports on: {label!r}",
                            errors=[{"field": "period", "message": f"a period {RANGE}"}])
    if m["half"]:
        first, months = 1 + 6 * (int(m["half"]) - 1), 6
    elif m["quarter"]:
        first, months = 1 + 3 * (int(m["quarter"]) - 1), 3
    elif m["month"]:
        first, months = int(m["month"]), 1
    else:
        first, months = 1, 12
    last = first + months
    end = _utc(year + 1, 1) if last > 12 else _utc(year, last)
    return Period(_utc(year, first), end, label.strip())


def _day(value: str, field: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Unprocessable(f"not a date: {value!r} (use YYYY-MM-DD)",
                            errors=[{"field": field, "message": "use YYYY-MM-DD"}]) from None
    try:
        return check_day(day)
    except ValueError as exc:
        raise Unprocessable(f"not a day docket reports on: {value!r}",
                            errors=[{"field": field, "message": str(exc)}]) from None


def period_between(start: str, to: str) -> Period:
    """The days ``start`` to ``to``, both included (YYYY-MM-DD)."""
    first, last = _day(start, "from"), _day(to, "to")
    if last < first:
        raise Unprocessable("the period ends before it starts",
                            errors=[{"field": "to", "message": "must not be before 'from'"}])
    begin = dt.datetime.combine(first, dt.time(), dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
    return Period(begin, end, f"{first.isoformat()}..{last.isoformat()}")


def resolve(*, period: str | None, start: str | None, to: str | None) -> Period:
    """A period from either a label or a from/to pair (not both, not neither)."""
    if period and not (start or to):
        return parse_period(period)
    if start and to and not period:
        return period_between(start, to)
    raise Unprocessable("give either a period (2026-H1) or both from and to (YYYY-MM-DD)",
                        errors=[{"field": "period", "message": "period, or from and to"}])


def latest_half_year(now: dt.datetime) -> Period:
    """The most recent half-year that has ended by ``now`` (DSA reports are half-yearly)."""
    if now.month > 6:
        return parse_period(f"{now.year}-H1")
    return parse_period(f"{now.year - 1}-H2")
