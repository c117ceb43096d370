"""Migration 0022: documents may belong to no request (the inbox) and inbox_entries says
how each came; taken back, the inbox's documents go with it and a request's stay, on
both engines; brought up to date again, the inbox takes letters."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from docket import schema, store
from docket.documents.models import Document

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
REQUEST = {"jurisdiction": "KZ", "reason": "hate_speech", "legal_basis": [{"law": "kz-online-platforms-9"}],
           "explanation": "Calls for violence.", "items": [{"url": "https://social.example/@aidos/1001"}]}


def _nullable(engine: Engine) -> bool:
    return next(c["nullable"] for c in inspect(engine).get_columns("documents") if c["name"] == "request_id")


def _send(client: Any, who: Any) -> None:
    sent = client.post("/api/v1/documents", headers=who.headers, files={"file": ("letter.pdf", PDF, "application/pdf")})
    assert sent.status_code == 201, sent.text


def test_0022_adds_the_inbox_and_takes_it_away(client: Any, sessions: Any, engine: Engine, kz_ministry: Any,
                                               reviewer_alice: Any) -> None:
    config = store.alembic_config(engine)
    before = ScriptDirectory.from_config(config).get_revision("0022").down_revision
    assert "inbox_entries" in inspect(engine).get_table_names() and _nullable(engine)
    request = client.post("/api/v1/requests", headers=kz_ministry.headers, json=REQUEST).json()["id"]
    added = client.post(f"/api/v1/requests/{request}/documents", headers=kz_ministry.headers,
                        files={"file": ("order.pdf", PDF, "application/pdf")}, data={"kind": "order"})
    assert added.status_code == 201, added.text
    copy = client.post(f"/api/v1/requests/{request}/documents", headers=reviewer_alice.headers,
                       files={"file": ("order-redacted.pdf", PDF, "application/pdf")},
                       data={"kind": "order", "redacts": str(added.json()["id"])})
    assert copy.status_code == 201, copy.text
    redacted = (copy.json()["id"], added.json()["id"])
    _send(client, kz_ministry)
    engine.dispose()  # the app's pooled connections, so that the schema may change
    command.downgrade(config, str(before))
    try:
        assert "inbox_entries" not in inspect(engine).get_table_names() and not _nullable(engine)
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT request_id FROM documents")).scalars().all()
            copies = conn.execute(text("SELECT id, redacts_id FROM documents WHERE redacts_id IS NOT NULL")).all()
        assert kept == [request, request]  # the request's documents stay; the inbox's went with the inbox
        assert [tuple(c) for c in copies] == [redacted]  # a redacted copy still names its original
    finally:
        schema.upgrade(engine)
    assert "inbox_entries" in inspect(engine).get_table_names() and _nullable(engine)
    _send(client, kz_ministry)
    with engine.connect() as conn:
        assert [tuple(c) for c in conn.execute(text("SELECT id, redacts_id FROM documents "
                                                    "WHERE redacts_id IS NOT NULL"))] == [redacted]
    with sessions() as s:
        assert s.execute(select(func.count()).select_from(Document)
                         .where(Document.request_id.is_(None))).scalar_one() == 1
