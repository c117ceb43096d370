"""How long a browser stays signed in: a session ends after ``IDLE_MINUTES`` without a
request, and ``SESSION_HOURS`` after sign-in however busy it is. Time passes on a clock
the tests move (``clock``), never by sleeping."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from docket.web.sessions import IDLE_MINUTES, SESSION_HOURS
from tests.clock import FakeClock
from tests.web.conftest import PASSWORD, sign_in

ALICE = "alice@docket.example"
IDLE = dt.timedelta(minutes=IDLE_MINUTES)
LIFETIME = dt.timedelta(hours=SESSION_HOURS)
SECOND = dt.timedelta(seconds=1)


def signed_in(web: TestClient) -> bool:
    """Whether the browser's session still opens a page for signed-in people (the queue);
    a signed-out browser is sent to the sign-in page."""
    response = web.get("/console", follow_redirects=False)
    if response.status_code == 200:
        assert "Sign out" in response.text
        return True
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    return False


def test_a_session_idle_for_the_idle_limit_ends(web: TestClient, clock: FakeClock,
                                                 make_user: Any) -> None:
    make_user(ALICE, "reviewer", password=PASSWORD)
    assert sign_in(web, ALICE).status_code == 303
    clock.advance((IDLE - SECOND).total_seconds())
    assert signed_in(web)  # just before the limit, and the request starts it again…
    clock.advance((IDLE - SECOND).total_seconds())
    assert signed_in(web)  # …so twice the idle limit after sign-in, still signed in
    clock.advance(IDLE.total_seconds())
    assert not signed_in(web)


def test_requests_never_keep_a_session_past_its_lifetime(web: TestClient, clock: FakeClock,
                                                         make_user: Any) -> None:
    make_user(ALICE, "reviewer", password=PASSWORD)
    assert sign_in(web, ALICE).status_code == 303
    step = IDLE / 2
    passed = dt.timedelta()
    while passed + step < LIFETIME:  # busy all day: never idle for long
        clock.advance(step.total_seconds())
        passed += step
        assert signed_in(web), f"signed out after {passed}"
    clock.advance((LIFETIME - SECOND - passed).total_seconds())
    assert signed_in(web)  # a second before the end
    clock.advance(SECOND.total_seconds())
    assert not signed_in(web)
    # Signing in again opens a new session of the full length.
    assert sign_in(web, ALICE).status_code == 303
    clock.advance((IDLE - SECOND).total_seconds())
    assert signed_in(web)


def test_a_busy_session_is_written_at_most_once_a_minute(web: TestClient, clock: FakeClock,
                                                          make_user: Any, sessions: Any) -> None:
    # Every page loads the session; only one request a minute moves its idle clock (a
    # write), so a busy reviewer does not write on every click.
    from sqlalchemy import select

    from docket import store
    from docket.web.models import WebSession

    def last_seen() -> dt.datetime:
        with store.transaction(sessions) as s:
            return s.scalars(select(WebSession.last_seen_at)).one()

    make_user(ALICE, "reviewer", password=PASSWORD)
    assert sign_in(web, ALICE).status_code == 303
    clock.advance(1)
    assert signed_in(web)  # the first page after sign-in may write; the next ones not
    first = last_seen()
    clock.advance(30)
    assert signed_in(web)
    assert last_seen() == first
    clock.advance(31)
    assert signed_in(web)
    assert last_seen() == clock.now()
