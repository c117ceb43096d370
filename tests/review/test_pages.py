"""The reviewer console, through HTTP like a browser: the same services, order and results as the API."""

from __future__ import annotations

import datetime as dt
import re
from itertools import count
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from docket.appeals import tokens
from docket.audit.models import Event
from docket.intake.models import Item
from docket.parties import service as parties
from docket.store import transaction, utcnow
from tests.conftest import SECRET
from tests.web.conftest import PASSWORD, csrf_of, sign_in

ROWS = re.compile(r'<tr data-item="(\d+)"')
LEGAL_BASIS = {"KZ": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
               "DE": [{"law": "de-netzdg-3"}], "TR": [{"law": "tr-5651-9"}]}


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: these tests sign in a dozen people each; argon2's cost is
    sign-in's business (tests/web/test_pages.py), not the console's."""
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def send(client: Any, platform: Any) -> Any:
    """Register ``n`` pieces of content and send a request naming them; returns the API's answer."""
    numbers = count(1)

    def go(who: Any, n: int = 1, jurisdiction: str = "KZ", **changes: Any) -> dict[str, Any]:
        urls = []
        for _ in range(n):
            number = next(numbers)
            url = f"https://social.example/@x/{number}"
            r = client.post("/api/v1/content", headers=platform.headers, json={
                "id": f"post-{number}", "url": url, "type": "post", "author_id": f"author-{number}",
                "text": f"Text of post {number}", "author_contact": f"author{number}@mail.example"})
            assert r.status_code in (200, 201), r.text
            urls.append(url)
        body = {"jurisdiction": jurisdiction, "reason": "hate_speech", "reference": f"REF-{jurisdiction}",
                "legal_basis": LEGAL_BASIS[jurisdiction], "explanation": "Calls for violence against a group.",
                "items": [{"url": u} for u in urls], **changes}
        r = client.post("/api/v1/requests", json=body, headers=who.headers)
        assert r.status_code == 201, r.text
        return r.json()

    return go


@pytest.fixture
def staff(make_user: Any) -> Any:
    """Staff who can sign in: make('alice', 'reviewer') → alice@docket.test with the test password."""
    def make(name: str, *roles: str, jurisdictions: tuple[str, ...] = ()) -> Any:
        return make_user(f"{name}@docket.test", *roles, jurisdictions=jurisdictions, password=PASSWORD)
    return make


def _as(web: Any, name: str) -> None:
    """Sign in as ``name`` in a fresh browser; keep the session's CSRF token for its forms."""
    web.cookies.clear()
    assert sign_in(web, f"{name}@docket.test").status_code == 303
    web.csrf = csrf_of(web, "/")


def _post(web: Any, action: str, **data: Any) -> Any:
    """Send a form as the browser would (every form of a session carries the same CSRF token)."""
    return web.post(action, data={**data, "csrf_token": web.csrf}, follow_redirects=False)


def _api_item(client: Any, who: Any, item: int) -> dict[str, Any]:
    r = client.get(f"/api/v1/items/{item}", headers=who.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _events(sessions: Any) -> int:
    with transaction(sessions) as s:
        return int(s.scalar(select(func.count()).select_from(Event)) or 0)


def test_the_queue_has_the_apis_order_and_its_filters(web, send, staff, kz_ministry, de_court, tr_btk,
                                                      sessions) -> None:
    alice = staff("alice", "reviewer")
    send(kz_ministry, n=2)
    send(de_court, jurisdiction="DE")
    send(tr_btk, jurisdiction="TR", emergency=True, emergency_explanation="A death threat.")
    send(kz_ministry, reason="defamation")
    with transaction(sessions) as s:  # one overdue item, which must lead its severity class
        late = s.scalars(select(Item.id).where(Item.jurisdiction == "DE")).one()
        s.execute(update(Item).where(Item.id == late).values(deadline_at=utcnow() - dt.timedelta(hours=3),
                                                             due_hour=0))
    _as(web, "alice")
    for query in ("", "?jurisdiction=KZ", "?reason=defamation", "?overdue=yes", "?overdue=no&status=received"):
        api = web.get(f"/api/v1/queue{query.replace('yes', 'true').replace('no', 'false')}", headers=alice.headers)
        page = web.get(f"/console{query}")
        assert page.status_code == 200
        assert [int(i) for i in ROWS.findall(page.text)] == [r["id"] for r in api.json()["items"]], query
    # Paging follows the same order: two rows a page, to the end.
    api_order = [r["id"] for r in web.get("/api/v1/queue", headers=alice.headers).json()["items"]]
    seen, url = [], "/console?limit=2"
    while url:
        page = web.get(url)
        seen += [int(i) for i in ROWS.findall(page.text)]
        found = re.search(r'<a href="([^"]+)">Next page</a>', page.text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == api_order and len(seen) == 5
    # A bad filter is shown beside its field; it is not a 500 or a bare error page.
    bad = web.get("/console?jurisdiction=Kazakhstan&overdue=maybe")
    assert bad.status_code == 422 and 'id="f-jurisdiction-error"' in bad.text and 'id="f-overdue-error"' in bad.text


def test_an_overdue_item_says_overdue_in_words_and_red(web, send, staff, kz_ministry, sessions) -> None:
    staff("alice", "reviewer")
    item = send(kz_ministry)["items"][0]["id"]
    fresh = send(kz_ministry)["items"][0]["id"]
    with transaction(sessions) as s:
        s.execute(update(Item).where(Item.id == item).values(deadline_at=utcnow() - dt.timedelta(hours=2, minutes=5)))
    _as(web, "alice")
    page = web.get("/console").text
    row = page[page.index(f'data-item="{item}"'):]
    row = row[:row.index("</tr>")]
    assert '<span class="badge danger">overdue by 2 h' in row
    other = page[page.index(f'data-item="{fresh}"'):]
    assert "overdue" not in other[:other.index("</tr>")] and "h " in other
    assert f'data-item="{item}"' in web.get("/console?overdue=yes").text


def test_claim_and_release_from_the_queue(web, client, send, staff, kz_ministry, sessions) -> None:
    alice = staff("alice", "reviewer")
    staff("bob", "legal", "reviewer")
    item = send(kz_ministry)["items"][0]["id"]
    _as(web, "alice")
    claimed = _post(web, f"/console/items/{item}/claim", back="/console?jurisdiction=KZ")
    assert claimed.status_code == 303 and claimed.headers["location"] == "/console?jurisdiction=KZ"
    assert _api_item(client, alice, item)["assigned_to"] == alice.id
    page = web.get("/console?jurisdiction=KZ").text
    assert "You claimed item" in page and f'aria-label="Release item {item}"' in page
    # Bob cannot take it: the refusal is shown in the item's row, and nothing changes.
    _as(web, "bob")
    taken = _post(web, f"/console/items/{item}/claim", back="/console")
    assert taken.status_code == 409 and 'class="row-error"' in taken.text
    assert f"item {item} is claimed by alice@docket.test until" in taken.text
    assert web.get(f"/console?assigned={alice.id}").text.count("<tr data-item") == 1
    refused = _post(web, f"/console/items/{item}/release")
    assert refused.status_code == 409 and "not by you" in refused.text and "<h1>Item" in refused.text
    _as(web, "alice")
    released = _post(web, f"/console/items/{item}/release", back="/console")
    assert released.status_code == 303
    assert _api_item(client, alice, item)["assigned_to"] is None
    assert "nobody" in web.get("/console").text


def test_a_whole_decision_through_the_forms_with_four_eyes(web, client, send, staff, kz_ministry,
                                                           auditor_erin) -> None:
    alice = staff("alice", "reviewer")
    staff("bob", "legal", "reviewer")
    staff("carol", "rights", "reviewer")
    dana = staff("dana", "local_representative", jurisdictions=("KZ",))
    request = send(kz_ministry)
    item = request["items"][0]["id"]
    page = f"/console/items/{item}"

    _as(web, "alice")
    shown = web.get(page).text
    assert "REF-KZ" in shown and "Law of the Republic of Kazakhstan on Informatization" in shown
    assert "Art. 18-2(1)" in shown and "Text of post 1" in shown and "author-1" in shown
    assert 'name="step" value="policy"' in shown and f'action="{page}/decision"' not in shown
    assert _post(web, f"{page}/claim").status_code == 303
    done = _post(web, f"{page}/review", step="policy", finding="compliant", notes="Not a rules breach.")
    assert done.status_code == 303 and done.headers["location"] == f"{page}#next"
    # Recording the step ended her claim: there is nothing to release, and Bob may go on.
    assert _post(web, f"{page}/release").status_code == 409
    # Alice has no legal role: the page says so instead of offering the form.
    assert "This step needs one of these roles: legal, local_representative" in web.get(page).text

    _as(web, "bob")
    assert _post(web, f"{page}/review", step="legal", finding="illegal").status_code == 303
    _as(web, "carol")
    assert _post(web, f"{page}/review", step="rights", finding="no_concern").status_code == 303
    _as(web, "bob")
    form = web.get(page).text
    assert 'value="restricted"' in form and 'value="removed_policy"' not in form
    assert re.search(r'<option value="KZ" selected>Kazakhstan \(KZ\)</option>', form)
    decided = _post(web, f"{page}/decision", outcome="restricted", scope="KZ", ground="legal",
                    law="kz-informatization-18-2", provision="Art. 18-2(1)",
                    explanation="Calls for ethnic violence; illegal under Art. 174 of the Criminal Code.")
    assert decided.status_code == 303
    waiting = web.get(page).text
    assert "Waiting for a second person (four eyes)" in waiting
    assert "the local representative of Kazakhstan must sign off" in waiting
    assert "You made this decision" in waiting and "Approve decision" not in waiting
    assert _api_item(client, alice, item)["status"] == "awaiting_approval"

    # Alice is a second person, but Kazakhstan's restrictions need its local representative.
    _as(web, "alice")
    inbox = web.get("/console/approvals").text
    decision = int(re.search(r'data-decision="(\d+)"', inbox).group(1))
    assert "Only the local representative of Kazakhstan can approve this decision." in inbox
    assert f"Approve decision {decision}" not in inbox and f"Reject decision {decision}" in inbox
    forced = _post(web, f"/console/decisions/{decision}/approve", back="/console/approvals")
    assert forced.status_code == 403 and "needs the sign-off of the local representative for KZ" in forced.text
    assert "<h1>Approvals</h1>" in forced.text

    _as(web, "dana")
    assert f"Approve decision {decision}" in web.get("/console/approvals").text
    approved = _post(web, f"/console/decisions/{decision}/approve",
                     note="Signed off for KZ.", back="/console/approvals")
    assert approved.status_code == 303
    assert "Nothing waits for approval." in web.get("/console/approvals").text

    api = _api_item(client, alice, item)
    assert api["status"] == "decided" and api["outcome"] == "restricted"
    decisions = client.get(f"/api/v1/items/{item}/decisions", headers=alice.headers).json()
    assert decisions[0]["takes_effect"] and decisions[0]["approved_by"] == dana.id and decisions[0]["scope"] == ["KZ"]
    seen = client.get(f"/api/v1/requests/{request['id']}", headers=kz_ministry.headers).json()
    assert seen["status"] == "decided" and seen["items"][0]["scope"] == ["KZ"]
    # The item's history is the audit log's: the same events the API lists, in order.
    events = client.get(f"/api/v1/items/{item}/events", headers=auditor_erin.headers).json()["events"]
    history = web.get(page).text.split('id="history"')[1]
    shown_actions = re.findall(r"<td>([a-z ]+)</td>\n      <td class=\"break\">", history)
    assert shown_actions == [e["action"].replace(":", " ").replace("_", " ") for e in events]
    assert "decision approved" in shown_actions


def test_a_refused_decision_keeps_what_was_typed_next_to_the_field(web, client, send, staff, de_court) -> None:
    lea = staff("lea", "reviewer", "legal", "rights")
    item = send(de_court, jurisdiction="DE")["items"][0]["id"]
    page = f"/console/items/{item}"
    _as(web, "lea")
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        assert _post(web, f"{page}/review", step=step, finding=finding).status_code == 303
    # Wider than Germany without the reason the service asks for: 422 beside the field, values kept.
    wide = _post(web, f"{page}/decision", outcome="restricted", scope=["DE", "AT"],
                 explanation="Insults a named judge; § 185 StGB.")
    assert wide.status_code == 422
    assert 'id="f-scope_reason-error"' in wide.text and "needs a written reason" in wide.text
    assert "Insults a named judge; § 185 StGB.</textarea>" in wide.text
    assert re.search(r'<option value="AT" selected>', wide.text)
    assert re.search(r'<option value="DE" selected>', wide.text)
    assert re.search(r'value="restricted" checked', wide.text)
    # No explanation at all: the schema's message beside the explanation.
    empty = _post(web, f"{page}/decision", outcome="restricted", scope="DE", explanation="")
    assert empty.status_code == 422 and 'id="f-explanation-error">required' in empty.text
    # A finding that does not exist for the step.
    odd = _post(web, f"{page}/review", step="rights", finding="illegal")
    assert odd.status_code == 422 and 'id="f-finding-rights-error"' in odd.text
    assert _api_item(client, lea, item)["status"] == "rights_review"
    assert client.get(f"/api/v1/items/{item}/decisions", headers=lea.headers).json() == []


def test_rejecting_a_decision_sends_the_item_back(web, client, send, staff, de_court) -> None:
    lea = staff("lea", "reviewer", "legal", "rights")
    staff("carol", "rights", "reviewer")
    item = send(de_court, jurisdiction="DE")["items"][0]["id"]
    page = f"/console/items/{item}"
    _as(web, "lea")
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        _post(web, f"{page}/review", step=step, finding=finding)
    assert _post(web, f"{page}/decision", outcome="restricted", scope=["DE", "AT"],
                 scope_reason="The Austrian order names it too.", explanation="Illegal in DE.").status_code == 303
    _as(web, "carol")
    shown = web.get(page).text
    assert "the scope is wider than the requesting jurisdiction" in shown
    decision = int(re.search(r"/console/decisions/(\d+)/reject", shown).group(1))
    empty = _post(web, f"/console/decisions/{decision}/reject", reason="", back=page)
    assert empty.status_code == 422 and f'id="f-reason-reject-{decision}-error"' in empty.text
    assert _post(web, f"/console/decisions/{decision}/reject", reason="Germany only.",
                 back=page).status_code == 303
    assert _api_item(client, lea, item)["status"] == "rights_review"


def test_an_official_may_not_open_the_console(web, send, kz_ministry, make_person) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    make_person(kz_ministry, "aigerim@misd.example.kz", "Aigerim")
    assert sign_in(web, "aigerim@misd.example.kz").status_code == 303
    for path in ("/console", f"/console/items/{item}", "/console/approvals", "/console/appeals",
                 f"/console/requests/{item}"):
        r = web.get(path)
        assert r.status_code == 403 and "text/html" in r.headers["content-type"], path


def test_signing_in_is_needed(web) -> None:
    for path in ("/console", "/console/items/1", "/console/approvals"):
        r = web.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/sign-in?next="), path


def test_a_form_without_the_csrf_token_changes_nothing(web, client, send, staff, kz_ministry, sessions) -> None:
    alice = staff("alice", "reviewer")
    item = send(kz_ministry)["items"][0]["id"]
    _as(web, "alice")
    before = _events(sessions)
    for action, data in ((f"/console/items/{item}/claim", {}),
                         (f"/console/items/{item}/review", {"step": "policy", "finding": "compliant"})):
        assert web.post(action, data=data, follow_redirects=False).status_code == 403
        assert web.post(action, data={**data, "csrf_token": "0" * 64}, follow_redirects=False).status_code == 403
    assert _events(sessions) == before
    api = _api_item(client, alice, item)
    assert api["assigned_to"] is None and api["status"] == "received"


def test_read_only_staff_see_the_item_without_forms(web, send, staff, kz_ministry) -> None:
    staff("erin", "auditor")
    item = send(kz_ministry)["items"][0]["id"]
    _as(web, "erin")
    assert web.get("/console").status_code == 403  # the queue needs queue:read, as in the API
    page = web.get(f"/console/items/{item}")
    assert page.status_code == 200 and "Your role may read this item but not review it." in page.text
    assert "/claim" not in page.text and 'name="finding"' not in page.text
    assert web.get("/console/approvals").status_code == 403


def test_a_local_representative_sees_its_own_countries_only(web, send, staff, kz_ministry, de_court) -> None:
    staff("dana", "local_representative", jurisdictions=("KZ",))
    mine = send(kz_ministry)
    other = send(de_court, jurisdiction="DE")
    _as(web, "dana")
    queue = web.get("/console").text
    assert f'data-item="{mine["items"][0]["id"]}"' in queue and f'data-item="{other["items"][0]["id"]}"' not in queue
    assert web.get(f"/console/items/{other['items'][0]['id']}").status_code == 404
    assert web.get(f"/console/requests/{other['id']}").status_code == 404
    assert web.get(f"/console/requests/{mine['id']}").status_code == 200


def test_the_item_page_shows_what_else_is_known_about_the_content(web, client, send, staff, kz_ministry, de_court,
                                                                  platform) -> None:
    staff("alice", "reviewer")
    first = send(kz_ministry)["items"][0]["id"]
    again = client.post("/api/v1/requests", headers=de_court.headers, json={
        "jurisdiction": "DE", "reason": "hate_speech", "legal_basis": [{"law": "de-netzdg-3"}],
        "explanation": "Volksverhetzung.", "items": [{"content_id": "post-1"}]}).json()["items"][0]["id"]
    report = client.post("/api/v1/reports", headers=platform.headers, json={
        "content_id": "post-1", "reason": "hate_speech", "reporter_id": "u-77", "explanation": "Hateful."})
    assert report.status_code == 201, report.text
    _as(web, "alice")
    page = web.get(f"/console/items/{first}").text
    related = page.split('id="related-heading"')[1].split('id="steps-heading"')[0]
    assert f'href="/console/items/{again}"' in related and "court" in related
    assert "Hateful." in related and "user:u-77" in related


def test_bulk_decision_for_items_of_one_request(web, client, send, staff, de_court) -> None:
    lea = staff("lea", "reviewer", "legal", "rights")
    request = send(de_court, n=3, jurisdiction="DE")
    ids = [i["id"] for i in request["items"]]
    page = f"/console/requests/{request['id']}"
    _as(web, "lea")
    shown = web.get(page).text
    assert all(f'data-item="{i}"' in shown for i in ids)
    for finding in ("policy:compliant", "legal:illegal", "rights:no_concern"):
        r = _post(web, f"{page}/review", item_ids=[str(i) for i in ids], step_finding=finding)
        assert r.status_code == 303, r.text
    nothing = _post(web, f"{page}/decision", outcome="restricted", explanation="Illegal in DE.")
    assert nothing.status_code == 422 and 'id="f-item_ids-decision-error"' in nothing.text
    done = _post(web, f"{page}/decision", item_ids=[str(ids[0]), str(ids[1])], outcome="restricted",
                 scope="DE", explanation="The same insult posted twice; § 185 StGB.")
    assert done.status_code == 303
    assert "Decided 2 items; all in effect." in web.get(page).text
    assert [_api_item(client, lea, i)["outcome"] for i in ids] == ["restricted", "restricted", None]
    # One item already decided: nothing changes, and the refusal is shown beside that item.
    mixed = _post(web, f"{page}/decision", item_ids=[str(ids[1]), str(ids[2])], outcome="restricted",
                  explanation="Again.")
    assert mixed.status_code == 409
    assert f'id="f-item-decision-{ids[1]}-error">Item {ids[1]}: item {ids[1]} is already decided' in mixed.text
    assert "Nothing was changed: 1 of 2 items were refused" in mixed.text
    assert "Again.</textarea>" in mixed.text
    assert _api_item(client, lea, ids[2])["status"] == "rights_review"


def test_the_appeals_queue_decides_an_appeal(web, client, act, send, staff, kz_ministry, dana_kz,
                                             platform) -> None:
    alice = staff("alice", "reviewer")
    staff("bob", "legal", "reviewer")
    item = send(kz_ministry)["items"][0]["id"]
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        act(dana_kz, f"/items/{item}/review", step=step, finding=finding)
    decision = act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted",
                   explanation="Illegal under KZ law.")["id"]
    appeal = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision),
                                                   "statement": "It is satire."}).json()["id"]
    _as(web, "alice")
    queue = web.get("/console/appeals").text
    assert f'data-appeal="{appeal}"' in queue and "It is satire." in queue
    empty = _post(web, f"/console/appeals/{appeal}/decision", outcome="reversed")
    assert empty.status_code == 422 and f'id="f-explanation-appeal-{appeal}-error"' in empty.text
    assert 'value="reversed" checked' in empty.text
    reversed_ = _post(web, f"/console/appeals/{appeal}/decision", outcome="reversed",
                      explanation="Satire of a public figure; lawful.")
    assert reversed_.status_code == 303
    assert client.get(f"/api/v1/appeals/{appeal}", headers=alice.headers).json()["status"] == "reversed"
    visible = client.get("/api/v1/visibility", params={"content_id": "post-1", "country": "KZ"},
                         headers=platform.headers).json()
    assert visible["visible"] is True
    assert f'data-appeal="{appeal}"' not in web.get("/console/appeals").text
    assert f'data-appeal="{appeal}"' in web.get("/console/appeals?status=reversed").text


def test_who_took_part_cannot_decide_the_appeal(web, client, send, staff, kz_ministry) -> None:
    staff("dana", "local_representative", "reviewer", "legal", "rights", jurisdictions=("KZ",))
    item = send(kz_ministry)["items"][0]["id"]
    page = f"/console/items/{item}"
    _as(web, "dana")
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        _post(web, f"{page}/review", step=step, finding=finding)
    assert _post(web, f"{page}/decision", outcome="restricted", explanation="Illegal.").status_code == 303
    decision_id = int(re.search(r"<td>(\d+)</td>", web.get(page).text.split('id="decisions"')[1]).group(1))
    appeal = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision_id),
                                                   "statement": "Unfair."}).json()["id"]
    assert f'data-appeal="{appeal}"' not in web.get("/console/appeals").text  # not routed to dana
    queue = web.get("/console/appeals?whose=all").text
    assert "You took part in the original decision" in queue
    refused = _post(web, f"/console/appeals/{appeal}/decision", outcome="reversed",
                    explanation="x")
    assert refused.status_code == 409 and "another reviewer must decide this appeal" in refused.text


def test_every_console_page_has_a_title_and_one_heading(web, send, staff, kz_ministry) -> None:
    staff("alice", "reviewer")
    request = send(kz_ministry)
    _as(web, "alice")
    for path in ("/console", f"/console/items/{request['items'][0]['id']}", "/console/approvals",
                 "/console/appeals", f"/console/requests/{request['id']}"):
        html = web.get(path).text
        assert html.count("<h1") == 1 and "<title>" in html, path
        labels = set(re.findall(r'<label for="([^"]+)"', html))
        fields = set(re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html))
        assert fields <= labels, (path, fields - labels)
        assert csrf_of(web, path)


def test_asking_the_requester_needs_the_question_which_the_item_then_shows(web, client, send, staff,
                                                                          de_court) -> None:
    lea = staff("lea", "reviewer", "legal")
    item = send(de_court, jurisdiction="DE")["items"][0]["id"]
    page = f"/console/items/{item}"
    _as(web, "lea")
    assert _post(web, f"{page}/review", step="policy", finding="compliant").status_code == 303
    bare = _post(web, f"{page}/review", step="legal", finding="needs_clarification", notes="Unclear which part.")
    assert bare.status_code == 422 and 'id="f-question-legal-error"' in bare.text
    assert "Unclear which part.</textarea>" in bare.text
    assert _api_item(client, lea, item)["status"] == "legal_review"
    asked = _post(web, f"{page}/review", step="legal", finding="needs_clarification",
                  question="Which sentence names the judge?", notes="Unclear which part.")
    assert asked.status_code == 303
    shown = web.get(page).text
    assert "The question sent:" in shown and "Which sentence names the judge?" in shown
    assert _api_item(client, lea, item)["clarification_question"] == "Which sentence names the judge?"


def test_an_unlisted_item_and_a_refanged_address_are_shown_to_the_reviewer(web, send, staff, kz_ministry) -> None:
    staff("alice", "reviewer")
    sent = send(kz_ministry, n=1, items=[{"url": "hxxps://social[.]example/@x/9"}, {"url": "[redacted]"}])
    refanged, unlisted = (i["id"] for i in sent["items"])
    _as(web, "alice")
    queue = web.get("/console")
    assert queue.status_code == 200 and 'class="badge warn">unlisted</span>' in queue.text
    page = web.get(f"/console/items/{unlisted}")
    assert page.status_code == 200
    assert "unlisted</span> The request withheld this item's address" in page.text and "[redacted]" in page.text
    page = web.get(f"/console/items/{refanged}")
    assert "hxxps://social[.]example/@x/9" in page.text and "https://social.example/@x/9" in page.text
