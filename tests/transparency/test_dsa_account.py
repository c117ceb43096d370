"""A decision on an account in the DSA export: ``decision_account`` with the Transparency
Database's values, valid under its rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from docket.review.models import Decision
from docket.store import transaction
from docket.transparency import dsa

ORDER = {"jurisdiction": "DE", "reason": "hate_speech", "explanation": "Volksverhetzung.",
         "legal_basis": [{"law": "de-netzdg-3"}], "bona_fide": True}


def decide(client: Any, act: Any, who: tuple[Any, ...], item: int, **decision: Any) -> dict[str, Any]:
    alice, bob, carol = who
    act(alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob, f"/items/{item}/review", step="legal", finding="illegal")
    act(carol, f"/items/{item}/review", step="rights", finding="no_concern")
    made = act(bob, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="Incitement.",
               **decision)
    if made["status"] == "awaiting_approval":
        made = act(alice, f"/decisions/{made['id']}/approve")
    assert made["status"] == "effective", made
    return made


@pytest.mark.parametrize(("decision", "expected", "end"), [
    ({}, "DECISION_ACCOUNT_SUSPENDED", None),
    ({"scope": ["*"], "scope_reason": "Illegal everywhere it is served."}, "DECISION_ACCOUNT_TERMINATED", None),
    ({"scope": ["*"], "scope_reason": "For the interim order's term.", "ends_at": "2030-01-31T00:00:00Z"},
     "DECISION_ACCOUNT_SUSPENDED", "2030-01-31"),
])
def test_an_account_restriction_is_a_decision_on_the_account(
        client, act, platform, de_court, reviewer_alice, bob_legal, carol_rights, sessions,
        decision, expected, end) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "acct-hass", "url": "https://social.example/@hass", "type": "account", "author_id": "hass"})
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1", "url": "https://social.example/@hass/1", "type": "post", "author_id": "hass"})
    sent = client.post("/api/v1/requests", headers=de_court.headers, json={
        **ORDER, "items": [{"content_id": "post-1"}],
        "measures": [{"kind": "restrict_content"}, {"kind": "restrict_account", "account": "acct-hass"}]}).json()
    post, account = sent["items"]
    made = decide(client, act, (reviewer_alice, bob_legal, carol_rights), account["id"], **decision)
    decide(client, act, (reviewer_alice, bob_legal, carol_rights), post["id"])
    with transaction(sessions) as s:
        statements = {st["puid"]: st for st in dsa.statements(session=s)}
        assert s.get(Decision, made["id"]) is not None
    for statement in statements.values():
        assert dsa.validate(statement) == {}, statement
    on_account = statements[f"docket-decision-{made['id']}"]
    assert on_account["decision_account"] == expected and expected in dsa.values()["decision_accounts"]
    assert on_account["end_date_account_restriction"] == end
    assert "decision_visibility" not in on_account
    assert "the account and all its content" in on_account["decision_facts"]
    [on_post] = [st for puid, st in statements.items() if puid != on_account["puid"]]
    assert on_post["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert "decision_account" not in on_post
    assert dt.date.fromisoformat(on_account["application_date"])
