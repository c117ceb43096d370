"""Appeals (DSA Art. 20 internal complaints)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class AppealStatus(StrEnum):
    """Where an appeal stands. open: waiting for a reviewer who took no part in the decision;
    upheld: the decision stands; reversed: the decision is undone (a restriction lifted, or
    the item reopened for a new decision)."""

    open = "open"
    upheld = "upheld"
    reversed = "reversed"


class Appeal(Base):
    """A complaint against one decision, decided by someone who took no part in it."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    # author (through the appeal link of a statement of reasons), requester, reporter
    appellant: Mapped[str] = mapped_column(String(16))
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("submitters.id"))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str | None] = mapped_column(String(8))
    statement: Mapped[str] = mapped_column(Text)
    status: Mapped[AppealStatus] = mapped_column(String(16), default=AppealStatus.open)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    explanation: Mapped[str | None] = mapped_column(Text)
    # Where the appeal was routed (appeals/routing.py): one person, or a team that decides
    # appeals; neither while nobody who may decide it is left (leads see why).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assigned_at: Mapped[dt.datetime | None]
    # When it should be decided (received + the setting appeal_decide_days); the queue's order.
    due_at: Mapped[dt.datetime | None]

    __table_args__ = (
        # One open appeal per decision, enforced by the database (two at once: one wins).
        Index("uq_appeals_open_decision", "decision_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_appeals_status", "status", "received_at"),
    )
