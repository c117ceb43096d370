"""The per-item state machine, decisions, four eyes and local representatives."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from docket.intake.models import Item


def test_a_kz_restriction_needs_the_local_representatives_sign_off(
    client, send, act, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, reviewed_to_rights
) -> None:
    request = send(kz_ministry)
    item = request["items"][0]["id"]
    reviewed_to_rights(item)
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern", notes="Incitement, not speech.")
    decision = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="restricted", ground="legal",
                   law="kz-informatization-18-2", provision="Art. 18-2(1)",
                   explanation="Calls for ethnic violence, illegal under Art. 174 of the Criminal Code.")
    assert decision["awaits_approval"] is True and decision["takes_effect"] is False
    assert decision["approval_reasons"] == ["local_representative"]
    assert decision["scope"] == ["KZ"] and decision["local_rep_jurisdiction"] == "KZ"
    act(reviewer_alice, f"/decisions/{decision['id']}/approve", expect=403)
    approved = act(dana_kz, f"/decisions/{decision['id']}/approve", note="Signed off for KZ.")
    assert approved["takes_effect"] is True and approved["approved_by"] == dana_kz.id
    # The effect given, as the ministry reads it.
    seen = client.get(f"/api/v1/requests/{request['id']}", headers=kz_ministry.headers).json()
    assert seen["status"] == "decided"
    assert seen["items"][0]["outcome"] == "restricted" and seen["items"][0]["scope"] == ["KZ"]
    assert seen["items"][0]["decided_at"]


def test_the_local_representative_decides_alone_when_nothing_else_needs_four_eyes(
    send, act, kz_ministry, dana_kz
) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        act(dana_kz, f"/items/{item}/review", step=step, finding=finding)
    decision = act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted",
                   explanation="Illegal under KZ law.")
    assert decision["takes_effect"] is True and decision["law"] == "kz-informatization-18-2"


def test_a_policy_violation_is_removed_everywhere_at_once(client, send, act, de_court, reviewer_alice) -> None:
    request = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="violates")
    act(reviewer_alice, f"/items/{item}/decision", expect=422, outcome="removed_policy", explanation="x")
    decision = act(reviewer_alice, f"/items/{item}/decision", expect=201, outcome="removed_policy",
                   policy_clause="Community Standards 3.2 (violent threats)", explanation="A violent threat.")
    assert decision["takes_effect"] and decision["scope"] == ["*"] and decision["ground"] == "policy"
    assert client.get(f"/api/v1/requests/{request['id']}", headers=de_court.headers).json()["status"] == "decided"


@pytest.mark.parametrize(
    ("finding", "outcome"),
    [("lawful", "no_action"), ("invalid", "rejected_invalid"), ("already_removed", "already_removed"),
     ("not_found", "content_not_found")],
)
def test_legal_review_exits(send, act, de_court, reviewer_alice, bob_legal, finding, outcome) -> None:
    item = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding=finding)
    act(bob_legal, f"/items/{item}/decision", expect=409, outcome="restricted", explanation="x")
    decision = act(bob_legal, f"/items/{item}/decision", expect=201, outcome=outcome, explanation="Reasons.")
    assert decision["takes_effect"] and decision["scope"] == []


def test_rights_concerns_need_four_eyes(send, act, de_court, reviewer_alice, bob_legal, carol_rights,
                                        reviewed_to_rights) -> None:
    item = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"][0]["id"]
    reviewed_to_rights(item)
    reviewed = act(carol_rights, f"/items/{item}/review", step="rights", finding="concern",
                   flags=["journalism", "public_interest"], notes="Reporting on a trial.")
    assert reviewed["risk_flags"] == ["journalism", "public_interest"]
    decision = act(carol_rights, f"/items/{item}/decision", expect=201, outcome="rejected_overbroad",
                   explanation="The request would silence reporting of public interest.")
    assert decision["approval_reasons"] == ["risk_flags"]
    act(carol_rights, f"/decisions/{decision['id']}/approve", expect=409)  # not the same person
    assert act(bob_legal, f"/decisions/{decision['id']}/approve")["takes_effect"]


def test_a_wider_scope_needs_a_reason_and_four_eyes(send, act, de_court, bob_legal, carol_rights,
                                                    reviewed_to_rights) -> None:
    item = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"][0]["id"]
    reviewed_to_rights(item)
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
    wide = {"outcome": "restricted", "scope": ["DE", "AT"], "explanation": "Illegal in DE."}
    problem = act(bob_legal, f"/items/{item}/decision", expect=422, **wide)
    assert [e["field"] for e in problem["errors"]] == ["scope_reason"]
    act(bob_legal, f"/items/{item}/decision", expect=422, **{**wide, "scope": ["DE", "QQ"], "scope_reason": "x"})
    decision = act(bob_legal, f"/items/{item}/decision", expect=201,
                   **{**wide, "scope_reason": "The Austrian court order covers the same post."})
    assert decision["approval_reasons"] == ["wider_scope"] and decision["scope"] == ["DE", "AT"]
    rejected = act(carol_rights, f"/decisions/{decision['id']}/reject", reason="Restrict in DE only.")
    assert rejected["status"] == "rejected"
    narrow = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="restricted",
                 explanation="Illegal in DE.")
    assert narrow["takes_effect"] and narrow["scope"] == ["DE"]


def test_an_emergency_decision_needs_four_eyes(send, act, tr_btk, reviewer_alice, bob_legal, carol_rights,
                                               reviewed_to_rights, make_user) -> None:
    emre = make_user("emre@docket.test", "local_representative", jurisdictions=("TR",))
    item = send(tr_btk, jurisdiction="TR", legal_basis=[{"law": "tr-5651-9"}], emergency=True,
                emergency_explanation="Death threat.")["items"][0]["id"]
    reviewed_to_rights(item)
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
    decision = act(emre, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="A death threat.")
    assert decision["approval_reasons"] == ["emergency"]
    assert act(bob_legal, f"/decisions/{decision['id']}/approve")["takes_effect"]


def test_invalid_transitions_are_409(send, act, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    act(bob_legal, f"/items/{item}/review", expect=409, step="legal", finding="illegal")  # policy first
    act(bob_legal, f"/items/{item}/decision", expect=409, outcome="restricted", explanation="x")
    act(bob_legal, f"/items/{item}/decision", expect=409, outcome="no_action", explanation="x")
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(carol_rights, f"/items/{item}/review", expect=409, step="rights", finding="no_concern")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="lawful")
    act(bob_legal, f"/items/{item}/decision", expect=201, outcome="no_action", explanation="Lawful criticism.")
    act(bob_legal, f"/items/{item}/decision", expect=409, outcome="no_action", explanation="again")
    act(dana_kz, f"/items/{item}/review", expect=409, step="policy", finding="violates")
    act(reviewer_alice, f"/items/{item}/claim", expect=409)


def test_findings_must_fit_their_step(send, act, kz_ministry, reviewer_alice) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", expect=422, step="policy", finding="illegal")
    act(reviewer_alice, f"/items/{item}/review", expect=422, step="policy", finding="compliant",
        flags=["journalism"])
    act(reviewer_alice, f"/items/{item}/review", expect=422, step="ethics", finding="fine")
    act(reviewer_alice, f"/items/{item}/decision", expect=422, outcome="banned", explanation="x")
    act(reviewer_alice, f"/items/{item}/decision", expect=422, outcome="no_action", explanation="x" * 5001)
    act(reviewer_alice, f"/items/{item}/decision", expect=422, outcome="no_action")


def test_roles(send, act, client, kz_ministry, reviewer_alice, platform, auditor_erin) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(reviewer_alice, f"/items/{item}/review", expect=403, step="legal", finding="illegal")
    for who in (kz_ministry, platform, auditor_erin):
        act(who, f"/items/{item}/claim", expect=403)
        act(who, f"/items/{item}/review", expect=403, step="legal", finding="illegal")
    assert client.get(f"/api/v1/items/{item}", headers=kz_ministry.headers).status_code == 403
    assert client.get(f"/api/v1/items/{item}", headers=auditor_erin.headers).status_code == 200


def test_clarification_goes_back_to_the_submitter(client, send, act, kz_ministry, reviewer_alice, bob_legal) -> None:
    request = send(kz_ministry)
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    # Asking needs the question itself: it is what the requester receives.
    refused = client.post(f"/api/v1/items/{item}/review", headers=bob_legal.headers,
                          json={"step": "legal", "finding": "needs_clarification", "notes": "Unclear."})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "question"
    misplaced = client.post(f"/api/v1/items/{item}/review", headers=bob_legal.headers,
                            json={"step": "legal", "finding": "illegal", "question": "Why?"})
    assert misplaced.status_code == 422 and misplaced.json()["errors"][0]["field"] == "question"
    reviewed = act(bob_legal, f"/items/{item}/review", step="legal", finding="needs_clarification",
                   question="Which statement is said to be false?", notes="Internal: looks like satire.")
    assert reviewed["status"] == "clarification_requested"
    assert reviewed["clarification_question"] == "Which statement is said to be false?"
    seen = client.get(f"/api/v1/requests/{request['id']}", headers=kz_ministry.headers).json()
    assert seen["status"] == "needs_clarification" and seen["missing"] == ["items[0].clarification"]
    assert seen["items"][0]["clarification_question"] == "Which statement is said to be false?"
    assert "satire" not in str(seen)
    assert client.get("/api/v1/queue", headers=bob_legal.headers).json()["items"] == []
    answered = client.post(f"/api/v1/requests/{request['id']}/clarifications", headers=kz_ministry.headers,
                           json={"message": "The second sentence.", "explanation": "The claim of bribery is false."})
    assert answered.json()["status"] == "open"
    back = client.get(f"/api/v1/items/{item}", headers=bob_legal.headers).json()
    assert back["status"] == "legal_review"
    assert [r["id"] for r in client.get("/api/v1/queue", headers=bob_legal.headers).json()["items"]] == [item]


def test_request_status_follows_its_items(client, send, act, de_court, reviewer_alice) -> None:
    request = send(de_court, n=2, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])
    first, second = (i["id"] for i in request["items"])
    for item in (first, second):
        act(reviewer_alice, f"/items/{item}/review", step="policy", finding="violates")
    act(reviewer_alice, f"/items/{first}/decision", expect=201, outcome="removed_policy",
        policy_clause="3.2", explanation="Threat.")
    url = f"/api/v1/requests/{request['id']}"
    assert client.get(url, headers=de_court.headers).json()["status"] == "partially_decided"
    act(reviewer_alice, f"/items/{second}/decision", expect=201, outcome="removed_policy",
        policy_clause="3.2", explanation="Threat.")
    assert client.get(url, headers=de_court.headers).json()["status"] == "decided"


def test_one_items_audit_trail_from_receipt_to_decision(
    client, send, act, kz_ministry, bob_legal, carol_rights, dana_kz, reviewed_to_rights
) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    act(bob_legal, f"/items/{item}/claim")
    reviewed_to_rights_by = reviewed_to_rights  # alice: policy, bob: legal
    act(bob_legal, f"/items/{item}/release")
    reviewed_to_rights_by(item)
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
    decision = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="Illegal.")
    act(dana_kz, f"/decisions/{decision['id']}/approve")
    events = client.get(f"/api/v1/items/{item}/events", headers=dana_kz.headers).json()["events"]
    assert [e["action"] for e in events] == [
        "request:received", "item:claimed", "item:released", "item:reviewed", "item:reviewed",
        "item:reviewed", "decision:made", "decision:approved", "item:decided"]
    assert [e["payload"].get("to") for e in events if e["action"] == "item:reviewed"] == [
        "legal_review", "rights_review", "rights_review"]
    assert events[-1]["payload"]["outcome"] == "restricted"


def test_a_decision_and_its_event_are_one_transaction(client, send, act, de_court, reviewer_alice,
                                                      sessions, monkeypatch) -> None:
    from docket.review import service

    item = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="violates")
    real = service.audit.record

    def failing(**kw):
        if kw["action"] == "decision:made":
            raise RuntimeError("audit store unavailable")
        return real(**kw)

    monkeypatch.setattr(service.audit, "record", failing)
    r = client.post(f"/api/v1/items/{item}/decision", headers=reviewer_alice.headers,
                    json={"outcome": "removed_policy", "policy_clause": "3.2", "explanation": "Threat."})
    assert r.status_code == 500
    with sessions() as s:
        row = s.execute(select(Item).where(Item.id == item)).scalar_one()
        assert row.status == "policy_review" and row.outcome is None


def test_the_approvals_inbox(client, send, act, de_court, bob_legal, carol_rights, reviewed_to_rights) -> None:
    item = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"][0]["id"]
    reviewed_to_rights(item)
    act(carol_rights, f"/items/{item}/review", step="rights", finding="concern", flags=["political_speech"])
    decision = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="x")
    inbox = client.get("/api/v1/decisions", headers=carol_rights.headers).json()
    assert [d["id"] for d in inbox] == [decision["id"]]
    history = client.get(f"/api/v1/items/{item}/decisions", headers=carol_rights.headers).json()
    assert [d["status"] for d in history] == ["awaiting_approval"]


def test_a_decision_awaiting_approval_ends_the_deciders_claim(client, send, act, de_court, bob_legal, carol_rights,
                                                             reviewed_to_rights) -> None:
    item = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"][0]["id"]
    reviewed_to_rights(item)
    act(carol_rights, f"/items/{item}/review", step="rights", finding="concern", flags=["political_speech"])
    act(bob_legal, f"/items/{item}/claim")
    assert client.get(f"/api/v1/items/{item}", headers=bob_legal.headers).json()["assigned_to"] is not None
    act(bob_legal, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="x")
    read = client.get(f"/api/v1/items/{item}", headers=bob_legal.headers).json()
    assert read["status"] == "awaiting_approval"
    assert (read["assigned_to"], read["claim_expires_at"]) == (None, None)
