"""A request's message thread (``intake.thread``): the API, the portal's and the console's
forms, the e-mail a staff message sends, the reviewers' unread list, and clarifications
joining the thread."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from docket import store
from docket.audit.models import Event
from docket.outbox.models import OutboxMessage
from tests.web.conftest import PASSWORD, post_form, sign_in

OFFICIAL = "aigerim@mvd.kz.example"
BODY = {"jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "language": "ru",
        "items": [{"url": "https://social.example/@m/1"}]}


def _request(client: Any, submitter: Any) -> int:
    r = client.post("/api/v1/requests", headers=submitter.headers, json=BODY)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


@pytest.fixture
def kz_ministry(make_submitter: Any) -> Any:
    """The ministry, with the address its mail goes to."""
    return make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                          email="liaison@mid.kz.example")


def _mail(sessions: Any, kind: str) -> list[OutboxMessage]:
    with store.transaction(sessions) as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_the_authority_and_a_reviewer_write_to_each_other_through_the_api(
        client: Any, kz_ministry: Any, reviewer_alice: Any, sessions: Any) -> None:
    request_id = _request(client, kz_ministry)
    sent = client.post(f"/api/v1/requests/{request_id}/messages", headers=kz_ministry.headers,
                       json={"body": "The court confirmed the order yesterday."})
    assert sent.status_code == 201 and sent.json()["author"] == "authority"
    reply = client.post(f"/api/v1/requests/{request_id}/messages", headers=reviewer_alice.headers,
                        json={"body": "Thank you; please upload the court's decision."})
    assert reply.status_code == 201 and reply.json()["author"] == "staff"
    thread = client.get(f"/api/v1/requests/{request_id}/messages", headers=kz_ministry.headers).json()
    assert [(m["author"], m["body"]) for m in thread["messages"]] == [
        ("authority", "The court confirmed the order yesterday."),
        ("staff", "Thank you; please upload the court's decision.")]
    # The staff message goes to the authority by e-mail, in the request's language.
    [mail] = _mail(sessions, "request_message")
    assert mail.recipient == "liaison@mid.kz.example" and mail.language == "ru"
    assert mail.context["message_id"] == reply.json()["id"]
    with store.transaction(sessions) as s:
        posted = list(s.scalars(select(Event).where(Event.action == "request:message_posted")))
    assert [e.payload["author"] for e in posted] == ["authority", "staff"]


def test_another_authority_gets_a_404_and_bad_input_a_422(client: Any, kz_ministry: Any, de_court: Any) -> None:
    request_id = _request(client, kz_ministry)
    path = f"/api/v1/requests/{request_id}/messages"
    assert client.get(path, headers=de_court.headers).status_code == 404
    assert client.post(path, headers=de_court.headers, json={"body": "hello"}).status_code == 404
    assert client.post(path, headers=kz_ministry.headers, json={"body": ""}).status_code == 422
    assert client.post(path, headers=kz_ministry.headers, json={"body": "x", "extra": 1}).status_code == 422
    assert client.post(path, headers=kz_ministry.headers, json={"body": "x" * 5001}).status_code == 422


def test_an_official_writes_on_the_portal_and_a_reviewer_replies_on_the_console(
        web: Any, client: Any, kz_ministry: Any, make_person: Any, make_user: Any, sessions: Any) -> None:
    request_id = _request(client, kz_ministry)
    make_person(kz_ministry, OFFICIAL, "Aigerim Nurlanovna")
    sign_in(web, OFFICIAL)
    page = f"/portal/requests/{request_id}"
    empty = post_form(web, page, f"{page}/messages", {"body": "   "})
    assert empty.status_code == 303 and "Write a message before sending it." in web.get(page).text
    sent = post_form(web, page, f"{page}/messages", {"body": "Is anything missing from our request?"})
    assert sent.status_code == 303 and sent.headers["location"] == f"{page}#messages"
    shown = web.get(page).text
    assert "Your message is sent to the reviewers." in shown
    assert "Is anything missing from our request?" in shown and "Aigerim Nurlanovna" in shown
    web.cookies.clear()
    make_user("alice.web@docket.test", "reviewer", password=PASSWORD)
    sign_in(web, "alice.web@docket.test")
    unread = web.get("/console/messages").text
    assert f'href="/console/requests/{request_id}#messages"' in unread and "1 new" in unread
    console = f"/console/requests/{request_id}"
    assert "Is anything missing from our request?" in web.get(console).text
    assert f'href="/console/requests/{request_id}#messages"' not in web.get("/console/messages").text  # read now
    replied = post_form(web, console, f"{console}/messages", {"body": "Nothing is missing; we decide soon."})
    assert replied.status_code == 303
    assert "Nothing is missing; we decide soon." in web.get(console).text
    assert len(_mail(sessions, "request_message")) == 1


def test_a_reviewers_question_and_the_answer_join_the_thread(
        client: Any, kz_ministry: Any, reviewer_alice: Any, bob_legal: Any, act: Any) -> None:
    request_id = _request(client, kz_ministry)
    item = client.get(f"/api/v1/requests/{request_id}", headers=kz_ministry.headers).json()["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="needs_clarification",
        question="Which sentence is said to incite violence?")
    answered = client.post(f"/api/v1/requests/{request_id}/clarifications", headers=kz_ministry.headers,
                           json={"message": "The second sentence."})
    assert answered.status_code == 200, answered.text
    thread = client.get(f"/api/v1/requests/{request_id}/messages", headers=kz_ministry.headers).json()
    assert [(m["author"], m["kind"], m["body"]) for m in thread["messages"]] == [
        ("staff", "question", "Which sentence is said to incite violence?"),
        ("authority", "answer", "The second sentence.")]
