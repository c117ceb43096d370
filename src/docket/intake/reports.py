"""User reports: the platform's users and the public form report content through intake.

A report about content on a ground (the platform's rules, or the law of one
jurisdiction) joins the open case for that content and ground — one review item,
which counts its reports and distinct reporters. A new case is opened through the
same intake path as every request (a request of the channel's submitter, with one
item). A report on content already decided on that ground joins the decided case
unless the content changed since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docket import audit
from docket.catalog import service as catalog
from docket.content import service as content_registry
from docket.content.urls import normalize_url
from docket.db import utcnow
from docket.errors import Forbidden, Unprocessable
from docket.intake import service as intake
from docket.intake.models import Channel, Item, Report, ReporterSuspension
from docket.intake.schemas import ItemIn, ReportIn, RequestCreate
from docket.parties.models import Submitter
from docket.review.states import ItemState
from docket.settings import Settings

COORDINATION_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Accepted:
    report_id: int
    item_id: int
    new_case: bool


def reporter_key_for_address(address: str) -> str:
    """An anonymous reporter: a stable, non-reversible key of the network address."""
    return "anon:" + hashlib.sha256(address.encode()).hexdigest()[:20]


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


def submit_report(
    *, session: Session, settings: Settings, channel_submitter: Submitter, report: ReportIn,
    reporter_key: str, channel: str, now: dt.datetime | None = None,
) -> Accepted:
    """Take one report: check it, find or open its case, record it, count its reporters."""
    now = now or utcnow()
    _check(session, report)
    suspension = suspended(session=session, reporter_key=reporter_key, now=now)
    if suspension is not None:
        raise Forbidden(f"this reporter is suspended from reporting until {suspension.ends_at:%Y-%m-%d}: "
                        f"{suspension.reason}")
    content_id, normalized = report.content_id, normalize_url(report.url) if report.url else None
    if content_id is None and normalized is not None:
        found = content_registry.find_by_urls(session=session, normalized=[normalized])
        content_id = found[normalized].id if normalized in found else None
    subject = f"content:{content_id}" if content_id else f"url:{normalized}"
    case_key = f"{subject}|{ground_of(report)}"
    item, new_case = _case(session, settings, channel_submitter, report, case_key, content_id, now)
    art16 = bool(report.explanation and report.reporter_name and report.reporter_email and report.bona_fide)
    row = Report(item_id=item.id, channel=channel, reporter_key=reporter_key, reporter_name=report.reporter_name,
                 reporter_email=report.reporter_email, reporter_verified=report.reporter_verified,
                 reason=report.reason, jurisdiction=report.jurisdiction, explanation=report.explanation,
                 bona_fide=report.bona_fide, art16_notice=art16, received_at=now)
    session.add(row)
    session.flush()
    _count(session, item, now)
    audit.record(session=session, actor=f"reporter:{reporter_key}", action="report:received",
                 subject=f"item:{item.id}",
                 payload={"report": row.id, "case": case_key, "new_case": new_case, "reason": report.reason,
                          "art16": art16, "channel": channel})
    return Accepted(row.id, item.id, new_case)


def _case(session: Session, settings: Settings, submitter: Submitter, report: ReportIn, case_key: str,
          content_id: str | None, now: dt.datetime) -> tuple[Item, bool]:
    """The case a report joins: the open one, the decided one (content unchanged), or a new one."""
    for attempt in range(2):
        item = session.execute(
            select(Item).where(Item.case_key == case_key).order_by(Item.id.desc()).limit(1).with_for_update()
        ).scalar_one_or_none()
        if item is not None and item.status != ItemState.decided:
            return item, False
        if item is not None and content_id is not None:
            content = content_registry.get(session=session, content_id=content_id)
            if content is None or item.decided_at is None or content.updated_at <= item.decided_at:
                return item, False  # already decided on this ground, and the content is the same
        data = RequestCreate(
            jurisdiction=report.jurisdiction or submitter.country, reason=report.reason,
            explanation=report.explanation, bona_fide=report.bona_fide, requested_action="restrict",
            items=[ItemIn(content_id=content_id) if content_id else ItemIn(url=report.url)],
        )
        try:
            with session.begin_nested():  # a twin report may open the same case at the same moment
                request = intake.submit(session=session, settings=settings, submitter=submitter, data=data,
                                        channel=Channel.report, case_key=case_key)
            return request.items[0], True
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _count(session: Session, item: Item, now: dt.datetime) -> None:
    """Update the case's counts and look for a coordinated burst."""
    reports, reporters = session.execute(
        select(func.count(), func.count(func.distinct(Report.reporter_key))).where(Report.item_id == item.id)
    ).one()
    recent = session.execute(
        select(func.count(), func.sum(case((Report.reporter_verified.is_(False), 1), else_=0)))
        .where(Report.item_id == item.id, Report.received_at >= now - COORDINATION_WINDOW)
    ).one()
    item.report_count, item.reporter_count, item.crowd = reports, reporters, -reporters
    burst, unverified = int(recent[0] or 0), int(recent[1] or 0)
    if not item.possible_coordination and burst >= BURST_REPORTS and unverified >= 0.7 * burst:
        # Flag for the reviewer; never act on it automatically.
        item.possible_coordination = True
        audit.record(session=session, actor="system:reports", action="item:possible_coordination",
                     subject=f"item:{item.id}", payload={"reports_in_window": burst, "unverified": unverified})


BURST_REPORTS = 10


def reporter_emails(*, session: Session, item_id: int) -> list[str]:
    """Every distinct reporter e-mail of a case (once each), for the outcome notice."""
    return list(session.execute(
        select(Report.reporter_email).where(Report.item_id == item_id, Report.reporter_email.is_not(None))
        .group_by(Report.reporter_email).order_by(Report.reporter_email)
    ).scalars())


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

