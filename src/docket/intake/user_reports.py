"""User reports: the platform's users and the public form report content through intake.

A report about content on a ground (the platform's rules, or the law of one
jurisdiction) joins the open case for that content and ground — one review item,
which counts its reports and distinct reporters. A new case is opened through the
same intake path as every request (``intake.submit_many``: a request of the channel's
submitter, with one item, checked by ``prepare_many``). A report on content already
decided on that ground joins the decided case unless the content changed since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from docket import audit, store
from docket.catalog import service as catalog
from docket.content import service as content_registry
from docket.content.models import Content
from docket.errors import DocketError, Forbidden, Unprocessable
from docket.intake import completeness
from docket.intake import submission as intake
from docket.intake.models import Channel, Item, Report, ReporterSuspension
from docket.intake.schemas import ItemIn, ReportIn, RequestCreate, normalized_url
from docket.items.states import ItemState
from docket.parties.models import Submitter
from docket.settings import Settings
from docket.store import utcnow

COORDINATION_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Accepted:
    report_id: int
    item_id: int
    new_case: bool
    # The reporter had reported this case already: nothing was stored, and ``report_id``
    # is its first report's (a case counts each reporter's report once).
    repeat: bool = False


def ground_of(report: ReportIn) -> str:
    return f"law:{report.jurisdiction}" if report.jurisdiction else "policy"


def _check(session: Session, report: ReportIn) -> None:
    errors = []
    if not catalog.reason_exists(session=session, code=report.reason):
        errors.append({"field": "reason", "message": f"unknown reason {report.reason!r}"})
    if report.jurisdiction and catalog.jurisdiction_info(session=session, code=report.jurisdiction) is None:
        errors.append({"field": "jurisdiction", "message": f"unknown country {report.jurisdiction!r}"})
    if errors:
        raise Unprocessable("some references are not in the catalog", errors=errors)


def suspended(*, session: Session, reporter_key: str, now: dt.datetime) -> ReporterSuspension | None:
    return session.execute(
        select(ReporterSuspension).where(ReporterSuspension.reporter_key == reporter_key,
                                         ReporterSuspension.starts_at <= now, ReporterSuspension.ends_at > now)
        .order_by(ReporterSuspension.ends_at.desc()).limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class Incoming:
    """One report of a batch, with who sent it and through which channel."""

    report: ReportIn
    reporter_key: str
    channel: str


def submit_report(
    *, session: Session, settings: Settings, channel_submitter: Submitter, report: ReportIn,
    reporter_key: str, channel: str, now: dt.datetime | None = None,
) -> Accepted:
    """Take one report (a batch of one): raises its problem, or returns where it went."""
    [result] = submit_reports(session=session, settings=settings, channel_submitter=channel_submitter,
                              incoming=[Incoming(report, reporter_key, channel)], now=now)
    if isinstance(result, DocketError):
        raise result
    return result


@dataclass
class Plan:
    """What a batch's reads decided, before its write transaction: each report's problem
    with the catalog (if any), its content and case key, and the requests that would open
    the cases its keys had none for at that moment. :func:`submit_reports` checks the
    cases again under the write lock and prepares whatever changed meanwhile."""

    now: dt.datetime
    problems: dict[int, DocketError]
    content_of: dict[int, str | None]
    key_of: dict[int, str]
    prepared: dict[int, intake.Prepared]  # by the index of the report that opens the case


def plan_reports(
    *, session: Session, settings: Settings, channel_submitter: Submitter,
    incoming: Sequence[Incoming], now: dt.datetime | None = None,
) -> Plan:
    """The reads of :func:`submit_reports`, which the API runs in a read-only transaction
    of their own, so the write transaction (on SQLite the one writer) is held only to
    store the batch."""
    now = now or utcnow()
    problems: dict[int, DocketError] = {}
    for index, one in enumerate(incoming):
        try:
            _check(session, one.report)
        except DocketError as exc:
            problems[index] = exc
    checked = [i for i in range(len(incoming)) if i not in problems]

    # Where each report goes: its subject (content id, else normalized URL) and ground.
    normalized = {i: normalized_url(incoming[i].report.url) if incoming[i].report.url else None
                  for i in checked}
    by_url = content_registry.ids_by_urls(
        session=session,
        normalized=sorted({u for i, u in normalized.items()
                           if u and not incoming[i].report.content_id}),
    )
    content_of: dict[int, str | None] = {}
    key_of: dict[int, str] = {}
    for i in checked:
        report = incoming[i].report
        content_id = report.content_id
        if content_id is None and (url := normalized[i]) is not None and url in by_url:
            content_id = by_url[url]
        content_of[i] = content_id
        subject = f"content:{content_id}" if content_id else f"url:{normalized[i]}"
        key_of[i] = f"{subject}|{ground_of(report)}"
    plan = Plan(now, problems, content_of, key_of, {})
    cases = _existing_cases(session, sorted(set(key_of.values())))
    _prepare_openers(session, settings, channel_submitter, incoming, plan,
                     _openers(plan, checked, cases))
    return plan


def _openers(plan: Plan, live: Sequence[int], case_of: dict[str, int]) -> dict[str, int]:
    """One report per key without a case to join, the first: it opens the case."""
    openers: dict[str, int] = {}
    for i in live:
        key = plan.key_of[i]
        if key not in case_of and key not in openers:
            openers[key] = i
    return openers


def _prepare_openers(session: Session, settings: Settings, channel_submitter: Submitter,
                     incoming: Sequence[Incoming], plan: Plan, openers: dict[str, int]) -> None:
    """Prepare the requests that open the cases of ``openers`` (those not prepared yet)."""
    todo = [i for i in openers.values() if i not in plan.prepared]
    if not todo:
        return
    data = []
    for i in todo:
        report = incoming[i].report
        content_id = plan.content_of[i]
        # Built from a validated report, so not validated a second time; every field is
        # given, since pydantic's default factories are slow to call in model_construct.
        data.append(RequestCreate.model_construct(
            jurisdiction=report.jurisdiction or channel_submitter.country, reference=None,
            legal_basis=[], reason=report.reason, explanation=report.explanation,
            requested_action="restrict", requested_scope=[], issuing_officer=None,
            language=None, confidential=False, confidentiality_basis=None, emergency=False,
            emergency_explanation=None, bona_fide=report.bona_fide, order=None, measures=None, other_items=None,
            items=[ItemIn.model_construct(content_id=content_id, url=None) if content_id
                   else _item_as_written(report)],
        ))
    prepared = intake.prepare_many(session=session, settings=settings,
                                   submitter=channel_submitter, data=data,
                                   channel=Channel.report, now=plan.now)
    plan.prepared.update(zip(todo, prepared, strict=True))


def submit_reports(
    *, session: Session, settings: Settings, channel_submitter: Submitter,
    incoming: Sequence[Incoming], now: dt.datetime | None = None, plan: Plan | None = None,
) -> list[Accepted | DocketError]:
    """Take a batch of reports, set-based: check each against the catalog and the
    suspensions, find or open its case, record it, recount its cases, and append every
    audit event at the end — a few statements per batch, not per report.

    ``plan`` is what :func:`plan_reports` read for the same batch beforehand (default:
    read now, in this transaction). Each report gets its own result: ``Accepted``, or
    the problem that refused it (the others go on). Cases are found and opened under a
    lock per case key (PostgreSQL: advisory transaction locks, in key order; SQLite: its
    single writer), so concurrent batches never open two cases for one content and
    ground, nor lose a count."""
    if plan is None:
        plan = plan_reports(session=session, settings=settings,
                            channel_submitter=channel_submitter, incoming=incoming, now=now)
    now = plan.now
    results: list[Accepted | DocketError | None] = [plan.problems.get(i)
                                                     for i in range(len(incoming))]
    _refuse_suspended(session, incoming, results, now)
    live = [i for i, r in enumerate(results) if r is None]
    if not live:
        return results  # type: ignore[return-value]
    key_of = plan.key_of
    keys = sorted({key_of[i] for i in live})
    _lock_cases(session, keys)
    case_of = _existing_cases(session, keys)  # again: another batch may have opened some
    stored_before, first_in_batch = _repeats(session, incoming, live, key_of, case_of)
    for i, report_id in stored_before.items():
        results[i] = Accepted(report_id, case_of[key_of[i]], False, repeat=True)
    live = [i for i in live if i not in stored_before and i not in first_in_batch]

    openers = _openers(plan, live, case_of)
    events: list[audit.NewEvent] = []
    fresh: dict[int, Counts] = {}  # the counts of the cases this batch opens, by item id
    if openers:
        _prepare_openers(session, settings, channel_submitter, incoming, plan, openers)
        prepared = [plan.prepared[i] for i in openers.values()]
        # A case the batch opens has no reports but the batch's: its counts are known
        # before it is stored, so they are written with it rather than updated after.
        counts = _count([(key_of[i], incoming[i]) for i in live if key_of[i] in openers])
        for key, opener in zip(openers, prepared, strict=True):
            values = opener.item_values[0]
            values["case_key"] = key
            values.update(report_count=counts[key].reports, reporter_count=counts[key].reporters,
                          crowd=-counts[key].reporters,
                          possible_coordination=counts[key].coordinated)
        intake.submit_many(session=session, prepared=prepared, events=events)
        for key, opener in zip(openers, prepared, strict=True):
            case_of[key] = opener.item_values[0]["id"]
            fresh[case_of[key]] = counts[key]
    new_cases = set(openers.values())

    rows: list[dict[str, Any]] = []
    for i in live:
        one, report = incoming[i], incoming[i].report
        rows.append({
            "item_id": case_of[key_of[i]], "channel": one.channel,
            "reporter_key": one.reporter_key, "reporter_name": report.reporter_name,
            "reporter_email": report.reporter_email,
            "reporter_verified": report.reporter_verified, "reason": report.reason,
            "jurisdiction": report.jurisdiction, "explanation": report.explanation,
            "bona_fide": report.bona_fide, "art16_notice": _art16(report), "received_at": now,
        })
    report_ids = store.insert_rows(session, Report, rows)
    for i, row, report_id in zip(live, rows, report_ids, strict=True):
        one = incoming[i]
        events.append(audit.NewEvent(
            actor=f"reporter:{one.reporter_key}", action="report:received",
            subject=f"item:{row['item_id']}",
            payload={"report": report_id, "case": key_of[i], "new_case": i in new_cases,
                     "reason": one.report.reason, "art16": row["art16_notice"],
                     "channel": one.channel, "received_at": now.isoformat()}))
        results[i] = Accepted(report_id, row["item_id"], i in new_cases)
    for i, first in first_in_batch.items():
        taken = results[first]
        assert isinstance(taken, Accepted)
        results[i] = Accepted(taken.report_id, taken.item_id, False, repeat=True)
    events += _recount(session, sorted({r["item_id"] for r in rows} - fresh.keys()), fresh, now)
    audit.record_many(session=session, events=events)
    return results  # type: ignore[return-value]


def _repeats(session: Session, incoming: Sequence[Incoming], live: Sequence[int],
             key_of: dict[int, str], case_of: dict[str, int]) -> tuple[dict[int, int], dict[int, int]]:
    """Reports whose reporter reported the same case before: by index, the id of its report
    already stored, and the index of its first report in this batch. Each reporter counts
    once per case, however often it sends the same report."""
    cases = sorted({case_of[key_of[i]] for i in live if key_of[i] in case_of})
    reporters = sorted({incoming[i].reporter_key for i in live})
    earlier: dict[tuple[int, str], int] = {}
    if cases:
        earlier = {(item_id, key): int(first) for item_id, key, first in session.execute(
            select(Report.item_id, Report.reporter_key, func.min(Report.id))
            .where(Report.item_id.in_(cases), Report.reporter_key.in_(reporters))
            .group_by(Report.item_id, Report.reporter_key))}
    stored_before: dict[int, int] = {}
    first_in_batch: dict[int, int] = {}
    first: dict[tuple[str, str], int] = {}
    for i in live:
        case, who = key_of[i], incoming[i].reporter_key
        if (case_of.get(case), who) in earlier:
            stored_before[i] = earlier[(case_of[case], who)]
        elif (case, who) in first:
            first_in_batch[i] = first[(case, who)]
        else:
            first[(case, who)] = i
    return stored_before, first_in_batch


def _art16(report: ReportIn) -> bool:
    """Whether a report carries the DSA Art. 16 elements, by the one completeness check:
    an explanation, the exact location, the reporter's name and e-mail (not needed for
    child sexual abuse, Art. 16(2)(c)) and the statement of good faith."""
    url = normalized_url(report.url) if report.url and not report.content_id else None
    return not completeness.missing_elements(
        authority=False, has_contact=bool(report.reporter_name and report.reporter_email),
        legal_basis=[], explanation=report.explanation, reason=report.reason, bona_fide=report.bona_fide,
        confidential=False, confidentiality_basis=None, emergency=False, emergency_explanation=None,
        items=[completeness.ItemCheck(0, url, report.content_id)],
    )


def _refuse_suspended(session: Session, incoming: Sequence[Incoming],
                      results: list[Accepted | DocketError | None], now: dt.datetime) -> None:
    keys = sorted({incoming[i].reporter_key for i, r in enumerate(results) if r is None})
    if not keys:
        return
    until: dict[str, tuple[dt.datetime, str]] = {}
    for key, ends_at, reason in session.execute(
        select(ReporterSuspension.reporter_key, ReporterSuspension.ends_at, ReporterSuspension.reason)
        .where(ReporterSuspension.reporter_key.in_(keys), ReporterSuspension.starts_at <= now,
               ReporterSuspension.ends_at > now)
    ):
        if key not in until or ends_at > until[key][0]:
            until[key] = (ends_at, reason)
    for index, one in enumerate(incoming):
        if results[index] is None and one.reporter_key in until:
            ends_at, reason = until[one.reporter_key]
            results[index] = Forbidden(f"this reporter is suspended from reporting until {ends_at:%Y-%m-%d}: "
                                       f"{reason}")


def _lock_cases(session: Session, keys: Sequence[str]) -> None:
    """Serialize batches that touch the same case keys (PostgreSQL), in one statement.

    Locks are taken in hash order, so two batches never wait on each other in a cycle.
    SQLite needs nothing: its writers are serialized already."""
    store.backend_of(session).lock_keys(session, keys)


def _existing_cases(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """The case each key's reports join: the latest item of the key, if it is still open,
    or if it is decided and its content has not changed since the decision."""
    latest: dict[str, tuple[int, ItemState, dt.datetime | None, str | None]] = {}
    for item_id, key, status, decided_at, content_id in session.execute(
        select(Item.id, Item.case_key, Item.status, Item.decided_at, Item.content_id)
        .where(Item.case_key.in_(keys)).order_by(Item.id.desc())
    ):
        latest.setdefault(cast(str, key), (item_id, status, decided_at, content_id))  # matched keys: not None
    decided_content = sorted({c for _, s, _, c in latest.values() if s == ItemState.decided and c})
    changed_at = dict(session.execute(
        select(Content.id, Content.updated_at).where(Content.id.in_(decided_content))
    ).all()) if decided_content else {}
    joined: dict[str, int] = {}
    for key, (item_id, status, decided_at, content_id) in latest.items():
        if status != ItemState.decided:
            joined[key] = item_id
        elif content_id is not None:
            updated = changed_at.get(content_id)
            if updated is None or decided_at is None or updated <= decided_at:
                joined[key] = item_id  # already decided on this ground, and the content is the same
    return joined


@dataclass(frozen=True)
class Counts:
    """A case's reports, distinct reporters, and those of the coordination window."""

    reports: int
    reporters: int
    burst: int
    unverified: int
    flagged_before: bool = False

    @property
    def coordinated(self) -> bool:
        """A possibly coordinated burst: many reports in the window, mostly unverified."""
        return self.flagged_before or (self.burst >= BURST_REPORTS
                                       and self.unverified >= 0.7 * self.burst)


def _count(reports: Sequence[tuple[str, Incoming]]) -> dict[str, Counts]:
    """The counts of new cases, by key, from their reports (all received now)."""
    grouped: dict[str, list[Incoming]] = {}
    for key, one in reports:
        grouped.setdefault(key, []).append(one)
    return {key: Counts(len(its), len({one.reporter_key for one in its}), len(its),
                        sum(1 for one in its if not one.report.reporter_verified))
            for key, its in grouped.items()}


def _recount(session: Session, item_ids: Sequence[int], fresh: dict[int, Counts],
             now: dt.datetime) -> list[audit.NewEvent]:
    """Recount the cases a batch joined (``item_ids``), in one grouped query, and flag
    coordinated bursts (for the reviewer; never acted on automatically) there and in the
    cases it opened (``fresh``, counted already). Returns the flag events."""
    window = now - COORDINATION_WINDOW
    counts: dict[int, Counts] = {}
    if item_ids:
        flagged_before = set(session.execute(
            select(Item.id).where(Item.id.in_(item_ids), Item.possible_coordination.is_(True))
        ).scalars())
        for item_id, reports, reporters, burst, unverified in session.execute(
            select(Report.item_id, func.count(), func.count(func.distinct(Report.reporter_key)),
                   func.sum(case((Report.received_at >= window, 1), else_=0)),
                   func.sum(case((and_(Report.received_at >= window,
                                       Report.reporter_verified.is_(False)), 1), else_=0)))
            .where(Report.item_id.in_(item_ids)).group_by(Report.item_id)
        ):
            counts[item_id] = Counts(reports, reporters, int(burst or 0), int(unverified or 0),
                                     item_id in flagged_before)
    store.update_by_id(session, Item,
                       ("report_count", "reporter_count", "crowd", "possible_coordination"),
                       [(c.reports, c.reporters, -c.reporters, c.coordinated, item_id)
                        for item_id, c in sorted(counts.items())])
    counts.update(fresh)
    return [audit.NewEvent(actor="system:reports", action="item:possible_coordination",
                          subject=f"item:{item_id}",
                          payload={"reports_in_window": c.burst, "unverified": c.unverified})
            for item_id, c in sorted(counts.items()) if c.coordinated and not c.flagged_before]


BURST_REPORTS = 10


def reporter_contacts(*, session: Session, item_id: int) -> list[tuple[str, int]]:
    """Every distinct reporter e-mail of a case (once each) with the reference of its
    first report there (``R-<id>``, as the reporter was told), for the outcome notice."""
    return [(str(email), int(first)) for email, first in session.execute(
        select(Report.reporter_email, func.min(Report.id))
        .where(Report.item_id == item_id, Report.reporter_email.is_not(None))
        .group_by(Report.reporter_email).order_by(Report.reporter_email)
    )]


def has_reported(*, session: Session, reporter_key: str) -> bool:
    """Whether docket holds any report from ``reporter_key``."""
    return session.execute(
        select(Report.id).where(Report.reporter_key == reporter_key).limit(1)).first() is not None


def suspend(*, session: Session, actor: str, reporter_key: str, reason: str, days: int,
            now: dt.datetime) -> ReporterSuspension:
    """Suspend a reporter from reporting (DSA Art. 23), counting its unfounded reports."""
    unfounded = session.execute(
        select(func.count()).select_from(Report).join(Item, Item.id == Report.item_id)
        .where(Report.reporter_key == reporter_key, Item.outcome == "no_action")
    ).scalar_one()
    suspension = ReporterSuspension(reporter_key=reporter_key, reason=reason, unfounded_reports=unfounded,
                                    starts_at=now, ends_at=now + dt.timedelta(days=days), suspended_by=actor)
    session.add(suspension)
    session.flush()
    audit.record(session=session, actor=actor, action="reporter:suspended", subject=f"reporter:{reporter_key}",
                 payload={"reason": reason, "days": days, "unfounded_reports": unfounded})
    return suspension


def list_reports(*, session: Session, item_id: int) -> Sequence[Report]:
    return session.execute(select(Report).where(Report.item_id == item_id).order_by(Report.id)).scalars().all()


def _item_as_written(report: ReportIn) -> ItemIn:
    """The report's address as an item, carrying what the reporter wrote when it was read
    refanged (so the request notes it, as for any request)."""
    item = ItemIn.model_construct(url=report.url, content_id=None)
    item._given = report.given
    return item
