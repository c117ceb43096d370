"""The per-item state machine against tables written out here: which states are open,
which moves are allowed, and that every other move is refused with a 409 — by the one
transition function and through the API. Four eyes, appeals and clarifications too."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from docket.appeals import service as appeals
from docket.appeals.models import Appeal
from docket.errors import Conflict, RoleRequired
from docket.intake.models import Item
from docket.items import moves, states
from docket.items.states import OPEN_STATES, TRANSITIONS, ItemState, next_state
from docket.parties.auth import Principal
from docket.parties.models import Role
from docket.store import transaction, utcnow

S = ItemState

# Open: in the review queue (when the request waits for nothing) and watched for deadlines.
EXPECTED_OPEN = {
    S.received: True,
    S.content_not_found: True,
    S.policy_review: True,
    S.legal_review: True,
    S.rights_review: True,
    S.awaiting_approval: True,
    S.clarification_requested: False,  # the requester has the next move
    S.decided: False,
}

EXPECTED_MOVES = {
    (S.received, "policy:compliant"): S.legal_review,
    (S.received, "policy:violates"): S.policy_review,
    (S.received, "reidentified:found"): S.received,
    (S.received, "reidentified:not_found"): S.content_not_found,
    (S.content_not_found, "policy:compliant"): S.legal_review,
    (S.content_not_found, "policy:violates"): S.policy_review,
    (S.content_not_found, "reidentified:found"): S.received,
    (S.content_not_found, "reidentified:not_found"): S.content_not_found,
    (S.policy_review, "policy:compliant"): S.legal_review,
    (S.policy_review, "policy:violates"): S.policy_review,
    (S.policy_review, "decide"): S.decided,
    (S.policy_review, "decide_for_approval"): S.awaiting_approval,
    (S.legal_review, "legal:illegal"): S.rights_review,
    (S.legal_review, "legal:lawful"): S.legal_review,
    (S.legal_review, "legal:invalid"): S.legal_review,
    (S.legal_review, "legal:already_removed"): S.legal_review,
    (S.legal_review, "legal:not_found"): S.legal_review,
    (S.legal_review, "legal:needs_clarification"): S.clarification_requested,
    (S.legal_review, "decide"): S.decided,
    (S.legal_review, "decide_for_approval"): S.awaiting_approval,
    (S.rights_review, "rights:no_concern"): S.rights_review,
    (S.rights_review, "rights:concern"): S.rights_review,
    (S.rights_review, "decide"): S.decided,
    (S.rights_review, "decide_for_approval"): S.awaiting_approval,
    (S.clarification_requested, "clarified"): S.legal_review,
    (S.clarification_requested, "reidentified:found"): S.received,
    (S.clarification_requested, "reidentified:not_found"): S.content_not_found,
    (S.awaiting_approval, "approve"): S.decided,
    (S.awaiting_approval, "reject:policy_review"): S.policy_review,
    (S.awaiting_approval, "reject:legal_review"): S.legal_review,
    (S.awaiting_approval, "reject:rights_review"): S.rights_review,
    (S.decided, "reopen"): S.legal_review,
    # Not a copy of restricted content (docket.matching.copies): closed without a decision.
    (S.policy_review, "reject_copy"): S.decided,
    (S.legal_review, "reject_copy"): S.decided,
    (S.rights_review, "reject_copy"): S.decided,
    # A copy received through intake starts where its original was decided from.
    (S.received, "copy_of:policy_review"): S.policy_review,
    (S.received, "copy_of:legal_review"): S.legal_review,
    (S.received, "copy_of:rights_review"): S.rights_review,
}
FINDING_ACTIONS = [f"{step.value}:{finding}" for step, findings in states.FINDINGS.items() for finding in findings]
ACTIONS = sorted({*FINDING_ACTIONS, *(action for _, action in EXPECTED_MOVES),
                  *(f"reject:{s.value}" for s in S), "clarified", "reopen"})


def test_every_state_is_open_or_not_as_the_table_says() -> None:
    assert set(S) == set(EXPECTED_OPEN)
    for state, is_open in EXPECTED_OPEN.items():
        assert (state in OPEN_STATES) is is_open, state


def test_the_allowed_moves_are_exactly_these() -> None:
    assert TRANSITIONS == EXPECTED_MOVES
    for state in S:
        for action in ACTIONS:
            assert next_state(state, action) == EXPECTED_MOVES.get((state, action)), (state, action)


# ---------------------------------------------------------------- items in every state
@pytest.fixture
def zoe(make_user: Any) -> Any:
    """A reviewer with every reviewing role (so only the state table can refuse her)."""
    return make_user("zoe@docket.test", "reviewer", "legal", "rights")


@pytest.fixture
def in_every_state(client: Any, act: Any, platform: Any, kz_ministry: Any, bob_legal: Any, carol_rights: Any,
                   reviewer_alice: Any) -> dict[ItemState, int]:
    """One Kazakh request whose items stand in every state but clarification_requested
    (which holds its whole request back), and one more request for that."""
    urls = [f"https://social.example/@s/{n}" for n in range(8)]
    for n, url in enumerate(urls):
        if n != 1:  # item 1's content is unknown to the registry
            r = client.post("/api/v1/content", headers=platform.headers, json={
                "id": f"s-{n}", "url": url, "type": "post", "author_id": f"author-s{n}"})
            assert r.status_code in (200, 201), r.text
    body = {"jurisdiction": "KZ", "legal_basis": [{"law": "kz-informatization-18-2"}], "reason": "hate_speech",
            "explanation": "Calls for violence.", "items": [{"url": u} for u in urls[:7]]}
    request = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body)
    assert request.status_code == 201, request.text
    received, not_found, policy, legal, rights, waiting, done = (i["id"] for i in request.json()["items"])

    def review(who: Any, item: int, *steps: tuple[str, str]) -> None:
        for step, finding in steps:
            act(who, f"/items/{item}/review", step=step, finding=finding)

    review(reviewer_alice, policy, ("policy", "violates"))
    review(reviewer_alice, legal, ("policy", "compliant"))
    review(bob_legal, rights, ("policy", "compliant"), ("legal", "illegal"))
    review(bob_legal, waiting, ("policy", "compliant"), ("legal", "illegal"))
    review(carol_rights, waiting, ("rights", "no_concern"))
    # Kazakhstan's restrictions need its local representative: bob's decision waits for her.
    act(bob_legal, f"/items/{waiting}/decision", expect=201, outcome="restricted", law="kz-informatization-18-2",
        explanation="Calls for ethnic violence.")
    review(bob_legal, done, ("policy", "compliant"), ("legal", "lawful"))
    act(bob_legal, f"/items/{done}/decision", expect=201, outcome="no_action", explanation="Lawful criticism.")
    asked = client.post("/api/v1/requests", headers=kz_ministry.headers,
                        json={**body, "items": [{"url": urls[7]}]}).json()["items"][0]["id"]
    review(bob_legal, asked, ("policy", "compliant"))
    act(bob_legal, f"/items/{asked}/review", step="legal", finding="needs_clarification", question="Which post?")
    found = {S.received: received, S.content_not_found: not_found, S.policy_review: policy,
             S.legal_review: legal, S.rights_review: rights, S.awaiting_approval: waiting, S.decided: done,
             S.clarification_requested: asked}
    for state, item in found.items():
        assert client.get(f"/api/v1/items/{item}", headers=bob_legal.headers).json()["status"] == state.value
    return found


def test_the_queue_holds_the_open_states_and_no_other(client, in_every_state, bob_legal) -> None:
    queued = {row["id"] for row in client.get("/api/v1/queue?limit=200", headers=bob_legal.headers).json()["items"]}
    assert {state for state, item in in_every_state.items() if item in queued} == {
        state for state, is_open in EXPECTED_OPEN.items() if is_open}


def test_every_move_the_table_does_not_allow_is_refused(sessions, in_every_state) -> None:
    for state, item_id in in_every_state.items():
        for action in ACTIONS:
            if (state, action) in EXPECTED_MOVES:
                continue
            with pytest.raises(Conflict), transaction(sessions) as s:
                item = s.get(Item, item_id)
                moves.move(session=s, item=item, action=action)
            with transaction(sessions) as s:
                assert s.get(Item, item_id).status == state, (state, action)


def test_every_finding_the_table_does_not_allow_is_a_409(client, in_every_state, zoe) -> None:
    for state, item in in_every_state.items():
        for action in FINDING_ACTIONS:
            if (state, action) in EXPECTED_MOVES:
                continue
            step, finding = action.split(":")
            extra = {"question": "Which post?"} if finding == "needs_clarification" else {}
            r = client.post(f"/api/v1/items/{item}/review", headers=zoe.headers,
                            json={"step": step, "finding": finding, **extra})
            assert r.status_code == 409, (state, action, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
        if state not in (S.policy_review, S.legal_review, S.rights_review):
            r = client.post(f"/api/v1/items/{item}/decision", headers=zoe.headers,
                            json={"outcome": "no_action", "explanation": "x"})
            assert r.status_code == 409, (state, r.text)
    for state, item in in_every_state.items():
        assert client.get(f"/api/v1/items/{item}", headers=zoe.headers).json()["status"] == state.value


# ---------------------------------------------------------------- four eyes and approvals
def _pending(client: Any, bob_legal: Any, item: int) -> dict[str, Any]:
    return client.get(f"/api/v1/items/{item}/decisions", headers=bob_legal.headers).json()[-1]


def test_the_decider_can_neither_approve_nor_reject_their_own_decision(client, act, in_every_state, bob_legal,
                                                                       carol_rights) -> None:
    decision = _pending(client, bob_legal, in_every_state[S.awaiting_approval])
    assert decision["status"] == "awaiting_approval" and decision["decided_by"] == bob_legal.id
    for verb, body in (("reject", {"reason": "I changed my mind."}), ("approve", {})):
        r = client.post(f"/api/v1/decisions/{decision['id']}/{verb}", headers=bob_legal.headers, json=body or None)
        assert r.status_code == 409, (verb, r.text)
        assert "the person who decided cannot also" in r.json()["detail"]
    item = in_every_state[S.awaiting_approval]
    assert client.get(f"/api/v1/items/{item}", headers=bob_legal.headers).json()["status"] == "awaiting_approval"
    # A second person may reject it: the item goes back to the step it was decided from.
    rejected = act(carol_rights, f"/decisions/{decision['id']}/reject", reason="Too broad for a first order.")
    assert rejected["status"] == "rejected" and rejected["rejected_by"] == carol_rights.id
    assert client.get(f"/api/v1/items/{item}", headers=bob_legal.headers).json()["status"] == "rights_review"


def test_only_a_decision_awaiting_approval_can_be_approved_or_rejected(client, act, in_every_state, bob_legal,
                                                                       carol_rights, dana_kz) -> None:
    effective = _pending(client, bob_legal, in_every_state[S.decided])
    assert effective["status"] == "effective"
    for verb, body in (("approve", None), ("reject", {"reason": "No."})):
        r = client.post(f"/api/v1/decisions/{effective['id']}/{verb}", headers=carol_rights.headers, json=body)
        assert r.status_code == 409 and "awaits no approval" in r.json()["detail"], r.text
    waiting = _pending(client, bob_legal, in_every_state[S.awaiting_approval])
    act(dana_kz, f"/decisions/{waiting['id']}/approve", note="Signed off for KZ.")
    for verb, body in (("approve", None), ("reject", {"reason": "Late."})):
        r = client.post(f"/api/v1/decisions/{waiting['id']}/{verb}", headers=carol_rights.headers, json=body)
        assert r.status_code == 409, r.text
    # Deciding an item whose decision awaits approval is refused too.
    other = in_every_state[S.rights_review]
    act(carol_rights, f"/items/{other}/review", step="rights", finding="no_concern")
    first = act(bob_legal, f"/items/{other}/decision", expect=201, outcome="restricted",
                law="kz-informatization-18-2", explanation="Calls for violence.")
    assert first["awaits_approval"] is True
    act(carol_rights, f"/items/{other}/decision", expect=409, outcome="restricted",
        law="kz-informatization-18-2", explanation="Again.")


# ---------------------------------------------------------------- appeals
def test_deciding_an_appeal_needs_a_reviewing_role_for_its_country(client, sessions, in_every_state, bob_legal,
                                                                    kz_ministry, make_user) -> None:
    decision = _pending(client, bob_legal, in_every_state[S.decided])
    filed = client.post("/api/v1/appeals", headers=kz_ministry.headers,
                        json={"decision_id": decision["id"], "statement": "The post is illegal."})
    assert filed.status_code == 201, filed.text
    erin = make_user("erin@docket.test", "auditor", "admin")
    emre = make_user("emre@docket.test", "local_representative", jurisdictions=("TR",))
    grace = make_user("grace@docket.test", "legal", "reviewer")
    # Through the API an auditor is refused at the door.
    r = client.post(f"/api/v1/appeals/{filed.json()['id']}/decision", headers=erin.headers,
                    json={"outcome": "reversed", "explanation": "x"})
    assert r.status_code == 403
    # The service refuses on its own too: read access is not a reviewing role, and a local
    # representative's role counts only in its own countries.
    for who, roles, places in ((erin, {Role.auditor, Role.admin}, ()),
                               (emre, {Role.local_representative}, ("TR",))):
        principal = Principal(token_id=who.token_id, user_id=who.id, roles=frozenset(roles),
                              jurisdictions=frozenset(places))
        with pytest.raises(RoleRequired), transaction(sessions) as s:
            appeals.decide(session=s, principal=principal, appeal=s.get(Appeal, filed.json()["id"]),
                           outcome="reversed", explanation="x", now=utcnow())
    assert client.get(f"/api/v1/appeals/{filed.json()['id']}", headers=grace.headers).json()["status"] == "open"
    # Someone with the role, who took no part, decides it; reversing reopens the item.
    r = client.post(f"/api/v1/appeals/{filed.json()['id']}/decision", headers=grace.headers,
                    json={"outcome": "reversed", "explanation": "The order was right."})
    assert r.status_code == 200, r.text
    item = in_every_state[S.decided]
    assert client.get(f"/api/v1/items/{item}", headers=grace.headers).json()["status"] == "legal_review"


# ---------------------------------------------------------------- clarifications
def test_an_answer_moves_the_item_through_the_state_table(client, in_every_state, kz_ministry, bob_legal,
                                                          monkeypatch) -> None:
    asked = in_every_state[S.clarification_requested]
    request = client.get(f"/api/v1/items/{asked}", headers=bob_legal.headers).json()["request_id"]
    # Without the move in the table, intake cannot move the item either.
    monkeypatch.delitem(TRANSITIONS, (S.clarification_requested, "clarified"))
    r = client.post(f"/api/v1/requests/{request}/clarifications", headers=kz_ministry.headers,
                    json={"message": "The second post."})
    assert r.status_code == 409, r.text
    assert client.get(f"/api/v1/items/{asked}", headers=bob_legal.headers).json()["status"] == "clarification_requested"
    monkeypatch.undo()
    r = client.post(f"/api/v1/requests/{request}/clarifications", headers=kz_ministry.headers,
                    json={"message": "The second post."})
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert client.get(f"/api/v1/items/{asked}", headers=bob_legal.headers).json()["status"] == "legal_review"


def test_a_clarification_cannot_rename_an_item_under_review_or_decided(client, act, in_every_state, kz_ministry,
                                                                      bob_legal) -> None:
    # A request with a decided item and an item asked about: it needs clarification.
    done = in_every_state[S.decided]
    request = client.get(f"/api/v1/items/{done}", headers=bob_legal.headers).json()["request_id"]
    legal = in_every_state[S.legal_review]
    act(bob_legal, f"/items/{legal}/review", step="legal", finding="needs_clarification", question="Which post?")
    seen = client.get(f"/api/v1/requests/{request}", headers=kz_ministry.headers).json()
    assert seen["status"] == "needs_clarification"
    positions = {i["id"]: i["position"] for i in seen["items"]}
    for item in (done, in_every_state[S.rights_review], in_every_state[S.awaiting_approval]):
        r = client.post(f"/api/v1/requests/{request}/clarifications", headers=kz_ministry.headers, json={
            "items": [{"position": positions[item], "url": "https://social.example/@s/other"}]})
        assert r.status_code == 409, r.text
    after = client.get(f"/api/v1/requests/{request}", headers=kz_ministry.headers).json()
    assert [(i["status"], i["url"]) for i in after["items"]] == [(i["status"], i["url"]) for i in seen["items"]]
    # The item asked about may be named anew: it is looked up again and reviewed from the start.
    r = client.post(f"/api/v1/requests/{request}/clarifications", headers=kz_ministry.headers, json={
        "items": [{"position": positions[legal], "url": "https://social.example/@s/0"}]})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/items/{legal}", headers=bob_legal.headers).json()["status"] == "received"


def test_a_move_made_meanwhile_is_not_overwritten(sessions, in_every_state) -> None:
    item_id = in_every_state[S.legal_review]
    with pytest.raises(Conflict, match="changed while"), transaction(sessions) as s:
        item = s.get(Item, item_id)
        # Another reviewer's finding lands after this one read the item...
        s.execute(update(Item).where(Item.id == item_id).values(status=S.rights_review)
                  .execution_options(synchronize_session=False))
        # ...so the move this one makes from the state it read is refused, not applied over it.
        assert item.status == S.legal_review
        moves.move(session=s, item=item, action="legal:lawful")
