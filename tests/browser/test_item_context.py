"""The item page's context in Chromium: the content's thumbnail, the author's history and
the internal discussion; an explanation template used in a decision, and the statement of
reasons it produces (as the outbox worker sends it); accessible at 1440 and 360 px."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from PIL import Image

from docket.parties import service as parties
from tests.browser.conftest import NARROW, WIDE, axe_violations, h1_count, scroll_width, sign_in_with_keyboard
from tests.notices.receivers import SmtpReceiver
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

LAW = "kz-online-platforms-9"
CITATION = "Law of the Republic of Kazakhstan on Online Platforms and Online Advertising, Art. 9"
AUTHOR = "aidos@mail.example"


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    with SmtpReceiver() as receiver:
        yield receiver


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 160, 40)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def _until(check: Callable[[], Any], what: str, timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited in vain for {what}")
        time.sleep(0.05)


def _case(server: Any, platform: Any, kz_ministry: Any, reviewers: list[Any], lead: Any) -> tuple[int, int]:
    """An earlier request about the author's other post, and the item to decide (reviewed)."""
    with server.client(platform) as api:
        for number, previews in ((1, []), (2, [{"data": _png(), "alt": "A banner calling people to the square"}])):
            r = api.post("/api/v1/content", json={
                "id": f"post-{number}", "url": f"https://social.example/@aidos/{number}", "type": "post",
                "author_id": "aidos", "author_contact": AUTHOR, "language": "ru",
                "text": f"Post {number}: everybody to the square on Saturday.", "previews": previews})
            assert r.status_code == 201, r.text
    items = []
    with server.client(kz_ministry) as api:
        for number in (1, 2):
            r = api.post("/api/v1/requests", json={
                "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for unrest.",
                "reference": f"MISD-{number}", "legal_basis": [{"law": LAW, "provision": "Art. 9(2)"}],
                "items": [{"content_id": f"post-{number}"}]})
            assert r.status_code == 201, r.text
            items.append(int(r.json()["items"][0]["id"]))
    alice, bob, carol = reviewers
    for who, step, finding in ((alice, "policy", "compliant"), (bob, "legal", "illegal"),
                               (carol, "rights", "no_concern")):
        with server.client(who) as api:
            assert api.post(f"/api/v1/items/{items[1]}/review", json={"step": step, "finding": finding}).is_success
    with server.client(lead) as api:
        r = api.post("/api/v1/explanation-templates", json={
            "law": LAW, "reason": "hate_speech", "language": "ru", "title": "Призывы к беспорядкам",
            "body": "Публикация призывает к массовым беспорядкам."})
        assert r.status_code == 201, r.text
    return items[0], items[1]


def test_a_template_used_in_a_decision_and_the_item_pages_context(
        start_server: Any, new_page: Any, smtp: SmtpReceiver, platform: Any, kz_ministry: Any,
        make_user: Any, screenshot: Any) -> None:
    server = start_server(run_worker=True, smtp_url=smtp.url, outbox_poll_seconds=0.1,
                          outbox_backoff_seconds=0.05)
    reviewers = [make_user("alice@docket.test", "reviewer"), make_user("bob@docket.test", "legal"),
                 make_user("carol@docket.test", "rights")]
    lead = make_user("lena@docket.test", "lead", password=PASSWORD)
    make_user("dana@docket.test", "local_representative", jurisdictions=("KZ",), password=PASSWORD)
    earlier, item = _case(server, platform, kz_ministry, reviewers, lead)

    page = new_page(server)
    sign_in_with_keyboard(page, "dana@docket.test", PASSWORD)
    page.goto(f"/console/items/{item}")
    # The thumbnail the platform sent, served by docket.
    thumbnail = page.locator("#previews-heading + p + ul img")
    assert thumbnail.get_attribute("alt") == "A banner calling people to the square"
    # Loaded (waited for: a busy machine serves it after the page's load event may be seen).
    page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=thumbnail.element_handle())
    assert page.evaluate("i => i.naturalWidth", thumbnail.element_handle()) == 120
    # The author's history: the earlier request from the same ministry.
    history = page.locator("#author")
    assert history.get_by_role("link", name=f"Item {earlier}").first.is_visible()
    assert "Earlier requests from Ministry of Information and Social Development" in history.inner_text()

    # A comment with a mention, through the form.
    page.get_by_label("Comment").fill("@alice is this the same campaign as the first post?")
    with page.expect_navigation():
        page.get_by_role("button", name="Add comment").click()
    discussion = page.locator("#discussion")
    assert "@alice is this the same campaign" in discussion.inner_text()
    assert "mentions alice@docket.test" in discussion.inner_text()

    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], width
        assert scroll_width(page) <= width
    assert h1_count(page) == 1
    screenshot(page, "item-context")

    # The decision: the template fills the explanation (no script), the reviewer edits it.
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.locator("#decide input[name=outcome][value=restricted]").check()
    page.get_by_label("Explanation template").select_option(label="Призывы к беспорядкам (ru, v1)")
    with page.expect_navigation():
        page.get_by_role("button", name="Use template").click()
    explanation = page.locator("#decide textarea[name=explanation]")
    assert explanation.input_value() == "Публикация призывает к массовым беспорядкам."
    assert axe_violations(page) == []
    explanation.fill("Публикация призывает к массовым беспорядкам в Алматы.")
    page.locator("#decide input[name=outcome][value=restricted]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Decide").click()
    assert "recorded and in effect" in page.locator(".flash").first.inner_text()

    with server.client(reviewers[0]) as api:
        [decision] = api.get(f"/api/v1/items/{item}/decisions").json()
        templates = api.get("/api/v1/explanation-templates").json()["templates"]
    assert decision["template_version_id"] == templates[0]["current"]["id"]

    # The statement of reasons the outbox worker sent to the author.
    def statement() -> Any:
        return next((m for m in smtp.messages_to(AUTHOR) if m["X-Docket-Notice"] == "statement_of_reasons"), None)

    text = str(_until(statement, "the statement of reasons").get_body(preferencelist=("plain",)).get_content())
    assert "Публикация призывает к массовым беспорядкам в Алматы." in text
    assert "Art. 9(2)" in text and "Online Platforms" in text
    assert LAW not in text


def test_the_templates_pages_and_the_mentions_page_are_accessible(
        live_server: Any, new_page: Any, make_user: Any, screenshot: Any) -> None:
    make_user("lena@docket.test", "lead", password=PASSWORD)
    page = new_page()
    sign_in_with_keyboard(page, "lena@docket.test", PASSWORD)
    page.goto("/console/templates")
    page.get_by_label("Language of the notice").select_option("de")
    page.get_by_label("Title (what reviewers choose it by)").fill("Volksverhetzung")
    page.get_by_label("Explanation").fill("Der Beitrag stachelt zum Hass gegen eine Gruppe auf.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the template").click()
    page.get_by_label("Explanation").fill("Der Beitrag stachelt zum Hass auf (§ 130 StGB).")
    with page.expect_navigation():
        page.get_by_role("button", name="Save a new version").click()
    assert "saved as version 2" in page.locator(".flash").first.inner_text()
    for path in (page.url, "/console/templates", "/console/mentions"):
        page.goto(path)
        for width in (WIDE, NARROW):
            page.set_viewport_size({"width": width, "height": 900})
            assert axe_violations(page) == [], (path, width)
            assert scroll_width(page) <= width, (path, width)
        assert h1_count(page) == 1
    page.goto("/console/templates")
    screenshot(page, "explanation-templates")
