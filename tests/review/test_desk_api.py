"""The queue's search, saved views, bulk claims and the lead's dashboard, through the API."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from docket.audit.models import Event
from docket.parties.models import Team, TeamMember
from docket.store import transaction


def queue(client: Any, who: Any, expect: int = 200, **params: Any) -> dict[str, Any]:
    r = client.get("/api/v1/queue", params=params, headers=who.headers)
    assert r.status_code == expect, r.text
    return r.json()


def ids(page: dict[str, Any]) -> set[int]:
    return {row["id"] for row in page["items"]}


@pytest.fixture
def two_requests(send: Any, kz_ministry: Any, de_court: Any) -> dict[str, Any]:
    kz = send(kz_ministry, 2)
    de = send(de_court, 1, jurisdiction="DE", reference="LG-27-O-123/26",
              legal_basis=[{"law": "de-netzdg-3"}], reason="defamation")
    return {"kz": [i["id"] for i in kz["items"]], "de": [i["id"] for i in de["items"]]}


def test_it_finds_items_by_address_content_id_author_requester_and_reference(
        client: Any, reviewer_alice: Any, two_requests: dict[str, Any]) -> None:
    kz, de = two_requests["kz"], two_requests["de"]
    everything = ids(queue(client, reviewer_alice))
    assert set(kz + de) <= everything
    first = client.get(f"/api/v1/items/{kz[0]}", headers=reviewer_alice.headers).json()
    # The address as a person pastes it: another case, a tracking parameter, a trailing slash.
    pasted = first["url"].replace("https://social.example", "HTTPS://Social.Example") + "/?utm_source=x"
    assert ids(queue(client, reviewer_alice, address=pasted)) == {kz[0]}
    assert ids(queue(client, reviewer_alice, content_id=first["content_id"])) == {kz[0]}
    author = client.get(f"/api/v1/content/{first['content_id']}", headers=reviewer_alice.headers).json()["author_id"]
    assert ids(queue(client, reviewer_alice, author=author)) == {kz[0]}
    assert ids(queue(client, reviewer_alice, requester="landgericht")) == set(de)
    assert ids(queue(client, reviewer_alice, reference="LG-27-O-123/26")) == set(de)
    assert ids(queue(client, reviewer_alice, requester="ministry", jurisdiction="DE")) == set()


def test_it_filters_by_clock_and_sorts_by_deadline(client: Any, reviewer_alice: Any,
                                                  two_requests: dict[str, Any]) -> None:
    rows = queue(client, reviewer_alice, sort="deadline", limit=1)
    seen = [rows["items"][0]]
    while rows["next_cursor"]:
        rows = queue(client, reviewer_alice, sort="deadline", limit=1, cursor=rows["next_cursor"])
        seen += rows["items"]
    assert len(seen) == 3
    deadlines = [r["deadline_at"] for r in seen]
    assert deadlines == sorted(deadlines)
    assert "deadline" in rows["rule"]
    hours = min(r["seconds_left"] for r in seen) // 3600 + 1
    soonest = {r["id"] for r in seen if r["seconds_left"] <= hours * 3600}
    assert ids(queue(client, reviewer_alice, due_within=hours)) == soonest
    assert ids(queue(client, reviewer_alice, due_within=720)) == {r["id"] for r in seen}


def test_a_cursor_is_valid_only_for_its_order(client: Any, reviewer_alice: Any, two_requests: dict[str, Any]) -> None:
    cursor = queue(client, reviewer_alice, limit=1)["next_cursor"]
    assert cursor
    answer = queue(client, reviewer_alice, 422, sort="deadline", cursor=cursor)
    assert answer["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize("params", [{"address": "not a url"}, {"due_within": "0"}, {"sort": "submitter"},
                                    {"reference": "x" * 201}])
def test_a_bad_search_is_a_422(client: Any, reviewer_alice: Any, params: dict[str, str]) -> None:
    queue(client, reviewer_alice, 422, **params)


def test_the_search_stays_within_reach(client: Any, dana_kz: Any, two_requests: dict[str, Any]) -> None:
    # A local representative for KZ: the German court's reference finds nothing.
    assert ids(queue(client, dana_kz, reference="LG-27-O-123/26")) == set()
    assert ids(queue(client, dana_kz)) == set(two_requests["kz"])


def test_a_person_saves_lists_and_deletes_their_own_views(client: Any, reviewer_alice: Any, bob_legal: Any,
                                                         sessions: Any) -> None:
    r = client.post("/api/v1/queue/views", headers=reviewer_alice.headers,
                    json={"name": "KZ overdue", "filters": {"jurisdiction": "KZ", "overdue": "yes"}})
    assert r.status_code == 201, r.text
    view = r.json()
    assert view["filters"] == {"jurisdiction": "KZ", "overdue": "yes"}
    assert view["queue_url"] == "/api/v1/queue?jurisdiction=KZ&overdue=yes"
    again = client.post("/api/v1/queue/views", headers=reviewer_alice.headers, json={"name": "KZ overdue"})
    assert again.status_code == 409
    listed = client.get("/api/v1/queue/views", headers=reviewer_alice.headers).json()
    assert [v["name"] for v in listed] == ["KZ overdue"]
    # Bob neither sees nor deletes Alice's view.
    assert client.get("/api/v1/queue/views", headers=bob_legal.headers).json() == []
    assert client.delete(f"/api/v1/queue/views/{view['id']}", headers=bob_legal.headers).status_code == 404
    assert client.delete(f"/api/v1/queue/views/{view['id']}", headers=reviewer_alice.headers).status_code == 204
    assert client.get("/api/v1/queue/views", headers=reviewer_alice.headers).json() == []
    with transaction(sessions) as s:
        actions = s.execute(select(Event.action).where(Event.action.like("queue_view:%"))
                            .order_by(Event.seq)).scalars().all()
    assert actions == ["queue_view:saved", "queue_view:deleted"]


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "x", "filters": {"colour": "red"}},
                                  {"name": "x", "filters": {"address": "nope"}}, {"name": "x", "owner": 1}])
def test_a_bad_view_is_a_422(client: Any, reviewer_alice: Any, body: dict[str, Any]) -> None:
    assert client.post("/api/v1/queue/views", headers=reviewer_alice.headers, json=body).status_code == 422


def test_a_bulk_claim_checks_each_item_on_its_own(client: Any, reviewer_alice: Any, bob_legal: Any, dana_kz: Any,
                                                 two_requests: dict[str, Any], act: Any) -> None:
    kz, de = two_requests["kz"], two_requests["de"]
    act(bob_legal, f"/items/{kz[1]}/claim")
    r = client.post("/api/v1/queue/bulk", headers=reviewer_alice.headers,
                    json={"action": "claim", "item_ids": [kz[0], kz[1], de[0], 999_999]})
    assert r.status_code == 200, r.text
    results = {x["item_id"]: x for x in r.json()["results"]}
    assert results[kz[0]]["ok"] and results[de[0]]["ok"]
    assert results[kz[1]]["status"] == 409 and not results[kz[1]]["ok"]
    assert results[999_999]["status"] == 404
    assert ids(queue(client, reviewer_alice, assigned="me")) == {kz[0], de[0]}
    # A local representative for KZ cannot act on the German item: as if it did not exist.
    answer = client.post("/api/v1/queue/bulk", headers=dana_kz.headers,
                         json={"action": "release", "item_ids": [de[0]]}).json()
    assert answer["results"][0]["status"] == 404
    released = client.post("/api/v1/queue/bulk", headers=reviewer_alice.headers,
                           json={"action": "release", "item_ids": [kz[0], de[0]]}).json()
    assert all(x["ok"] for x in released["results"])
    assert ids(queue(client, reviewer_alice, assigned="me")) == set()


def test_the_dashboard_counts_backlog_clocks_throughput_and_appeals(
        client: Any, make_user: Any, reviewer_alice: Any, bob_legal: Any, two_requests: dict[str, Any],
        act: Any, sessions: Any) -> None:
    lead = make_user("lena@docket.test", "lead")
    with transaction(sessions) as s:
        legal_kz, rights = Team(name="legal — KZ", role="legal", jurisdiction="KZ"), Team(name="rights", role="rights")
        s.add_all([legal_kz, rights])
        s.flush()
        s.add(TeamMember(team_id=legal_kz.id, user_id=bob_legal.id))
    kz = two_requests["kz"]
    act(reviewer_alice, f"/items/{kz[0]}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{kz[0]}/review", step="legal", finding="lawful")
    act(bob_legal, f"/items/{kz[0]}/decision", 201, outcome="no_action", explanation="Lawful criticism.")
    r = client.get("/api/v1/dashboard", headers=lead.headers)
    assert r.status_code == 200, r.text
    d = r.json()
    backlog = {(b["jurisdiction"], b["state"]): b["items"] for b in d["backlog"]}
    assert backlog == {("KZ", "received"): 1, ("DE", "received"): 1}
    assert d["overdue"] == 0
    [clock] = d["clocks"]
    assert clock["jurisdiction"] == "KZ" and clock["decided"] == 1 and clock["within_clock_percent"] == 100.0
    assert clock["median_hours"] is not None and clock["median_hours"] <= clock["clock_hours"]
    people = {p["person"]: p["decisions"] for p in d["people"]}
    assert people == {"bob@docket.test": 1}
    # A team counts its members' decisions; a team without members has none to show.
    assert d["teams"] == [{"team": "legal — KZ", "decisions": 1}]
    [appeals] = d["appeals"]
    assert appeals["reason"] == "hate_speech" and appeals["decided"] == 1 and appeals["appeals"] == 0
    assert client.get("/api/v1/dashboard", headers=reviewer_alice.headers).status_code == 403
    assert client.get("/api/v1/dashboard", params={"days": 0}, headers=lead.headers).status_code == 422
