"""GET /metrics: what it shows follows what happens through the API; its labels are route
templates; only admins, auditors and the scraper's token read it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from docket.intake.models import Item
from docket.notices.worker import OutboxWorker
from docket.store import transaction, utcnow

SCRAPER = "scraper-token-0123456789abcdef-0123456789"
DE_LAW = [{"law": "de-netzdg-3"}]
KZ_LAW = [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}]


def scrape(client: Any, who: Any) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """The exposition ``who`` reads, as {(sample name, labels): value}."""
    r = client.get("/metrics", headers=who.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def value(found: dict[Any, float], name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def named(found: dict[Any, float], name: str) -> dict[frozenset[tuple[str, str]], float]:
    return {labels: v for (n, labels), v in found.items() if n == name}


def send(client: Any, platform: Any, who: Any, jurisdiction: str, law: list[dict[str, str]],
         *numbers: int) -> dict[str, Any]:
    for n in numbers:
        r = client.post("/api/v1/content", headers=platform.headers, json={
            "id": f"post-{n}", "url": f"https://social.example/@x/{n}", "type": "post",
            "author_id": f"author-{n}"})
        assert r.status_code in (200, 201), r.text
    r = client.post("/api/v1/requests", headers=who.headers, json={
        "jurisdiction": jurisdiction, "reason": "hate_speech", "legal_basis": law,
        "explanation": "Calls for violence.", "requested_action": "restrict",
        "items": [{"url": f"https://social.example/@x/{n}"} for n in numbers]})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_the_gauges_follow_what_happens_through_the_api(
        client, app, sessions, settings, kz_ministry, de_court, reviewer_alice, admin_ada,
        platform) -> None:
    empty = scrape(client, admin_ada)
    assert named(empty, "docket_items_open") == {} and named(empty, "docket_decisions") == {}
    assert value(empty, "docket_outbox_backlog", channel="webhook") == 0

    kz = send(client, platform, kz_ministry, "KZ", KZ_LAW, 1, 2)
    de = send(client, platform, de_court, "DE", DE_LAW, 3)
    hook = client.post("/api/v1/webhooks", headers=platform.headers, json={
        "url": "http://127.0.0.1:9/hook", "event_types": ["restriction.created"]})
    assert hook.status_code == 201, hook.text
    found = scrape(client, admin_ada)
    assert named(found, "docket_items_open") == {
        frozenset({("jurisdiction", "KZ"), ("state", "received")}): 2,
        frozenset({("jurisdiction", "DE"), ("state", "received")}): 1}
    assert named(found, "docket_items_overdue") == {}

    # The DE item decided (a global removal): no longer open, one decision, one change in
    # the restriction feed, and a webhook queued for the platform. The index is held still
    # meanwhile, so its lag shows.
    app.state.follower.stop()
    item = de["items"][0]["id"]
    r = client.post(f"/api/v1/items/{item}/review", headers=reviewer_alice.headers,
                    json={"step": "policy", "finding": "violates"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/v1/items/{item}/decision", headers=reviewer_alice.headers, json={
        "outcome": "removed_policy", "policy_clause": "3.2", "explanation": "A threat."})
    assert r.status_code == 201, r.text
    # One KZ item past its statutory deadline.
    with transaction(sessions) as s:
        s.execute(update(Item).where(Item.id == kz["items"][0]["id"])
                  .values(deadline_at=utcnow() - dt.timedelta(hours=1)))
    found = scrape(client, admin_ada)
    assert named(found, "docket_items_open") == {
        frozenset({("jurisdiction", "KZ"), ("state", "received")}): 2}
    assert named(found, "docket_items_overdue") == {frozenset({("jurisdiction", "KZ")}): 1}
    assert named(found, "docket_decisions") == {
        frozenset({("outcome", "removed_policy"), ("status", "effective")}): 1}
    assert value(found, "docket_outbox_backlog", channel="webhook") == 1
    assert value(found, "docket_outbox_dead_letters", channel="webhook") == 0
    cursor = value(found, "docket_restriction_feed_cursor")
    assert cursor >= 1
    assert value(found, "docket_restriction_index_lag") == cursor - value(
        found, "docket_restriction_index_cursor") >= 1
    assert value(found, "docket_restriction_index_lag_seconds") >= 0
    app.state.follower.catch_up()
    caught_up = scrape(client, admin_ada)
    assert value(caught_up, "docket_restriction_index_lag") == 0
    assert value(caught_up, "docket_restriction_index_lag_seconds") == 0
    assert value(caught_up, "docket_restriction_index_cursor") == cursor

    # The webhook's one try fails (nothing listens there): a dead letter, no backlog.
    worker = OutboxWorker(sessions, settings.model_copy(update={"outbox_max_attempts": 1}))
    while worker.run_once():
        pass
    found = scrape(client, admin_ada)
    assert value(found, "docket_outbox_backlog", channel="webhook") == 0
    assert value(found, "docket_outbox_dead_letters", channel="webhook") == 1


def test_visibility_checks_are_counted(client, admin_ada, platform) -> None:
    for country in ("KZ", "DE", "XX"):
        r = client.get("/api/v1/visibility", headers=platform.headers,
                       params={"content_id": "post-1", "country": country})
        assert r.status_code == 200
    r = client.post("/api/v1/visibility", headers=platform.headers, json=[
        {"content_id": "a", "country": "KZ"}, {"content_id": "b", "country": "DE"}])
    assert r.status_code == 200
    found = scrape(client, admin_ada)
    assert value(found, "docket_visibility_checks_total", result="visible") == 5
    assert value(found, "docket_visibility_checks_total", result="withheld") == 0


def test_latency_is_labelled_by_route_template_never_by_path(
        client, admin_ada, de_court, platform) -> None:
    request_id = send(client, platform, de_court, "DE", DE_LAW, 7)["id"]
    assert client.get(f"/api/v1/requests/{request_id}", headers=de_court.headers).status_code == 200
    assert client.get("/api/v1/requests/999999", headers=de_court.headers).status_code == 404
    assert client.get("/no/such/page/12345").status_code == 404
    assert client.get("/static/docket.css").status_code == 200
    assert client.get("/docs").status_code == 200
    found = scrape(client, admin_ada)
    counts = {dict(labels)["route"]: n for labels, n in
              named(found, "docket_http_request_duration_seconds_count").items()
              if dict(labels)["method"] == "GET"}
    routes = set(counts)
    assert {"/api/v1/requests/{request_id}", "unmatched", "/static/{path}", "/docs"} <= routes
    # No label carries an id: every segment of every route is a name or a {placeholder}.
    assert not [route for route in routes if re.search(r"/\d+(/|$)", route)], routes
    by_class = {(dict(labels)["route"], dict(labels)["status_class"]): n for labels, n in
                named(found, "docket_http_request_duration_seconds_count").items()}
    assert by_class[("/api/v1/requests/{request_id}", "2xx")] == 1
    assert by_class[("/api/v1/requests/{request_id}", "4xx")] == 1


@pytest.fixture
def scraped(settings, engine, sessions) -> Iterator[TestClient]:
    """An app with a scraper's token set."""
    from docket.app import create_app

    app = create_app(settings.model_copy(update={"metrics_token": SCRAPER}), engine=engine)
    app.state.owns_engine = False
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_only_admins_auditors_and_the_scraper_read_it(
        scraped, admin_ada, auditor_erin, reviewer_alice, kz_ministry, platform, make_user) -> None:
    rep_kz = make_user("rep@docket.test", "local_representative", jurisdictions=("KZ",))
    for who in (admin_ada, auditor_erin):
        assert scraped.get("/metrics", headers=who.headers).status_code == 200
    bearer = {"Authorization": f"Bearer {SCRAPER}"}
    assert scraped.get("/metrics", headers=bearer).status_code == 200
    for who in (reviewer_alice, kz_ministry, platform, rep_kz):
        r = scraped.get("/metrics", headers=who.headers)
        assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    for headers in ({}, {"Authorization": f"Bearer {SCRAPER}x"}, {"Authorization": SCRAPER},
                    {"Authorization": f"Bearer {SCRAPER[:-1]}"}):
        r = scraped.get("/metrics", headers=headers)
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"


def test_without_a_scraper_token_no_bearer_opens_it(client) -> None:
    # Unset (the default): an empty or made-up bearer is an unknown token, as anywhere.
    for headers in ({"Authorization": "Bearer "}, {"Authorization": "Bearer x"}):
        assert client.get("/metrics", headers=headers).status_code == 401


def test_the_bank_s_fingerprints_are_counted_by_kind(app, client, admin_ada) -> None:
    assert named(scrape(client, admin_ada), "docket_copy_bank_fingerprints") == {
        frozenset({("kind", kind)}): 0 for kind in ("minhash", "pdq", "sha256", "text_sha256")}
    row = {"restriction_id": 1, "decision_id": 1, "content_id": "c1", "scope": ["KZ"], "ends_at": None,
           "quality": 90}
    app.state.bank.load([{**row, "kind": "pdq", "value": "ab" * 32}, {**row, "kind": "sha256", "value": "01" * 32},
                         {**row, "content_id": "c2", "kind": "pdq", "value": "cd" * 32}], cursor=0)
    found = scrape(client, admin_ada)
    assert value(found, "docket_copy_bank_fingerprints", kind="pdq") == 2
    assert value(found, "docket_copy_bank_fingerprints", kind="sha256") == 1
    assert value(found, "docket_copy_bank_fingerprints", kind="minhash") == 0
