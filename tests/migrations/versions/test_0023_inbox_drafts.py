"""Migration 0023: the inbox's extractions and drafts; taken back, the tables go and the
inbox's entries stay, on both engines; brought up to date again, the open documents are
read into drafts (those read before, again)."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from docket import schema, store
from docket.intake import drafts
from tests.intake.drafting import email, send


def test_0023_adds_extractions_and_drafts_and_takes_them_away(client: Any, sessions: Any, engine: Engine,
                                                              settings: Any, kz_ministry: Any) -> None:
    config = store.alembic_config(engine)
    first = send(client, kz_ministry, email(), "order.eml", "message/rfc822")
    assert drafts.read_round(sessions, settings).read == [first]
    engine.dispose()  # the app's pooled connections, so that the schema may change
    command.downgrade(config, "0022")
    try:
        tables = inspect(engine).get_table_names()
        assert "inbox_extractions" not in tables and "inbox_drafts" not in tables
        with engine.connect() as conn:
            assert conn.execute(text("SELECT document_id, status FROM inbox_entries")).all() == [(first, "draft")]
    finally:
        schema.upgrade(engine)
    assert {"inbox_extractions", "inbox_drafts"} <= set(inspect(engine).get_table_names())
    second = send(client, kz_ministry, email(subject="Again"), "again.eml", "message/rfc822")
    # The first letter is read again too: its extraction went with the tables, its entry is still open.
    assert drafts.read_round(sessions, settings).read == [first, second]
