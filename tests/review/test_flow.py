"""The desk's flow through the API: a recorded step ends the claim, a lead assigns and takes
over, and "next item" takes the top of one's own queue."""

from __future__ import annotations

from typing import Any

import pytest

from docket import store
from docket.parties.models import Team, TeamMember


@pytest.fixture
def lena_lead(make_user: Any) -> Any:
    return make_user("lena@docket.test", "lead")


@pytest.fixture
def make_team(sessions: Any) -> Any:
    def make(name: str, role: str, jurisdiction: str | None, *members: Any) -> int:
        with store.transaction(sessions) as s:
            team = Team(name=name, role=role, jurisdiction=jurisdiction)
            s.add(team)
            s.flush()
            s.add_all(TeamMember(team_id=team.id, user_id=m.id) for m in members)
            return team.id
    return make


def _events(client: Any, who: Any, item: int) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/items/{item}/events", headers=who.headers).json()["events"]


def test_recording_a_step_ends_the_claim_and_hands_the_item_on(
    client, send, act, kz_ministry, reviewer_alice, bob_legal
) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    claim = act(reviewer_alice, f"/items/{item}/claim")
    assert claim["claimed_by"] == {"id": reviewer_alice.id, "name": "alice@docket.test"}
    seen = client.get(f"/api/v1/items/{item}", headers=bob_legal.headers).json()
    assert seen["claimed_by"] == {"id": reviewer_alice.id, "name": "alice@docket.test"}
    refused = act(bob_legal, f"/items/{item}/claim", expect=409)
    assert "claimed by alice@docket.test" in refused["detail"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    seen = client.get(f"/api/v1/items/{item}", headers=bob_legal.headers).json()
    assert seen["claimed_by"] is None and seen["status"] == "legal_review"
    taken = act(bob_legal, "/queue/next")
    assert taken["item_id"] == item and taken["claimed_by"]["id"] == bob_legal.id
    act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")


def test_a_lead_assigns_to_a_person_who_may_do_the_step_and_says_why_not_otherwise(
    client, send, act, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, lena_lead, make_user
) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    # The legal step: Carol (rights, reviewer) may not do it, a DE representative may not act in KZ.
    refused = act(lena_lead, f"/items/{item}/assign", expect=422, user_id=carol_rights.id)
    assert "cannot do the legal review" in refused["detail"] and "carol@docket.test" in refused["detail"]
    de_rep = make_user("dirk@docket.test", "local_representative", jurisdictions=("DE",))
    refused = act(lena_lead, f"/items/{item}/assign", expect=422, user_id=de_rep.id)
    assert "may not act on items of KZ" in refused["detail"]
    act(lena_lead, f"/items/{item}/assign", expect=422, user_id=carol_rights.id, team_id=1)
    act(reviewer_alice, f"/items/{item}/assign", expect=403, user_id=bob_legal.id)
    done = act(lena_lead, f"/items/{item}/assign", user_id=dana_kz.id)
    assert done["assignee"] == {"id": dana_kz.id, "name": "dana@docket.test"}
    assigned = [e for e in _events(client, lena_lead, item) if e["action"] == "item:assigned"]
    assert assigned[-1]["payload"]["user_id"] == dana_kz.id
    # Bob's "next item" does not take an item assigned to someone else; Dana's does.
    act(bob_legal, "/queue/next", expect=404)
    assert act(dana_kz, "/queue/next")["item_id"] == item


def test_a_lead_assigns_to_a_team_whose_members_get_it_first(
    client, send, act, kz_ministry, de_court, bob_legal, reviewer_alice, lena_lead, make_team, make_user
) -> None:
    kz = send(kz_ministry)["items"][0]["id"]
    de = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"][0]["id"]
    ben = make_user("ben@docket.test", "legal")
    legal_kz = make_team("legal — KZ", "legal", "KZ", ben)
    legal_de = make_team("legal — DE", "legal", "DE", bob_legal)
    for item in (kz, de):
        act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    assert "works on KZ" in act(lena_lead, f"/items/{de}/assign", expect=422, team_id=legal_kz)["detail"]
    assert act(lena_lead, f"/items/{de}/assign", team_id=legal_de)["team"] == {"id": legal_de, "name": "legal — DE"}
    rows = client.get("/api/v1/queue", params={"team": legal_de}, headers=lena_lead.headers).json()["items"]
    assert [r["id"] for r in rows] == [de] and rows[0]["team"]["name"] == "legal — DE"
    # Bob's team item comes before the older unassigned KZ item; Ben cannot take DE's.
    assert act(bob_legal, "/queue/next")["item_id"] == de
    assert act(ben, "/queue/next")["item_id"] == kz
    act(ben, "/queue/next", expect=404)


def test_a_lead_takes_an_item_over_with_a_reason(client, send, act, kz_ministry, reviewer_alice, lena_lead) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/claim")
    act(lena_lead, f"/items/{item}/take-over", expect=422)
    act(reviewer_alice, f"/items/{item}/take-over", expect=403, reason="mine")
    taken = act(lena_lead, f"/items/{item}/take-over", reason="Alice is away; the clock runs out at noon.")
    assert taken["claimed_by"]["id"] == lena_lead.id
    event = [e for e in _events(client, lena_lead, item) if e["action"] == "item:taken_over"][-1]
    assert event["payload"]["reason"] == "Alice is away; the clock runs out at noon."
    assert event["payload"]["from"] == reviewer_alice.id
    refused = act(reviewer_alice, f"/items/{item}/review", expect=409, step="policy", finding="compliant")
    assert "claimed by lena@docket.test" in refused["detail"]
    act(lena_lead, f"/items/{item}/review", step="policy", finding="compliant")


def test_next_item_never_takes_one_claimed_by_someone_else(
    send, act, kz_ministry, reviewer_alice, carol_rights
) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/claim")
    problem = act(carol_rights, "/queue/next", expect=404)
    assert "nothing is waiting for you" in problem["detail"]
    act(reviewer_alice, "/queue/next", expect=404)  # the one she holds is not "next"
