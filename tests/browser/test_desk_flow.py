"""The desk's flow in Chromium: a two-person hand-over (Alice records the policy review, her
claim ends, Bob takes the item with "Next item"), an assignment by the lead, and the
human-rights step shown as recorded; axe-core finds nothing on these pages, at 1440 and 360 px."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from tests.browser.conftest import NARROW, axe_violations, h1_count, scroll_width, sign_in_with_keyboard
from tests.intake.conftest import KZ_BODY
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _item(live_server: Any, platform: Any, kz_ministry: Any, n: int) -> int:
    with live_server.client(platform) as api:
        r = api.post("/api/v1/content", json={"id": f"post-{n}", "url": f"https://social.example/@x/{n}",
                                              "type": "post", "author_id": "x", "text": f"Post {n}"})
        assert r.status_code in (200, 201), r.text
    with live_server.client(kz_ministry) as api:
        r = api.post("/api/v1/requests", json={**KZ_BODY, "items": [{"url": f"https://social.example/@x/{n}"}]})
        assert r.status_code == 201, r.text
        return int(r.json()["items"][0]["id"])


def _clean(page: Any, what: str) -> None:
    """axe finds nothing, one h1, no sideways scroll at 360 px."""
    assert axe_violations(page) == [], what
    assert h1_count(page) == 1
    before = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert scroll_width(page) <= NARROW, f"{what} scrolls sideways at 360 px"
    assert axe_violations(page) == [], f"{what} at 360 px"
    page.set_viewport_size(before)


def test_a_two_person_hand_over_with_next_item(
    live_server, new_page, make_user, platform, kz_ministry, screenshot
) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    make_user("bob@docket.test", "legal", password=PASSWORD)
    item = _item(live_server, platform, kz_ministry, 1)
    alice = new_page()
    sign_in_with_keyboard(alice, "alice@docket.test", PASSWORD)
    alice.goto("/console")
    alice.get_by_role("button", name="Next item").click()
    alice.wait_for_url(f"**/console/items/{item}")
    assert "the next in your queue" in alice.content()
    alice.locator("#step-policy").locator("xpath=..").get_by_label("Within the platform's rules").check()
    alice.get_by_role("button", name="Record the policy review").click()
    alice.wait_for_url(f"**/console/items/{item}#next")
    assert "Nobody has claimed this item" in alice.content()

    bob = new_page()
    sign_in_with_keyboard(bob, "bob@docket.test", PASSWORD)
    bob.goto("/console")
    _clean(bob, "the queue")
    assert bob.locator(f'tr[data-item="{item}"]').get_by_text("nobody").count() == 1
    bob.get_by_role("button", name="Next item").click()
    bob.wait_for_url(f"**/console/items/{item}")
    assert "Claimed by you" in bob.locator("#assignment").inner_text() or "you" in bob.content()
    _clean(bob, "the item page, claimed")
    screenshot(bob, "desk-flow-hand-over")


def test_the_lead_assigns_an_item_to_a_person(live_server, new_page, make_user, platform, kz_ministry,
                                              screenshot) -> None:
    make_user("lena@docket.test", "lead", password=PASSWORD)
    make_user("bob@docket.test", "legal", password=PASSWORD)
    make_user("carol@docket.test", "rights", password=PASSWORD)
    item = _item(live_server, platform, kz_ministry, 2)
    lena = new_page()
    sign_in_with_keyboard(lena, "lena@docket.test", PASSWORD)
    lena.goto(f"/console/items/{item}")
    _clean(lena, "the item page with the assignment panel")
    lena.get_by_label("Assign to a person").select_option(label="lena@docket.test")
    lena.get_by_role("button", name="Assign to this person").click()
    lena.wait_for_url(f"**/console/items/{item}#assignment")
    assert "is assigned to lena@docket.test" in lena.content()
    panel = lena.locator("#assignment").inner_text()
    assert "lena@docket.test" in panel
    lena.get_by_label("Take it over: why").fill("The clock runs out at noon.")
    lena.get_by_role("button", name="Take over").click()
    lena.wait_for_url(f"**/console/items/{item}")
    assert "You took item" in lena.content()
    _clean(lena, "the item page after a take-over")
    screenshot(lena, "desk-flow-assignment")
    # The teams page: a lead makes a team and adds a person.
    lena.goto("/console/teams")
    lena.get_by_label("Name").fill("legal — KZ")
    lena.get_by_label("The work it does").select_option("legal")
    lena.get_by_label("Country").select_option("KZ")
    lena.get_by_role("button", name="Create the team").click()
    lena.wait_for_url("**/console/teams#team-*")
    lena.get_by_label("Add a person").select_option(label="bob@docket.test")
    lena.get_by_role("button", name="Add to legal — KZ").click()
    lena.wait_for_url("**/console/teams#team-*")
    assert "Remove bob@docket.test from legal — KZ" in lena.content()
    _clean(lena, "the teams page")
    screenshot(lena, "desk-flow-teams")


def test_the_human_rights_step_shows_what_was_recorded(live_server, new_page, make_user, platform, kz_ministry,
                                                       screenshot) -> None:
    bob = make_user("bob@docket.test", "legal", "reviewer", password=PASSWORD)
    make_user("carol@docket.test", "rights", password=PASSWORD)
    item = _item(live_server, platform, kz_ministry, 3)
    with live_server.client(bob) as api:
        for step, finding in (("policy", "compliant"), ("legal", "illegal")):
            assert api.post(f"/api/v1/items/{item}/review", json={"step": step, "finding": finding}).status_code == 200
    carol = new_page()
    sign_in_with_keyboard(carol, "carol@docket.test", PASSWORD)
    carol.goto(f"/console/items/{item}")
    form = carol.locator("#step-rights").locator("xpath=..")
    form.get_by_label("Human-rights concern", exact=True).check()
    form.get_by_label("Journalism").check()
    form.get_by_label("Notes (optional; internal, never sent)").fill("A reporter's post.")
    form.get_by_role("button", name="Record the human-rights review").click()
    carol.wait_for_url(f"**/console/items/{item}#next")
    recorded = carol.locator("#rights-recorded").inner_text()
    assert "Human-rights concern" in recorded and "Journalism" in recorded and "carol@docket.test" in recorded
    assert "What comes next" in recorded and "local representative for KZ" in recorded
    _clean(carol, "the item page with the human-rights step recorded")
    screenshot(carol, "desk-flow-rights-recorded")
