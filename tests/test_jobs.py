"""The verifiable log in ``docket serve``'s jobs: committed events are sealed into the tree
shortly after they commit, and checkpoints signed at most every DOCKET_CHECKPOINT_SECONDS
when the log grew, through a running app (its lifespan starts the job), on both engines."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from docket import audit
from docket.app import create_app
from docket.audit.log_models import LogCheckpoint, LogLeaf
from docket.audit.models import Event
from docket.jobs import Periodic
from docket.log.checkpoint import open_checkpoint
from docket.log.note import Signer
from docket.settings import Settings, SettingsError
from docket.store import transaction
from tests.helpers import tampering

ORIGIN = "docket.test/log"
METRICS_TOKEN = "metrics-token-0123456789-0123456789-abc"


def record(sessions: Any, count: int, start: int = 0) -> None:
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i}) for i in range(start, start + count)])


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def leaves(sessions: Any) -> list[tuple[int, int]]:
    with sessions() as s:
        return [tuple(row) for row in s.execute(select(LogLeaf.idx, LogLeaf.seq).order_by(LogLeaf.idx))]


def checkpoints(sessions: Any) -> list[int]:
    with sessions() as s:
        return list(s.scalars(select(LogCheckpoint.size).order_by(LogCheckpoint.size)))


@pytest.fixture
def signer() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture
def serve(settings: Settings, engine: Any, sessions: Any, tmp_path: Path,
          signer: Signer) -> Iterator[Callable[..., Any]]:
    """serve(key=True, **settings) → a running app (a TestClient with its lifespan) whose
    log job runs every 50 ms."""
    key = tmp_path / "log.key"
    key.write_text(signer.key + "\n")

    @contextmanager
    def start(key_file: bool = True, **overrides: Any) -> Iterator[TestClient]:
        live = Settings(**{**settings.model_dump(), "log_seal_seconds": 0.05, "metrics_token": METRICS_TOKEN,
                           "log_key_file": str(key) if key_file else None, **overrides})
        app = create_app(live, engine=engine)
        app.state.owns_engine = False
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client

    yield start


def test_committed_events_become_leaves_and_a_checkpoint_is_signed(serve: Any, sessions: Any,
                                                                   signer: Signer) -> None:
    with serve(checkpoint_seconds=1) as client:
        record(sessions, 3)
        wait_for(lambda: checkpoints(sessions) == [3])
        first = open_checkpoint(client.get("/api/v1/log/checkpoint").content, signer.verifier)
        assert first.size == 3 and client.get("/healthz").json()["log_signing"] is True
        record(sessions, 4, start=3)
        wait_for(lambda: checkpoints(sessions) == [3, 7])  # the next one, a second later at the soonest
        latest = open_checkpoint(client.get("/api/v1/log/checkpoint").content, signer.verifier)
        assert latest.size == 7
        assert client.get("/api/v1/log/checkpoints/3").content.decode().startswith(f"{ORIGIN}\n3\n")
    assert leaves(sessions) == [(i, i + 1) for i in range(7)]


def test_no_checkpoint_before_the_interval_even_as_the_log_grows(serve: Any, sessions: Any) -> None:
    with serve(checkpoint_seconds=3600) as client:
        record(sessions, 2)
        wait_for(lambda: checkpoints(sessions) == [2])
        record(sessions, 5, start=2)
        wait_for(lambda: len(leaves(sessions)) == 7)  # sealed at once...
        time.sleep(0.5)  # ten more rounds, each of which could have signed
        assert client.get("/api/v1/log/checkpoint").text.split("\n")[1] == "2"
    assert checkpoints(sessions) == [2]  # ...but not signed again within the hour


def test_without_a_key_the_log_is_sealed_unsigned_and_says_so(serve: Any, sessions: Any,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="docket"), serve(key_file=False) as client:
        record(sessions, 4)
        wait_for(lambda: len(leaves(sessions)) == 4)
        assert client.get("/api/v1/log/checkpoint").status_code == 404
        assert client.get("/api/v1/log/key").status_code == 404
        assert client.get("/healthz").json()["log_signing"] is False
        assert client.get("/api/v1/log/leaves", params={"start": 0, "end": 4}).status_code == 200
        metrics = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    assert "docket_log_signing 0.0" in metrics and "docket_log_tree_size 4.0" in metrics
    said = [r for r in caplog.records if "DOCKET_LOG_KEY_FILE is not set" in r.getMessage()]
    assert len(said) == 1
    assert checkpoints(sessions) == []


def test_a_failing_seal_is_counted_and_retried_and_never_fails_a_request(serve: Any, sessions: Any) -> None:
    record(sessions, 5)
    with tampering(sessions) as s:
        s.execute(delete(Event).where(Event.seq == 3))  # a gap: the sealer refuses to seal around it
    with serve() as client:
        def failures() -> float:
            text = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
            line = next(x for x in text.splitlines() if x.startswith('docket_log_job_failures_total{step="seal"}'))
            return float(line.split()[-1])

        wait_for(lambda: failures() >= 2)  # retried every round
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/catalog/jurisdictions").status_code == 200
        metrics = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
        assert "docket_log_unsealed_events 5.0" in metrics
    assert leaves(sessions) == []


def test_two_processes_seal_each_event_once_and_sign_at_most_once_per_interval(
        serve: Any, sessions: Any, signer: Signer) -> None:
    with serve(checkpoint_seconds=1) as one, serve(checkpoint_seconds=1):
        for i in range(6):
            record(sessions, 5, start=5 * i)
            one.app.state.log_jobs.wake()
        wait_for(lambda: len(leaves(sessions)) == 30 and checkpoints(sessions)[-1:] == [30])
    assert leaves(sessions) == [(i, i + 1) for i in range(30)]
    with sessions() as s:
        signed = list(s.scalars(select(LogCheckpoint.signed_at).order_by(LogCheckpoint.size)))
    assert all((b - a).total_seconds() >= 1 for a, b in zip(signed, signed[1:], strict=False))


def test_a_key_file_that_cannot_be_read_stops_start_up(settings: Settings, engine: Any, tmp_path: Path) -> None:
    bad = tmp_path / "log.key"
    bad.write_text("PRIVATE+KEY+not-a-key\n")
    with pytest.raises(SettingsError, match="DOCKET_LOG_KEY_FILE"):
        create_app(Settings(**{**settings.model_dump(), "log_key_file": str(bad)}), engine=engine)
    with pytest.raises(SettingsError, match="cannot read"):
        create_app(Settings(**{**settings.model_dump(), "log_key_file": str(tmp_path / "missing")}), engine=engine)


class _Counting(Periodic):
    """A Periodic whose rounds are counted (``seen`` once ``until`` of them ran); the first
    ``more`` rounds say more is waiting."""

    name = "docket-test"

    def __init__(self, interval: float, *, wait_first: bool = False, more: int = 0) -> None:
        super().__init__(interval)
        self.wait_first, self.more = wait_first, more
        self.rounds, self.until = 0, 1
        self.seen = threading.Event()

    def round(self) -> bool:
        self.rounds += 1
        if self.rounds >= self.until:
            self.seen.set()
        return self.rounds <= self.more


def test_periodic_rounds_wake_wait_first_and_stop() -> None:
    """Every background job's loop (docket.jobs.Periodic): a round at start unless it waits
    first; a wake starts the next round at once; a round with more waiting is followed at
    once; stop ends the thread; an interval of 0 starts none."""
    now = _Counting(3600)
    now.start()
    assert now.seen.wait(5) and now.rounds == 1  # at start, not after an hour
    now.until = 2
    now.seen.clear()
    now.wake()
    assert now.seen.wait(5) and now.rounds == 2
    now.stop()
    assert now._thread is not None and not now._thread.is_alive()

    later = _Counting(3600, wait_first=True)
    later.start()
    assert not later.seen.wait(0.3) and later.rounds == 0  # the deadline watch waits first
    later.stop()
    assert later.rounds == 0

    backlog = _Counting(3600, more=3)
    backlog.until = 4
    backlog.start()
    assert backlog.seen.wait(5) and backlog.rounds == 4  # three with more waiting, then the last
    backlog.stop()

    off = _Counting(0)
    off.start()
    assert off._thread is None


def test_a_lost_database_connection_is_one_line_other_failures_their_trace(caplog: Any) -> None:
    """A round that lost its database connection (a restart, a failover, a fault test) is
    logged as one warning, tried again next round; any other failure with its trace."""
    from sqlalchemy.exc import DisconnectionError

    from docket.jobs import log_failure

    with caplog.at_level(logging.WARNING, logger="docket.jobs"):
        log_failure("the log's seal round failed", DisconnectionError("terminating connection\nCONTEXT: COPY"))
        log_failure("deadline check failed", ValueError("a bug"))
    lost, bug = caplog.records
    assert (lost.levelno, lost.exc_info) == (logging.WARNING, None)
    assert lost.getMessage() == "the log's seal round failed: database connection lost (terminating connection)"
    assert bug.levelno == logging.ERROR and bug.exc_info is not None and bug.getMessage() == "deadline check failed"
