"""What an export has delivered to an outside database, so a second run sends nothing again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, UniqueConstraint
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
