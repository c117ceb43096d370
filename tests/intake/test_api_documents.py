"""A request sent with its documents: ``POST /api/v1/requests`` as ``multipart/form-data``
(the JSON body in the part ``request``, files in ``documents``), through the same
``intake.submit`` as every channel: stored with its documents in one transaction, or not
at all; the JSON body works as before."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from docket.intake.models import Request
from docket.settings import Settings
from tests.documents import samples
from tests.documents.conftest import counts, events

PER_REQUEST = 3_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"request_documents_max_bytes": PER_REQUEST})


def n_requests(sessions: Any) -> int:
    with sessions() as s:
        return s.execute(select(func.count()).select_from(Request)).scalar_one()


def send(client: Any, who: Any, body: dict[str, Any], files: list[tuple[str, bytes]],
         kinds: list[str] | None = None, languages: list[str] | None = None,
         headers: dict[str, str] | None = None) -> Any:
    form: dict[str, Any] = {"request": orjson.dumps(body).decode()}
    if kinds is not None:
        form["document_kinds"] = kinds
    if languages is not None:
        form["document_languages"] = languages
    return client.post("/api/v1/requests", headers={**who.headers, **(headers or {})}, data=form,
                       files=[("documents", (name, data, "application/octet-stream")) for name, data in files])


def test_a_request_comes_with_its_documents(client: Any, sessions: Any, kz_ministry: Any, body: Any) -> None:
    sent = send(client, kz_ministry, body(), [("order.pdf", samples.PDF), ("letter.docx", samples.DOCX)],
                kinds=["order", "letter"], languages=["ru", ""])
    assert sent.status_code == 201, sent.text
    answer = sent.json()
    assert answer["channel"] == "api" and answer["reference"] == "MISD-2026/1187"
    assert [(d["kind"], d["language"], d["media_type"]) for d in answer["documents"]] == [
        ("order", "ru", "application/pdf"), ("letter", None, samples.ALLOWED["docx"][1])]
    listed = client.get(f"/api/v1/requests/{answer['id']}/documents", headers=kz_ministry.headers).json()
    assert listed["documents"] == answer["documents"]
    # One way in: the request's event, then its documents', all in one transaction.
    [received] = events(sessions, "request:received")
    added = events(sessions, "document:added")
    assert received.payload["channel"] == "api" and [e.seq for e in added] == [received.seq + 1, received.seq + 2]
    assert {e.subject for e in added} == {f"request:{answer['id']}"}


def test_without_kinds_documents_are_other(client: Any, kz_ministry: Any, body: Any) -> None:
    sent = send(client, kz_ministry, body(), [("scan.png", samples.PNG)])
    assert sent.status_code == 201, sent.text
    assert sent.json()["documents"][0]["kind"] == "other"


def test_the_json_body_works_as_before(client: Any, kz_ministry: Any, body: Any) -> None:
    sent = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body())
    assert sent.status_code == 201, sent.text
    assert "documents" not in sent.json()
    malformed = client.post("/api/v1/requests", headers={**kz_ministry.headers, "Content-Type": "application/json"},
                            content=b'{"jurisdiction": ')
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["field"] == "body"


def test_one_refused_document_stores_nothing(client: Any, sessions: Any, kz_ministry: Any, body: Any) -> None:
    refused = send(client, kz_ministry, body(), [("order.pdf", samples.PDF), ("annex.pdf", samples.EXE)])
    assert refused.status_code == 415
    assert refused.json()["errors"][0]["field"] == "documents[1]"
    assert n_requests(sessions) == 0 and counts(sessions) == (0, 0)
    assert events(sessions, "request:received") == []


def test_documents_over_the_request_s_limit_store_nothing(client: Any, sessions: Any, kz_ministry: Any,
                                                          body: Any) -> None:
    big = [(f"{n}.txt", (str(n) * 1_200).encode()) for n in range(3)]
    refused = send(client, kz_ministry, body(), big)
    assert refused.status_code == 413
    assert n_requests(sessions) == 0 and counts(sessions) == (0, 0)
    assert events(sessions, "request:received") == []


def test_the_request_part_is_checked_as_the_json_body_is(client: Any, kz_ministry: Any, body: Any) -> None:
    invalid = send(client, kz_ministry, body(jurisdiction="KZX"), [("order.pdf", samples.PDF)])
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "jurisdiction"
    malformed = client.post("/api/v1/requests", headers=kz_ministry.headers, data={"request": "{not json"},
                            files=[("documents", ("order.pdf", samples.PDF, "application/pdf"))])
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["field"] == "request"
    nul = send(client, kz_ministry, body(explanation="a\u0000b"), [("order.pdf", samples.PDF)])
    assert nul.status_code == 422 and "NUL" in nul.json()["detail"]
    uneven = send(client, kz_ministry, body(), [("a.pdf", samples.PDF), ("b.png", samples.PNG)], kinds=["order"])
    assert uneven.status_code == 422 and uneven.json()["errors"][0]["field"] == "document_kinds"
    unknown = send(client, kz_ministry, body(), [("a.pdf", samples.PDF)], kinds=["memo"])
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "document_kinds[0]"
    missing = client.post("/api/v1/requests", headers=kz_ministry.headers, data={"reason": "x"},
                          files=[("documents", ("a.pdf", samples.PDF, "application/pdf"))])
    assert missing.status_code == 422


def test_an_idempotency_key_covers_the_documents(client: Any, sessions: Any, kz_ministry: Any, body: Any) -> None:
    key = {"Idempotency-Key": "order-17"}
    first = send(client, kz_ministry, body(), [("order.pdf", samples.PDF)], headers=key)
    again = send(client, kz_ministry, body(), [("order.pdf", samples.PDF)], headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and len(again.json()["documents"]) == 1
    other = send(client, kz_ministry, body(), [("order.pdf", samples.PNG)], headers=key)
    assert other.status_code == 409
    assert n_requests(sessions) == 1 and counts(sessions) == (1, 1)


def test_only_a_submitter_sends_requests(client: Any, reviewer_alice: Any, body: Any) -> None:
    assert send(client, reviewer_alice, body(), [("order.pdf", samples.PDF)]).status_code == 403
    assert client.post("/api/v1/requests", data={"request": "{}"}).status_code == 401
