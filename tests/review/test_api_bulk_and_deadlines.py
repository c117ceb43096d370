"""Bulk decisions for long lists, and the deadline watch."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import update
from typer.testing import CliRunner

from docket.cli import app as cli
from docket.intake.models import Item
from docket.store import transaction, utcnow


def test_one_decision_for_many_items_of_a_request(client, send, act, kz_ministry, dana_kz, auditor_erin) -> None:
    request = send(kz_ministry, n=4)
    ids = [i["id"] for i in request["items"]]
    base = f"/requests/{request['id']}/items"
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        assert act(dana_kz, f"{base}/review", item_ids=ids[:3], step=step, finding=finding)["items"] == ids[:3]
    result = act(dana_kz, f"{base}/decision", expect=201, item_ids=ids[:3], outcome="restricted",
                 explanation="The same text posted three times; illegal under Art. 174.")
    assert [d["item_id"] for d in result["decisions"]] == ids[:3]
    assert all(d["takes_effect"] for d in result["decisions"])
    seen = client.get(f"/api/v1/requests/{request['id']}", headers=kz_ministry.headers).json()
    assert seen["status"] == "partially_decided"
    decided = client.get("/api/v1/audit/events?action=item:decided", headers=auditor_erin.headers).json()
    assert sorted(int(e["subject"].split(":")[1]) for e in decided["events"]) == ids[:3]


def test_bulk_is_all_or_nothing(client, send, act, kz_ministry, reviewer_alice) -> None:
    request = send(kz_ministry, n=3)
    ids = [i["id"] for i in request["items"]]
    base = f"/requests/{request['id']}/items"
    act(reviewer_alice, f"/items/{ids[2]}/review", step="policy", finding="compliant")
    problem = act(reviewer_alice, f"{base}/review", expect=409, item_ids=ids, step="policy", finding="compliant")
    assert f"item {ids[2]}" in problem["detail"]
    for item in ids[:2]:
        assert client.get(f"/api/v1/items/{item}", headers=reviewer_alice.headers).json()["status"] == "received"
    other = send(kz_ministry)["items"][0]["id"]
    act(reviewer_alice, f"{base}/review", expect=422, item_ids=[ids[0], other], step="policy", finding="compliant")
    act(reviewer_alice, "/requests/999999/items/review", expect=404, item_ids=[1], step="policy", finding="compliant")


def test_the_deadline_watch_marks_overdue_items_once(client, send, kz_ministry, auditor_erin, sessions) -> None:
    late = send(kz_ministry)["items"][0]["id"]
    send(kz_ministry)
    with transaction(sessions) as s:
        s.execute(update(Item).where(Item.id == late).values(deadline_at=utcnow() - dt.timedelta(minutes=5)))
    first = CliRunner().invoke(cli, ["deadlines", "check", "--json"])
    assert first.exit_code == 0 and json.loads(first.stdout) == {"overdue": 1, "items": [late]}
    again = CliRunner().invoke(cli, ["deadlines", "check", "--json"])
    assert json.loads(again.stdout) == {"overdue": 0, "items": []}
    events = client.get("/api/v1/audit/events?action=item:overdue", headers=auditor_erin.headers).json()["events"]
    assert [e["subject"] for e in events] == [f"item:{late}"]
    assert client.get(f"/api/v1/items/{late}", headers=auditor_erin.headers).json()["overdue"] is True


def test_serve_runs_the_deadline_watch(app, settings, send, kz_ministry, sessions) -> None:
    import time

    from fastapi.testclient import TestClient

    from docket.app import create_app

    item = send(kz_ministry)["items"][0]["id"]
    with transaction(sessions) as s:
        s.execute(update(Item).where(Item.id == item).values(deadline_at=utcnow() - dt.timedelta(minutes=5)))
    fast = create_app(settings.model_copy(update={"deadline_check_seconds": 1}), engine=app.state.engine)
    fast.state.owns_engine = False
    with TestClient(fast):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with sessions() as s:
                if s.get(Item, item).overdue:
                    break
            time.sleep(0.2)
    with sessions() as s:
        assert s.get(Item, item).overdue is True
