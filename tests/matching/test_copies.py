"""Copies found when the platform registers content: the review item each opens, confirmed
(the same restriction and notices as the original) or rejected."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from docket.audit.models import Event
from docket.intake.models import Item
from docket.matching.models import ContentMatch
from docket.outbox.models import OutboxMessage
from docket.store import transaction
from tests.matching.conftest import POST_TEXT, b64, encoded, eventually, picture


def register(client: Any, platform: Any, content_id: str, **body: Any) -> None:
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": content_id, "url": f"https://social.example/@copycat/{content_id}", "type": "post",
        "author_contact": "copycat@mail.example", **body})
    assert r.status_code == 201, r.text


def copy_items(client: Any, who: Any, sessions: Any, decision_id: int) -> list[dict[str, Any]]:
    """The items opened as copies of decision ``decision_id``, as ``who`` reads them."""
    with transaction(sessions) as s:
        ids = s.execute(select(Item.id).where(Item.copy_of_decision_id == decision_id).order_by(Item.id)).scalars()
        return [client.get(f"/api/v1/items/{i}", headers=who.headers).json() for i in ids]


def visible(client: Any, platform: Any, content_id: str, country: str) -> bool:
    return client.get("/api/v1/visibility", params={"content_id": content_id, "country": country},
                      headers=platform.headers).json()["visible"]


def notice_kinds(sessions: Any, decision_id: int) -> list[str]:
    with transaction(sessions) as s:
        return sorted(m.kind for m in s.execute(
            select(OutboxMessage).where(OutboxMessage.decision_id == decision_id)).scalars())


def test_a_copy_registered_opens_an_item_that_confirming_restricts_with_the_same_notices(
        client, platform, restricted, reviewer_alice, dana_kz, sessions) -> None:
    original = encoded(picture(5))
    decision, item = restricted("img-5", image=original, text=POST_TEXT)
    assert eventually(lambda: client.post("/api/v1/match", headers=platform.headers,
                                          json={"image": b64(original)}).json()["matches"])
    register(client, platform, "copy-5", image=b64(encoded(picture(5).resize((320, 240)), "JPEG", quality=60)),
             text=POST_TEXT.replace("nine", "ten"))
    [copy] = copy_items(client, reviewer_alice, sessions, decision)
    assert (copy["content_id"], copy["copy_of_decision_id"], copy["status"]) == ("copy-5", decision, "rights_review")
    assert copy["outcome"] is None and visible(client, platform, "copy-5", "KZ")  # nothing restricted yet
    with transaction(sessions) as s:
        found = s.execute(select(ContentMatch).where(ContentMatch.content_id == "copy-5")).scalars().all()
        assert sorted(m.kind for m in found) == ["minhash", "pdq"]
        assert {(m.original_content_id, m.decision_id, m.item_id) for m in found} == {("img-5", decision, copy["id"])}
    events = client.get(f"/api/v1/items/{copy['id']}/events", headers=reviewer_alice.headers).json()["events"]
    assert "item:copy_opened" in [e["action"] for e in events]
    # Registering it again finds nothing new: one item per copy and original.
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "copy-5", "type": "post", "author_contact": "copycat@mail.example",
        "text": POST_TEXT.replace("nine", "ten")})
    assert r.status_code == 200 and len(copy_items(client, reviewer_alice, sessions, decision)) == 1

    r = client.post(f"/api/v1/items/{copy['id']}/confirm-copy", headers=dana_kz.headers)
    assert r.status_code == 201, r.text
    confirmed = r.json()
    assert (confirmed["outcome"], confirmed["scope"], confirmed["status"]) == ("restricted", ["KZ"], "effective")
    assert eventually(lambda: not visible(client, platform, "copy-5", "KZ"))
    assert visible(client, platform, "copy-5", "DE")
    assert notice_kinds(sessions, confirmed["id"]) == notice_kinds(sessions, decision)
    assert "copycat@mail.example" in _recipients(sessions, confirmed["id"])
    r = client.post(f"/api/v1/items/{copy['id']}/confirm-copy", headers=dana_kz.headers)
    assert r.status_code == 409


def _recipients(sessions: Any, decision_id: int) -> set[str]:
    with transaction(sessions) as s:
        return {m.recipient for m in s.execute(
            select(OutboxMessage).where(OutboxMessage.decision_id == decision_id)).scalars()}


def test_a_rejected_copy_is_closed_without_a_restriction(client, platform, restricted, reviewer_alice, sessions,
                                                         carol_rights) -> None:
    decision, item = restricted("post-6", text=POST_TEXT)
    edited = POST_TEXT.replace("square", "plaza")
    assert eventually(lambda: client.post("/api/v1/match", headers=platform.headers,
                                          json={"text": edited}).json()["matches"])
    register(client, platform, "quote-6", text=edited)
    [copy] = copy_items(client, reviewer_alice, sessions, decision)
    assert copy["copy_of_decision_id"] == decision
    r = client.post(f"/api/v1/items/{copy['id']}/reject-copy", headers=carol_rights.headers, json={"reason": ""})
    assert r.status_code == 422
    r = client.post(f"/api/v1/items/{copy['id']}/reject-copy", headers=carol_rights.headers,
                    json={"reason": "A journalist quoting the post to report on it."})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["outcome"]) == ("decided", None)
    events = client.get(f"/api/v1/items/{copy['id']}/events", headers=reviewer_alice.headers).json()["events"]
    rejected = [e for e in events if e["action"] == "item:copy_rejected"]
    assert rejected and rejected[0]["payload"]["reason"] == "A journalist quoting the post to report on it."
    assert visible(client, platform, "quote-6", "KZ")
    assert client.get(f"/api/v1/items/{copy['id']}/decisions", headers=reviewer_alice.headers).json() == []
    # An item that is no copy has neither answer.
    assert client.post(f"/api/v1/items/{item}/reject-copy", headers=carol_rights.headers,
                       json={"reason": "x"}).status_code == 409


def test_a_law_that_requires_automated_action_decides_copies_at_once(client, platform, restricted, reviewer_alice,
                                                                    sessions) -> None:
    from docket.catalog import service as catalog

    with transaction(sessions) as s:
        catalog.add_law(session=s, actor="test", id="kz-automated-1", applies_in="KZ", automated_copies=True,
                        citation="Law on Online Platforms, Art. 9-1", title="Copies of removed content")
    decision, item = restricted("post-7", text=POST_TEXT, law="kz-automated-1")
    assert eventually(lambda: client.post("/api/v1/match", headers=platform.headers,
                                          json={"text": POST_TEXT}).json()["matches"])
    register(client, platform, "repost-7", text=POST_TEXT.replace("nine", "ten"))
    [copy] = copy_items(client, reviewer_alice, sessions, decision)
    assert (copy["status"], copy["outcome"], copy["copy_of_decision_id"]) == ("decided", "restricted", decision)
    [automated] = client.get(f"/api/v1/items/{copy['id']}/decisions", headers=reviewer_alice.headers).json()
    assert automated["automated"] is True and automated["law"] == "kz-automated-1"
    events = client.get(f"/api/v1/items/{copy['id']}/events", headers=reviewer_alice.headers).json()["events"]
    assert [e["payload"]["automated"] for e in events if e["action"] == "item:copy_automated"] == [True]
    assert eventually(lambda: not visible(client, platform, "repost-7", "KZ"))


def test_a_copy_is_its_own_case_that_the_original_s_requester_neither_sees_nor_hears_of(
        client, platform, restricted, reviewer_alice, dana_kz, kz_ministry, sessions) -> None:
    from docket.parties.models import Submitter

    with transaction(sessions) as s:
        s.get(Submitter, kz_ministry.id).email = "desk@mid.example.kz"
    decision, item = restricted("post-8", text=POST_TEXT)
    assert eventually(lambda: client.post("/api/v1/match", headers=platform.headers,
                                          json={"text": POST_TEXT}).json()["matches"])
    register(client, platform, "repost-8", text=POST_TEXT.replace("nine", "ten"))
    [copy] = copy_items(client, reviewer_alice, sessions, decision)
    original_request = client.get(f"/api/v1/items/{item}", headers=reviewer_alice.headers).json()["request_id"]
    assert copy["request_id"] != original_request
    # Its own request, received through intake: channel match, docket's matcher its submitter.
    case = client.get(f"/api/v1/requests/{copy['request_id']}", headers=reviewer_alice.headers).json()
    assert (case["channel"], case["jurisdiction"], case["reason"]) == ("match", "KZ", "hate_speech")
    assert [i["content_id"] for i in case["items"]] == ["repost-8"]
    assert f"decision {decision}" in case["explanation"] and "minhash" in case["explanation"]
    with transaction(sessions) as s:
        [received] = s.execute(select(Event.payload).where(Event.subject == f"request:{copy['request_id']}",
                                                           Event.action == "request:received")).scalars().all()
    assert (received["channel"], received["submitter_kind"], received["items"]) == ("match", "platform", [copy["id"]])
    # The authority sees only what it asked for.
    original_items = client.get(f"/api/v1/requests/{original_request}", headers=kz_ministry.headers).json()["items"]
    assert [i["id"] for i in original_items] == [item]
    assert client.get(f"/api/v1/requests/{copy['request_id']}", headers=kz_ministry.headers).status_code == 404
    listed = client.get("/api/v1/requests", headers=kz_ministry.headers).json()["requests"]
    assert [r["id"] for r in listed] == [original_request]
    # Confirmed: the copy's author is told, the authority is not.
    r = client.post(f"/api/v1/items/{copy['id']}/confirm-copy", headers=dana_kz.headers)
    assert r.status_code == 201, r.text
    recipients = _recipients(sessions, r.json()["id"])
    assert "copycat@mail.example" in recipients and "desk@mid.example.kz" not in recipients
    with transaction(sessions) as s:
        told = s.execute(select(OutboxMessage.kind, OutboxMessage.decision_id).where(
            OutboxMessage.recipient == "desk@mid.example.kz")).all()
    assert told and all(d in (None, decision) for _, d in told)  # its own request's messages only
    assert ("effect_given", r.json()["id"]) not in told
