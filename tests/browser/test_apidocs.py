"""The API documentation pages in a real browser with no internet: every request that
does not go to the loopback address is refused, and Swagger UI and ReDoc still render
every operation, under the pages' own policy (docket.web.apidocs, docket.web.headers)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_security_headers import refusals

pytestmark = pytest.mark.browser


def offline(page: Any) -> list[str]:
    """Refuse every request that leaves the machine; the list of refused URLs."""
    refused: list[str] = []

    def handle(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return refused


def errors_of(page: Any) -> list[str]:
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def test_swagger_ui_renders_every_operation_offline(page: Any, live_server: Any,
                                                    screenshot: Any) -> None:
    refused, seen, crashed = offline(page), refusals(page), errors_of(page)
    page.goto("/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    operations = page.locator(".opblock").count()
    document = live_server.app.openapi()
    assert operations == sum(len(methods) for methods in document["paths"].values())
    assert page.locator(".opblock-tag", has_text="intake").count() == 1
    # "Authorize" takes docket's bearer token.
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".dialog-ux")
    assert "HTTP, Bearer" in dialog.inner_text() or "bearer" in dialog.inner_text().lower()
    screenshot(page, "apidocs-swagger")
    page.keyboard.press("Escape")
    assert refused == [] and seen == [] and crashed == []
    # The vendor's page is not held to docket's accessibility bar; reported, not asserted.
    print("axe on /docs:", axe_violations(page))


def test_redoc_renders_every_operation_offline(page: Any, live_server: Any, tmp_path: Any,
                                               ) -> None:
    refused, seen, crashed = offline(page), refusals(page), errors_of(page)
    page.goto("/redoc")
    page.wait_for_selector("[data-section-id^='operation/']", state="attached", timeout=30_000)
    document = live_server.app.openapi()
    assert page.locator("[data-section-id^='operation/']").count() == sum(
        len(methods) for methods in document["paths"].values())
    assert page.locator("[data-section-id='tag/intake']").count() == 1
    page.screenshot(path=tmp_path / "apidocs-redoc.png")  # the first screen: the whole is too long
    # ReDoc's "API docs by Redocly" shows its logo from its own site: the policy refuses
    # that image, and nothing else.
    assert all("cdn.redoc.ly" in text for text in seen), seen
    assert refused == [] and crashed == []
    print("axe on /redoc:", axe_violations(page))
