"""Deciding a selection of queue items in Chromium: items of two requests and two
jurisdictions ticked in the queue, one decision for all, each item's result on a page of
results (an item waiting for another step refused, the others decided); axe-core finds
nothing on the queue or the results, at 1440 and 360 px."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from tests.browser.conftest import NARROW, axe_violations, h1_count, scroll_width, sign_in_with_keyboard
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _clean(page: Any, what: str) -> None:
    """axe finds nothing, one h1, no sideways scroll at 360 px."""
    assert axe_violations(page) == [], what
    assert h1_count(page) == 1
    before = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert scroll_width(page) <= NARROW, f"{what} scrolls sideways at 360 px"
    assert axe_violations(page) == [], f"{what} at 360 px"
    page.set_viewport_size(before)


def _step(live_server: Any, who: Any, items: list[int], step: str, finding: str) -> None:
    with live_server.client(who) as api:
        r = api.post("/api/v1/queue/bulk", json={"action": "review", "item_ids": items,
                                                 "review": {"step": step, "finding": finding}})
        assert r.status_code == 200 and all(x["ok"] for x in r.json()["results"]), r.text


def test_a_reviewer_decides_a_mixed_selection(live_server, new_page, make_user, platform, kz_ministry,
                                             de_court, screenshot) -> None:
    alice = make_user("alice@docket.test", "reviewer", password=PASSWORD)
    bob = make_user("bob@docket.test", "legal", password=PASSWORD)
    items: dict[str, list[int]] = {}
    with live_server.client(platform) as api:
        for n in range(1, 4):
            r = api.post("/api/v1/content", json={"id": f"post-{n}", "url": f"https://social.example/@x/{n}",
                                                  "type": "post", "author_id": f"author-{n}"})
            assert r.status_code in (200, 201), r.text
    for who, country, law, urls in ((kz_ministry, "KZ", "kz-informatization-18-2", [1, 2]),
                                    (de_court, "DE", "de-netzdg-3", [3])):
        with live_server.client(who) as api:
            r = api.post("/api/v1/requests", json={
                "jurisdiction": country, "reason": "hate_speech", "legal_basis": [{"law": law}],
                "explanation": "Insults an official.",
                "items": [{"url": f"https://social.example/@x/{n}"} for n in urls]})
            assert r.status_code == 201, r.text
            items[country] = [i["id"] for i in r.json()["items"]]
    (kz0, kz1), [de0] = items["KZ"], items["DE"]
    _step(live_server, alice, [kz0, kz1, de0], "policy", "compliant")
    _step(live_server, bob, [kz0, de0], "legal", "lawful")  # kz1 still waits for its legal review

    page = new_page()
    sign_in_with_keyboard(page, "alice@docket.test", PASSWORD)
    page.goto("/console")
    _clean(page, "the queue with the selection's actions")
    for item in (kz0, kz1, de0):
        page.get_by_label(f"Select item {item}").check()
    selection = page.locator("#bulk")
    selection.get_by_label("Outcome").select_option("no_action")
    selection.get_by_label("Explanation").fill("Sharp but lawful criticism of an official.")
    selection.get_by_role("button", name="Decide the selected").click()
    page.wait_for_url("**/console/bulk")
    assert page.get_by_role("heading", level=1).inner_text() == "Results of the selection"
    assert "2 of 3 items done" in page.get_by_role("status").inner_text()
    refused = page.locator(f'#bulk-results tr[data-item="{kz1}"]')
    assert "refused" in refused.inner_text()
    assert f"item {kz1} waits for the legal review, not a decision" in refused.inner_text()
    for done in (kz0, de0):
        assert "decided: no_action" in page.locator(f'#bulk-results tr[data-item="{done}"]').inner_text()
    _clean(page, "the selection's results")
    screenshot(page, "bulk-decide-results")
    page.get_by_role("link", name="Back to the queue").click()
    page.wait_for_url("**/console")
    left = [int(x) for x in page.locator("tr[data-item]").evaluate_all("rs => rs.map(r => r.dataset.item)")]
    assert kz1 in left and kz0 not in left and de0 not in left
