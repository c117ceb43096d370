from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from docket.bounds import Id
from docket.review.schemas import PersonRef, TeamRef


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
    due_at: dt.datetime | None = Field(default=None, description="by when it should be decided (the appeals "
                                       "queue's order)", examples=["2026-12-16T10:00:00Z"])
    assignee: PersonRef | None = Field(default=None, description="the person it is routed to (staff only)",
                                       examples=[{"id": 8, "name": "Frank Appeals"}])
    team: TeamRef | None = Field(default=None, description="the appeals team it is routed to (staff only)",
                                 examples=[None])
    assigned_at: dt.datetime | None = Field(default=None, description="when it was last routed or assigned "
                                            "(staff only: null in the answer to the appellant)",
                                            examples=["2026-12-02T10:00:00Z"])
    unassigned_reason: str | None = Field(default=None, description=(
        "for an open appeal routed to nobody: why (e.g. nobody uninvolved is entitled to its country)"),
        examples=[None])


class AppealAssignmentCreate(BaseModel):
    """Give an open appeal to one person or to one appeals team."""

    model_config = ConfigDict(extra="forbid")

    user_id: Id | None = Field(default=None, description="the person to assign the appeal to", examples=[8])
    team_id: Id | None = Field(default=None, description="the appeals team to assign it to", examples=[3])

    @model_validator(mode="after")
    def _one(self) -> AppealAssignmentCreate:
        if (self.user_id is None) == (self.team_id is None):
            raise ValueError("give either user_id or team_id")
        return self


class AppealTakeOverCreate(BaseModel):
    """A lead takes an appeal for themselves."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=1000, description="why (recorded in the audit log)",
                        examples=["Frank is away; the appeal is due on Friday."])
