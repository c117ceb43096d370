"""Published periods' reports, computed ahead and stored (issue 21, point 3).

A published period is a complete half-year in the archive (docket.transparency.site,
``published_periods``). Its report is computed once, over a checkpoint of the verifiable
log (docket.transparency.checkpoints), and stored in ``transparency_snapshots`` with the
log's size it reflects: the period's report (scope ``all``) and, per country in it, the
country's figures by statutory clock (scope: the country's code). The public pages, their
CSV and JSON downloads and ``GET /api/v1/transparency/report`` read the stored figures;
when none are stored yet (the first reader after the period ended, before the worker's
round), the reader computes and stores them (:func:`read`).

The worker (``docket worker``, :class:`docket.jobs.TransparencyJobs`) publishes each
published period not yet stored, and checks the stored ones again when the log has grown
since: what invalidates a stored period is a new event that can change its figures
(:func:`touched`): an event about an item, request or appeal received in the period (a
late decision, a reversal on appeal, an acknowledgement sent, a gag order lifted), or any
event whose subject is not one docket knows to leave the figures alone (the catalog, a
submitter's kind — conservatively, every period). Users, tokens, teams, templates,
webhooks, contents, reporters, restrictions (an item's outcome is on the item) and the
snapshots' own events never do. A checked period is computed again: when its figures are
the same, the stored row is moved to the new log size (the figures hold there too); when
they changed, the new figures replace them, ``revised_at`` is set and the page says
"revised on" that day — published figures never change silently. Each publication and
revision is an audit event (``transparency:published``, ``transparency:revised``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from docket import audit, runtime, store
from docket.appeals.models import Appeal
from docket.audit.models import Event
from docket.intake.models import Item, Request
from docket.log.note import Signer
from docket.transparency import aggregates, checkpoints, site
from docket.transparency.models import TransparencySnapshot
from docket.transparency.periods import Period

ALL = "all"
# Subjects whose events never change a report's figures (see the module's docstring).
INERT = frozenset({"user", "token", "team", "template", "webhook", "content", "reporter", "restriction",
                   "transparency"})
# Subjects whose events change the figures of the period they were received in.
RECEIVED = {"item": (Item.id, Item.received_at), "request": (Request.id, Request.received_at),
            "appeal": (Appeal.id, Appeal.received_at)}
# More new subjects than this since a period's snapshot: check every period again (reading
# the subjects' receipt times would cost more than it saves).
SUBJECTS_MAX = 20_000
CHUNK = 500
# The keys of a report that describe its computation, not the figures.
NOT_FIGURES = ("generated_at", "log")


@dataclass(frozen=True)
class Stored:
    """A period's stored figures: the report, and its countries' clocks by code."""

    report: dict[str, Any]
    clocks: dict[str, list[dict[str, Any]]]
    log_size: int
    published_at: dt.datetime
    computed_at: dt.datetime
    revised_at: dt.datetime | None
    revisions: int

    def note(self) -> dict[str, Any]:
        """What the page says about where its figures come from."""
        return {"published_at": self.published_at.isoformat(), "computed_at": self.computed_at.isoformat(),
                "revised_at": None if self.revised_at is None else self.revised_at.isoformat(),
                "revisions": self.revisions, "log_size": self.log_size}


def is_published(period: Period, *, session: Session, now: dt.datetime) -> bool:
    """Whether ``period`` is one of the archive's published half-years (stored ahead)."""
    return period.complete(now) and any(p.label == period.label
                                        for p in site.published_periods(session=session, now=now))


def stored(*, session: Session, period: Period) -> Stored | None:
    """The stored figures of ``period``, or None when none are stored yet."""
    rows = session.execute(select(TransparencySnapshot).where(TransparencySnapshot.period == period.label)
                           ).scalars().all()
    main = next((r for r in rows if r.scope == ALL), None)
    if main is None:
        return None
    runtime.of(session).count_report("stored")
    return Stored(report=dict(main.figures), clocks={r.scope: list(r.figures["clocks"]) for r in rows
                                                      if r.scope != ALL},
                  log_size=int(main.log_size), published_at=main.published_at, computed_at=main.computed_at,
                  revised_at=main.revised_at, revisions=int(main.revisions))


def compute(*, session: Session, period: Period, log: dict[str, Any], now: dt.datetime) -> tuple[
        dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The period's report and its countries' clocks, read by ``session`` (pinned to ``log``)."""
    runtime.of(session).count_report("computed")
    report = {**aggregates.report(session=session, period=period, now=now), "log": log}
    countries = sorted({r["jurisdiction"] for r in report["requests"]})
    return report, {code: site.clocks(session=session, period=period, country=code) for code in countries}


def _figures(report: dict[str, Any], clocks: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"report": {k: v for k, v in report.items() if k not in NOT_FIGURES}, "clocks": clocks}


def save(*, session: Session, period: Period, report: dict[str, Any], clocks: dict[str, list[dict[str, Any]]],
         now: dt.datetime) -> str:
    """Store the figures computed at ``report["log"]["size"]``, in the caller's transaction:
    ``published`` (the first), ``revised`` (changed), ``confirmed`` (the same, at a later
    log size) or ``kept`` (what is stored is as new or newer)."""
    size = int(report["log"]["size"])
    rows = {r.scope: r for r in session.execute(
        select(TransparencySnapshot).where(TransparencySnapshot.period == period.label).with_for_update()
    ).scalars()}
    main = rows.get(ALL)
    if main is not None and main.log_size >= size:
        return "kept"
    if main is None:
        for scope, figures in ((ALL, report), *((code, {"clocks": c}) for code, c in clocks.items())):
            session.add(TransparencySnapshot(period=period.label, scope=scope, log_size=size, published_at=now,
                                             computed_at=now, revised_at=None, revisions=0, figures=figures))
        audit.record(session=session, actor="system", action="transparency:published",
                     subject=f"transparency:{period.label}", payload={"period": period.label, "log_size": size})
        return "published"
    before = _figures(main.figures, {s: r.figures["clocks"] for s, r in rows.items() if s != ALL})
    changed = before != _figures(report, clocks)
    what = "revised" if changed else "confirmed"
    if changed:
        audit.record(session=session, actor="system", action="transparency:revised",
                     subject=f"transparency:{period.label}",
                     payload={"period": period.label, "log_size": size, "previous_log_size": int(main.log_size),
                              "changed": sorted(k for k, v in _figures(report, clocks)["report"].items()
                                                if before["report"].get(k) != v)
                              + (["clocks"] if before["clocks"] != clocks else [])})
    published_at = main.published_at
    revised_at = now if changed else main.revised_at
    revisions = int(main.revisions) + (1 if changed else 0)
    for scope, figures in ((ALL, report), *((code, {"clocks": c}) for code, c in clocks.items())):
        row = rows.pop(scope, None)
        if row is None:
            row = TransparencySnapshot(period=period.label, scope=scope, published_at=published_at)
            session.add(row)
        row.log_size, row.computed_at, row.revised_at = size, now, revised_at
        row.revisions, row.figures = revisions, figures
    for gone in rows.values():  # a country with no requests left in the period
        session.delete(gone)
    return what


def read(*, factory: sessionmaker[Session], reader: Session, signer: Signer | None, period: Period,
         now: dt.datetime) -> Stored:
    """``period``'s stored figures; when none are stored yet, computed by ``reader`` (which
    must not have begun its transaction: it is pinned to the log) and stored."""
    found = stored(session=reader, period=period)
    if found is not None:
        return found
    reader.rollback()  # the look-up began a transaction: the pin needs a fresh one
    log = checkpoints.pin(factory=factory, reader=reader, signer=signer).as_dict()
    report, clocks = compute(session=reader, period=period, log=log, now=now)
    try:
        with store.transaction(factory) as session:
            save(session=session, period=period, report=report, clocks=clocks, now=now)
    except IntegrityError:  # another reader or the worker stored it first: theirs stands
        pass
    return Stored(report=report, clocks=clocks, log_size=int(log["size"]), published_at=now, computed_at=now,
                  revised_at=None, revisions=0)


# ---------------------------------------------------------------- the worker's round
def touched(*, session: Session, periods: Iterable[tuple[Period, int]]) -> set[str]:
    """The labels of ``periods`` (each with its stored log size) that events appended since
    may have changed (see the module's docstring)."""
    periods = list(periods)
    if not periods:
        return set()
    since = min(size for _, size in periods)
    subjects = session.execute(
        select(Event.subject, func.max(Event.seq)).where(Event.seq > since).group_by(Event.subject)
        .limit(SUBJECTS_MAX + 1)
    ).all()
    if len(subjects) > SUBJECTS_MAX:
        return {p.label for p, _ in periods}
    # Per kind, the ids of new subjects and the latest event about each.
    latest: dict[str, dict[int, int]] = {}
    every_period = 0  # the latest event that may change any period
    for subject, seq in subjects:
        kind, _, number = str(subject).partition(":")
        if kind in INERT:
            continue
        if kind in RECEIVED and number.isdigit():
            latest.setdefault(kind, {})[int(number)] = int(seq)
        else:
            every_period = max(every_period, int(seq))
    out = {p.label for p, size in periods if every_period > size}
    received: list[tuple[dt.datetime, int]] = []
    for kind, ids in latest.items():
        column_id, column_at = RECEIVED[kind]
        keys = sorted(ids)
        for i in range(0, len(keys), CHUNK):
            for row_id, at in session.execute(select(column_id, column_at).where(column_id.in_(keys[i:i + CHUNK]))):
                received.append((at, ids[row_id]))
        if kind == "appeal":  # a reversal changes its item's outcome: the item's period too
            for i in range(0, len(keys), CHUNK):
                for row_id, at in session.execute(
                        select(Appeal.id, Item.received_at).join(Item, Item.id == Appeal.item_id)
                        .where(Appeal.id.in_(keys[i:i + CHUNK]))):
                    received.append((at, ids[row_id]))
    for period, size in periods:
        if any(period.start <= at < period.end and seq > size for at, seq in received):
            out.add(period.label)
    return out


@dataclass(frozen=True)
class Round:
    """What a round did, per period label."""

    done: dict[str, str]
    more: bool  # periods left for the next round


def refresh(*, factory: sessionmaker[Session], signer: Signer | None, now: Callable[[], dt.datetime],
            limit: int = 4) -> Round:
    """Publish the published periods not yet stored and check the stored ones that new
    events may have changed, at most ``limit`` (each a whole report) per round."""
    with store.read_only(factory) as session:
        moment = now()
        periods = site.published_periods(session=session, now=moment)
        sizes = dict(session.execute(select(TransparencySnapshot.period, TransparencySnapshot.log_size)
                                     .where(TransparencySnapshot.scope == ALL)).all())
        head = session.execute(select(func.max(Event.seq))).scalar_one_or_none() or 0
        missing = [p for p in periods if p.label not in sizes]
        behind = [(p, int(sizes[p.label])) for p in periods if p.label in sizes and int(sizes[p.label]) < head]
        stale = touched(session=session, periods=behind)
    due = missing + [p for p, _ in behind if p.label in stale]
    done: dict[str, str] = {}
    for period in due[:limit]:
        with store.unbegun(factory) as reader:
            log = checkpoints.pin(factory=factory, reader=reader, signer=signer).as_dict()
            report, clocks = compute(session=reader, period=period, log=log, now=now())
        try:
            with store.transaction(factory) as session:
                done[period.label] = save(session=session, period=period, report=report, clocks=clocks, now=now())
        except IntegrityError:  # a reader stored it meanwhile: the next round checks it
            done[period.label] = "kept"
    if len(due) <= limit:
        # Checked and unchanged since: move the periods no new event touched to the head,
        # so the next round reads only the events after it.
        quiet = [p.label for p, size in behind if p.label not in stale]
        if quiet:
            with store.transaction(factory) as session:
                for row in session.execute(select(TransparencySnapshot).where(
                        TransparencySnapshot.period.in_(quiet), TransparencySnapshot.log_size < head)).scalars():
                    row.log_size = head
    return Round(done=done, more=len(due) > limit)
