"""The audit chain: every change leaves an event; any edit, deletion or reordering shows."""

import datetime as dt
import hashlib
import json
import threading

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from docket import audit
from docket.cli import app as cli
from docket.store import transaction
from tests.helpers import tampering

runner = CliRunner()


def _fill(sessions, n: int = 5) -> None:
    with transaction(sessions) as s:
        for i in range(n):
            audit.record(session=s, actor="test", action="thing:done", subject=f"thing:{i}",
                         payload={"i": i, "text": "Привет, мир", "nested": {"a": [1, 2]}})


def verify_cli() -> tuple[int, dict]:
    result = runner.invoke(cli, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_an_intact_chain_verifies(sessions) -> None:
    _fill(sessions)
    code, out = verify_cli()
    assert code == 0
    assert out == {"ok": True, "events": 5, "bad_event": None, "problem": None}


def test_the_human_output_counts_events(sessions) -> None:
    _fill(sessions, 3)
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0 and "3 events" in result.stdout


def test_an_edited_payload_is_found(sessions) -> None:
    _fill(sessions)
    with tampering(sessions) as s:
        s.execute(text("""UPDATE events SET payload = '{"i": 99}' WHERE seq = 3"""))
    code, out = verify_cli()
    assert code == 1 and out["bad_event"] == 3 and "altered" in out["problem"]


def test_an_edited_actor_is_found(sessions) -> None:
    _fill(sessions)
    with tampering(sessions) as s:
        s.execute(text("UPDATE events SET actor = 'someone else' WHERE seq = 2"))
    assert verify_cli()[1]["bad_event"] == 2


def test_a_rehashed_edit_breaks_the_next_link(sessions) -> None:
    _fill(sessions)
    with tampering(sessions) as s:
        s.execute(text("UPDATE events SET hash = :h WHERE seq = 2"), {"h": "f" * 64})
    code, out = verify_cli()
    assert code == 1 and out["bad_event"] == 2


def test_a_deleted_event_is_found(sessions) -> None:
    _fill(sessions)
    with tampering(sessions) as s:
        s.execute(text("DELETE FROM events WHERE seq = 3"))
    code, out = verify_cli()
    assert code == 1 and out["bad_event"] == 3 and "missing" in out["problem"]


def test_a_deleted_last_event_is_found(sessions) -> None:
    _fill(sessions)
    with tampering(sessions) as s:
        s.execute(text("DELETE FROM events WHERE seq = 5"))
    code, out = verify_cli()
    assert code == 1 and out["bad_event"] == 5


def test_reordered_events_are_found(sessions) -> None:
    _fill(sessions)
    with tampering(sessions) as s:  # swap events 2 and 3
        s.execute(text("UPDATE events SET seq = -2 WHERE seq = 2"))
        s.execute(text("UPDATE events SET seq = 2 WHERE seq = 3"))
        s.execute(text("UPDATE events SET seq = 3 WHERE seq = -2"))
    code, out = verify_cli()
    assert code == 1 and out["bad_event"] == 2


def test_the_human_output_names_the_bad_event(sessions) -> None:
    _fill(sessions)
    with tampering(sessions) as s:
        s.execute(text("UPDATE events SET subject = 'x' WHERE seq = 4"))
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1 and "event 4" in result.output


def test_concurrent_writers_keep_one_chain(sessions) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(10):
                with transaction(sessions) as s:
                    audit.record(session=s, actor=f"w{worker}", action="thing:done",
                                 subject=f"thing:{worker}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert verify_cli() == (0, {"ok": True, "events": 60, "bad_event": None, "problem": None})


def test_an_event_rolls_back_with_its_change(sessions) -> None:
    with pytest.raises(RuntimeError), transaction(sessions) as s:
        audit.record(session=s, actor="test", action="thing:done", subject="thing:1")
        raise RuntimeError("the change failed")
    assert verify_cli()[1]["events"] == 0


def test_the_chain_continues_after_another_process_appended(sessions) -> None:
    _fill(sessions, 2)
    # Another process appends event 3 (and moves the head) with its own connection.
    with transaction(sessions) as s:
        at = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
        prev = s.execute(text("SELECT hash FROM audit_head WHERE id = 1")).scalar_one()
        digest = audit.service.event_hash(seq=3, at=at, actor="other", action="thing:done",
                                          subject="thing:x", payload={}, prev_hash=prev)
        s.execute(text("INSERT INTO events (seq, at, actor, action, subject, payload, prev_hash, hash) "
                       "VALUES (3, :at, 'other', 'thing:done', 'thing:x', '{}', :prev, :hash)"),
                  {"at": at if s.bind.dialect.name == "postgresql" else "2026-11-28 12:00:00.000000",
                   "prev": prev, "hash": digest})
        s.execute(text("UPDATE audit_head SET seq = 3, hash = :hash WHERE id = 1"), {"hash": digest})
    _fill(sessions, 2)
    # And one of ours rolls back after appending.
    with pytest.raises(RuntimeError), transaction(sessions) as s:
        audit.record(session=s, actor="test", action="thing:done", subject="thing:gone")
        raise RuntimeError("the change failed")
    _fill(sessions, 1)
    assert verify_cli() == (0, {"ok": True, "events": 6, "bad_event": None, "problem": None})


@pytest.mark.rolled_back
def test_actions_are_typed_tags(sessions) -> None:
    with pytest.raises(ValueError), transaction(sessions) as s:
        audit.record(session=s, actor="test", action="did something", subject="x")


def test_events_api_filters_and_pages(client, auditor_erin, admin_ada, kz_ministry) -> None:
    all_events = client.get("/api/v1/audit/events", headers=auditor_erin.headers).json()["events"]
    actions = [e["action"] for e in all_events]
    assert actions.count("submitter:created") == 1 and "token:created" in actions
    subject = f"submitter:{kz_ministry.id}"
    by_subject = client.get(f"/api/v1/audit/events?subject={subject}", headers=admin_ada.headers).json()
    assert [e["action"] for e in by_subject["events"]] == ["submitter:created"]
    first = client.get("/api/v1/audit/events?limit=2", headers=auditor_erin.headers).json()
    assert len(first["events"]) == 2 and first["next_after"] == first["events"][-1]["seq"]
    rest = client.get(f"/api/v1/audit/events?after={first['next_after']}&limit=500",
                      headers=auditor_erin.headers).json()
    assert [e["seq"] for e in first["events"] + rest["events"]] == [e["seq"] for e in all_events]
    assert rest["next_after"] is None
    assert all(e["prev_hash"] == p["hash"] for p, e in zip(all_events, all_events[1:], strict=False))


@pytest.mark.rolled_back
def test_the_hash_covers_the_sorted_canonical_json_and_the_hash_before(sessions) -> None:
    # The format stored chains were written in: any change to it would fail every chain
    # already written. PostgreSQL finishes these hashes itself (docket_audit_append).
    payload = {"z": [1, {"b": None, "a": "Привет \"мир\" \\ \n"}], "ä": 2.5, "a": True}
    with transaction(sessions) as s:
        audit.record(session=s, actor='officer "A"', action="thing:done", subject="thing:ü", payload=payload)
        audit.record(session=s, actor="b", action="thing:done", subject="thing:2", payload={})
    with sessions() as s:
        rows = s.execute(text("SELECT seq, at, actor, action, subject, prev_hash, hash FROM events "
                              "ORDER BY seq")).all()
    prev = "0" * 64
    for row, body in zip(rows, (payload, {}), strict=True):
        at = row.at if isinstance(row.at, dt.datetime) else dt.datetime.fromisoformat(row.at)
        at = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)  # SQLite: naive UTC
        canonical = json.dumps({
            "seq": row.seq, "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": row.actor, "action": row.action, "subject": row.subject, "payload": body,
            "prev_hash": prev}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row.prev_hash == prev
        assert row.hash == hashlib.sha256(canonical.encode()).hexdigest()
        prev = row.hash


def test_small_and_large_appends_make_one_chain(sessions) -> None:
    # On PostgreSQL up to 20 events go through docket_audit_append, more are hashed in
    # Python and copied in: both must continue the same chain.
    for size in (1, 50, 3, 21, 20):
        with transaction(sessions) as s:
            audit.record_many(session=s, events=[
                audit.NewEvent("test", "thing:done", f"thing:{size}-{i}", {"i": i, "text": "Привет"})
                for i in range(size)])
    assert verify_cli() == (0, {"ok": True, "events": 95, "bad_event": None, "problem": None})


@pytest.mark.rolled_back
def test_the_service_names_the_first_bad_event_and_counts_the_good_ones_before_it(sessions) -> None:
    from docket.audit.service import Verification, event_hash, verify

    def check() -> Verification:
        with sessions() as s:
            return verify(session=s, batch=2)

    _fill(sessions)
    with tampering(sessions) as s:  # event 2 edited and re-hashed, event 3 left alone
        row = s.execute(text("SELECT seq, at, actor, action, subject, prev_hash FROM events "
                             "WHERE seq = 2")).one()
        at = row.at if isinstance(row.at, dt.datetime) else dt.datetime.fromisoformat(row.at)
        at = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
        digest = event_hash(seq=2, at=at, actor=row.actor, action=row.action,
                            subject=row.subject, payload={"i": 99}, prev_hash=row.prev_hash)
        s.execute(text("""UPDATE events SET payload = '{"i": 99}', hash = :h WHERE seq = 2"""),
                  {"h": digest})
    assert check() == Verification(
        False, 2, 3, "event 3 does not follow event 2 (prev_hash differs)")
    with tampering(sessions) as s:
        s.execute(text("UPDATE events SET actor = 'someone else' WHERE seq = 2"))
    assert check() == Verification(False, 1, 2, "event 2 was altered (hash differs)")
    with tampering(sessions) as s:
        s.execute(text("DELETE FROM events WHERE seq = 2"))
    assert check() == Verification(False, 1, 2, "event 2 is missing (next is 3)")


@pytest.mark.rolled_back
def test_a_subjects_history_starts_at_the_first_event_of_the_log(sessions) -> None:
    # A case's history (the console's and GET /api/v1/items/{id}) asks for a subject's
    # events without a starting point: the log's very first event is part of it.
    from docket.audit.service import list_events

    _fill(sessions, 3)
    with sessions() as s:
        assert [e.seq for e in list_events(session=s, subject="thing:0")] == [1]
        assert [e.seq for e in list_events(session=s)] == [1, 2, 3]
