"""Webhook endpoints (the platform), gag-order holds (legal), the outbox (admin)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select

from docket import access
from docket.access import Purpose
from docket.bounds import Id
from docket.deps import Db
from docket.notices import delivery, service
from docket.notices.models import NoticeHold, WebhookEndpoint
from docket.outbox.models import OutboxMessage
from docket.parties.auth import Permission, Principal, require
from docket.store import utcnow

router = APIRouter(prefix="/api/v1", tags=["notices"])
Platform = Annotated[Principal, Depends(require(Permission.webhooks_manage))]
Legal = Annotated[Principal, Depends(require(Permission.holds_manage))]
Admin = Annotated[Principal, Depends(require(Permission.outbox_admin))]


class EndpointCreate(BaseModel):
    """Where the platform wants events, and which."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=8, max_length=2048, pattern=r"^https?://[^\s/]+",
                     description="where deliveries are POSTed", examples=["https://hooks.platform.example/docket"])
    event_types: list[str] = Field(min_length=1, max_length=len(service.EVENT_TYPES),
                                   description=f"which events: {', '.join(service.EVENT_TYPES)}",
                                   examples=[["restriction.created", "restriction.ended"]])

    @field_validator("event_types")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(service.EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event types {unknown}; known: {', '.join(service.EVENT_TYPES)}")
        return sorted(set(value))


class EndpointRead(BaseModel):
    """A webhook endpoint."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the endpoint's id", examples=[1])
    url: str = Field(description="where deliveries are POSTed", examples=["https://hooks.platform.example/docket"])
    event_types: list[str] = Field(description="the events it receives",
                                   examples=[["restriction.created", "restriction.ended"]])
    active: bool = Field(description="false once removed", examples=[True])
    created_at: dt.datetime = Field(description="when it was registered", examples=["2026-12-03T17:02:42Z"])


class EndpointCreated(EndpointRead):
    """A webhook endpoint just registered, with its secret (shown this once)."""

    secret: str = Field(description="signs every delivery (Standard Webhooks); shown once",
                        examples=["whsec_xK429cnUGlj2ZiU4zXvJnO9YsguJSg0y/ZC84ydqNOQ="])


class HoldRead(BaseModel):
    """A gag order's hold: the author's notices of a confidential request wait until it ends
    or a legal reviewer lifts it. Who sees it: the legal role, within its jurisdictions."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the hold's id", examples=[4])
    request_id: int = Field(description="the confidential request whose notices it holds", examples=[42])
    legal_reason: str = Field(description=(
        "why the author may not be told yet: the request's confidentiality basis, as the requester gave it"),
        examples=["Art. 12 of the Law on Pre-trial Investigation: the investigation is secret."])
    review_at: dt.datetime = Field(description=(
        "when a legal reviewer must look at it again (UTC; 90 days after it was placed)"),
        examples=["2027-03-03T18:40:00Z"])
    ends_at: dt.datetime | None = Field(description=(
        "when it ends by itself and the notices go out (UTC); null: only when lifted"), examples=[None])
    status: str = Field(description="held, or released (its notices went out)", examples=["held"])
    released_at: dt.datetime | None = Field(description="when it was released (UTC); null while held",
                                            examples=["2027-01-15T10:00:00Z"])
    released_by: str | None = Field(description=(
        "who released it: user:<id>, or system:holds when its end came"), examples=["user:7"])
    release_reason: str | None = Field(description="why it was released ('the hold ended' when its end came)",
                                       examples=["The prosecutor confirmed the investigation is closed."])


class HoldRelease(BaseModel):
    """Lift a hold: its notices go out at once."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000, description="why (recorded on the hold and in the audit log)",
                        examples=["The prosecutor confirmed the investigation is closed."])


class OutboxRead(BaseModel):
    """A message docket sends (an e-mail notice or a webhook delivery), written in the same
    transaction as the change it tells of, and its delivery. Admin only."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the message's id", examples=[1402])
    message_id: str = Field(description=(
        "what the receiver sees (Message-ID, webhook-id): the same on every try, so a duplicate can be dropped"),
        examples=["3f2b8c1e9a7d4e6f8b0c2d4e6f8a0b1c"])
    channel: str = Field(description="email or webhook", examples=["email"])
    kind: str = Field(description="a notice kind (statement_of_reasons, clarification_requested, …) or a webhook "
                      "event type (decision.made, …)", examples=["statement_of_reasons"])
    recipient: str = Field(description="an e-mail address, or webhook:<endpoint id>",
                           examples=["author@mail.example"])
    status: str = Field(description=(
        "pending (due at next_attempt_at), held (by a gag order), sent, dead (gave up after "
        "DOCKET_OUTBOX_MAX_ATTEMPTS tries) or cancelled (no longer true: a held notice of a "
        "decision since reversed)"), examples=["sent"])
    attempts: int = Field(description="tries so far", examples=[1])
    next_attempt_at: dt.datetime = Field(description="when it is next due (UTC), while pending",
                                         examples=["2026-12-03T18:40:00Z"])
    last_error: str | None = Field(description="why the last try failed; null: none failed",
                                   examples=["550 5.1.1 mailbox unavailable"])
    created_at: dt.datetime = Field(description="when it was written (UTC)", examples=["2026-12-03T18:40:00Z"])
    sent_at: dt.datetime | None = Field(description="when it was delivered (UTC); null: not yet",
                                        examples=["2026-12-03T18:40:02Z"])


@router.post("/webhooks", response_model=EndpointCreated, status_code=status.HTTP_201_CREATED)
def add_webhook(body: EndpointCreate, db: Db, who: Platform, request: Request) -> EndpointCreated:
    """Register an endpoint for some event types; the secret is shown once. Who: platform.
    422 for a host that is or resolves to a loopback, private, link-local, metadata or other
    non-public address (unless DOCKET_WEBHOOKS_ALLOW_PRIVATE=true)."""
    secret = delivery.new_webhook_secret()
    endpoint = service.add_endpoint(session=db, actor=who.actor, owner_id=who.user_id or 0, url=body.url,
                                    event_types=body.event_types, secret=secret,
                                    allow_private=request.app.state.settings.webhooks_allow_private)
    return EndpointCreated(**EndpointRead.model_validate(endpoint).model_dump(), secret=secret)


@router.get("/webhooks", response_model=list[EndpointRead])
def list_webhooks(db: Db, who: Platform) -> list[EndpointRead]:
    """The caller's endpoints. Who: platform."""
    return [EndpointRead.model_validate(e) for e in access.own_records(db, who, WebhookEndpoint)]


@router.delete("/webhooks/{endpoint_id}", response_model=EndpointRead)
def remove_webhook(endpoint_id: Id, db: Db, who: Platform) -> EndpointRead:
    """Stop deliveries to an endpoint. Who: its owner (404 for anyone else)."""
    endpoint = access.own(db, who, WebhookEndpoint, endpoint_id, what="webhook endpoint")
    endpoint.active = False
    return EndpointRead.model_validate(endpoint)


@router.get("/holds", response_model=list[HoldRead])
def list_holds(
    db: Db, who: Legal,
    status_: Annotated[str | None, Query(alias="status", pattern="^(held|released)$")] = None,
) -> list[HoldRead]:
    """Gag-order holds, the next review first. Who: legal."""
    holds = service.list_holds(session=db, within=access.reach(who), status=status_)
    return [HoldRead.model_validate(h) for h in holds]


@router.post("/holds/{hold_id}/release", response_model=HoldRead)
def release_hold(hold_id: Id, body: HoldRelease, db: Db, who: Legal) -> HoldRead:
    """Lift a hold: the held notices go out. Who: legal."""
    hold = access.visible(db, who, NoticeHold, hold_id, purpose=Purpose.act, what="hold")
    service.release_hold(session=db, hold=hold, actor=who.actor, reason=body.reason, now=utcnow())
    return HoldRead.model_validate(hold)


@router.get("/outbox", response_model=list[OutboxRead])
def list_outbox(
    db: Db, _who: Admin,
    status_: Annotated[str | None, Query(alias="status", pattern="^(pending|held|sent|dead|cancelled)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[OutboxRead]:
    """Messages, newest first. Who: admin."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status_:
        query = query.where(OutboxMessage.status == status_)
    return [OutboxRead.model_validate(m) for m in db.execute(query).scalars()]
