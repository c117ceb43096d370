"""``docket report --at SIZE``: the report again from the log's events alone, after the tables
moved on (docket.transparency.replay); on both engines."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from docket import audit
from docket.cli import app as cli
from docket.store import transaction

TODAY = dt.datetime.now(dt.UTC).date()
# A period around today: what the API receives now is received in it.
PERIOD = ["--from", (TODAY - dt.timedelta(days=1)).isoformat(), "--to", (TODAY + dt.timedelta(days=2)).isoformat()]


def report(*args: str) -> dict[str, Any]:
    out = CliRunner().invoke(cli, ["report", *PERIOD, *args, "--json"])
    assert out.exit_code == 0, out.output
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """Everything a report states but the moment it was generated."""
    return {k: v for k, v in data.items() if k != "generated_at"}


@pytest.fixture
def story(client: Any, send: Any, act: Any, platform: Any, kz_ministry: Any, de_court: Any,
          reviewer_alice: Any, bob_legal: Any, dana_kz: Any) -> dict[str, Any]:
    """Through the API: a KZ request of three items (restricted at once; no action; restricted
    in a wider scope, in effect once the local representative approved), a DE court order
    decided not to act on, and a user report that opens a case."""
    kz = send(kz_ministry, n=3)
    kz1, kz2, kz3 = (i["id"] for i in kz["items"])
    for item in (kz1, kz3):
        for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
            act(dana_kz, f"/items/{item}/review", step=step, finding=finding)
    act(dana_kz, f"/items/{kz1}/decision", expect=201, outcome="restricted", explanation="Illegal under KZ law.")
    wide = act(bob_legal, f"/items/{kz3}/decision", expect=201, outcome="restricted", scope=["KZ", "KG"],
               scope_reason="The same post is served to Kyrgyzstan.", law="kz-informatization-18-2",
               explanation="Illegal under KZ law.")
    assert wide["status"] == "awaiting_approval"
    act(dana_kz, f"/decisions/{wide['id']}/approve")
    act(reviewer_alice, f"/items/{kz2}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{kz2}/review", step="legal", finding="lawful")
    act(bob_legal, f"/items/{kz2}/decision", expect=201, outcome="no_action", explanation="Lawful speech.")
    de = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])
    de1 = de["items"][0]["id"]
    act(reviewer_alice, f"/items/{de1}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{de1}/review", step="legal", finding="lawful")
    not_to_act = act(bob_legal, f"/items/{de1}/decision", expect=201, outcome="no_action",
                     explanation="An opinion, protected speech.")
    _user_report(client, platform, "p1", "u1")
    return {"de1": de1, "de_decision": not_to_act["id"]}


def _user_report(client: Any, platform: Any, content: str, reporter: str) -> None:
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": content, "url": f"https://social.example/p/{content}", "type": "post", "author_id": "a9"})
    assert r.status_code in (200, 201), r.text
    r = client.post("/api/v1/reports", headers=platform.headers,
                    json={"content_id": content, "reason": "cyberbullying", "reporter_id": reporter})
    assert r.status_code == 201, r.text


def test_the_log_gives_the_report_again_after_the_tables_changed(
        story: Any, client: Any, send: Any, act: Any, platform: Any, de_court: Any, tr_btk: Any,
        reviewer_alice: Any, make_user: Any) -> None:
    first = report()
    size = first["log"]["size"]
    assert size > 0 and first["log"]["signed"] is False and first["log"]["replay"] == f"docket report --at {size}"
    assert first["totals"]["requests"] == 3 and first["totals"]["items"] == 5
    assert first["totals"]["items_decided"] == 4 and first["totals"]["requests_complied"] == 1
    assert first["user_reports"] == [{"reason": "cyberbullying", "reports": 1}]
    assert figures(report("--at", str(size))) == figures(first)

    # Afterwards: the DE court wins its appeal (the item is pending again), a new request
    # comes in and is decided, and another user reports.
    appeal = client.post("/api/v1/appeals", headers=de_court.headers,
                         json={"decision_id": story["de_decision"], "statement": "The court found it untrue."})
    assert appeal.status_code == 201, appeal.text
    judge = make_user("grace@docket.test", "legal", "reviewer")
    r = client.post(f"/api/v1/appeals/{appeal.json()['id']}/decision", headers=judge.headers,
                    json={"outcome": "reversed", "explanation": "The court's finding binds us."})
    assert r.status_code == 200, r.text
    tr1 = send(tr_btk, jurisdiction="TR", legal_basis=[{"law": "tr-5651-9"}])["items"][0]["id"]
    act(reviewer_alice, f"/items/{tr1}/review", step="policy", finding="violates")
    act(reviewer_alice, f"/items/{tr1}/decision", expect=201, outcome="removed_policy",
        policy_clause="Community Standards 3.2", explanation="A violent threat.")
    _user_report(client, platform, "p2", "u2")

    now = report()
    assert now["log"]["size"] > size
    # (the new user report opens a case of its own: a fifth request)
    assert now["totals"]["requests"] == 5 and now["totals"]["appeals_reversed"] == 1
    assert now["totals"]["items_decided"] == 4  # the DE item is pending again, the TR item decided
    assert figures(now) != figures(first)
    # The log at the first size still gives the first report, figure for figure…
    assert figures(report("--at", str(size))) == figures(first)
    # …and at the new size the new one (the reversal replayed as the tables have it).
    assert figures(report("--at", str(now["log"]["size"]))) == figures(now)


def test_a_report_beyond_the_sealed_log_or_over_old_events_is_refused(sessions: Any) -> None:
    runner = CliRunner()
    with transaction(sessions) as s:  # a request:received event as docket recorded it before
        audit.record(session=s, actor="submitter:1", action="request:received", subject="request:1",
                     payload={"channel": "api", "submitter_kind": "court", "jurisdiction": "DE",
                              "reason": "hate_speech", "items": [1], "not_found": []})
    sealed = report()["log"]["size"]  # sealing it
    beyond = runner.invoke(cli, ["report", *PERIOD, "--at", str(sealed + 1), "--json"])
    assert beyond.exit_code == 1 and "sealed events" in json.loads(beyond.stdout)["error"]
    old = runner.invoke(cli, ["report", *PERIOD, "--at", str(sealed), "--json"])
    assert old.exit_code == 1
    assert "event 1 (request:received) was recorded before" in json.loads(old.stdout)["error"]
