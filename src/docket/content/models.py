"""The content registry: what the platform tells docket about its content."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class ContentType(StrEnum):
    """What kind of content the platform registered: a post, a comment, an image, a video,
    an audio file, an account (a profile or channel), a private message, a product listing,
    or other."""

    post = "post"
    comment = "comment"
    image = "image"
    video = "video"
    audio = "audio"
    account = "account"
    message = "message"
    product = "product"
    other = "other"


class Content(Base):
    """One piece of the platform's content, by the platform's own id."""

    __tablename__ = "content"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    normalized_url: Mapped[str | None] = mapped_column(String(2048), index=True)
    type: Mapped[ContentType] = mapped_column(String(20))
    author_id: Mapped[str | None] = mapped_column(String(200), index=True)
    author_contact: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime | None]
    text: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ContentPreview(Base):
    """A thumbnail the platform sent with the content (never fetched by docket), for staff."""

    __tablename__ = "content_previews"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"))
    position: Mapped[int]
    # Detected from the bytes (image/png, image/jpeg, image/webp), never from what was claimed.
    media_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    alt: Mapped[str | None] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("uq_content_previews_position", "content_id", "position", unique=True),)


# The exact kinds' predicate, as the partial index declares it (a query naming it word for
# word lets SQLite's planner use the index; bound parameters would not).
EXACT_KINDS_SQL = "kind IN ('sha256', 'text_sha256')"
EXACT_KINDS = text(EXACT_KINDS_SQL)


class ContentFingerprint(Base):
    """What is kept of the content to find its copies (docket.matching.fingerprints): the
    SHA-256 of its media, the PDQ hash of its image with its quality, the normalised text's
    SHA-256 and MinHash signature. Computed by docket from what the platform sent."""

    __tablename__ = "content_fingerprints"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[str] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # sha256 | pdq | text_sha256 | minhash
    value: Mapped[bytes] = mapped_column(LargeBinary)
    quality: Mapped[int | None] = mapped_column(SmallInteger)  # PDQ only, 0-100

    # The retroactive scan finds exact copies (sha256, text_sha256) by equality
    # (docket.matching.scan): a partial index of those kinds only, not of the 512-byte
    # signatures. A query uses it when it names the same predicate (EXACT_KINDS).
    __table_args__ = (Index("ix_content_fingerprints_exact", "kind", "value",
                            sqlite_where=text(EXACT_KINDS_SQL), postgresql_where=text(EXACT_KINDS_SQL)),)

