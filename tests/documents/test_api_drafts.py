"""Confirming an inbox document through the API (``POST /api/v1/documents/{id}/confirm``):
a reviewer sends the request's body; it goes through intake as the submitter's request
with the channel ``document``, the document attached; intake's refusal and a second
confirmation store nothing; submitters and other staff are refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from docket.intake import drafts
from docket.intake.models import Request
from tests.intake.drafting import email, entry, events, send

BODY = {"jurisdiction": "KZ", "reason": "hate_speech", "legal_basis": [{"law": "kz-online-platforms-9"}],
        "explanation": "Calls for violence.", "items": [{"url": "hxxps://social[.]example/@aidos/1001"}],
        "order": {"number": "27-31-2026/45"}}


def _requests(sessions: Any) -> int:
    with sessions() as s:
        return int(s.execute(select(func.count()).select_from(Request)).scalar_one())


def test_a_reviewer_confirms_a_document_as_its_senders_request(client: Any, sessions: Any, settings: Any,
                                                               kz_ministry: Any, reviewer_alice: Any,
                                                               auditor_erin: Any, de_court: Any) -> None:
    sent = send(client, kz_ministry, email(), "order.eml", "message/rfc822")
    drafts.read_round(sessions, settings)
    path = f"/api/v1/documents/{sent}/confirm"
    assert client.post(path, headers=kz_ministry.headers, json=BODY).status_code == 403
    assert client.post(path, headers=auditor_erin.headers, json=BODY).status_code == 403
    refused = client.post(path, headers=reviewer_alice.headers, json={**BODY, "items": [{"url": "ftp://x"}]})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert _requests(sessions) == 0 and entry(sessions, sent).status == "draft"
    unknown = client.post(path + "?submitter_id=999999", headers=reviewer_alice.headers, json=BODY)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "submitter_id"

    confirmed = client.post(path, headers=reviewer_alice.headers, json=BODY)
    assert confirmed.status_code == 201, confirmed.text
    request = confirmed.json()
    assert confirmed.headers["location"] == f"/api/v1/requests/{request['id']}"
    assert request["channel"] == "document" and request["jurisdiction"] == "KZ"
    documents = client.get(f"/api/v1/requests/{request['id']}/documents", headers=kz_ministry.headers).json()
    assert [d["id"] for d in documents["documents"]] == [sent]  # the ministry's own request now
    followed = client.get(f"/api/v1/documents/{sent}", headers=kz_ministry.headers).json()
    assert followed["status"] == "confirmed" and followed["request_id"] == request["id"]
    [done] = events(sessions, "draft:confirmed")
    assert done.actor == f"user:{reviewer_alice.id}" and done.payload["submitter"] == kz_ministry.id
    again = client.post(path + f"?submitter_id={de_court.id}", headers=reviewer_alice.headers, json=BODY)
    assert again.status_code == 409 and _requests(sessions) == 1
