"""Appeals routed into a per-person queue (issue 20, point 2): assigned when filed to someone
uninvolved and entitled to the item's country, fairly; never silently lost; a lead reassigns
or takes one over."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from docket import store
from docket.appeals import tokens
from docket.appeals.models import Appeal
from docket.audit.models import Event
from tests.conftest import SECRET


def _events(sessions: Any, action: str) -> list[Event]:
    with store.transaction(sessions) as s:
        return list(s.scalars(select(Event).where(Event.action == action).order_by(Event.seq)))


def _appeal(client: Any, decision: int, reader: Any) -> dict[str, Any]:
    """File the author's appeal; the appeal as ``reader`` (staff) reads it."""
    r = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision),
                                             "statement": "It is reporting, not incitement."})
    assert r.status_code == 201, r.text
    # The author learns the deadline, never who of the staff has the appeal.
    assert r.json()["due_at"] and (r.json()["assignee"], r.json()["team"], r.json()["assigned_at"]) == (None,) * 3
    shown = client.get(f"/api/v1/appeals/{r.json()['id']}", headers=reader.headers)
    assert shown.status_code == 200, shown.text
    return dict(shown.json())


def _mine(client: Any, who: Any) -> list[int]:
    r = client.get("/api/v1/appeals?assigned=me", headers=who.headers)
    assert r.status_code == 200, r.text
    return [a["id"] for a in r.json()]


def test_an_appeal_goes_to_an_uninvolved_reviewer_entitled_to_the_country_fairly(
        client: Any, decided: Any, make_user: Any, bob_legal: Any, sessions: Any) -> None:
    # decided(): alice, bob and carol reviewed, dana (KZ) decided: all involved.
    frank = make_user("frank@docket.test", "legal", "reviewer")
    grace = make_user("grace@docket.test", "reviewer")
    make_user("rep@docket.test", "local_representative", jurisdictions=("DE",))  # not entitled to KZ
    make_user("erin@docket.test", "auditor")  # no permission to decide
    first = _appeal(client, decided(), bob_legal)
    assert first["assignee"] == {"id": frank.id, "name": "frank@docket.test"}  # none open: the lowest id
    assert first["due_at"] is not None and first["unassigned_reason"] is None
    second = _appeal(client, decided(), bob_legal)
    assert second["assignee"]["id"] == grace.id  # frank has one open already
    assert _mine(client, frank) == [first["id"]] and _mine(client, grace) == [second["id"]]
    assert _mine(client, bob_legal) == []  # he took part: never routed to him
    [routed, _] = _events(sessions, "appeal:assigned")
    assert routed.actor == "system:routing"
    assert routed.payload == {"appeal": first["id"], "user_id": frank.id, "name": "frank@docket.test",
                              "routed": True}
    # Decided: frank has none open, grace one, so the next goes to frank again.
    r = client.post(f"/api/v1/appeals/{first['id']}/decision", headers=frank.headers,
                    json={"outcome": "upheld", "explanation": "The call to violence is plain."})
    assert r.status_code == 200
    assert _appeal(client, decided(), bob_legal)["assignee"]["id"] == frank.id


def test_my_queue_is_in_the_order_of_the_deadlines(client: Any, decided: Any, bob_legal: Any, make_user: Any,
                                                   sessions: Any) -> None:
    frank = make_user("frank@docket.test", "legal", "reviewer")
    first, second = _appeal(client, decided(), bob_legal), _appeal(client, decided(), bob_legal)
    assert first["assignee"]["id"] == second["assignee"]["id"] == frank.id
    assert _mine(client, frank) == [first["id"], second["id"]]
    with store.transaction(sessions) as s:
        s.execute(update(Appeal).where(Appeal.id == second["id"]).values(
            due_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert _mine(client, frank) == [second["id"], first["id"]]


def test_an_appeal_nobody_may_decide_waits_for_the_leads_with_the_reason(
        client: Any, decided: Any, bob_legal: Any, make_user: Any, reviewer_alice: Any, sessions: Any) -> None:
    appeal = _appeal(client, decided(), bob_legal)
    assert appeal["assignee"] is None and appeal["team"] is None
    assert appeal["unassigned_reason"] == "nobody uninvolved is entitled to KZ"
    [unrouted] = _events(sessions, "appeal:unrouted")
    assert unrouted.payload == {"appeal": appeal["id"], "reason": "nobody uninvolved is entitled to KZ"}
    lead = make_user("lea@docket.test", "lead")
    nobody = client.get("/api/v1/appeals?assigned=none", headers=lead.headers).json()
    assert [a["id"] for a in nobody] == [appeal["id"]]
    # Now someone may decide it: the answer says a lead can assign it.
    shown = client.get(f"/api/v1/appeals/{appeal['id']}", headers=reviewer_alice.headers).json()
    assert shown["unassigned_reason"] == "not assigned yet: a lead can assign it"


def test_a_lead_reassigns_only_to_someone_who_may_decide_and_takes_over_with_a_reason(
        client: Any, decided: Any, make_user: Any, bob_legal: Any, reviewer_alice: Any, sessions: Any) -> None:
    frank = make_user("frank@docket.test", "legal", "reviewer")
    grace = make_user("grace@docket.test", "reviewer")
    rep_de = make_user("rep@docket.test", "local_representative", jurisdictions=("DE",))
    lead = make_user("lea@docket.test", "lead")
    appeal = _appeal(client, decided(), bob_legal)
    assert appeal["assignee"]["id"] == frank.id
    path = f"/api/v1/appeals/{appeal['id']}"
    involved = client.post(f"{path}/assign", headers=lead.headers, json={"user_id": bob_legal.id})
    assert involved.status_code == 422
    assert "bob@docket.test took part in the original decision (recorded the legal review of its item)" \
        in involved.json()["detail"]
    assert involved.json()["errors"][0]["field"] == "user_id"
    elsewhere = client.post(f"{path}/assign", headers=lead.headers, json={"user_id": rep_de.id})
    assert elsewhere.status_code == 422 and "not entitled to KZ" in elsewhere.json()["detail"]
    # Only a lead assigns.
    assert client.post(f"{path}/assign", headers=reviewer_alice.headers,
                       json={"user_id": grace.id}).status_code == 403
    moved = client.post(f"{path}/assign", headers=lead.headers, json={"user_id": grace.id})
    assert moved.status_code == 200 and moved.json()["assignee"]["id"] == grace.id
    assert _mine(client, frank) == [] and _mine(client, grace) == [appeal["id"]]
    taken = client.post(f"{path}/take-over", headers=lead.headers, json={"reason": "Grace is away this week."})
    assert taken.status_code == 200 and taken.json()["assignee"]["id"] == lead.id
    assert _mine(client, lead) == [appeal["id"]] and _mine(client, grace) == []
    [event] = _events(sessions, "appeal:taken_over")
    assert event.actor == f"user:{lead.id}"
    assert event.payload["reason"] == "Grace is away this week." and event.payload["from"] == grace.id
    assert client.post(f"{path}/take-over", headers=lead.headers, json={"reason": "again"}).status_code == 409
    assert [e.payload.get("user_id") for e in _events(sessions, "appeal:assigned")] == [frank.id, grace.id]
    r = client.post(f"{path}/decision", headers=lead.headers, json={"outcome": "upheld", "explanation": "Stands."})
    assert r.status_code == 200
    decided_already = client.post(f"{path}/assign", headers=lead.headers, json={"user_id": frank.id})
    assert decided_already.status_code == 409


def test_a_lead_decides_appeals_too_but_cannot_take_over_one_they_took_part_in(
        client: Any, decided: Any, bob_legal: Any, make_user: Any, dana_kz: Any, reviewer_alice: Any,
        sessions: Any) -> None:
    lead = make_user("lea@docket.test", "lead")
    appeal = _appeal(client, decided(), bob_legal)
    assert appeal["assignee"]["id"] == lead.id  # the only one who took no part
    path = f"/api/v1/appeals/{appeal['id']}"
    assert client.post(f"{path}/take-over", headers=lead.headers, json={"reason": "x"}).status_code == 409
    assert client.post(f"{path}/assign", headers=lead.headers, json={"user_id": dana_kz.id}).status_code == 422
    # A lead who reviewed the item may not take its appeal over.
    with store.transaction(sessions) as s:
        s.execute(update(Appeal).where(Appeal.id == appeal["id"]).values(assignee_id=None))
    involved = make_user("leo@docket.test", "lead", "reviewer")
    with store.transaction(sessions) as s:
        from docket.review.models import Review
        s.execute(update(Review).where(Review.reviewer_id == reviewer_alice.id).values(reviewer_id=involved.id))
    r = client.post(f"{path}/take-over", headers=involved.headers, json={"reason": "Mine now."})
    assert r.status_code == 422 and "took part in the original decision" in r.json()["detail"]


def test_an_appeals_team_of_the_country_gets_the_appeal(client: Any, decided: Any, make_user: Any,
                                                        bob_legal: Any, sessions: Any) -> None:
    lead = make_user("lea@docket.test", "lead")
    grace = make_user("grace@docket.test", "reviewer")
    team = client.post("/api/v1/teams", headers=lead.headers, json={
        "name": "appeals — KZ", "role": "reviewer", "jurisdiction": "KZ", "appeals": True}).json()
    assert team["appeals"] is True
    for member in (grace, bob_legal):
        assert client.post(f"/api/v1/teams/{team['id']}/members/{member.id}", headers=lead.headers).status_code == 200
    appeal = _appeal(client, decided(), bob_legal)
    assert appeal["team"] == {"id": team["id"], "name": "appeals — KZ"} and appeal["assignee"] is None
    assert _mine(client, grace) == [appeal["id"]]
    assert _mine(client, bob_legal) == []  # in the team, but he took part
    # The team decides appeals, not items.
    item = appeal["item_id"]
    refused = client.post(f"/api/v1/items/{item}/assign", headers=lead.headers, json={"team_id": team["id"]})
    assert refused.status_code == 422 and "decides appeals, not items" in refused.json()["detail"]
    # A team that does items cannot be given an appeal.
    items_team = client.post("/api/v1/teams", headers=lead.headers, json={
        "name": "policy — KZ", "role": "reviewer", "jurisdiction": "KZ"}).json()
    r = client.post(f"/api/v1/appeals/{appeal['id']}/assign", headers=lead.headers,
                    json={"team_id": items_team["id"]})
    assert r.status_code == 422 and "not appeals" in r.json()["detail"]


def test_a_requesters_appeal_is_routed_too(client: Any, act: Any, de_court: Any, reviewer_alice: Any,
                                           bob_legal: Any, make_user: Any) -> None:
    request = client.post("/api/v1/requests", headers=de_court.headers, json={
        "jurisdiction": "DE", "reason": "defamation", "explanation": "Untrue statement of fact.",
        "legal_basis": [{"law": "de-netzdg-3"}], "items": [{"url": "https://social.example/@b/1"}]}).json()
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="lawful")
    decision = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="no_action",
                   explanation="An opinion, protected speech.")["id"]
    rep_de = make_user("rep@docket.test", "local_representative", jurisdictions=("DE",))
    filed = client.post("/api/v1/appeals", headers=de_court.headers,
                        json={"decision_id": decision, "statement": "The court found it untrue."})
    assert filed.status_code == 201 and filed.json()["assignee"] is None  # the court is not told who
    assert _mine(client, rep_de) == [filed.json()["id"]]
