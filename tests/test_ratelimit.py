"""Abuse limits that hold behind a proxy and across nodes: the client's address comes from
forwarding headers only behind a trusted proxy; IPv6 clients are limited per /64; a ceiling
on the new cases anonymous reports open; one reporter counts once per case; reporter keys
that reveal no address; and every limit shared by every process of a deployment."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from docket.app import create_app
from docket.intake.models import Report
from docket.ratelimit import LimitStore, RateLimiter
from docket.settings import Settings
from docket.web.client import address_key

PROXY = "10.0.0.5"


@pytest.fixture
def node(settings: Settings, engine: Any, sessions: Any) -> Any:
    """One docket process (an app of its own, with its own memory) on the shared database,
    called by a client at ``peer``; the database is emptied after the test."""

    @contextmanager
    def start(peer: str = "203.0.113.7", **changes: Any) -> Iterator[TestClient]:
        app = create_app(settings.model_copy(update=changes), engine=engine)
        app.state.owns_engine = False
        with TestClient(app, raise_server_exceptions=False, client=(peer, 40000)) as client:
            yield client

    return start


def anonymous(client: TestClient, n: int, **headers: str) -> int:
    r = client.post("/api/v1/reports", headers=headers,
                    json={"url": f"https://social.example/@spam/{n}", "reason": "hate_speech"})
    return r.status_code


def test_forwarding_headers_are_ignored_without_a_trusted_proxy(node, settings, sessions) -> None:
    with node(peer="127.0.0.1") as client:
        codes = [anonymous(client, n, **{"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(7)]
    assert codes == [201] * 5 + [429] * 2
    with sessions() as s:
        keys = set(s.scalars(select(Report.reporter_key)))
    assert keys == {address_key(settings.secret_key, "127.0.0.1")}


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(node, settings, sessions) -> None:
    with node(peer=PROXY, trusted_proxies="10.0.0.0/8") as client:
        # The client's own X-Forwarded-For entries come first; the proxy appends what it saw.
        spoofed = [anonymous(client, n, **{"X-Forwarded-For": f"192.0.2.{n}, 198.51.100.9"}) for n in range(6)]
        other = anonymous(client, 99, **{"X-Forwarded-For": "198.51.100.10"})
        # A chain of trusted proxies: the first untrusted hop from the right is the client.
        chained = anonymous(client, 100, **{"X-Forwarded-For": "198.51.100.11, 10.1.1.1"})
    assert spoofed == [201] * 5 + [429]
    assert other == 201 and chained == 201
    with sessions() as s:
        keys = [k for (k,) in s.execute(select(Report.reporter_key).order_by(Report.id))]
    assert keys[0] == address_key(settings.secret_key, "198.51.100.9")
    assert keys[-2:] == [address_key(settings.secret_key, "198.51.100.10"),
                         address_key(settings.secret_key, "198.51.100.11")]


def test_an_untrusted_peer_cannot_use_the_header_even_when_proxies_are_set(node) -> None:
    with node(peer="198.51.100.50", trusted_proxies="10.0.0.0/8") as client:
        codes = [anonymous(client, n, **{"X-Forwarded-For": f"192.0.2.{n}"}) for n in range(6)]
    assert codes == [201] * 5 + [429]


def test_ipv6_clients_are_limited_per_64(node) -> None:
    with node(peer=PROXY, trusted_proxies=PROXY) as client:
        same_64 = [anonymous(client, n, **{"X-Forwarded-For": f"2001:db8:1:2::{n:x}"}) for n in range(6)]
        next_64 = anonymous(client, 50, **{"X-Forwarded-For": "2001:db8:1:3::1"})
    assert same_64 == [201] * 5 + [429]
    assert next_64 == 201


def test_a_ceiling_on_new_cases_from_anonymous_reports(node, platform) -> None:
    with node(peer=PROXY, trusted_proxies=PROXY,
              anonymous_new_cases_per_minute=3) as client:
        opened = [anonymous(client, n, **{"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(3)]
        refused = client.post("/api/v1/reports", headers={"X-Forwarded-For": "198.51.100.20"},
                              json={"url": "https://social.example/@spam/77", "reason": "hate_speech"})
        # A report about content already under review still joins its case.
        joined = anonymous(client, 0, **{"X-Forwarded-For": "198.51.100.21"})
        # The platform's reports for its signed-in users are not anonymous: not capped.
        platform_report = client.post("/api/v1/reports", headers=platform.headers, json={
            "url": "https://social.example/@spam/78", "reason": "hate_speech", "reporter_id": "u-9"})
    assert opened == [201] * 3
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "already under review are still taken" in refused.json()["detail"]
    assert joined == 201 and platform_report.status_code == 201


def test_reporter_keys_are_hmacs_under_the_secret(settings) -> None:
    key = address_key(settings.secret_key, "198.51.100.7")
    assert key.startswith("anon:") and "198.51.100.7" not in key
    assert key != address_key("another-secret-key-of-at-least-32-chars", "198.51.100.7")
    # The IPv4 space is small: a plain hash could be reversed by hashing every address.
    import hashlib
    assert key.removeprefix("anon:") not in hashlib.sha256(b"198.51.100.7").hexdigest()


def test_every_limit_holds_across_nodes(node, kz_ministry) -> None:
    """Two processes share the buckets: a token's 10 calls a minute are 10 in all."""
    with node(rate_limits="*=10") as first, \
            node(rate_limits="*=10") as second:
        codes = [(first if n % 2 else second).get("/api/v1/requests", headers=kz_ministry.headers).status_code
                 for n in range(14)]
        anonymous_codes = [anonymous(first if n % 2 else second, n) for n in range(7)]
    assert codes.count(200) == 10 and codes[10:] == [429] * 4
    assert anonymous_codes.count(201) == 5


def test_leases_never_let_more_through_than_the_limit(engine, sessions) -> None:
    """Eight threads over two limiters (two processes' worth) take calls as fast as they can:
    together they get no more than the bucket held plus what it refilled meanwhile."""
    per_minute = 120
    limiters = [RateLimiter(LimitStore(engine)), RateLimiter(LimitStore(engine))]
    taken = [0] * 8
    start = time.time()

    def hammer(n: int) -> None:
        limiter = limiters[n % 2]
        for _ in range(60):
            if limiter.wait("burst", per_minute) is None:
                taken[n] += 1

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refilled = (time.time() - start) * per_minute / 60
    assert per_minute * 0.8 <= sum(taken) <= per_minute + refilled + 1
    for limiter in limiters:
        limiter.store.dispose()


def test_a_caller_over_its_limit_costs_the_database_nothing_more(engine, sessions) -> None:
    """Refusals come from memory until the bucket has a call again: hammering a limit does
    not turn into a statement per call."""
    store = LimitStore(engine)
    statements = 0
    take = store.take

    def counted(*args: Any, **kwargs: Any) -> tuple[int, float]:
        nonlocal statements
        statements += 1
        return take(*args, **kwargs)

    store.take = counted  # type: ignore[method-assign]
    limiter = RateLimiter(store)
    start = time.time()
    answers = [limiter.wait("hammer", 60) for _ in range(1000)]
    allowed = sum(a is None for a in answers)
    assert 60 <= allowed <= 60 + (time.time() - start) + 1  # the bucket, and what refilled meanwhile
    assert statements < 30, statements
    store.dispose()
