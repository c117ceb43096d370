"""Bulk findings and decisions on a queue selection (POST /api/v1/queue/bulk): items of
several requests and jurisdictions, each checked and changed as the single-item routes
would, each on its own; refused items are left exactly as they were."""

from __future__ import annotations

from typing import Any

import pytest

DE_BASIS = [{"law": "de-netzdg-3"}]


def bulk(client: Any, who: Any, expect: int = 200, **body: Any) -> dict[int, dict[str, Any]]:
    r = client.post("/api/v1/queue/bulk", headers=who.headers, json=body)
    assert r.status_code == expect, r.text
    return {x["item_id"]: x for x in r.json()["results"]} if expect == 200 else r.json()


def item(client: Any, who: Any, item_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v1/items/{item_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def actions(client: Any, who: Any, item_id: int) -> list[str]:
    events = client.get(f"/api/v1/items/{item_id}/events", headers=who.headers).json()["events"]
    return [e["action"] for e in events if e["subject"] == f"item:{item_id}"]


@pytest.fixture
def selection(send: Any, kz_ministry: Any, de_court: Any, tr_btk: Any) -> dict[str, list[int]]:
    """Two KZ items, two DE items (two requests, two jurisdictions) and a TR item."""
    kz = send(kz_ministry, 2)
    de = send(de_court, 2, jurisdiction="DE", legal_basis=DE_BASIS, reason="defamation")
    tr = send(tr_btk, 1, jurisdiction="TR", legal_basis=[{"law": "tr-5651-9"}])
    return {"kz": [i["id"] for i in kz["items"]], "de": [i["id"] for i in de["items"]],
            "tr": [i["id"] for i in tr["items"]]}


@pytest.fixture
def rep_kz_de(make_user: Any) -> Any:
    """A local representative for Kazakhstan and Germany: it reaches their items only."""
    return make_user("rosa@docket.test", "local_representative", jurisdictions=("KZ", "DE"))


def test_a_bulk_finding_records_each_item_at_its_step_and_refuses_the_others(
        client: Any, reviewer_alice: Any, rep_kz_de: Any, act: Any, selection: dict[str, list[int]]) -> None:
    (kz0, kz1), (de0, _de1), (tr0,) = selection["kz"], selection["de"], selection["tr"]
    act(reviewer_alice, f"/items/{kz1}/review", step="policy", finding="compliant")  # now waits for legal review
    results = bulk(client, rep_kz_de, action="review", item_ids=[kz0, de0, kz1, tr0],
                   review={"step": "policy", "finding": "compliant", "notes": "Ordinary speech."})
    assert [results[i]["ok"] for i in (kz0, de0, kz1, tr0)] == [True, True, False, False]
    assert results[kz1]["status"] == 409
    assert results[kz1]["detail"] == f"item {kz1} waits for the legal review, not the policy review"
    # Out of reach: the single route's 404, in its words, as for an item that does not exist.
    assert results[tr0] == {"item_id": tr0, "ok": False, "status": 404, "detail": f"no item {tr0}",
                            "decision_id": None}
    single = client.post(f"/api/v1/items/{kz1}/review", headers=rep_kz_de.headers,
                         json={"step": "policy", "finding": "compliant"})
    assert single.status_code == 409 and single.json()["detail"] == results[kz1]["detail"]
    assert item(client, reviewer_alice, kz0)["status"] == item(client, reviewer_alice, de0)["status"] == "legal_review"
    assert actions(client, reviewer_alice, de0).count("item:reviewed") == 1
    # The refused ones: nothing changed, nothing logged.
    assert item(client, reviewer_alice, tr0)["status"] == "received" and "item:reviewed" not in actions(
        client, reviewer_alice, tr0)
    assert actions(client, reviewer_alice, kz1).count("item:reviewed") == 1


def test_a_bulk_decision_across_jurisdictions_decides_each_and_refuses_the_others(
        client: Any, reviewer_alice: Any, bob_legal: Any, rep_kz_de: Any, act: Any,
        selection: dict[str, list[int]]) -> None:
    (kz0, kz1), (de0, de1), (tr0,) = selection["kz"], selection["de"], selection["tr"]
    everything = [kz0, kz1, de0, de1, tr0]
    bulk(client, reviewer_alice, action="review", item_ids=everything,
         review={"step": "policy", "finding": "compliant"})
    found = bulk(client, bob_legal, action="review", item_ids=[kz0, de0, tr0],
                 review={"step": "legal", "finding": "lawful"})
    assert all(r["ok"] for r in found.values())
    act(bob_legal, f"/items/{de1}/review", step="legal", finding="illegal")  # now waits for the rights review
    results = bulk(client, rep_kz_de, action="decide", item_ids=[kz0, de0, kz1, de1, tr0],
                   decision={"outcome": "no_action", "explanation": "Lawful criticism of an official."})
    assert results[kz0]["ok"] and results[de0]["ok"] and results[kz0]["status"] == 201
    assert results[kz1]["status"] == 409
    assert results[kz1]["detail"] == f"item {kz1} waits for the legal review, not a decision"
    assert results[de1]["status"] == 409
    assert results[de1]["detail"] == f"item {de1} waits for the rights review, not a decision"
    assert results[tr0]["status"] == 404 and results[tr0]["detail"] == f"no item {tr0}"
    for done in (kz0, de0):
        decisions = client.get(f"/api/v1/items/{done}/decisions", headers=reviewer_alice.headers).json()
        assert [d["id"] for d in decisions] == [results[done]["decision_id"]]
        assert decisions[0]["outcome"] == "no_action" and decisions[0]["takes_effect"]
        assert item(client, reviewer_alice, done)["status"] == "decided"
        assert {"decision:made", "item:decided"} <= set(actions(client, reviewer_alice, done))
    for refused, state in ((kz1, "legal_review"), (de1, "rights_review"), (tr0, "legal_review")):
        assert item(client, reviewer_alice, refused)["status"] == state
        assert client.get(f"/api/v1/items/{refused}/decisions", headers=reviewer_alice.headers).json() == []
        assert "decision:made" not in actions(client, reviewer_alice, refused)


def test_a_bulk_restriction_applies_in_each_items_own_jurisdiction(
        client: Any, reviewer_alice: Any, bob_legal: Any, carol_rights: Any, dana_kz: Any,
        selection: dict[str, list[int]]) -> None:
    (kz0, _kz1), (de0, de1), _ = selection["kz"], selection["de"], selection["tr"]
    chosen = [kz0, de0, de1]
    bulk(client, reviewer_alice, action="review", item_ids=chosen, review={"step": "policy", "finding": "compliant"})
    bulk(client, bob_legal, action="review", item_ids=chosen, review={"step": "legal", "finding": "illegal"})
    bulk(client, carol_rights, action="review", item_ids=[kz0, de0], review={"step": "rights", "finding": "no_concern"})
    results = bulk(client, reviewer_alice, action="decide", item_ids=chosen, decision={
        "outcome": "restricted", "explanation": "Defamation of a named person, unlawful there."})
    # Germany: in effect now, in Germany only (never widened to the other items' countries).
    assert results[de0]["ok"] and results[de0]["detail"] == "decided: restricted in DE"
    [german] = client.get(f"/api/v1/items/{de0}/decisions", headers=reviewer_alice.headers).json()
    assert german["scope"] == ["DE"] and german["law"] == "de-netzdg-3" and german["takes_effect"]
    # Kazakhstan: its law needs the local representative's sign-off, so it waits for four eyes.
    assert results[kz0]["ok"] and "awaits a second person's approval" in results[kz0]["detail"]
    [kazakh] = client.get(f"/api/v1/items/{kz0}/decisions", headers=reviewer_alice.headers).json()
    assert kazakh["scope"] == ["KZ"] and kazakh["awaits_approval"]
    assert item(client, reviewer_alice, kz0)["status"] == "awaiting_approval"
    assert results[de1]["status"] == 409
    assert results[de1]["detail"] == f"item {de1} waits for the rights review, not a decision"
    # The approval is the single-item route's: the local representative signs off.
    approved = client.post(f"/api/v1/decisions/{kazakh['id']}/approve", headers=dana_kz.headers)
    assert approved.status_code == 200 and approved.json()["takes_effect"]
    assert item(client, reviewer_alice, kz0)["status"] == "decided"


def test_the_decision_and_the_finding_go_with_their_action(client: Any, reviewer_alice: Any,
                                                          selection: dict[str, list[int]]) -> None:
    kz0 = selection["kz"][0]
    bulk(client, reviewer_alice, 422, action="decide", item_ids=[kz0])
    bulk(client, reviewer_alice, 422, action="claim", item_ids=[kz0], review={"step": "policy", "finding": "compliant"})
    bulk(client, reviewer_alice, 422, action="decide", item_ids=[kz0],
         decision={"outcome": "restricted", "explanation": "x", "scope": ["*"]})
    bulk(client, reviewer_alice, 422, action="review", item_ids=list(range(1, 102)),
         review={"step": "policy", "finding": "compliant"})
    assert item(client, reviewer_alice, kz0)["status"] == "received"
