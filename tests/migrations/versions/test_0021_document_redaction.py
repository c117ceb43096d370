"""Migration 0021: the personal-data mark and the redacted copy's original on documents,
added to a database of the revision before and taken away again, on both engines (a fresh
database of its own: the shared one stays at the head)."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from docket import schema, store
from tests.migrations.versions.test_0019_order_particulars import fresh  # noqa: F401  (the fixture)

COLUMNS = {"personal_data", "redacts_id"}


def _shape(engine: Engine) -> tuple[set[str], list[dict[str, Any]]]:
    found = inspect(engine)
    return ({c["name"] for c in found.get_columns("documents")} & COLUMNS,
            [k for k in found.get_foreign_keys("documents") if k["constrained_columns"] == ["redacts_id"]])


def test_0021_adds_the_mark_and_the_original_and_takes_them_away(fresh: Engine) -> None:  # noqa: F811
    schema.upgrade(fresh, "0020")
    assert _shape(fresh) == (set(), [])
    schema.upgrade(fresh, "0021")
    columns, [key] = _shape(fresh)
    assert columns == COLUMNS
    assert (key["referred_table"], key["referred_columns"]) == ("documents", ["id"])
    marked = {c["name"]: c for c in inspect(fresh).get_columns("documents")}
    assert marked["personal_data"]["nullable"] is False and marked["redacts_id"]["nullable"] is True
    command.downgrade(store.alembic_config(fresh), "0020")
    assert _shape(fresh) == (set(), [])
    schema.upgrade(fresh, "0021")
    assert _shape(fresh)[0] == COLUMNS
