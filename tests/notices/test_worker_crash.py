"""A real ``docket worker`` process killed with SIGKILL in the middle of a round, then
started again: what the SMTP server received, and what the outbox says."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from docket.audit.models import Event
from docket.outbox.models import OutboxMessage, OutboxStatus
from tests.conftest import SECRET
from tests.helpers import docket_command
from tests.notices.test_worker import post_requests

pytestmark = pytest.mark.slow

MESSAGES = 45  # three rounds of 20 (a worker's batch), the last one short
STALLED = 25  # accepted before the worker hangs: five into its second round


@pytest.fixture
def worker_env(database_url, smtp) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(DOCKET_DATABASE_URL=database_url, DOCKET_SECRET_KEY=SECRET, DOCKET_SMTP_URL=smtp.url,
               DOCKET_BASE_URL="http://testserver",
               # What the killed worker leased is taken again 3 s after its last claim;
               # its successor checks every 0.2 s.
               DOCKET_OUTBOX_LEASE_SECONDS="3", DOCKET_OUTBOX_POLL_SECONDS="0.2")
    return env


def start_worker(env: dict[str, str], cwd) -> subprocess.Popen[bytes]:
    return subprocess.Popen(docket_command("worker"), env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def sent(sessions) -> int:
    with sessions() as s:
        return s.execute(select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.status == OutboxStatus.sent)).scalar_one()


@pytest.mark.parametrize("accepted", [True, False], ids=["in-flight-accepted", "in-flight-lost"])
def test_a_worker_killed_mid_round_sends_again_at_most_the_message_in_flight(
    client, kz_ministry_with_email, sessions, smtp, worker_env, tmp_path, accepted
) -> None:
    post_requests(client, kz_ministry_with_email, ["en"] * MESSAGES)  # one acknowledgement each
    # The worker hangs on the 26th e-mail: the server has it (``accepted``) or not, and the
    # worker never hears back. It dies there, as a worker does in a crash or an OOM kill.
    smtp.stall(after=STALLED, accept=accepted)
    first = start_worker(worker_env, tmp_path)
    try:
        smtp.wait_stalled(timeout=90)
    finally:
        first.kill()
        _, errors = first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL, errors.decode()
    smtp.release()

    second = start_worker(worker_env, tmp_path)
    try:
        deadline = time.monotonic() + 90
        while sent(sessions) < MESSAGES:
            assert second.poll() is None, second.communicate()[1].decode()
            assert time.monotonic() < deadline, f"{sent(sessions)} of {MESSAGES} sent"
            time.sleep(0.1)
    finally:
        second.send_signal(signal.SIGINT)
        second.communicate(timeout=30)

    ids = smtp.message_ids
    with sessions() as s:
        rows = s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        events = list(s.execute(select(Event.payload).where(Event.action == "notice:sent"))
                      .scalars())
    # Each e-mail arrived with the Message-ID its outbox row was given when it was written.
    assert set(ids) == {f"<{row.message_id}@docket>" for row in rows} and len(rows) == MESSAGES
    twice = sorted(message_id for message_id, n in Counter(ids).items() if n > 1)
    # Only the e-mail in flight when the worker died can arrive twice, and only if the
    # server had taken it: every other one was marked sent as soon as it was accepted.
    assert twice == ([ids[STALLED]] if accepted else []), (
        f"{len(twice)} e-mails arrived twice, expected {int(accepted)}")
    assert len(ids) == MESSAGES + int(accepted)
    # One notice:sent event per message; the one in flight was claimed again.
    assert sorted(event["outbox"] for event in events) == [row.id for row in rows]
    assert rows[STALLED].attempts >= 2
