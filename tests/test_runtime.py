"""Each application keeps its own runtime (id blocks, the audit head hint, the catalog
cache, the start-up freeze), so two applications in one process never share it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from docket import audit, runtime, store
from docket.app import create_app
from docket.catalog import service as catalog
from docket.intake.models import Request
from docket.settings import Settings

LAW = "kz-informatization-18-2"  # a default law: in the catalog of every test database


def two_apps(settings: Settings, engine: Engine) -> tuple[Any, Any]:
    apps = create_app(settings, engine=engine), create_app(settings, engine=engine)
    for app in apps:
        app.state.owns_engine = False
    return apps


def append(app: Any, subject: str) -> None:
    with store.transaction(app.state.sessionmaker) as session:
        audit.record(session=session, actor="test", action="runtime:tested", subject=subject)


def test_each_app_has_its_own_runtime_and_its_sessions_carry_it(
        settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> None:
    a, b = two_apps(settings, engine)
    assert a.state.runtime is not b.state.runtime
    for app in (a, b):
        for factory in (app.state.sessionmaker, app.state.read_sessionmaker):
            with factory() as session:
                assert runtime.of(session) is app.state.runtime


def test_a_head_hint_from_one_app_is_not_used_by_another(
        settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> None:
    a, b = two_apps(settings, engine)
    append(a, "a-1")
    if engine.dialect.name == "sqlite":  # PostgreSQL appends in the database, with no hint
        assert a.state.runtime.head_hint is not None
    assert b.state.runtime.head_hint is None  # B reads the head: A's hint is A's alone
    append(b, "b-1")
    append(a, "a-2")  # A's hint is stale now (B moved the head): A reads the head again
    append(b, "b-2")
    with sessions() as session:
        verified = audit.verify(session=session)
    assert verified.ok and verified.count == 4


def test_the_catalog_cache_is_per_app(
        settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> None:
    a, b = two_apps(settings, engine)
    with a.state.sessionmaker() as session:
        assert catalog.law_info(session=session, law_id=LAW) is not None
    assert ("law", LAW) in a.state.runtime.catalog
    assert b.state.runtime.catalog == {}


def test_id_blocks_are_per_app(settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> None:
    a, b = two_apps(settings, engine)
    with a.state.sessionmaker() as session:
        taken = store.take_ids(session, [(Request, 3)])
    if engine.dialect.name == "postgresql":  # SQLite takes no ids beforehand
        assert taken is not None and len(taken[0]) == 3
        assert a.state.runtime.free_ids[store.table(Request).name]  # the rest of A's block
    assert b.state.runtime.free_ids == {}


def test_the_startup_freeze_is_per_app(settings: Settings, engine: Engine,
                                       sessions: sessionmaker[Session]) -> None:
    a, b = two_apps(settings, engine)
    with TestClient(a) as client:
        assert client.get("/healthz").status_code == 200
    assert a.state.runtime.startup_frozen
    assert not b.state.runtime.startup_frozen


def test_sessions_made_without_an_app_get_a_runtime_of_their_own(
        engine: Engine, sessions: sessionmaker[Session]) -> None:
    with sessions() as one, sessions() as two:  # one sessionmaker: one runtime
        assert runtime.of(one) is runtime.of(two)
    with store.make_sessionmaker(engine)() as other, Session(engine) as bare:
        assert runtime.of(other) is not runtime.of(one)
        assert runtime.of(bare) is runtime.of(bare) is not runtime.of(one)
