"""The portal in the browser, as a liaison uses it: reading that an appeal reversed a
restriction (and when), replying to the reviewers in the request's thread, the portal in
Russian and Kazakh, the CSV download, and every portal page checked by axe-core, by
keyboard and at 360 px."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from docket.appeals import tokens
from tests.browser.conftest import NARROW, axe_violations, h1_count, scroll_width, sign_in_with_keyboard, tab_to
from tests.conftest import SECRET
from tests.web.conftest import PASSWORD, post_form

pytestmark = pytest.mark.browser

OFFICIAL = "aigerim@mid.kz.example"
REVIEWER = "bob.portal@docket.test"


def _reversed_restriction(web: Any, decided: Any, make_user: Any) -> dict[str, Any]:
    """The ministry's restriction of post-9, appealed by its author and reversed."""
    token = tokens.make(SECRET, decided())
    post_form(web, f"/appeal?token={token}", "/appeal", {"token": token, "statement": "This is reporting."})
    judge = make_user("grace@docket.test", "legal", "reviewer")
    [appeal] = web.get("/api/v1/appeals?status=open", headers=judge.headers).json()
    r = web.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=judge.headers,
                 json={"outcome": "reversed", "explanation": "Reporting."})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _request_id(live_server: Any, kz_ministry: Any) -> int:
    with live_server.client(kz_ministry) as api:
        return int(api.get("/api/v1/requests").json()["requests"][0]["id"])


def test_a_liaison_reads_a_reversal_and_replies_in_the_thread(
        live_server: Any, new_page: Any, web: Any, decided: Any, make_user: Any, make_person: Any,
        kz_ministry: Any, screenshot: Any) -> None:
    appeal = _reversed_restriction(web, decided, make_user)
    make_person(kz_ministry, OFFICIAL, "Aigerim Nurlanovna")
    make_user(REVIEWER, "reviewer", password=PASSWORD)
    request_id = _request_id(live_server, kz_ministry)

    official = new_page()
    sign_in_with_keyboard(official, OFFICIAL, PASSWORD)
    official.goto(f"/portal/requests/{request_id}")
    day = appeal["decided_at"][:10]
    status = official.locator(".item-status").first.inner_text()
    assert f"The decision was reversed on appeal on {day}" in status
    assert f"The restriction was lifted on {day}" in status and "not restricted" in status

    # The reviewers write first (the console's form); the liaison answers by keyboard alone.
    reviewer = new_page()
    sign_in_with_keyboard(reviewer, REVIEWER, PASSWORD)
    reviewer.goto(f"/console/requests/{request_id}")
    reviewer.get_by_label("Message to the authority").fill("The author's appeal succeeded; the post is reporting.")
    _submit(reviewer, "Send to the authority")

    official.reload()
    thread = official.locator("#messages .thread").inner_text()
    assert "The author's appeal succeeded" in thread and "The reviewers" in thread
    tab_to(official, "#f-message-body")
    official.keyboard.type("Understood. We accept the reversal.")
    tab_to(official, "#messages button[type=submit]")
    with official.expect_navigation():
        official.keyboard.press("Enter")
    assert "Your message is sent to the reviewers." in official.locator("main [role=status]").first.inner_text()
    assert "Understood. We accept the reversal." in official.locator("#messages .thread").inner_text()
    assert axe_violations(official) == []
    screenshot(official, "portal-request-thread")

    reviewer.goto("/console/messages")
    reviewer.get_by_role("link", name=f"Request {request_id}").click()
    reviewer.wait_for_load_state()
    assert "Understood. We accept the reversal." in reviewer.locator("#messages").inner_text()


def test_the_portal_in_russian_and_kazakh(live_server: Any, new_page: Any, web: Any, decided: Any,
                                          make_user: Any, make_person: Any, kz_ministry: Any,
                                          screenshot: Any) -> None:
    _reversed_restriction(web, decided, make_user)
    make_person(kz_ministry, OFFICIAL)
    request_id = _request_id(live_server, kz_ministry)
    official = new_page()
    sign_in_with_keyboard(official, OFFICIAL, PASSWORD)
    official.goto(f"/portal/requests/{request_id}")
    with official.expect_navigation():
        official.get_by_role("button", name="Русский").click()
    assert official.url.endswith(f"/portal/requests/{request_id}")
    assert official.locator("html").get_attribute("lang") == "ru"
    assert official.locator("h1").inner_text().startswith(f"Запрос {request_id}")
    assert "Решение отменено по жалобе" in official.locator(".item-status").first.inner_text()
    assert axe_violations(official) == []
    screenshot(official, "portal-request-ru")
    official.goto("/portal")
    assert official.locator("h1").inner_text() == "Ваши запросы"
    with official.expect_navigation():
        official.get_by_role("button", name="Қазақша").click()
    assert official.locator("html").get_attribute("lang") == "kk"
    assert official.locator("h1").inner_text() == "Сіздің сұрауларыңыз"
    assert "Сұрау жіберу" in official.locator(".portal-nav").inner_text()
    assert axe_violations(official) == []
    screenshot(official, "portal-requests-kk")


def test_the_liaison_downloads_the_csv(live_server: Any, new_page: Any, web: Any, decided: Any,
                                       make_user: Any, make_person: Any, kz_ministry: Any) -> None:
    _reversed_restriction(web, decided, make_user)
    make_person(kz_ministry, OFFICIAL)
    official = new_page()
    sign_in_with_keyboard(official, OFFICIAL, PASSWORD)
    official.goto("/portal")
    with official.expect_download() as download:
        official.get_by_role("link", name="Download all as CSV").click()
    assert download.value.suggested_filename == "requests.csv"
    [row] = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert row["outcome"] == "restricted" and row["last_appeal_outcome"] == "reversed" and row["reversed_at"]


def test_every_portal_page_passes_axe_by_keyboard_and_at_360_px(
        live_server: Any, new_page: Any, web: Any, decided: Any, make_user: Any, make_person: Any,
        kz_ministry: Any) -> None:
    _reversed_restriction(web, decided, make_user)
    make_person(kz_ministry, OFFICIAL)
    request_id = _request_id(live_server, kz_ministry)
    paths = ["/portal", "/portal/requests/new", f"/portal/requests/{request_id}",
             f"/portal/requests/{request_id}/letter", "/portal/tokens"]
    for width in (1440, NARROW):
        official = new_page(width=width)
        sign_in_with_keyboard(official, OFFICIAL, PASSWORD)
        for path in paths:
            official.goto(path)
            assert h1_count(official) == 1, path
            assert axe_violations(official) == [], (path, width)
            assert scroll_width(official) <= width, (path, width)
    # A token made by keyboard alone: its page passes too.
    official.goto("/portal/tokens")
    tab_to(official, "#f-name")
    official.keyboard.type("case system")
    with official.expect_navigation():
        official.keyboard.press("Enter")
    assert re.search(r"Your new API token", official.locator("h1").inner_text())
    assert axe_violations(official) == [] and scroll_width(official) <= NARROW
