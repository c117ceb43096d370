"""A draft in the browser: a letter e-mailed by the ministry is read by the worker's job;
a reviewer opens its draft from the inbox, follows a proposed value to the words it was
read from, changes a field, confirms, and sees the request the letter became."""

from __future__ import annotations

import re
from typing import Any

import pytest

from docket.intake import drafts
from tests.browser.conftest import sign_in_with_keyboard
from tests.intake.drafting import MINISTRY_EMAIL, email
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_reviewer_confirms_a_draft_read_from_an_email(live_server: Any, new_page: Any, make_submitter: Any,
                                                        make_user: Any, sessions: Any, screenshot: Any) -> None:
    ministry = make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                              email=MINISTRY_EMAIL)
    make_user("bob@docket.test", "reviewer", password=PASSWORD)
    with live_server.client(ministry) as api:
        sent = api.post("/api/v1/documents", files={"file": ("order.eml", email(), "message/rfc822")})
        assert sent.status_code == 201, sent.text
    document_id = sent.json()["id"]
    assert drafts.read_round(sessions, live_server.settings).read == [document_id]

    page = new_page()
    sign_in_with_keyboard(page, "bob@docket.test", PASSWORD)
    page.goto("/console/inbox")
    with page.expect_navigation():
        page.get_by_role("link", name="Open the draft").click()
    assert page.url.endswith(f"/console/inbox/{document_id}/draft")
    assert page.locator("mark").count() >= 4
    screenshot(page, "console-draft")
    page.locator('[data-span-of="order.number"]').first.click()
    target = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{target}").inner_text() == "27-31-2026/45"
    page.get_by_label("Reason").select_option("hate_speech")
    page.get_by_label("Explanation").fill("Calls for violence against an ethnic group.")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm: send it to the queue").click()
    match = re.search(r"/console/requests/(\d+)$", page.url)
    assert match is not None, page.url
    assert f"is received from document {document_id}" in page.locator("main").inner_text()
    with live_server.client(ministry) as api:
        request = api.get(f"/api/v1/requests/{match.group(1)}").json()
    assert request["reason"] == "hate_speech" and request["jurisdiction"] == "KZ"
    assert [i["url"] for i in request["items"]] == ["https://social.example/@aidos/1001",
                                                   "https://social.example/@aidos/1002"]
