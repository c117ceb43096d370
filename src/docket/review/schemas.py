from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from docket.bounds import Id
from docket.intake.schemas import ItemIn
from docket.items.states import Outcome, RiskFlag, Step

Country = Annotated[str, Field(pattern=r"^([A-Za-z]{2}|\*)$")]
EXPLANATION_MAX = 5000


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReviewCreate(_Input):
    step: Step
    finding: str = Field(min_length=1, max_length=32)
    flags: list[RiskFlag] = Field(default_factory=list, max_length=6)
    notes: str | None = Field(default=None, max_length=EXPLANATION_MAX, description=(
        "the reviewer's notes: internal, never sent to the requester or the author"))
    question: str | None = Field(default=None, max_length=EXPLANATION_MAX, description=(
        "with the legal finding 'needs_clarification' (and only then): what the requester is "
        "asked; it is sent to the requester and shown with the request"))


class DecisionCreate(_Input):
    outcome: Outcome
    scope: list[Country] | None = Field(default=None, max_length=250, description=(
        "countries where a 'restricted' outcome applies; default: the requesting jurisdiction"))
    scope_reason: str | None = Field(default=None, max_length=EXPLANATION_MAX, description=(
        "required when the scope is wider than the requesting jurisdiction"))
    ground: Literal["legal", "policy"] | None = None
    law: str | None = Field(default=None, max_length=300)
    provision: str | None = Field(default=None, max_length=300)
    policy_clause: str | None = Field(default=None, max_length=300)
    explanation: str = Field(min_length=1, max_length=EXPLANATION_MAX, description=(
        "becomes the statement of reasons to the author"))
    ends_at: dt.datetime | None = Field(default=None, description="end of a temporary restriction")
    template_version_id: Id | None = Field(default=None, description=(
        "the explanation template version the explanation started from (GET /api/v1/explanation-templates: "
        "a template's current.id); the decision records it"), examples=[7])

    @field_validator("ends_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a time zone, e.g. 2027-01-31T00:00:00Z")
        return value

    @field_validator("scope")
    @classmethod
    def _upper(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else list(dict.fromkeys(v.upper() for v in value))


class ApprovalCreate(_Input):
    note: str | None = Field(default=None, max_length=EXPLANATION_MAX)


class RejectionCreate(_Input):
    reason: str = Field(min_length=1, max_length=EXPLANATION_MAX)


class BulkReview(ReviewCreate):
    item_ids: list[Id] = Field(min_length=1, max_length=1000)


class BulkDecision(DecisionCreate):
    item_ids: list[Id] = Field(min_length=1, max_length=1000)


class PersonRef(BaseModel):
    """A person, by id and by the name the console shows."""

    id: int = Field(description="the user's id", examples=[6])
    name: str = Field(description="the person's name (their e-mail if they have none)", examples=["Alice Reviewer"])


class TeamRef(BaseModel):
    """A team, by id and name."""

    id: int = Field(description="the team's id", examples=[2])
    name: str = Field(description="the team's name", examples=["legal — KZ"])


class ClaimRead(BaseModel):
    item_id: int
    assigned_to: int | None
    claim_expires_at: dt.datetime | None
    claimed_by: PersonRef | None = Field(default=None, description="who holds the claim now (None: nobody)",
                                         examples=[{"id": 6, "name": "Alice Reviewer"}])


class AssignmentCreate(_Input):
    """Give an item to one person (for its current step) or to one team."""

    user_id: Id | None = Field(default=None, description="the person to assign the item to", examples=[6])
    team_id: Id | None = Field(default=None, description="the team to assign the item to", examples=[2])

    @model_validator(mode="after")
    def _one(self) -> AssignmentCreate:
        if (self.user_id is None) == (self.team_id is None):
            raise ValueError("give either user_id or team_id")
        return self


class TakeOverCreate(_Input):
    """A lead takes an item over from its claimant."""

    reason: str = Field(min_length=1, max_length=1000, description="why (recorded in the audit log)",
                        examples=["Alice is away; the 24 h clock runs out at noon."])


class AssignmentRead(BaseModel):
    """Who has an item: its claim, the person and the team a lead assigned it to."""

    item_id: int = Field(description="the item", examples=[41])
    claimed_by: PersonRef | None = Field(description="who holds the claim now", examples=[None])
    claim_expires_at: dt.datetime | None = Field(description="when the claim ends",
                                                 examples=["2026-12-03T17:30:00Z"])
    assignee: PersonRef | None = Field(description="the person a lead assigned the item to",
                                       examples=[{"id": 6, "name": "Alice Reviewer"}])
    team: TeamRef | None = Field(description="the team the item is assigned to",
                                 examples=[{"id": 2, "name": "legal — KZ"}])


class ItemReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int
    position: int
    content_id: str | None
    url: str | None
    unlisted: bool = Field(default=False, description=(
        "the request withheld this item's address (a placeholder such as [redacted]); see the "
        "request's intake_notes"))
    status: str
    outcome: str | None
    jurisdiction: str
    reason: str
    emergency: bool
    deadline_at: dt.datetime
    received_at: dt.datetime
    overdue: bool
    assigned_to: int | None
    claim_expires_at: dt.datetime | None
    claimed_by: PersonRef | None = Field(default=None, description="who holds an unexpired claim",
                                         examples=[{"id": 6, "name": "Alice Reviewer"}])
    assignee: PersonRef | None = Field(default=None, description="the person a lead assigned it to",
                                       examples=[None])
    team: TeamRef | None = Field(default=None, description="the team it is assigned to",
                                 examples=[{"id": 2, "name": "legal — KZ"}])
    policy_finding: str | None
    legal_finding: str | None
    rights_finding: str | None
    risk_flags: list[str]
    clarification_question: str | None = None
    decided_at: dt.datetime | None
    severity: int
    trusted_flagger: bool = Field(description="a trusted flagger within its designated area")
    report_count: int
    reporter_count: int
    possible_coordination: bool
    copy_of_decision_id: int | None = Field(default=None, description=(
        "a copy of restricted content found at registration: the decision it is a copy of (confirm-copy "
        "decides it the same way)"), examples=[41])


class QueueRow(ItemReviewRead):
    seconds_left: int = Field(description="time left on the clock; negative when overdue")
    submitter_kind: str


class QueuePage(BaseModel):
    items: list[QueueRow]
    next_cursor: str | None
    rule: str = Field(description="how the queue is ordered, in words")


class DecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    outcome: str
    scope: list[str]
    scope_reason: str | None
    ground: str | None
    law: str | None
    provision: str | None
    policy_clause: str | None
    explanation: str
    status: str
    takes_effect: bool
    awaits_approval: bool
    approval_reasons: list[str]
    local_rep_jurisdiction: str | None
    automated: bool = Field(default=False, description=(
        "decided by docket itself: a copy of content restricted under a law that requires automated action"),
        examples=[False])
    decided_by: int
    decided_at: dt.datetime
    approved_by: int | None
    approved_at: dt.datetime | None
    rejected_by: int | None
    rejection_reason: str | None
    effective_at: dt.datetime | None
    ends_at: dt.datetime | None
    template_version_id: int | None = Field(default=None, description=(
        "the explanation template version the explanation started from"), examples=[7])


class BulkResult(BaseModel):
    items: list[int]
    decisions: list[DecisionRead] = []


class MeasureDecisionCreate(_Input):
    """A reviewer's answer to one measure a request asked for (by its ``position``)."""

    position: int = Field(ge=0, le=49)
    outcome: Literal["granted", "fallback", "refused"] = Field(description=(
        "granted: done as asked; fallback: a narrower measure, withheld in the requesting jurisdiction "
        "only; refused"))
    explanation: str = Field(min_length=1, max_length=EXPLANATION_MAX, description=(
        "the answer the requester reads with the request"))


class OtherItemsResolution(_Input):
    """What a reviewer made of the items a request could not list: items added to the
    request (reviewed like any other), or the note rejected."""

    resolution: Literal["items", "rejected"]
    items: list[ItemIn] = Field(default_factory=list, max_length=1000)
    explanation: str = Field(min_length=1, max_length=EXPLANATION_MAX, description=(
        "why these items, or why none; the requester reads it with the request"))

    @model_validator(mode="after")
    def _items_iff_resolved(self) -> OtherItemsResolution:
        if (self.resolution == "items") != bool(self.items):
            raise ValueError("'items' lists the items found (resolution 'items'), and only then")
        return self


class TeamCreate(_Input):
    """A team that does one role's work, in every jurisdiction or one."""

    name: str = Field(min_length=1, max_length=80, description="the team's name, unique", examples=["legal — KZ"])
    role: Literal["reviewer", "legal", "rights", "local_representative"] = Field(
        description="the role whose work the team does", examples=["legal"])
    jurisdiction: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$", description=(
        "the one country the team works on; none: every country"), examples=["KZ"])


class TeamRead(BaseModel):
    """A team and its members."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the team's id", examples=[2])
    name: str = Field(description="the team's name", examples=["legal — KZ"])
    role: str = Field(description="the role whose work the team does", examples=["legal"])
    jurisdiction: str | None = Field(description="its one country; none: every country", examples=["KZ"])
    members: list[PersonRef] = Field(description="the people in the team, by name",
                                     examples=[[{"id": 7, "name": "Bob Legal"}]])
