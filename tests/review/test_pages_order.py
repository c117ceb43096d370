"""The order's particulars in the console: on the item page and the request page, the
authority that decided it beside the submitter that transmitted it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from docket.audit.models import Event
from tests.web.conftest import PASSWORD, csrf_of, sign_in

ORDER = {"issuing_authority": {"name": "Medeu District Court of Almaty", "kind": "court", "country": "KZ"},
         "date": "2026-02-27", "case_number": "2а-1234/2026", "register_entry": "R-311",
         "deadline": "within 24 hours of receipt"}


def test_the_item_and_request_pages_show_the_order(web: Any, send: Any, kz_ministry: Any,
                                                   make_user: Any) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    first = send(kz_ministry, order={"register_entry": "R-311"})
    request = send(kz_ministry, order=ORDER)
    assert request["order"]["proposed_repeats"] == first["id"]
    assert sign_in(web, "alice@docket.test").status_code == 303
    for page in (f"/console/items/{request['items'][0]['id']}", f"/console/requests/{request['id']}"):
        text = web.get(page).text
        for shown in ("Issuing authority</dt><dd>Medeu District Court of Almaty (court, Kazakhstan)",
                      "transmitted by the submitter", "2026-02-27", "2а-1234/2026", "R-311",
                      "within 24 hours of receipt", f'href="/console/requests/{first["id"]}"',
                      "same register entry"):
            assert shown in text, (page, shown)
    # A request without an order shows none of it (only the empty form that would correct it).
    plain = web.get(f"/console/requests/{send(kz_ministry)['id']}").text
    assert "<dt>Issuing authority</dt>" not in plain and "Possibly repeats" not in plain


def test_a_reviewer_confirms_the_proposed_repeat(web: Any, client: Any, send: Any, kz_ministry: Any,
                                                 make_user: Any, sessions: Any) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    first = send(kz_ministry, order={"number": "N-5"})
    again = send(kz_ministry, order={"number": "N-5"})
    page = f"/console/requests/{again['id']}"
    assert sign_in(web, "alice@docket.test").status_code == 303
    assert f"Confirm: this repeats request {first['id']}" in web.get(page).text
    csrf = csrf_of(web, "/")
    # Only the proposed request can be confirmed here.
    wrong = web.post(f"{page}/repeats", data={"repeats": str(again["id"]), "csrf_token": csrf},
                     follow_redirects=False)
    assert wrong.status_code == 422 and "Only the request intake proposed" in wrong.text
    done = web.post(f"{page}/repeats", data={"repeats": str(first["id"]), "csrf_token": csrf},
                    follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == page
    shown = web.get(page).text
    assert "Confirm: this repeats" not in shown
    assert f'Repeats</dt><dd><a href="/console/requests/{first["id"]}"' in shown
    seen = client.get(f"/api/v1/requests/{again['id']}", headers=kz_ministry.headers).json()
    assert seen["order"]["repeats"] == first["id"]
    with sessions() as s:
        [event] = s.scalars(select(Event).where(Event.action == "request:order_corrected")).all()
        assert event.payload == {"changes": {"repeats_id": [None, first["id"]]}, "note": "confirmed in the console"}
