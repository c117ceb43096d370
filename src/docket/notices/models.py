"""Webhook endpoints and gag-order holds (the messages themselves are in the outbox,
:mod:`docket.outbox.models`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class WebhookEndpoint(Base):
    """Where the platform wants events, and which ones. The secret signs every delivery."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(100))
    event_types: Mapped[list[str]]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class NoticeHold(Base):
    """A gag order: the author's notice of a confidential request waits until the hold
    ends (``ends_at``) or a legal reviewer lifts it; reviewed by ``review_at``."""

    __tablename__ = "notice_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    legal_reason: Mapped[str] = mapped_column(Text)
    review_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="held")  # held | released
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    released_at: Mapped[dt.datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(120))
    release_reason: Mapped[str | None] = mapped_column(Text)
