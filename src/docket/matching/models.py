"""Copies found when the platform registers content, and the retroactive scans that look
for copies among content registered before its original was restricted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class ContentMatch(Base):
    """Registered content whose fingerprint is near restricted content's: what it matched,
    how near, and the review item it opened (docket.matching.copies)."""

    __tablename__ = "content_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id"), index=True)
    original_content_id: Mapped[str] = mapped_column(String(200))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    restriction_id: Mapped[int] = mapped_column(ForeignKey("restrictions.id"))
    kind: Mapped[str] = mapped_column(String(16))  # sha256 | pdq | text_sha256 | minhash
    distance: Mapped[int | None] = mapped_column(SmallInteger)  # PDQ: Hamming distance
    similarity: Mapped[float | None] = mapped_column(Float)  # text: estimated Jaccard similarity
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True)
    found_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CopyScan(Base):
    """A restriction whose content was looked for among the content registered before it
    started (docket.matching.scan). The row is the claim: its key is the restriction's, so
    two workers never scan one restriction twice; it is written in the transaction that
    records the scan's matches."""

    __tablename__ = "copy_scans"

    restriction_id: Mapped[int] = mapped_column(ForeignKey("restrictions.id"), primary_key=True)
    scanned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    content_checked: Mapped[int] = mapped_column(default=0)  # content with fingerprints, when scanned
    matches_found: Mapped[int] = mapped_column(default=0)  # matches recorded (content:match_found)
