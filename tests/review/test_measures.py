"""Measures beyond content, through the API on both engines: what a request asks for, each
answered by review; an account restricted through its item's decision; requests for user
data referred, never acted on; the note of items a request could not list, resolved."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from docket.audit.models import Event
from docket.enforcement.models import Restriction
from docket.notices.compose import context_for
from docket.notices.render import render
from docket.outbox.models import OutboxMessage
from docket.settings import Settings
from docket.store import transaction

ORDER = {"jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
         "legal_basis": [{"law": "kz-online-platforms-9"}]}


def register(client: Any, platform: Any, content_id: str, **fields: Any) -> None:
    body = {"id": content_id, "url": f"https://social.example/{content_id}", "type": "post",
            "author_contact": "owner@mail.example", **fields}
    r = client.post("/api/v1/content", headers=platform.headers, json=body)
    assert r.status_code in (200, 201), r.text


def send(client: Any, who: Any, **body: Any) -> dict[str, Any]:
    r = client.post("/api/v1/requests", headers=who.headers, json={**ORDER, **body})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def events(sessions: Any, action: str) -> list[dict[str, Any]]:
    with transaction(sessions) as s:
        return [e.payload for e in s.execute(select(Event).where(Event.action == action).order_by(Event.seq))
                .scalars()]


def test_a_body_without_measures_asks_what_its_requested_action_says(client, platform, kz_ministry) -> None:
    register(client, platform, "post-1")
    restrict = send(client, kz_ministry, items=[{"content_id": "post-1"}])
    assert [(m["kind"], m["scope"], m["outcome"]) for m in restrict["measures"]] == [
        ("restrict_content", ["KZ"], None)]
    remove = send(client, kz_ministry, items=[{"content_id": "post-1"}], requested_action="remove")
    assert [(m["kind"], m["scope"]) for m in remove["measures"]] == [("remove_global", ["*"])]
    # The read model gives what the submission answered.
    again = client.get(f"/api/v1/requests/{remove['id']}", headers=kz_ministry.headers).json()
    assert again["measures"] == remove["measures"]


def test_suspending_an_account_and_disclosing_its_owners_data(
        client, platform, kz_ministry, act, reviewer_alice, bob_legal, carol_rights, dana_kz, sessions,
        settings: Settings) -> None:
    register(client, platform, "acct-aidos", type="account", author_id="aidos")
    sent = send(client, kz_ministry, measures=[
        {"kind": "restrict_account", "account": "acct-aidos", "everywhere": True, "fallback": True},
        {"kind": "disclose_data", "account": "acct-aidos", "note": "The owner's name and IP addresses."}])
    account, data = sent["measures"]
    # The account is an item of the request, reviewed like any content.
    [item] = sent["items"]
    assert item["content_id"] == "acct-aidos" and account["item_position"] == item["position"]
    assert account["scope"] == ["*"] and account["outcome"] is None
    # The data part is referred at once, with where to send it, and never reaches the queue.
    assert data["outcome"] == "referred" and data["referral"] == settings.data_requests_referral
    assert "outside this desk's scope" in data["explanation"] and settings.data_requests_referral in data["explanation"]
    [received] = events(sessions, "request:received")
    assert [m["kind"] for m in received["measures"]] == ["restrict_account", "disclose_data"]

    # A reviewer cannot answer the account's measure apart from its item, nor the data part.
    r = client.post(f"/api/v1/requests/{sent['id']}/measures/decision", headers=reviewer_alice.headers,
                    json={"position": 0, "outcome": "granted", "explanation": "Done."})
    assert r.status_code == 409 and f"item {item['id']}" in r.json()["detail"]
    r = client.post(f"/api/v1/requests/{sent['id']}/measures/decision", headers=reviewer_alice.headers,
                    json={"position": 1, "outcome": "granted", "explanation": "Done."})
    assert r.status_code == 409 and "referred" in r.json()["detail"]

    # The item's decision (KZ only: the fallback) restricts the account and decides the measure.
    act(reviewer_alice, f"/items/{item['id']}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item['id']}/review", step="legal", finding="illegal")
    act(carol_rights, f"/items/{item['id']}/review", step="rights", finding="no_concern")
    decision = act(dana_kz, f"/items/{item['id']}/decision", expect=201, outcome="restricted",
                   explanation="Calls for violence from this account.")
    assert decision["status"] == "effective"
    after = client.get(f"/api/v1/requests/{sent['id']}", headers=kz_ministry.headers).json()
    assert [m["outcome"] for m in after["measures"]] == ["fallback", "referred"]
    assert after["status"] == "decided"
    [decided] = events(sessions, "measure:decided")
    assert decided["outcome"] == "fallback" and decided["decision"] == decision["id"]
    with transaction(sessions) as s:
        [restriction] = s.execute(select(Restriction)).scalars().all()
        assert (restriction.subject_kind, restriction.subject_id, restriction.scope) == ("account", "aidos", ["KZ"])
        # The author's statement of reasons says the account is restricted.
        message = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "statement_of_reasons")).scalar_one()
        assert context_for(s, message, settings)["account"] is True
    # Nothing of the data part was enforced: the one restriction is the account's.


def test_a_request_for_user_data_only_is_recorded_and_decided_at_receipt(client, make_submitter, sessions,
                                                                          settings: Settings) -> None:
    police = make_submitter("Almaty police", "police", "KZ", email="cyber@police.kz.example")
    sent = send(client, police, measures=[{"kind": "preserve_data", "account": "acct-1"},
                                               {"kind": "disclose_data", "account": "acct-1"}])
    assert sent["items"] == [] and sent["status"] == "decided" and sent["missing"] == []
    assert [m["outcome"] for m in sent["measures"]] == ["referred", "referred"]
    assert "preservation" in sent["measures"][0]["explanation"]
    # Its acknowledgement says so (not "in our review queue").
    with transaction(sessions) as s:
        message = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "acknowledgement")).scalar_one()
        rendered = render("acknowledgement", "en", context_for(s, message, settings))
    assert "asks only for user data" in rendered.text and "review queue" not in rendered.text


@pytest.mark.parametrize(("body", "field"), [
    ({"measures": [{"kind": "restrict_account"}]}, "account"),
    ({"measures": [{"kind": "restrict_content", "account": "a"}]}, "restrict_account"),
    ({"measures": [{"kind": "restrict_content", "fallback": True}]}, "fallback"),
    ({"measures": [{"kind": "remove_global"}]}, "at least one item"),
    ({"measures": []}, "at least one item"),
])
def test_measures_are_checked(client, kz_ministry, body, field) -> None:
    r = client.post("/api/v1/requests", headers=kz_ministry.headers, json={**ORDER, **body})
    assert r.status_code == 422 and field in r.text, r.text


def test_a_reviewer_answers_a_content_measure_once(client, platform, kz_ministry, reviewer_alice, sessions) -> None:
    register(client, platform, "post-2")
    sent = send(client, kz_ministry, items=[{"content_id": "post-2"}],
                measures=[{"kind": "remove_global", "fallback": True}, {"kind": "restrict_content"}])
    path = f"/api/v1/requests/{sent['id']}/measures/decision"
    r = client.post(path, headers=reviewer_alice.headers,
                    json={"position": 1, "outcome": "fallback", "explanation": "Withheld in KZ."})
    assert r.status_code == 422 and "no fallback" in r.text
    r = client.post(path, headers=reviewer_alice.headers,
                    json={"position": 0, "outcome": "fallback",
                          "explanation": "Not illegal everywhere; withheld in KZ."})
    assert r.status_code == 200 and r.json()["outcome"] == "fallback" and r.json()["decided_at"]
    r = client.post(path, headers=reviewer_alice.headers,
                    json={"position": 0, "outcome": "granted", "explanation": "Changed my mind."})
    assert r.status_code == 409
    assert client.post(path, headers=reviewer_alice.headers,
                       json={"position": 7, "outcome": "granted", "explanation": "x"}).status_code == 404
    assert client.post(path, headers=kz_ministry.headers,
                       json={"position": 1, "outcome": "granted", "explanation": "x"}).status_code == 403
    [decided] = events(sessions, "measure:decided")
    assert (decided["position"], decided["kind"], decided["outcome"]) == (0, "remove_global", "fallback")
    seen = client.get(f"/api/v1/requests/{sent['id']}", headers=kz_ministry.headers).json()
    assert seen["measures"][0]["explanation"] == "Not illegal everywhere; withheld in KZ."


def test_items_the_request_could_not_list_become_items_or_are_rejected(
        client, platform, kz_ministry, reviewer_alice, sessions) -> None:
    register(client, platform, "repo-1")
    register(client, platform, "fork-1")
    sent = send(client, kz_ministry, items=[{"content_id": "repo-1"}], other_items="and all the forks")
    assert (sent["other_items"], sent["other_items_status"]) == ("and all the forks", "pending")
    path = f"/api/v1/requests/{sent['id']}/other-items"
    r = client.post(path, headers=reviewer_alice.headers, json={"resolution": "rejected", "items": [
        {"content_id": "fork-1"}], "explanation": "x"})
    assert r.status_code == 422
    r = client.post(path, headers=reviewer_alice.headers, json={
        "resolution": "items", "items": [{"content_id": "fork-1"}, {"content_id": "repo-1"},
                                         {"url": "https://social.example/fork-2"}],
        "explanation": "The forks the platform lists."})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["other_items_status"] == "resolved" and done["status"] == "open"
    assert [(i["position"], i["content_id"], i["status"]) for i in done["items"]] == [
        (0, "repo-1", "received"), (1, "fork-1", "received"), (3, None, "content_not_found")]
    [resolved] = events(sessions, "request:other_items_resolved")
    assert resolved["positions"] == [1, 3] and len(resolved["not_found"]) == 1
    assert client.post(path, headers=reviewer_alice.headers,
                       json={"resolution": "rejected", "explanation": "x"}).status_code == 409

    other = send(client, kz_ministry, items=[{"content_id": "repo-1"}], other_items="other copies")
    r = client.post(f"/api/v1/requests/{other['id']}/other-items", headers=reviewer_alice.headers,
                    json={"resolution": "rejected", "explanation": "Too vague to find anything."})
    assert r.status_code == 200 and r.json()["other_items_status"] == "rejected"
    assert len(r.json()["items"]) == 1
    [rejected] = events(sessions, "request:other_items_rejected")
    assert rejected["explanation"] == "Too vague to find anything." and rejected["items"] == []
    none = send(client, kz_ministry, items=[{"content_id": "repo-1"}])
    assert client.post(f"/api/v1/requests/{none['id']}/other-items", headers=reviewer_alice.headers,
                       json={"resolution": "rejected", "explanation": "x"}).status_code == 409
