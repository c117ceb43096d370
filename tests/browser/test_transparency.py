"""The transparency site in Chromium, as a researcher uses it: the archive, a period, a
country, a download, another language; accessible at 1440 and 360 px, no sideways scroll."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from docket import store
from docket.jobs import TransparencyJobs
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


def test_a_revised_period_says_so_in_the_readers_language(page: Any, live_server: Any, history: Any,  # noqa: F811
                                                          sessions: Any, settings: Any, kz_ministry: Any,
                                                          send: Any) -> None:  # noqa: F811
    worker = TransparencyJobs(sessions, settings)
    assert worker.run_once() == {"2026-H1": "published"}
    late = send(kz_ministry)  # a request received in 2026-H1 that reached docket late
    with store.transaction(sessions) as s:
        for table, column in (("requests", "id"), ("items", "request_id")):
            s.execute(text(f"UPDATE {table} SET received_at = :t WHERE {column} = :r"),
                      {"t": dt.datetime(2026, 5, 2, 9, 0), "r": late["id"]})
    assert worker.run_once() == {"2026-H1": "revised"}
    for lang, words in (("kk", "қайта қаралды"), ("tr", "tarihinde güncellendi")):
        page.goto(f"/transparency/2026-H1?lang={lang}")
        note = page.get_by_role("note")
        assert words in note.inner_text()
        _accessible_at_both_widths(page)
