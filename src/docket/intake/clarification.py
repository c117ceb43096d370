"""Clarification: the submitter supplies what a request lacked; the request is checked
again (the same checks as at intake) and its clock restarts where the law says so."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from docket import audit
from docket.catalog import service as catalog
from docket.errors import Conflict, Unprocessable
from docket.intake import checks, thread
from docket.intake.models import MessageAuthor, Request, RequestStatus
from docket.intake.schemas import ClarificationCreate, ItemFix, ItemIn, LegalBasis
from docket.intake.status import refresh_status
from docket.items.moves import move
from docket.items.states import ItemState
from docket.parties.models import Submitter
from docket.settings import Settings
from docket.store import utcnow


def clarify(
    *, session: Session, settings: Settings, request: Request, submitter: Submitter,
    data: ClarificationCreate, actor: str, now: dt.datetime | None = None,
) -> Request:
    """Take what the submitter supplied, check the request again, and restart the clock
    where the law says so; ``now`` (default: the current time) is when it was answered."""
    if request.status != RequestStatus.needs_clarification:
        raise Conflict(f"request {request.id} is {request.status}; it needs no clarification")
    supplied = sorted(data.model_fields_set - {"message"})
    if not supplied and not data.message:
        raise Unprocessable("the clarification supplies nothing",
                            errors=[{"field": "body", "message": "give at least one missing element"}])
    legal_basis = data.legal_basis if data.legal_basis is not None else [
        LegalBasis.model_validate(b) for b in request.legal_basis
    ]
    place, cited = checks.catalog_checks(
        session, jurisdiction=request.jurisdiction, reason=None, scope=[], legal_basis=legal_basis,
    )
    _apply_item_fixes(session, request, data.items)
    if data.legal_basis is not None:
        request.legal_basis = [b.model_dump(exclude_none=True) for b in data.legal_basis]
    for field in ("explanation", "confidentiality_basis", "emergency_explanation", "bona_fide"):
        value = getattr(data, field)
        if value is not None:
            setattr(request, field, value)
    if data.issuing_officer is not None:
        request.issuing_officer = data.issuing_officer.model_dump(exclude_none=True)
    missing = checks.missing(
        session, settings, submitter, legal_basis=request.legal_basis, explanation=request.explanation,
        reason=request.reason, bona_fide=request.bona_fide, confidential=request.confidential,
        confidentiality_basis=request.confidentiality_basis, emergency=request.emergency,
        emergency_explanation=request.emergency_explanation, items=request.items,
    )
    rule = checks.clock_rule(session, settings, place, cited, request.emergency)
    now = now or utcnow()
    restarted = rule.restarts_on_clarification
    started = rule.start_after_clarification(started_at=request.clock_started_at, answered_at=now)
    request.missing = missing
    request.clock_rule = rule.as_dict()
    request.clock_started_at = started
    request.deadline_at = rule.deadline(started)
    request.clarifications += 1
    for item in request.items:
        if item.status == ItemState.clarification_requested and not missing:
            move(session=session, item=item, action="clarified")
        item.set_deadline(request.deadline_at)
    refresh_status(request)
    authority = catalog.kind_places(session=session).needs_legal_basis(submitter.kind)
    request.art16_notice = not authority and "bona_fide" not in missing and "explanation" not in missing
    session.flush()
    audit.record(
        session=session, actor=actor, action="request:clarified", subject=f"request:{request.id}",
        payload={
            "supplied": supplied, "message": data.message, "status": request.status.value,
            "missing": missing, "clock_restarted": restarted,
            "deadline_at": request.deadline_at.isoformat(),
        },
    )
    if data.message:  # the answer joins the request's thread with the reviewers
        person = actor.removeprefix("user:")
        thread.post(session=session, request=request, author=MessageAuthor.authority, body=data.message,
                    actor=actor, kind="answer", user_id=int(person) if person.isdigit() else None)
    return request


def _apply_item_fixes(session: Session, request: Request, fixes: list[ItemFix]) -> None:
    """Name items anew where the submitter corrected them; 422 for positions it lacks."""
    by_position = {i.position: i for i in request.items}
    errors = [
        {"field": f"items[{n}].position", "message": f"request {request.id} has no item at {fix.position}"}
        for n, fix in enumerate(fixes) if fix.position not in by_position
    ]
    if errors:
        raise Unprocessable("some item positions do not exist", errors=errors)
    for fix in fixes:
        item = by_position[fix.position]
        resolved = checks.resolve_items(session, [ItemIn(url=fix.url, content_id=fix.content_id)])[0]
        # Named anew, the item is looked up again and its review starts over; the state
        # table allows that only before any decision is on its way (409 otherwise).
        move(session=session, item=item, action="reidentified:found" if resolved.found else "reidentified:not_found",
             url=resolved.url, normalized_url=resolved.normalized_url, content_id=resolved.content_id,
             unlisted=False)
