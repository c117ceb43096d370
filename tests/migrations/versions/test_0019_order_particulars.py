"""Migration 0019: the order's particulars on requests, with the repeat lookup's and the
reports' partial indexes, added to a database of the revision before and taken away again,
on both engines (a fresh database of its own: the shared one stays at the head)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from docket import schema, store

COLUMNS = {"authority_name", "authority_kind", "authority_country", "order_number", "order_date", "court_name",
           "case_number", "register_entry", "order_deadline", "repeats_id"}
INDEXES = {"ix_requests_register_entry", "ix_requests_order_number", "ix_requests_authority_report"}


@pytest.fixture
def fresh(tmp_path: Path, database_url: str) -> Iterator[Engine]:
    """An empty database on the engine under test."""
    if not database_url.startswith("postgresql"):
        engine = store.make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
        return
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"docket_0019_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = store.make_engine(make_url(database_url).set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _shape(engine: Engine) -> tuple[set[str], set[str]]:
    found = inspect(engine)
    return ({c["name"] for c in found.get_columns("requests")} & COLUMNS,
            {i["name"] for i in found.get_indexes("requests")} & INDEXES)


def test_0019_adds_the_particulars_and_takes_them_away(fresh: Engine) -> None:
    schema.upgrade(fresh, "0018")
    assert _shape(fresh) == (set(), set())
    schema.upgrade(fresh, "0019")
    assert _shape(fresh) == (COLUMNS, INDEXES)
    command.downgrade(store.alembic_config(fresh), "0018")
    assert _shape(fresh) == (set(), set())
    schema.upgrade(fresh, "0019")
    assert _shape(fresh) == (COLUMNS, INDEXES)

