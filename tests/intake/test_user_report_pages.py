"""The public report page (``intake/user_report_pages.py``): report content. It goes through the
same service as its API twin. (The appeal and withheld pages, once here: tests/appeals and
tests/enforcement, ``test_pages.py``.)"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from docket import store
from docket.audit.models import Event
from docket.web.client import address_key
from tests.conftest import SECRET
from tests.web.conftest import post_form

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
