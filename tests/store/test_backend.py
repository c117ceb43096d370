"""The store's backend: chosen once per application from its engine, carried by the
application's runtime to every session its sessionmakers make."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from docket import store
from docket.app import create_app
from docket.settings import Settings
from docket.store.backend import POSTGRESQL, SQLITE


def test_the_application_chooses_the_backend_of_its_engine_once(settings: Settings, engine: Engine) -> None:
    app = create_app(settings, engine=engine)
    app.state.owns_engine = False
    chosen = app.state.runtime.backend
    assert chosen is (POSTGRESQL if engine.dialect.name == "postgresql" else SQLITE)
    for factory in (app.state.sessionmaker, app.state.read_sessionmaker):
        with factory() as session:
            assert store.backend_of(session) is chosen


def test_a_command_s_sessionmaker_and_a_bare_session_get_the_backend_of_their_engine(engine: Engine) -> None:
    expected = store.backend_for(engine)
    with store.make_sessionmaker(engine)() as session:
        assert store.backend_of(session) is expected
    with Session(engine) as bare:  # made without a sessionmaker of docket's: its engine decides
        assert store.backend_of(bare) is expected


def test_each_engine_gets_its_own_kind_of_backend(tmp_path: Path) -> None:
    lite = store.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert store.backend_for(lite) is SQLITE
    assert store.backend_for(store.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")) is POSTGRESQL
    factory = store.make_sessionmaker(lite)
    # Group commit where there is one writer (SQLite); none where the server commits many at once.
    assert isinstance(SQLITE.group_commit(factory, lambda session, many: None, lambda one: None), store.GroupCommit)
    assert POSTGRESQL.group_commit(factory, lambda session, many: None, lambda one: None) is None
    lite.dispose()
