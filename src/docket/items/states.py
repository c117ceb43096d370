"""The per-item state machine: one table of allowed transitions.

An item moves ``received → policy_review → legal_review → rights_review → decided``.
A review step records its finding; some findings move the item on, others leave it
where it is, ready for the decision that follows from them. Anything not in
:data:`TRANSITIONS` is refused with a 409.
"""

from __future__ import annotations

from enum import StrEnum


class ItemState(StrEnum):
    """Where an item is in the review. received: waiting for the policy review;
    content_not_found: the content registry did not know the content named (reviewed all the
    same); policy_review: found against the platform's rules, ready for a removed_policy
    decision; legal_review: in or after the legal review (a lawful, invalid, already_removed
    or not_found finding leaves it here for its decision); rights_review: found illegal,
    in or after the review of fundamental rights; clarification_requested: the requester was
    asked a question and the item waits for the answer; awaiting_approval: decided, waiting
    for a second person's approval; decided: a decision is in effect."""

    received = "received"
    content_not_found = "content_not_found"  # entry state: the registry did not know the content
    policy_review = "policy_review"
    legal_review = "legal_review"
    rights_review = "rights_review"
    clarification_requested = "clarification_requested"
    awaiting_approval = "awaiting_approval"
    decided = "decided"


class Step(StrEnum):
    """A review step. policy: against the platform's own rules (reviewer role); legal: against
    the law invoked (legal role); rights: the effect on fundamental rights of restricting it
    (rights role)."""

    policy = "policy"
    legal = "legal"
    rights = "rights"


class Outcome(StrEnum):
    """A decision's outcome, each following from one step's finding. removed_policy: removed
    everywhere under the platform's rules (policy: violates); restricted: withheld in the
    countries of the scope (rights: no_concern or concern); rejected_invalid: the request is
    not a valid order (legal: invalid); no_action: the content is lawful (legal: lawful);
    already_removed: it was gone already (legal: already_removed); content_not_found: it
    could not be found (legal: not_found); rejected_overbroad: restricting would be
    disproportionate (rights: concern)."""

    removed_policy = "removed_policy"
    restricted = "restricted"
    rejected_invalid = "rejected_invalid"
    no_action = "no_action"
    already_removed = "already_removed"
    content_not_found = "content_not_found"
    rejected_overbroad = "rejected_overbroad"


class RiskFlag(StrEnum):
    """A risk the rights review found; any one makes the decision need a second person's
    approval. political_speech: political expression or criticism of officials; journalism:
    reporting by the press or a journalist; election_period: published during an election
    campaign; minority_or_religious: speech of or about a minority or a religion;
    overbroad: the request reaches beyond the content that breaks the law; public_interest:
    information the public has an interest in."""

    political_speech = "political_speech"
    journalism = "journalism"
    election_period = "election_period"
    minority_or_religious = "minority_or_religious"
    overbroad = "overbroad"
    public_interest = "public_interest"


FINDINGS: dict[Step, frozenset[str]] = {
    Step.policy: frozenset({"violates", "compliant"}),
    Step.legal: frozenset({"illegal", "lawful", "invalid", "needs_clarification", "already_removed", "not_found"}),
    Step.rights: frozenset({"no_concern", "concern"}),
}

S = ItemState
# (state, action) → next state. Actions: "<step>:<finding>", "decide", "decide_for_approval",
# "approve", "reject:<state>", "reopen", "clarified", "reidentified:<found|not_found>",
# "copy_of:<state>", "reject_copy".
# This table is the whole process; nothing else moves an item (docket.items.moves.move).
TRANSITIONS: dict[tuple[ItemState, str], ItemState] = {
    (S.received, "policy:compliant"): S.legal_review,
    (S.received, "policy:violates"): S.policy_review,
    (S.content_not_found, "policy:compliant"): S.legal_review,
    (S.content_not_found, "policy:violates"): S.policy_review,
    (S.policy_review, "policy:compliant"): S.legal_review,
    (S.policy_review, "policy:violates"): S.policy_review,
    (S.legal_review, "legal:illegal"): S.rights_review,
    (S.legal_review, "legal:lawful"): S.legal_review,
    (S.legal_review, "legal:invalid"): S.legal_review,
    (S.legal_review, "legal:already_removed"): S.legal_review,
    (S.legal_review, "legal:not_found"): S.legal_review,
    (S.legal_review, "legal:needs_clarification"): S.clarification_requested,
    (S.clarification_requested, "clarified"): S.legal_review,
    (S.rights_review, "rights:no_concern"): S.rights_review,
    (S.rights_review, "rights:concern"): S.rights_review,
    (S.policy_review, "decide"): S.decided,
    (S.legal_review, "decide"): S.decided,
    (S.rights_review, "decide"): S.decided,
    (S.policy_review, "decide_for_approval"): S.awaiting_approval,
    (S.legal_review, "decide_for_approval"): S.awaiting_approval,
    (S.rights_review, "decide_for_approval"): S.awaiting_approval,
    (S.awaiting_approval, "approve"): S.decided,
    # A rejected decision sends the item back to the state it was decided from
    # (see Decision.from_state); the table lists where that may be.
    (S.awaiting_approval, "reject:policy_review"): S.policy_review,
    (S.awaiting_approval, "reject:legal_review"): S.legal_review,
    (S.awaiting_approval, "reject:rights_review"): S.rights_review,
    # A reviewer found that what was matched as a copy of restricted content is none
    # (docket.matching.copies): the item is closed without a decision.
    (S.policy_review, "reject_copy"): S.decided,
    (S.legal_review, "reject_copy"): S.decided,
    (S.rights_review, "reject_copy"): S.decided,
    # A copy of restricted content, received through intake (docket.matching.copies), starts
    # where its original was decided from, with the original's findings: one answer decides it.
    (S.received, "copy_of:policy_review"): S.policy_review,
    (S.received, "copy_of:legal_review"): S.legal_review,
    (S.received, "copy_of:rights_review"): S.rights_review,
    # An appeal reversed a decision not to act: decide again from the legal review.
    (S.decided, "reopen"): S.legal_review,
    # A clarification names an item's content anew: it is looked up again and its review
    # starts over — only while no review is under way or a question about it is open.
    (S.received, "reidentified:found"): S.received,
    (S.received, "reidentified:not_found"): S.content_not_found,
    (S.content_not_found, "reidentified:found"): S.received,
    (S.content_not_found, "reidentified:not_found"): S.content_not_found,
    (S.clarification_requested, "reidentified:found"): S.received,
    (S.clarification_requested, "reidentified:not_found"): S.content_not_found,
}

# The finding an outcome must follow from: (step, findings that allow it).
OUTCOME_REQUIRES: dict[Outcome, tuple[Step, frozenset[str]]] = {
    Outcome.removed_policy: (Step.policy, frozenset({"violates"})),
    Outcome.restricted: (Step.rights, frozenset({"no_concern", "concern"})),
    Outcome.rejected_overbroad: (Step.rights, frozenset({"concern"})),
    Outcome.no_action: (Step.legal, frozenset({"lawful"})),
    Outcome.rejected_invalid: (Step.legal, frozenset({"invalid"})),
    Outcome.already_removed: (Step.legal, frozenset({"already_removed"})),
    Outcome.content_not_found: (Step.legal, frozenset({"not_found"})),
}

OPEN_STATES = frozenset(
    {S.received, S.content_not_found, S.policy_review, S.legal_review, S.rights_review, S.awaiting_approval}
)


def next_state(state: ItemState | str, action: str) -> ItemState | None:
    """Where ``action`` takes an item in ``state``, or None if it is not allowed."""
    return TRANSITIONS.get((ItemState(state), action))
