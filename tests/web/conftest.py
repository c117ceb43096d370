"""Helpers for page tests, wherever they live: sign in like a browser, read the CSRF token
off a form. (The page fixtures, ``web`` and ``make_person``, are in tests/conftest.py.)"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD

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
