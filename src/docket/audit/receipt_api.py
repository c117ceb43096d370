"""Receipts of what docket recorded about a request, a decision or an appeal.

Each answer is ``{"receipts": [...], "pending": [...]}``: one ``docket-receipt/1`` per
event, in the log's order, and the events recorded but not sealed into the log yet (then
with ``Retry-After``). ``docket-verify`` checks the answer as it is saved.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from docket import access
from docket.appeals.models import Appeal
from docket.audit.receipts import (
    APPEAL_ACTIONS,
    DECISION_ACTIONS,
    RETRY_SECONDS,
    Holder,
    Receipts,
    events_about,
    of_request,
    receipts_for,
)
from docket.audit.schemas import ReceiptsRead
from docket.bounds import Id
from docket.deps import AppSettings, Db
from docket.errors import Forbidden
from docket.intake.api import Limited
from docket.intake.models import Request
from docket.parties.auth import Permission, Principal
from docket.review.models import Decision

router = APIRouter(prefix="/api/v1", tags=["receipts"])

_ANSWERS: dict[int | str, dict[str, str]] = {
    404: {"description": "no such record within the caller's reach"}}


async def receipt_holder(principal: Limited) -> Principal:
    """A submitter (its own records; counted against its rate limit, as its other calls)
    or staff who may read requests (those within reach)."""
    if principal.submitter_id is None and not principal.can(Permission.requests_read_all):
        raise Forbidden("this call needs a submitter's token or the 'requests:read_all' permission")
    return principal


Holding = Annotated[Principal, Depends(receipt_holder)]


def holder_of(who: Principal) -> Holder:
    return Holder.submitter if who.submitter_id is not None else Holder.staff


def _answer(found: Receipts, response: Response) -> ReceiptsRead:
    if found.pending:
        response.headers["Retry-After"] = str(RETRY_SECONDS)
    return ReceiptsRead.model_validate(found.as_json())


@router.get("/requests/{request_id}/receipt", response_model=ReceiptsRead, responses=_ANSWERS)
def request_receipt(request_id: Id, db: Db, who: Holding, settings: AppSettings, response: Response) -> ReceiptsRead:
    """Receipts of a request: its acknowledgement (``request:received``) and the effect given
    to each item (``item:decided``). Who: the request's submitter, staff (a local
    representative: its countries)."""
    found = access.visible(db, who, Request, request_id, what="request")
    return _answer(of_request(db, request_id=found.id, item_ids=[item.id for item in found.items],
                              holder=holder_of(who), settings=settings), response)


@router.get("/decisions/{decision_id}/receipt", response_model=ReceiptsRead, responses=_ANSWERS)
def decision_receipt(decision_id: Id, db: Db, who: Holding, settings: AppSettings,
                     response: Response) -> ReceiptsRead:
    """Receipts of a decision on one item: made, approved or rejected, and in effect
    (``item:decided``). Who: the submitter of the item's request, staff (a local
    representative: its countries)."""
    found = access.visible(db, who, Decision, decision_id, what="decision")
    events = events_about(db, subjects=[f"item:{found.item_id}"], actions=DECISION_ACTIONS,
                          payload=("decision", found.id))
    return _answer(receipts_for(db, events=events, holder=holder_of(who), settings=settings), response)


@router.get("/appeals/{appeal_id}/receipt", response_model=ReceiptsRead, responses=_ANSWERS)
def appeal_receipt(appeal_id: Id, db: Db, who: Holding, settings: AppSettings, response: Response) -> ReceiptsRead:
    """Receipts of an appeal: filed, and its outcome. Who: the submitter of the item's
    request, staff (a local representative: its countries)."""
    found = access.visible(db, who, Appeal, appeal_id, what="appeal")
    events = events_about(db, subjects=[f"item:{found.item_id}"], actions=APPEAL_ACTIONS,
                          payload=("appeal", found.id))
    return _answer(receipts_for(db, events=events, holder=holder_of(who), settings=settings), response)
