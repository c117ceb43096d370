from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class SubmitterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    country: str
    email: str | None
    verified: bool
    created_at: dt.datetime


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=120)


class TokenCreated(TokenRead):
    token: str = Field(description="shown once; docket keeps only its hash")


class Me(BaseModel):
    actor: str
    submitter: SubmitterRead | None = None
    user_email: str | None = None
    roles: list[str] = []
    jurisdictions: list[str] = []
    permissions: list[str] = []
