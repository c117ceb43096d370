"""Signing in with the keyboard only, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import focus_outline, sign_in_with_keyboard, tab_to
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_staff_sign_in_with_the_keyboard_lands_on_the_queue(
        page: Any, live_server: Any, make_user: Any, screenshot: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    page.goto("/sign-in")
    screenshot(page, "sign-in")
    sign_in_with_keyboard(page, "alice@docket.example", PASSWORD)
    assert page.url == f"{live_server.url}/console"
    assert "alice@docket.example" in page.locator("header").inner_text()


def test_an_official_signs_in_to_the_portal(page: Any, live_server: Any, kz_ministry: Any,
                                            make_person: Any) -> None:
    make_person(kz_ministry, "aigerim@misd.example.kz", "Aigerim")
    sign_in_with_keyboard(page, "aigerim@misd.example.kz", PASSWORD)
    assert page.url == f"{live_server.url}/portal"
    assert "Aigerim" in page.locator("header").inner_text()


def test_sign_in_goes_back_to_the_page_asked_for(page: Any, live_server: Any,
                                                 make_user: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    page.goto("/sign-in?next=/withheld")
    tab_to(page, "#f-email")
    page.keyboard.type("alice@docket.example")
    tab_to(page, "#f-password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/withheld"


def test_a_wrong_password_keeps_the_address_and_the_focus_is_visible(page: Any,
                                                                     make_user: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    page.goto("/sign-in")
    tab_to(page, "#f-email")
    assert focus_outline(page) != "none"
    page.keyboard.type("alice@docket.example")
    tab_to(page, "#f-password")
    page.keyboard.type("not the password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.locator("[role=alert]").inner_text()
    assert "the e-mail address or the password is wrong" in alert
    assert page.input_value("#f-email") == "alice@docket.example"
    tab_to(page, "button[type=submit]")
    assert focus_outline(page) != "none"
