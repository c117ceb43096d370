"""Helpers for page tests: sign in like a browser, read the CSRF token off a form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from docket import store
from docket.parties import service as parties
from docket.parties.models import Submitter
from tests.conftest import Party

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token of the first form on the page at ``path``."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    match = _CSRF.search(response.text)
    assert match, f"no form with a CSRF token on {path}"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password,
                                         "csrf_token": token}, follow_redirects=False)


def post_form(client: TestClient, form_page: str, action: str, data: dict[str, Any],
              **kw: Any) -> Any:
    """Load ``form_page`` (for its CSRF token) and post ``data`` to ``action``."""
    return client.post(action, data={**data, "csrf_token": csrf_of(client, form_page)},
                       follow_redirects=False, **kw)


@pytest.fixture
def make_person(sessions: sessionmaker[Session]) -> Any:
    """A person of a submitter (an official) with a portal password."""
    def make(submitter: Party, email: str, name: str = "", password: str = PASSWORD) -> Party:
        with store.transaction(sessions) as s:
            sub = s.get(Submitter, submitter.id)
            assert sub is not None
            user = parties.create_person(session=s, actor="test", submitter=sub, email=email,
                                         name=name, password=password)
            return Party(user.id, "", 0)
    return make


@pytest.fixture
def web(client: TestClient) -> TestClient:
    """A browser-like client (cookies kept between calls)."""
    return client
