"""The audit log: one hash-chained row per state change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base


class Event(Base):
    """One audit record. ``hash`` covers the row's fields and ``prev_hash``."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_events_subject_seq", "subject", "seq"),
        Index("ix_events_action_seq", "action", "seq"),
    )


class ChainHead(Base):
    """The last event's sequence and hash, one row.

    Writers lock this row to append (it serializes the chain on PostgreSQL) and
    it lets ``verify`` notice events cut off the end of the chain.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
