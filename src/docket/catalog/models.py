"""The catalog: jurisdictions, laws with their statutory clocks, and the reason taxonomy."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class RequesterKind(StrEnum):
    """The kinds of submitter docket knows by name. Which of them are governments in the
    reports, and which must cite a legal basis, is catalog data (:class:`KindPlace`, read
    through :func:`docket.catalog.service.kind_places`), never decided here."""

    court = "court"
    government_agency = "government_agency"
    police = "police"
    regulator = "regulator"
    trusted_flagger = "trusted_flagger"
    user = "user"
    rights_holder = "rights_holder"
    industry_association = "industry_association"
    national_cert = "national_cert"
    internet_governance = "internet_governance"
    # The platform's own detection (docket's matcher found a copy of restricted content):
    # no government, no legal basis of its own to cite.
    platform = "platform"


class KindPlace(Base):
    """A requester kind's place: counted as a government in every report (the transparency
    report, equal treatment, the DSA Art. 15 tables, the Lumen export), and whether its
    requests must name a legal basis and explain the illegality (an authority's request)
    rather than carry a notice's DSA Art. 16 elements. Shipped in ``defaults/requester_kinds.json``;
    an admin changes it with ``docket kind set`` (an audited change)."""

    __tablename__ = "requester_kinds"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    government: Mapped[bool] = mapped_column(default=False)
    legal_basis_required: Mapped[bool] = mapped_column(default=False)


class Jurisdiction(Base):
    """An ISO 3166-1 country, with its default clock and local-representative rule."""

    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    default_clock_hours: Mapped[int | None]
    emergency_clock_hours: Mapped[int | None]
    local_rep_signoff: Mapped[bool] = mapped_column(default=False)
    local_rep_title: Mapped[str | None] = mapped_column(String(200))


class Law(Base):
    """A law requests can cite, with its statutory clock and notice rules."""

    __tablename__ = "laws"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    # An ISO 3166-1 code, or a region such as EU (see regions.json).
    applies_in: Mapped[str] = mapped_column(String(8), index=True)
    citation: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    clock_hours: Mapped[int | None]
    emergency_clock_hours: Mapped[int | None]
    clock_basis: Mapped[str | None] = mapped_column(String(300))
    clock_restarts_on_clarification: Mapped[bool] = mapped_column(default=True)
    local_rep_signoff: Mapped[bool] = mapped_column(default=False)
    # Copies of content restricted under this law are decided at once, as automated
    # decisions (docket.matching.copies); otherwise a person confirms each.
    automated_copies: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)
    # Where the official publisher has the text (never fetched by docket), and a sentence
    # or two of it, in the original language where possible, for reviewers to read.
    official_url: Mapped[str | None] = mapped_column(String(500))
    excerpt: Mapped[str | None] = mapped_column(Text)


class Reason(Base):
    """A reason code from the taxonomy (Google's list plus docket's additions)."""

    __tablename__ = "reasons"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    google_label: Mapped[str] = mapped_column(String(120))
    # 1 = handled first (child safety, terrorism, imminent self-harm) .. 3.
    severity: Mapped[int] = mapped_column(SmallInteger)
    dsa_category: Mapped[str] = mapped_column(String(80))


class RegionMember(Base):
    """Membership of a jurisdiction in a region a law can apply in (EU, EEA)."""

    __tablename__ = "region_members"

    region: Mapped[str] = mapped_column(String(8), primary_key=True)
    code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), primary_key=True)
