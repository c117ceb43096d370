"""The documents a request carries — the authority's letter, the order or court decision,
translations, evidence, redacted copies of them — and their content, kept once per
distinct content (by SHA-256)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, false
from sqlalchemy.orm import Mapped, deferred, mapped_column

from docket.store import Base, utcnow


class DocumentKind(StrEnum):
    letter = "letter"
    order = "order"
    court_decision = "court_decision"
    translation = "translation"
    evidence = "evidence"
    other = "other"


class Blob(Base):
    """One distinct content, named by its SHA-256: in ``content`` (the database, the
    default), or, when DOCKET_DOCUMENT_DIR is set, in a file of that name there
    (``content`` is then NULL). Documents with the same bytes share one blob."""

    __tablename__ = "document_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    # Deferred: listing documents never loads their bytes.
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Document(Base):
    """One file attached to a request: what it is, as the uploader said (kind, language)
    and as docket found it (size, hash, the type detected from its bytes)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    kind: Mapped[DocumentKind] = mapped_column(String(24))
    language: Mapped[str | None] = mapped_column(String(2))
    # The uploader's name for the file, cleaned for display (docket.documents.detect.display_name);
    # never a path: the content is found by its hash.
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(ForeignKey("document_blobs.sha256"))
    media_type: Mapped[str] = mapped_column(String(100))
    # Who uploaded it, as audit events name actors: "submitter:3", "user:7".
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A reviewer's mark that the document holds personal data (a name, an address, an ID
    # number of someone the order is about): it never leaves the platform in an export.
    personal_data: Mapped[bool] = mapped_column(default=False, server_default=false())
    # This document is a redacted copy of that one (a document of the same request, not
    # itself a copy), made to be published in its place (docket.transparency.lumen).
    redacts_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    __table_args__ = (Index("ix_documents_request_id_id", "request_id", "id"),)
