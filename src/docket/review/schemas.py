from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from docket.bounds import Id
from docket.intake.schemas import ItemIn
from docket.items.states import Outcome, RiskFlag, Step

Country = Annotated[str, Field(pattern=r"^([A-Za-z]{2}|\*)$")]
EXPLANATION_MAX = 5000

# Fields that recur across the schemas below, described once.
ItemIds = Annotated[list[Id], Field(min_length=1, max_length=1000, description=(
    "the items, all of the request in the path (up to 1000); the same answer is recorded for "
    "each, all or nothing"), examples=[[101, 102, 103]])]
Finding = Annotated[str, Field(min_length=1, max_length=32, description=(
    "the step's finding. policy: violates (against the platform's rules) or compliant; legal: "
    "illegal, lawful, invalid (the request is not a valid order), needs_clarification (ask the "
    "requester: give question), already_removed or not_found; rights: no_concern or concern "
    "(restricting would harm fundamental rights)"), examples=["illegal"])]
ClaimExpiry = Annotated[dt.datetime | None, Field(description=(
    "when the claim lapses (UTC; DOCKET_CLAIM_MINUTES after it was taken) and the item goes "
    "back to the queue; null: nobody claims it"), examples=["2026-12-03T17:30:00Z"])]
ClaimantId = Annotated[int | None, Field(description=(
    "the user id of the reviewer who claimed the item (see claimed_by and claim_expires_at: a "
    "lapsed claim may still be named here); null: no claim"), examples=[6])]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReviewCreate(_Input):
    """One review step's finding on an item, by the reviewer who claims it. The finding moves
    the item on (policy compliant → legal review, legal illegal → rights review) or leaves it
    ready for the decision that follows from it; it ends the reviewer's claim."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"step": "legal", "finding": "illegal", "notes": "Art. 174 applies: calls for ethnic hatred."},
        {"step": "rights", "finding": "concern", "flags": ["journalism"]},
    ]})

    step: Step = Field(description="the step the finding is for; the reviewer needs the step's role "
                                   "(policy: reviewer, legal: legal, rights: rights)")
    finding: Finding
    flags: list[RiskFlag] = Field(default_factory=list, max_length=6, description=(
        "the rights review's risk flags (step rights only); any flag makes the decision need a "
        "second person's approval"), examples=[["journalism", "public_interest"]])
    notes: str | None = Field(default=None, max_length=EXPLANATION_MAX, description=(
        "the reviewer's notes: internal, never sent to the requester or the author"),
        examples=["Art. 174 applies: calls for ethnic hatred."])
    question: str | None = Field(default=None, max_length=EXPLANATION_MAX, description=(
        "with the legal finding 'needs_clarification' (and only then): what the requester is "
        "asked; it is sent to the requester and shown with the request"),
        examples=["Which of the posts is the court order about? It names the account only."])


Ground = Literal["legal", "policy"]


class DecisionCreate(_Input):
    """The decision on one item: what is done, where, on which ground, with the statement of
    reasons sent to the author. It takes effect at once, or waits for a second person's
    approval (risk flags, a scope wider than the requesting country, an emergency, a local
    representative's sign-off)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"outcome": "restricted", "scope": ["KZ"], "law": "kz-online-platforms-9", "provision": "Art. 9(2)",
         "explanation": "Withheld in Kazakhstan: a court found the post unlawful under Art. 174."},
        {"outcome": "removed_policy", "policy_clause": "Community Guidelines §3.2 (hate speech)",
         "explanation": "Removed everywhere: the post breaks our rules on hate speech."},
    ]})

    outcome: Outcome = Field(description="what is done; it must follow from the item's findings (a 409 "
                                         "otherwise)")
    scope: list[Country] | None = Field(default=None, max_length=250, description=(
        "countries where a 'restricted' outcome applies; default: the requesting jurisdiction"),
        examples=[["KZ"]])
    scope_reason: str | None = Field(default=None, max_length=EXPLANATION_MAX, description=(
        "required when the scope is wider than the requesting jurisdiction"),
        examples=["The same video is the subject of an order in Kyrgyzstan (case 2-113/26)."])
    ground: Ground | None = Field(default=None, description=(
        "legal (a law) or policy (the platform's own rules); default: policy for removed_policy, "
        "legal for everything else"), examples=["legal"])
    law: str | None = Field(default=None, max_length=300, description=(
        "the law the decision rests on (one is required for 'restricted'): a catalog law id or a "
        "citation; default: the first law or citation of the request's legal basis"),
        examples=["kz-online-platforms-9"])
    provision: str | None = Field(default=None, max_length=300, description="the article or section of the law",
                                  examples=["Art. 9(2)"])
    policy_clause: str | None = Field(default=None, max_length=300, description=(
        "the rule of the platform broken; required for removed_policy"),
        examples=["Community Guidelines §3.2 (hate speech)"])
    explanation: str = Field(min_length=1, max_length=EXPLANATION_MAX, description=(
        "becomes the statement of reasons to the author"),
        examples=["Withheld in Kazakhstan: a court found the post unlawful under Art. 174."])
    ends_at: dt.datetime | None = Field(default=None, description=(
        "end of a temporary restriction (a future time with a time zone; restricted and "
        "removed_policy only); null: indefinitely"), examples=["2027-06-30T00:00:00Z"])
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
    """A second person's approval of a decision (four eyes): it takes effect."""

    note: str | None = Field(default=None, max_length=EXPLANATION_MAX, description=(
        "a note for the audit log (the decision:approved event); never sent outside"),
        examples=["Checked the scope against the order: KZ only."])


class RejectionCreate(_Input):
    """A second person's refusal of a decision: the item goes back to the step it was decided from."""

    reason: str = Field(min_length=1, max_length=EXPLANATION_MAX, description=(
        "why the decision is refused; recorded on the decision and in the audit log, for the decider"),
        examples=["The order names KZ only; a worldwide scope needs a reason."])


class BulkReview(ReviewCreate):
    """The same finding for many items of one request, one audit event per item; all or nothing."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"item_ids": [101, 102], "step": "policy", "finding": "compliant"}]})

    item_ids: ItemIds


class BulkDecision(DecisionCreate):
    """One decision for many items of one request that share the same findings: a decision and
    an audit event per item; all or nothing."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"item_ids": [101, 102], "outcome": "restricted", "scope": ["KZ"], "law": "kz-online-platforms-9",
         "explanation": "Withheld in Kazakhstan: a court found the posts unlawful under Art. 174."}]})

    item_ids: ItemIds


class PersonRef(BaseModel):
    """A person, by id and by the name the console shows."""

    id: int = Field(description="the user's id", examples=[6])
    name: str = Field(description="the person's name (their e-mail if they have none)", examples=["Alice Reviewer"])


class TeamRef(BaseModel):
    """A team, by id and name."""

    id: int = Field(description="the team's id", examples=[2])
    name: str = Field(description="the team's name", examples=["legal — KZ"])


class ClaimRead(BaseModel):
    """An item's claim after claiming or releasing it: while it lasts nobody else is handed the item."""

    item_id: int = Field(description="the item", examples=[101])
    assigned_to: ClaimantId
    claim_expires_at: ClaimExpiry
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
    """One item (a piece of content named in a request, or a case of user reports) as
    reviewers see it: where it is in the review, its findings, its clock and who holds it.
    Staff only: a local representative sees the items of its jurisdictions."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the item's id", examples=[101])
    request_id: int = Field(description="the request that names it (for user reports: the case's request)",
                            examples=[42])
    position: int = Field(description="its place in the request's list of items, from 0", examples=[0])
    content_id: str | None = Field(description=(
        "the platform's id of the content, from the request or looked up by its address in the "
        "content registry; null: the registry does not know it (yet)"), examples=["post-81724"])
    url: str | None = Field(description="the content's address as the request gave it (refanged); null when "
                            "the request gave only a content id or withheld the address",
                            examples=["https://social.example/@aidos_k/81724"])
    unlisted: bool = Field(default=False, description=(
        "the request withheld this item's address (a placeholder such as [redacted]); see the "
        "request's intake_notes"), examples=[False])
    status: str = Field(description="where the item is in the review: one of ItemState's values",
                        examples=["rights_review"])
    outcome: str | None = Field(description=(
        "the item's outcome (see Outcome): the decision in effect's, or no_action once a restriction "
        "was reversed on appeal; null while undecided, awaiting approval, or reopened on appeal"),
        examples=["restricted"])
    jurisdiction: str = Field(description="the requesting country (ISO 3166-1 alpha-2), copied from the request",
                              examples=["KZ"])
    reason: str = Field(description="the request's reason code (GET /api/v1/catalog/reasons)",
                        examples=["hate_speech"])
    emergency: bool = Field(description="the request claims an imminent threat: the item leads the queue",
                            examples=[False])
    deadline_at: dt.datetime = Field(description=(
        "when the statutory clock runs out (UTC), from the law catalog's rule for the request"),
        examples=["2026-12-04T17:02:29Z"])
    received_at: dt.datetime = Field(description="when the request (or the first report) came in (UTC)",
                                      examples=["2026-12-03T17:02:29Z"])
    overdue: bool = Field(description=(
        "its deadline passed while it was open (marked by the deadlines job, so it may lag the "
        "clock; seconds_left in the queue is exact)"), examples=[False])
    assigned_to: ClaimantId
    claim_expires_at: ClaimExpiry
    claimed_by: PersonRef | None = Field(default=None, description="who holds an unexpired claim",
                                         examples=[{"id": 6, "name": "Alice Reviewer"}])
    assignee: PersonRef | None = Field(default=None, description="the person a lead assigned it to",
                                       examples=[None])
    team: TeamRef | None = Field(default=None, description="the team it is assigned to",
                                 examples=[{"id": 2, "name": "legal — KZ"}])
    policy_finding: str | None = Field(description="the policy review's finding (violates, compliant); null: "
                                       "not yet", examples=["compliant"])
    legal_finding: str | None = Field(description=(
        "the legal review's finding (illegal, lawful, invalid, needs_clarification, "
        "already_removed, not_found); null: not yet"), examples=["illegal"])
    rights_finding: str | None = Field(description="the rights review's finding (no_concern, concern); null: "
                                       "not yet", examples=[None])
    risk_flags: list[str] = Field(description="the rights review's risk flags (see RiskFlag); any one makes "
                                  "its decision need a second person", examples=[["journalism"]])
    clarification_question: str | None = Field(default=None, description=(
        "what the legal reviewer last asked the requester about this item (it was sent to them); "
        "null: nothing asked"), examples=[None])
    decided_at: dt.datetime | None = Field(description="when the decision in effect took effect (UTC); null: "
                                           "undecided", examples=[None])
    severity: int = Field(description="the reason's severity class in the queue order (1 first: child "
                          "safety, terrorist content, imminent self-harm)", examples=[2])
    trusted_flagger: bool = Field(description="a trusted flagger within its designated area", examples=[False])
    report_count: int = Field(description="user reports that joined this case (0 for an item of a request)",
                              examples=[3])
    reporter_count: int = Field(description="distinct reporters among them (each counts once)", examples=[3])
    possible_coordination: bool = Field(description=(
        "a burst of new reporters looks coordinated: weigh the report count with care"), examples=[False])
    copy_of_decision_id: int | None = Field(default=None, description=(
        "a copy of restricted content found at registration: the decision it is a copy of (confirm-copy "
        "decides it the same way)"), examples=[41])


class QueueRow(ItemReviewRead):
    """An item in the review queue, with its time left and who asked."""

    seconds_left: int = Field(description="seconds left on the clock when the page was made; negative when "
                              "overdue", examples=[51_200])
    submitter_kind: str = Field(description=(
        "the requester's kind (GET /api/v1/catalog/requester-kinds), e.g. court, government_agency, "
        "trusted_flagger, user"), examples=["government_agency"])


class QueuePage(BaseModel):
    """One page of the review queue, in the order ``rule`` states."""

    items: list[QueueRow] = Field(description="the items on this page, in queue order")
    next_cursor: str | None = Field(description=(
        "pass as cursor= (with the same sort) for the next page; null at the end"),
        examples=["WyJkZWFkbGluZSIsIjIwMjYtMTItMDRUMTc6MDI6MjkrMDA6MDAiLDEwMV0="])
    rule: str = Field(description="how the queue is ordered, in words", examples=[
        "Open items by their statutory deadline, the earliest (most overdue) first; then by item number. "
        "The requester's identity is never a sort key."])


class DecisionRead(BaseModel):
    """A decision on one item, as recorded: what, where, on which ground, by whom, and its
    second person's approval or refusal. Staff only; the author reads its statement of reasons
    in a notice, the requester the effect given."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the decision's id", examples=[7])
    item_id: int = Field(description="the item decided", examples=[101])
    outcome: str = Field(description="what is done: one of Outcome's values", examples=["restricted"])
    scope: list[str] = Field(description=(
        "where the content is restricted: countries (ISO 3166-1 alpha-2), ['*'] for everywhere "
        "(removed_policy), [] for an outcome that restricts nothing"), examples=[["KZ"]])
    scope_reason: str | None = Field(description="why the scope is wider than the requesting country; null "
                                     "when it is not", examples=[None])
    ground: str | None = Field(description="legal (a law) or policy (the platform's rules)", examples=["legal"])
    law: str | None = Field(description=(
        "the law relied on: a catalog law id, or a citation; null on the policy ground, or when "
        "neither the decision nor the request names one"),
        examples=["kz-online-platforms-9"])
    provision: str | None = Field(description="the article or section of the law", examples=["Art. 9(2)"])
    policy_clause: str | None = Field(description="the platform's rule broken (removed_policy)", examples=[None])
    explanation: str = Field(description="the statement of reasons sent to the author",
                             examples=["Withheld in Kazakhstan: a court found the post unlawful under Art. 174."])
    status: str = Field(description=(
        "awaiting_approval (a second person must approve), effective, rejected (refused by the "
        "second person) or reversed (on appeal)"), examples=["effective"])
    takes_effect: bool = Field(description="status is effective: the platform enforces it", examples=[True])
    awaits_approval: bool = Field(description="status is awaiting_approval", examples=[False])
    approval_reasons: list[str] = Field(description=(
        "why a second person must approve: risk_flags (the rights review flagged a risk), "
        "wider_scope (beyond the requesting country), emergency, local_representative (the "
        "catalog requires the local representative's sign-off); [] when none was needed"),
        examples=[["wider_scope"]])
    local_rep_jurisdiction: str | None = Field(description=(
        "the country whose local representative must be one of the two deciders; null: none"),
        examples=["KZ"])
    automated: bool = Field(default=False, description=(
        "decided by docket itself: a copy of content restricted under a law that requires automated action"),
        examples=[False])
    decided_by: int = Field(description="the user id of the person who decided", examples=[6])
    decided_at: dt.datetime = Field(description="when it was decided (UTC)", examples=["2026-12-03T18:10:00Z"])
    approved_by: int | None = Field(description="the user id of the second person who approved it; null: "
                                    "not approved (or not needed)", examples=[9])
    approved_at: dt.datetime | None = Field(description="when it was approved (UTC)",
                                            examples=["2026-12-03T18:40:00Z"])
    rejected_by: int | None = Field(description="the user id of the second person who refused it",
                                    examples=[None])
    rejection_reason: str | None = Field(description="why it was refused (for the decider)", examples=[None])
    effective_at: dt.datetime | None = Field(description=(
        "when it took effect (UTC): at once, or on approval; null: not (yet) in effect"),
        examples=["2026-12-03T18:40:00Z"])
    ends_at: dt.datetime | None = Field(description="when a temporary restriction ends (UTC); null: indefinitely",
                                        examples=[None])
    template_version_id: int | None = Field(default=None, description=(
        "the explanation template version the explanation started from"), examples=[7])


class BulkResult(BaseModel):
    """What a bulk review or bulk decision did, item by item."""

    items: list[int] = Field(description="the items it was recorded for, each once, in the order given",
                             examples=[[101, 102]])
    decisions: list[DecisionRead] = Field(default=[], description=(
        "the decision made for each item (bulk decision); [] for a bulk review"))


class MeasureDecisionCreate(_Input):
    """A reviewer's answer to one measure a request asked for (by its ``position``)."""

    position: int = Field(ge=0, le=49, description="the measure's position in the request's measures, from 0",
                          examples=[0])
    outcome: Literal["granted", "fallback", "refused"] = Field(description=(
        "granted: done as asked; fallback: a narrower measure, withheld in the requesting jurisdiction "
        "only; refused"), examples=["fallback"])
    explanation: str = Field(min_length=1, max_length=EXPLANATION_MAX, description=(
        "the answer the requester reads with the request"),
        examples=["The account stays; its unlawful posts are withheld in Kazakhstan."])


class OtherItemsResolution(_Input):
    """What a reviewer made of the items a request could not list: items added to the
    request (reviewed like any other), or the note rejected."""

    resolution: Literal["items", "rejected"] = Field(description=(
        "items: the items found are added (give items); rejected: none will be"), examples=["items"])
    items: list[ItemIn] = Field(default_factory=list, max_length=1000, description=(
        "with resolution items (and only then): the items found, as a request lists them"))
    explanation: str = Field(min_length=1, max_length=EXPLANATION_MAX, description=(
        "why these items, or why none; the requester reads it with the request"),
        examples=["The two reposts found were added as items."])

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
    appeals: bool = Field(default=False, description=(
        "true: the team decides appeals (each member still only those they took no part in), "
        "not items at its role's step"), examples=[False])


class TeamRead(BaseModel):
    """A team and its members."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the team's id", examples=[2])
    name: str = Field(description="the team's name", examples=["legal — KZ"])
    role: str = Field(description="the role whose work the team does", examples=["legal"])
    jurisdiction: str | None = Field(description="its one country; none: every country", examples=["KZ"])
    appeals: bool = Field(default=False, description="true: the team decides appeals", examples=[False])
    members: list[PersonRef] = Field(description="the people in the team, by name",
                                     examples=[[{"id": 7, "name": "Bob Legal"}]])
