"""What each change tells whom, put in the outbox (:mod:`docket.outbox`) in the
transaction of the change; webhooks to the endpoints subscribed; gag orders; the dead letter.

Nothing is sent from here: the worker (notices/worker.py) delivers. What a notice
says is rendered at delivery from the records it names, so a notice held by a gag
order says what is true when it finally goes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from docket import access, audit
from docket.errors import Conflict, Unprocessable
from docket.notices.addresses import Resolver, UnsafeAddress, check_url_host, system_resolver
from docket.notices.models import NoticeHold, WebhookEndpoint
from docket.outbox.models import Channel, OutboxMessage, OutboxStatus
from docket.outbox.service import OUTBOX_CHANGED, enqueue_email, message_id
from docket.store import rowcount

EVENT_TYPES = ("decision.made", "restriction.created", "restriction.ended", "appeal.decided")


def enqueue_event(
    *, session: Session, event_type: str, payload: dict[str, Any], subject: str | None = None,
    decision_id: int | None = None,
) -> list[OutboxMessage]:
    """One signed webhook per active endpoint subscribed to ``event_type``."""
    endpoints = session.execute(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))).scalars()
    messages = []
    for endpoint in endpoints:
        if event_type not in endpoint.event_types:
            continue
        message = OutboxMessage(
            message_id=message_id(), channel=Channel.webhook, kind=event_type,
            recipient=f"webhook:{endpoint.id}", context=payload, subject=subject,
            decision_id=decision_id, status=OutboxStatus.pending,
        )
        session.add(message)
        messages.append(message)
    session.info[OUTBOX_CHANGED] = bool(messages) or session.info.get(OUTBOX_CHANGED, False)
    return messages


# ---------------------------------------------------------------- gag orders
def hold_for(*, session: Session, request_id: int, legal_reason: str, review_at: dt.datetime,
             ends_at: dt.datetime | None = None) -> NoticeHold:
    """The hold of a confidential request (one per request), created on first use."""
    hold = session.execute(
        select(NoticeHold).where(NoticeHold.request_id == request_id, NoticeHold.status == "held")
    ).scalar_one_or_none()
    if hold is None:
        hold = NoticeHold(request_id=request_id, legal_reason=legal_reason, review_at=review_at, ends_at=ends_at)
        session.add(hold)
        session.flush()
        audit.record(session=session, actor="system", action="hold:placed", subject=f"hold:{hold.id}",
                     payload={"request": request_id, "legal_reason": legal_reason,
                              "review_at": review_at.isoformat(),
                              "ends_at": ends_at.isoformat() if ends_at else None})
    return hold


def release_hold(*, session: Session, hold: NoticeHold, actor: str, reason: str, now: dt.datetime) -> int:
    """Lift a hold: its notices become due at once. Returns how many were released."""
    # Conditional: two people lifting the same hold release its notices once.
    done = rowcount(session.execute(
        update(NoticeHold).where(NoticeHold.id == hold.id, NoticeHold.status == "held")
        .values(status="released", released_at=now, released_by=actor, release_reason=reason)
        .execution_options(synchronize_session=False)
    ))
    if not done:
        raise Conflict(f"hold {hold.id} is already released")
    session.refresh(hold)
    released = rowcount(session.execute(
        update(OutboxMessage).where(OutboxMessage.hold_id == hold.id, OutboxMessage.status == OutboxStatus.held)
        .values(status=OutboxStatus.pending, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    ))
    session.info[OUTBOX_CHANGED] = True
    audit.record(session=session, actor=actor, action="hold:released", subject=f"hold:{hold.id}",
                 payload={"reason": reason, "notices": released})
    return int(released)


def release_due_holds(*, session: Session, now: dt.datetime) -> list[int]:
    """Release the holds whose end has come."""
    due = session.execute(
        select(NoticeHold).where(NoticeHold.status == "held", NoticeHold.ends_at <= now)
    ).scalars().all()
    for hold in due:
        release_hold(session=session, hold=hold, actor="system:holds", reason="the hold ended", now=now)
    return [h.id for h in due]


def list_holds(*, session: Session, within: access.Reach = access.EVERYTHING,
               status: str | None = None) -> Sequence[NoticeHold]:
    """Holds, the next review first: those of the requests ``within`` reach (the command
    line, an operator's, sees every one)."""
    query = access.narrowed(select(NoticeHold), within, NoticeHold).order_by(NoticeHold.review_at)
    if status:
        query = query.where(NoticeHold.status == status)
    return session.execute(query).scalars().all()


def told_of(*, session: Session, decision_id: int) -> list[OutboxMessage]:
    """The e-mails that told people of a decision (sent, or still to go)."""
    return list(session.execute(
        select(OutboxMessage).where(
            OutboxMessage.decision_id == decision_id, OutboxMessage.channel == Channel.email,
            OutboxMessage.kind.in_(("statement_of_reasons", "effect_given", "reporter_outcome")),
            OutboxMessage.status.in_((OutboxStatus.sent, OutboxStatus.pending)),
        ).order_by(OutboxMessage.id)
    ).scalars())


def cancel_held(*, session: Session, decision_id: int) -> int:
    """Held notices of a decision that no longer stands will never go out."""
    return rowcount(session.execute(
        update(OutboxMessage).where(OutboxMessage.decision_id == decision_id,
                                    OutboxMessage.status == OutboxStatus.held)
        .values(status=OutboxStatus.cancelled).execution_options(synchronize_session=False)
    ))


def retry_dead(*, session: Session, actor: str, ids: list[int] | None, now: dt.datetime) -> int:
    """Put dead messages (all, or ``ids``) back in the queue, due now (audited).

    Asking for particular messages none of which is dead any more is a conflict."""
    # Conditional: of two people retrying the same message, only one puts it back.
    query = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.dead)
    if ids:
        query = query.where(OutboxMessage.id.in_(ids))
    count = rowcount(session.execute(
        query.values(status=OutboxStatus.pending, next_attempt_at=now, attempts=0, lease_until=None)
        .execution_options(synchronize_session=False)))
    if ids and not count:
        raise Conflict("no such message is in the dead letter (already retried?)")
    if count:
        session.info[OUTBOX_CHANGED] = True
        audit.record(session=session, actor=actor, action="outbox:retried", subject="outbox",
                     payload={"ids": sorted(ids) if ids else "all dead", "count": count})
    return count


# ---------------------------------------------------------------- webhook endpoints
def check_endpoint_url(url: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
    """Unprocessable (field ``url``) when ``url`` is no http(s) URL of an allowed host."""
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if parts.scheme not in ("http", "https") or not host:
        raise Unprocessable("the webhook URL must be http(s)://host…",
                            errors=[{"field": "url", "message": "must be an http(s) URL with a host"}])
    try:
        check_url_host(host, port or (443 if parts.scheme == "https" else 80), allow_private=allow_private,
                       resolve=resolve)
    except UnsafeAddress as exc:
        raise Unprocessable(f"docket does not post webhooks to {exc}",
                            errors=[{"field": "url", "message": str(exc)}]) from None


def add_endpoint(*, session: Session, actor: str, owner_id: int, url: str, event_types: list[str],
                 secret: str, allow_private: bool = False, resolve: Resolver = system_resolver) -> WebhookEndpoint:
    """Register an endpoint; Unprocessable when its host is or resolves to an address docket
    must not post to (loopback, private, metadata…), unless ``allow_private``."""
    check_endpoint_url(url, allow_private=allow_private, resolve=resolve)
    endpoint = WebhookEndpoint(owner_id=owner_id, url=url, secret=secret, event_types=event_types)
    session.add(endpoint)
    session.flush()
    audit.record(session=session, actor=actor, action="webhook:registered", subject=f"webhook:{endpoint.id}",
                 payload={"url": url, "event_types": event_types})
    return endpoint


# ---------------------------------------------------------------- what each change tells whom
HOLD_REVIEW_DAYS = 90


def clarification_requested(*, session: Session, request: Any, item: Any, to: str | None) -> None:
    """Ask the requester the legal reviewer's question about one item (the review of that
    item waits for the answer)."""
    enqueue_email(session=session, kind="clarification_requested", to=to, language=request.language,
                  context={"request_id": request.id, "item_id": item.id, "question": item.clarification_question},
                  subject=f"request:{request.id}")


@dataclass(frozen=True)
class Told:
    """Who hears of a decision, as docket.effects found them."""

    author: str | None  # the author's address, when the decision restricted the content
    author_language: str | None
    reporters: Sequence[tuple[str, int]]  # each reporter's address, with its first report's id
    requester: str | None  # the requester's address, once every item of its request is decided


def decision_took_effect(*, session: Session, decision: Any, item: Any, request: Any, told: Told,
                         now: dt.datetime) -> None:
    """Tell the platform (webhook), the author (statement of reasons, unless a gag order
    holds it), each reporter (the outcome) and the requester (effect given)."""
    enqueue_event(session=session, event_type="decision.made", subject=f"item:{item.id}", decision_id=decision.id,
                  payload={"decision_id": decision.id, "item_id": item.id, "request_id": request.id,
                           "content_id": item.content_id, "outcome": decision.outcome, "scope": decision.scope,
                           "ground": decision.ground, "jurisdiction": item.jurisdiction,
                           "effective_at": now.isoformat()})
    if told.author:
        hold = None
        if request.confidential:
            hold = hold_for(session=session, request_id=request.id,
                            legal_reason=request.confidentiality_basis or "confidential request",
                            review_at=now + dt.timedelta(days=HOLD_REVIEW_DAYS))
        message = enqueue_email(
            session=session, kind="statement_of_reasons", to=told.author,
            language=told.author_language, context={"decision_id": decision.id}, subject=f"item:{item.id}",
            decision_id=decision.id, hold_id=hold.id if hold is not None else None)
        if hold is not None and message is not None:
            session.flush()
            audit.record(session=session, actor="system", action="notice:held", subject=f"item:{item.id}",
                         payload={"hold": hold.id, "outbox": message.id, "decision": decision.id})
    for address, report_id in told.reporters:
        enqueue_email(session=session, kind="reporter_outcome", to=address, language=None,
                      context={"decision_id": decision.id, "report_id": report_id},
                      subject=f"item:{item.id}", decision_id=decision.id)
    enqueue_email(session=session, kind="effect_given", to=told.requester, language=request.language,
                  context={"request_id": request.id}, subject=f"request:{request.id}", decision_id=decision.id)


def measure_answered(*, session: Session, request: Any, to: str | None) -> None:
    """Tell the requester the effect given again, with a measure answered after its items
    were decided; not when the effect given still waits in the outbox (it is composed
    when sent, so it carries the answer)."""
    waiting = session.execute(
        select(OutboxMessage.id).where(OutboxMessage.kind == "effect_given",
                                       OutboxMessage.subject == f"request:{request.id}",
                                       OutboxMessage.status.in_((OutboxStatus.pending, OutboxStatus.held)))
        .limit(1)).first()
    if waiting is None:
        enqueue_email(session=session, kind="effect_given", to=to, language=request.language,
                      context={"request_id": request.id}, subject=f"request:{request.id}")
