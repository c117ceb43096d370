"""Requests and their items, as they arrive through the one intake path."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docket.db import Base, utcnow
from docket.review.states import ItemState


class RequestStatus(StrEnum):
    open = "open"
    needs_clarification = "needs_clarification"
    partially_decided = "partially_decided"
    decided = "decided"


# Items' states belong to the review state machine; intake sets the entry state.
ItemStatus = ItemState


class Channel(StrEnum):
    api = "api"
    portal = "portal"
    form = "form"
    document_import = "import"


class Request(Base):
    """One written demand or notice from one submitter."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    submitter_id: Mapped[int] = mapped_column(ForeignKey("submitters.id"))
    channel: Mapped[Channel] = mapped_column(String(16))
    jurisdiction: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    reference: Mapped[str | None] = mapped_column(String(200))
    legal_basis: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(ForeignKey("reasons.code"))
    explanation: Mapped[str | None] = mapped_column(Text)
    requested_action: Mapped[str] = mapped_column(String(16))
    requested_scope: Mapped[list[str]] = mapped_column(default=list)
    issuing_officer: Mapped[dict[str, Any] | None]
    language: Mapped[str | None] = mapped_column(String(2))
    confidential: Mapped[bool] = mapped_column(default=False)
    confidentiality_basis: Mapped[str | None] = mapped_column(Text)
    emergency: Mapped[bool] = mapped_column(default=False)
    emergency_explanation: Mapped[str | None] = mapped_column(Text)
    bona_fide: Mapped[bool] = mapped_column(default=False)
    # The submitter is an authority (its kind), or the notice carries the DSA Art. 16 elements.
    art16_notice: Mapped[bool] = mapped_column(default=False)

    status: Mapped[RequestStatus] = mapped_column(String(24))
    missing: Mapped[list[str]] = mapped_column(default=list)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    clock_started_at: Mapped[dt.datetime]
    deadline_at: Mapped[dt.datetime]
    # How the deadline was set: {"source": "law"|"jurisdiction"|"default", "law": id, "hours": n, "emergency": bool}
    clock_rule: Mapped[dict[str, Any]]
    clarifications: Mapped[int] = mapped_column(Integer, default=0)

    items: Mapped[list[Item]] = relationship(
        back_populates="request", order_by="Item.position", lazy="selectin"
    )
    __table_args__ = (
        Index("ix_requests_submitter_id_id", "submitter_id", "id"),
        Index("ix_requests_status_deadline", "status", "deadline_at"),
        Index("ix_requests_jurisdiction_received", "jurisdiction", "received_at"),
    )


class Item(Base):
    """One piece of content named in a request; outcomes are per item."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    position: Mapped[int]
    content_id: Mapped[str | None] = mapped_column(String(200), index=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    normalized_url: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[ItemState] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Copied from the request so the queue reads one table through one index.
    jurisdiction: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(40))
    # 0 = emergency, 1 = everything else (the queue's first sort key).
    priority: Mapped[int] = mapped_column(SmallInteger, default=1)
    deadline_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime]
    # In the review queue: open, and its request is not waiting for the submitter.
    queue_open: Mapped[bool] = mapped_column(default=True)
    overdue: Mapped[bool] = mapped_column(default=False)

    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claim_expires_at: Mapped[dt.datetime | None]

    policy_finding: Mapped[str | None] = mapped_column(String(32))
    legal_finding: Mapped[str | None] = mapped_column(String(32))
    rights_finding: Mapped[str | None] = mapped_column(String(32))
    risk_flags: Mapped[list[str]] = mapped_column(default=list)
    decided_at: Mapped[dt.datetime | None]
    # The territorial scope in effect (the "effect given"): countries, ["*"], or [] for none.
    scope: Mapped[list[str] | None]

    request: Mapped[Request] = relationship(back_populates="items")

    @property
    def emergency(self) -> bool:
        return self.priority == 0

    __table_args__ = (
        Index("ix_items_queue", "queue_open", "priority", "deadline_at", "received_at", "id"),
        Index("ix_items_queue_jurisdiction", "queue_open", "jurisdiction", "priority", "deadline_at",
              "received_at", "id"),
    )


class IdempotencyKey(Base):
    """The first answer to a submission made with an ``Idempotency-Key`` header."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose key: "submitter:3" (keys of different callers never collide).
    owner: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("owner", "key"),)
