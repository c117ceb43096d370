"""The appeals queue in Chromium: an author appeals through the link of the statement of
reasons; the appeal lands in the queue of a reviewer entitled to the country who took no
part (the menu counts it), not in the queue of the legal reviewer who did; axe-core finds
nothing on the queue, at 1440 and 360 px."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher

from docket.appeals import tokens
from docket.parties import service as parties
from tests.browser.conftest import NARROW, axe_violations, h1_count, scroll_width, sign_in_with_keyboard
from tests.conftest import SECRET
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _restricted(live_server: Any, platform: Any, kz_ministry: Any, people: tuple[Any, ...]) -> int:
    """post-1, restricted in Kazakhstan: Alice, Bob and Carol review, Dana decides."""
    alice, bob, carol, dana = people
    with live_server.client(platform) as api:
        r = api.post("/api/v1/content", json={"id": "post-1", "url": "https://social.example/@aidos/1",
                                              "type": "post", "text": "The akim took the money."})
        assert r.status_code in (200, 201), r.text
    with live_server.client(kz_ministry) as api:
        r = api.post("/api/v1/requests", json={
            "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Incitement.",
            "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"content_id": "post-1"}]})
        assert r.status_code == 201, r.text
        item = r.json()["items"][0]["id"]
    for who, step, finding in ((alice, "policy", "compliant"), (bob, "legal", "illegal"),
                               (carol, "rights", "no_concern")):
        with live_server.client(who) as api:
            assert api.post(f"/api/v1/items/{item}/review", json={"step": step, "finding": finding}).status_code == 200
    with live_server.client(dana) as api:
        r = api.post(f"/api/v1/items/{item}/decision", json={"outcome": "restricted", "explanation": "Illegal."})
        assert r.status_code == 201, r.text
        return int(r.json()["id"])


def _clean(page: Any, what: str) -> None:
    assert axe_violations(page) == [], what
    assert h1_count(page) == 1
    before = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert scroll_width(page) <= NARROW, f"{what} scrolls sideways at 360 px"
    assert axe_violations(page) == [], f"{what} at 360 px"
    page.set_viewport_size(before)


def test_an_appeal_reaches_the_uninvolved_reviewer_s_queue_not_the_involved_one_s(
    live_server, new_page, make_user, platform, kz_ministry, screenshot
) -> None:
    alice = make_user("alice@docket.test", "reviewer", password=PASSWORD)
    bob = make_user("bob@docket.test", "legal", "reviewer", password=PASSWORD)
    carol = make_user("carol@docket.test", "rights", "reviewer", password=PASSWORD)
    dana = make_user("dana@docket.test", "local_representative", jurisdictions=("KZ",))
    make_user("frank@docket.test", "legal", "reviewer", password=PASSWORD)
    decision = _restricted(live_server, platform, kz_ministry, (alice, bob, carol, dana))

    author = new_page()
    author.goto(f"/appeal?token={tokens.make(SECRET, decision)}")
    author.get_by_label("Why the decision is wrong").fill("It is reporting on a public official.")
    author.get_by_role("button", name="Send the appeal").click()
    assert "Your appeal was received" in author.content()

    frank = new_page()
    sign_in_with_keyboard(frank, "frank@docket.test", PASSWORD)
    frank.goto("/console")
    assert frank.locator("[data-my-appeals]").inner_text() == "1 mine"
    frank.get_by_role("link", name="Appeals 1 mine").first.click()
    frank.wait_for_url("**/console/appeals")
    assert frank.locator("[data-appeal]").count() == 1
    assert "It is reporting on a public official." in frank.content()
    assert frank.get_by_role("button", name="Decide appeal 1").count() == 1
    _clean(frank, "the appeals queue")
    screenshot(frank, "appeals-queue")

    bob_page = new_page()
    sign_in_with_keyboard(bob_page, "bob@docket.test", PASSWORD)
    bob_page.goto("/console/appeals")
    assert bob_page.locator("[data-appeal]").count() == 0
    assert "No appeals waiting for you." in bob_page.content()
    assert bob_page.locator("[data-my-appeals]").count() == 0
    bob_page.get_by_label("Whose").select_option("all")
    bob_page.get_by_role("button", name="Show").click()
    assert bob_page.locator("[data-appeal]").count() == 1
    assert "You took part in the original decision" in bob_page.content()
