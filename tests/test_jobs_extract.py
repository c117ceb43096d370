"""The inbox's documents read into drafts by the worker: an app that runs the worker (its
lifespan starts the job beside the outbox worker) reads a letter sent to the inbox within
seconds, never while answering the call that sent it; with DOCKET_EXTRACT_POLL_SECONDS=0
nothing is read until ``docket inbox extract``."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from docket.app import create_app
from docket.jobs import ExtractJobs
from tests.intake.drafting import email, entry, send


def _app(settings: Any, engine: Any, **changes: Any) -> Any:
    app = create_app(settings.model_copy(update=changes), engine=engine)
    app.state.owns_engine = False
    return app


def test_the_worker_reads_a_new_letter_into_a_draft_within_seconds(settings: Any, engine: Any, sessions: Any,
                                                                   kz_ministry: Any) -> None:
    with TestClient(_app(settings, engine, run_worker=True, extract_poll_seconds=1)) as running:
        sent = send(running, kz_ministry, email(), "order.eml", "message/rfc822")
        assert entry(sessions, sent).status == "unprocessed"  # the call that sent it read nothing
        deadline = time.monotonic() + 30
        while entry(sessions, sent).status != "draft" and time.monotonic() < deadline:
            time.sleep(0.2)
    assert entry(sessions, sent).status == "draft"


def test_no_rounds_when_turned_off(settings: Any, engine: Any, sessions: Any, kz_ministry: Any) -> None:
    jobs = ExtractJobs(sessions, settings.model_copy(update={"extract_poll_seconds": 0}))
    jobs.start()  # interval 0: no thread, no rounds
    with TestClient(_app(settings, engine)) as running:  # run_worker=False: no job at all
        sent = send(running, kz_ministry, email(), "order.eml", "message/rfc822")
        time.sleep(1.5)
        assert entry(sessions, sent).status == "unprocessed"
    assert jobs.run_once() == 1 and entry(sessions, sent).status == "draft"
    jobs.stop()
