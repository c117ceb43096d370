"""The review queue, claims, findings, decisions and approvals."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import select

from docket import access, bounds, effects
from docket.access import Purpose
from docket.audit import service as audit_service
from docket.audit.schemas import EventPage, EventRead
from docket.bounds import Id
from docket.deps import AppSettings, Db
from docket.errors import Conflict, Unprocessable
from docket.intake.models import Item, Request
from docket.intake.schemas import MeasureRead, RequestRead
from docket.items.states import ItemState
from docket.parties.auth import Permission, Principal, require
from docket.parties.models import Submitter
from docket.review import flow, measures, service, steps
from docket.review.models import Decision
from docket.review.schemas import (
    ApprovalCreate,
    AssignmentCreate,
    AssignmentRead,
    BulkDecision,
    BulkResult,
    BulkReview,
    ClaimRead,
    DecisionCreate,
    DecisionRead,
    ItemReviewRead,
    MeasureDecisionCreate,
    OtherItemsResolution,
    PersonRef,
    QueuePage,
    QueueRow,
    RejectionCreate,
    ReviewCreate,
    TakeOverCreate,
)
from docket.review.search import DEADLINE_RULE, QueueSort
from docket.review.search import parse as parse_search
from docket.store import utcnow

router = APIRouter(prefix="/api/v1", tags=["review"])

Reviewer = Annotated[Principal, Depends(require(Permission.review))]
QueueReader = Annotated[Principal, Depends(require(Permission.queue_read))]
StaffReader = Annotated[Principal, Depends(require(Permission.requests_read_all))]
Lead = Annotated[Principal, Depends(require(Permission.assign))]



def decision_read(decision: Decision) -> DecisionRead:
    return DecisionRead.model_validate({
        **{c: getattr(decision, c) for c in DecisionRead.model_fields if hasattr(decision, c)},
        "takes_effect": decision.status == "effective",
        "awaits_approval": decision.status == "awaiting_approval",
    })


def queue_cursor(item: Item, sort: QueueSort = QueueSort.queue) -> str:
    if sort is QueueSort.deadline:
        raw = orjson.dumps(["deadline", item.deadline_at.isoformat(), item.id])
    else:
        raw = orjson.dumps([item.priority, item.severity, item.due_hour, item.flag_rank, item.crowd,
                            item.received_at.isoformat(), item.id])
    return base64.urlsafe_b64encode(raw).decode()


def parse_queue_cursor(cursor: str | None, sort: QueueSort = QueueSort.queue) -> tuple[Any, ...] | None:
    """The sort keys a cursor holds (a cursor is valid only with the order it was made for)."""
    if not cursor:
        return None
    try:
        keys = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        if sort is QueueSort.deadline:
            label, d, i = keys
            if label != "deadline":
                raise ValueError(label)
            return bounds.utc_moment(dt.datetime.fromisoformat(d)), bounds.check_id(int(i))
        p, sv, d, f, c, r, i = keys
        return (*bounds.queue_keys(int(p), int(sv), int(d), int(f), int(c)),
                bounds.utc_moment(dt.datetime.fromisoformat(r)), bounds.check_id(int(i)))
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise Unprocessable("invalid cursor",
                            errors=[{"field": "cursor", "message": "use next_cursor as given"}]) from None


@router.get("/queue", response_model=QueuePage)
def get_queue(
    db: Db, who: QueueReader,
    jurisdiction: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    reason: Annotated[str | None, Query(max_length=40)] = None,
    status_: Annotated[ItemState | None, Query(alias="status")] = None,
    assigned: Annotated[str | None, Query(pattern=r"^(me|none|\d+)$",
                                          description="me, none, or a user id")] = None,
    overdue: bool | None = None,
    address: Annotated[str | None, Query(max_length=2048, description="the content's address (URL), normalized",
                                         examples=["https://social.example/@user/1"])] = None,
    content_id: Annotated[str | None, Query(max_length=200, description="the platform's content id, exactly",
                                            examples=["post-1"])] = None,
    author: Annotated[str | None, Query(max_length=200, description="the platform's author id, exactly",
                                        examples=["author-1"])] = None,
    requester: Annotated[str | None, Query(max_length=200, description="part of the requester's (submitter's) "
                                           "name, any case", examples=["ministry"])] = None,
    reference: Annotated[str | None, Query(max_length=200, description="the request's reference, order number "
                                           "or case number, exactly", examples=["REF-2026-7"])] = None,
    due_within: Annotated[int | None, Query(ge=1, le=720, description="only items whose deadline falls within "
                                            "this many hours (overdue ones included)", examples=[6])] = None,
    sort: Annotated[QueueSort, Query(description="queue: the one queue order; deadline: the earliest deadline "
                                     "first", examples=["deadline"])] = QueueSort.queue,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    team: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="only items assigned to this team",
                                      examples=[2])] = None,
) -> QueuePage:
    """The review queue, searched and filtered. Who: staff; a local representative sees its
    jurisdictions only."""
    now = utcnow()
    search, _, errors = parse_search({"address": address, "content_id": content_id, "author": author,
                                      "requester": requester, "reference": reference,
                                      "due_within": str(due_within) if due_within else None})
    if errors:
        raise Unprocessable("invalid search", errors=[{"field": k, "message": v} for k, v in errors.items()])
    assigned_to = who.user_id if assigned == "me" else int(assigned) if assigned and assigned.isdigit() else None
    rows = service.queue(
        session=db, principal=who, now=now, jurisdiction=jurisdiction, reason=reason, status=status_,
        assigned_to=assigned_to, unassigned=assigned == "none", overdue=overdue, team_id=team,
        after=parse_queue_cursor(cursor, sort), limit=limit + 1, search=search, sort=sort,
    )
    more, rows = len(rows) > limit, list(rows[:limit])
    kinds = {
        request_id: str(kind) for request_id, kind in db.execute(
            select(Request.id, Submitter.kind).join(Submitter, Submitter.id == Request.submitter_id)
            .where(Request.id.in_({r.request_id for r in rows}))
        )
    } if rows else {}
    held = flow.holders(session=db, items=rows, now=now)
    items = [
        QueueRow.model_validate({
            **{field: getattr(r, field) for field in ItemReviewRead.model_fields if hasattr(r, field)},
            **held.get(r.id, {}),
            "seconds_left": int((r.deadline_at - now).total_seconds()),
            "submitter_kind": kinds.get(r.request_id, ""),
        })
        for r in rows
    ]
    return QueuePage(items=items, next_cursor=queue_cursor(rows[-1], sort) if more else None,
                     rule=DEADLINE_RULE if sort is QueueSort.deadline else service.QUEUE_RULE)


@router.get("/items/{item_id}", response_model=ItemReviewRead)
def get_item(item_id: Id, db: Db, who: StaffReader) -> ItemReviewRead:
    """One item with its findings. Who: staff (a local representative: its jurisdictions)."""
    return item_read(db, access.visible(db, who, Item, item_id))


def item_read(db: Db, item: Item) -> ItemReviewRead:
    """An item as the API shows it, with who holds it by name."""
    held = flow.holders(session=db, items=[item], now=utcnow())[item.id]
    return ItemReviewRead.model_validate({
        **{field: getattr(item, field) for field in ItemReviewRead.model_fields if hasattr(item, field)}, **held})


def assignment_read(db: Db, item: Item) -> AssignmentRead:
    held = flow.holders(session=db, items=[item], now=utcnow())[item.id]
    return AssignmentRead.model_validate({"item_id": item.id, "claim_expires_at": item.claim_expires_at, **held})


@router.get("/items/{item_id}/decisions", response_model=list[DecisionRead])
def get_item_decisions(item_id: Id, db: Db, who: StaffReader) -> list[DecisionRead]:
    """Every decision on an item, including rejected ones. Who: staff."""
    access.visible(db, who, Item, item_id)
    return [decision_read(d) for d in service.decisions_for(session=db, item_id=item_id)]


@router.get("/items/{item_id}/events", response_model=EventPage)
def get_item_events(item_id: Id, db: Db, who: StaffReader) -> EventPage:
    """The item's history from the audit log, from receipt to decision. Who: staff."""
    item = access.visible(db, who, Item, item_id)
    events = [
        *audit_service.list_events(session=db, subject=f"request:{item.request_id}", limit=1000),
        *audit_service.list_events(session=db, subject=f"item:{item_id}", limit=1000),
    ]
    events.sort(key=lambda e: e.seq)
    return EventPage(events=[EventRead.model_validate(e) for e in events], next_after=None)


@router.post("/items/{item_id}/claim", response_model=ClaimRead)
def claim_item(item_id: Id, db: Db, who: Reviewer, settings: AppSettings) -> ClaimRead:
    """Claim an item; nobody else is handed it until the claim expires. Who: reviewers."""
    item = access.visible(db, who, Item, item_id, purpose=Purpose.act)
    item = service.claim(session=db, principal=who, item=item, now=utcnow(),
                         ttl=dt.timedelta(minutes=settings.claim_minutes))
    return ClaimRead(item_id=item.id, assigned_to=item.assigned_to, claim_expires_at=item.claim_expires_at,
                     claimed_by=PersonRef(id=who.user_id or 0, name=steps.person_name(db, who.user_id)))


@router.post("/items/{item_id}/release", response_model=ClaimRead)
def release_item(item_id: Id, db: Db, who: Reviewer) -> ClaimRead:
    """Give a claimed item back to the queue. Who: the reviewer holding it, or an admin."""
    item = service.release(session=db, principal=who,
                           item=access.visible(db, who, Item, item_id, purpose=Purpose.act), now=utcnow())
    return ClaimRead(item_id=item.id, assigned_to=None, claim_expires_at=None)


@router.post("/items/{item_id}/assign", response_model=AssignmentRead, summary="Assign an item",
             responses={422: {"description": "the person or team may not do the item's current step"}})
def assign_item(item_id: Id, body: AssignmentCreate, db: Db, who: Lead) -> AssignmentRead:
    """Give an item to a person (for its current step) or to a team; audited as
    ``item:assigned``. A claim by anyone else than the new assignee ends. Who: leads."""
    item = access.visible(db, who, Item, item_id, purpose=Purpose.act, for_update=True)
    flow.assign(session=db, principal=who, item=item, user_id=body.user_id, team_id=body.team_id, now=utcnow())
    return assignment_read(db, item)


@router.post("/items/{item_id}/take-over", response_model=AssignmentRead, summary="Take an item over",
             responses={409: {"description": "the item waits for no review step, or is yours already"}})
def take_over_item(item_id: Id, body: TakeOverCreate, db: Db, who: Lead, settings: AppSettings) -> AssignmentRead:
    """Take an item from its claimant, with a reason; audited as ``item:taken_over``. Who: leads."""
    item = access.visible(db, who, Item, item_id, purpose=Purpose.act, for_update=True)
    flow.take_over(session=db, principal=who, item=item, reason=body.reason, now=utcnow(),
                   ttl=dt.timedelta(minutes=settings.claim_minutes))
    return assignment_read(db, item)


@router.post("/queue/next", response_model=AssignmentRead, summary="Next item",
             responses={404: {"description": "nothing is waiting for the caller"}})
def next_item(db: Db, who: Reviewer, settings: AppSettings) -> AssignmentRead:
    """Claim the top of one's own queue: items assigned to me, then to my teams, then
    unassigned ones at a step I may do, each in the queue order. Who: reviewers."""
    item = flow.next_item(session=db, principal=who, now=utcnow(), ttl=dt.timedelta(minutes=settings.claim_minutes))
    return assignment_read(db, item)


@router.post("/items/{item_id}/review", response_model=ItemReviewRead)
def review_item(item_id: Id, body: ReviewCreate, db: Db, who: Reviewer) -> ItemReviewRead:
    """Record a policy, legal or rights finding. Who: reviewers with the step's role."""
    item = access.visible(db, who, Item, item_id, purpose=Purpose.act, for_update=True)
    return ItemReviewRead.model_validate(effects.review(session=db, principal=who, item=item, data=body, now=utcnow()))


@router.post("/items/{item_id}/decision", response_model=DecisionRead, status_code=status.HTTP_201_CREATED)
def decide_item(item_id: Id, body: DecisionCreate, db: Db, who: Reviewer) -> DecisionRead:
    """Decide an item; the answer says whether it `takes_effect` now or `awaits_approval`. Who: reviewers."""
    item = access.visible(db, who, Item, item_id, purpose=Purpose.act, for_update=True)
    return decision_read(effects.decide(session=db, principal=who, item=item, data=body, now=utcnow()))


@router.get("/decisions", response_model=list[DecisionRead])
def approvals_inbox(db: Db, who: Reviewer) -> list[DecisionRead]:
    """Decisions awaiting a second person (four eyes). Who: reviewers."""
    return [decision_read(d) for d in service.pending_approvals(session=db, principal=who)]


@router.post("/decisions/{decision_id}/approve", response_model=DecisionRead)
def approve_decision(decision_id: Id, db: Db, who: Reviewer, body: ApprovalCreate | None = None) -> DecisionRead:
    """Approve another person's decision; it takes effect. Who: a different reviewer
    (the local representative where the catalog requires its sign-off)."""
    decision = access.visible(db, who, Decision, decision_id, purpose=Purpose.act, for_update=True)
    return decision_read(effects.approve(session=db, principal=who, decision=decision,
                                         note=body.note if body else None, now=utcnow()))


@router.post("/decisions/{decision_id}/reject", response_model=DecisionRead)
def reject_decision(decision_id: Id, body: RejectionCreate, db: Db, who: Reviewer) -> DecisionRead:
    """Refuse another person's decision, with a reason. Who: a different reviewer."""
    decision = access.visible(db, who, Decision, decision_id, purpose=Purpose.act, for_update=True)
    return decision_read(service.reject(session=db, principal=who, decision=decision, reason=body.reason, now=utcnow()))


def _items_of(db: Db, who: Principal, request_id: int, item_ids: list[int]) -> list[Item]:
    request = access.visible(db, who, Request, request_id, purpose=Purpose.act)
    own = {i.id: i for i in request.items}
    stray = [i for i in item_ids if i not in own]
    if stray:
        raise Unprocessable(f"items {stray} are not items of request {request_id}",
                            errors=[{"field": "item_ids", "message": "items of this request only"}])
    return [access.visible(db, who, Item, i, purpose=Purpose.act, for_update=True) for i in dict.fromkeys(item_ids)]


@router.post("/requests/{request_id}/items/review", response_model=BulkResult)
def bulk_review(request_id: Id, body: BulkReview, db: Db, who: Reviewer) -> BulkResult:
    """The same finding for many items of one request, one event per item; all or nothing. Who: reviewers."""
    items = _items_of(db, who, request_id, body.item_ids)
    data = ReviewCreate.model_validate(body.model_dump(exclude={"item_ids"}))
    now = utcnow()
    for item in items:
        try:
            effects.review(session=db, principal=who, item=item, data=data, now=now)
        except Conflict as exc:
            raise Conflict(f"item {item.id}: {exc.detail}; nothing was changed") from None
    return BulkResult(items=[i.id for i in items])


@router.post("/requests/{request_id}/items/decision", response_model=BulkResult, status_code=status.HTTP_201_CREATED)
def bulk_decision(request_id: Id, body: BulkDecision, db: Db, who: Reviewer) -> BulkResult:
    """One decision for many items of one request that share the same findings; one decision
    and one event per item; all or nothing. Who: reviewers."""
    items = _items_of(db, who, request_id, body.item_ids)
    data = DecisionCreate.model_validate(body.model_dump(exclude={"item_ids"}))
    now = utcnow()
    decisions = []
    for item in items:
        try:
            decisions.append(effects.decide(session=db, principal=who, item=item, data=data, now=now))
        except Conflict as exc:
            raise Conflict(f"item {item.id}: {exc.detail}; nothing was changed") from None
    return BulkResult(items=[i.id for i in items], decisions=[decision_read(d) for d in decisions])


@router.post("/requests/{request_id}/measures/decision", response_model=MeasureRead)
def decide_measure(request_id: Id, body: MeasureDecisionCreate, db: Db, who: Reviewer) -> MeasureRead:
    """Answer one measure the request asked for (by ``position``): granted, the fallback, or
    refused. An account's restriction is decided by its item's decision, a request for user
    data was referred at receipt: both 409. Answered after every item was decided, the
    requester is sent the effect given again. Who: reviewers."""
    request = access.visible(db, who, Request, request_id, purpose=Purpose.act, for_update=True)
    return MeasureRead.model_validate(effects.answer_measure(session=db, principal=who, request=request, data=body,
                                                             now=utcnow()))


@router.post("/requests/{request_id}/other-items", response_model=RequestRead)
def resolve_other_items(request_id: Id, body: OtherItemsResolution, db: Db, who: Reviewer) -> RequestRead:
    """Resolve the request's note of items it could not list: into items of the request, or
    rejected. Who: reviewers."""
    request = access.visible(db, who, Request, request_id, purpose=Purpose.act, for_update=True)
    return RequestRead.model_validate(measures.resolve_other_items(session=db, principal=who, request=request,
                                                                   data=body, now=utcnow()))
