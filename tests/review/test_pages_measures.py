"""The console's item page for an account a request asks to restrict."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from tests.web.conftest import PASSWORD, sign_in


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: sign-in's cost is tested in tests/web."""
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_the_item_page_says_the_account_is_asked_restricted(web, client, platform, kz_ministry, make_user) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "acct-5", "url": "https://social.example/@five", "type": "account", "author_id": "five"})
    sent = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
        "legal_basis": [{"law": "kz-online-platforms-9"}],
        "measures": [{"kind": "restrict_account", "account": "acct-5", "everywhere": True, "fallback": True}]}).json()
    assert sign_in(web, "alice@docket.test").status_code == 303
    page = web.get(f"/console/items/{sent['items'][0]['id']}")
    assert page.status_code == 200
    assert "The request asks to restrict this account" in page.text and "everywhere" in page.text
    assert "at least in" in page.text
