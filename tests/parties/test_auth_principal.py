"""The caller dependency, ``principal(...)``: one function per set of options, and token
caches that belong to one application (two applications in one process, as tests make
them, never answer from each other's)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from docket import store
from docket.app import create_app
from docket.parties import service
from docket.parties.auth import principal
from tests.clock import FakeClock
from tests.conftest import Party
from tests.intake.conftest import KZ_BODY

VISIBILITY = "/api/v1/visibility?content_id=post-1&country=KZ"


@pytest.fixture
def settings(settings: Any) -> Any:
    return settings.model_copy(update={"token_cache_seconds": 60})


@pytest.fixture
def other(settings: Any, engine: Engine, clock: FakeClock) -> Iterator[tuple[Any, TestClient]]:
    """A second application on the same database and clock, in the same process."""
    second = create_app(settings, engine=engine, clock=clock)
    second.state.owns_engine = False
    with TestClient(second, raise_server_exceptions=False) as c:
        yield second, c


def revoke(sessions: sessionmaker[Session], who: Party) -> None:
    with store.transaction(sessions) as s:
        service.revoke_token(session=s, actor="test", token_id=who.token_id)


def test_the_same_options_give_the_same_dependency() -> None:
    # FastAPI resolves a dependency once per request by identity: require() and a route
    # asking for the caller share one token check.
    assert principal() is principal()
    assert principal(cached=True) is principal(cached=True)
    assert len({principal(), principal(cached=True), principal(optional=True),
                principal(route_confirms=True)}) == 4
    with pytest.raises(ValueError):
        principal(cached=True, route_confirms=True)


def test_a_token_cached_by_one_app_is_not_served_by_another(
        app: Any, client: TestClient, other: tuple[Any, TestClient], clock: FakeClock,
        make_user: Any, sessions: sessionmaker[Session]) -> None:
    second, second_client = other
    assert app.state.principal_cache is not second.state.principal_cache
    platform = make_user("platform@docket.test", "platform")
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200
    revoke(sessions, platform)
    # The first app trusts what it checked for DOCKET_TOKEN_CACHE_SECONDS…
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200
    # …the second never checked it, so it looks now and refuses it.
    answer = second_client.get(VISIBILITY, headers=platform.headers)
    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]
    clock.advance(60)
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 401


def test_a_submitters_token_seen_by_one_app_is_kept_by_that_app_only(
        app: Any, client: TestClient, other: tuple[Any, TestClient], kz_ministry: Party,
        sessions: sessionmaker[Session]) -> None:
    second, second_client = other
    assert client.post("/api/v1/requests", json=KZ_BODY, headers=kz_ministry.headers).status_code == 201
    assert len(app.state.principal_cache.submitters) == 1
    assert len(second.state.principal_cache.submitters) == 0
    revoke(sessions, kz_ministry)
    # Each app refuses the revoked token at once (the route confirms it in its transaction).
    for each in (client, second_client):
        answer = each.post("/api/v1/requests", json=KZ_BODY, headers=kz_ministry.headers)
        assert answer.status_code == 401
        assert 'error="invalid_token"' in answer.headers["www-authenticate"]
    assert len(app.state.principal_cache.submitters) == 0


def test_a_token_revoked_through_the_api_is_refused_at_once_on_cached_routes(
        client: TestClient, make_user: Any) -> None:
    platform = make_user("platform@docket.test", "platform")
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200  # now cached
    gone = client.delete(f"/api/v1/tokens/{platform.token_id}", headers=platform.headers)
    assert gone.status_code == 200 and gone.json()["revoked_at"] is not None
    # No DOCKET_TOKEN_CACHE_SECONDS wait in the application that revoked it.
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 401


def test_a_refused_revocation_leaves_the_cache_as_it_was(
        app: Any, client: TestClient, make_user: Any) -> None:
    platform = make_user("platform@docket.test", "platform")
    other = make_user("platform-2@docket.test", "platform")
    assert client.get(VISIBILITY, headers=other.headers).status_code == 200
    cached = len(app.state.principal_cache)
    # Not its token: a 404, nothing committed, nothing forgotten.
    assert client.delete(f"/api/v1/tokens/{other.token_id}", headers=platform.headers).status_code == 404
    assert len(app.state.principal_cache) == cached
    assert client.get(VISIBILITY, headers=other.headers).status_code == 200
