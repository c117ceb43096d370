"""What a receipt discloses (docket.audit.receipts): an explicit allow-list per event
action for a submitter, every field for staff within reach."""

from __future__ import annotations

import pytest

from docket.audit.receipts import (
    APPEAL_ACTIONS,
    DECISION_ACTIONS,
    REQUEST_ACTIONS,
    SUBMITTER_FIELDS,
    Holder,
    disclosed_names,
)

# Each receipt action's payload keys, as the code that records it writes them (grep
# audit.record): a new key stays hidden from submitters until it is added to the list.
PAYLOADS = {
    "request:received": ["channel", "submitter_kind", "jurisdiction", "reason", "status", "missing", "clock_rule",
                         "deadline_at", "items", "not_found"],
    "decision:made": ["decision", "outcome", "scope", "ground", "law", "approval_reasons", "local_rep"],
    "decision:approved": ["decision", "note", "local_rep"],
    "decision:rejected": ["decision", "reason", "back_to"],
    "item:decided": ["decision", "outcome", "scope", "request_status"],
    "appeal:filed": ["appeal", "decision", "appellant"],
    "appeal:decided": ["appeal", "decision", "outcome"],
}
# Never to a submitter: who on the staff acted, their notes and reasons, the routing of approvals.
STAFF_ONLY = {"request:received": {"actor"},
              "decision:made": {"actor", "payload.approval_reasons", "payload.local_rep"},
              "decision:approved": {"actor", "payload.note", "payload.local_rep"},
              "decision:rejected": {"actor", "payload.reason", "payload.back_to"},
              "item:decided": {"actor"}, "appeal:filed": {"actor"}, "appeal:decided": {"actor"}}


def fields(action: str) -> list[str]:
    return ["action", "actor", "at", "subject", *(f"payload.{k}" for k in PAYLOADS[action])]


def test_every_action_a_receipt_holds_has_an_allow_list() -> None:
    assert set(REQUEST_ACTIONS) | set(DECISION_ACTIONS) | set(APPEAL_ACTIONS) == set(SUBMITTER_FIELDS) == set(PAYLOADS)


@pytest.mark.parametrize("action", sorted(PAYLOADS))
def test_a_submitter_sees_the_allow_list_and_never_staff_only_fields(action: str) -> None:
    shown = set(disclosed_names(action, Holder.submitter, fields(action)))
    assert shown == SUBMITTER_FIELDS[action] & set(fields(action))
    assert {"action", "at"} <= shown
    assert not shown & STAFF_ONLY.get(action, set())
    assert disclosed_names(action, Holder.staff, fields(action)) == sorted(fields(action))


def test_the_requester_sees_all_it_sent_but_who_recorded_it() -> None:
    shown = disclosed_names("request:received", Holder.submitter, fields("request:received"))
    assert shown == sorted(set(fields("request:received")) - {"actor"})


def test_an_action_without_a_list_shows_a_submitter_its_name_and_time_only() -> None:
    names = ["action", "actor", "at", "subject", "payload.notes", "payload.question"]
    assert disclosed_names("item:reviewed", Holder.submitter, names) == ["action", "at"]
    assert disclosed_names("item:reviewed", Holder.staff, names) == sorted(names)
