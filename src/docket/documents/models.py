"""The documents a request carries — the authority's letter, the order or court decision,
translations, evidence, redacted copies of them — and their content, kept once per
distinct content (by SHA-256); and the inbox of documents received that belong to no
request yet."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, deferred, mapped_column

from docket.store import Base, utcnow


class DocumentKind(StrEnum):
    """What a document is. letter: the request letter itself; order: the order it transmits;
    court_decision: a court's decision; translation: a translation of one of these;
    evidence: screenshots and the like (never sent to Lumen); other: anything else (never
    sent to Lumen)."""

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
    # None while the document waits in the inbox (InboxEntry): it belongs to no request yet.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
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


class Channel(StrEnum):
    """How a document reached the inbox."""

    console = "console"  # uploaded (or pasted) by staff on /console/inbox
    api = "api"  # POST /api/v1/documents
    mail = "mail"  # taken from the mailbox (docket mail poll)


class InboxStatus(StrEnum):
    """What became of a document sent to the inbox. unprocessed: nobody has looked at it
    yet; draft: a request is being drafted from it; confirmed: it became a request
    (request_id); dismissed: not a request (spam, a duplicate, out of scope: see
    dismissed_reason)."""

    unprocessed = "unprocessed"  # received, nobody has looked at it yet
    draft = "draft"  # a request is being drafted from it (a person confirms it)
    confirmed = "confirmed"  # it became request ``request_id``
    dismissed = "dismissed"  # not a request (spam, a duplicate, out of scope): ``dismissed_reason``


class InboxEntry(Base):
    """A document received through a channel that does not say which request it is —
    a letter sent as is, an e-mail — waiting until a person turns it into a request or
    dismisses it. One entry per document, named by the document's id; the extraction and
    the draft of a request hang off it, and ``request_id`` is set when one is confirmed."""

    __tablename__ = "inbox_entries"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    channel: Mapped[Channel] = mapped_column(String(16))
    # Who sent it: the submitter whose token sent it (api), the staff user who uploaded it
    # (console), the From address (mail; ``sender`` holds it, as the message says it).
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("submitters.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(500))
    # What makes a delivery once: an e-mail's Message-ID (or "sha256:<hex>" of its bytes when
    # it has none). Unique where set, so a message taken twice is stored once.
    message_id: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[InboxStatus] = mapped_column(String(16), default=InboxStatus.unprocessed)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    dismissed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dismissed_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (
        Index("ix_inbox_entries_message_id", "message_id", unique=True),
        Index("ix_inbox_entries_status_received_at", "status", "received_at"),
        Index("ix_inbox_entries_submitter_id", "submitter_id"),
    )


class InboxExtraction(Base):
    """What was read out of an inbox document (docket.extraction, in a sandboxed child, by
    the worker's job, never in a request): its text, paragraphs as
    ``[start, end, language, page, source, translation_of]``, or the ``error`` that says
    why nothing could be read. The row is also the job's claim: inserted (unique, by the
    document's id) with ``extracted_at`` NULL before the file is read, so two workers
    never read the same document; a claim older than DOCKET_EXTRACT_SECONDS and a margin
    (a worker that died) is taken over."""

    __tablename__ = "inbox_extractions"

    document_id: Mapped[int] = mapped_column(ForeignKey("inbox_entries.document_id"), primary_key=True)
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    extracted_at: Mapped[dt.datetime | None] = mapped_column()
    # Deferred: the inbox's list never loads a letter's text.
    text: Mapped[str] = deferred(mapped_column(Text, default="", nullable=False))
    paragraphs: Mapped[list[Any]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    pages: Mapped[int] = mapped_column(default=0)
    ocr_pages: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[list[str]] = mapped_column(default=list)
    error: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class InboxDraft(Base):
    """The request a person drafts from an inbox document: ``proposed`` is what docket read
    (``{"body": …, "spans": {field: [[start, end], …]}, "elsewhere": […], "laws": […]}``,
    the body ``POST /api/v1/requests`` takes, each value with where the text says it),
    ``body`` the body as last saved, ``submitter_id`` the sender chosen. Nothing of it is a
    request until a person confirms it (docket.intake.drafts)."""

    __tablename__ = "inbox_drafts"

    document_id: Mapped[int] = mapped_column(ForeignKey("inbox_entries.document_id"), primary_key=True)
    proposed: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("submitters.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # None while the draft is docket's proposal as read; a person's id once saved.
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
