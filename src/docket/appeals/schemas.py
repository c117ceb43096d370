from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from docket.bounds import Id


class AppealCreate(BaseModel):
    """An author appeals with the ``token`` from the statement of reasons (no account
    needed); a requester appeals with its API token and the ``decision_id``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    token: str | None = Field(default=None, max_length=100)
    decision_id: Id | None = None
    statement: str = Field(min_length=1, max_length=5000, description="why the decision is wrong")
    contact_email: EmailStr | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")

    @model_validator(mode="after")
    def _one_way(self) -> AppealCreate:
        if (self.token is None) == (self.decision_id is None):
            raise ValueError("give the 'token' from your statement of reasons, or (with an API token) a 'decision_id'")
        return self


class AppealDecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Literal["upheld", "reversed"]
    explanation: str = Field(min_length=1, max_length=5000)


class AppealRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    decision_id: int
    item_id: int
    appellant: str
    status: str
    statement: str
    received_at: dt.datetime
    decided_at: dt.datetime | None
    explanation: str | None
