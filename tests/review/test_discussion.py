"""An item's internal discussion: staff only, @mentions reach the person named, audited
without its text, and never sent to the requester."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from docket.audit.models import Event
from docket.store import transaction
from tests.web.conftest import csrf_of, sign_in


def _item(client: Any, platform: Any, kz_ministry: Any) -> int:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-80", "url": "https://social.example/@a/80", "type": "post", "author_id": "aigerim"})
    request = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"content_id": "post-80"}]}).json()
    return int(request["items"][0]["id"])


def test_a_comment_mentions_a_colleague_and_is_audited_without_its_text(
        client, platform, kz_ministry, reviewer_alice, bob_legal, sessions) -> None:
    item = _item(client, platform, kz_ministry)
    r = client.post(f"/api/v1/items/{item}/comments", headers=reviewer_alice.headers,
                    json={"body": "@bob is Art. 9 the right provision? (secret-word)"})
    assert r.status_code == 201, r.text
    assert r.json()["mentioned"] == [bob_legal.id]
    listed = client.get(f"/api/v1/items/{item}/comments", headers=bob_legal.headers).json()["comments"]
    assert [c["body"] for c in listed] == ["@bob is Art. 9 the right provision? (secret-word)"]
    with transaction(sessions) as s:
        event = s.scalars(select(Event).where(Event.action == "item:commented")).one()
    assert event.subject == f"item:{item}" and event.payload["mentioned"] == [bob_legal.id]
    assert "secret-word" not in str(event.payload)


def test_the_requester_never_sees_the_discussion(client, platform, kz_ministry, reviewer_alice) -> None:
    item = _item(client, platform, kz_ministry)
    client.post(f"/api/v1/items/{item}/comments", headers=reviewer_alice.headers, json={"body": "internal-only"})
    assert client.get(f"/api/v1/items/{item}/comments", headers=kz_ministry.headers).status_code == 403
    request = client.get("/api/v1/requests", headers=kz_ministry.headers)
    assert "internal-only" not in request.text


def test_a_representative_of_another_country_cannot_comment(client, platform, kz_ministry, make_user) -> None:
    item = _item(client, platform, kz_ministry)
    rep_de = make_user("dieter@docket.test", "local_representative", jurisdictions=("DE",))
    r = client.post(f"/api/v1/items/{item}/comments", headers=rep_de.headers, json={"body": "hello"})
    assert r.status_code == 404


def test_an_empty_comment_is_refused(client, platform, kz_ministry, reviewer_alice) -> None:
    item = _item(client, platform, kz_ministry)
    r = client.post(f"/api/v1/items/{item}/comments", headers=reviewer_alice.headers, json={"body": "  "})
    assert r.status_code == 422


def test_the_console_form_adds_a_comment_and_the_mention_shows_on_the_persons_list(
        web, platform, kz_ministry, make_user) -> None:
    item = _item(web, platform, kz_ministry)
    make_user("alice@docket.test", "reviewer", password="pw-alice-12345678")
    make_user("bob@docket.test", "legal", password="pw-bob-123456789")
    sign_in(web, "alice@docket.test", "pw-alice-12345678")
    page = f"/console/items/{item}"
    r = web.post(f"{page}/comments", data={"csrf_token": csrf_of(web, page), "body": "@bob please look"},
                 follow_redirects=False)
    assert r.status_code == 303
    assert "@bob please look" in web.get(page).text
    r = web.post(f"{page}/comments", data={"csrf_token": csrf_of(web, page), "body": ""})
    assert r.status_code == 422
    web.post("/sign-out", data={"csrf_token": csrf_of(web, "/console")})
    sign_in(web, "bob@docket.test", "pw-bob-123456789")
    mentions = web.get("/console/mentions").text
    assert "@bob please look" in mentions and f"/console/items/{item}#comment-" in mentions
