"""Who acts in docket: submitters (organisations), staff users, their roles and API tokens."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docket.catalog.models import RequesterKind
from docket.store import Base, utcnow


class Role(StrEnum):
    admin = "admin"
    reviewer = "reviewer"
    legal = "legal"
    rights = "rights"
    local_representative = "local_representative"
    auditor = "auditor"
    # A reviewer who also leads the desk: assigns work to people and teams, takes items
    # over (with a reason, audited), manages teams, reads the desk's dashboard.
    lead = "lead"
    # A service role for the platform's own systems (content registry, visibility).
    platform = "platform"


STAFF_ROLES = frozenset(
    {Role.admin, Role.reviewer, Role.legal, Role.rights, Role.local_representative, Role.auditor,
     Role.lead}
)


class Submitter(Base):
    """An organisation that sends requests: a ministry, a court, a trusted flagger…"""

    __tablename__ = "submitters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[RequesterKind] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    email: Mapped[str | None] = mapped_column(String(254))
    verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="submitter")


class User(Base):
    """A staff member, or a service account of the platform."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The language the person chose for pages (docket.web.i18n); None: as the browser asks.
    language: Mapped[str | None] = mapped_column(String(2))
    # A person of a submitter (an official of an agency) rather than staff: signs in
    # to the portal and acts as that submitter. Staff users have no submitter.
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("submitters.id"), index=True)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class UserRole(Base):
    """One role of a user; a local representative's role names its jurisdiction."""

    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(String(32))
    jurisdiction: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code"))

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (UniqueConstraint("user_id", "role", "jurisdiction"),)


class Team(Base):
    """People who share one step's work, for all countries or one (e.g. "legal — KZ"): the
    lead assigns items to a team, its members take them from their queue."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # The role whose work the team does (reviewer, legal, rights, local_representative).
    role: Mapped[Role] = mapped_column(String(32))
    # None: every jurisdiction.
    jurisdiction: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code"))
    # A team that decides appeals (appeals/routing.py) rather than an item's review step.
    appeals: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", lazy="selectin"
    )


class TeamMember(Base):
    """A person in a team."""

    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)

    team: Mapped[Team] = relationship(back_populates="members")


class ApiToken(Base):
    """A bearer token, stored only as its SHA-256; belongs to a submitter or to a user."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120), default="")
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("submitters.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]

    submitter: Mapped[Submitter | None] = relationship(back_populates="tokens")
    user: Mapped[User | None] = relationship(back_populates="tokens")

    __table_args__ = (
        CheckConstraint(
            "(submitter_id IS NULL) <> (user_id IS NULL)", name="one_owner"
        ),
    )
