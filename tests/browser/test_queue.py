"""The queue for daily work and the lead's dashboard in Chromium: a search, a saved view, a
bulk claim, keyboard navigation (desk.js), the queue at 360 px, the dashboard; axe-core
finds no WCAG A/AA violation on any of these pages."""

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


@pytest.fixture
def desk(live_server: Any, make_user: Any, platform: Any, kz_ministry: Any, de_court: Any) -> dict[str, Any]:
    """Three KZ items from the ministry, one DE item from the court; Alice (reviewer), Lena (lead)."""
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    make_user("lena@docket.test", "lead", password=PASSWORD)
    items: dict[str, list[int]] = {}
    with live_server.client(platform) as api:
        for n in range(1, 5):
            r = api.post("/api/v1/content", json={"id": f"post-{n}", "url": f"https://social.example/@x/{n}",
                                                  "type": "post", "author_id": f"author-{n}"})
            assert r.status_code in (200, 201), r.text
    for who, country, law, urls, ref in (
            (kz_ministry, "KZ", "kz-informatization-18-2", [1, 2, 3], "MISD-2026/1"),
            (de_court, "DE", "de-netzdg-3", [4], "LG-27-O-123/26")):
        with live_server.client(who) as api:
            r = api.post("/api/v1/requests", json={
                "jurisdiction": country, "reason": "hate_speech", "reference": ref, "legal_basis": [{"law": law}],
                "explanation": "Calls for violence.",
                "items": [{"url": f"https://social.example/@x/{n}"} for n in urls]})
            assert r.status_code == 201, r.text
            items[country] = [i["id"] for i in r.json()["items"]]
    return items


def rows(page: Any) -> list[int]:
    return [int(x) for x in page.locator("tr[data-item]").evaluate_all("rs => rs.map(r => r.dataset.item)")]


def test_search_save_a_view_and_claim_in_bulk(page: Any, desk: dict[str, Any]) -> None:
    sign_in_with_keyboard(page, "alice@docket.test", PASSWORD)
    page.goto("/console")
    assert sorted(rows(page)) == sorted(desk["KZ"] + desk["DE"])
    assert axe_violations(page) == []
    page.get_by_label("Requester (part of the name)").fill("landgericht")
    page.get_by_role("button", name="Show").click()
    assert rows(page) == desk["DE"]
    # Save the search as a view; it is listed above the queue and brings the search back.
    page.get_by_role("link", name="Save these filters as a view").click()
    assert axe_violations(page) == []
    page.get_by_label("Name of the view").fill("German court")
    page.get_by_role("button", name="Save the view").click()
    assert "View “German court” saved" in page.locator(".flash").first.inner_text()
    page.goto("/console")
    page.get_by_role("link", name="German court").click()
    assert rows(page) == desk["DE"]
    # A bulk claim of two KZ items.
    page.goto("/console?jurisdiction=KZ")
    first, second = desk["KZ"][0], desk["KZ"][1]
    page.get_by_label(f"Select item {first}").check()
    page.get_by_label(f"Select item {second}").check()
    page.get_by_role("button", name="Claim the selected").click()
    flashes = page.locator(".flash").all_inner_texts()
    assert "Claim: 2 of 2 items done." in flashes[0]
    assert any(f"Item {first}: claimed until" in f for f in flashes)
    assert page.locator(f'tr[data-item="{first}"]').get_by_text("you").count() == 1
    assert h1_count(page) == 1
    assert axe_violations(page) == []


def test_keyboard_shortcuts_move_open_and_claim(page: Any, desk: dict[str, Any]) -> None:
    sign_in_with_keyboard(page, "alice@docket.test", PASSWORD)
    page.goto("/console?sort=deadline")
    order = rows(page)
    page.locator("h1").click()  # the focus on the page, not in a field
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("tr.current").get_attribute("data-item") == str(order[1])
    page.keyboard.press("k")
    assert page.locator("tr.current").get_attribute("data-item") == str(order[0])
    assert page.evaluate("document.activeElement.textContent") == f"Item {order[0]}"
    page.keyboard.press("?")
    assert page.locator("#shortcut-help").is_visible()
    page.keyboard.press("?")
    page.keyboard.press("c")
    page.wait_for_url("**/console?sort=deadline")
    assert "You claimed item" in page.locator(".flash").first.inner_text()
    page.locator("h1").click()
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url.endswith(f"/console/items/{order[0]}")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.closest('form').action").endswith(f"/items/{order[0]}/review")


def test_the_queue_at_360_px_and_the_dashboard(new_page: Any, desk: dict[str, Any], screenshot: Any) -> None:
    page = new_page(width=NARROW)
    sign_in_with_keyboard(page, "alice@docket.test", PASSWORD)
    page.goto("/console")
    assert scroll_width(page) <= NARROW
    # Rows are cards: each cell says what it is.
    assert page.locator(f'tr[data-item="{desk["KZ"][0]}"] td[data-label="Jurisdiction"]').is_visible()
    screenshot(page, "console-queue")
    assert axe_violations(page) == []
    assert page.goto("/console/dashboard").status == 403
    lead = new_page()
    sign_in_with_keyboard(lead, "lena@docket.test", PASSWORD)
    lead.goto("/console/dashboard")
    assert h1_count(lead) == 1
    assert lead.locator("svg[role=img]").count() >= 1
    assert lead.get_by_role("table", name="Open items by jurisdiction and step").is_visible()
    assert axe_violations(lead) == []
    screenshot(lead, "console-dashboard")
    lead.set_viewport_size({"width": NARROW, "height": 900})
    assert scroll_width(lead) <= NARROW
