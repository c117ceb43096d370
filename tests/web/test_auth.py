"""Who may see a page: ``web.auth.signed_in(...)``'s options, through the pages that use
them. Nobody signed in is sent to sign in and back; a person without the right gets a 403
page; a public page shows whoever is signed in."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import PlainTextResponse

from docket.parties.auth import Permission
from docket.web.auth import PageUser, signed_in
from tests.web.conftest import PASSWORD, sign_in

AIGERIM = "aigerim@misd.example.kz"
PORTAL_ONLY = "the portal is for the people of a requesting organisation"
NO_PERMISSION = "your account may not open this page"


@pytest.fixture
def people(make_user: Any, make_person: Any, kz_ministry: Any) -> dict[str, str]:
    """Who signs in in these tests: an official of a submitter, a reviewer and an admin."""
    make_person(kz_ministry, AIGERIM, "Aigerim")
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    make_user("ada@docket.test", "admin", password=PASSWORD)
    return {"official": AIGERIM, "reviewer": "alice@docket.test", "admin": "ada@docket.test"}


def _as(web: Any, people: dict[str, str], who: str) -> None:
    web.cookies.clear()
    if who != "nobody":
        assert sign_in(web, people[who]).status_code == 303


# (page, its option, who, the status, what the page says)
CASES = [
    # signed_in(optional=True): anyone; the header names whoever is signed in.
    ("/report", "optional", "nobody", 200, "Sign in"),
    ("/report", "optional", "official", 200, "Aigerim"),
    ("/report", "optional", "reviewer", 200, "alice@docket.test"),
    # signed_in(permission=Permission.queue_read): the console.
    ("/console", "permission", "official", 403, NO_PERMISSION),
    ("/console", "permission", "reviewer", 200, "Queue"),
    # signed_in(permission=Permission.parties_write): the admin pages.
    ("/admin", "permission", "reviewer", 403, NO_PERMISSION),
    ("/admin", "permission", "admin", 200, "ada@docket.test"),
    # signed_in(portal=True): people of a submitter only, whatever their other rights.
    ("/portal", "portal", "reviewer", 403, PORTAL_ONLY),
    ("/portal", "portal", "admin", 403, PORTAL_ONLY),
    ("/portal", "portal", "official", 200, "Aigerim"),
]


@pytest.mark.parametrize(("path", "option", "who", "status", "says"), CASES,
                         ids=[f"{path}-{option}-{who}" for path, option, who, _, _ in CASES])
def test_each_option_lets_in_whom_it_names(web: Any, people: dict[str, str], path: str, option: str,
                                           who: str, status: int, says: str) -> None:
    _as(web, people, who)
    response = web.get(path, follow_redirects=False)
    assert response.status_code == status, response.text
    assert "text/html" in response.headers["content-type"]
    assert says in response.text


@pytest.mark.parametrize("path", ["/console", "/admin/users", "/portal/tokens", "/admin/outbox"])
def test_nobody_signed_in_is_sent_to_sign_in_and_back_to_the_same_page(web: Any, path: str) -> None:
    response = web.get(f"{path}?page=2&q=a b", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/sign-in?next={path.replace('/', '%2F')}%3Fpage%3D2%26q%3Da%2520b"


def test_any_signed_in_person_may_open_a_page_that_asks_for_no_more(app: Any, web: Any,
                                                                    people: dict[str, str]) -> None:
    # No page of docket's asks only for a signed-in person yet; PageUser is that option.
    @app.get("/test/whoami")
    async def whoami(request: Request, user: PageUser) -> PlainTextResponse:
        return PlainTextResponse(user.email)

    assert web.get("/test/whoami", follow_redirects=False).headers["location"] == \
        "/sign-in?next=%2Ftest%2Fwhoami"
    for who in ("official", "reviewer", "admin"):
        _as(web, people, who)
        assert web.get("/test/whoami").text == people[who]


def test_the_same_options_give_the_same_dependency() -> None:
    # FastAPI calls one dependency function once per request, however many parameters ask.
    assert signed_in() is signed_in()
    assert signed_in(permission=Permission.review) is signed_in(permission=Permission.review)
    assert signed_in(permission=Permission.review) is not signed_in(permission=Permission.queue_read)
    assert signed_in(optional=True) is not signed_in()


@pytest.mark.parametrize("options", [{"permission": Permission.review}, {"portal": True}])
def test_a_page_anyone_may_open_asks_for_nothing_more(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="anyone may open"):
        signed_in(optional=True, **options)
