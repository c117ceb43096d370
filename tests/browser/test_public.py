"""The public pages in Chromium: report content, appeal, the withheld notice; one heading and
a title each, visible focus, and no sideways scrolling at 360 px."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from docket.appeals import tokens
from tests.browser.conftest import NARROW, focus_outline, h1_count, scroll_width, tab_to
from tests.conftest import SECRET
from tests.notices.receivers import SmtpReceiver

pytestmark = pytest.mark.browser

URL = "https://social.example/@troll/4242"


def _restrict(server: Any, platform: Any, kz_ministry: Any, people: tuple[Any, ...],
              author_contact: str | None = None) -> int:
    """Content post-9 restricted in Kazakhstan through the live server's API; the decision id."""
    alice, bob, carol, dana = people
    with server.client(platform) as api:
        assert api.post("/api/v1/content", json={
            "id": "post-9", "url": "https://social.example/@aidos/9", "type": "post",
            "text": "The akim took the money; here is the video.",
            "author_contact": author_contact}).status_code in (200, 201)
    with server.client(kz_ministry) as api:
        request = api.post("/api/v1/requests", json={
            "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
            "legal_basis": [{"law": "kz-online-platforms-9"}],
            "items": [{"content_id": "post-9"}]}).json()
    item = request["items"][0]["id"]
    for who, step, finding in ((alice, "policy", "compliant"), (bob, "legal", "illegal"),
                               (carol, "rights", "no_concern")):
        with server.client(who) as api:
            r = api.post(f"/api/v1/items/{item}/review", json={"step": step, "finding": finding})
            assert r.status_code == 200, r.text
    with server.client(dana) as api:
        r = api.post(f"/api/v1/items/{item}/decision", json={
            "outcome": "restricted", "explanation": "Calls for violence against a named official."})
        assert r.status_code == 201, r.text
    with server.client(platform) as api:  # the index follows the feed within a second
        deadline = time.monotonic() + 30
        while api.get("/api/v1/visibility", params={"content_id": "post-9", "country": "KZ"}
                      ).json()["visible"] and time.monotonic() < deadline:
            time.sleep(0.05)
    return int(r.json()["id"])


@pytest.fixture
def restricted(live_server: Any, platform: Any, kz_ministry: Any, reviewer_alice: Any,
               bob_legal: Any, carol_rights: Any, dana_kz: Any) -> int:
    return _restrict(live_server, platform, kz_ministry,
                     (reviewer_alice, bob_legal, carol_rights, dana_kz))


def test_a_report_sent_in_the_browser_is_confirmed_and_in_the_api(
        page: Any, live_server: Any, reviewer_alice: Any, screenshot: Any) -> None:
    page.goto("/report")
    screenshot(page, "report")
    page.get_by_label("Address (URL) of the content").fill(URL)
    page.get_by_label("What is wrong with it").select_option("cyberbullying")
    page.get_by_label("Illegal under the law of").select_option("KZ")
    page.get_by_label("Why").fill("Insults my daughter every day and posts her photo.")
    page.get_by_label("Your name").fill("Aruzhan S.")
    page.get_by_label("Your e-mail address").fill("aruzhan@mail.example")
    page.get_by_label("I am confident, in good faith").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the report").click()
    assert page.locator("h1").inner_text() == "Thank you: your report was received"
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"R-\d+", reference)
    assert "Article 16" in page.locator("main").inner_text()
    screenshot(page, "report-sent")
    with live_server.client(reviewer_alice) as api:
        queue = api.get("/api/v1/queue").json()["items"]
        [item] = [row["id"] for row in queue if row.get("url") == URL]
        reports = api.get(f"/api/v1/items/{item}/reports").json()
    assert [f"R-{r['id']}" for r in reports] == [reference]
    assert reports[0]["channel"] == "form" and reports[0]["art16_notice"] is True


def test_a_form_error_is_next_to_its_field_and_the_values_are_kept(page: Any,
                                                                   screenshot: Any) -> None:
    page.goto("/report")
    page.get_by_label("Address (URL) of the content").fill(URL)
    page.get_by_label("What is wrong with it").select_option("hate_speech")
    page.get_by_label("Why").fill("Slurs against my neighbours.")
    page.get_by_label("Your e-mail address").fill("not-an-address")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the report").click()
    email = page.locator("#f-reporter_email")
    error = page.locator("#reporter_email-error")
    assert error.is_visible() and "e-mail address" in error.inner_text()
    # Next to the field: in the same field block, right after the input, and announced with it.
    beside = page.locator(".field", has=email).locator(".field-error")
    assert beside.inner_text() == error.inner_text()
    assert "reporter_email-error" in (email.get_attribute("aria-describedby") or "")
    assert email.get_attribute("aria-invalid") == "true"
    assert email.input_value() == "not-an-address"
    assert page.get_by_label("Address (URL) of the content").input_value() == URL
    assert page.get_by_label("What is wrong with it").input_value() == "hate_speech"
    assert page.get_by_label("Why").input_value() == "Slurs against my neighbours."
    screenshot(page, "report-error")


def test_an_author_appeals_through_the_link(page: Any, restricted: int, screenshot: Any) -> None:
    page.goto(f"/appeal?token={tokens.make(SECRET, restricted)}")
    assert "Withheld in Kazakhstan" in page.locator("main").inner_text()
    screenshot(page, "appeal")
    page.get_by_label("Why the decision is wrong").fill("This is reporting, not incitement.")
    page.get_by_label("E-mail address for the answer (optional)").fill("aidos@mail.example")
    page.get_by_label("Language of our answer").select_option("kk")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the appeal").click()
    status = page.locator("[role=status]").inner_text()
    assert re.search(r"reference is A-\d+", status) and "aidos@mail.example" in status
    assert "already open" in page.locator("main").inner_text()
    assert page.get_by_label("Why the decision is wrong").count() == 0


def _mail(smtp: SmtpReceiver, to: str, kind: str, timeout: float = 10) -> Any:
    """The first e-mail of ``kind`` to ``to`` (the worker of the live server sends it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in smtp.messages_to(to) if m["X-Docket-Notice"] == kind]
        if found:
            return found[0]
        time.sleep(0.05)
    kinds = [m["X-Docket-Notice"] for m in smtp.messages]
    raise AssertionError(f"no {kind} e-mail to {to}; got {kinds}")


def test_the_author_appeals_from_the_link_in_the_emailed_statement(
        start_server: Any, new_page: Any, platform: Any, kz_ministry: Any, reviewer_alice: Any,
        bob_legal: Any, carol_rights: Any, dana_kz: Any) -> None:
    """The e-mail's link leads to the page, and the appeal's receipt comes back by e-mail."""
    with SmtpReceiver() as smtp:
        server = start_server(run_worker=True, smtp_url=smtp.url, outbox_poll_seconds=0.1,
                              outbox_backoff_seconds=0.05)
        _restrict(server, platform, kz_ministry, (reviewer_alice, bob_legal, carol_rights, dana_kz),
                  author_contact="aidos@mail.example")
        statement = _mail(smtp, "aidos@mail.example", "statement_of_reasons")
        text = statement.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"(http://\S+/appeal\?token=[\w.-]+)", text).group(1)
        assert link.startswith(f"{server.url}/appeal?token=")
        author = new_page(server)
        author.goto(link)
        author.get_by_label("Why the decision is wrong").fill("Reporting, not incitement.")
        author.get_by_label("E-mail address for the answer (optional)").fill("aidos@mail.example")
        with author.expect_navigation():
            author.get_by_role("button", name="Send the appeal").click()
        reference = re.search(r"A-\d+", author.locator("[role=status]").inner_text()).group(0)
        received = _mail(smtp, "aidos@mail.example", "appeal_received")
        assert reference.removeprefix("A-") in received.get_body(
            preferencelist=("plain",)).get_content()


def test_the_withheld_notice_as_a_viewer_sees_it(page: Any, restricted: int,
                                                 screenshot: Any) -> None:
    page.goto("/withheld")
    tab_to(page, "#f-content_id")
    page.keyboard.type("post-9")
    tab_to(page, "#f-country")
    page.get_by_label("Viewer's country").select_option("KZ")
    page.get_by_label("Language").select_option("ru")
    with page.expect_navigation():
        page.get_by_role("button", name="Show what the viewer sees").click()
    notice = page.locator(".notice-text")
    assert notice.get_attribute("lang") == "ru"
    assert "Казахстан" in notice.inner_text()
    screenshot(page, "withheld")


def _public_pages(page: Any, restricted: int) -> list[str]:
    """Every public page, including the confirmation of a report sent just now."""
    page.goto("/report")
    page.get_by_label("Address (URL) of the content").fill(URL)
    page.get_by_label("What is wrong with it").select_option("violence")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the report").click()
    sent = page.url
    return ["/", "/sign-in", "/report", sent, f"/appeal?token={tokens.make(SECRET, restricted)}",
            "/withheld", "/withheld?content_id=post-9&country=KZ&lang=kk", "/transparency"]


def test_every_public_page_has_one_heading_a_title_and_fits_360_px(
        new_page: Any, restricted: int, screenshot: Any) -> None:
    wide = new_page()
    narrow = new_page(width=NARROW)
    for path in _public_pages(wide, restricted):
        wide.goto(path)
        assert h1_count(wide) == 1, path
        assert wide.title().strip(), path
        narrow.goto(path)
        assert scroll_width(narrow) <= NARROW, path
    wide.goto("/")
    screenshot(wide, "home")


def test_focus_is_visible_on_links_fields_and_buttons(page: Any) -> None:
    page.goto("/report")
    page.keyboard.press("Tab")  # the first stop is the skip link
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    assert focus_outline(page) != "none"
    for selector in ("#f-url", "#f-reason", "#f-explanation", "#f-bona_fide",
                     "button[type=submit]"):
        tab_to(page, selector)
        assert focus_outline(page) != "none", selector
