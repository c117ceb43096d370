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

from sqlalchemy import Integer, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from docket import store
from docket.appeals.models import Appeal
from docket.catalog import service as catalog
from docket.catalog.models import Jurisdiction, RequesterKind
from docket.intake.models import AuthorityKind, Item, Measure, MeasureKind, Report, Request
from docket.items.states import Outcome
from docket.notices.models import NoticeHold
from docket.outbox.models import OutboxMessage
from docket.parties.models import Submitter
from docket.review.models import Decision
from docket.store import index_walks
from docket.transparency.equal import equal_treatment
from docket.transparency.figures import hours, share, within
from docket.transparency.medians import median
from docket.transparency.periods import Period

COMPLIED = (Outcome.restricted.value, Outcome.removed_policy.value)
# The measures asking for user data: counted apart from the content figures.
DATA_KINDS = (MeasureKind.disclose_data, MeasureKind.preserve_data)
PENDING = "pending"
WORK_MEM = "64MB"
# Time-to-decision histogram buckets: (label, upper bound in seconds, exclusive).
BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 1 h", 3600), ("1–24 h", 86400), ("1–2 days", 2 * 86400), ("2–7 days", 7 * 86400),
    ("7–30 days", 30 * 86400), ("≥ 30 days", float("inf")),
)


def standing() -> Any:
    """Whether a decision is its item's standing decision (an item has at most one): in
    effect now, or a restriction reversed on appeal. Rejected decisions never took effect;
    a reversed decision not to act was replaced by the item's reopening."""
    return and_(Decision.effective_at.is_not(None),
                or_(Decision.status == "effective",
                    and_(Decision.status == "reversed", Decision.outcome.in_(COMPLIED))))


def standing_decision() -> Any:
    """The join condition of an item and its standing decision."""
    return and_(Decision.item_id == Item.id, standing())


def item_outcome() -> Any:
    """An item's outcome for a report (see the module's docstring): the outcome of its
    standing decision, which review keeps on the item as ``action_outcome``."""
    return func.coalesce(Item.action_outcome, PENDING)


# ---------------------------------------------------------------- the passes
# A report reads each large table once: the items (one covering index scan, grouped per
# request), the requests, the acknowledgements; the medians walk an index of the
# durations; the rest are small tables. Intake copies onto each item its request's
# jurisdiction, reason, submitter and received_at, and review keeps on it the outcome of
# the standing decision and the seconds to decide and to give effect, so no pass joins
# the decisions (a million rows a half-year) or the requests.

OUTCOMES = (*(o.value for o in Outcome), PENDING)


def _item_groups(session: Session, period: Period) -> list[dict[str, Any]]:
    """One pass over the period's items (index ``ix_items_report``), grouped per request
    and then per jurisdiction × reason × submitter: requests, items, complied requests,
    decided, trusted-flagger and coordinated items, and items and requests per outcome."""
    outcome = item_outcome()
    per_request = (
        # Grouped by the request (its other keys are the same on all its items, and so is
        # received_at, which leads the index): an index-ordered aggregate, no sort.
        select(Item.request_id, func.min(Item.jurisdiction).label("j"), func.min(Item.reason).label("r"),
               func.min(Item.submitter_id).label("s"), func.count().label("n"),
               func.max(case((Item.action_outcome.in_(COMPLIED), 1), else_=0)).label("c"),
               func.count(Item.action_outcome).label("decided"),
               func.sum(case((Item.flag_rank == 0, 1), else_=0)).label("trusted"),
               func.sum(case((Item.possible_coordination.is_(True), 1), else_=0)).label("coordinated"),
               *(func.sum(case((outcome == o, 1), else_=0)).label(f"o{i}") for i, o in enumerate(OUTCOMES)))
        .where(within(Item.received_at, period))
        .group_by(Item.received_at, Item.request_id).subquery()
    )
    p = per_request.c
    rows = session.execute(
        select(p.j, p.r, p.s, func.count(), func.sum(p.n), func.sum(p.c), func.sum(p.decided), func.sum(p.trusted),
               func.sum(p.coordinated),
               *(x for i in range(len(OUTCOMES)) for x in (func.sum(p[f"o{i}"]),
                                                          func.sum(case((p[f"o{i}"] > 0, 1), else_=0)))))
        .group_by(p.j, p.r, p.s)
    ).all()
    groups = []
    for j, r, s, requests, items, complied, decided, trusted, coordinated, *by_outcome in rows:
        outcomes = {o: (int(by_outcome[2 * i] or 0), int(by_outcome[2 * i + 1] or 0))
                    for i, o in enumerate(OUTCOMES) if by_outcome[2 * i]}
        groups.append({"jurisdiction": j, "reason": r, "submitter_id": s, "requests": int(requests),
                       "items": int(items or 0), "complied": int(complied or 0), "decided": int(decided or 0),
                       "trusted": int(trusted or 0), "coordinated": int(coordinated or 0), "outcomes": outcomes})
    return groups


def _durations(session: Session, period: Period, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The medians of the time to decide and to give effect, overall and (to decide) per
    submitter × jurisdiction, and the time-to-decision histogram, from the durations kept
    on the decided items. ``groups`` (the item pass) says how many items each median is over."""
    decided: dict[tuple[Any, ...], int] = {}
    for g in groups:
        key = (g["submitter_id"], g["jurisdiction"])
        decided[key] = decided.get(key, 0) + g["decided"]
    total = sum(decided.values())
    walk: dict[str, Any] = {"period_column": Item.received_at, "period": period}
    by_group = {key: index_walks.index_median(session, Item.decide_seconds, n, index="ix_items_submitter_decide",
                                            equal=((Item.submitter_id, key[0]), (Item.jurisdiction, key[1])), **walk)
                for key, n in sorted(decided.items(), key=lambda kv: (kv[0][0], kv[0][1])) if n}
    return {"decide": index_walks.index_median(session, Item.decide_seconds, total, index="ix_items_decide", **walk),
            "give_effect": index_walks.index_median(session, Item.effect_seconds, total, index="ix_items_effect",
                                                  **walk),
            "histogram": index_walks.index_histogram(session, Item.decide_seconds, [b for _, b in BUCKETS[:-1]],
                                                   index="ix_items_decide", **walk),
            "by_group": by_group}


def _request_groups(session: Session, period: Period) -> list[tuple[Any, ...]]:
    """One pass over the period's requests: per submitter × jurisdiction × month × channel,
    requests, clarified requests and emergencies."""
    month = store.backend_of(session).month_of(Request.received_at)
    return [tuple(row) for row in session.execute(
        select(Request.submitter_id, Request.jurisdiction, month, Request.channel, func.count(),
               func.sum(case((Request.clarifications > 0, 1), else_=0)),
               func.sum(case((Request.emergency.is_(True), 1), else_=0)))
        .where(within(Request.received_at, period))
        .group_by(Request.submitter_id, Request.jurisdiction, month, Request.channel)
    ).all()]


def _content_request_groups(session: Session, period: Period) -> list[tuple[Any, ...]]:
    """:func:`_request_groups` of the requests that name content: without the requests for
    user data only (no items), which the data figures count. Those are found from the data
    measures (few) and taken off the groups, so the pass over the requests stays one
    covering scan."""
    month = store.backend_of(session).month_of(Request.received_at)
    data_only = {tuple(row[:4]): row[4:] for row in session.execute(
        select(Request.submitter_id, Request.jurisdiction, month, Request.channel, func.count(),
               func.sum(case((Request.clarifications > 0, 1), else_=0)),
               func.sum(case((Request.emergency.is_(True), 1), else_=0)))
        .where(within(Request.received_at, period),
               Request.id.in_(select(Measure.request_id).where(Measure.kind.in_(DATA_KINDS))),
               ~exists().where(Item.request_id == Request.id))
        .group_by(Request.submitter_id, Request.jurisdiction, month, Request.channel)
    ).all()}
    rows = []
    for row in _request_groups(session, period):
        taken = data_only.get(tuple(row[:4]))
        if taken is not None:
            row = (*row[:4], *(int(have or 0) - int(less or 0) for have, less in zip(row[4:], taken, strict=True)))
        if row[4]:
            rows.append(row)
    return rows


def _issued(session: Session, period: Period) -> list[tuple[Any, ...]]:
    """The period's requests whose order names the authority that decided it (index
    ``ix_requests_authority_report``), per jurisdiction × submitter × whether that authority
    is a court: requests, items and complied requests. Google's summary counts these as
    court orders or other orders by the authority's kind, not by the submitter's."""
    court = Request.authority_kind == AuthorityKind.court.value
    per_request = (
        select(Item.request_id, func.min(Item.jurisdiction).label("j"), func.min(Item.submitter_id).label("s"),
               func.max(case((court, 1), else_=0)).label("court"), func.count().label("n"),
               func.max(case((Item.action_outcome.in_(COMPLIED), 1), else_=0)).label("c"))
        .join(Request, Request.id == Item.request_id)
        .where(Request.authority_kind.is_not(None), within(Request.received_at, period))
        .group_by(Item.request_id).subquery()
    )
    p = per_request.c
    return [tuple(row) for row in session.execute(
        select(p.j, p.s, p.court, func.count(), func.sum(p.n), func.sum(p.c)).group_by(p.j, p.s, p.court)
    ).all()]


def _acknowledgements(session: Session, period: Period) -> float | None:
    """The median time from receipt to the acknowledgement sent (DSA Art. 16(4))."""
    request_id = cast(func.substr(OutboxMessage.subject, len("request:") + 1), Integer)
    return median(session, select(
        store.backend_of(session).seconds_between(Request.received_at, OutboxMessage.sent_at).label("d"))
        .select_from(OutboxMessage).join(Request, Request.id == request_id)
        .where(OutboxMessage.kind == "acknowledgement", OutboxMessage.sent_at.is_not(None),
               within(Request.received_at, period)))


def _small(session: Session, period: Period) -> dict[str, Any]:
    """Gag orders, appeals and user reports: small tables."""
    in_period = within(Request.received_at, period)
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
               func.sum(case((Appeal.status == "upheld", 1), else_=0))).where(within(Appeal.received_at, period))
    ).one()
    reports = session.execute(
        select(Report.reason, func.count()).where(within(Report.received_at, period))
        .group_by(Report.reason).order_by(Report.reason)
    ).all()
    # Requests for user data: not this desk's (referred, never acted on), so counted apart
    # from the content figures, per kind of data measure, each request once.
    data = dict(session.execute(
        select(Measure.kind, func.count(func.distinct(Measure.request_id)))
        .join(Request, Request.id == Measure.request_id)
        .where(in_period, Measure.kind.in_(DATA_KINDS))
        .group_by(Measure.kind)
    ).all())
    return {"data_disclosure_requests": int(data.get(MeasureKind.disclose_data, 0)),
            "data_preservation_requests": int(data.get(MeasureKind.preserve_data, 0)),
            "gag_holds": int(holds or 0), "notices_held": int(held or 0), "appeals": int(appeals or 0),
            "appeals_reversed": int(reversed_ or 0), "appeals_upheld": int(upheld or 0),
            "user_reports": [{"reason": r, "reports": int(n)} for r, n in reports]}


# ---------------------------------------------------------------- the figures
def _sum(rows: list[dict[str, Any]], key: str) -> int:
    return sum(int(r[key]) for r in rows)


def _google(groups: list[dict[str, Any]], issued: list[tuple[Any, ...]], kinds: dict[int, str],
            places: dict[str, str], government: frozenset[str]) -> list[dict[str, Any]]:
    """Per jurisdiction, Google's summary figures for government requests: all, court orders,
    and other requests (executive, police, regulators). An order is a court's when the
    authority that decided it is a court (``issued``: the requests whose order names it),
    else when its submitter is a court."""
    by_place: dict[str, list[int]] = {}
    for g in groups:
        if g["kind"] in government:
            court = g["kind"] == RequesterKind.court.value
            f = by_place.setdefault(g["jurisdiction"], [0] * 6)
            for i, value in enumerate((g["requests"], g["complied"], g["items"])):
                f[i] += value
                f[3 + i] += value if court else 0
    for j, s, court, requests, items, complied in issued:
        submitter_court = kinds.get(s) == RequesterKind.court.value
        if kinds.get(s) not in government or bool(court) == submitter_court:
            continue
        # Counted above by the submitter's kind: move them to the issuing authority's column.
        sign = 1 if court else -1
        f = by_place[j]
        for i, value in enumerate((requests, complied, items)):
            f[3 + i] += sign * int(value or 0)
    out = []
    for code, (n, c, i, cn, cc, ci) in sorted(by_place.items(), key=lambda kv: (places.get(kv[0], kv[0]), kv[0])):
        out.append({"country": places.get(code, code), "code": code,
                    "all": {"requests": n, "complied_share": share(c, n), "items": i},
                    "court": {"requests": cn, "complied_share": share(cc, cn), "items": ci},
                    "other": {"requests": n - cn, "complied_share": share(c - cc, n - cn), "items": i - ci}})
    return out


def report(*, session: Session, period: Period, now: dt.datetime) -> dict[str, Any]:
    """The whole period report as plain data (no personal data: no names of people, no user ids)."""
    # Sorting and grouping a half year of items fits in memory with a little more than
    # PostgreSQL's default 4 MB (which spills to disk); for this transaction only.
    store.backend_of(session).set_work_mem(session, WORK_MEM)
    groups = _item_groups(session, period)
    times = _durations(session, period, groups)
    request_rows = _content_request_groups(session, period)
    small = _small(session, period)
    ids = sorted({g["submitter_id"] for g in groups} | {r[0] for r in request_rows})
    orgs = {s.id: s for s in session.execute(select(Submitter).where(Submitter.id.in_(ids))).scalars()} if ids else {}
    places = dict(session.execute(select(Jurisdiction.code, Jurisdiction.name)).all())
    # Which kinds are governments is the catalog's word (catalog.kind_places), not code's.
    government = catalog.kind_places(session=session).government
    for g in groups:
        g["kind"] = str(orgs[g["submitter_id"]].kind)
    issued = _issued(session, period)
    # The content figures count requests through their items; a request for user data only
    # has none, and counts in the data figures alone (not in the months, clarifications,
    # emergencies or equal-treatment figures, which count requests about content).
    by_kind: dict[tuple[str, str, str], list[int]] = {}
    outcome_rows: dict[tuple[str, str, str, str], list[int]] = {}
    outcome_items: dict[str, int] = {}
    for g in groups:
        key = (g["jurisdiction"], g["kind"], g["reason"])
        f = by_kind.setdefault(key, [0, 0, 0])
        f[0], f[1], f[2] = f[0] + g["requests"], f[1] + g["items"], f[2] + g["complied"]
        for o, (items, requests) in g["outcomes"].items():
            row = outcome_rows.setdefault((*key, o), [0, 0])
            row[0], row[1] = row[0] + items, row[1] + requests
            outcome_items[o] = outcome_items.get(o, 0) + items
    requests, items, complied = _sum(groups, "requests"), _sum(groups, "items"), _sum(groups, "complied")
    totals = {
        "requests": requests, "items": items, "items_decided": _sum(groups, "decided"),
        "requests_complied": complied, "clarifications": sum(int(r[5] or 0) for r in request_rows),
        "emergencies": sum(int(r[6] or 0) for r in request_rows), "gag_holds": small["gag_holds"],
        "notices_held": small["notices_held"], "appeals": small["appeals"],
        "appeals_reversed": small["appeals_reversed"], "appeals_upheld": small["appeals_upheld"],
        "trusted_flagger_items": _sum(groups, "trusted"), "coordinated_bursts": _sum(groups, "coordinated"),
        "data_disclosure_requests": small["data_disclosure_requests"],
        "data_preservation_requests": small["data_preservation_requests"],
    }
    months: dict[tuple[str, str], int] = {}
    for _s, j, month, _channel, n, _c, _e in request_rows:
        months[(month, j)] = months.get((month, j), 0) + int(n)
    return {
        "period": {"label": period.label, "from": period.start.isoformat(), "to": period.end.isoformat(),
                   "ending": period.ending.isoformat(), "complete": period.complete(now)},
        "generated_at": now.isoformat(),
        "totals": {**totals, "complied_share": share(complied, requests)},
        "median_hours": {"acknowledge": hours(_acknowledgements(session, period)),
                         "decide": hours(times["decide"]), "give_effect": hours(times["give_effect"])},
        "requests": [{"jurisdiction": j, "requester_kind": k, "reason": r, "requests": n, "items": i,
                      "requests_complied": c, "complied_share": share(c, n)}
                     for (j, k, r), (n, i, c) in sorted(by_kind.items())],
        "outcomes": [{"jurisdiction": j, "requester_kind": k, "reason": r, "outcome": o, "items": i, "requests": n}
                     for (j, k, r, o), (i, n) in sorted(outcome_rows.items())],
        "outcome_totals": [{"outcome": o, "items": n, "share": share(n, items)}
                           for o, n in sorted(outcome_items.items())],
        "requests_by_month": [{"month": m, "jurisdiction": j, "requests": n} for (m, j), n in sorted(months.items())],
        "decision_times": [{"bucket": label, "items": int(times["histogram"][i])}
                           for i, (label, _) in enumerate(BUCKETS)],
        "user_reports": small["user_reports"],
        "google_summary": _google(groups, issued, {i: str(o.kind) for i, o in orgs.items()}, places, government),
        "equal_treatment": equal_treatment(groups=groups, times=times["by_group"], request_rows=request_rows,
                                           orgs=orgs, government=government),
    }


__all__ = ["report", "item_outcome", "standing_decision", "COMPLIED", "DATA_KINDS"]
