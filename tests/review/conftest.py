from __future__ import annotations

from typing import Any

import pytest

from tests.intake.conftest import KZ_BODY


@pytest.fixture
def send(client: Any, platform: Any) -> Any:
    """Send a request and return the answer; ``n`` items, each registered content
    (``post-N`` at ``https://social.example/@x/N``, by author ``author-N``)."""
    counter = iter(range(10_000))

    def go(who: Any, n: int = 1, **changes: Any) -> dict[str, Any]:
        numbers = [next(counter) for _ in range(n)]
        for number in numbers:
            r = client.post("/api/v1/content", headers=platform.headers, json={
                "id": f"post-{number}", "url": f"https://social.example/@x/{number}", "type": "post",
                "author_id": f"author-{number}", "language": "ru"})
            assert r.status_code in (200, 201), r.text
        body = {**KZ_BODY, "items": [{"url": f"https://social.example/@x/{number}"} for number in numbers]}
        body.update(changes)
        body = {k: v for k, v in body.items() if v is not None}
        r = client.post("/api/v1/requests", json=body, headers=who.headers)
        assert r.status_code == 201, r.text
        return r.json()

    return go


@pytest.fixture
def reviewed_to_rights(act: Any, reviewer_alice: Any, bob_legal: Any) -> Any:
    """Take an item through policy (compliant) and legal (illegal) review."""

    def go(item_id: int) -> None:
        act(reviewer_alice, f"/items/{item_id}/review", step="policy", finding="compliant")
        act(bob_legal, f"/items/{item_id}/review", step="legal", finding="illegal")

    return go
