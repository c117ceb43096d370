"""The token cache of the hot routes (``PrincipalCache``): bounded, and trusted for at most
``DOCKET_TOKEN_CACHE_SECONDS`` — a revoked token, a deactivated account or a changed role
is refused once that has passed, on every route that takes a token. Time passes on a
clock the tests move (``clock``), never by sleeping."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from docket.cli import app as cli
from tests.authorization.routes import API
from tests.authorization.test_matrix import app_routes
from tests.clock import FakeClock
from tests.conftest import Party
from tests.web.conftest import PASSWORD, post_form, sign_in

VISIBILITY = "/api/v1/visibility?content_id=post-1&country=KZ"
ENTRIES = 3


@pytest.fixture
def settings(settings: Any) -> Any:
    # The shortest TTL there is (whole seconds): a cache that only kept longer ones fails.
    return settings.model_copy(update={"token_cache_entries": ENTRIES, "token_cache_seconds": 1})


def ttl(app: Any) -> float:
    return float(app.state.settings.token_cache_seconds)


def test_more_tokens_than_the_cache_holds_are_each_answered_for_their_owner(
        client: TestClient, app: Any, make_user: Any) -> None:
    platforms = [make_user(f"platform{n}@docket.test", "platform") for n in range(ENTRIES + 3)]
    reviewers = [make_user(f"reviewer{n}@docket.test", "reviewer") for n in range(2)]
    unknown = [Party(0, f"dkt_unknown_{n}", 0) for n in range(2)]
    cache = app.state.principal_cache
    for _ in range(2):  # the second round meets entries cached, dropped and cached again
        for who in platforms:
            assert client.get(VISIBILITY, headers=who.headers).status_code == 200
            assert len(cache) <= ENTRIES
        for who in reviewers:  # known but without the platform role
            assert client.get(VISIBILITY, headers=who.headers).status_code == 403
        for who in unknown:  # an unknown token is cached as unknown, never as somebody
            assert client.get(VISIBILITY, headers=who.headers).status_code == 401
        assert len(cache) <= ENTRIES


def test_a_cached_token_is_trusted_only_until_its_time_is_up(
        client: TestClient, app: Any, clock: FakeClock, make_user: Any) -> None:
    platform = make_user("platform@docket.test", "platform")
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200
    revoke(platform)
    # The documented bound: another process's revocation is seen within the TTL…
    clock.advance(ttl(app) - 0.5)
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200
    # …and from then on.
    clock.advance(0.5)
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 401


def test_only_the_hot_routes_cache_a_staff_token(client: TestClient, make_user: Any) -> None:
    """``require(permission)`` reads the token every call unless the route asks for the
    cache (``cached=True``: the platform's visibility check): a revocation the app was not
    told about is refused by every other staff route at once, within the TTL."""
    platform = make_user("platform@docket.test", "platform")
    auditor = make_user("audra@docket.test", "auditor")
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200
    assert client.get("/api/v1/audit/events", headers=auditor.headers).status_code == 200
    revoke(platform)
    revoke(auditor)
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200  # cached, within the TTL
    assert client.get("/api/v1/audit/events", headers=auditor.headers).status_code == 401


def test_a_role_taken_away_or_a_deactivation_is_seen_after_the_ttl(
        client: TestClient, app: Any, clock: FakeClock, make_user: Any) -> None:
    web = client
    make_user("ada@docket.test", "admin", password=PASSWORD)
    assert sign_in(web, "ada@docket.test").status_code == 303
    platform = make_user("platform@docket.test", "platform")
    page = f"/admin/users/{platform.id}"
    assert web.get(VISIBILITY, headers=platform.headers).status_code == 200

    assert post_form(web, page, f"{page}/roles", {"role": ["auditor"]}).status_code == 303
    clock.advance(ttl(app))
    assert web.get(VISIBILITY, headers=platform.headers).status_code == 403

    assert post_form(web, page, f"{page}/roles", {"role": ["platform"]}).status_code == 303
    clock.advance(ttl(app))
    assert web.get(VISIBILITY, headers=platform.headers).status_code == 200
    assert post_form(web, page, f"{page}/deactivate", {}).status_code == 303
    clock.advance(ttl(app))
    assert web.get(VISIBILITY, headers=platform.headers).status_code == 401


def revoke(who: Party) -> None:
    """Revoke ``who``'s token as another process would (the app is not told)."""
    result = CliRunner().invoke(cli, ["token", "revoke", str(who.token_id), "--json"])
    assert result.exit_code == 0, result.output


def token_routes(app: Any) -> dict[str, bool]:
    """Every API route from the app's route table → whether it needs a token (False: it
    also answers callers without one, e.g. the public report form)."""
    found = {}
    for key in sorted(app_routes(app)):
        method, path = key.split(" ", 1)
        if path.startswith("/api/v1/"):
            found[key] = "none" not in API[key].who
    return found


def call(client: TestClient, key: str, who: Party | None) -> int:
    """``key`` called by ``who`` about records that do not exist, with the body the
    authorization table gives the route where that needs no records."""
    method, path = key.split(" ", 1)
    url = re.sub(r"\{\w+\}", "999999", path)
    headers = who.headers if who is not None else {}
    route = API[key]
    try:
        body = route.body(None, None) if route.body is not None else None  # type: ignore[arg-type]
    except (AttributeError, TypeError, AssertionError):  # a body made from the world's records
        body = None
    return client.request(method, url, headers=headers, json=body).status_code


def test_a_revoked_token_is_refused_on_every_route_once_the_ttl_is_up(
        client: TestClient, app: Any, clock: FakeClock, make_user: Any, kz_ministry: Party) -> None:
    platform = make_user("platform@docket.test", "platform")
    admin = make_user("ada@docket.test", "admin")
    callers = {"platform": platform, "submitter": kz_ministry, "admin": admin}
    routes = token_routes(app)
    assert "GET /api/v1/visibility" in routes and "POST /api/v1/requests" in routes
    # Every route once with every token while it is valid: whatever a route caches about
    # its caller, it has cached now.
    for key in routes:
        for name, who in callers.items():
            assert call(client, key, who) != 401, f"{key} refused {name}'s valid token"
    for who in callers.values():
        revoke(who)
    clock.advance(ttl(app))
    wrong = []
    for key, needs_token in routes.items():
        anonymous = call(client, key, None)
        for name, who in callers.items():
            status = call(client, key, who)
            # A route that needs a token refuses it; one open to all either refuses it
            # too or, if it never looks at tokens, answers as it answers anybody.
            if status != 401 and (needs_token or status != anonymous):
                wrong.append(f"{key} with {name}'s revoked token: {status} "
                             f"(anonymous: {anonymous}, needs a token: {needs_token})")
    assert wrong == [], "\n".join(wrong)


def test_every_refusal_of_a_revoked_token_says_the_same(
        client: TestClient, app: Any, clock: FakeClock, make_user: Any, kz_ministry: Party) -> None:
    # The hot routes answer from caches of their own (the platform's visibility check, a
    # submitter's intake); a revoked token gets from each the same RFC 6750 answer as from
    # any other route, so a client handles one 401.
    platform = make_user("platform@docket.test", "platform")
    body = {"jurisdiction": "KZ", "reason": "hate_speech", "language": "ru",
            "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
            "explanation": "The post calls for violence against an ethnic group.",
            "items": [{"url": "https://social.example/@someone/1"}]}
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200
    assert client.post("/api/v1/requests", headers=kz_ministry.headers, json=body).status_code == 201
    revoke(platform)
    revoke(kz_ministry)
    clock.advance(ttl(app))
    answers = [client.get(VISIBILITY, headers=platform.headers),
               client.post("/api/v1/requests", headers=kz_ministry.headers, json=body),
               client.get("/api/v1/me", headers=platform.headers)]
    for r in answers:
        assert r.status_code == 401, r.text
        assert r.headers["www-authenticate"] == 'Bearer realm="docket", error="invalid_token"'
        assert r.json()["detail"] == "the token is unknown or revoked"
