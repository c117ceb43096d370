"""The times a report reads are kept on the items by intake, review and appeals; they
must agree with the decision history itself. Checked on the demo's half-year, which the
services wrote at the times things happened: decisions, four-eyes approvals, appeals
(one reversed) and user-report cases."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

import pytest
from sqlalchemy import select

from docket import schema, store
from docket.demo import load_demo
from docket.intake.models import Item, Request
from docket.parties.models import Submitter
from docket.review.models import Decision
from docket.transparency import aggregates
from docket.transparency.periods import latest_half_year

COMPLIED = ("restricted", "removed_policy")


def _standing(decisions: list[Decision]) -> Decision | None:
    """An item's standing decision, read from its whole history (the report's definition)."""
    standing = [d for d in decisions if d.effective_at is not None
                and (d.status == "effective" or (d.status == "reversed" and d.outcome in COMPLIED))]
    return standing[-1] if standing else None


def _hours(values: list[float]) -> float | None:
    return round(statistics.median(values) / 3600, 2) if values else None


@pytest.mark.rolled_back
def test_report_times_and_outcomes_agree_with_the_decision_history(sessions: Any, settings: Any) -> None:
    now = store.utcnow()
    period = latest_half_year(now)
    with store.transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=settings)
    with store.transaction(sessions) as s:
        items = s.execute(select(Item, Submitter.name).join(Request, Request.id == Item.request_id)
                          .join(Submitter, Submitter.id == Request.submitter_id)
                          .where(Item.received_at >= period.start, Item.received_at < period.end)).all()
        history: dict[int, list[Decision]] = {}
        for d in s.execute(select(Decision).order_by(Decision.id)).scalars():
            history.setdefault(d.item_id, []).append(d)
        decide, effect, outcomes, by_submitter = [], [], {}, {}
        for item, submitter in items:
            standing = _standing(history.get(item.id, []))
            outcome = standing.outcome if standing else "pending"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if standing is not None:
                decide.append((standing.decided_at - item.received_at).total_seconds())
                effect.append((standing.effective_at - item.received_at).total_seconds())
                by_submitter.setdefault((submitter, item.jurisdiction), []).append(decide[-1])
        data = aggregates.report(session=s, period=period, now=now)
    assert len(items) > 30 and len(decide) > 30  # the demo's history is in this half-year
    assert any(d.status == "reversed" for ds in history.values() for d in ds)
    assert any(d.approved_at is not None and d.effective_at > d.decided_at + dt.timedelta(minutes=1)
               for ds in history.values() for d in ds)
    assert data["median_hours"]["decide"] == _hours(decide)
    assert data["median_hours"]["give_effect"] == _hours(effect)
    assert data["median_hours"]["give_effect"] != data["median_hours"]["decide"]
    assert {r["outcome"]: r["items"] for r in data["outcome_totals"]} == outcomes
    assert data["totals"]["items_decided"] == len(decide)
    # Equal treatment: each government's median time to decision, per jurisdiction.
    rows = data["equal_treatment"]["submitters"]
    assert len(rows) >= 5, data["equal_treatment"]
    for row in rows:
        assert row["median_hours_to_decision"] == _hours(by_submitter[(row["submitter"], row["jurisdiction"])])


def test_the_migration_fills_the_report_columns_from_the_history(sessions: Any, settings: Any, engine: Any) -> None:
    """A database from before migration 0009 gets the columns filled from its decision
    history: the report reads the same afterwards."""
    from alembic import command

    now = store.utcnow()
    period = latest_half_year(now)
    with store.transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=settings)
    with store.transaction(sessions) as s:
        before = aggregates.report(session=s, period=period, now=now)
    config = store.alembic_config(engine)
    command.downgrade(config, "0008")
    try:
        schema.upgrade(engine)
        with store.transaction(sessions) as s:
            after = aggregates.report(session=s, period=period, now=now)
    finally:
        schema.upgrade(engine)
    assert after == before
    assert before["median_hours"]["decide"] is not None
