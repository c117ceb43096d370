"""What the API answers about documents (their content is downloaded on its own)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from docket.documents.models import DocumentKind


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int
    kind: DocumentKind
    language: str | None = Field(description="ISO 639-1, as the uploader gave it")
    filename: str = Field(description="the uploader's file name, cleaned for display; never a path")
    size: int = Field(description="bytes")
    sha256: str = Field(description="the SHA-256 of the content, in hex")
    media_type: str = Field(description="the type detected from the content, never the name or the client's claim")
    uploaded_by: str = Field(description="who uploaded it: submitter:<id> or user:<id>")
    uploaded_at: dt.datetime


class DocumentList(BaseModel):
    documents: list[DocumentRead]
