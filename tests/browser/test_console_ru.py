"""The console in Russian, in Chromium: a reviewer picks Русский in the header's switcher and
reads the queue and an item's page in Russian; axe-core finds nothing at 1440 and 360 px, and
nothing scrolls sideways at 360 px."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from tests.browser.conftest import NARROW, axe_violations, h1_count, scroll_width, sign_in_with_keyboard
from tests.browser.test_desk_flow import _item
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _clean_at_360(page: Any, what: str) -> None:
    assert axe_violations(page) == [], what
    assert h1_count(page) == 1
    before = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert scroll_width(page) <= NARROW, f"{what} scrolls sideways at 360 px"
    assert axe_violations(page) == [], f"{what} at 360 px"
    page.set_viewport_size(before)


def test_a_reviewer_reads_the_queue_and_an_item_in_russian(
    live_server, new_page, make_user, platform, kz_ministry, screenshot
) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    item = _item(live_server, platform, kz_ministry, 1)
    alice = new_page()
    sign_in_with_keyboard(alice, "alice@docket.test", PASSWORD)
    alice.goto("/console")
    assert alice.get_by_role("heading", level=1).inner_text() == "Review queue"
    alice.get_by_role("button", name="Русский").click()
    alice.wait_for_url("**/console")
    assert alice.get_by_role("heading", level=1).inner_text() == "Очередь на рассмотрение"
    assert alice.locator("html").get_attribute("lang") == "ru"
    assert alice.get_by_role("navigation", name="Консоль").get_by_role("link", name="Обжалования").is_visible()
    row = alice.locator(f'tr[data-item="{item}"]')
    assert row.get_by_role("link", name=f"Элемент {item}").is_visible()
    _clean_at_360(alice, "the queue in Russian")
    screenshot(alice, "console-ru-queue")

    row.get_by_role("button", name=f"Взять в работу элемент {item}").click()
    alice.goto(f"/console/items/{item}")
    assert alice.get_by_role("heading", level=1).inner_text().startswith(f"Элемент {item}")
    assert alice.get_by_role("heading", name="Следующий шаг").is_visible()
    assert "В работе у: вы" in alice.locator("#claim-heading").locator("xpath=..").inner_text()
    _clean_at_360(alice, "an item's page in Russian")
    screenshot(alice, "console-ru-item")


def test_a_lead_reads_the_dashboard_and_the_audit_log_in_russian(
    live_server, new_page, make_user, platform, kz_ministry, screenshot
) -> None:
    make_user("olga@docket.test", "lead", "auditor", password=PASSWORD)
    _item(live_server, platform, kz_ministry, 1)
    olga = new_page()
    sign_in_with_keyboard(olga, "olga@docket.test", PASSWORD)
    olga.goto("/console/dashboard")
    assert olga.get_by_role("heading", level=1).inner_text() == "Dashboard"
    olga.get_by_role("button", name="Русский").click()
    olga.wait_for_url("**/console/dashboard")
    assert olga.locator("html").get_attribute("lang") == "ru"
    assert olga.get_by_role("heading", level=1).inner_text() == "Сводка"
    assert olga.get_by_role("heading", name="Очередь по юрисдикциям и шагам").is_visible()
    assert olga.get_by_role("img", name="Открытые элементы по юрисдикциям (те же цифры — в таблице ниже)").is_visible()
    assert "Open items" not in olga.locator("main").inner_text()
    _clean_at_360(olga, "the dashboard in Russian")
    screenshot(olga, "console-ru-dashboard")

    olga.get_by_role("link", name="Журнал аудита").click()
    olga.wait_for_url("**/audit")
    assert olga.get_by_role("heading", level=1).inner_text() == "Журнал аудита"
    assert olga.get_by_role("navigation", name="Рабочее место аудитора").get_by_role(
        "link", name="Проверяемый журнал").is_visible()
    olga.get_by_role("button", name="Проверить журнал сейчас").click()
    olga.wait_for_url("**/audit")
    assert "Цепочка аудита цела" in olga.get_by_role("status").first.inner_text()
    _clean_at_360(olga, "the audit log in Russian")
    screenshot(olga, "console-ru-audit")

    olga.goto("/audit/log")
    assert olga.get_by_role("heading", level=1).inner_text() == "Проверяемый журнал"
    _clean_at_360(olga, "the verifiable log in Russian")
