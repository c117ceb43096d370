"""The change feed and the snapshot: in order, nothing lost, nothing twice."""

from __future__ import annotations

import os
import threading
import time

import orjson
import pytest

from docket.enforcement import service as enforcement
from docket.enforcement.models import NoticeKind
from docket.store import transaction, utcnow


def changes(client, platform, after=0, **params):
    r = client.get("/api/v1/restrictions/changes", params={"after": after, **params}, headers=platform.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_changes_come_in_cursor_order(client, platform, restrict) -> None:
    restrict("post-1", jurisdiction="KZ")
    restrict("post-2", jurisdiction="DE", outcome="removed_policy")
    page = changes(client, platform)
    assert [c["cursor"] for c in page["changes"]] == [1, 2]
    assert [(c["op"], c["subject_id"], c["scope"], c["notice_kind"]) for c in page["changes"]] == [
        ("start", "post-1", ["KZ"], "legal_demand"), ("start", "post-2", ["*"], "policy")]
    assert page["next_cursor"] == 2
    assert changes(client, platform, after=2) == {"changes": [], "next_cursor": 2}
    assert [c["cursor"] for c in changes(client, platform, after=0, limit=1)["changes"]] == [1]


def test_a_long_poll_returns_when_a_change_arrives(client, platform, restrict) -> None:
    answers: list[dict] = []
    # The longest wait there is: a poll that waited it out instead of answering the change
    # would still be waiting when the change has long been made.
    poll = threading.Thread(
        target=lambda: answers.append(changes(client, platform, after=0, wait=30)))
    poll.start()
    restrict("post-3")
    poll.join(timeout=20)
    assert not poll.is_alive(), "the long poll did not answer the change"
    assert [c["subject_id"] for c in answers[0]["changes"]] == ["post-3"]


def test_a_long_poll_with_nothing_new_times_out_empty(client, platform) -> None:
    started = time.monotonic()
    assert changes(client, platform, after=0, wait=0.5) == {"changes": [], "next_cursor": 0}
    assert time.monotonic() - started >= 0.5


def test_the_snapshot_streams_active_restrictions_with_its_cursor(client, platform, restrict, sessions) -> None:
    restrict("post-4", jurisdiction="KZ")
    restrict("post-5", jurisdiction="TR")
    with transaction(sessions) as s:  # end one: it leaves the snapshot and adds an 'end' change
        ended = enforcement.for_decision(session=s, decision_id=1)[0]
        enforcement.end(session=s, actor="test", restriction=ended, reason="reversed", now=utcnow())
    r = client.get("/api/v1/restrictions/snapshot", headers=platform.headers)
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [orjson.loads(line) for line in r.text.splitlines()]
    assert lines[0] == {"cursor": 3}
    assert [(x["subject_id"], x["scope"]) for x in lines[1:]] == [("post-5", ["TR"])]
    assert [c["op"] for c in changes(client, platform)["changes"]] == ["start", "start", "end"]


def test_a_reader_that_disconnects_loses_nothing_and_duplicates_nothing(client, platform, sessions) -> None:
    """Writers append concurrently while a reader pages through the feed in small bites,
    'reconnecting' after each page from the last cursor it applied."""
    from tests.enforcement.conftest import _seed_decision

    decision_id = _seed_decision(sessions)
    def writer(n: int) -> None:
        for i in range(15):
            with transaction(sessions) as s:
                enforcement.start(session=s, actor="test", decision_id=decision_id, content_id=f"w{n}-{i}",
                                  scope=["KZ"], notice_kind=NoticeKind.legal_demand, ends_at=None, now=utcnow())

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    seen: list[int] = []
    subjects: list[str] = []
    cursor = 0
    while True:
        page = changes(client, platform, after=cursor, limit=3)
        seen += [c["cursor"] for c in page["changes"]]
        subjects += [c["subject_id"] for c in page["changes"]]
        cursor = page["next_cursor"]
        if not page["changes"] and not any(t.is_alive() for t in threads):
            page = changes(client, platform, after=cursor)
            if not page["changes"]:
                break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 60
    assert seen == list(range(1, 61))
    assert sorted(subjects) == sorted(f"w{n}-{i}" for n in range(4) for i in range(15))


@pytest.mark.skipif(
    not os.environ.get("DOCKET_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="terminating backends is a PostgreSQL fault: SQLite has no connections to lose",
)
def test_the_follower_carries_on_after_the_database_drops_its_connections(
        app, client, platform, restrict, eventually, engine) -> None:
    from tests.system.test_faults import _terminate_where

    def hidden(content_id: str) -> bool:
        r = client.get("/api/v1/visibility", params={"content_id": content_id, "country": "KZ"},
                       headers=platform.headers)
        return r.status_code == 200 and not r.json()["visible"]

    restrict("post-before", jurisdiction="KZ")
    assert eventually(lambda: hidden("post-before"))
    for _ in range(3):  # the follower's connection, and every other, cut again and again
        assert _terminate_where(engine, "true")
        time.sleep(0.3)
    restrict("post-after", jurisdiction="KZ")
    assert eventually(lambda: hidden("post-after"))
    assert app.state.follower._thread.is_alive()
