"""The content reporting channel: the platform on behalf of its signed-in users, the public
form without a token, and trusted-flagger designations."""

from __future__ import annotations

import math
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import access, audit, store
from docket.bounds import ID_MAX, Id
from docket.catalog import service as catalog
from docket.deps import AppSettings, Db
from docket.errors import DocketError, Forbidden, NotFound, RateLimited, Unprocessable
from docket.intake import user_reports as reports
from docket.intake.models import Designation, Item
from docket.intake.schemas import (
    DesignatedJurisdictions,
    DesignatedReasons,
    DesignatingBody,
    DesignationCreated,
    DesignationEnd,
    DesignationRead,
    DesignationStart,
    DesignationSubmitter,
    ReportAccepted,
    ReportBatch,
    ReportBatchRead,
    ReportIn,
    ReportRead,
    SuspensionRead,
)
from docket.parties import service as parties
from docket.parties.auth import OptionalPrincipal, Permission, Principal, require
from docket.parties.models import Submitter
from docket.store import read_only, transaction, utcnow
from docket.web.client import address_key, client_address

router = APIRouter(prefix="/api/v1", tags=["reports"])
Staff = Annotated[Principal, Depends(require(Permission.requests_read_all))]
Reviewer = Annotated[Principal, Depends(require(Permission.review))]
Admin = Annotated[Principal, Depends(require(Permission.parties_write))]

CHANNEL_NAMES = {"api": "Reports from the platform's users", "form": "Reports from the public form"}
PER_REPORTER_PER_MINUTE = 20
ANONYMOUS_PER_MINUTE = 5
NEW_CASES_KEY = "anonymous-new-cases"


def _existing_channel_submitter(session: Session, channel: str) -> Submitter | None:
    return session.execute(select(Submitter).where(Submitter.name == CHANNEL_NAMES[channel],
                                                   Submitter.kind == "user")).scalars().first()


def channel_submitter(session: Session, channel: str, country: str) -> Submitter:
    """The submitter that owns the cases a channel's reports open (created on first use)."""
    found = _existing_channel_submitter(session, channel)
    return found or parties.create_submitter(session=session, actor="system:reports",
                                             name=CHANNEL_NAMES[channel], kind="user",
                                             country=country, verified=True)


def _channel_submitter(request: Request, db: Session, channel: str, country: str) -> Submitter:
    """:func:`channel_submitter`, read in a read-only transaction of its own. On PostgreSQL
    the first one is created and committed in a transaction of its own too: creating it
    appends to the audit chain, and a report's transaction must take the chain's lock
    last, after its cases' locks, or two first reports could each wait for the other's.
    (SQLite's one writer needs no such order; the call's transaction may hold it already.)"""
    factory = request.app.state.sessionmaker
    with read_only(factory) as reading:
        found = _existing_channel_submitter(reading, channel)
    if found is not None:
        return found
    backend = store.backend_of(db)
    if backend.one_writer:
        return channel_submitter(db, channel, country)
    with transaction(factory) as session:
        # Two first reports at once: the second waits here, then finds the first's.
        backend.lock_keys(session, [f"channel-submitter:{channel}"])
        return channel_submitter(session, channel, country)


def _sender(request: Request, who: Principal | None, report: ReportIn) -> tuple[str, str]:
    """The channel and reporter key of one report, after its rate limit (429 when over)."""
    limiter = request.app.state.ratelimiter
    if who is not None and who.can(Permission.content_write):
        if not report.reporter_id:
            raise Unprocessable("a report from the platform names its user",
                                errors=[{"field": "reporter_id", "message": "required with a platform token"}])
        key = f"user:{report.reporter_id}"
        limiter.hit(f"reporter:{key}", PER_REPORTER_PER_MINUTE)
        return "api", key
    if who is None:
        key = address_key(request.app.state.settings.secret_key, client_address(request))
        limiter.hit(f"report:{key}", ANONYMOUS_PER_MINUTE)
        return "form", key
    raise Forbidden("reports come from the platform's token or from the public form (no token); "
                    "organisations send requests to /api/v1/requests")


def _accepted(accepted: reports.Accepted) -> ReportAccepted:
    return ReportAccepted(report_id=accepted.report_id, item_id=accepted.item_id, new_case=accepted.new_case,
                          reference=f"R-{accepted.report_id}", repeat=accepted.repeat)


def take_report(request: Request, db: Session, settings: Any, who: Principal | None,
                report: ReportIn) -> ReportAccepted:
    """One report from the API or the public form page: the sender's limit, then the batch
    path — its reads first, in a read-only transaction of their own; then, for an anonymous
    report that would open a new case, the ceiling on those for everybody together (a
    flood of made-up cases must not bury the queue; reports on open cases still go in)."""
    channel, key = _sender(request, who, report)
    submitter = _channel_submitter(request, db, channel, settings.home_country)
    incoming = [reports.Incoming(report, key, channel)]
    with read_only(request.app.state.sessionmaker) as reading:
        plan = reports.plan_reports(session=reading, settings=settings,
                                    channel_submitter=submitter, incoming=incoming)
    if channel == "form" and plan.prepared:
        wait = request.app.state.ratelimiter.wait(NEW_CASES_KEY, settings.anonymous_new_cases_per_minute)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise RateLimited(f"too many new reports from the public right now; reports about content "
                              f"already under review are still taken; try again in {seconds} s",
                              headers={"Retry-After": str(seconds)})
    [result] = reports.submit_reports(session=db, settings=settings, channel_submitter=submitter,
                                      incoming=incoming, plan=plan)
    if isinstance(result, DocketError):
        raise result
    return _accepted(result)


def _problem(exc: DocketError) -> dict[str, Any]:
    return {"status": exc.status, "title": exc.title, "detail": exc.detail, "errors": exc.errors}


@router.post("/reports", response_model=ReportAccepted, status_code=status.HTTP_201_CREATED,
             responses={200: {"model": ReportAccepted, "description": "a repeat: stored before"},
                        429: {"description": "over a limit; Retry-After says when to try again"}})
def report(body: ReportIn, request: Request, response: Response, db: Db, settings: AppSettings,
           who: OptionalPrincipal) -> ReportAccepted:
    """Report content. Who: the platform for a signed-in user (with ``reporter_id``), or
    anyone without a token (the public form; stricter limits by address, and a ceiling on
    the new cases anonymous reports open). A reporter's repeat of its own report on a case
    stores nothing and answers 200 with the first report's reference."""
    accepted = take_report(request, db, settings, who, body)
    if accepted.repeat:
        response.status_code = status.HTTP_200_OK
    return accepted


@router.post("/reports/batch", responses={200: {"model": ReportBatchRead}})
def report_batch(body: ReportBatch, request: Request, db: Db, settings: AppSettings,
                 who: Annotated[Principal, Depends(require(Permission.content_write))]) -> Response:
    """Up to 500 reports, each validated and taken on its own; the answer says per report
    ``accepted`` (with its case) or the problem. Who: platform."""
    results: list[dict[str, Any] | None] = [None] * len(body.reports)
    incoming: list[reports.Incoming] = []
    positions: list[int] = []
    for index, raw in enumerate(body.reports):
        try:
            parsed = ReportIn.model_validate(raw)
            channel, key = _sender(request, who, parsed)
        except ValidationError as exc:
            results[index] = {"index": index, "status": "rejected", "problem": {
                "status": 422, "title": "Invalid input",
                "errors": [{"field": ".".join(str(p) for p in e["loc"]) or "body",
                            "message": e["msg"].removeprefix("Value error, ")} for e in exc.errors()]}}
            continue
        except DocketError as exc:
            results[index] = {"index": index, "status": "rejected", "problem": _problem(exc)}
            continue
        incoming.append(reports.Incoming(parsed, key, channel))
        positions.append(index)
    if incoming:
        # Reads first, in a read-only transaction of their own (as for requests): the
        # write transaction, on SQLite the one writer, then only stores the batch.
        submitter = _channel_submitter(request, db, "api", settings.home_country)
        with read_only(request.app.state.sessionmaker) as reading:
            plan = reports.plan_reports(session=reading, settings=settings,
                                        channel_submitter=submitter, incoming=incoming)
        taken = reports.submit_reports(session=db, settings=settings, incoming=incoming,
                                       plan=plan, channel_submitter=submitter)
        for index, outcome in zip(positions, taken, strict=True):
            if isinstance(outcome, DocketError):
                results[index] = {"index": index, "status": "rejected",
                                  "problem": _problem(outcome)}
            else:
                results[index] = {"index": index, "status": "accepted",
                                  "report_id": outcome.report_id, "item_id": outcome.item_id,
                                  "new_case": outcome.new_case, "repeat": outcome.repeat,
                                  "reference": f"R-{outcome.report_id}"}
    done = [r for r in results if r is not None]
    # Serialized here, once: FastAPI would walk the 500 answers through jsonable_encoder.
    return Response(orjson.dumps({"accepted": sum(r["status"] == "accepted" for r in done),
                                  "results": done}), media_type="application/json")


@router.get("/items/{item_id}/reports", response_model=list[ReportRead])
def item_reports(item_id: Id, db: Db, who: Staff) -> list[ReportRead]:
    """The reports that make up a case. Who: staff (a local representative: its countries)."""
    access.visible(db, who, Item, item_id)
    return [ReportRead.model_validate(r) for r in reports.list_reports(session=db, item_id=item_id)]


class SuspensionCreate(BaseModel):
    """Suspend a reporter for a number of days, with the reason (DSA Art. 23)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000, description=(
        "why: the reporter's manifestly unfounded reports (recorded in the audit log)"),
        examples=["41 reports in a week, every one decided no_action."])
    days: int = Field(ge=1, le=365, description="how long, in days from now (1 to 365)", examples=[30])


@router.post("/reporters/{reporter_key}/suspension", status_code=status.HTTP_201_CREATED,
             response_model=SuspensionRead)
def suspend_reporter(reporter_key: str, body: SuspensionCreate, db: Db, who: Reviewer) -> dict[str, Any]:
    """Suspend a reporter who sends manifestly unfounded reports (DSA Art. 23), for a period
    and with a reason; its reports are refused meanwhile, everywhere. Who: reviewers whose
    reach is every jurisdiction (not a local representative, who acts for its countries);
    404 for a reporter docket has no report from."""
    if not access.reach(who, access.Purpose.act).everything:
        raise Forbidden("a suspension applies in every country: it needs the reviewer, legal or "
                        "rights role")
    if not reports.has_reported(session=db, reporter_key=reporter_key):
        raise NotFound(f"no reporter {reporter_key!r}")
    s = reports.suspend(session=db, actor=who.actor, reporter_key=reporter_key, reason=body.reason,
                        days=body.days, now=utcnow())
    return {"id": s.id, "reporter_key": s.reporter_key, "ends_at": s.ends_at, "reason": s.reason,
            "unfounded_reports": s.unfounded_reports}


class DesignationCreate(BaseModel):
    """A trusted flagger's designation (DSA Art. 22): by whom, for which reasons and
    countries, from when and until when."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    submitter_id: Annotated[DesignationSubmitter, Field(ge=1, le=ID_MAX)]
    designating_body: Annotated[DesignatingBody, Field(min_length=1, max_length=200)]
    reasons: Annotated[DesignatedReasons, Field(min_length=1, max_length=30)]
    jurisdictions: Annotated[DesignatedJurisdictions, Field(min_length=1, max_length=50)]
    valid_from: DesignationStart
    valid_to: DesignationEnd = None


def designate(*, session: Session, actor: str, data: DesignationCreate) -> Designation:
    """Record a trusted-flagger designation (an audited catalog change)."""
    submitter = parties.get_submitter(session=session, submitter_id=data.submitter_id)
    errors = []
    if submitter is None or submitter.kind != "trusted_flagger":
        errors.append({"field": "submitter_id", "message": "a submitter of kind trusted_flagger"})
    errors += [{"field": f"reasons[{i}]", "message": f"unknown reason {r!r}"} for i, r in enumerate(data.reasons)
               if not catalog.reason_exists(session=session, code=r)]
    errors += [{"field": f"jurisdictions[{i}]", "message": f"unknown country {c!r}"}
               for i, c in enumerate(data.jurisdictions) if catalog.jurisdiction_info(session=session, code=c) is None]
    if errors:
        raise Unprocessable("the designation is invalid", errors=errors)
    for field, moment in (("valid_from", data.valid_from), ("valid_to", data.valid_to)):
        if moment is not None and moment.tzinfo is None:
            raise Unprocessable("times need a time zone", errors=[{"field": field, "message": "e.g. …Z"}])
    if data.valid_to is not None and data.valid_to <= data.valid_from:
        raise Unprocessable("a designation must end after it starts",
                            errors=[{"field": "valid_to", "message": "later than valid_from"}])
    designation = Designation(submitter_id=data.submitter_id, designating_body=data.designating_body,
                              reasons=sorted(set(data.reasons)),
                              jurisdictions=sorted({c.upper() for c in data.jurisdictions}),
                              valid_from=data.valid_from, valid_to=data.valid_to)
    session.add(designation)
    session.flush()
    audit.record(session=session, actor=actor, action="designation:added", subject=f"submitter:{data.submitter_id}",
                 payload={"designation": designation.id, "body": data.designating_body,
                          "reasons": designation.reasons, "jurisdictions": designation.jurisdictions,
                          "valid_from": data.valid_from.isoformat(),
                          "valid_to": data.valid_to.isoformat() if data.valid_to else None})
    return designation


@router.post("/designations", status_code=status.HTTP_201_CREATED,
             response_model=DesignationCreated)
def add_designation(body: DesignationCreate, db: Db, who: Admin) -> dict[str, Any]:
    """Designate a trusted flagger for reasons and jurisdictions (DSA Art. 22). Who: admin."""
    d = designate(session=db, actor=who.actor, data=body)
    return {"id": d.id, "submitter_id": d.submitter_id, "reasons": d.reasons, "jurisdictions": d.jurisdictions}


@router.get("/designations", response_model=list[DesignationRead])
def list_designations(db: Db, _who: Staff) -> list[dict[str, Any]]:
    """Trusted-flagger designations. Who: staff."""
    return [{"id": d.id, "submitter_id": d.submitter_id, "designating_body": d.designating_body,
             "reasons": d.reasons, "jurisdictions": d.jurisdictions, "valid_from": d.valid_from,
             "valid_to": d.valid_to} for d in db.execute(select(Designation).order_by(Designation.id)).scalars()]
