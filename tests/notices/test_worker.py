"""The outbox: retries with backoff, a dead letter, no accepted duplicate after a crash,
workers that never share a message, and gag-order holds."""

from __future__ import annotations

import datetime as dt
import email.policy
import re
import threading
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from typer.testing import CliRunner

from docket.cli import app as cli
from docket.notices import compose
from docket.notices import service as notices
from docket.notices.render import render
from docket.notices.worker import OutboxWorker
from docket.outbox import service as outbox
from docket.outbox.models import OutboxMessage
from docket.store import transaction, utcnow
from tests.clock import FakeClock
from tests.notices.conftest import body_text


def event(sessions, n: int = 1) -> list[int]:
    with transaction(sessions) as s:
        made = [notices.enqueue_event(session=s, event_type="decision.made", payload={"n": i})[0] for i in range(n)]
        s.flush()
        return [m.id for m in made]


def row(sessions, outbox_id: int) -> OutboxMessage:
    with sessions() as s:
        return s.get(OutboxMessage, outbox_id)


def on_a_clock(app, settings, smtp, **changes) -> tuple[OutboxWorker, FakeClock]:
    """A worker whose time moves only when the test moves it, from now on (so what the
    test queued before is due)."""
    clock = FakeClock()
    live = settings.model_copy(update={"smtp_url": smtp.url, **changes})
    return OutboxWorker(app.state.sessionmaker, live, clock=clock), clock


def test_a_failing_receiver_is_retried_with_growing_delays(sessions, hooks, app, settings, smtp) -> None:
    [outbox_id] = event(sessions)
    runner, clock = on_a_clock(app, settings, smtp, outbox_backoff_seconds=10)
    hooks.fail_next(3, status=503)
    delays = []
    for attempt in (1, 2, 3):
        tried_at = clock.now()
        assert runner.run_once() == 1
        failed = row(sessions, outbox_id)
        assert failed.status == "pending" and failed.attempts == attempt and "503" in failed.last_error
        delays.append(failed.next_attempt_at - tried_at)
        clock.advance((delays[-1] - dt.timedelta(seconds=1)).total_seconds())
        assert runner.run_once() == 0  # not a moment before its time
        clock.advance(1)
    assert delays == [dt.timedelta(seconds=s) for s in (10, 20, 40)]  # doubling each time
    assert runner.run_once() == 1
    assert row(sessions, outbox_id).status == "sent"
    assert len(hooks.wait_for(1)) == 1
    # Every try carried the webhook-id the row was written with.
    assert hooks.attempt_ids == [row(sessions, outbox_id).message_id] * 4
    runner.stop()


def test_the_delay_stops_growing_at_the_longest_backoff(sessions, hooks, app, settings, smtp) -> None:
    [outbox_id] = event(sessions)
    runner, clock = on_a_clock(app, settings, smtp, outbox_backoff_seconds=10,
                               outbox_max_backoff_seconds=25)
    hooks.fail_next(3, status=503)
    delays = []
    for _ in range(3):
        tried_at = clock.now()
        assert runner.run_once() == 1
        delays.append(row(sessions, outbox_id).next_attempt_at - tried_at)
        clock.advance(delays[-1].total_seconds())
    assert delays == [dt.timedelta(seconds=s) for s in (10, 20, 25)]
    runner.stop()


def test_a_permanent_failure_goes_to_the_dead_letter_and_can_be_retried(sessions, hooks, worker) -> None:
    [outbox_id] = event(sessions)
    hooks.fail_next(1, status=400)
    worker.run_once()
    assert row(sessions, outbox_id).status == "dead"
    listed = CliRunner().invoke(cli, ["outbox", "list", "--status", "dead", "--json"])
    assert '"status":"dead"' in listed.stdout
    retried = CliRunner().invoke(cli, ["outbox", "retry", str(outbox_id), "--json"])
    assert retried.exit_code == 0 and '"retried":1' in retried.stdout
    worker.drain()
    assert row(sessions, outbox_id).status == "sent"


def test_too_many_tries_is_dead(sessions, hooks, app, settings, smtp) -> None:
    [outbox_id] = event(sessions)
    runner, clock = on_a_clock(app, settings, smtp, outbox_max_attempts=2, outbox_backoff_seconds=10)
    hooks.fail_next(5, status=500)
    for _ in range(4):
        runner.run_once()
        clock.advance(3600)
    dead = row(sessions, outbox_id)
    assert dead.status == "dead" and dead.attempts == 2
    assert hooks.requests == 2
    runner.stop()


def test_a_crash_between_send_and_mark_sends_no_accepted_duplicate(sessions, hooks, app, settings, smtp,
                                                                  monkeypatch) -> None:
    [outbox_id] = event(sessions)
    clock = FakeClock()  # the lease runs out when the test says so, however loaded the machine
    live = settings.model_copy(update={"outbox_lease_seconds": 60, "smtp_url": smtp.url})
    crashing = OutboxWorker(app.state.sessionmaker, live, clock=clock)

    def die(*args: object) -> None:
        raise SystemExit("killed between send and mark")

    monkeypatch.setattr(crashing, "_sent", die)
    with pytest.raises(SystemExit):
        crashing.run_once()
    assert len(hooks.wait_for(1)) == 1
    assert row(sessions, outbox_id).status == "pending"  # never marked
    clock.advance(59)
    OutboxWorker(app.state.sessionmaker, live, clock=clock).run_once()  # the lease holds: nothing yet
    assert hooks.requests == 1
    clock.advance(2)  # the lease has run out
    OutboxWorker(app.state.sessionmaker, live, clock=clock).run_once()
    assert hooks.requests == 2 and hooks.duplicates == 1
    assert len(hooks.deliveries) == 1  # the receiver accepted it once
    assert row(sessions, outbox_id).status == "sent"
    assert hooks.attempt_ids == [row(sessions, outbox_id).message_id] * 2  # by another worker


def test_workers_never_share_a_message(sessions, hooks, app, settings, smtp) -> None:
    event(sessions, 40)
    workers = [OutboxWorker(app.state.sessionmaker, settings.model_copy(update={"smtp_url": smtp.url}), batch=5)
               for _ in range(4)]
    claimed: list[list[int]] = [[] for _ in workers]

    def take(n: int) -> None:
        while ids := workers[n].claim(utcnow()):
            claimed[n].extend(ids)

    threads = [threading.Thread(target=take, args=(n,)) for n in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for ids in claimed for i in ids]
    assert len(everything) == len(set(everything)) == 40


def test_a_gag_order_holds_the_authors_notice_until_legal_lifts_it(
    client, kz_case, worker, smtp, reviewer_alice, bob_legal, auditor_erin
) -> None:
    request, item, decision = kz_case(confidential=True,
                                      confidentiality_basis="Criminal Procedure Code Art. 201")
    worker.drain()
    assert smtp.messages_to("aidos@mail.example") == []
    holds = client.get("/api/v1/holds", headers=bob_legal.headers).json()
    assert len(holds) == 1 and holds[0]["status"] == "held"
    assert holds[0]["legal_reason"] == "Criminal Procedure Code Art. 201" and holds[0]["review_at"]
    hold = holds[0]["id"]
    assert client.post(f"/api/v1/holds/{hold}/release", json={"reason": "x"},
                       headers=reviewer_alice.headers).status_code == 403
    released = client.post(f"/api/v1/holds/{hold}/release", headers=bob_legal.headers,
                           json={"reason": "The investigation closed on 2026-11-20."})
    assert released.status_code == 200 and released.json()["status"] == "released"
    again = client.post(f"/api/v1/holds/{hold}/release", json={"reason": "x"}, headers=bob_legal.headers)
    assert again.status_code == 409
    worker.drain()
    [notice] = smtp.messages_to("aidos@mail.example")
    assert "token=" in body_text(notice)
    actions = [e["action"] for e in client.get("/api/v1/audit/events?limit=500",
                                               headers=auditor_erin.headers).json()["events"]]
    assert {"hold:placed", "notice:held", "hold:released"} <= set(actions)


def test_a_hold_ends_by_itself(client, kz_case, worker, smtp, sessions) -> None:
    from docket.notices.models import NoticeHold

    kz_case(confidential=True, confidentiality_basis="Court order 2-114/26, until 2026-12-01")
    with transaction(sessions) as s:
        s.execute(update(NoticeHold).values(ends_at=utcnow()))
        assert notices.release_due_holds(session=s, now=utcnow())
    worker.drain()
    assert len(smtp.messages_to("aidos@mail.example")) == 1


def test_webhook_registration(client, platform, kz_ministry) -> None:
    r = client.post("/api/v1/webhooks", headers=platform.headers,
                    json={"url": "https://platform.example/hooks", "event_types": ["restriction.created"]})
    assert r.status_code == 201 and r.json()["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=platform.headers).json()
    assert [e["url"] for e in listed] == ["https://platform.example/hooks"] and "secret" not in listed[0]
    bad = client.post("/api/v1/webhooks", headers=platform.headers,
                      json={"url": "https://platform.example/hooks", "event_types": ["everything"]})
    assert bad.status_code == 422
    assert client.post("/api/v1/webhooks", headers=kz_ministry.headers,
                       json={"url": "https://x.example/", "event_types": ["decision.made"]}).status_code == 403
    gone = client.delete(f"/api/v1/webhooks/{r.json()['id']}", headers=platform.headers)
    assert gone.status_code == 200 and gone.json()["active"] is False


def test_no_smtp_server_means_eml_files(app, settings, sessions, tmp_path) -> None:
    from docket.intake.models import Request  # noqa: F401  (a request to acknowledge)

    runner = OutboxWorker(app.state.sessionmaker, settings.model_copy(update={"mail_dir": str(tmp_path / "mail")}))
    with transaction(sessions) as s:
        message = outbox.enqueue_email(session=s, kind="appeal_received", to="x@example.org",
                                        context={"appeal_id": 1})
        s.flush()
        outbox_id = message.id
    runner.run_once()
    # No such appeal: composing fails for good, and the message is dead, with the reason.
    dead = row(sessions, outbox_id)
    assert dead.status == "dead" and "not found" in dead.last_error
    with sessions() as s:
        assert s.execute(select(OutboxMessage)).scalars().all()


# ------------------------------------------------------------ acknowledgements, without SMTP


def post_requests(client, submitter, languages) -> list[int]:
    """One request per language from ``submitter``; each is acknowledged by e-mail."""
    ids = []
    for n, language in enumerate(languages):
        r = client.post("/api/v1/requests", headers=submitter.headers, json={
            "jurisdiction": "KZ", "reason": "hate_speech", "language": language, "reference": f"MISD-2026/{n}",
            "legal_basis": [{"law": "kz-online-platforms-9", "provision": "Art. 9(2)"}],
            "explanation": "Calls for violence against an ethnic group.",
            "items": [{"url": f"https://social.example/@aidos_k/{n}{k}"} for k in range(n % 3 + 1)]})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


@pytest.fixture
def file_worker(app, settings):
    """An outbox worker without SMTP: every e-mail becomes an .eml file in ``mail_dir``."""
    runner = OutboxWorker(app.state.sessionmaker, settings)
    yield runner
    runner.stop()


def eml_files(settings) -> dict[int, bytes]:
    """Outbox id -> the bytes of its .eml file."""
    folder = Path(settings.mail_dir)
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    return {int(path.name.split("-", 1)[0]): path.read_bytes() for path in files}


def acknowledgements(sessions) -> list[OutboxMessage]:
    with sessions() as s:
        return list(s.execute(select(OutboxMessage).where(OutboxMessage.kind == "acknowledgement")
                              .order_by(OutboxMessage.id)).scalars())


def test_without_smtp_each_acknowledgement_is_an_eml_file_saying_what_the_notice_says(
    client, kz_ministry_with_email, file_worker, sessions, settings
) -> None:
    post_requests(client, kz_ministry_with_email, ["en", "ru", "kk"])
    assert file_worker.run_once() == 3
    files = eml_files(settings)
    messages = acknowledgements(sessions)
    assert sorted(files) == [m.id for m in messages] and {m.status for m in messages} == {"sent"}
    for message in messages:
        raw = files[message.id]
        with sessions() as s:
            notice = render("acknowledgement", message.language,
                            compose.context_for(s, s.get(OutboxMessage, message.id), settings))
        mail = BytesParser(policy=email.policy.default).parsebytes(raw.replace(b"\r\n", b"\n"))
        assert mail["From"].addresses[0].addr_spec == settings.mail_from
        assert mail["To"].addresses[0].addr_spec == "requests@misd.example.kz"
        assert mail["Subject"] == notice.subject
        assert mail["Message-ID"] == f"<{message.message_id}@docket>"
        assert mail["X-Docket-Message-Id"] == message.message_id
        assert mail["X-Docket-Notice"] == "acknowledgement"
        assert mail["Date"].datetime is not None
        # The notice, and the receipt of its request:received (tests/notices/test_worker.py).
        assert mail.get_content_type() == "multipart/mixed"
        body, receipt = mail.iter_parts()
        assert receipt.get_filename() == f"receipt-request-{message.context['request_id']}.json"
        assert body.get_content_type() == "multipart/alternative"
        parts = list(body.iter_parts())
        assert [(p.get_content_type(), p.get_content_charset()) for p in parts] == [
            ("text/plain", "utf-8"), ("text/html", "utf-8")]
        assert [p.get_content() for p in parts] == [notice.text, notice.html]
        assert raw.isascii() and all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert "Запрос" in BytesParser(policy=email.policy.default).parsebytes(files[messages[1].id])["Subject"]


def test_a_round_reads_the_requests_of_all_its_acknowledgements_in_one_query(
    client, kz_ministry_with_email, file_worker, sessions, settings, engine
) -> None:
    post_requests(client, kz_ministry_with_email, ["en", "ru", "kk", "de", "tr", "en"])
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", seen)
    try:
        assert file_worker.run_once() == 6
    finally:
        sa_event.remove(engine, "before_cursor_execute", seen)
    assert len([s for s in statements if re.search(r"\bFROM requests\b", s)]) == 1
    assert {m.status for m in acknowledgements(sessions)} == {"sent"}
    assert len(eml_files(settings)) == 6


def acknowledge(session, *, request_id: int, to: str) -> None:
    """One more acknowledgement of ``request_id``, as intake writes them."""
    outbox.enqueue_email(session=session, kind="acknowledgement", to=to, language="en",
                         context={"request_id": request_id, "status": "open", "missing": []},
                         subject=f"request:{request_id}")


def test_an_acknowledgement_of_a_missing_request_is_dead_and_the_round_goes_on(
    client, kz_ministry_with_email, file_worker, sessions, settings
) -> None:
    [first, second] = post_requests(client, kz_ministry_with_email, ["en", "ru"])
    with transaction(sessions) as s:
        acknowledge(s, request_id=second + 1000, to="requests@misd.example.kz")
    assert file_worker.run_once() == 3
    statuses = {m.context["request_id"]: (m.status, m.last_error) for m in acknowledgements(sessions)}
    assert statuses[first] == ("sent", None) and statuses[second] == ("sent", None)
    status, error = statuses[second + 1000]
    assert status == "dead" and f"Request {second + 1000} not found" in error
    assert len(eml_files(settings)) == 2


@pytest.mark.parametrize("recipient", ["requests@misd.example.kz\r\nBcc: x@evil.example",
                                       "requests@misd.example.kz\nBcc: x@evil.example",
                                       "not an address"])  # (NUL: PostgreSQL stores no such text)
def test_a_recipient_that_is_not_one_address_is_dead_and_nothing_goes_out(
    client, kz_ministry_with_email, app, settings, sessions, smtp, recipient
) -> None:
    [request_id] = post_requests(client, kz_ministry_with_email, ["en"])
    with transaction(sessions) as s:
        acknowledge(s, request_id=request_id, to=recipient)
    for live in (settings, settings.model_copy(update={"smtp_url": smtp.url})):  # .eml, then SMTP
        with transaction(sessions) as s:  # every message due again, the good one too
            s.execute(update(OutboxMessage).values(status="pending", next_attempt_at=utcnow(),
                                                   lease_until=None, attempts=0))
        runner = OutboxWorker(app.state.sessionmaker, live)
        try:
            assert runner.run_once() == 2
        finally:
            runner.stop()
        bad = next(m for m in acknowledgements(sessions) if m.recipient == recipient)
        assert bad.status == "dead" and "address" in bad.last_error
    assert list(eml_files(settings)) == [m.id for m in acknowledgements(sessions) if m.recipient != recipient]
    assert [r.rcpt_tos for r in smtp.received] == [("requests@misd.example.kz",)]
    assert b"evil" not in smtp.received[0].raw


def test_a_sender_that_is_not_an_address_stops_the_worker_at_start(app, settings) -> None:
    # A configuration error, not any message's: nothing would be marked dead for it.
    with pytest.raises(ValueError, match="DOCKET_MAIL_FROM"):
        OutboxWorker(app.state.sessionmaker, settings.model_copy(update={"mail_from": "docket\r\nBcc: x@y"}))
    OutboxWorker(app.state.sessionmaker, settings.model_copy(update={"mail_from": "Docket <d@example.org>"})).stop()


def test_each_message_sent_leaves_one_notice_sent_event(sessions, hooks, worker) -> None:
    from docket.audit.models import Event

    ids = event(sessions, 3)
    assert worker.run_once() == 3
    assert worker.run_once() == 0  # sent messages are not taken again
    with sessions() as s:
        sent = s.execute(select(Event).where(Event.action == "notice:sent").order_by(Event.seq)).scalars().all()
        assert [e.payload["outbox"] for e in sent] == ids
        assert all(e.payload["channel"] == "webhook" and e.payload["kind"] == "decision.made"
                   and e.payload["attempts"] == 1 and e.actor == "system:outbox" for e in sent)
        assert [m.status for m in s.execute(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).scalars()] \
            == ["sent"] * 3


# ------------------------------------------------------------ e-mails over SMTP


def test_a_round_sends_its_emails_over_one_smtp_connection(
    client, kz_ministry_with_email, worker, smtp, sessions
) -> None:
    post_requests(client, kz_ministry_with_email, ["en", "ru", "kk", "de"])
    assert worker.run_once() == 4
    assert len(smtp.wait_for(4)) == 4 and smtp.connections == 1
    assert {m.status for m in acknowledgements(sessions)} == {"sent"}


def test_an_email_refused_for_now_goes_again_with_the_same_message_id(
    client, kz_ministry_with_email, app, settings, smtp, sessions
) -> None:
    post_requests(client, kz_ministry_with_email, ["en", "ru"])
    worker, clock = on_a_clock(app, settings, smtp)
    smtp.fail_next(1)  # 451 on the first e-mail's DATA; the second goes through
    assert worker.run_once() == 2
    first, second = acknowledgements(sessions)
    assert (first.status, second.status) == ("pending", "sent") and "451" in first.last_error
    assert worker.run_once() == 0  # it waits for its backoff…
    clock.advance(settings.outbox_backoff_seconds)
    assert worker.run_once() == 1  # …and goes again then
    worker.stop()
    assert row(sessions, first.id).status == "sent"
    assert [item.message_id for item in smtp.refused] == [f"<{first.message_id}@docket>"]
    assert smtp.message_ids == [f"<{second.message_id}@docket>", f"<{first.message_id}@docket>"]


def test_a_round_that_outlasts_its_lease_leaves_the_rest_to_the_worker_that_took_over(
    client, kz_ministry_with_email, app, settings, smtp, sessions
) -> None:
    from docket.audit.models import Event

    post_requests(client, kz_ministry_with_email, ["en", "ru", "kk"])
    clock = FakeClock()
    live = settings.model_copy(update={"smtp_url": smtp.url, "outbox_lease_seconds": 60})
    slow, other = (OutboxWorker(app.state.sessionmaker, live, clock=clock) for _ in range(2))
    smtp.stall(after=0)  # the server takes the slow worker's first e-mail and never says so
    round_ = threading.Thread(target=slow.run_once)
    round_.start()
    try:
        smtp.wait_stalled(timeout=30)
        assert other.run_once() == 0  # all three are leased to the slow worker
        clock.advance(61)  # its lease has run out: the other worker takes all three
        assert other.run_once() == 3
    finally:
        smtp.release()  # the slow worker hears "250" at last, and its round goes on
        round_.join(30)
    first, second, third = acknowledgements(sessions)
    # The first e-mail was in flight when the lease ran out: it went twice. The slow worker
    # sent nothing after it, or the other two would have gone twice too.
    assert sorted(smtp.message_ids) == sorted(
        f"<{m.message_id}@docket>" for m in (first, first, second, third))
    assert {m.status for m in (first, second, third)} == {"sent"}
    with sessions() as s:
        marked = s.execute(select(Event.payload).where(Event.action == "notice:sent")).scalars()
        assert sorted(event["outbox"] for event in marked) == [first.id, second.id, third.id]
