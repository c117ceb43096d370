"""The console's search, saved views, bulk claims and dashboard, through HTTP like a browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from tests.web.conftest import PASSWORD, csrf_of, sign_in

ROWS = re.compile(r'<tr data-item="(\d+)"')


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def items(send: Any, kz_ministry: Any, de_court: Any) -> dict[str, list[int]]:
    kz = send(kz_ministry, 2)
    de = send(de_court, 1, jurisdiction="DE", reference="LG-27-O-123/26",
              legal_basis=[{"law": "de-netzdg-3"}], reason="defamation")
    return {"kz": [i["id"] for i in kz["items"]], "de": [i["id"] for i in de["items"]]}


def _as(web: Any, make_user: Any, email: str, *roles: str) -> Any:
    make_user(email, *roles, password=PASSWORD)
    web.cookies.clear()
    assert sign_in(web, email).status_code == 303
    web.csrf = csrf_of(web, "/")
    return web


def _post(web: Any, path: str, **data: Any) -> Any:
    return web.post(path, data={**data, "csrf_token": web.csrf}, follow_redirects=False)


def shown(web: Any, url: str) -> set[int]:
    r = web.get(url)
    assert r.status_code == 200, r.text
    return {int(i) for i in ROWS.findall(r.text)}


def test_the_queue_searches_like_the_api(web: Any, make_user: Any, items: dict[str, list[int]]) -> None:
    _as(web, make_user, "alice@docket.test", "reviewer")
    assert shown(web, "/console?requester=Landgericht") == set(items["de"])
    assert shown(web, "/console?reference=LG-27-O-123/26&sort=deadline") == set(items["de"])
    assert shown(web, "/console?due_within=720") == set(items["kz"] + items["de"])
    bad = web.get("/console?address=nonsense&due_within=99999")
    assert bad.status_code == 422
    assert "an http(s) address" in bad.text and "a number of hours" in bad.text


def test_a_view_is_saved_listed_above_the_queue_and_private(web: Any, make_user: Any,
                                                            items: dict[str, list[int]]) -> None:
    _as(web, make_user, "alice@docket.test", "reviewer")
    form = web.get("/console/views?jurisdiction=DE&overdue=no&cursor=abc")
    assert 'name="jurisdiction" value="DE"' in form.text and 'name="cursor"' not in form.text
    r = _post(web, "/console/views", name="German court", jurisdiction="DE", overdue="no")
    assert r.status_code == 303 and r.headers["location"] == "/console?jurisdiction=DE&overdue=no"
    queue = web.get("/console").text
    assert '<a href="/console?jurisdiction=DE&amp;overdue=no">German court</a>' in queue
    odd = _post(web, "/console/views", name="Odd", status="sleeping", overdue="maybe")
    assert odd.status_code == 422 and "one of the item states" in odd.text
    twice = _post(web, "/console/views", name="German court", jurisdiction="DE")
    assert twice.status_code == 409 and "already" in twice.text
    view_id = int(re.search(r"/console/views/(\d+)/delete", web.get("/console/views").text).group(1))
    # Bob neither sees nor deletes it.
    _as(web, make_user, "bob@docket.test", "legal")
    assert "German court" not in web.get("/console").text
    assert _post(web, f"/console/views/{view_id}/delete").status_code == 404
    web.cookies.clear()
    assert sign_in(web, "alice@docket.test").status_code == 303
    web.csrf = csrf_of(web, "/")
    assert _post(web, f"/console/views/{view_id}/delete").status_code == 303
    assert "View “German court” deleted." in web.get("/console/views").text
    assert "German court" not in web.get("/console").text


def test_a_bulk_claim_shows_each_items_result(web: Any, make_user: Any, items: dict[str, list[int]],
                                             act: Any) -> None:
    bob = make_user("bob@docket.test", "legal", "reviewer")
    kz = items["kz"]
    act(bob, f"/items/{kz[1]}/claim")
    _as(web, make_user, "alice@docket.test", "reviewer")
    page = web.get("/console").text
    assert f'form="bulk" name="item_ids" value="{kz[0]}"' in page
    r = web.post("/console/bulk", data={"action": "claim", "item_ids": [str(kz[0]), str(kz[1])],
                                        "back": "/console", "csrf_token": web.csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console"
    after = web.get("/console").text
    assert "Claim: 1 of 2 items done." in after
    assert f"Item {kz[0]}: claimed until" in after
    assert f"Item {kz[1]}: item {kz[1]} is claimed by" in after
    assert shown(web, "/console?assigned=me") == {kz[0]}
    nothing = _post(web, "/console/bulk", action="claim", back="/console")
    assert nothing.status_code == 303
    assert "Select one or more items" in web.get("/console").text


def test_the_dashboard_is_for_leads(web: Any, make_user: Any, items: dict[str, list[int]]) -> None:
    _as(web, make_user, "alice@docket.test", "reviewer")
    assert web.get("/console/dashboard").status_code == 403
    assert "/console/dashboard" not in web.get("/console").text
    _as(web, make_user, "lena@docket.test", "lead")
    page = web.get("/console/dashboard")
    assert page.status_code == 200
    assert '<svg role="img"' in page.text and "<caption>Open items by jurisdiction and step</caption>" in page.text
    assert "<td>Kazakhstan (KZ)</td><td>Received</td><td>2</td>" in page.text
    assert "<td>Germany (DE)</td><td>Received</td><td>1</td>" in page.text
    assert '<a href="/console/dashboard" aria-current="page">Dashboard</a>' in page.text
