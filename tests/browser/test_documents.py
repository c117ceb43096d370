"""Documents in the browser: an official attaches the order to a request in the portal's
form, and a reviewer finds it on the item page and downloads it (always a file)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import sign_in_with_keyboard
from tests.documents import samples
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_an_order_attached_in_the_portal_is_downloaded_from_the_item_page(
        live_server: Any, new_page: Any, kz_ministry: Any, make_person: Any, make_user: Any,
        tmp_path: Path) -> None:
    make_person(kz_ministry, "aigerim@misd.example.kz", "Aigerim Nurpeisova")
    make_user("bob@docket.test", "reviewer", password=PASSWORD)
    order = tmp_path / "Предписание-114.pdf"
    order.write_bytes(samples.PDF)

    official = new_page()
    sign_in_with_keyboard(official, "aigerim@misd.example.kz", PASSWORD)
    official.goto("/portal/requests/new")
    official.get_by_label("Reason").select_option("hate_speech")
    official.get_by_label("Law from the catalog").select_option("kz-informatization-18-2")
    official.get_by_label("Explanation").fill("Calls for an unauthorised gathering; the order is attached.")
    official.get_by_label("Content, one a line").fill("https://social.example/@aidos/77\n")
    official.get_by_label("Documents", exact=True).set_input_files(str(order))
    official.get_by_label("What they are").select_option("order")
    official.get_by_label("Language of the documents").fill("ru")
    _submit(official, "Send the request")
    request_id = int(re.search(r"/portal/requests/(\d+)", official.url).group(1))  # type: ignore[union-attr]
    assert "is received with 1 document" in official.locator("main [role=status]").first.inner_text()
    with official.expect_download() as mine:
        official.get_by_role("link", name=order.name).click()
    assert mine.value.suggested_filename == order.name
    assert Path(mine.value.path()).read_bytes() == samples.PDF

    with live_server.client(kz_ministry) as api:
        item_id = api.get(f"/api/v1/requests/{request_id}").json()["items"][0]["id"]
    reviewer = new_page()
    sign_in_with_keyboard(reviewer, "bob@docket.test", PASSWORD)
    reviewer.goto(f"/console/items/{item_id}")
    documents = reviewer.locator("#documents").inner_text()
    assert order.name in documents and "Order" in documents and "PDF" in documents
    with reviewer.expect_download() as theirs:
        reviewer.locator("#documents").get_by_role("link", name=order.name).click()
    assert theirs.value.suggested_filename == order.name
    assert Path(theirs.value.path()).read_bytes() == samples.PDF


def test_a_reviewer_marks_an_order_and_adds_its_redacted_copy(live_server: Any, new_page: Any, kz_ministry: Any,
                                                              make_user: Any, tmp_path: Path) -> None:
    make_user("bob@docket.test", "reviewer", password=PASSWORD)
    with live_server.client(kz_ministry) as api:
        sent = api.post("/api/v1/requests", json={
            "jurisdiction": "KZ", "reason": "hate_speech", "legal_basis": [{"law": "kz-online-platforms-9"}],
            "explanation": "Calls for violence.", "items": [{"url": "https://social.example/@aidos/78"}]})
        request_id = sent.json()["id"]
        added = api.post(f"/api/v1/requests/{request_id}/documents", data={"kind": "order"},
                         files={"file": ("Приказ.pdf", samples.PDF, "application/pdf")})
        assert added.status_code == 201, added.text
    copy = tmp_path / "Приказ-redacted.png"
    copy.write_bytes(samples.PNG)
    reviewer = new_page()
    sign_in_with_keyboard(reviewer, "bob@docket.test", PASSWORD)
    reviewer.goto(f"/console/requests/{request_id}")
    _submit(reviewer, "Mark as holding personal data")
    assert "is marked as holding personal data" in reviewer.locator("main [role=status]").first.inner_text()
    assert "Holds personal data" in reviewer.locator("#documents").inner_text()
    reviewer.get_by_text("Add a redacted copy", exact=True).click()
    assert reviewer.get_by_label("A redacted copy of").input_value() == str(added.json()["id"])
    reviewer.get_by_label("The redacted copy").set_input_files(str(copy))
    _submit(reviewer, "Add the redacted copy")
    assert "A redacted copy of “Приказ.pdf”" in reviewer.locator("#documents").inner_text()
    with live_server.client(kz_ministry) as api:
        listed = api.get(f"/api/v1/requests/{request_id}/documents").json()["documents"]
    assert [(d["personal_data"], d["redacts"], d["kind"]) for d in listed] == [
        (True, None, "order"), (False, added.json()["id"], "order")]
