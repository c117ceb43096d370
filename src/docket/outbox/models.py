"""The outbox table: one row per message to send, e-mail or webhook."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class Channel(StrEnum):
    email = "email"
    webhook = "webhook"


class OutboxStatus(StrEnum):
    pending = "pending"  # due at next_attempt_at
    held = "held"  # a gag order holds it (hold_id)
    sent = "sent"
    dead = "dead"  # gave up after the configured number of tries
    cancelled = "cancelled"  # no longer true (a held notice of a decision since reversed)


class OutboxMessage(Base):
    """One message to send, written in the transaction of the change that causes it.

    ``message_id`` is what the receiver sees (Message-ID, webhook-id): the same on
    every try, so a receiver can drop a duplicate after a crash between send and mark."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[Channel] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(40))  # a notice kind, or a webhook event type
    recipient: Mapped[str] = mapped_column(String(254))  # an e-mail address, or "webhook:<endpoint id>"
    language: Mapped[str | None] = mapped_column(String(8))
    context: Mapped[dict[str, Any]]
    # What the message is about, to find everyone who was told of a decision.
    subject: Mapped[str | None] = mapped_column(String(80), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    status: Mapped[OutboxStatus] = mapped_column(String(16))
    # The gag order holding it (notices.models.NoticeHold).
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("notice_holds.id"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A worker's claim: no other worker takes the row before this time.
    lease_until: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
