"""The console's item page of a copy: the original beside it, confirm and reject (no script)."""

from __future__ import annotations

from typing import Any

from tests.matching.conftest import POST_TEXT, b64, encoded, eventually, picture
from tests.matching.test_copies import copy_items, register, visible
from tests.web.conftest import PASSWORD, post_form, sign_in


def _copy(client: Any, platform: Any, restricted: Any, reviewer: Any, sessions: Any) -> tuple[int, int]:
    decision, _item = restricted("img-11", image=encoded(picture(11)), text=POST_TEXT)
    assert eventually(lambda: client.post("/api/v1/match", headers=platform.headers,
                                          json={"text": POST_TEXT}).json()["matches"])
    register(client, platform, "copy-11", text=POST_TEXT.replace("torches", "candles"),
             image=b64(encoded(picture(11).resize((300, 225)), "JPEG", quality=70)),
             previews=[{"data": b64(encoded(picture(11).resize((120, 90)))), "alt": "A poster with shapes"}])
    [copy] = copy_items(client, reviewer, sessions, decision)
    return decision, copy["id"]


def test_the_item_page_shows_the_copy_beside_its_original_and_confirms_it(
        web, platform, restricted, reviewer_alice, make_user, sessions) -> None:
    decision, item = _copy(web, platform, restricted, reviewer_alice, sessions)
    make_user("dina@docket.test", "local_representative", jurisdictions=("KZ",), password=PASSWORD)
    assert sign_in(web, "dina@docket.test").status_code == 303
    page = web.get(f"/console/items/{item}")
    assert page.status_code == 200
    html = page.text
    assert "A copy of restricted content?" in html and f"decision {decision}" in html
    assert "The original" in html and "The copy" in html and 'alt="A poster with shapes"' in html
    assert "Image (PDQ):" in html and "of 256 bits differ" in html and "Text: about" in html
    r = post_form(web, f"/console/items/{item}", f"/console/items/{item}/confirm-copy", {})
    assert r.status_code == 303, r.text
    assert eventually(lambda: not visible(web, platform, "copy-11", "KZ"))
    assert "Confirm the copy" not in web.get(f"/console/items/{item}").text  # answered


def test_rejecting_needs_a_reason(web, platform, restricted, reviewer_alice, make_user,
                                  sessions) -> None:
    _, item = _copy(web, platform, restricted, reviewer_alice, sessions)
    make_user("rita@docket.test", "rights", password=PASSWORD)
    assert sign_in(web, "rita@docket.test").status_code == 303
    r = post_form(web, f"/console/items/{item}", f"/console/items/{item}/reject-copy", {"reason": " "})
    assert r.status_code == 422 and "Say why it is not a copy." in r.text
    r = post_form(web, f"/console/items/{item}", f"/console/items/{item}/reject-copy",
                  {"reason": "A different poster."})
    assert r.status_code == 303
    assert web.get(f"/api/v1/items/{item}", headers=reviewer_alice.headers).json()["status"] == "decided"
    assert visible(web, platform, "copy-11", "KZ")
