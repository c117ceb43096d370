"""What the API answers about documents (their content is downloaded on its own), staff's
change to one, and the inbox entries of documents received without a request."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from docket.documents.models import Channel, Document, DocumentKind, InboxEntry, InboxStatus


class DocumentRead(BaseModel):
    """A document's record (its content is downloaded on its own): what it is, who uploaded
    it, and its fingerprint."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the document's id", examples=[12])
    request_id: int | None = Field(description="the request it belongs to; null while it waits in the inbox",
                                   examples=[42])
    kind: DocumentKind = Field(description="what the document is")
    language: str | None = Field(description="ISO 639-1, as the uploader gave it; null: not given",
                                 examples=["ru"])
    filename: str = Field(description="the uploader's file name, cleaned for display; never a path",
                          examples=["postanovlenie-2026-11-20.pdf"])
    size: int = Field(description="bytes", examples=[184_320])
    sha256: str = Field(description="the SHA-256 of the content, in hex",
                        examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    media_type: str = Field(description="the type detected from the content, never the name or the client's claim",
                            examples=["application/pdf"])
    uploaded_by: str = Field(description=(
        "who uploaded it: submitter:<id> or user:<id>; system:mailbox for a document that came by e-mail"),
        examples=["submitter:2"])
    uploaded_at: dt.datetime = Field(description="when it was stored (UTC)", examples=["2026-12-03T17:02:31Z"])
    personal_data: bool = Field(description="staff marked it as holding personal data: it is never exported",
                                examples=[False])
    redacts: int | None = Field(validation_alias="redacts_id",
                                description="the document of the same request this one is a redacted copy of",
                                examples=[None])


class DocumentList(BaseModel):
    """A request's documents, in the order they were stored."""

    documents: list[DocumentRead] = Field(description="the documents, oldest first")


class DocumentUpdate(BaseModel):
    """Staff's mark on a document."""

    model_config = ConfigDict(extra="forbid")

    personal_data: StrictBool = Field(description="the document holds personal data (a name, an address, an ID "
                                                  "number): the Lumen export never sends it, only a redacted copy",
                                      examples=[True])


class InboxEntryRead(BaseModel):
    """A document received through the inbox and what became of it."""

    id: int = Field(description="the document's id (GET /api/v1/documents/{id})", examples=[12])
    channel: Channel = Field(description="how it came: api, console or mail")
    status: InboxStatus = Field(description="unprocessed, draft (a request is being drafted from it), "
                                            "confirmed (it became request_id) or dismissed")
    received_at: dt.datetime = Field(description="when it came in (UTC)", examples=["2026-12-03T08:15:00Z"])
    request_id: int | None = Field(description="the request it became, once confirmed", examples=[42])
    dismissed_reason: str | None = Field(description="why it was dismissed", examples=["a duplicate of request 41"])
    dismissed_at: dt.datetime | None = Field(description="when it was dismissed (UTC); null unless dismissed",
                                             examples=[None])
    document: DocumentRead = Field(description="the document itself")

    @classmethod
    def of(cls, entry: InboxEntry, document: Document) -> InboxEntryRead:
        return cls(id=entry.document_id, channel=entry.channel, status=entry.status, received_at=entry.received_at,
                   request_id=entry.request_id, dismissed_reason=entry.dismissed_reason,
                   dismissed_at=entry.dismissed_at, document=DocumentRead.model_validate(document))
