"""Restrictions in effect, and the change feed every node follows."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class NoticeKind(StrEnum):
    legal_demand = "legal_demand"  # an authority's request
    local_law = "local_law"  # a report decided on legal grounds
    policy = "policy"  # removed for breaking the platform's rules


class SubjectKind(StrEnum):
    content = "content"
    account = "account"  # every piece of content by this author


class Restriction(Base):
    """An effect of a decision: a subject × a scope × a period. Never deleted; ended."""

    __tablename__ = "restrictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[SubjectKind] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(200))
    # ISO codes, or ["*"] for everywhere.
    scope: Mapped[list[str]]
    notice_kind: Mapped[NoticeKind] = mapped_column(String(16))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_restrictions_subject", "subject_kind", "subject_id"),
        Index("ix_restrictions_active", "ended_at", "ends_at"),
    )


class RestrictionChange(Base):
    """One change to the set of active restrictions. ``cursor`` increases strictly in
    commit order: appends take the audit chain's lock (see service.append_change)."""

    __tablename__ = "restriction_changes"

    cursor: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    op: Mapped[str] = mapped_column(String(8))  # "start" | "end" | "refresh" (new fingerprints, for the bank)
    restriction_id: Mapped[int] = mapped_column(ForeignKey("restrictions.id"))
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(200))
    scope: Mapped[list[str]]
    notice_kind: Mapped[str] = mapped_column(String(16))
    ends_at: Mapped[dt.datetime | None]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
