from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from docket.bounds import Id


class AppealCreate(BaseModel):
    """An author appeals with the ``token`` from the statement of reasons (no account
    needed); a requester appeals with its API token and the ``decision_id``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    token: str | None = Field(default=None, max_length=100,
                              description="the appeal token from the author's statement of reasons",
                              examples=["apl_3kq9VnR2xT"])
    decision_id: Id | None = Field(default=None, description="the decision a requester appeals "
                                   "(with its API token)", examples=[7])
    statement: str = Field(min_length=1, max_length=5000, description="why the decision is wrong",
                           examples=["The post quotes a news report; it calls for nothing."])
    contact_email: EmailStr | None = Field(default=None, description="where the answer goes",
                                           examples=["author@mail.example"])
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$",
                                 description="the language to answer in, ISO 639-1", examples=["kk"])

    @model_validator(mode="after")
    def _one_way(self) -> AppealCreate:
        if (self.token is None) == (self.decision_id is None):
            raise ValueError("give the 'token' from your statement of reasons, or (with an API token) a 'decision_id'")
        return self


class AppealDecisionCreate(BaseModel):
    """A reviewer's decision on an appeal."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Literal["upheld", "reversed"] = Field(
        description="upheld: the decision stands; reversed: it is undone", examples=["reversed"])
    explanation: str = Field(min_length=1, max_length=5000, description="why, for the appellant",
                             examples=["The post reports the news; it is not a call to violence."])


class AppealRead(BaseModel):
    """An appeal and, once decided, its outcome."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the appeal's id", examples=[3])
    decision_id: int = Field(description="the decision appealed", examples=[7])
    item_id: int = Field(description="the item the decision is about", examples=[101])
    appellant: str = Field(description="who appeals: author or requester", examples=["author"])
    status: str = Field(description="open, upheld or reversed", examples=["open"])
    statement: str = Field(description="why the appellant says the decision is wrong",
                           examples=["The post quotes a news report; it calls for nothing."])
    received_at: dt.datetime = Field(description="when it came in", examples=["2026-12-02T10:00:00Z"])
    decided_at: dt.datetime | None = Field(description="when it was decided; null while open",
                                           examples=[None])
    explanation: str | None = Field(description="the decision's reasons; null while open", examples=[None])
