"""The portal's "Order details": the form sends the order's particulars through the same
intake as the API, shows a bad one next to its field, and the request page shows them."""

# ruff: noqa: F811  (tests take the imported fixtures as parameters)
from __future__ import annotations

import re
from typing import Any

from tests.intake.test_pages import complete, official, request_id, submit  # noqa: F401  (fixtures)

ORDER_FORM = {
    "authority_name": "Medeu District Court of Almaty", "authority_kind": "court", "authority_country": "KZ",
    "order_number": "7511-26-00-2а/1234", "order_date": "2026-02-27", "order_court": "Medeu District Court",
    "order_case_number": "2а-1234/2026", "order_register_entry": "R-311",
    "order_deadline": "within 24 hours of receipt",
}


def test_the_form_has_a_collapsed_order_details_fieldset(web: Any, official: Any) -> None:
    form = web.get("/portal/requests/new").text
    details = re.search(r'<details class="order-details"([^>]*)>', form)
    assert details and "open" not in details.group(1)
    for name in (*ORDER_FORM, "order_repeats"):
        assert f'name="{name}"' in form, name


def test_order_details_go_through_intake_and_show_on_the_request_page(
        web: Any, official: Any, submit: Any) -> None:
    new = request_id(submit(complete(**ORDER_FORM)))
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    assert seen["order"] == {
        "issuing_authority": {"name": "Medeu District Court of Almaty", "kind": "court", "country": "KZ"},
        "number": "7511-26-00-2а/1234", "date": "2026-02-27", "court": "Medeu District Court",
        "case_number": "2а-1234/2026", "register_entry": "R-311", "deadline": "within 24 hours of receipt",
        "repeats": None, "proposed_repeats": None}
    page = web.get(f"/portal/requests/{new}").text
    order = page.split('id="order-h"')[1].split("</section>")[0]
    for shown in ("Medeu District Court of Almaty", "Court, Kazakhstan", "transmitted by your organisation",
                  "7511-26-00-2а/1234", "2026-02-27", "2а-1234/2026", "R-311", "within 24 hours of receipt"):
        assert shown in order, shown
    # The same register entry again: proposed as a repeat, with a link to the earlier request.
    again = request_id(submit(complete(order_register_entry="R-311")))
    page = web.get(f"/portal/requests/{again}").text
    assert f'Possibly repeats</dt><dd><a href="/portal/requests/{new}">' in page
    assert "same register entry" in page and "How the addresses were read" not in page


def test_a_bad_order_date_is_shown_next_to_its_field(web: Any, official: Any, submit: Any) -> None:
    r = submit(complete(order_date="2026-02-30", authority_kind="tribunal"))
    assert r.status_code == 422
    assert 'id="order_date-error"' in r.text and 'id="authority_kind-error"' in r.text
    # The fieldset opens by itself to show them, with the values as sent.
    assert re.search(r'<details class="order-details"[^>]* open', r.text)
    assert 'value="2026-02-30"' in r.text
