"""The public appeal page (``appeals/pages.py``): appeal from the link of a statement of
reasons, through the same service as its API twin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from docket import store
from docket.appeals import tokens
from docket.audit.models import Event
from docket.review.models import Decision
from tests.conftest import SECRET
from tests.web.conftest import csrf_of, post_form


def _actions(sessions: Any, action: str) -> list[Event]:
    with store.transaction(sessions) as s:
        return list(s.scalars(select(Event).where(Event.action == action).order_by(Event.seq)))


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
