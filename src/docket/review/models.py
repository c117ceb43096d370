"""Review findings and decisions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docket.intake.models import Item
from docket.store import Base, utcnow


class Review(Base):
    """One review step's finding on one item, by one reviewer."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    finding: Mapped[str] = mapped_column(String(32))
    flags: Mapped[list[str]] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DecisionStatus(StrEnum):
    awaiting_approval = "awaiting_approval"
    effective = "effective"
    rejected = "rejected"
    reversed = "reversed"  # on appeal


class Decision(Base):
    """The outcome for one item: what, where, on which ground, by whom, and who approved it."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    # Countries where the content is restricted; ["*"] for everywhere; [] for no restriction.
    scope: Mapped[list[str]] = mapped_column(default=list)
    scope_reason: Mapped[str | None] = mapped_column(Text)
    ground: Mapped[str | None] = mapped_column(String(16))
    law: Mapped[str | None] = mapped_column(String(80))
    provision: Mapped[str | None] = mapped_column(String(300))
    policy_clause: Mapped[str | None] = mapped_column(String(300))
    explanation: Mapped[str] = mapped_column(Text)
    from_state: Mapped[str] = mapped_column(String(32))
    status: Mapped[DecisionStatus] = mapped_column(String(24))
    # Why a second person must approve: risk_flags, wider_scope, emergency, local_representative.
    approval_reasons: Mapped[list[str]] = mapped_column(default=list)
    # The jurisdiction whose local representative must be one of the two deciders.
    local_rep_jurisdiction: Mapped[str | None] = mapped_column(String(2))
    # Decided by docket itself: a copy of content restricted under a law that requires automated
    # action (docket.matching.copies); DSA statements report it as automated.
    automated: Mapped[bool] = mapped_column(default=False)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None]
    rejected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rejected_at: Mapped[dt.datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    effective_at: Mapped[dt.datetime | None]
    # A restriction for a period only (e.g. an interim court order); None = indefinitely.
    ends_at: Mapped[dt.datetime | None]
    # The explanation template version the explanation started from (it may have been edited).
    template_version_id: Mapped[int | None] = mapped_column(ForeignKey("explanation_template_versions.id"))

    item: Mapped[Item] = relationship(foreign_keys=[item_id])  # not items.copy_of_decision_id

    __table_args__ = (
        Index("ix_decisions_item_id", "item_id", "id"),
        Index("ix_decisions_status", "status", "id"),
    )


class ExplanationTemplate(Base):
    """A reusable explanation for decisions on one reason and law, in one notice language.
    Its text lives in versions: editing adds a version, and a decision keeps the one it used."""

    __tablename__ = "explanation_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A reason code (catalog) and a law id (catalog); None: any reason, any law.
    reason: Mapped[str | None] = mapped_column(String(40))
    law: Mapped[str | None] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[ExplanationTemplateVersion]] = relationship(
        order_by="ExplanationTemplateVersion.version", back_populates="template", lazy="selectin")

    __table_args__ = (Index("ix_explanation_templates_match", "language", "reason", "law"),)

    @property
    def current(self) -> ExplanationTemplateVersion:
        return self.versions[-1]


class ExplanationTemplateVersion(Base):
    """One version of a template's title and text, as written by one person."""

    __tablename__ = "explanation_template_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("explanation_templates.id"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    template: Mapped[ExplanationTemplate] = relationship(back_populates="versions")

    __table_args__ = (Index("uq_explanation_template_versions", "template_id", "version", unique=True),)


class Comment(Base):
    """One message in an item's internal discussion (staff only; never leaves docket)."""

    __tablename__ = "item_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_item_comments_item", "item_id", "id"),)


class Mention(Base):
    """A person named in a comment (@name), for their "mentioned" list."""

    __tablename__ = "item_mentions"

    comment_id: Mapped[int] = mapped_column(ForeignKey("item_comments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))

    __table_args__ = (Index("ix_item_mentions_user", "user_id", "comment_id"),)
class SavedView(Base):
    """A person's saved queue search: the filters under a name, listed above their queue."""

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # The queue's query parameters (review.views.VIEW_KEYS), as the console's links carry them.
    params: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        # One name per person; listing a person's views reads this index.
        UniqueConstraint("user_id", "name", name="uq_saved_views_user_id_name"),
    )
