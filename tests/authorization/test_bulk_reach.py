"""The bulk route's per-item reach (POST /api/v1/queue/bulk and /console/bulk answer 200
with one result per item, so the matrix's one row per route cannot see it): for every
caller, each selected item is refused with a 404, as for an item that does not exist,
exactly when the reference model (routes.reaches, reach "act") says the caller does not
reach it; and a refused item is left as it was (nothing logged about it)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.authorization.routes import API, PAGES, REVIEWERS, reaches
from tests.authorization.world import STAFF_ROLES, Record


@pytest.fixture
def callers(make_user: Any) -> dict[str, Any]:
    return {name: make_user(f"{name}@docket.test", *roles, jurisdictions=places)
            for name, (roles, places) in STAFF_ROLES.items()}


def _item(client: Any, who: Any, country: str, law: str) -> dict[str, Any]:
    answer = client.post("/api/v1/requests", headers=who.headers, json={
        "jurisdiction": country, "reason": "hate_speech", "explanation": "Insults.", "legal_basis": [{"law": law}],
        "items": [{"url": f"https://social.example/@{country.lower()}/1"}]})
    assert answer.status_code == 201, answer.text
    return dict(answer.json()["items"][0])


def _events(client: Any, admin: Any, item_id: int) -> int:
    answer = client.get(f"/api/v1/items/{item_id}/events", headers=admin.headers).json()
    return sum(e["subject"] == f"item:{item_id}" for e in answer["events"])


@pytest.mark.parametrize("action,extra", [
    ("decide", {"decision": {"outcome": "no_action", "explanation": "Lawful."}}),
    ("review", {"review": {"step": "legal", "finding": "lawful"}}),
])
def test_each_item_is_refused_as_not_found_exactly_outside_reach(
        client: Any, callers: dict[str, Any], kz_ministry: Any, de_court: Any, action: str,
        extra: dict[str, Any]) -> None:
    assert API["POST /api/v1/queue/bulk"].who == REVIEWERS == PAGES["POST /console/bulk"].who
    kz, de = (_item(client, who, country, law) for who, country, law in (
        (kz_ministry, "KZ", "kz-online-platforms-9"), (de_court, "DE", "de-netzdg-3")))
    records = [Record("item", kz["id"], "kz_gov", "KZ"), Record("item", de["id"], "de_court", "DE")]
    before = {r.id: _events(client, callers["admin"], int(r.id)) for r in records}
    for caller, party in callers.items():
        answer = client.post("/api/v1/queue/bulk", headers=party.headers,
                             json={"action": action, "item_ids": [r.id for r in records], **extra})
        if caller not in REVIEWERS:
            assert answer.status_code == 403, (caller, answer.text)
            continue
        assert answer.status_code == 200, (caller, answer.text)
        results = {x["item_id"]: x for x in answer.json()["results"]}
        for record in records:
            got = results[record.id]
            if reaches(caller, record, "act"):
                # Within reach: refused for the step it waits for (or the role), never as unknown.
                assert got["status"] in (403, 409) and not got["ok"], (caller, record.jurisdiction, got)
            else:
                assert got == {"item_id": record.id, "ok": False, "status": 404,
                               "detail": f"no item {record.id}", "decision_id": None}, (caller, got)
    # Every item waits for its policy review: nobody's decision or legal finding changed anything.
    assert {r.id: _events(client, callers["admin"], int(r.id)) for r in records} == before
