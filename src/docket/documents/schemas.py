"""What the API answers about documents (their content is downloaded on its own), and
staff's change to one."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, StrictBool

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
