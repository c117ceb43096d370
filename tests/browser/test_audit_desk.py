"""The auditor's desk in Chromium: Erin signs in, filters the log, verifies it, opens the
verifiable log; no console error (the favicon included), no WCAG A/AA violation, no
sideways scroll at 360 px."""

from __future__ import annotations

from typing import Any

import pytest

from docket import audit
from docket.store import transaction
from tests.browser.conftest import NARROW, axe_violations, h1_count, scroll_width, sign_in_with_keyboard, tab_to
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_erin_reads_filters_and_verifies_the_log(page: Any, live_server: Any, make_user: Any,
                                                 sessions: Any, screenshot: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    make_user("erin@docket.example", "auditor", password=PASSWORD)
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("user:7", "item:decided", f"item:{i}", {"outcome": "no_action", "note": "x" * 90})
            for i in range(3)])
    sign_in_with_keyboard(page, "erin@docket.example", PASSWORD)
    assert page.url == f"{live_server.url}/audit"
    nav = page.locator('nav[aria-label="Main"]').inner_text()
    assert "Audit log" in nav and "Queue" not in nav and "Admin" not in nav
    assert h1_count(page) == 1
    assert axe_violations(page) == []

    tab_to(page, "#f-subject")
    page.keyboard.type("item:1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".event").count() == 1
    screenshot(page, "audit-log")

    tab_to(page, "form[action='/audit/verify'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Audit chain intact" in page.locator("[role=status]").inner_text()
    assert axe_violations(page) == []

    page.goto("/audit/log")
    assert h1_count(page) == 1
    assert axe_violations(page) == []
    for path in ("/audit/log", "/audit?since=not-a-date"):
        page.goto(path)
        page.set_viewport_size({"width": NARROW, "height": 900})
        assert scroll_width(page) <= NARROW, path
        assert axe_violations(page) == []
        page.set_viewport_size({"width": 1440, "height": 900})
    assert errors == []
