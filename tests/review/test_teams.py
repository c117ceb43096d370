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


def test_a_lead_manages_teams_on_the_teams_page(web, make_user, bob_legal) -> None:
    from tests.web.conftest import PASSWORD, csrf_of, sign_in

    make_user("lena@docket.test", "lead", password=PASSWORD)
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    assert sign_in(web, "alice@docket.test").status_code == 303
    page = web.get("/console/teams").text
    assert "No teams yet." in page and "Create a team" not in page
    web.cookies.clear()
    assert sign_in(web, "lena@docket.test").status_code == 303
    csrf = csrf_of(web, "/console/teams")
    made = web.post("/console/teams", data={"name": "legal — KZ", "role": "legal", "jurisdiction": "KZ",
                                            "csrf_token": csrf}, follow_redirects=False)
    assert made.status_code == 303
    again = web.post("/console/teams", data={"name": "legal — KZ", "role": "legal", "csrf_token": csrf})
    assert again.status_code == 409 and "exists already" in again.text
    team_id = int(made.headers["location"].rsplit("-", 1)[1])
    added = web.post(f"/console/teams/{team_id}/members", data={"user_id": str(bob_legal.id), "csrf_token": csrf},
                     follow_redirects=False)
    assert added.status_code == 303
    page = web.get("/console/teams").text
    assert "bob@docket.test" in page and 'aria-label="Remove bob@docket.test from legal — KZ"' in page
    removed = web.post(f"/console/teams/{team_id}/members/{bob_legal.id}/remove", data={"csrf_token": csrf},
                       follow_redirects=False)
    assert removed.status_code == 303 and "No members yet." in web.get("/console/teams").text
