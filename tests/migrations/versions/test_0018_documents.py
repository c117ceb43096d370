"""Migration 0018: the documents' tables come and go with it, on both engines; a database
brought back up to date takes documents again."""

from __future__ import annotations

import hashlib
from typing import Any

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from docket import schema, store
from docket.documents.storage import Blobs


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_the_documents_tables_are_added_and_dropped(sessions: Any, engine: Engine) -> None:
    assert {"documents", "document_blobs"} <= _tables(engine)
    indexes = {i["name"] for i in inspect(engine).get_indexes("documents")}
    assert "ix_documents_request_id_id" in indexes
    command.downgrade(store.alembic_config(engine), "0017")
    try:
        assert not {"documents", "document_blobs"} & _tables(engine)
    finally:
        schema.upgrade(engine)
    assert {"documents", "document_blobs"} <= _tables(engine)
    data = b"%PDF-1.4\n%%EOF\n"
    with store.transaction(sessions) as s:
        assert Blobs().put(s, sha256=hashlib.sha256(data).hexdigest(), data=data)
