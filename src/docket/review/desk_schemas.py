"""Schemas of the desk's daily tools: saved queue views, bulk actions and the lead's dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from docket.bounds import Id
from docket.items.states import ItemState, Outcome, RiskFlag, Step
from docket.review.schemas import EXPLANATION_MAX, DecisionCreate, ReviewCreate


class QueueFilters(BaseModel):
    """The queue's filters and search, as ``GET /api/v1/queue`` takes them."""

    model_config = ConfigDict(extra="forbid")

    jurisdiction: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="two-letter country code",
                                     examples=["KZ"])
    reason: str | None = Field(None, max_length=40, description="a reason code of the catalog",
                               examples=["hate_speech"])
    status: ItemState | None = Field(None, description="the item's state (step)", examples=["legal_review"])
    assigned: str | None = Field(None, pattern=r"^(me|none|\d+)$", description="me, none, or a user id",
                                 examples=["me"])
    overdue: Literal["yes", "no"] | None = Field(None, description="overdue items only (yes) or none of them (no)",
                                                 examples=["yes"])
    address: str | None = Field(None, max_length=2048, description="the content's address (URL)",
                                examples=["https://social.example/@user/1"])
    content_id: str | None = Field(None, max_length=200, description="the platform's content id",
                                   examples=["post-1"])
    author: str | None = Field(None, max_length=200, description="the platform's author id", examples=["author-1"])
    requester: str | None = Field(None, max_length=200, description="part of the requester's name",
                                  examples=["ministry"])
    reference: str | None = Field(None, max_length=200, description="reference, order or case number",
                                  examples=["REF-2026-7"])
    due_within: str | None = Field(None, pattern=r"^\d{1,3}$", description="deadline within this many hours",
                                   examples=["6"])
    sort: Literal["queue", "deadline"] | None = Field(None, description="queue order or earliest deadline first",
                                                      examples=["deadline"])


class ViewCreate(BaseModel):
    """A queue search to save under a name of one's own."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80, description="the view's name, unique among one's own views",
                      examples=["KZ overdue"])
    filters: QueueFilters = Field(default_factory=QueueFilters, description="the filters the view keeps",
                                  examples=[{"jurisdiction": "KZ", "overdue": "yes"}])


class ViewRead(BaseModel):
    """One of the caller's saved views."""

    id: int = Field(description="the view's id", examples=[3])
    name: str = Field(description="the view's name", examples=["KZ overdue"])
    filters: dict[str, str] = Field(description="the queue's query parameters it keeps",
                                    examples=[{"jurisdiction": "KZ", "overdue": "yes"}])
    queue_url: str = Field(description="the API's queue with these filters",
                           examples=["/api/v1/queue?jurisdiction=KZ"])
    console_url: str = Field(description="the console's queue with these filters",
                             examples=["/console?jurisdiction=KZ"])
    created_at: dt.datetime = Field(description="when it was saved", examples=["2026-12-03T16:00:00Z"])


class BulkFinding(BaseModel):
    """One step's finding, recorded for each selected item that waits for that step."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    step: Step = Field(description="the review step: an item waiting for another step is refused (409)",
                       examples=["legal"])
    finding: str = Field(min_length=1, max_length=32, description="the step's finding (as for one item)",
                         examples=["lawful"])
    flags: list[RiskFlag] = Field(default_factory=list, max_length=6,
                                  description="risk flags, with the rights step only", examples=[["journalism"]])
    notes: str | None = Field(None, max_length=EXPLANATION_MAX, description="the reviewer's internal notes",
                              examples=["Satire of a public figure."])
    question: str | None = Field(None, max_length=EXPLANATION_MAX,
                                 description="with the legal finding needs_clarification: what each requester "
                                             "is asked", examples=["Which court order is this?"])


class BulkDecisionData(BaseModel):
    """One decision, made for each selected item on its own. The scope is never given: a
    restriction applies in each item's own jurisdiction (removed_policy: everywhere, where
    the item's policy finding allows it); the law is each item's own request's."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Outcome = Field(description="the outcome; it must follow from each item's findings",
                             examples=["no_action"])
    ground: Literal["legal", "policy"] | None = Field(None, description="the ground (default: the outcome's)",
                                                      examples=["legal"])
    policy_clause: str | None = Field(None, max_length=300, description="the rule broken (removed_policy)",
                                      examples=["Community Standards 3.2"])
    explanation: str = Field(min_length=1, max_length=EXPLANATION_MAX,
                             description="the statement of reasons to each author", examples=["Lawful speech."])
    ends_at: dt.datetime | None = Field(None, description="end of a temporary restriction",
                                        examples=["2027-01-31T00:00:00Z"])
    template_version_id: Id | None = Field(None, description="the explanation template version it started from",
                                           examples=[7])

    def for_item(self) -> DecisionCreate:
        """The single-item decision each item gets (its scope and law: its own)."""
        return DecisionCreate.model_validate(self.model_dump())


class BulkQueueAction(BaseModel):
    """One action on a selection of queue items; each item is checked on its own."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["claim", "release", "review", "decide"] = Field(
        description="claim the items, release one's claims, record a step's finding (with ``review``), or "
                    "decide them (with ``decision``)", examples=["decide"])
    item_ids: list[int] = Field(min_length=1, max_length=100, description="the items selected (at most 100)",
                                examples=[[12, 13]])
    review: BulkFinding | None = Field(None, description="the finding, with action review",
                                       examples=[{"step": "legal", "finding": "lawful"}])
    decision: BulkDecisionData | None = Field(None, description="the decision, with action decide",
                                              examples=[{"outcome": "no_action", "explanation": "Lawful speech."}])

    @model_validator(mode="after")
    def _matching(self) -> BulkQueueAction:
        if (self.review is not None) != (self.action == "review"):
            raise ValueError("give review with the action review, and only then")
        if (self.decision is not None) != (self.action == "decide"):
            raise ValueError("give decision with the action decide, and only then")
        return self

    def finding(self) -> ReviewCreate | None:
        return ReviewCreate.model_validate(self.review.model_dump()) if self.review else None


class BulkItemResult(BaseModel):
    """What the action did to one item."""

    item_id: int = Field(description="the item", examples=[12])
    ok: bool = Field(description="whether the action was done", examples=[True])
    status: int = Field(description="the HTTP status the single action would have had", examples=[200])
    detail: str = Field(description="what happened, in words; or why not, as the single-item route says it",
                        examples=["claimed until 17:30 UTC"])
    decision_id: int | None = Field(None, description="the decision made (action decide)", examples=[31])


class BulkQueueResult(BaseModel):
    """Per item, what a bulk action did; the items it could do are done, the others are not."""

    results: list[BulkItemResult] = Field(description="one result per item, in the order given",
                                          examples=[[{"item_id": 12, "ok": True, "status": 200,
                                                      "detail": "claimed until 17:30 UTC"}]])


class BacklogRow(BaseModel):
    """Open items in one jurisdiction and step."""

    jurisdiction: str = Field(description="two-letter country code", examples=["KZ"])
    state: str = Field(description="the items' state (step)", examples=["legal_review"])
    items: int = Field(description="open items in that state", examples=[7])


class UrgentItem(BaseModel):
    """An item overdue or due within the next hours."""

    item_id: int = Field(description="the item", examples=[12])
    jurisdiction: str = Field(description="two-letter country code", examples=["KZ"])
    reason: str = Field(description="reason code", examples=["hate_speech"])
    state: str = Field(description="the item's state", examples=["policy_review"])
    deadline_at: dt.datetime = Field(description="its statutory deadline", examples=["2026-12-03T18:00:00Z"])
    overdue: bool = Field(description="whether the deadline has passed", examples=[False])


class ClockRow(BaseModel):
    """Time to decide, against one law's statutory clock."""

    jurisdiction: str = Field(description="two-letter country code", examples=["KZ"])
    law: str | None = Field(description="the citation of the law that set the clock; null: the default",
                            examples=["Law No. 418-V, Art. 18-2"])
    clock: str = Field(description="the clock in words", examples=["Law No. 418-V, Art. 18-2 (24 h)"])
    clock_hours: int = Field(description="the clock's hours", examples=[24])
    decided: int = Field(description="items decided in the window under this clock", examples=[40])
    median_hours: float | None = Field(description="median hours from receipt to decision", examples=[6.5])
    p90_hours: float | None = Field(description="90th percentile of those hours", examples=[20.1])
    within_clock_percent: float | None = Field(description="share decided within the clock, %", examples=[95.0])


class TeamCount(BaseModel):
    """One team's decisions in the window."""

    team: str = Field(description="the team's name", examples=["legal — KZ"])
    decisions: int = Field(description="decisions its members made in the window", examples=[12])


class PersonCount(BaseModel):
    """One person's decisions in the window."""

    person: str = Field(description="the person's name (or e-mail)", examples=["Alice Reviewer"])
    decisions: int = Field(description="decisions they made in the window", examples=[9])


class AppealRow(BaseModel):
    """Appeals and reversals of one reason's decisions."""

    reason: str = Field(description="reason code", examples=["hate_speech"])
    decided: int = Field(description="items of that reason decided in the window", examples=[30])
    appeals: int = Field(description="appeals against those decisions", examples=[3])
    appeals_percent: float | None = Field(description="appeals per decided item, %", examples=[10.0])
    appeals_decided: int = Field(description="of those appeals, the ones decided", examples=[2])
    reversed: int = Field(description="appeals that reversed the decision", examples=[1])
    reversal_percent: float | None = Field(description="reversals per decided appeal, %", examples=[50.0])


class DashboardRead(BaseModel):
    """The lead's dashboard: the backlog and its clocks now, and the window's figures."""

    since: dt.datetime = Field(description="the window's start", examples=["2026-11-03T16:00:00Z"])
    until: dt.datetime = Field(description="the window's end (now)", examples=["2026-12-03T16:00:00Z"])
    days: int = Field(description="the window in days", examples=[30])
    soon_hours: int = Field(description="'about to be overdue' means within this many hours", examples=[6])
    backlog: list[BacklogRow] = Field(description="open items by jurisdiction and state",
                                      examples=[[{"jurisdiction": "KZ", "state": "legal_review", "items": 7}]])
    overdue: int = Field(description="queue items past their deadline", examples=[2])
    due_soon: int = Field(description="queue items due within soon_hours", examples=[5])
    urgent: list[UrgentItem] = Field(description="the first 20 items overdue or due soon, earliest deadline first",
                                     examples=[[]])
    clocks: list[ClockRow] = Field(description="time to decide against each law's clock", examples=[[]])
    teams: list[TeamCount] = Field(description="decisions per team", examples=[[]])
    people: list[PersonCount] = Field(description="decisions per person", examples=[[]])
    appeals: list[AppealRow] = Field(description="appeals and reversal rates by reason", examples=[[]])
    appeals_unassigned: int = Field(default=0, description="open appeals routed to nobody (nobody uninvolved "
                                    "is entitled to their country, or not assigned yet)", examples=[1])
