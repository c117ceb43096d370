"""The inbox through the API: a submitter (or a reviewer) sends a letter as it is with
``POST /api/v1/documents`` and follows it with ``GET /api/v1/documents/{id}``; the
document belongs to no request, and is reached by the submitter that sent it and by the
staff who take requests in (reviewers) — never by another submitter, nor by other staff."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from docket.documents.models import InboxEntry
from tests.documents import samples
from tests.documents.conftest import counts, events


def send(client: Any, who: Any, data: bytes, name: str = "Хат.pdf", **form: str) -> Any:
    return client.post("/api/v1/documents", headers=who.headers, files={"file": (name, data, "application/pdf")},
                       data=form)


def test_a_submitter_sends_a_letter_as_it_is(client: Any, sessions: Any, kz_ministry: Any) -> None:
    sent = send(client, kz_ministry, samples.PDF, language="kk")
    assert sent.status_code == 201, sent.text
    entry = sent.json()
    assert sent.headers["location"] == f"/api/v1/documents/{entry['id']}"
    assert (entry["channel"], entry["status"], entry["request_id"]) == ("api", "unprocessed", None)
    document = entry["document"]
    assert document["id"] == entry["id"] and document["request_id"] is None
    assert (document["kind"], document["language"], document["media_type"]) == ("letter", "kk", "application/pdf")
    assert document["sha256"] == hashlib.sha256(samples.PDF).hexdigest()
    assert document["uploaded_by"] == f"submitter:{kz_ministry.id}"
    with sessions() as s:
        stored = s.get(InboxEntry, entry["id"])
        assert stored is not None and stored.submitter_id == kz_ministry.id and stored.user_id is None
    [event] = events(sessions, "document:received")
    assert (event.actor, event.subject) == (f"submitter:{kz_ministry.id}", f"document:{entry['id']}")
    assert event.payload["channel"] == "api" and "filename" not in event.payload
    followed = client.get(f"/api/v1/documents/{entry['id']}", headers=kz_ministry.headers)
    assert followed.status_code == 200 and followed.json() == entry


def test_a_reviewer_sends_one_too(client: Any, sessions: Any, reviewer_alice: Any) -> None:
    sent = send(client, reviewer_alice, samples.TEXT, name="note.txt")
    assert sent.status_code == 201, sent.text
    assert sent.json()["document"]["uploaded_by"] == f"user:{reviewer_alice.id}"
    with sessions() as s:
        entry = s.execute(select(InboxEntry)).scalar_one()
        assert (entry.user_id, entry.submitter_id) == (reviewer_alice.id, None)


def test_only_the_sender_and_the_reviewers_reach_it(client: Any, kz_ministry: Any, de_court: Any,
                                                    reviewer_alice: Any, auditor_erin: Any, dana_kz: Any,
                                                    admin_ada: Any, platform: Any) -> None:
    entry = send(client, kz_ministry, samples.PDF).json()
    state, content = f"/api/v1/documents/{entry['id']}", f"/api/v1/documents/{entry['id']}/content"
    for who in (kz_ministry, reviewer_alice):
        assert client.get(state, headers=who.headers).status_code == 200
        got = client.get(content, headers=who.headers)
        assert got.status_code == 200 and got.content == samples.PDF
    # Another submitter, and staff who read every request but do not take requests in:
    # as if it did not exist (its content too).
    assert client.get(state, headers=de_court.headers).status_code == 404
    for who in (de_court, auditor_erin, dana_kz, admin_ada):
        assert client.get(content, headers=who.headers).status_code == 404, who
    for who in (auditor_erin, dana_kz, admin_ada, platform):
        assert client.get(state, headers=who.headers).status_code == 403
        assert send(client, who, samples.PDF).status_code == 403
    assert client.get(state).status_code == 401 and send(client, type("Nobody", (), {"headers": {}})(),
                                                         samples.PDF).status_code == 401


def test_a_download_of_an_inbox_document_is_recorded_on_it(client: Any, sessions: Any, kz_ministry: Any,
                                                            reviewer_alice: Any) -> None:
    entry = send(client, kz_ministry, samples.PDF).json()
    assert client.get(f"/api/v1/documents/{entry['id']}/content", headers=reviewer_alice.headers).status_code == 200
    [event] = events(sessions, "document:downloaded")
    assert (event.actor, event.subject) == (f"user:{reviewer_alice.id}", f"document:{entry['id']}")


def test_a_request_document_is_not_an_inbox_entry(client: Any, kz_ministry: Any, kz_request: int,
                                                  upload: Any) -> None:
    added = upload(kz_ministry, kz_request, samples.PDF).json()
    missing = client.get(f"/api/v1/documents/{added['id']}", headers=kz_ministry.headers)
    assert missing.status_code == 404 and "did not come through the inbox" in missing.json()["detail"]


def test_the_same_limits_as_every_upload(client: Any, sessions: Any, kz_ministry: Any) -> None:
    refused = send(client, kz_ministry, samples.EXE, name="letter.pdf")
    assert refused.status_code == 415 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "file"
    empty = send(client, kz_ministry, b"")
    assert empty.status_code == 422
    language = send(client, kz_ministry, samples.PDF, language="kazakh")
    assert language.status_code == 422
    too_big = send(client, kz_ministry, b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    assert too_big.status_code == 413 and too_big.headers["content-type"] == "application/problem+json"
    assert counts(sessions) == (0, 0) and events(sessions, "document:received") == []
