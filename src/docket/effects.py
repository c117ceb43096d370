"""What follows a review step, a decision or an appeal's reversal, applied in one place.

Review decides and says what happened (``review.service``'s ``Reviewed``, ``Decided``,
``Reversed``); this module applies what must follow, always in this order: the request's
status, restrictions and the change feed, notices to each party (their addresses found
here and handed to ``notices``), with the audit events each step writes. So review
imports neither enforcement nor notices, enforcement does not import notices and
notices does not look its recipients up in intake; the callers (the API, the console,
appeals, the demo, the expiry job) call this module, in their own transaction.

``review``, ``decide`` and ``approve`` do both halves at once and answer as
``review.service`` did before: the item, the decision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from docket import audit
from docket.catalog import service as catalog
from docket.content import service as content_registry
from docket.enforcement import service as enforcement
from docket.enforcement.models import Restriction, RestrictionChange
from docket.intake.models import Item, Measure, Request, RequestStatus
from docket.intake.status import refresh_status
from docket.intake.user_reports import reporter_contacts
from docket.items.states import ItemState, Outcome
from docket.notices import service as notices
from docket.outbox import service as outbox
from docket.parties.auth import Principal
from docket.parties.models import Submitter
from docket.review import measures
from docket.review import service as review_service
from docket.review.models import Decision
from docket.review.schemas import DecisionCreate, MeasureDecisionCreate, ReviewCreate
from docket.review.service import RESTRICTING, Decided, Reversed, Reviewed


# ---------------------------------------------------------------- review and apply, in one call
def review(*, session: Session, principal: Principal, item: Item, data: ReviewCreate, now: dt.datetime) -> Item:
    """Record one step's finding (review.service.review) and apply what follows it."""
    reviewed = review_service.review(session=session, principal=principal, item=item, data=data, now=now)
    after_review(session=session, reviewed=reviewed)
    return reviewed.item


def decide(*, session: Session, principal: Principal, item: Item, data: DecisionCreate,
           now: dt.datetime) -> Decision:
    """Decide one item (review.service.decide) and apply what follows if it took effect."""
    decided = review_service.decide(session=session, principal=principal, item=item, data=data, now=now)
    after_decision(session=session, decided=decided, actor=principal.actor, now=now)
    return decided.decision


def approve(*, session: Session, principal: Principal, decision: Decision, note: str | None,
            now: dt.datetime) -> Decision:
    """Approve a decision (review.service.approve) and apply what follows its taking effect."""
    decided = review_service.approve(session=session, principal=principal, decision=decision, note=note, now=now)
    after_decision(session=session, decided=decided, actor=principal.actor, now=now)
    return decided.decision


def answer_measure(*, session: Session, principal: Principal, request: Request, data: MeasureDecisionCreate,
                   now: dt.datetime) -> Measure:
    """Answer one measure of ``request`` (review.measures.decide). Once every item is decided
    the requester has been told the effect given: it is told again, with this answer."""
    measure = measures.decide(session=session, principal=principal, request=request, data=data, now=now)
    if request.status == RequestStatus.decided:
        submitter = session.get(Submitter, request.submitter_id)
        notices.measure_answered(session=session, request=request, to=submitter.email if submitter else None)
    return measure


# ---------------------------------------------------------------- the effects
def after_review(*, session: Session, reviewed: Reviewed) -> None:
    """A legal reviewer's question: the request waits for the answer and its requester is asked."""
    if reviewed.state != ItemState.clarification_requested:
        return
    item = reviewed.item
    request = item.request
    request.missing = [*request.missing, f"items[{item.position}].clarification"]
    refresh_status(request)
    submitter = session.get(Submitter, request.submitter_id)
    notices.clarification_requested(session=session, request=request, item=item,
                                    to=submitter.email if submitter else None)


def after_decision(*, session: Session, decided: Decided, actor: str, now: dt.datetime) -> None:
    """A decision in effect: the request's status and ``item:decided``; the restriction, its
    feed change and ``restriction:started``; then the platform, the author, each reporter
    and (once the whole request is decided) the requester are told. Nothing follows a
    decision that still awaits approval."""
    if not decided.took_effect:
        return
    decision, item = decided.decision, decided.item
    request = item.request
    was_decided = request.status == "decided"
    lacked = list(request.missing)
    refresh_status(request)
    submitter = session.get(Submitter, request.submitter_id)
    # What the decision restricts: nothing, for an outcome that does not or content the registry lacks.
    restricted = item.content_id if Outcome(decision.outcome) in RESTRICTING else None
    payload: dict[str, Any] = {"decision": decision.id, "outcome": decision.outcome, "scope": decision.scope,
                               "request_status": request.status.value, "restricts": None}
    if lacked and not request.missing:  # every item decided: nothing is asked any more
        payload["no_longer_missing"] = lacked
    if restricted is not None:
        # The restriction the decision puts in force, in the decision's own event, so that
        # the log alone says what must be served (``docket log check-restrictions``).
        kind, subject_id = enforcement.subject_for(session=session, content_id=restricted)
        notice_kind = enforcement.notice_kind_for(
            outcome=decision.outcome,
            authority=submitter is not None and catalog.kind_places(session=session).needs_legal_basis(submitter.kind))
        payload.update(restricts=f"{kind.value}:{subject_id}", notice_kind=notice_kind.value,
                       ends_at=decision.ends_at.isoformat() if decision.ends_at else None)
    audit.record(session=session, actor=actor, action="item:decided", subject=f"item:{item.id}", payload=payload)
    # An account's restriction asked for this item's account is decided with it.
    measures.follow_decision(session=session, decision=decision, item=item, actor=actor, now=now)
    author = None
    if restricted is not None:
        enforcement.start(
            session=session, actor=actor, decision_id=decision.id, content_id=restricted,
            scope=decision.scope, ends_at=decision.ends_at, now=now, announce=_announcer(session),
            notice_kind=notice_kind,
        )
        author = content_registry.get(session=session, content_id=restricted)
    request_decided = not was_decided and request.status == "decided"
    told = notices.Told(
        author=author.author_contact if author is not None else None,
        author_language=author.language if author is not None else None,
        reporters=reporter_contacts(session=session, item_id=item.id),
        requester=submitter.email if request_decided and submitter is not None else None,
    )
    notices.decision_took_effect(session=session, decision=decision, item=item, request=request, told=told, now=now)


def after_reversal(*, session: Session, reversal: Reversed, actor: str, now: dt.datetime) -> None:
    """An appeal reversed a decision: its restrictions end (feed, webhooks, ``restriction:ended``),
    its held notices never go out and everyone told of it hears that it was lifted; or, for a
    decision not to act, the request's status follows its reopened item."""
    decision, item = reversal.decision, reversal.item
    if not reversal.lift:
        refresh_status(item.request)
        return
    # The restriction ends now: the feed, every node's index and the platform's webhooks follow.
    for restriction in enforcement.for_decision(session=session, decision_id=decision.id):
        if restriction.ended_at is None:
            enforcement.end(session=session, actor=actor, restriction=restriction,
                            reason="reversed_on_appeal", now=now, announce=_announcer(session))
    notices.cancel_held(session=session, decision_id=decision.id)
    told = {m.recipient: m for m in notices.told_of(session=session, decision_id=decision.id)}
    for address, message in told.items():
        outbox.enqueue_email(session=session, kind="restriction_lifted", to=address,
                              language=message.language, context={"decision_id": decision.id},
                              subject=f"item:{item.id}", decision_id=decision.id)


def expire_restrictions(*, session: Session, now: dt.datetime) -> list[int]:
    """End the restrictions whose period is over, telling the platform's webhooks; their ids."""
    return enforcement.expire_due(session=session, now=now, announce=_announcer(session))


def _announcer(session: Session) -> enforcement.Announce:
    """Tell the platform's webhooks of each restriction that starts or ends."""
    def announce(restriction: Restriction, change: RestrictionChange) -> None:
        payload: dict[str, Any] = enforcement.change_dict(change)
        if change.op == "start":
            event_type = "restriction.created"
        else:
            event_type, payload = "restriction.ended", {**payload, "reason": restriction.ended_reason}
        notices.enqueue_event(session=session, event_type=event_type, payload=payload,
                              subject=f"restriction:{restriction.id}", decision_id=restriction.decision_id)

    return announce
