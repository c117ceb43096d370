"""The console's form that corrects a request's order particulars: the same correction as
``PATCH /api/v1/requests/{id}/order`` (the same service, the same audit event), CSRF, and
a bad value shown beside its field, through HTTP like a browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from docket.audit.models import Event
from docket.parties import service as parties
from tests.web.conftest import PASSWORD, csrf_of, sign_in

ORDER = {"issuing_authority": {"name": "Medeu District Court of Almaty", "kind": "court", "country": "KZ"},
         "number": "2а-1234/2026", "date": "2026-02-27", "register_entry": "R-311"}
# The form as a reviewer sends it: every field, the changed ones changed.
FORM = {"authority_name": "Medeu District Court of Almaty", "authority_kind": "court", "authority_country": "KZ",
        "order_number": "2а-1235/2026", "order_date": "2026-02-28", "order_court": "", "order_case_number": "",
        "order_register_entry": "", "order_deadline": "within 24 hours", "order_repeats": "",
        "note": "The number and the date as the order states them."}
# The same correction through the API: the fields that differ.
PATCH = {"number": "2а-1235/2026", "date": "2026-02-28", "register_entry": None, "deadline": "within 24 hours",
         "note": "The number and the date as the order states them."}


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: sign-in's cost is tested in tests/web."""
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def corrections(sessions: Any) -> list[Event]:
    with sessions() as s:
        return list(s.scalars(select(Event).where(Event.action == "request:order_corrected").order_by(Event.seq)))


def test_a_reviewer_corrects_the_particulars_as_the_api_does(web: Any, client: Any, send: Any, kz_ministry: Any,
                                                              reviewer_alice: Any, make_user: Any,
                                                              sessions: Any) -> None:
    make_user("amir@docket.test", "reviewer", password=PASSWORD)
    by_page, by_api = send(kz_ministry, order=ORDER), send(kz_ministry, order=ORDER)
    page = f"/console/requests/{by_page['id']}"
    assert sign_in(web, "amir@docket.test").status_code == 303
    form = web.get(page).text
    # The form shows what is stored.
    assert f'action="/console/requests/{by_page["id"]}/order"' in form
    assert 'name="order_number" type="text" value="2а-1234/2026"' in form
    assert 'name="order_date" type="date" value="2026-02-27"' in form
    assert re.search(r'<option value="court" selected>', form)
    # The item page leads to it.
    assert f'href="{page}#order-heading"' in web.get(f"/console/items/{by_page['items'][0]['id']}").text

    done = web.post(f"{page}/order", data={**FORM, "csrf_token": csrf_of(web, page)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == page
    shown = web.get(page).text
    assert "corrected" in shown and "2а-1235/2026" in shown and "R-311" not in shown
    r = client.patch(f"/api/v1/requests/{by_api['id']}/order", headers=reviewer_alice.headers, json=PATCH)
    assert r.status_code == 200, r.text
    seen = client.get(f"/api/v1/requests/{by_page['id']}", headers=kz_ministry.headers).json()
    assert {k: v for k, v in seen["order"].items() if k != "proposed_repeats"} == \
        {k: v for k, v in r.json()["order"].items() if k != "proposed_repeats"}
    # One event each, saying the same: the columns that changed, before and after, and why.
    page_event, api_event = corrections(sessions)
    assert (page_event.subject, api_event.subject) == (f"request:{by_page['id']}", f"request:{by_api['id']}")
    assert page_event.payload == api_event.payload == {
        "changes": {"order_number": ["2а-1234/2026", "2а-1235/2026"], "order_date": ["2026-02-27", "2026-02-28"],
                    "register_entry": ["R-311", None], "order_deadline": [None, "within 24 hours"]},
        "note": "The number and the date as the order states them."}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"order_date": "2026-02-30"}, "order_date", "date"),
    ({"order_date": "2999-01-01"}, "order_date", "to today"),
    ({"authority_kind": "tribunal"}, "authority_kind", "court"),
    ({"authority_name": ""}, "authority_name", "required"),
    ({"order_repeats": "abc"}, "order_repeats", "integer"),
    ({"order_repeats": "9" * 30}, "order_repeats", "less than"),
    ({"order_repeats": "-1"}, "order_repeats", "greater than"),
    ({"order_number": "x" * 201}, "order_number", "200"),
])
def test_a_bad_particular_is_shown_beside_its_field_and_nothing_changes(
        web: Any, send: Any, kz_ministry: Any, make_user: Any, sessions: Any, changes: dict[str, str], field: str,
        message: str) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    sent = send(kz_ministry, order=ORDER)
    page = f"/console/requests/{sent['id']}"
    assert sign_in(web, "alice@docket.test").status_code == 303
    r = web.post(f"{page}/order", data={**FORM, **changes, "csrf_token": csrf_of(web, page)},
                 follow_redirects=False)
    assert r.status_code == 422, r.text
    error = re.search(rf'<p class="field-error" id="f-{field}-order-error">([^<]*)</p>', r.text)
    assert error and message in error.group(1), r.text[:3000]
    # Shown again open, with the values as sent.
    assert re.search(r'<details class="order-details" open>', r.text)
    assert corrections(sessions) == []


def test_what_the_service_refuses_is_shown_on_the_page(web: Any, send: Any, kz_ministry: Any, make_user: Any,
                                                       sessions: Any) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    sent = send(kz_ministry, order=ORDER)
    page = f"/console/requests/{sent['id']}"
    assert sign_in(web, "alice@docket.test").status_code == 303
    csrf = csrf_of(web, page)
    stored = {**FORM, "order_number": "2а-1234/2026", "order_date": "2026-02-27", "order_register_entry": "R-311",
              "order_deadline": "", "csrf_token": csrf}
    same = web.post(f"{page}/order", data=stored, follow_redirects=False)
    assert same.status_code == 422 and "nothing to correct" in same.text
    # A request repeats an earlier one only.
    later = web.post(f"{page}/order", data={**stored, "order_repeats": str(sent["id"] + 5)}, follow_redirects=False)
    assert later.status_code == 422
    assert re.search(r'id="f-order_repeats-order-error">[^<]*earlier request', later.text)
    assert corrections(sessions) == []


def test_a_form_without_its_csrf_token_changes_nothing(web: Any, send: Any, kz_ministry: Any, make_user: Any,
                                                       sessions: Any) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    sent = send(kz_ministry, order=ORDER)
    assert sign_in(web, "alice@docket.test").status_code == 303
    for token in ({}, {"csrf_token": "0" * 64}):
        r = web.post(f"/console/requests/{sent['id']}/order", data={**FORM, **token}, follow_redirects=False)
        assert r.status_code == 403
    assert corrections(sessions) == []
