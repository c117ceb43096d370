"""What the API answers about documents (their content is downloaded on its own), staff's
change to one, and the inbox entries of documents received without a request."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from docket.documents.models import Channel, Document, DocumentKind, InboxEntry, InboxStatus


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int | None = Field(description="the request it belongs to; null while it waits in the inbox")
    kind: DocumentKind
    language: str | None = Field(description="ISO 639-1, as the uploader gave it")
    filename: str = Field(description="the uploader's file name, cleaned for display; never a path")
    size: int = Field(description="bytes")
    sha256: str = Field(description="the SHA-256 of the content, in hex")
    media_type: str = Field(description="the type detected from the content, never the name or the client's claim")
    uploaded_by: str = Field(description="who uploaded it: submitter:<id> or user:<id>")
    uploaded_at: dt.datetime
    personal_data: bool = Field(description="staff marked it as holding personal data: it is never exported")
    redacts: int | None = Field(validation_alias="redacts_id",
                                description="the document of the same request this one is a redacted copy of")


class DocumentList(BaseModel):
    documents: list[DocumentRead]


class DocumentUpdate(BaseModel):
    """Staff's mark on a document."""

    model_config = ConfigDict(extra="forbid")

    personal_data: StrictBool = Field(description="the document holds personal data (a name, an address, an ID "
                                                  "number): the Lumen export never sends it, only a redacted copy")


class InboxEntryRead(BaseModel):
    """A document received through the inbox and what became of it."""

    id: int = Field(description="the document's id (GET /api/v1/documents/{id})")
    channel: Channel = Field(description="how it came: api, console or mail")
    status: InboxStatus = Field(description="unprocessed, draft (a request is being drafted from it), "
                                            "confirmed (it became request_id) or dismissed")
    received_at: dt.datetime
    request_id: int | None = Field(description="the request it became, once confirmed")
    dismissed_reason: str | None = Field(description="why it was dismissed")
    dismissed_at: dt.datetime | None
    document: DocumentRead

    @classmethod
    def of(cls, entry: InboxEntry, document: Document) -> InboxEntryRead:
        return cls(id=entry.document_id, channel=entry.channel, status=entry.status, received_at=entry.received_at,
                   request_id=entry.request_id, dismissed_reason=entry.dismissed_reason,
                   dismissed_at=entry.dismissed_at, document=DocumentRead.model_validate(document))
