"""Real server processes: two nodes on one database agree, and a replica survives a restart."""

from __future__ import annotations

import os
import time

import httpx
import pytest

from docket.client import RestrictionReplica
from tests.helpers import free_port, running_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server_env(database_url, tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(DOCKET_DATABASE_URL=database_url, DOCKET_SECRET_KEY="s" * 40,
               DOCKET_DEADLINE_CHECK_SECONDS="0", DOCKET_TOKEN_CACHE_SECONDS="0")
    return env


def hidden(base: str, token: str, content_id: str, country: str) -> bool:
    r = httpx.get(f"{base}/api/v1/visibility", params={"content_id": content_id, "country": country},
                  headers={"Authorization": f"Bearer {token}"}, timeout=5)
    return r.status_code == 200 and r.json()["visible"] is False


def test_two_nodes_on_one_database_agree(server_env, tmp_path, platform, restrict) -> None:
    """Both nodes enforce a decision made through the database (the other node by its feed
    poll, DOCKET_FEED_POLL_SECONDS). How fast is measured in bench/visibility.py, not here:
    a loaded CI machine must not turn a timing into a failure."""
    with running_server(env=server_env, cwd=str(tmp_path)) as (a, _), \
         running_server(env=server_env, cwd=str(tmp_path)) as (b, _):
        assert not hidden(a, platform.token, "post-1", "KZ") and not hidden(b, platform.token, "post-1", "KZ")
        restrict("post-1", jurisdiction="KZ")
        decided = time.monotonic()
        lag = {}
        while len(lag) < 2 and time.monotonic() - decided < 15:
            for name, base in (("a", a), ("b", b)):
                if name not in lag and hidden(base, platform.token, "post-1", "KZ"):
                    lag[name] = time.monotonic() - decided
            time.sleep(0.02)
        assert set(lag) == {"a", "b"}, lag
        assert not hidden(a, platform.token, "post-1", "DE") and not hidden(b, platform.token, "post-1", "DE")


def test_a_replica_catches_up_after_the_server_restarts(server_env, tmp_path, platform, restrict) -> None:
    restrict("post-before", jurisdiction="TR")
    port = free_port()
    with running_server(env=server_env, cwd=str(tmp_path), port=port) as (base, _):
        replica = RestrictionReplica(base, platform.token, wait=1, max_backoff=0.5).start(timeout=20)
        assert replica.is_visible("post-before", "TR") is False  # from the snapshot
        assert replica.is_visible("post-before", "DE") is True
        restrict("post-live", jurisdiction="KZ")
        deadline = time.monotonic() + 30
        while replica.is_visible("post-live", "KZ") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert replica.is_visible("post-live", "KZ") is False
    # docket is down: a decision is made meanwhile (another node would have served it)
    restrict("post-while-down", jurisdiction="KZ")
    deadline = time.monotonic() + 30
    while not replica.errors and time.monotonic() < deadline:  # it finds docket down
        time.sleep(0.05)
    assert replica.is_visible("post-while-down", "KZ") is True and replica.errors > 0
    with running_server(env=server_env, cwd=str(tmp_path), port=port):
        deadline = time.monotonic() + 30
        while replica.is_visible("post-while-down", "KZ") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert replica.is_visible("post-while-down", "KZ") is False
        assert replica.cursor == 3
        verdict = replica.check("post-live", "KZ")
        assert verdict.kind == "legal_demand" and verdict.withheld_in == ["KZ"]
    replica.close()
