"""The platform's tokens are rate-limited on every route they may call
(``DOCKET_PLATFORM_RATE_LIMIT`` calls a minute per token, a batch counting as one), as
submitters' tokens are by their kind; staff tokens and people's sessions are not."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from docket.settings import Settings
from tests.authorization.routes import API
from tests.conftest import Party
from tests.parties.test_auth_token_cache import call, token_routes
from tests.web.conftest import PASSWORD, sign_in

VISIBILITY = "/api/v1/visibility?content_id=post-1&country=KZ"
TEXT = {"text": "Everyone come to the square tonight.", "country": "KZ"}


def limit(app: Any, settings: Settings, per_minute: int) -> None:
    app.state.settings = settings.model_copy(update={"platform_rate_limit": per_minute})


def match(client: TestClient, who: Party) -> Any:
    return client.post("/api/v1/match", headers=who.headers, json=TEXT)


def test_a_platform_token_over_its_limit_gets_a_429_on_matching_and_visibility(
        client: TestClient, app: Any, settings: Settings, platform: Party) -> None:
    limit(app, settings, 3)
    assert [match(client, platform).status_code for _ in range(2)] == [200, 200]
    assert client.get(VISIBILITY, headers=platform.headers).status_code == 200
    refused = [client.get(VISIBILITY, headers=platform.headers), match(client, platform)]
    for r in refused:
        assert r.status_code == 429, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"].endswith("rate-limited")
        assert int(r.headers["retry-after"]) >= 1


def test_another_platform_token_has_a_bucket_of_its_own(
        client: TestClient, app: Any, settings: Settings, platform: Party, make_user: Any) -> None:
    limit(app, settings, 2)
    other = make_user("replica@docket.test", "platform")
    assert [match(client, platform).status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get(VISIBILITY, headers=other.headers).status_code for _ in range(3)] == [200, 200, 429]


def test_a_batch_counts_as_one_call(client: TestClient, app: Any, settings: Settings,
                                    platform: Party) -> None:
    limit(app, settings, 2)
    batch = {"fingerprints": [{"text": f"Come to the square at {n}."} for n in range(50)]}
    assert client.post("/api/v1/match/batch", headers=platform.headers, json=batch).status_code == 200
    assert match(client, platform).status_code == 200
    assert match(client, platform).status_code == 429


def test_staff_tokens_and_sessions_are_not_held_to_it(
        client: TestClient, app: Any, settings: Settings, make_user: Any) -> None:
    limit(app, settings, 1)
    reviewer = make_user("alice@docket.test", "reviewer")
    make_user("ada@docket.test", "admin", password=PASSWORD)
    assert [client.get("/api/v1/me", headers=reviewer.headers).status_code for _ in range(5)] == [200] * 5
    assert sign_in(client, "ada@docket.test").status_code == 303
    assert [client.get("/admin/laws").status_code for _ in range(5)] == [200] * 5


def test_every_route_the_platform_may_call_counts_its_calls(
        client: TestClient, app: Any, settings: Settings, make_user: Any) -> None:
    """Each route of the authorization table the platform may call, with a token of its own
    and a limit of one call: the second call is refused before the route does anything."""
    limit(app, settings, 1)
    routes = [key for key, needs_token in token_routes(app).items()
              if needs_token and "platform" in API[key].who]
    assert {"POST /api/v1/match", "POST /api/v1/visibility", "GET /api/v1/restrictions/changes",
            "POST /api/v1/content", "GET /api/v1/match/bank/snapshot"} <= set(routes)
    wrong = []
    for n, key in enumerate(routes):
        who = make_user(f"platform{n}@docket.test", "platform")
        first, second = call(client, key, who), call(client, key, who)
        if first == 429 or second != 429:
            wrong.append(f"{key}: {first}, then {second}")
    assert wrong == [], "\n".join(wrong)


def test_the_limit_must_be_a_positive_number() -> None:
    for bad in (0, -1):
        with pytest.raises(ValueError):
            Settings(platform_rate_limit=bad)
