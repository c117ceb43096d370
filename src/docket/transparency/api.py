"""Public transparency routes: the report as JSON (the pages are in transparency.pages).

Published periods, kept simple: any period (a label or a from/to pair) that has ended
is public; one that ends in the future is 404, since its figures would still change. The
archive's half-years are read as the worker stored them (docket.transparency.snapshots).
Each report is computed over a checkpoint of the verifiable log, which it states
(docket.transparency.checkpoints): ``docket report --at SIZE`` gives its figures again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from docket.deps import AppSettings, Db
from docket.errors import NotFound
from docket.store import utcnow
from docket.transparency import aggregates, checkpoints, snapshots
from docket.transparency.periods import latest_half_year, resolve
from docket.transparency.schemas import TransparencyReport

router = APIRouter(tags=["transparency"])

PeriodQ = Annotated[str | None, Query(max_length=16, description="2026, 2026-H1, 2026-Q3 or 2026-11")]
DayQ = Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD (both days included)")]
FromQ = Annotated[str | None, Query(alias="from", max_length=10, description="YYYY-MM-DD, the first day")]


def _published(request: Request, db: Db, settings: AppSettings, period: str | None, start: str | None,
               to: str | None) -> dict[str, Any]:
    now = utcnow()
    # Nothing asked for: the latest complete half-year, the period DSA reports cover.
    chosen = (latest_half_year(now) if not (period or start or to)
              else resolve(period=period, start=start, to=to))
    if not chosen.complete(now):
        raise NotFound(f"the period {chosen.label} ends {chosen.end:%Y-%m-%d %H:%M} UTC; only complete periods "
                       "in the past are published")
    if snapshots.is_published(chosen, session=db, now=now):  # stored ahead by the worker
        return snapshots.read(factory=request.app.state.sessionmaker, reader=db,
                              signer=checkpoints.signer_of(settings), period=chosen, now=now).report
    db.rollback()  # the look-up began a transaction: the log's pin needs a fresh one
    log = pin_log(request, db, settings)
    return {**aggregates.report(session=db, period=chosen, now=now), "log": log}


def pin_log(request: Request, db: Db, settings: AppSettings) -> dict[str, Any]:
    """Pin ``db`` to a checkpoint of the log (before any figure is read) and describe it."""
    return checkpoints.pin(factory=request.app.state.sessionmaker, reader=db,
                           signer=checkpoints.signer_of(settings)).as_dict()


@router.get("/api/v1/transparency/report", response_model=TransparencyReport)
def transparency_report(request: Request, db: Db, settings: AppSettings, period: PeriodQ = None,
                        start: FromQ = None, to: DayQ = None) -> dict[str, Any]:
    """The period report as JSON: aggregates and equal-treatment figures, no personal data;
    without a period, the latest complete half-year; with the checkpoint of the log it was
    computed over (``log``). Who: anyone."""
    return _published(request, db, settings, period, start, to)
