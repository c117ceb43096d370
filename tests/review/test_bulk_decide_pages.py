"""The queue's selection in the console: a finding or a decision for the selected items,
with each item's result on a page of results (no script needed)."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from tests.web.conftest import PASSWORD, csrf_of, sign_in


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _as(web: Any, make_user: Any, email: str, *roles: str, **kw: Any) -> Any:
    make_user(email, *roles, password=PASSWORD, **kw)
    web.cookies.clear()
    assert sign_in(web, email).status_code == 303
    web.csrf = csrf_of(web, "/")
    return web


def _bulk(web: Any, **data: Any) -> Any:
    return web.post("/console/bulk", data={"back": "/console", "csrf_token": web.csrf, **data},
                    follow_redirects=False)


def test_the_selection_records_a_finding_and_decides_showing_each_result(
        web: Any, make_user: Any, send: Any, kz_ministry: Any, de_court: Any, act: Any, reviewer_alice: Any) -> None:
    kz = [i["id"] for i in send(kz_ministry, 2)["items"]]
    [de] = [i["id"] for i in send(de_court, 1, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"]]
    act(reviewer_alice, f"/items/{kz[1]}/review", step="policy", finding="compliant")
    _as(web, make_user, "rosa@docket.test", "local_representative", jurisdictions=("KZ",))
    page = web.get("/console").text
    assert '<option value="policy:compliant">Policy review: Within the platform' in page
    assert 'name="action" value="decide"' in page and 'name="action" value="review"' in page
    done = _bulk(web, action="review", finding="policy:compliant", item_ids=[str(kz[0]), str(kz[1]), str(de)])
    assert done.status_code == 200, done.text
    assert "Finding Within the platform's rules (Policy review): 1 of 3 items done." in done.text
    assert f"item {kz[1]} waits for the legal review, not the policy review" in done.text
    assert f"no item {de}" in done.text
    def state(item_id: int) -> str:
        return str(web.get(f"/api/v1/items/{item_id}", headers=reviewer_alice.headers).json()["status"])

    assert (state(kz[0]), state(kz[1]), state(de)) == ("legal_review", "legal_review", "received")
    missing = _bulk(web, action="decide", outcome="no_action", item_ids=[str(kz[0])])
    assert missing.status_code == 303
    assert "Choose the outcome and write the explanation" in web.get("/console").text
    decided = _bulk(web, action="decide", outcome="no_action", explanation="Lawful.", item_ids=[str(kz[0])])
    assert "Decision No action: lawful: 0 of 1 items done." in decided.text
    assert f"item {kz[0]} waits for the legal review, not a decision" in decided.text
