"""Migration 0015: the audit events and the verifiable log's tables refuse UPDATE, DELETE
and (PostgreSQL) TRUNCATE, on both engines, and leave the rows as they were; on
PostgreSQL, the operations guide's two roles, taken from the guide itself and run on a
real server: the application role takes requests and seals the log, and cannot rewrite
any of it, even with the triggers disabled by the owner."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from docket import audit, schema, store
from docket.audit.sealer import seal, sign_checkpoint
from docket.log.note import Signer
from docket.parties import service as parties
from docket.settings import Settings
from docket.store import transaction
from tests.conftest import SECRET
from tests.helpers import APPEND_ONLY

ON_POSTGRESQL = os.environ.get("DOCKET_TEST_DATABASE_URL", "").startswith("postgresql")
GUIDE = Path(__file__).parents[3] / "docs" / "operations.md"

# One statement of each kind per table that would rewrite history if it ran.
UPDATES = {
    "events": "UPDATE events SET actor = 'someone else' WHERE seq = 2",
    "log_leaves": "UPDATE log_leaves SET seq = seq + 1000",
    "log_hashes": "UPDATE log_hashes SET idx = idx + 1000 WHERE idx = 0",
    "log_checkpoints": "UPDATE log_checkpoints SET note = 'forged'",
}
DELETES = {
    "events": "DELETE FROM events WHERE seq = 3",
    "log_leaves": "DELETE FROM log_leaves",
    "log_hashes": "DELETE FROM log_hashes WHERE idx = 1",
    "log_checkpoints": "DELETE FROM log_checkpoints",
}


def _fill(factory: Any) -> None:
    """Five events, sealed, and a signed checkpoint: a row in each of the four tables."""
    with transaction(factory) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i}) for i in range(5)])
    with transaction(factory) as s:
        seal(session=s)
    with transaction(factory) as s:
        sign_checkpoint(session=s, signer=Signer.generate("docket.test/log"))


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))] for t in APPEND_ONLY}


def _statements() -> list[tuple[str, str, str]]:
    """(table, verb, SQL) for every statement the tables must refuse."""
    out = [(t, "UPDATE", UPDATES[t]) for t in APPEND_ONLY] + [(t, "DELETE", DELETES[t]) for t in APPEND_ONLY]
    if ON_POSTGRESQL:
        out += [(t, "TRUNCATE", f"TRUNCATE {t}") for t in APPEND_ONLY]
    return out


def _refused(engine: Engine, sql: str) -> str:
    """Run ``sql`` in its own transaction; the database's message refusing it."""
    with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
        conn.execute(text(sql))
    return str(refused.value.orig)


def test_the_audit_log_refuses_updates_and_deletes_and_keeps_its_rows(sessions: Any, engine: Engine) -> None:
    _fill(sessions)
    before = _rows(engine)
    assert all(before[t] for t in APPEND_ONLY)
    for table, verb, sql in _statements():
        assert f"{table} is append-only: {verb} refused" in _refused(engine, sql), sql
    assert _rows(engine) == before
    # Appending goes on as before.
    with transaction(sessions) as s:
        audit.record(session=s, actor="test", action="thing:done", subject="thing:5", payload={"i": 5})
    with transaction(sessions) as s:
        assert seal(session=s).size == 6
    with sessions() as s:
        assert audit.verify(session=s).ok


# ------------------------------------------------------------------ PostgreSQL: the roles
def _sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", GUIDE.read_text(), flags=re.S)


def _statements_of(block: str, names: dict[str, str]) -> list[str]:
    """The block's statements, its comments dropped and docket's example names replaced."""
    body = re.sub(r"--[^\n]*", "", block)
    for old, new in names.items():
        body = re.sub(rf"\b{old}\b", new, body)
    return [s.strip() for s in body.split(";") if s.strip()]


@pytest.fixture
def roles(database_url: str) -> Iterator[dict[str, str]]:
    """A fresh database and the guide's two roles, made by its superuser statements; the
    database URLs as each role. Dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    names = {"docket_owner": f"docket_owner_{suffix}", "docket_app": f"docket_app_{suffix}",
             "docket": f"docket_roles_{suffix}"}
    server = make_url(database_url)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    once = next(b for b in _sql_blocks() if "CREATE ROLE docket_owner" in b)
    try:
        with admin.connect() as conn:
            for statement in _statements_of(once, names):
                conn.execute(text(statement))

        def url(role: str, password: str) -> str:
            return server.set(username=names[role], password=password,
                              database=names["docket"]).render_as_string(hide_password=False)

        yield {"owner": url("docket_owner", "owner-secret"), "app": url("docket_app", "app-secret"),
               **names}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{names["docket"]}" WITH (FORCE)'))
            for role in ("docket_app", "docket_owner"):
                conn.execute(text(f'DROP ROLE IF EXISTS "{names[role]}"'))
        admin.dispose()


def _disable_triggers(owner: Engine, on: bool) -> None:
    with owner.begin() as conn:
        for table in APPEND_ONLY:
            conn.execute(text(f"ALTER TABLE {table} {'ENABLE' if on else 'DISABLE'} TRIGGER {table}_append_only"))


@pytest.mark.skipif(not ON_POSTGRESQL, reason="runs in the PostgreSQL pass of the suite")
def test_the_guides_application_role_appends_and_cannot_rewrite(roles: dict[str, str], tmp_path: Any) -> None:
    owner = store.make_engine(roles["owner"])
    app_engine = store.make_engine(roles["app"])
    try:
        schema.upgrade(owner)  # docket db upgrade, as the owner
        grants = next(b for b in _sql_blocks() if "GRANT USAGE ON SCHEMA public TO docket_app" in b)
        with owner.begin() as conn:
            for statement in _statements_of(grants, {k: roles[k] for k in ("docket_owner", "docket_app")}):
                conn.execute(text(statement))
        with app_engine.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar_one() == roles["docket_app"]

        # Intake through the application, as the application role; then sealing and signing.
        factory = store.make_sessionmaker(app_engine)
        with transaction(factory) as s:
            ministry = parties.create_submitter(session=s, actor="test", name="Ministry", kind="government_agency",
                                                country="KZ")
            _, token = parties.create_token(session=s, actor="test", submitter=ministry)
        from docket.app import create_app

        settings = Settings(database_url=roles["app"], secret_key=SECRET, base_url="http://testserver",
                            run_worker=False, mail_dir=str(tmp_path / "mail"))
        application = create_app(settings, engine=app_engine)
        application.state.owns_engine = False
        with TestClient(application, raise_server_exceptions=False) as client:
            sent = client.post("/api/v1/requests", headers={"Authorization": f"Bearer {token}"}, json={
                "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Illegal.", "bona_fide": True,
                "legal_basis": [{"law": "kz-online-platforms-9"}],
                "items": [{"url": "https://social.example/@a/1"}]})
            assert sent.status_code == 201, sent.text
        _fill(factory)  # more events, sealed (the request's with them), a checkpoint signed
        before = _rows(app_engine)
        actions = [row[3] for row in before["events"]]
        assert "request:received" in actions and len(before["log_leaves"]) == len(before["events"])

        # The application role may not rewrite any of it: refused by its rights, before any trigger.
        for _, _, sql in _statements():
            assert "permission denied" in _refused(app_engine, sql), sql
        # Nor with the triggers disabled by the owner, which the role cannot do itself.
        _disable_triggers(owner, on=False)
        try:
            for _, _, sql in _statements():
                assert "permission denied" in _refused(app_engine, sql), sql
            assert "must be owner" in _refused(app_engine, "ALTER TABLE events ENABLE TRIGGER events_append_only")
        finally:
            _disable_triggers(owner, on=True)
        assert "must be owner" in _refused(app_engine, "ALTER TABLE events DISABLE TRIGGER events_append_only")
        # The owner, whose rights allow it, is stopped by the trigger.
        assert "events is append-only: DELETE refused" in _refused(owner, DELETES["events"])
        assert _rows(app_engine) == before
    finally:
        app_engine.dispose()
        owner.dispose()
