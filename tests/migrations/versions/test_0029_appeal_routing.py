"""Migration 0029: where an appeal is routed (a person or a team, since when, by when) and
the teams that decide appeals, added to a database of the revision before and taken away
again, on both engines (a fresh database of its own: the shared one stays at the head)."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from docket import schema, store
from tests.migrations.versions.test_0019_order_particulars import fresh  # noqa: F401  (the fixture)

APPEALS = {"assignee_id", "team_id", "assigned_at", "due_at"}


def _shape(engine: Engine) -> tuple[set[str], set[str], list[Any]]:
    found = inspect(engine)
    keys = sorted((k["constrained_columns"][0], k["referred_table"]) for k in found.get_foreign_keys("appeals")
                  if k["constrained_columns"][0] in APPEALS)
    return ({c["name"] for c in found.get_columns("appeals")} & APPEALS,
            {c["name"] for c in found.get_columns("teams")} & {"appeals"}, keys)


def test_0029_adds_the_routing_and_takes_it_away(fresh: Engine) -> None:  # noqa: F811
    schema.upgrade(fresh, "0028")
    assert _shape(fresh) == (set(), set(), [])
    schema.upgrade(fresh, "0029")
    assert _shape(fresh) == (APPEALS, {"appeals"}, [("assignee_id", "users"), ("team_id", "teams")])
    teams = {c["name"]: c for c in inspect(fresh).get_columns("teams")}
    assert teams["appeals"]["nullable"] is False
    command.downgrade(store.alembic_config(fresh), "0028")
    assert _shape(fresh) == (set(), set(), [])
    schema.upgrade(fresh, "0029")
    assert _shape(fresh)[0] == APPEALS
