"""A copy item in Chromium: the original beside the copy, accessible at 1440 and 360 px, and
confirmed with one button (no script)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from tests.browser.conftest import NARROW, WIDE, axe_violations, h1_count, scroll_width, sign_in_with_keyboard
from tests.matching.conftest import POST_TEXT, b64, encoded, picture
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_a_copy_beside_its_original_is_accessible_and_confirmed(
        live_server: Any, new_page: Any, platform: Any, kz_ministry: Any, make_user: Any, screenshot: Any) -> None:
    reviewers = [make_user("alice@docket.test", "reviewer"), make_user("bob@docket.test", "legal"),
                 make_user("carol@docket.test", "rights")]
    dana = make_user("dana@docket.test", "local_representative", jurisdictions=("KZ",), password=PASSWORD)
    thumb = [{"data": b64(encoded(picture(12).resize((160, 120)))), "alt": "A poster of red and blue shapes"}]
    with live_server.client(platform) as api:
        assert api.post("/api/v1/content", json={
            "id": "img-12", "url": "https://social.example/@aidos/12", "type": "image", "text": POST_TEXT,
            "image": b64(encoded(picture(12))), "previews": thumb, "author_contact": "a@mail.example"}).is_success
    with live_server.client(kz_ministry) as api:
        item = api.post("/api/v1/requests", json={
            "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls to arson.",
            "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"content_id": "img-12"}]}
        ).json()["items"][0]["id"]
    for who, step, finding in zip(reviewers, ("policy", "legal", "rights"), ("compliant", "illegal", "no_concern"),
                                  strict=True):
        with live_server.client(who) as api:
            assert api.post(f"/api/v1/items/{item}/review", json={"step": step, "finding": finding}).is_success
    with live_server.client(dana) as api:
        assert api.post(f"/api/v1/items/{item}/decision", json={
            "outcome": "restricted", "explanation": "Calls for arson."}).status_code == 201
    with live_server.client(platform) as api:
        deadline = time.monotonic() + 15
        while not api.post("/api/v1/match", json={"text": POST_TEXT}).json()["matches"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert api.post("/api/v1/content", json={
            "id": "copy-12", "url": "https://social.example/@copycat/12", "type": "image",
            "text": POST_TEXT.replace("torches", "candles"), "author_contact": "c@mail.example",
            "image": b64(encoded(picture(12).resize((320, 240)), "JPEG", quality=60)),
            "previews": [{"data": thumb[0]["data"], "alt": "The same poster, re-uploaded"}]}).status_code == 201
    with live_server.client(reviewers[0]) as api:
        # The copy is a case of its own, received through intake on the matcher's channel.
        [case] = [r for r in api.get("/api/v1/requests").json()["requests"] if r["channel"] == "match"]
        [copy] = [i["id"] for i in case["items"]]

    page = new_page()
    sign_in_with_keyboard(page, "dana@docket.test", PASSWORD)
    page.goto(f"/console/items/{copy}")
    panel = page.locator("#copy")
    shown = panel.inner_text()
    assert "A copy of restricted content?" in shown
    # Both contents by their ids; the scope by country name and the law by its citation, never ids.
    assert "The original — img-12" in shown and "The copy — copy-12" in shown
    assert "Kazakhstan" in shown and "kz-online-platforms-9" not in shown
    for alt in ("A poster of red and blue shapes", "The same poster, re-uploaded"):
        image = panel.get_by_alt_text(alt)
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], width
        assert scroll_width(page) <= width
    assert h1_count(page) == 1
    screenshot(page, "copy-item")
    with page.expect_navigation():
        panel.get_by_role("button", name="Confirm the copy").click()
    assert "recorded and in effect" in page.locator(".flash").first.inner_text()
