"""The measures a request asks for, decided by review, and the note of items it could not list.

Each measure gets an outcome: a content measure (``restrict_content``, ``remove_global``)
by a reviewer's answer beside the items' own decisions; an account's restriction by the
decision on the item that names the account (:func:`follow_decision`, which docket.effects
calls when that decision takes effect), so an account goes through the same review,
four eyes and enforcement as any content; the data measures were referred at intake and
are never decided here."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from docket import access, audit
from docket.access import REVIEWING_ROLES
from docket.catalog import service as catalog
from docket.errors import Conflict, NotFound, RoleRequired, Unprocessable
from docket.intake import checks
from docket.intake.models import (
    REFERRED_KINDS,
    Item,
    ItemStatus,
    Measure,
    MeasureKind,
    MeasureOutcome,
    Request,
)
from docket.intake.status import refresh_status
from docket.parties.auth import Principal
from docket.review.models import Decision
from docket.review.schemas import MeasureDecisionCreate, OtherItemsResolution

RESTRICTING = frozenset({"restricted", "removed_policy"})
GLOBAL = "*"


def _require_reviewer(principal: Principal, jurisdiction: str, what: str) -> None:
    """403 unless one of the caller's roles that count in ``jurisdiction`` reviews."""
    if not access.roles_in(principal, jurisdiction) & REVIEWING_ROLES:
        names = ", ".join(sorted(r.value for r in REVIEWING_ROLES))
        raise RoleRequired(f"{what} needs one of the roles: {names}")


def decide(*, session: Session, principal: Principal, request: Request, data: MeasureDecisionCreate,
           now: dt.datetime) -> Measure:
    """Answer one content measure of ``request``: granted, the fallback, or refused; one
    ``measure:decided`` event. An account's restriction follows its item's decision and a
    data measure was referred at intake: both are a 409."""
    _require_reviewer(principal, request.jurisdiction, "a measure's decision")
    measure = next((m for m in request.measures if m.position == data.position), None)
    if measure is None:
        raise NotFound(f"request {request.id} has no measure at position {data.position}")
    if measure.outcome is not None:
        raise Conflict(f"measure {data.position} of request {request.id} is already {measure.outcome}")
    if measure.kind == MeasureKind.restrict_account:
        item = account_item(request, measure)
        raise Conflict(f"an account's restriction is decided by the decision on the item that names it "
                       f"(item {item.id if item else '?'}); decide that item")
    if data.outcome == MeasureOutcome.fallback and not measure.fallback:
        raise Unprocessable("the request offered no fallback for this measure",
                            errors=[{"field": "outcome", "message": "granted or refused"}])
    _settle(session, measure, data.outcome, data.explanation, principal.user_id, principal.actor, now)
    return measure


def account_item(request: Request, measure: Measure) -> Item | None:
    """The request's item that names the account ``measure`` restricts."""
    return next((i for i in request.items if i.position == measure.item_position), None)


def follow_decision(*, session: Session, decision: Decision, item: Item, actor: str, now: dt.datetime) -> None:
    """A decision on an item took effect: each account restriction asked for that item's
    account is granted (restricted everywhere asked), the fallback (restricted in fewer
    places) or refused (not restricted)."""
    for measure in item.request.measures:
        if (measure.kind != MeasureKind.restrict_account or measure.item_position != item.position
                or measure.outcome is not None):
            continue
        if decision.outcome not in RESTRICTING:
            outcome = MeasureOutcome.refused
        elif decision.outcome == "removed_policy" or GLOBAL in decision.scope or set(measure.scope) <= set(
                decision.scope):
            outcome = MeasureOutcome.granted
        else:
            outcome = MeasureOutcome.fallback
        explanation = f"Decided with the decision on item {item.id} (D-{decision.id})."
        _settle(session, measure, outcome, explanation, decision.decided_by, actor, now, decision=decision.id)


def _settle(session: Session, measure: Measure, outcome: str, explanation: str, user_id: int | None,
            actor: str, now: dt.datetime, decision: int | None = None) -> None:
    measure.outcome, measure.explanation = outcome, explanation
    measure.decided_by, measure.decided_at = user_id, now
    audit.record(session=session, actor=actor, action="measure:decided", subject=f"request:{measure.request_id}",
                 payload={"measure": measure.id, "position": measure.position, "kind": str(measure.kind),
                          "outcome": outcome, "scope": measure.scope, "account": measure.account,
                          "decision": decision})


def referred(request: Request) -> list[Measure]:
    """The measures of ``request`` that are not this desk's (user data), referred at intake."""
    return [m for m in request.measures if m.kind in REFERRED_KINDS]


# ---------------------------------------------------------------- items the request could not list
def resolve_other_items(*, session: Session, principal: Principal, request: Request, data: OtherItemsResolution,
                        now: dt.datetime) -> Request:
    """Resolve the note of items ``request`` could not list: the items found become items of
    the request, reviewed like its others (``request:other_items_resolved``), or the note is
    rejected (``request:other_items_rejected``)."""
    _require_reviewer(principal, request.jurisdiction, "resolving a request's unlisted items")
    if request.other_items_status != "pending":
        raise Conflict(f"request {request.id} has no note of unlisted items to resolve"
                       if request.other_items is None else
                       f"request {request.id}'s unlisted items were {request.other_items_status} already")
    added: list[Item] = []
    if data.resolution == "items":
        added = _add_items(session, request, data, now)
    request.other_items_status = "resolved" if added else "rejected"
    request.other_items_answer = data.explanation
    refresh_status(request)
    audit.record(
        session=session, actor=principal.actor,
        action="request:other_items_resolved" if added else "request:other_items_rejected",
        subject=f"request:{request.id}",
        payload={"explanation": data.explanation, "items": [i.id for i in added],
                 "positions": [i.position for i in added], "request_status": request.status.value,
                 # What reports count of the new items, as request:received gives it for the first.
                 "not_found": [i.id for i in added if i.status == ItemStatus.content_not_found]},
    )
    return request


def _add_items(session: Session, request: Request, data: OtherItemsResolution, now: dt.datetime) -> list[Item]:
    """The items found, after the request's own (its queue keys and clock, as intake set them)."""
    start = max((i.position for i in request.items), default=-1) + 1
    staged = checks.stage(data.items)
    for offset, one in enumerate(staged):
        one.position = start + offset
    known = {i.content_id for i in request.items if i.content_id} | {
        i.normalized_url for i in request.items if i.normalized_url}
    resolved = [r for r in checks.resolve_items(session, data.items, staged=staged)
                if not {r.content_id, r.normalized_url} & known]
    if not resolved:
        raise Conflict(f"every item named is an item of request {request.id} already")
    first = request.items[0] if request.items else None
    severity = first.severity if first else catalog.reason_severity(session=session, code=request.reason) or 3
    added = [
        Item(request_id=request.id, position=r.position, content_id=r.content_id, url=r.url,
             normalized_url=r.normalized_url, unlisted=r.unlisted,
             status=ItemStatus.received if r.found else ItemStatus.content_not_found, created_at=now,
             jurisdiction=request.jurisdiction, reason=request.reason, priority=0 if request.emergency else 1,
             severity=severity, flag_rank=first.flag_rank if first else 1, crowd=0,
             deadline_at=request.deadline_at, due_hour=int(request.deadline_at.timestamp() // 3600),
             received_at=request.received_at, queue_open=True, risk_flags=[],
             submitter_id=request.submitter_id)
        for r in resolved
    ]
    session.add_all(added)
    session.flush()
    request.items.extend(added)
    return added
