"""A request's status follows its items: once every item is decided the request is
decided, whatever it lacked — in the API, the portal and the Lumen export alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from docket.cli import app

DE_BODY: dict[str, Any] = {
    "jurisdiction": "DE", "reason": "defamation", "legal_basis": [{"law": "de-netzdg-3"}],
    "explanation": "The post repeats a statement the court found defamatory.",
    # The second item names the platform's home page: the request lacks its exact address.
    "items": [{"url": "https://social.example/@x/1"}, {"url": "https://social.example/"}],
}


def lumen(tmp_path: Path) -> tuple[dict[str, Any], list[str]]:
    result = CliRunner().invoke(app, ["export", "lumen", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    return summary, sorted(p.name for p in tmp_path.glob("lumen-*.json"))


def test_a_request_whose_items_are_all_decided_is_decided(client: Any, platform: Any, de_court: Any, act: Any,
                                                          reviewer_alice: Any, bob_legal: Any,
                                                          auditor_erin: Any, tmp_path: Path) -> None:
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1", "url": "https://social.example/@x/1", "type": "post", "author_id": "x"})
    assert r.status_code in (200, 201), r.text
    sent = client.post("/api/v1/requests", json=DE_BODY, headers=de_court.headers).json()
    assert (sent["status"], sent["missing"]) == ("needs_clarification", ["items[1].url"])
    first, home = (i["id"] for i in sent["items"])
    # The reviewers decide both items without waiting for the court's answer.
    act(reviewer_alice, f"/items/{first}/review", step="policy", finding="violates")
    act(reviewer_alice, f"/items/{first}/decision", expect=201, outcome="removed_policy",
        policy_clause="Community Standards 3.2", explanation="A violent threat.")
    seen = client.get(f"/api/v1/requests/{sent['id']}", headers=de_court.headers).json()
    assert seen["status"] == "needs_clarification"  # one item is still open
    summary, files = lumen(tmp_path)
    assert (summary["notices"], summary["undecided"], files) == (0, 1, [])
    act(reviewer_alice, f"/items/{home}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{home}/review", step="legal", finding="not_found")
    act(bob_legal, f"/items/{home}/decision", expect=201, outcome="content_not_found",
        explanation="The address is the platform's home page.")

    seen = client.get(f"/api/v1/requests/{sent['id']}", headers=de_court.headers).json()
    assert (seen["status"], seen["missing"]) == ("decided", [])
    assert [i["status"] for i in seen["items"]] == ["decided", "decided"]
    listed = client.get("/api/v1/requests?status=decided", headers=de_court.headers)
    assert listed.status_code == 200, listed.text
    assert [x["id"] for x in listed.json()["requests"]] == [sent["id"]]
    # The Lumen export agrees: the request is published, not counted as undecided.
    summary, files = lumen(tmp_path)
    assert (summary["notices"], summary["undecided"]) == (1, 0)
    assert files == [f"lumen-request-{sent['id']}.json"]
    notice = json.loads((tmp_path / files[0]).read_text())["notice"]
    assert (notice["type"], notice["action_taken"]) == ("CourtOrder", "Partial")
    # What it lacked stays on the record: the decision's event says it is no longer asked.
    events = client.get(f"/api/v1/audit/events?subject=item:{home}", headers=auditor_erin.headers).json()["events"]
    decided = [e for e in events if e["action"] == "item:decided"]
    assert decided[-1]["payload"]["request_status"] == "decided"
    assert decided[-1]["payload"]["no_longer_missing"] == ["items[1].url"]
