"""Migration 0020: the measures table, filled for the requests already stored with the
measure their requested action implies, and the note of unlisted items on requests; added
to a database of the revision before holding requests, and taken away again, on both
engines (a fresh database of its own: the shared one stays at the head)."""

# ruff: noqa: F811  (the test takes the imported fixture as a parameter)
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from alembic import command
from sqlalchemy import JSON, Boolean, DateTime, Engine, Integer, MetaData, insert, inspect, select, text

from docket import schema, store
from docket.intake.models import Measure, MeasureKind
from tests.migrations.versions.test_0019_order_particulars import fresh  # noqa: F401  (fixture)

NOTE_COLUMNS = {"other_items", "other_items_status", "other_items_answer"}
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def _insert(engine: Engine, table: str, **given: Any) -> Any:
    """One row of ``table`` as the schema stands: the values given, and a plain value of
    its type for every other column that must have one."""
    found = MetaData()
    found.reflect(engine, only=[table])
    t = found.tables[table]
    row = dict(given)
    for column in t.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = column.type
        row[column.name] = (0 if isinstance(kind, Integer) else False if isinstance(kind, Boolean)
                            else NOW if isinstance(kind, DateTime) else [] if isinstance(kind, JSON)
                            else json.dumps({}) if "JSON" in str(kind).upper() else "x")
    with engine.begin() as conn:
        result = conn.execute(insert(t).values(**row))
        return result.inserted_primary_key[0]  # its key


def _measures(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT request_id, position, kind, scope, account, fallback, outcome, referral, decided_at "
            "FROM measures ORDER BY request_id")).all()
    return [(r[0], r[1], r[2], r[3] if isinstance(r[3], list) else json.loads(r[3]), *r[4:]) for r in rows]


def _shape(engine: Engine) -> tuple[bool, set[str]]:
    found = inspect(engine)
    return "measures" in found.get_table_names(), {c["name"] for c in found.get_columns("requests")} & NOTE_COLUMNS


def test_0020_gives_the_stored_requests_their_measure_and_takes_the_table_away(fresh: Engine) -> None:
    schema.upgrade(fresh, "0019")
    assert _shape(fresh) == (False, set())
    _insert(fresh, "jurisdictions", code="KZ", name="Kazakhstan")
    _insert(fresh, "reasons", code="hate_speech", label="Hate speech")
    ministry = _insert(fresh, "submitters", name="Ministry of Information", kind="government_agency", country="KZ")
    restrict = _insert(fresh, "requests", submitter_id=ministry, channel="api", jurisdiction="KZ",
                       reason="hate_speech", requested_action="restrict", requested_scope=["KZ", "RU"],
                       status="open", received_at=NOW, clock_started_at=NOW, deadline_at=NOW,
                       clock_rule={"source": "default"}, order_number="N-1")
    remove = _insert(fresh, "requests", submitter_id=ministry, channel="portal", jurisdiction="KZ",
                     reason="hate_speech", requested_action="remove", requested_scope=["KZ"], status="decided",
                     received_at=NOW, clock_started_at=NOW, deadline_at=NOW, clock_rule={"source": "default"})

    schema.upgrade(fresh, "0020")
    assert _shape(fresh) == (True, NOTE_COLUMNS)
    # Each stored request asks what its requested action says, unanswered: restrict in the
    # scope it asked (content), remove everywhere; no account, no fallback, nothing referred.
    assert _measures(fresh) == [
        (restrict, 0, "restrict_content", ["KZ", "RU"], None, False, None, None, None),
        (remove, 0, "remove_global", ["*"], None, False, None, None, None)]
    with fresh.connect() as conn:
        notes = conn.execute(text("SELECT other_items, other_items_status, other_items_answer, order_number "
                                  "FROM requests ORDER BY id")).all()
    assert [tuple(n) for n in notes] == [(None, None, None, "N-1"), (None, None, None, None)]
    # The models read the migrated rows.
    with store.make_sessionmaker(fresh)() as session:
        kinds = session.scalars(select(Measure.kind).order_by(Measure.request_id)).all()
    assert kinds == [MeasureKind.restrict_content, MeasureKind.remove_global]

    command.downgrade(store.alembic_config(fresh), "0019")
    assert _shape(fresh) == (False, set())
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM requests")).scalar_one() == 2
    # And up again, the same.
    schema.upgrade(fresh, "0020")
    assert [m[:4] for m in _measures(fresh)] == [(restrict, 0, "restrict_content", ["KZ", "RU"]),
                                                (remove, 0, "remove_global", ["*"])]
