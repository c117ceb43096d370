"""Appeals: filed by authors (appeal link) and requesters, decided by someone else."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError

from docket import access
from docket.access import Purpose
from docket.appeals import routing, service, tokens
from docket.appeals.models import Appeal, AppealStatus
from docket.appeals.schemas import (
    AppealAssignmentCreate,
    AppealCreate,
    AppealDecisionCreate,
    AppealRead,
    AppealTakeOverCreate,
)
from docket.bounds import Id
from docket.deps import AppSettings, Db
from docket.errors import Forbidden, NotFound, Unauthenticated, Unprocessable, problem
from docket.parties.auth import OptionalPrincipal, Permission, Principal, require
from docket.review.models import Decision
from docket.store import utcnow
from docket.web.client import address_key, client_address

router = APIRouter(prefix="/api/v1/appeals", tags=["appeals"])
Reviewer = Annotated[Principal, Depends(require(Permission.review))]
Lead = Annotated[Principal, Depends(require(Permission.assign))]
PUBLIC_APPEALS_PER_MINUTE = 10


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AppealRead,
             responses={409: {"description": "late, duplicate, or nothing to appeal (recorded)"}})
def file_appeal(body: AppealCreate, request: Request, db: Db, settings: AppSettings,
                who: OptionalPrincipal) -> AppealRead | Response:
    """Appeal a decision (DSA Art. 20). Who: anyone with the appeal token of a statement of
    reasons; a submitter (its API token) for a decision not to act on its own request."""
    now = utcnow()
    if body.token is not None:
        request.app.state.ratelimiter.hit(
            f"appeal:{address_key(settings.secret_key, client_address(request))}", PUBLIC_APPEALS_PER_MINUTE)
        decision_id = tokens.decision_of(settings.secret_key, body.token)
        if decision_id is None:
            raise Unprocessable("this appeal link is not valid",
                                errors=[{"field": "token", "message": "use the link from your statement of reasons"}])
        appellant, submitter_id = "author", None
        decision = db.get(Decision, decision_id)
        if decision is None:
            raise NotFound(f"no decision {decision_id}")
    else:
        if who is None:
            raise Unauthenticated("a requester's appeal needs the submitter's API token")
        if who.submitter_id is None:
            raise Forbidden("a requester appeals with its submitter's API token; the author, with "
                            "the token from the statement of reasons")
        assert body.decision_id is not None  # AppealCreate takes a token or a decision_id
        decision_id, appellant, submitter_id = body.decision_id, "requester", who.submitter_id
        decision = access.visible(db, who, Decision, decision_id)
    try:
        appeal = service.file(
            session=db, decision=decision, appellant=appellant, statement=body.statement,
            contact_email=body.contact_email, language=body.language, submitter_id=submitter_id,
            window=dt.timedelta(days=settings.appeal_window_days), now=now,
            decide_within=dt.timedelta(days=settings.appeal_decide_days))
        db.flush()  # the one open appeal per decision is checked here, not at the commit
    except service.AppealRefused as refused:
        db.rollback()
        # The refusal stays on record: the problem is returned, not raised, so the call's
        # transaction commits it.
        service.record_refusal(session=db, decision_id=decision_id, appellant=appellant, reason=refused)
        return problem(refused.status, "Appeal not accepted", refused.detail, slug="appeal-refused", **refused.extra)
    except IntegrityError:  # a twin appeal won the race for the one open appeal per decision
        db.rollback()
        return problem(409, "Appeal not accepted", f"decision {decision_id} already has an open appeal",
                       slug="appeal-refused")
    # The appellant learns when it is due, not which of the staff has it.
    return AppealRead.model_validate(appeal).model_copy(update={"assigned_at": None})


@router.get("", response_model=list[AppealRead])
def list_appeals(
    db: Db, who: Reviewer,
    status_: Annotated[AppealStatus | None, Query(alias="status", description="only appeals in this state",
                                                  examples=["open"])] = None,
    assigned: Annotated[str | None, Query(pattern=r"^(me|none|\d{1,10})$", description=(
        "me: my appeals queue (assigned to me or to my team); none: routed to nobody; or a person's id"),
        examples=["me"])] = None,
) -> list[AppealRead]:
    """Appeals, soonest due first (the appeals queue). Who: reviewers (a local
    representative: its countries)."""
    return [service.read(session=db, appeal=a)
            for a in service.list_appeals(session=db, principal=who, status=status_, assigned=assigned)]


@router.get("/{appeal_id}", response_model=AppealRead)
def get_appeal(appeal_id: Id, db: Db, who: Reviewer) -> AppealRead:
    """One appeal. Who: reviewers (a local representative: its countries)."""
    return service.read(session=db, appeal=access.visible(db, who, Appeal, appeal_id))


@router.post("/{appeal_id}/assign", response_model=AppealRead, summary="Assign an appeal",
             responses={409: {"description": "the appeal is decided already"},
                        422: {"description": "that person or team may not decide it (says why)"}})
def assign_appeal(appeal_id: Id, body: AppealAssignmentCreate, db: Db, who: Lead) -> AppealRead:
    """Give an open appeal to a person who may decide it (entitled to its country, took no
    part in the decision) or to an appeals team; audited as ``appeal:assigned``. Who: leads."""
    appeal = access.visible(db, who, Appeal, appeal_id, for_update=True)
    routing.assign(session=db, principal=who, appeal=appeal, user_id=body.user_id, team_id=body.team_id,
                   now=utcnow())
    return service.read(session=db, appeal=appeal)


@router.post("/{appeal_id}/take-over", response_model=AppealRead, summary="Take an appeal over",
             responses={409: {"description": "decided already, or yours already"},
                        422: {"description": "you may not decide it yourself (says why)"}})
def take_over_appeal(appeal_id: Id, body: AppealTakeOverCreate, db: Db, who: Lead) -> AppealRead:
    """Take an open appeal for oneself, with a reason; audited as ``appeal:taken_over``.
    Who: leads who may decide it."""
    appeal = access.visible(db, who, Appeal, appeal_id, purpose=Purpose.act, for_update=True)
    routing.take_over(session=db, principal=who, appeal=appeal, reason=body.reason, now=utcnow())
    return service.read(session=db, appeal=appeal)


@router.post("/{appeal_id}/decision", response_model=AppealRead)
def decide_appeal(appeal_id: Id, body: AppealDecisionCreate, db: Db, who: Reviewer) -> AppealRead:
    """Uphold or reverse. Who: a reviewer entitled to the item's jurisdiction who took no
    part in the original decision; a reversal lifts the restriction at once."""
    appeal = access.visible(db, who, Appeal, appeal_id, purpose=Purpose.act, for_update=True)
    return service.read(session=db, appeal=service.decide(session=db, principal=who, appeal=appeal,
                                                          outcome=body.outcome, explanation=body.explanation,
                                                          now=utcnow()))
