"""Teams per role and jurisdiction through the API: a lead creates them and adds or removes
members (audited); a member must have the team's role."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def lena_lead(make_user: Any) -> Any:
    return make_user("lena@docket.test", "lead")


def test_a_lead_makes_a_team_and_manages_its_members(client, act, lena_lead, bob_legal, reviewer_alice,
                                                     dana_kz, admin_ada) -> None:
    team = act(lena_lead, "/teams", expect=201, name="legal — KZ", role="legal", jurisdiction="kz")
    assert team["jurisdiction"] == "KZ" and team["members"] == []
    act(lena_lead, "/teams", expect=409, name="legal — KZ", role="legal")
    act(lena_lead, "/teams", expect=422, name="legal — XX", role="legal", jurisdiction="XX")
    act(reviewer_alice, "/teams", expect=403, name="mine", role="reviewer")
    added = act(lena_lead, f"/teams/{team['id']}/members/{bob_legal.id}")
    assert added["members"] == [{"id": bob_legal.id, "name": "bob@docket.test"}]
    act(lena_lead, f"/teams/{team['id']}/members/{bob_legal.id}", expect=409)
    refused = act(lena_lead, f"/teams/{team['id']}/members/{reviewer_alice.id}", expect=422)
    assert "does not have the role legal in KZ" in refused["detail"]
    listed = client.get("/api/v1/teams", headers=reviewer_alice.headers).json()
    assert [t["name"] for t in listed] == ["legal — KZ"]
    removed = client.delete(f"/api/v1/teams/{team['id']}/members/{bob_legal.id}", headers=lena_lead.headers)
    assert removed.status_code == 200 and removed.json()["members"] == []
    again = client.delete(f"/api/v1/teams/{team['id']}/members/{bob_legal.id}", headers=lena_lead.headers)
    assert again.status_code == 404
    answer = client.get("/api/v1/audit/events", params={"subject": f"team:{team['id']}"}, headers=admin_ada.headers)
    assert answer.status_code == 200, answer.text
    actions = [e["action"] for e in answer.json()["events"]]
    assert actions == ["team:created", "team:member_added", "team:member_removed"]
