"""What an export has delivered to an outside database, so a second run sends nothing again;
the published periods' figures as the worker stored them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class ExportReceipt(Base):
    """One record accepted by a target: a DSA statement's ``puid`` or a Lumen notice key."""

    __tablename__ = "export_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "dsa" or "lumen".
    export: Mapped[str] = mapped_column(String(16))
    # The target's address, so sending to a second database (a sandbox) is independent.
    target: Mapped[str] = mapped_column(String(500))
    key: Mapped[str] = mapped_column(String(500))
    # What the target answered, when it names its own id for the record.
    remote_id: Mapped[str | None] = mapped_column(String(200))
    accepted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("export", "target", "key"),)


class TransparencySnapshot(Base):
    """A published period's figures as the worker computed them (docket.transparency.snapshots):
    the pages, downloads and API read these instead of computing the report on each request.

    One row per period and scope: ``all`` holds the period's report (the JSON the API
    returns), a country code holds that country's figures by statutory clock. The rows of
    a period are written together and state the same log position."""

    __tablename__ = "transparency_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A published half-year: "2026-H1".
    period: Mapped[str] = mapped_column(String(16))
    # "all", or an ISO 3166-1 alpha-2 code.
    scope: Mapped[str] = mapped_column(String(8))
    # The tree size of the verifiable log the figures are the state of.
    log_size: Mapped[int] = mapped_column(BigInteger)
    # When the figures were first stored (the period published), last computed (the last
    # check found them the same, or changed), and last changed (None: never revised).
    published_at: Mapped[dt.datetime]
    computed_at: Mapped[dt.datetime]
    revised_at: Mapped[dt.datetime | None]
    # How many times the figures changed after publication.
    revisions: Mapped[int] = mapped_column(default=0)
    figures: Mapped[dict[str, Any]]

    __table_args__ = (UniqueConstraint("period", "scope"),)
