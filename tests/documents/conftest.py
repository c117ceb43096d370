"""A request to attach documents to, and helpers to send and read them through the API."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from docket.audit.models import Event
from docket.documents.models import Blob, Document

REQUEST = {"jurisdiction": "KZ", "reason": "hate_speech", "reference": "MISD-2026/17",
           "legal_basis": [{"law": "kz-online-platforms-9"}], "explanation": "Calls for violence.",
           "items": [{"url": "https://social.example/@aidos/1001"}]}


@pytest.fixture
def kz_request(client: Any, kz_ministry: Any) -> int:
    """A request of the Kazakh ministry, sent as JSON."""
    sent = client.post("/api/v1/requests", headers=kz_ministry.headers, json=REQUEST)
    assert sent.status_code == 201, sent.text
    return int(sent.json()["id"])


@pytest.fixture
def upload(client: Any) -> Any:
    """upload(who, request_id, data, name="order.pdf", kind="order", language=None, claimed=...)
    → the response of POST /api/v1/requests/{id}/documents."""

    def send(who: Any, request_id: int, data: bytes, name: str = "order.pdf", kind: str = "order",
             language: str | None = None, claimed: str = "application/pdf") -> Any:
        form = {"kind": kind, **({"language": language} if language is not None else {})}
        return client.post(f"/api/v1/requests/{request_id}/documents", headers=who.headers,
                           files={"file": (name, data, claimed)}, data=form)

    return send


def counts(sessions: Any) -> tuple[int, int]:
    """(documents, blobs) stored."""
    with sessions() as s:
        return (s.execute(select(func.count()).select_from(Document)).scalar_one(),
                s.execute(select(func.count()).select_from(Blob)).scalar_one())


def events(sessions: Any, action: str) -> list[Event]:
    with sessions() as s:
        return list(s.scalars(select(Event).where(Event.action == action).order_by(Event.seq)))
