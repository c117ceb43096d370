"""The console's appeals queue (appeals/queue_pages.py): my appeals by default, the menu's
count of them, and a lead's view of those routed to nobody, with the forms to assign one or
take it over."""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from docket import store
from docket.appeals import tokens
from docket.audit.models import Event
from docket.parties import service as parties
from docket.review.models import Decision
from tests.conftest import SECRET
from tests.web.conftest import PASSWORD, csrf_of, sign_in


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _as(web: Any, email: str) -> None:
    web.cookies.clear()
    assert sign_in(web, email).status_code == 303
    web.csrf = csrf_of(web, "/")


def _post(web: Any, action: str, **data: Any) -> Any:
    return web.post(action, data={**data, "csrf_token": web.csrf}, follow_redirects=False)


def _appeal(web: Any, decision: int) -> int:
    r = web.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision), "statement": "It is satire."})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def client_get_json(web: Any, path: str, who: Any) -> Any:
    r = web.get(path, headers=who.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-appeal="(\d+)"', html)]


def test_my_appeals_are_my_queue_and_the_menu_counts_them(web: Any, decided: Any, make_user: Any,
                                                         bob_legal: Any) -> None:
    make_user("frank@docket.test", "legal", "reviewer", password=PASSWORD)
    make_user("bo@docket.test", "legal", "reviewer", password=PASSWORD)
    appeal = _appeal(web, decided())
    _as(web, "frank@docket.test")
    page = web.get("/console/appeals")
    assert page.status_code == 200 and _shown(page.text) == [appeal]
    assert 'data-my-appeals="1"' in page.text and "1 mine" in page.text
    assert '<option value="mine" selected>' in page.text
    # Bo took no part either, but the appeal went to Frank: not in Bo's queue, in "all I may see".
    _as(web, "bo@docket.test")
    page = web.get("/console/appeals")
    assert _shown(page.text) == [] and "No appeals waiting for you." in page.text
    assert "data-my-appeals" not in page.text
    assert _shown(web.get("/console/appeals?whose=all").text) == [appeal]


def test_a_lead_sees_an_appeal_routed_to_nobody_and_assigns_it(web: Any, decided: Any, make_user: Any,
                                                              bob_legal: Any, sessions: Any) -> None:
    appeal = _appeal(web, decided())  # everyone took part: routed to nobody
    lea = make_user("lea@docket.test", "lead", password=PASSWORD)
    with store.transaction(sessions) as s:  # Lea approved the decision: she took part
        s.execute(update(Decision).values(approved_by=lea.id))
    _as(web, "lea@docket.test")
    page = web.get("/console/appeals")  # a lead's default: all
    assert _shown(page.text) == [appeal]
    assert "nobody: nobody uninvolved is entitled to KZ" in page.text
    assert _shown(web.get("/console/appeals?whose=nobody").text) == [appeal]
    assert 'data-unassigned-appeals="1"' in web.get("/console/dashboard").text  # the lead's dashboard too
    assert client_get_json(web, "/api/v1/dashboard", lea)["appeals_unassigned"] == 1
    grace = make_user("grace@docket.test", "reviewer", password=PASSWORD)
    page = web.get("/console/appeals")
    assert "nobody yet: a lead can assign it" in page.text
    # Only people who may decide it are offered; one who took part is refused, with why.
    assign_form = page.text.split(f'action="/console/appeals/{appeal}/assign"')[1].split("</form>")[0]
    assert "grace@docket.test" in assign_form and "bob@docket.test" not in assign_form
    refused = _post(web, f"/console/appeals/{appeal}/assign", user_id=str(bob_legal.id))
    assert refused.status_code == 422 and "took part in the original decision" in refused.text
    done = _post(web, f"/console/appeals/{appeal}/assign", user_id=str(grace.id))
    assert done.status_code == 303
    assert "Assigned to" in web.get(done.headers["location"]).text
    # Lea took part: no take-over form for her, and a forged one is refused with why.
    taken = _post(web, f"/console/appeals/{appeal}/take-over", reason="Grace is away.")
    assert taken.status_code == 422 and "took part in the original decision" in taken.text
    assert _shown(web.get("/console/appeals?whose=mine").text) == []
    _as(web, "grace@docket.test")
    assert _shown(web.get("/console/appeals").text) == [appeal]
    with store.transaction(sessions) as s:
        actions = [e.action for e in s.scalars(select(Event).where(Event.action.like("appeal:%"))
                                               .order_by(Event.seq))]
    assert actions == ["appeal:filed", "appeal:unrouted", "appeal:assigned"]


def test_a_lead_takes_an_appeal_over_with_a_reason(web: Any, decided: Any, make_user: Any, sessions: Any) -> None:
    make_user("frank@docket.test", "legal", "reviewer", password=PASSWORD)
    appeal = _appeal(web, decided())
    make_user("lea@docket.test", "lead", password=PASSWORD)
    _as(web, "lea@docket.test")
    assert _post(web, f"/console/appeals/{appeal}/take-over").status_code == 422  # no reason
    taken = _post(web, f"/console/appeals/{appeal}/take-over", reason="Frank is away.")
    assert taken.status_code == 303
    assert _shown(web.get("/console/appeals?whose=mine").text) == [appeal]
    with store.transaction(sessions) as s:
        [event] = s.scalars(select(Event).where(Event.action == "appeal:taken_over"))
    assert event.payload["reason"] == "Frank is away."


def test_a_reviewer_has_no_assign_form_and_may_not_post_one(web: Any, decided: Any, make_user: Any) -> None:
    frank = make_user("frank@docket.test", "legal", "reviewer", password=PASSWORD)
    appeal = _appeal(web, decided())
    _as(web, "frank@docket.test")
    page = web.get("/console/appeals").text
    assert f"/console/appeals/{appeal}/assign" not in page and "/take-over" not in page
    assert _post(web, f"/console/appeals/{appeal}/assign", user_id=str(frank.id)).status_code == 403
