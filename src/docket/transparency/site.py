"""What the public transparency site adds to the period report: the archive of published
periods and one country's figures (by statutory clock, and its trend across periods)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from docket import store
from docket.catalog.models import Reason
from docket.errors import NotFound
from docket.intake.models import Item, Request
from docket.transparency.figures import within
from docket.transparency.periods import Period, latest_half_year, parse_period

COUNTRY = re.compile(r"^[A-Z]{2}$")
# At most this many half-years in the archive (and a country's trend): twenty years.
ARCHIVE_MAX = 40


def _half_of(moment: dt.datetime) -> Period:
    return parse_period(f"{moment.year}-H{1 if moment.month <= 6 else 2}")


def _previous(period: Period) -> Period:
    year, half = int(period.label[:4]), int(period.label[-1])
    return parse_period(f"{year - 1}-H2" if half == 1 else f"{year}-H1")


def published_periods(*, session: Session, now: dt.datetime) -> list[Period]:
    """Every published half-year, the latest first: from the half-year of the first request
    received to the latest complete one (the latest alone when nothing was received yet)."""
    latest = latest_half_year(now)
    first = session.execute(select(func.min(Request.received_at))).scalar_one_or_none()
    start = _half_of(first).start if first is not None else latest.start
    periods = [latest]
    while len(periods) < ARCHIVE_MAX and periods[-1].start > start:
        periods.append(_previous(periods[-1]))
    return periods


def published(*, label: str, now: dt.datetime) -> Period:
    """The period named by ``label`` if it is published (complete), else NotFound."""
    period = parse_period(label)
    if not period.complete(now):
        raise NotFound(f"the period {period.label} ends {period.end:%Y-%m-%d %H:%M} UTC; only complete periods "
                       "in the past are published")
    return period


def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code in capitals, else NotFound (no such country page)."""
    code = value.upper()
    if not COUNTRY.match(code):
        raise NotFound(f"no country {value!r}: use a two-letter code such as KZ")
    return code


def clocks(*, session: Session, period: Period, country: str) -> list[dict[str, Any]]:
    """The country's items of ``period`` by statutory clock (hours from receipt to the
    deadline): items, decided within the clock, decided after it, not yet decided."""
    seconds = store.backend_of(session).seconds_between(Item.received_at, Item.deadline_at)
    hours = func.round(seconds / 3600)
    rows = session.execute(
        select(hours, func.count(), func.count(Item.decide_seconds),
               func.sum(case((Item.decide_seconds <= seconds, 1), else_=0)))
        .where(within(Item.received_at, period), Item.jurisdiction == country)
        .group_by(hours).order_by(hours)
    ).all()
    out = []
    for h, items, decided, in_time in rows:
        in_time = int(in_time or 0)
        out.append({"clock_hours": None if h is None else int(h), "items": int(items), "in_time": in_time,
                    "late": int(decided) - in_time, "open": int(items) - int(decided)})
    return out


def trend(*, session: Session, periods: list[Period], country: str) -> list[dict[str, Any]]:
    """The country's requests in each of ``periods`` (oldest first), from one range scan of
    its requests (index ``ix_requests_jurisdiction_received``)."""
    if not periods:
        return []
    month = store.backend_of(session).month_of(Request.received_at)
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    by_month = dict(session.execute(
        select(month, func.count()).where(Request.jurisdiction == country, Request.received_at >= first,
                                          Request.received_at < last).group_by(month)
    ).all())
    out = []
    for period in sorted(periods, key=lambda p: p.start):
        n = sum(int(v) for m, v in by_month.items()
                if period.start.strftime("%Y-%m") <= str(m) < period.end.strftime("%Y-%m"))
        out.append({"period": period.label, "requests": n})
    return out


def google_reasons(*, session: Session) -> dict[str, str]:
    """Each reason code's label in Google's taxonomy."""
    return dict(session.execute(select(Reason.code, Reason.google_label)).all())
