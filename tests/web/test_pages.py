"""Sign-in, sessions, CSRF and the HTML error pages (throttling: test_throttle.py)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from sqlalchemy import select

from docket import store
from docket.audit.models import Event
from docket.parties.models import User
from docket.web.render import SESSION_COOKIE
from tests.web.conftest import PASSWORD, csrf_of, sign_in


def _actions(sessions: Any) -> list[str]:
    with store.transaction(sessions) as s:
        return list(s.scalars(select(Event.action).order_by(Event.seq)))


def test_staff_sign_in_opens_a_session_and_goes_to_the_queue(web: Any, make_user: Any,
                                                             sessions: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    response = sign_in(web, "alice@docket.example")
    assert response.status_code == 303
    assert response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    home = web.get("/")
    assert "alice@docket.example" in home.text and "Sign out" in home.text
    assert "user:sign_in" in _actions(sessions)


def substrings(secret: str, size: int = 6) -> set[str]:
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


def test_the_session_token_is_stored_only_as_a_hash(web: Any, make_user: Any,
                                                    sessions: Any) -> None:
    from docket.web.models import WebSession

    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    sign_in(web, "alice@docket.example")
    plain = web.cookies.get(SESSION_COOKIE)
    assert plain
    with store.transaction(sessions) as s:
        [stored] = s.scalars(select(WebSession.token_hash)).all()
    assert stored == hashlib.sha256(plain.encode()).hexdigest()
    assert not any(part in stored for part in substrings(plain))


def test_the_password_is_stored_only_as_an_argon2_hash(web: Any, make_user: Any,
                                                       sessions: Any) -> None:
    alice = make_user("alice@docket.example", "reviewer", password=PASSWORD)
    with store.transaction(sessions) as s:
        user = s.get(User, alice.id)
        assert user is not None and user.password_hash
        stored = user.password_hash
    assert stored.startswith("$argon2id$")
    assert PasswordHasher().verify(stored, PASSWORD)  # the hash of this password…
    with pytest.raises(VerifyMismatchError):
        PasswordHasher().verify(stored, PASSWORD + " ")  # …and of no other
    assert not any(part in stored for part in substrings(PASSWORD))
    assert sign_in(web, "alice@docket.example").status_code == 303


def test_an_official_goes_to_the_portal(web: Any, kz_ministry: Any, make_person: Any) -> None:
    make_person(kz_ministry, "aigerim@misd.example.kz", "Aigerim")
    response = sign_in(web, "aigerim@misd.example.kz")
    assert response.headers["location"] == "/portal"


def test_next_goes_back_to_the_page_but_never_off_site(web: Any, make_user: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    token = csrf_of(web, "/sign-in?next=/transparency")
    ok = web.post("/sign-in", data={"email": "alice@docket.example", "password": PASSWORD,
                                    "next": "/transparency", "csrf_token": token},
                  follow_redirects=False)
    assert ok.headers["location"] == "/transparency"
    web.cookies.clear()
    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        token = csrf_of(web, "/sign-in")
        away = web.post("/sign-in", data={"email": "alice@docket.example", "password": PASSWORD,
                                          "next": evil, "csrf_token": token},
                        follow_redirects=False)
        assert away.headers["location"] == "/console", evil
        web.cookies.clear()


def test_a_wrong_password_keeps_the_email_and_says_why(web: Any, make_user: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    response = sign_in(web, "alice@docket.example", "wrong")
    assert response.status_code == 401
    assert "the e-mail address or the password is wrong" in response.text
    assert 'value="alice@docket.example"' in response.text
    assert SESSION_COOKIE not in web.cookies


def test_empty_fields_are_shown_next_to_the_field(web: Any) -> None:
    token = csrf_of(web, "/sign-in")
    response = web.post("/sign-in", data={"email": "", "password": "", "csrf_token": token})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text and 'id="password-error"' in response.text


def test_a_form_without_the_csrf_token_changes_nothing(web: Any, make_user: Any,
                                                       sessions: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    before = _actions(sessions)
    response = web.post("/sign-in", data={"email": "alice@docket.example", "password": PASSWORD})
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    forged = web.post("/sign-in", data={"email": "alice@docket.example", "password": PASSWORD,
                                        "csrf_token": "0" * 64})
    assert forged.status_code == 403
    assert _actions(sessions) == before


def test_sign_out_revokes_the_session(web: Any, make_user: Any, sessions: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    sign_in(web, "alice@docket.example")
    stolen = web.cookies.get(SESSION_COOKIE)
    token = csrf_of(web, "/")
    out = web.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    web.cookies.set(SESSION_COOKIE, stolen)
    assert "Sign out" not in web.get("/").text
    assert "user:sign_out" in _actions(sessions)


def test_pages_answer_errors_in_html_and_the_api_in_problem_json(web: Any) -> None:
    page = web.get("/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "<h1>Not found</h1>" in page.text
    api = web.get("/api/v1/no-such-route")
    assert api.headers["content-type"].startswith("application/problem+json")


def test_every_page_has_a_title_one_heading_and_a_skip_link(web: Any) -> None:
    for path in ("/", "/sign-in"):
        html = web.get(path).text
        assert html.count("<h1") == 1, path
        assert "<title>" in html and 'href="#main"' in html


def test_the_menu_offers_only_what_the_roles_allow(web: Any, make_user: Any) -> None:
    make_user("erin@docket.example", "auditor", password=PASSWORD)
    landed = sign_in(web, "erin@docket.example")
    assert landed.headers["location"] == "/audit"  # the auditor's desk
    menu = web.get("/").text
    assert 'href="/console"' not in menu and 'href="/admin"' not in menu and 'href="/audit"' in menu
    web.cookies.clear()
    make_user("ada@docket.example", "admin", password=PASSWORD)
    assert sign_in(web, "ada@docket.example").headers["location"] == "/console"
    menu = web.get("/").text
    assert 'href="/admin"' in menu


def test_a_csrf_token_of_another_session_does_not_pass(web: Any, app: Any, make_user: Any,
                                                       sessions: Any) -> None:
    """Each session has a CSRF secret of its own: a token read off one signed-in user's
    form is refused in another's session (and changes nothing)."""
    from fastapi.testclient import TestClient

    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    make_user("bob@docket.example", "reviewer", password=PASSWORD)
    sign_in(web, "alice@docket.example")
    alices_token = csrf_of(web, "/")
    with TestClient(app, raise_server_exceptions=False) as other:
        sign_in(other, "bob@docket.example")
        before = _actions(sessions)
        forged = other.post("/sign-out", data={"csrf_token": alices_token}, follow_redirects=False)
        assert forged.status_code == 403
        assert "Sign out" in other.get("/").text  # Bob is still signed in
        assert _actions(sessions) == before
        own = other.post("/sign-out", data={"csrf_token": csrf_of(other, "/")}, follow_redirects=False)
        assert own.status_code == 303


def test_a_session_records_its_browser_and_its_audit_events_name_it(
        web: Any, make_user: Any, sessions: Any) -> None:
    from docket.web.models import WebSession

    alice = make_user("alice@docket.example", "reviewer", password=PASSWORD)
    agent = "Mozilla/5.0 (X11; Linux x86_64) " + "x" * 400  # longer than the column
    web.headers["user-agent"] = agent
    sign_in(web, "alice@docket.example")
    web.post("/sign-out", data={"csrf_token": csrf_of(web, "/")})
    with store.transaction(sessions) as s:
        [row] = s.scalars(select(WebSession)).all()
        events = {e.action: e for e in s.scalars(select(Event).where(Event.subject == f"user:{alice.id}"))}
        assert row.user_agent == agent[:300]
        assert events["user:sign_in"].payload == {"session": row.id}
        assert events["user:sign_out"].payload == {"session": row.id}
        assert events["user:sign_in"].actor == events["user:sign_out"].actor == f"user:{alice.id}"
