"""The transparency site in Chromium, as a researcher uses it: the archive, a period, a
country, a download, another language; accessible at 1440 and 360 px, no sideways scroll."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import NARROW, WIDE, axe_violations, h1_count, scroll_width
from tests.review.conftest import send  # noqa: F401  (the history's fixture)
from tests.transparency.conftest import history  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def _accessible_at_both_widths(page: Any) -> None:
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], (page.url, width)
        assert h1_count(page) == 1
        if width == NARROW:
            assert scroll_width(page) <= NARROW, page.url


def test_a_reader_goes_from_the_archive_to_a_country_and_downloads_a_table(
        page: Any, live_server: Any, history: Any, screenshot: Any) -> None:  # noqa: F811
    page.goto("/transparency?period=2026-H1")
    assert page.title().startswith("Transparency report 2026-H1")
    _accessible_at_both_widths(page)
    page.set_viewport_size({"width": WIDE, "height": 900})
    # The archive: the period's own page.
    page.get_by_role("region", name="Published periods").get_by_role("link", name="2026-H1").click()
    page.wait_for_url("**/transparency/2026-H1?lang=en")
    # A country.
    page.get_by_role("region", name="Countries").get_by_role("link", name="Kazakhstan").click()
    page.wait_for_url("**/transparency/2026-H1/countries/KZ?lang=en")
    assert page.locator("h1").inner_text() == "Kazakhstan (KZ): 2026-H1"
    assert page.get_by_role("table", name="Items by statutory clock").is_visible()
    _accessible_at_both_widths(page)
    screenshot(page, "transparency-country")
    page.set_viewport_size({"width": WIDE, "height": 900})
    # Back to the period, and download Google's detailed file.
    page.get_by_role("navigation").get_by_role("link", name="2026-H1").click()
    with page.expect_download() as download:
        page.locator('a[href="/transparency/2026-H1/downloads/google-detailed.csv"]').click()
    assert download.value.suggested_filename == "docket-2026-H1-google-detailed.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("Period Ending,Country/Region,CLDR Territory Code,Product,Reason,Total")
    assert "Kazakhstan,KZ" in text
    screenshot(page, "transparency-period")


def test_a_reader_switches_the_language(page: Any, live_server: Any, history: Any) -> None:  # noqa: F811
    page.goto("/transparency/2026-H1")
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/transparency/2026-H1?lang=ru")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Отчёт о прозрачности: 2026-H1"
    assert page.get_by_role("link", name="Казахстан").is_visible()
    _accessible_at_both_widths(page)
    # The language follows the reader to a country page.
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.get_by_role("link", name="Казахстан").click()
    page.wait_for_url("**/countries/KZ?lang=ru")
    assert "Государственный орган" in page.locator("main").inner_text()
    page.get_by_role("link", name="Қазақша").click()
    assert page.locator("h1").inner_text().startswith("Қазақстан (KZ)")
    _accessible_at_both_widths(page)
