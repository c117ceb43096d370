"""The government portal: officials send requests through the same intake as the API,
follow them, clarify them, read the effect given and manage their agency's API tokens."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from docket.audit.models import Event
from docket.audit.sealer import seal
from docket.intake.models import Request
from docket.store import transaction
from tests.intake.conftest import KZ_BODY
from tests.web.conftest import PASSWORD, csrf_of, sign_in

AIGERIM = "aigerim@misd.example.kz"
LAW = "kz-informatization-18-2"
LAW_CITATION = "Law of the Republic of Kazakhstan on Informatization, Art. 18-2"
_FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
_TOKEN = re.compile(r'id="new-token"[^>]*value="(dkt_[^"]+)"')


def n_requests(sessions: Any) -> int:
    with sessions() as s:
        return s.execute(select(func.count()).select_from(Request)).scalar_one()


def events(sessions: Any, action: str) -> list[Event]:
    with sessions() as s:
        return list(s.scalars(select(Event).where(Event.action == action).order_by(Event.seq)))


def complete(**changes: Any) -> dict[str, Any]:
    """The portal form of KZ_BODY (the request the API tests send), changed by keyword."""
    form = {
        "jurisdiction": "KZ", "reason": "hate_speech", "law": LAW, "provision": "Art. 18-2(1)",
        "explanation": KZ_BODY["explanation"], "requested_action": "restrict",
        "reference": KZ_BODY["reference"], "officer_name": "A. Nurpeisova",
        "officer_title": "Head of the monitoring department", "language": "ru",
        "items": "https://social.example/@aidos/1001\nhttps://social.example/@aidos/1002\n",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


@pytest.fixture
def official(web: Any, kz_ministry: Any, make_person: Any) -> Any:
    """Aigerim of the Kazakh ministry, signed in to the portal."""
    make_person(kz_ministry, AIGERIM, "Aigerim Nurlanovna")
    assert sign_in(web, AIGERIM).headers["location"] == "/portal"
    return kz_ministry


@pytest.fixture
def submit(web: Any) -> Any:
    """Load the form (for its CSRF token and one-time key) and send ``data``."""
    def go(data: dict[str, Any], **kw: Any) -> Any:
        form = web.get("/portal/requests/new")
        key = _FORM_KEY.search(form.text)
        assert form.status_code == 200 and key
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        return web.post("/portal/requests", data={"csrf_token": token.group(1),
                                                  "form_key": key.group(1), **data},
                        follow_redirects=False, **kw)
    return go


def request_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/portal/requests/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def register(client: Any, platform: Any, *numbers: int) -> None:
    for number in numbers:
        r = client.post("/api/v1/content", headers=platform.headers, json={
            "id": f"post-{number}", "url": f"https://social.example/@aidos/{number}", "type": "post",
            "author_id": f"author-{number}", "author_contact": f"author{number}@mail.example",
            "language": "ru"})
        assert r.status_code in (200, 201), r.text


# ---------------------------------------------------------------- one path
def test_a_request_from_the_portal_is_the_same_as_from_the_api(web: Any, official: Any, submit: Any,
                                                               sessions: Any) -> None:
    new = request_id(submit(complete()))
    page = web.get(f"/portal/requests/{new}")
    assert page.status_code == 200 and f"Request {new}" in page.text
    assert "is received. It is due by" in page.text
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers)
    assert seen.status_code == 200, seen.text
    portal = seen.json()
    assert portal["channel"] == "portal" and portal["status"] == "open" and portal["missing"] == []
    assert portal["legal_basis"] == [{"law": LAW, "provision": "Art. 18-2(1)"}]
    assert portal["issuing_officer"] == KZ_BODY["issuing_officer"]
    assert [i["url"] for i in portal["items"]] == [i["url"] for i in KZ_BODY["items"]]
    api = web.post("/api/v1/requests", json=KZ_BODY, headers=official.headers).json()
    assert portal["clock_rule"] == api["clock_rule"] == {
        "hours": 24, "source": "law", "law": LAW, "emergency": False, "restarts_on_clarification": True}
    # One event shape for both channels; the portal's names the person who sent it.
    received = events(sessions, "request:received")
    assert [e.payload["channel"] for e in received] == ["portal", "api"]
    assert received[0].payload["clock_rule"] == received[1].payload["clock_rule"]
    assert received[0].actor.startswith("user:") and received[1].actor == f"submitter:{official.id}"
    listing = web.get("/portal")
    assert f'href="/portal/requests/{new}"' in listing.text
    assert f'href="/portal/requests/{api["id"]}"' in listing.text  # API requests are listed too


def test_the_deadline_is_the_laws_clock_from_receipt(web: Any, official: Any, submit: Any) -> None:
    import datetime as dt

    new = request_id(submit(complete()))
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    received = dt.datetime.fromisoformat(seen["received_at"])
    deadline = dt.datetime.fromisoformat(seen["deadline_at"])
    assert deadline - received == dt.timedelta(hours=24)
    emergency = request_id(submit(complete(emergency="1", emergency_explanation="A threat to life.",
                                           law=None, provision=None, citation="Criminal Code Art. 174")))
    seen = web.get(f"/api/v1/requests/{emergency}", headers=official.headers).json()
    assert seen["clock_rule"]["emergency"] is True and seen["status"] == "open"


# ---------------------------------------------------------------- completeness
def test_an_incomplete_request_is_received_then_clarified_through_the_form(
        web: Any, official: Any, submit: Any, sessions: Any) -> None:
    new = request_id(submit(complete(law=None, provision=None, explanation=None)))
    page = web.get(f"/portal/requests/{new}")
    assert "needs clarification" in page.text and "What is missing" in page.text
    assert "The legal basis" in page.text and "An explanation of why" in page.text
    assert f'action="/portal/requests/{new}/clarifications"' in page.text
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    assert seen["status"] == "needs_clarification" and seen["missing"] == ["legal_basis", "explanation"]

    token = csrf_of(web, f"/portal/requests/{new}")
    half = web.post(f"/portal/requests/{new}/clarifications", follow_redirects=False,
                    data={"csrf_token": token, "law": LAW, "provision": "Art. 18-2(1)"})
    assert half.status_code == 303
    assert "Some elements are still missing" in web.get(f"/portal/requests/{new}").text
    assert web.get(f"/api/v1/requests/{new}", headers=official.headers).json()["missing"] == ["explanation"]

    token = csrf_of(web, f"/portal/requests/{new}")
    done = web.post(f"/portal/requests/{new}/clarifications", follow_redirects=False,
                    data={"csrf_token": token, "explanation": "Calls for violence (Art. 174).",
                          "message": "Explanation added."})
    assert done.status_code == 303
    page = web.get(f"/portal/requests/{new}")
    assert "is complete and in review" in page.text and "What is missing" not in page.text
    assert "clarifications" not in page.text.split("Items and the effect given")[1]  # no form left
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    assert seen["status"] == "open" and seen["missing"] == [] and seen["clarifications"] == 2
    clarified = events(sessions, "request:clarified")
    assert [e.payload["supplied"] for e in clarified] == [["legal_basis"], ["explanation"]]


def test_a_clarification_that_supplies_nothing_is_refused_next_to_the_form(
        web: Any, official: Any, submit: Any, sessions: Any) -> None:
    new = request_id(submit(complete(law=None, provision=None, explanation=None)))
    token = csrf_of(web, f"/portal/requests/{new}")
    empty = web.post(f"/portal/requests/{new}/clarifications", data={"csrf_token": token})
    assert empty.status_code == 422 and "fill in at least one missing element" in empty.text
    wrong_law = web.post(f"/portal/requests/{new}/clarifications",
                         data={"csrf_token": token, "law": "de-netzdg-3", "explanation": "Kept."})
    assert wrong_law.status_code == 422
    assert 'id="law-error"' in wrong_law.text and "is not law in KZ" in wrong_law.text
    assert ">Kept.</textarea>" in wrong_law.text
    # A field the form does not offer (nothing asked for it) is reported at the top.
    hidden = web.post(f"/portal/requests/{new}/clarifications",
                      data={"csrf_token": token, "item_0": "ftp://nowhere"})
    assert hidden.status_code == 422 and "item_0: " in hidden.text
    assert events(sessions, "request:clarified") == []


def test_a_reviewers_question_is_answered_with_a_message(
        web: Any, client: Any, official: Any, submit: Any, act: Any, reviewer_alice: Any,
        bob_legal: Any) -> None:
    new = request_id(submit(complete()))
    item = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()["items"][1]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="needs_clarification",
        question="Which statement breaks Art. 174?", notes="Internal: probably satire.")
    page = web.get(f"/portal/requests/{new}")
    assert "Item 2: the reviewer asks for clarification" in page.text
    assert "Which statement breaks Art. 174?" in page.text  # the question is for the requester…
    assert "satire" not in page.text  # …the reviewers' notes stay internal
    token = csrf_of(web, f"/portal/requests/{new}")
    answer = web.post(f"/portal/requests/{new}/clarifications", follow_redirects=False,
                      data={"csrf_token": token, "message": "The second sentence."})
    assert answer.status_code == 303
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    assert seen["status"] == "open" and seen["items"][1]["status"] == "legal_review"


def test_a_complete_request_offers_no_clarification(web: Any, official: Any, submit: Any) -> None:
    new = request_id(submit(complete()))
    token = csrf_of(web, f"/portal/requests/{new}")
    again = web.post(f"/portal/requests/{new}/clarifications", follow_redirects=False,
                     data={"csrf_token": token, "message": "More."})
    assert again.status_code == 303
    assert "needs no clarification" in web.get(f"/portal/requests/{new}").text


# ---------------------------------------------------------------- bad input
def test_bad_input_is_shown_next_to_its_field_with_the_values_kept(
        web: Any, official: Any, submit: Any, sessions: Any) -> None:
    bad = submit(complete(items="https://social.example/@aidos/1001\n\nftp://nowhere\n",
                          language="russian", provision="Art. 1", law=None,
                          explanation="Typed with care <b>."))
    assert bad.status_code == 422
    assert 'id="items-error"' in bad.text and "line 3:" in bad.text
    assert 'id="language-error"' in bad.text and "two-letter language code" in bad.text
    assert 'id="law-error"' in bad.text  # a provision needs its law or a citation
    assert "Typed with care &lt;b&gt;.</textarea>" in bad.text
    assert "ftp://nowhere" in bad.text and 'value="russian"' in bad.text
    assert bad.text.count("<h1") == 1
    unknown = submit(complete(jurisdiction="QQ"))
    assert unknown.status_code == 422 and 'id="jurisdiction-error"' in unknown.text
    assert "unknown country" in unknown.text
    wrong_law = submit(complete(law="de-netzdg-3"))
    assert wrong_law.status_code == 422 and "is not law in KZ" in wrong_law.text
    too_many = submit(complete(items="\n".join(f"https://social.example/@x/{n}" for n in range(1001))))
    assert too_many.status_code == 422 and "at most 1000 items" in too_many.text
    nothing = submit(complete(items="  \n", reason=""))
    assert nothing.status_code == 422
    assert "paste at least one URL" in nothing.text and 'id="reason-error"' in nothing.text
    assert n_requests(sessions) == 0 and events(sessions, "request:received") == []


# ---------------------------------------------------------------- who sees what
def test_another_agencys_request_is_not_found(web: Any, official: Any, de_court: Any,
                                              sessions: Any) -> None:
    theirs = web.post("/api/v1/requests", headers=de_court.headers,
                      json={**KZ_BODY, "jurisdiction": "DE", "legal_basis": [{"law": "de-netzdg-3"}]}).json()
    assert web.get(f"/portal/requests/{theirs['id']}").status_code == 404
    assert web.get(f"/portal/requests/{theirs['id']}/letter").status_code == 404
    token = csrf_of(web, "/portal")
    poke = web.post(f"/portal/requests/{theirs['id']}/clarifications",
                    data={"csrf_token": token, "message": "hello"})
    assert poke.status_code == 404 and "text/html" in poke.headers["content-type"]
    assert f"/portal/requests/{theirs['id']}" not in web.get("/portal").text
    assert events(sessions, "request:clarified") == []


def test_staff_are_refused_and_strangers_sent_to_sign_in(web: Any, make_user: Any) -> None:
    assert web.get("/portal", follow_redirects=False).headers["location"] == "/sign-in?next=%2Fportal"
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    sign_in(web, "alice@docket.example")
    for path in ("/portal", "/portal/requests/new", "/portal/tokens", "/portal/requests/1"):
        refused = web.get(path)
        assert refused.status_code == 403, path
        assert "the portal is for the people of a requesting organisation" in refused.text


def test_filters_and_pages_of_own_requests(web: Any, official: Any, submit: Any,
                                           monkeypatch: Any) -> None:
    from docket.intake import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    ids = [request_id(submit(complete(explanation=None if n == 1 else KZ_BODY["explanation"])))
           for n in range(3)]
    first = web.get("/portal")
    assert all(f"/portal/requests/{i}\"" in first.text for i in ids[1:])
    assert f"/portal/requests/{ids[0]}\"" not in first.text
    older = re.search(r'href="/portal\?([^"]+)">Older requests', first.text)
    assert older
    second = web.get("/portal?" + older.group(1).replace("&amp;", "&"))
    assert f"/portal/requests/{ids[0]}\"" in second.text and "Older requests" not in second.text
    waiting = web.get("/portal?status=needs_clarification")
    assert f"/portal/requests/{ids[1]}\"" in waiting.text
    assert f"/portal/requests/{ids[0]}\"" not in waiting.text
    assert f"/portal/requests/{ids[2]}\"" not in waiting.text
    assert "/portal/requests/" not in web.get("/portal?jurisdiction=DE").text.split("</form>")[-1]
    assert "/portal/requests/" not in web.get("/portal?received_to=2000-01-01").text.split("</form>")[-1]
    bad = web.get("/portal?received_from=yesterday&status=lost")
    assert bad.status_code == 422
    assert 'id="received_from-error"' in bad.text and 'id="status-error"' in bad.text
    assert 'value="yesterday"' in bad.text


# ---------------------------------------------------------------- idempotency and CSRF
def test_the_same_form_sent_twice_stores_one_request(web: Any, official: Any, sessions: Any) -> None:
    form = web.get("/portal/requests/new").text
    key = _FORM_KEY.search(form)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert key and token
    data = {"csrf_token": token.group(1), "form_key": key.group(1), **complete()}
    first = web.post("/portal/requests", data=data, follow_redirects=False)
    again = web.post("/portal/requests", data=data, follow_redirects=False)
    assert first.headers["location"] == again.headers["location"]
    assert "This form was sent already" in web.get(again.headers["location"]).text
    assert n_requests(sessions) == 1
    edited = web.post("/portal/requests", data={**data, "reason": "defamation"})
    assert edited.status_code == 409 and "already sent as request" in edited.text
    assert 'value="defamation" selected' in edited.text
    assert n_requests(sessions) == 1


def test_concurrent_sends_of_one_form_store_one_request(web: Any, official: Any, sessions: Any) -> None:
    form = web.get("/portal/requests/new").text
    key = _FORM_KEY.search(form)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert key and token
    data = {"csrf_token": token.group(1), "form_key": key.group(1), **complete()}
    places: list[str] = []

    def post() -> None:
        r = web.post("/portal/requests", data=data, follow_redirects=False)
        places.append(r.headers.get("location", str(r.status_code)))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(places)) == 1 and places[0].startswith("/portal/requests/"), places
    assert n_requests(sessions) == 1


def test_a_form_without_its_csrf_token_changes_nothing(web: Any, official: Any,
                                                       sessions: Any) -> None:
    before = len(events(sessions, "token:created"))  # the fixture's own token
    refused = web.post("/portal/requests", data=complete(form_key="k"))
    assert refused.status_code == 403
    assert web.post("/portal/tokens", data={"name": "ci"}).status_code == 403
    assert web.post("/portal/requests", data={**complete(form_key="k"),
                                              "csrf_token": "0" * 64}).status_code == 403
    assert n_requests(sessions) == 0 and len(events(sessions, "token:created")) == before


# ---------------------------------------------------------------- API tokens
def test_tokens_are_shown_once_work_and_stop_when_revoked(web: Any, official: Any,
                                                          sessions: Any) -> None:
    form = web.get("/portal/tokens").text
    sent = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form).group(1),  # type: ignore[union-attr]
            "form_key": _FORM_KEY.search(form).group(1), "name": "case system"}  # type: ignore[union-attr]
    made = web.post("/portal/tokens", data=sent)
    assert made.status_code == 200 and "shown only on this page" in made.text
    found = _TOKEN.search(made.text)
    assert found
    plain = found.group(1)
    # Reloading the answer sends the form again: no second token, and the first is not shown.
    again = web.post("/portal/tokens", data=sent)
    assert again.status_code == 200 and "sent already" in again.text and plain not in again.text
    assert len(events(sessions, "token:created")) == 2  # the fixture's and this one
    headers = {"Authorization": f"Bearer {plain}"}
    listed = web.get("/api/v1/requests", headers=headers)
    assert listed.status_code == 200
    page = web.get("/portal/tokens")
    assert plain not in page.text and plain[:12] in page.text and "case system" in page.text
    created = events(sessions, "token:created")[-1]
    assert created.actor.startswith("user:") and created.payload["owner"] == f"submitter:{official.id}"

    revoke = re.search(r'action="/portal/tokens/(\d+)/revoke"', page.text)
    assert revoke
    ids = re.findall(r'action="/portal/tokens/(\d+)/revoke"', page.text)
    assert str(official.token_id) in ids  # the fixture's token is the agency's too
    mine = ids[0]  # newest first
    done = web.post(f"/portal/tokens/{mine}/revoke", data={"csrf_token": csrf_of(web, "/portal/tokens")},
                    follow_redirects=False)
    assert done.status_code == 303
    assert "is revoked" in web.get("/portal/tokens").text
    assert web.get("/api/v1/requests", headers=headers).status_code == 401
    assert web.get("/api/v1/requests", headers=official.headers).status_code == 200
    assert events(sessions, "token:revoked")[-1].actor == created.actor
    twice = web.post(f"/portal/tokens/{mine}/revoke", data={"csrf_token": csrf_of(web, "/portal/tokens")})
    assert twice.status_code == 200 and "revoked already" in twice.text


def test_a_token_name_is_required(web: Any, official: Any, sessions: Any) -> None:
    before = len(events(sessions, "token:created"))
    token = csrf_of(web, "/portal/tokens")
    unnamed = web.post("/portal/tokens", data={"csrf_token": token, "name": " "})
    assert unnamed.status_code == 422 and 'id="name-error"' in unnamed.text
    assert len(events(sessions, "token:created")) == before


def test_another_agencys_token_cannot_be_revoked(web: Any, official: Any, de_court: Any) -> None:
    token = csrf_of(web, "/portal/tokens")
    assert f"/portal/tokens/{de_court.token_id}/revoke" not in web.get("/portal/tokens").text
    refused = web.post(f"/portal/tokens/{de_court.token_id}/revoke", data={"csrf_token": token})
    assert refused.status_code == 404
    assert web.get("/api/v1/requests", headers=de_court.headers).status_code == 200


# ---------------------------------------------------------------- the effect given
def test_the_letter_states_the_effect_per_item(web: Any, client: Any, official: Any, submit: Any,
                                               platform: Any, act: Any, dana_kz: Any) -> None:
    register(client, platform, 1001, 1002)
    new = request_id(submit(complete()))
    items = [i["id"] for i in web.get(f"/api/v1/requests/{new}", headers=official.headers).json()["items"]]
    before = web.get(f"/portal/requests/{new}/letter")
    assert before.status_code == 200 and before.text.count("Not decided yet") == 2
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        act(dana_kz, f"/items/{items[0]}/review", step=step, finding=finding)
    act(dana_kz, f"/items/{items[0]}/decision", expect=201, outcome="restricted",
        provision="Art. 18-2(1)", explanation="Calls for ethnic violence; author author-1001 warned.")
    act(dana_kz, f"/items/{items[1]}/review", step="policy", finding="compliant")
    act(dana_kz, f"/items/{items[1]}/review", step="legal", finding="lawful")
    act(dana_kz, f"/items/{items[1]}/decision", expect=201, outcome="no_action",
        explanation="Criticism of an official; lawful.")

    letter = web.get(f"/portal/requests/{new}/letter")
    assert letter.status_code == 200 and 'href="/static/letter.css' in letter.text
    assert "@media print" in web.get("/static/letter.css").text  # it prints as a letter
    text = letter.text
    first, second = text.split('id="item-0"')[1].split('id="item-1"')
    assert "Restricted" in first and "Kazakhstan" in first and LAW_CITATION in first
    assert "Art. 18-2(1)" in first and "https://social.example/@aidos/1001" in first
    assert "No action taken" in second and "none: no restriction applies" in second
    assert "Took effect" in first and "UTC" in first.split("Took effect")[1][:80]
    assert "Not decided yet" not in text
    # Nothing about the author beyond the content's address; the reviewers' words stay internal.
    for private in ("author-1001", "author1001@mail.example", "post-1001", "warned", "Criticism"):
        assert private not in text, private
    page = web.get(f"/portal/requests/{new}")
    assert "Restricted" in page.text and f'href="/portal/requests/{new}/letter"' in page.text
    listing = web.get("/portal").text
    assert "Item 1: Restricted in Kazakhstan" in listing and "Item 2: No action taken" in listing


def test_a_trusted_flagger_gives_the_bona_fide_statement(web: Any, make_submitter: Any,
                                                         make_person: Any, submit: Any) -> None:
    flagger = make_submitter("jugendschutz.net", "trusted_flagger", "DE",
                             email="hinweise@jugendschutz.example")
    make_person(flagger, "analyst@jugendschutz.example.net")
    sign_in(web, "analyst@jugendschutz.example.net")
    assert 'name="bona_fide"' in web.get("/portal/requests/new").text
    new = request_id(submit(complete(jurisdiction="DE", law="de-netzdg-3", provision=None,
                                     reason="hate_speech")))
    page = web.get(f"/portal/requests/{new}")
    assert "in good faith" in page.text and 'name="bona_fide"' in page.text
    token = csrf_of(web, f"/portal/requests/{new}")
    web.post(f"/portal/requests/{new}/clarifications", data={"csrf_token": token, "bona_fide": "1"})
    seen = web.get(f"/api/v1/requests/{new}", headers=flagger.headers).json()
    assert seen["status"] == "open" and seen["art16_notice"] is True


def test_an_authority_is_not_asked_for_the_bona_fide_statement(web: Any, official: Any) -> None:
    assert 'name="bona_fide"' not in web.get("/portal/requests/new").text


def test_every_portal_page_has_a_title_one_heading_and_labelled_fields(
        web: Any, official: Any, submit: Any) -> None:
    new = request_id(submit(complete(law=None, provision=None,
                                     items="https://social.example/@aidos/1001\nhttps://social.example/\n")))
    token = csrf_of(web, "/portal/tokens")
    made = web.post("/portal/tokens", data={"csrf_token": token, "name": "ci"}).text
    pages = {path: web.get(path).text for path in (
        "/portal", "/portal/requests/new", f"/portal/requests/{new}",
        f"/portal/requests/{new}/letter", "/portal/tokens")}
    pages["token made"] = made
    assert 'name="item_1"' in pages[f"/portal/requests/{new}"]  # the inexact address to correct
    for where, html in pages.items():
        assert html.count("<h1") == 1 and re.search(r"<title>[^<]+</title>", html), where
        fields = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html)
        controls = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*>', html)
        assert len(fields) == len(controls), where  # every visible control has an id…
        for field in fields:
            assert f'for="{field}"' in html, (where, field)  # …and a label


def test_a_clarification_refused_for_one_item_changes_no_other(
        web: Any, official: Any, submit: Any, act: Any, reviewer_alice: Any, sessions: Any) -> None:
    new = request_id(submit(complete(items="https://social.example/\nhttps://social.example/@aidos/1002\n")))
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    assert seen["missing"] == ["items[0].url"]
    act(reviewer_alice, f"/items/{seen['items'][1]['id']}/review", step="policy", finding="compliant")
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    token = csrf_of(web, f"/portal/requests/{new}")
    # Item 1 is under review: it cannot be named anew, so item 0's fix is not kept either.
    refused = web.post(f"/portal/requests/{new}/clarifications", follow_redirects=False,
                       data={"csrf_token": token, "item_0": "https://social.example/@aidos/1001",
                             "item_1": "https://social.example/@aidos/1003"})
    assert refused.status_code == 303
    assert "is legal_review" in web.get(f"/portal/requests/{new}").text
    after = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    assert [(i["url"], i["status"]) for i in after["items"]] == [(i["url"], i["status"]) for i in seen["items"]]
    assert after["missing"] == ["items[0].url"] and events(sessions, "request:clarified") == []


def test_the_request_page_shows_its_receipts_and_offers_them_as_a_file(
        web: Any, official: Any, submit: Any, sessions: Any, client: Any) -> None:
    rid = request_id(submit(complete()))
    page = web.get(f"/portal/requests/{rid}")
    assert "Receipts" in page.text and "1 event not yet sealed into the log" in page.text
    assert f"/portal/requests/{rid}/receipt" not in page.text  # nothing to download yet
    with transaction(sessions) as s:
        seal(session=s)
    page = web.get(f"/portal/requests/{rid}")
    assert "request:received" in page.text and "not yet: docket-verify asks the log" in page.text
    assert f'href="/portal/requests/{rid}/receipt"' in page.text
    download = web.get(f"/portal/requests/{rid}/receipt")
    assert download.status_code == 200 and download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"] == f'attachment; filename="receipt-request-{rid}.json"'
    [receipt] = download.json()["receipts"]
    assert receipt["format"] == "docket-receipt/1"
    assert receipt["disclosed"]["subject"]["value"] == f"request:{rid}"
    # The same receipts as the API gives the submitter's token.
    api = client.get(f"/api/v1/requests/{rid}/receipt", headers=official.headers).json()
    assert api["receipts"][0]["leaf_data"] == receipt["leaf_data"]


# ---------------------------------------------------------------- addresses as officials paste them
def test_the_portal_reads_defanged_and_withheld_addresses(web: Any, official: Any, submit: Any) -> None:
    lines = "hxxps://social[.]example/@aidos/1001\nhttps://aidos.pages.social.example/\n[redacted]\n"
    new = request_id(submit(complete(items=lines)))
    page = web.get(f"/portal/requests/{new}")
    assert page.status_code == 200 and "is received. It is due by" in page.text
    assert "How the addresses were read" in page.text
    assert "hxxps://social[.]example/@aidos/1001" in page.text and "unlisted (address withheld)" in page.text
    seen = web.get(f"/api/v1/requests/{new}", headers=official.headers).json()
    assert (seen["status"], seen["missing"]) == ("open", [])
    assert [(i["url"], i["unlisted"]) for i in seen["items"]] == [
        ("https://social.example/@aidos/1001", False), ("https://aidos.pages.social.example/", False), (None, True)]
    assert [n["note"] for n in seen["intake_notes"]] == ["refanged", "unlisted"]
