"""The public pages: report content, appeal from the link of a statement of reasons, and the
withheld-notice preview. Each goes through the same service as its API twin."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from docket import store
from docket.appeals import tokens
from docket.audit.models import Event
from docket.review.models import Decision
from docket.web.client import address_key
from tests.conftest import SECRET
from tests.web.conftest import csrf_of, post_form

URL = "https://social.example/@troll/4242"


def _actions(sessions: Any, action: str) -> list[Event]:
    with store.transaction(sessions) as s:
        return list(s.scalars(select(Event).where(Event.action == action).order_by(Event.seq)))


def _case_reports(client: Any, reviewer: Any, url: str) -> list[dict[str, Any]]:
    """The reports of the case about ``url``, as a reviewer reads them through the API."""
    rows = client.get("/api/v1/queue", headers=reviewer.headers).json()["items"]
    item = [row["id"] for row in rows if row.get("url") == url]
    if not item:
        return []
    assert len(item) == 1, rows
    return client.get(f"/api/v1/items/{item[0]}/reports", headers=reviewer.headers).json()


def _report(web: Any, **fields: Any) -> Any:
    data = {"url": URL, "reason": "cyberbullying", "jurisdiction": "", "explanation": "",
            "reporter_name": "", "reporter_email": ""}
    data.update(fields)
    return post_form(web, "/report", "/report", data)


# ------------------------------------------------------------------------------- report


def test_the_report_form_offers_the_taxonomy_and_the_countries(web: Any) -> None:
    page = web.get("/report")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and "<title>Report content" in page.text
    assert '<option value="cyberbullying"' in page.text
    assert '<option value="child_safety"' in page.text
    assert '<option value="KZ"' in page.text and "Kazakhstan" in page.text
    assert 'name="bona_fide"' in page.text and 'name="csrf_token"' in page.text
    prefilled = web.get("/report", params={"url": URL})
    assert f'value="{URL}"' in prefilled.text


def test_a_report_with_name_email_and_bona_fide_is_an_art16_notice_with_a_reference(
        web: Any, reviewer_alice: Any) -> None:
    sent = _report(web, jurisdiction="KZ", explanation="Insults my daughter every day.",
                   reporter_name="Aruzhan S.", reporter_email="aruzhan@mail.example", bona_fide="1")
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith("/report/sent?ref=R-")
    confirmation = web.get(sent.headers["location"])
    assert confirmation.status_code == 200
    reference = re.search(r'class="reference">(R-\d+)<', confirmation.text).group(1)
    assert "Article 16" in confirmation.text and "aruzhan@mail.example" in confirmation.text
    assert "Kazakhstan" in confirmation.text and "Cyberbullying" in confirmation.text
    [stored] = _case_reports(web, reviewer_alice, URL)
    assert f"R-{stored['id']}" == reference
    assert stored["channel"] == "form" and stored["art16_notice"] is True
    assert stored["reporter_key"] == address_key(SECRET, "testclient")
    assert stored["jurisdiction"] == "KZ" and stored["reason"] == "cyberbullying"


def test_the_form_and_the_anonymous_api_are_one_channel(web: Any, reviewer_alice: Any) -> None:
    """A form report and an anonymous API report on the same content and ground are one
    channel: from one address they are one reporter's, and count once."""
    api = web.post("/api/v1/reports", json={"url": URL, "reason": "cyberbullying"})
    assert api.status_code == 201, api.text
    sent = _report(web)
    assert sent.status_code == 303
    assert f"ref={api.json()['reference']}&" in sent.headers["location"]
    reports = _case_reports(web, reviewer_alice, URL)
    assert [r["channel"] for r in reports] == ["form"]
    assert {r["item_id"] for r in reports} == {api.json()["item_id"]}
    assert reports[0]["art16_notice"] is False
    page = web.get(sent.headers["location"])
    assert "an ordinary report" in page.text and "no e-mail address" in page.text


def test_errors_are_shown_next_to_the_fields_and_the_values_kept(web: Any,
                                                                 reviewer_alice: Any) -> None:
    bad = _report(web, url="", reporter_email="not-an-address", reporter_name="Dana",
                  explanation="Threatens me.", reason="")
    assert bad.status_code == 422
    assert 'id="url-error"' in bad.text and 'id="reporter_email-error"' in bad.text
    assert 'id="reason-error"' in bad.text
    assert 'value="not-an-address"' in bad.text and 'value="Dana"' in bad.text
    assert "Threatens me.</textarea>" in bad.text
    ftp = _report(web, url="ftp://social.example/x")
    assert ftp.status_code == 422 and 'id="url-error"' in ftp.text
    assert _case_reports(web, reviewer_alice, URL) == []


def test_a_reason_not_in_the_catalog_is_refused_by_the_service(web: Any,
                                                               reviewer_alice: Any) -> None:
    bad = _report(web, reason="made_up", jurisdiction="KZ")
    assert bad.status_code == 422
    assert 'id="reason-error"' in bad.text and "unknown reason" in bad.text
    assert f'value="{URL}"' in bad.text
    unknown = _report(web, jurisdiction="QQ")
    assert unknown.status_code == 422 and 'id="jurisdiction-error"' in unknown.text
    assert _case_reports(web, reviewer_alice, URL) == []


def test_the_form_shares_the_anonymous_limit_of_the_api(web: Any, reviewer_alice: Any) -> None:
    for n in range(3):
        api = web.post("/api/v1/reports", json={"url": f"{URL}{n}", "reason": "hate_speech"})
        assert api.status_code == 201
    first, again = _report(web), _report(web)
    assert first.status_code == again.status_code == 303
    # The same reporter twice on one case: counted once, and told so.
    assert again.headers["location"] == first.headers["location"]
    assert "reported this content already" in web.get(again.headers["location"]).text
    limited = _report(web, explanation="kept text")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert "try again in" in limited.text and "kept text</textarea>" in limited.text
    assert len(_case_reports(web, reviewer_alice, URL)) == 1
    api = web.post("/api/v1/reports", json={"url": URL, "reason": "hate_speech"})
    assert api.status_code == 429


def test_a_suspended_reporter_is_told_why(web: Any, reviewer_alice: Any) -> None:
    assert _report(web, url="https://social.example/@x/1").status_code == 303
    key = address_key(SECRET, "testclient")
    r = web.post(f"/api/v1/reporters/{key}/suspension", headers=reviewer_alice.headers,
                 json={"reason": "Dozens of unfounded reports.", "days": 7})
    assert r.status_code == 201, r.text
    refused = _report(web)
    assert refused.status_code == 403 and "suspended" in refused.text
    assert "Dozens of unfounded reports." in refused.text


def test_the_confirmation_is_only_for_the_sender(web: Any) -> None:
    sent = _report(web)
    ref = re.search(r"ref=(R-\d+)", sent.headers["location"]).group(1)
    for query in (f"ref={ref}&sig=0000", f"ref={ref}", "ref=R-999999&sig=x", "ref=nonsense&sig=x"):
        page = web.get(f"/report/sent?{query}")
        assert page.status_code == 404, query
        assert "<h1" in page.text


def test_a_report_without_the_forms_token_is_refused(web: Any, reviewer_alice: Any) -> None:
    r = web.post("/report", data={"url": URL, "reason": "hate_speech"})
    assert r.status_code == 403
    assert _case_reports(web, reviewer_alice, URL) == []


# ------------------------------------------------------------------------------- appeal


@pytest.fixture
def decided(web: Any, act: Any, platform: Any, kz_ministry: Any, reviewer_alice: Any,
            bob_legal: Any, carol_rights: Any, dana_kz: Any) -> Callable[[], int]:
    """decided(): content post-9, restricted in Kazakhstan on the ministry's request, through
    the API; returns the decision's id."""
    return lambda: _restrict(web, act, platform, kz_ministry, reviewer_alice, bob_legal,
                             carol_rights, dana_kz)


def _restrict(client: Any, act: Any, platform: Any, kz_ministry: Any, reviewer_alice: Any,
              bob_legal: Any, carol_rights: Any, dana_kz: Any) -> int:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-9", "url": "https://social.example/@aidos/9", "type": "post",
        "text": "The akim took the money; here is the video.", "author_contact": "a@mail.example"})
    request = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
        "legal_basis": [{"law": "kz-online-platforms-9"}],
        "items": [{"content_id": "post-9"}]}).json()
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
    return int(act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted",
                   explanation="Calls for violence against a named official.")["id"])


def test_the_appeal_link_shows_the_decision_but_not_who_asked(web: Any, decided: Any) -> None:
    decision = decided()
    page = web.get("/appeal", params={"token": tokens.make(SECRET, decision)})
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert f"D-{decision}" in page.text and "https://social.example/@aidos/9" in page.text
    assert "Withheld in Kazakhstan" in page.text
    assert "Calls for violence against a named official." in page.text
    assert "The akim took the money" in page.text
    assert "Ministry" not in page.text and "misd" not in page.text.lower()
    assert 'name="statement"' in page.text and 'name="token"' in page.text


def test_an_appeal_filed_on_the_page_is_the_apis_appeal(web: Any, decided: Any, make_user: Any,
                                                        sessions: Any) -> None:
    decision = decided()
    token = tokens.make(SECRET, decision)
    sent = post_form(web, f"/appeal?token={token}", "/appeal", {
        "token": token, "statement": "This is reporting, not incitement.",
        "contact_email": "aidos@mail.example", "language": "kk"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/appeal?token={token}"
    after = web.get(sent.headers["location"])
    judge = make_user("grace@docket.test", "legal", "reviewer")
    [appeal] = web.get("/api/v1/appeals?status=open", headers=judge.headers).json()
    assert appeal["decision_id"] == decision and appeal["appellant"] == "author"
    assert appeal["statement"] == "This is reporting, not incitement."
    assert f"A-{appeal['id']}" in after.text and "already open" in after.text
    assert 'name="statement"' not in after.text
    # The twin is refused, said so, and kept on record, as through the API.
    # (no form on the page now: the token of the browser's other forms is as good)
    twin = post_form(web, "/report", "/appeal", {"token": token, "statement": "Again."})
    assert twin.status_code == 409 and "already has an open appeal" in twin.text
    assert len(_actions(sessions, "appeal:refused")) == 1
    assert len(_actions(sessions, "appeal:filed")) == 1
    # Reversed: the page says so, and there is nothing left to appeal.
    r = web.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=judge.headers,
                 json={"outcome": "reversed", "explanation": "Reporting."})
    assert r.status_code == 200, r.text
    gone = web.get(f"/appeal?token={token}")
    assert gone.status_code == 410 and "was reversed" in gone.text
    assert 'name="statement"' not in gone.text


def test_a_bad_link_is_a_404_page(web: Any) -> None:
    for query in ("", "?token=", "?token=12.forged", f"?token={tokens.make(SECRET, 987654)}"):
        page = web.get(f"/appeal{query}")
        assert page.status_code == 404, query
        assert "appeal link is not valid" in page.text and page.text.count("<h1") == 1
    forged = post_form(web, "/report", "/appeal", {"token": "1.nope", "statement": "x"})
    assert forged.status_code == 404


def test_an_empty_statement_is_shown_next_to_the_field(web: Any, decided: Any,
                                                       sessions: Any) -> None:
    decision = decided()
    token = tokens.make(SECRET, decision)
    bad = post_form(web, f"/appeal?token={token}", "/appeal", {
        "token": token, "statement": "  ", "contact_email": "nope"})
    assert bad.status_code == 422
    assert 'id="statement-error"' in bad.text and 'id="contact_email-error"' in bad.text
    assert 'value="nope"' in bad.text
    assert _actions(sessions, "appeal:filed") == []


def test_after_the_window_the_link_is_gone(web: Any, decided: Any, sessions: Any) -> None:
    decision = decided()
    token = tokens.make(SECRET, decision)
    form_token = csrf_of(web, f"/appeal?token={token}")
    with store.transaction(sessions) as s:
        s.execute(update(Decision).where(Decision.id == decision).values(
            effective_at=store.utcnow() - dt.timedelta(days=200)))
    page = web.get(f"/appeal?token={token}")
    assert page.status_code == 410 and "expired on" in page.text
    # An expired link shows nothing of the decision any more.
    assert 'name="statement"' not in page.text and "What we did" not in page.text
    late = web.post("/appeal", data={"token": token, "statement": "Late.",
                                     "csrf_token": form_token})
    assert late.status_code == 410 and "expired on" in late.text
    assert len(_actions(sessions, "appeal:refused")) == 1


# ----------------------------------------------------------------------------- withheld


def test_without_parameters_the_withheld_page_offers_a_form_and_the_demo(web: Any) -> None:
    page = web.get("/withheld")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert 'name="content_id"' in page.text and '<option value="KZ"' in page.text
    assert "/withheld?content_id=post-55102&amp;country=DE&amp;lang=de" in page.text


def _visible_notice(web: Any, platform: Any, country: str, lang: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        seen = web.get("/api/v1/visibility", headers=platform.headers, params={
            "content_id": "post-9", "country": country, "lang": lang}).json()
        if not seen["visible"] or time.monotonic() > deadline:
            return seen
        time.sleep(0.02)


def test_the_withheld_page_shows_what_the_api_tells_the_platform(web: Any, decided: Any,
                                                                 platform: Any) -> None:
    decided()
    for lang in ("ru", "kk", "en"):
        seen = _visible_notice(web, platform, "KZ", lang)
        assert seen["visible"] is False
        page = web.get("/withheld", params={"content_id": "post-9", "country": "KZ", "lang": lang})
        assert page.status_code == 200
        assert f'<p lang="{lang}" class="notice-text">{seen["notice"]["text"]}</p>' in page.text
    assert "Казахстан" in web.get("/withheld?content_id=post-9&country=kz&lang=ru").text
    elsewhere = web.get("/withheld", params={"content_id": "post-9", "country": "DE"})
    assert "The content is shown" in elsewhere.text and "notice-text" not in elsewhere.text
    # A viewer whose country is unknown: hidden wherever restricted (fail closed), as the API says.
    unknown = web.get("/withheld", params={"content_id": "post-9", "country": ""})
    assert "notice-text" in unknown.text and "fail closed" in unknown.text
    never = web.get("/withheld", params={"content_id": "post-unknown", "country": "KZ"})
    assert "The content is shown" in never.text


def test_bad_withheld_parameters_are_shown_next_to_the_fields(web: Any) -> None:
    page = web.get("/withheld", params={"content_id": "", "country": "XX", "lang": "fr"})
    assert page.status_code == 422
    for name in ("content_id", "country", "lang"):
        assert f'id="{name}-error"' in page.text
    long = web.get("/withheld", params={"content_id": "x" * 201, "country": "KZ"})
    assert long.status_code == 422 and 'id="content_id-error"' in long.text
