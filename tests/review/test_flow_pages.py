"""The desk's flow in the console: the assignment panel, take-over, "Next item", the queue's
team filter and names, and the human-rights step shown as recorded."""

from __future__ import annotations

from typing import Any

import pytest

from docket import store
from docket.parties.models import Team, TeamMember
from tests.web.conftest import PASSWORD, csrf_of, sign_in


@pytest.fixture
def staff(make_user: Any) -> Any:
    def make(name: str, *roles: str, jurisdictions: tuple[str, ...] = ()) -> Any:
        return make_user(f"{name}@docket.test", *roles, jurisdictions=jurisdictions, password=PASSWORD)
    return make


def _as(web: Any, name: str) -> None:
    web.cookies.clear()
    assert sign_in(web, f"{name}@docket.test").status_code == 303
    web.csrf = csrf_of(web, "/")


def _post(web: Any, action: str, **data: Any) -> Any:
    return web.post(action, data={**data, "csrf_token": web.csrf}, follow_redirects=False)


def test_a_lead_assigns_from_the_item_page_and_the_assignee_takes_it_with_next_item(
    web, send, act, staff, kz_ministry, sessions
) -> None:
    alice = staff("alice", "reviewer")
    staff("lena", "lead")
    bob = staff("bob", "legal")
    staff("carol", "rights")
    item = send(kz_ministry)["items"][0]["id"]
    act(alice, f"/items/{item}/review", step="policy", finding="compliant")
    with store.transaction(sessions) as s:
        team = Team(name="legal — KZ", role="legal", jurisdiction="KZ")
        s.add(team)
        s.flush()
        s.add(TeamMember(team_id=team.id, user_id=bob.id))
        team_id = team.id
    _as(web, "lena")
    page = web.get(f"/console/items/{item}").text
    assert 'id="assignment-heading"' in page and "the legal review" in page
    # Only people who may do the legal review of a KZ item are offered.
    assert ">bob@docket.test</option>" in page and ">carol@docket.test</option>" not in page
    refused = _post(web, f"/console/items/{item}/assign", user_id=str(alice.id))
    assert refused.status_code == 422 and "cannot do the legal review" in refused.text
    assert _post(web, f"/console/items/{item}/assign", team_id=str(team_id)).status_code == 303
    assert _post(web, f"/console/items/{item}/assign", user_id=str(bob.id)).status_code == 303
    shown = web.get(f"/console?team={team_id}").text
    assert "assigned to bob@docket.test" in shown and "team legal — KZ" in shown and f'data-item="{item}"' in shown
    assert 'name="team"' in web.get("/console").text and web.get("/console?team=x").status_code == 422

    _as(web, "bob")
    taken = _post(web, "/console/queue/next", back="/console")
    assert taken.status_code == 303 and taken.headers["location"] == f"/console/items/{item}"
    assert "the next in your queue" in web.get(f"/console/items/{item}").text
    nothing = _post(web, "/console/queue/next", back="/console")
    assert nothing.headers["location"] == "/console" and "Nothing is waiting for you" in web.get("/console").text


def test_a_lead_takes_an_item_over_with_a_reason(web, send, act, staff, kz_ministry) -> None:
    alice = staff("alice", "reviewer")
    staff("lena", "lead")
    item = send(kz_ministry)["items"][0]["id"]
    act(alice, f"/items/{item}/claim")
    _as(web, "lena")
    assert "Take it over from alice@docket.test" in web.get(f"/console/items/{item}").text
    assert _post(web, f"/console/items/{item}/take-over", reason="").status_code == 422
    assert _post(web, f"/console/items/{item}/take-over", reason="Alice is away.").status_code == 303
    page = web.get(f"/console/items/{item}").text
    assert "You took item" in page and "Alice is away." in page  # the history shows the reason


def test_the_human_rights_step_shows_what_was_recorded_and_what_comes_next(
    web, send, act, staff, kz_ministry
) -> None:
    staff("alice", "reviewer")
    bob = staff("bob", "legal")
    staff("carol", "rights", "reviewer")
    item = send(kz_ministry)["items"][0]["id"]
    act(bob, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob, f"/items/{item}/review", step="legal", finding="illegal")
    _as(web, "carol")
    assert 'id="rights-recorded-heading"' not in web.get(f"/console/items/{item}").text
    done = _post(web, f"/console/items/{item}/review", step="rights", finding="concern",
                 flags="journalism", notes="A reporter's post.")
    assert done.status_code == 303
    page = web.get(f"/console/items/{item}").text
    recorded = page.split('id="rights-recorded-heading"')[1].split("</section>")[0]
    assert "Human-rights concern" in recorded and "Journalism" in recorded and "A reporter&#39;s post." in recorded
    assert "carol@docket.test" in recorded and "a second reviewer approves it" in recorded
    assert "local representative for KZ" in recorded and "a decision on the item" in recorded
    assert "Record the human-rights review again" in page


def test_the_appeals_page_says_why_not_me_and_who_can(web, client, act, send, staff, kz_ministry) -> None:
    from docket.appeals import tokens
    from tests.conftest import SECRET

    dana = staff("dana", "local_representative", "reviewer", "legal", "rights", jurisdictions=("KZ",))
    staff("frank", "legal", "reviewer")
    staff("erin", "auditor")
    staff("dirk", "local_representative", jurisdictions=("DE",))
    item = send(kz_ministry)["items"][0]["id"]
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        act(dana, f"/items/{item}/review", step=step, finding=finding)
    decision = act(dana, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="Illegal.")
    appeal = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision["id"]),
                                                   "statement": "Unfair."}).json()["id"]
    _as(web, "dana")  # not routed to her: she sees it among "all I may see"
    section = web.get("/console/appeals?whose=all").text.split(f'data-appeal="{appeal}"')[1].split("</section>")[0]
    assert "Who can decide it (entitled to KZ, took no part): frank@docket.test." in section
    assert "You took part in the original decision (you decided it)" in section
    refused = _post(web, f"/console/appeals/{appeal}/decision", outcome="reversed", explanation="x")
    assert refused.status_code == 409 and "Ask frank@docket.test" in refused.text
    _as(web, "frank")
    section = web.get("/console/appeals").text.split(f'data-appeal="{appeal}"')[1].split("</section>")[0]
    assert "Decide appeal" in section and "another reviewer must" not in section
