"""Period aggregates: every figure is a GROUP BY in the database, never a loop over rows.

What a period counts: requests (and their items) *received* in it, as Google counts
them. An item's outcome comes from its decision history: the outcome of its *standing*
decision, the one that took effect last and was not set aside ("pending" while there is
none). A decision not to act that an appeal reversed is set aside: the item was reopened
and counts as pending until it is decided again, then with its new outcome. A restriction
that an appeal reversed stands as the action taken on the request (the platform did act)
and the reversal is counted with the appeals; so figures of a past period do not flip when
an author wins an appeal later. Time to decide runs from receipt to the standing
decision's ``decided_at`` (when a reviewer decided); time to give effect to its
``effective_at`` (after a second person's approval, where one was needed). Appeals and
user reports count by the day they were received. A request is "fully or partially
complied with" when at least one of its items was restricted or removed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from docket.appeals.models import Appeal
from docket.catalog.models import OFFICIAL_KINDS, Jurisdiction, RequesterKind
from docket.intake.models import Item, Report, Request
from docket.notices.models import NoticeHold, OutboxMessage
from docket.parties.models import Submitter
from docket.review.models import Decision
from docket.review.states import Outcome
from docket.transparency.periods import Period
from docket.transparency.sql import dialect, median, medians, month_of, seconds_between

COMPLIED = (Outcome.restricted.value, Outcome.removed_policy.value)
PENDING = "pending"
GOVERNMENT_KINDS = tuple(sorted(k.value for k in OFFICIAL_KINDS))
# Time-to-decision histogram buckets: (label, upper bound in seconds, exclusive).
BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 1 h", 3600), ("1–24 h", 86400), ("1–2 days", 2 * 86400), ("2–7 days", 7 * 86400),
    ("7–30 days", 30 * 86400), ("≥ 30 days", float("inf")),
)


def standing_decision() -> Any:
    """The join condition for an item's standing decision (at most one per item): in effect
    now, or a restriction reversed on appeal. Rejected decisions never took effect; a
    reversed decision not to act was replaced by the item's reopening."""
    return and_(Decision.item_id == Item.id, Decision.effective_at.is_not(None),
                or_(Decision.status == "effective", and_(Decision.status == "reversed", Decision.outcome.in_(COMPLIED))))


def item_outcome() -> Any:
    """An item's outcome from its decision history (see the module's docstring).

    ``items.outcome`` is the standing decision's outcome except after a restriction was
    reversed on appeal (it then reads no_action, the effect now); only those rows look the
    reversed decision up, through ``ix_decisions_item_id``."""
    reversed_restriction = (
        select(Decision.outcome)
        .where(Decision.item_id == Item.id, Decision.status == "reversed", Decision.outcome.in_(COMPLIED))
        .order_by(Decision.id.desc()).limit(1).correlate(Item).scalar_subquery()
    )
    return case((Item.outcome == Outcome.no_action.value, func.coalesce(reversed_restriction, Item.outcome)),
                else_=func.coalesce(Item.outcome, PENDING))


def _in(column: Any, period: Period) -> Any:
    return and_(column >= period.start, column < period.end)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _share(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def _per_request(period: Period) -> Any:
    """Per request received in the period: its item count and whether any item was complied with."""
    complied = func.max(case((item_outcome().in_(COMPLIED), 1), else_=0))
    return (
        select(Request.id.label("request_id"), func.count(Item.id).label("n_items"), complied.label("complied"))
        .select_from(Request).outerjoin(Item, Item.request_id == Request.id)
        .where(_in(Request.received_at, period)).group_by(Request.id).subquery()
    )


def request_breakdown(*, session: Session, period: Period) -> list[dict[str, Any]]:
    """Requests, items and complied requests by jurisdiction × requester kind × reason."""
    per = _per_request(period)
    rows = session.execute(
        select(Request.jurisdiction, Submitter.kind, Request.reason, func.count(), func.sum(per.c.n_items),
               func.sum(per.c.complied))
        .select_from(per).join(Request, Request.id == per.c.request_id)
        .join(Submitter, Submitter.id == Request.submitter_id)
        .group_by(Request.jurisdiction, Submitter.kind, Request.reason)
        .order_by(Request.jurisdiction, Submitter.kind, Request.reason)
    ).all()
    return [{"jurisdiction": j, "requester_kind": k, "reason": r, "requests": int(n), "items": int(i or 0),
             "requests_complied": int(c or 0), "complied_share": _share(int(c or 0), int(n))}
            for j, k, r, n, i, c in rows]


def outcome_breakdown(*, session: Session, period: Period) -> list[dict[str, Any]]:
    """Items (and the requests they belong to) by jurisdiction × requester kind × reason × outcome."""
    outcome = item_outcome()
    rows = session.execute(
        select(Request.jurisdiction, Submitter.kind, Request.reason, outcome, func.count(Item.id),
               func.count(func.distinct(Item.request_id)))
        .select_from(Item).join(Request, Request.id == Item.request_id)
        .join(Submitter, Submitter.id == Request.submitter_id)
        .where(_in(Request.received_at, period))
        .group_by(Request.jurisdiction, Submitter.kind, Request.reason, outcome)
        .order_by(Request.jurisdiction, Submitter.kind, Request.reason, outcome)
    ).all()
    return [{"jurisdiction": j, "requester_kind": k, "reason": r, "outcome": o, "items": int(n),
             "requests": int(rq)} for j, k, r, o, n, rq in rows]


def _median_times(session: Session, period: Period) -> dict[str, float | None]:
    name = dialect(session)
    in_period = _in(Request.received_at, period)
    ack = (
        select(seconds_between(name, Request.received_at, OutboxMessage.sent_at).label("d"))
        .select_from(Request)
        .join(OutboxMessage, and_(OutboxMessage.subject == literal("request:") + cast(Request.id, String),
                                  OutboxMessage.kind == "acknowledgement", OutboxMessage.sent_at.is_not(None)))
        .where(in_period)
    )
    # One duration per decided item, from its standing decision (a reopened item's
    # reversed decision not to act counted twice before).
    decide = (
        select(seconds_between(name, Item.received_at, Decision.decided_at).label("d"))
        .select_from(Item).join(Request, Request.id == Item.request_id).join(Decision, standing_decision())
        .where(in_period, Item.decided_at.is_not(None))
    )
    effect = (
        select(seconds_between(name, Item.received_at, Decision.effective_at).label("d"))
        .select_from(Item).join(Request, Request.id == Item.request_id).join(Decision, standing_decision())
        .where(in_period, Item.decided_at.is_not(None))
    )
    return {"acknowledge": _hours(median(session, ack)), "decide": _hours(median(session, decide)),
            "give_effect": _hours(median(session, effect))}


def _counts(session: Session, period: Period) -> dict[str, int]:
    per = _per_request(period)
    requests, items, complied = session.execute(
        select(func.count(), func.sum(per.c.n_items), func.sum(per.c.complied)).select_from(per)
    ).one()
    in_period = _in(Request.received_at, period)
    clarified, emergencies = session.execute(
        select(func.sum(case((Request.clarifications > 0, 1), else_=0)),
               func.sum(case((Request.emergency.is_(True), 1), else_=0))).where(in_period)
    ).one()
    decided, trusted, coordinated = session.execute(
        select(func.sum(case((Item.decided_at.is_not(None), 1), else_=0)),
               func.sum(case((Item.flag_rank == 0, 1), else_=0)),
               func.sum(case((Item.possible_coordination.is_(True), 1), else_=0)))
        .select_from(Item).join(Request, Request.id == Item.request_id).where(in_period)
    ).one()
    holds = session.execute(
        select(func.count(NoticeHold.id)).join(Request, Request.id == NoticeHold.request_id).where(in_period)
    ).scalar_one()
    # Notices a gag order delayed (held now, or held once and released since): held rows carry hold_id.
    held = session.execute(
        select(func.count(OutboxMessage.id)).join(NoticeHold, NoticeHold.id == OutboxMessage.hold_id)
        .join(Request, Request.id == NoticeHold.request_id).where(in_period)
    ).scalar_one()
    appeals, reversed_, upheld = session.execute(
        select(func.count(), func.sum(case((Appeal.status == "reversed", 1), else_=0)),
               func.sum(case((Appeal.status == "upheld", 1), else_=0))).where(_in(Appeal.received_at, period))
    ).one()
    return {
        "requests": int(requests or 0), "items": int(items or 0), "items_decided": int(decided or 0),
        "requests_complied": int(complied or 0), "clarifications": int(clarified or 0),
        "emergencies": int(emergencies or 0), "gag_holds": int(holds or 0), "notices_held": int(held or 0),
        "appeals": int(appeals or 0), "appeals_reversed": int(reversed_ or 0), "appeals_upheld": int(upheld or 0),
        "trusted_flagger_items": int(trusted or 0), "coordinated_bursts": int(coordinated or 0),
    }


def user_reports(*, session: Session, period: Period) -> list[dict[str, Any]]:
    """User reports received in the period, by reason."""
    rows = session.execute(
        select(Report.reason, func.count()).where(_in(Report.received_at, period))
        .group_by(Report.reason).order_by(Report.reason)
    ).all()
    return [{"reason": r, "reports": int(n)} for r, n in rows]


def requests_by_month(*, session: Session, period: Period) -> list[dict[str, Any]]:
    """Requests per month and jurisdiction (the chart of requests over time)."""
    month = month_of(dialect(session), Request.received_at)
    rows = session.execute(
        select(month, Request.jurisdiction, func.count()).where(_in(Request.received_at, period))
        .group_by(month, Request.jurisdiction).order_by(month, Request.jurisdiction)
    ).all()
    return [{"month": m, "jurisdiction": j, "requests": int(n)} for m, j, n in rows]


def outcome_totals(*, session: Session, period: Period) -> list[dict[str, Any]]:
    """Items by outcome, with their share of all items."""
    outcome = item_outcome()
    rows = session.execute(
        select(outcome, func.count()).select_from(Item).join(Request, Request.id == Item.request_id)
        .where(_in(Request.received_at, period)).group_by(outcome).order_by(outcome)
    ).all()
    total = sum(int(n) for _, n in rows)
    return [{"outcome": o, "items": int(n), "share": _share(int(n), total)} for o, n in rows]


def decision_time_histogram(*, session: Session, period: Period) -> list[dict[str, Any]]:
    """Decided items by time from receipt to decision, in fixed buckets."""
    d = seconds_between(dialect(session), Item.received_at, Decision.decided_at)
    whens = [(d < bound, index) for index, (_, bound) in enumerate(BUCKETS[:-1])]
    bucket = case(*whens, else_=len(BUCKETS) - 1)
    rows = dict(session.execute(
        select(bucket, func.count()).select_from(Item).join(Request, Request.id == Item.request_id)
        .join(Decision, standing_decision())
        .where(_in(Request.received_at, period), Item.decided_at.is_not(None)).group_by(bucket)
    ).all())
    return [{"bucket": label, "items": int(rows.get(i, 0))} for i, (label, _) in enumerate(BUCKETS)]


def google_summary(*, session: Session, period: Period) -> list[dict[str, Any]]:
    """Per jurisdiction, Google's summary figures for government requests: all, court orders,
    and other requests (executive, police, regulators)."""
    per = _per_request(period)
    court = Submitter.kind == RequesterKind.court.value
    rows = session.execute(
        select(Request.jurisdiction, Jurisdiction.name,
               func.count(), func.sum(per.c.complied), func.sum(per.c.n_items),
               func.sum(case((court, 1), else_=0)), func.sum(case((court, per.c.complied), else_=0)),
               func.sum(case((court, per.c.n_items), else_=0)))
        .select_from(per).join(Request, Request.id == per.c.request_id)
        .join(Submitter, Submitter.id == Request.submitter_id)
        .join(Jurisdiction, Jurisdiction.code == Request.jurisdiction)
        .where(Submitter.kind.in_(GOVERNMENT_KINDS))
        .group_by(Request.jurisdiction, Jurisdiction.name).order_by(Jurisdiction.name)
    ).all()
    out = []
    for code, country, n, c, i, cn, cc, ci in rows:
        n, c, i, cn, cc, ci = (int(x or 0) for x in (n, c, i, cn, cc, ci))
        out.append({"country": country, "code": code,
                    "all": {"requests": n, "complied_share": _share(c, n), "items": i},
                    "court": {"requests": cn, "complied_share": _share(cc, cn), "items": ci},
                    "other": {"requests": n - cn, "complied_share": _share(c - cc, n - cn), "items": i - ci}})
    return out


def report(*, session: Session, period: Period, now: dt.datetime) -> dict[str, Any]:
    """The whole period report as plain data (no personal data: no names of people, no user ids)."""
    from docket.transparency.equal import equal_treatment

    counts = _counts(session, period)
    return {
        "period": {"label": period.label, "from": period.start.isoformat(), "to": period.end.isoformat(),
                   "ending": period.ending.isoformat(), "complete": period.complete(now)},
        "generated_at": now.isoformat(),
        "totals": {**counts, "complied_share": _share(counts["requests_complied"], counts["requests"])},
        "median_hours": _median_times(session, period),
        "requests": request_breakdown(session=session, period=period),
        "outcomes": outcome_breakdown(session=session, period=period),
        "outcome_totals": outcome_totals(session=session, period=period),
        "requests_by_month": requests_by_month(session=session, period=period),
        "decision_times": decision_time_histogram(session=session, period=period),
        "user_reports": user_reports(session=session, period=period),
        "google_summary": google_summary(session=session, period=period),
        "equal_treatment": equal_treatment(session=session, period=period),
    }


__all__ = ["report", "medians", "COMPLIED", "GOVERNMENT_KINDS"]
