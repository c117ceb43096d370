"""The mailbox in ``docket serve``'s jobs: with DOCKET_MAIL_IMAP_URL set, a running app
(its lifespan starts the job) takes new letters from a real IMAP server (Dovecot on
loopback, tests/documents/imap_server.py) into the inbox every DOCKET_MAIL_POLL_SECONDS;
a mailbox it cannot read is logged, and the app goes on."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from docket.app import create_app
from docket.documents.models import InboxEntry
from docket.settings import Settings
from tests.documents.imap_server import PASSWORD, ImapServer, running

pytestmark = pytest.mark.slow

LETTER = (b"From: Prokuratura <office@prokuratura.example>\r\nTo: letters@docket.test\r\n"
          b"Subject: Request 9\r\nMessage-ID: <9@prokuratura.example>\r\n\r\nPlease restrict.\r\n")


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with running() as server:
        yield server


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def in_inbox(sessions: Any) -> int:
    with sessions() as s:
        return int(s.execute(select(func.count()).select_from(InboxEntry)).scalar_one())


@contextmanager
def serving(settings: Settings, engine: Any, imap: ImapServer, **overrides: Any) -> Iterator[TestClient]:
    live = settings.model_copy(update={"mail_imap_url": imap.url, "mail_imap_password": PASSWORD,
                                       "mail_imap_ca_file": str(imap.ca_file), "mail_poll_seconds": 1, **overrides})
    app = create_app(live, engine=engine)
    app.state.owns_engine = False
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_serve_polls_the_mailbox(settings: Settings, engine: Any, sessions: Any, imap: ImapServer) -> None:
    imap.deliver(LETTER)
    with serving(settings, engine, imap):
        wait_for(lambda: in_inbox(sessions) == 1)
        imap.deliver(LETTER.replace(b"<9@", b"<10@"))
        wait_for(lambda: in_inbox(sessions) == 2)
    assert imap.flags() == [{"$DocketTaken", "\\Seen"}] * 2


def test_a_mailbox_it_cannot_read_is_logged_and_serve_goes_on(settings: Settings, engine: Any, sessions: Any,
                                                              imap: ImapServer,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    imap.deliver(LETTER)
    with caplog.at_level(logging.ERROR, logger="docket.jobs"), \
            serving(settings, engine, imap, mail_imap_password="wrong") as client:
        wait_for(lambda: any("refused the login" in r.getMessage() for r in caplog.records))
        assert client.get("/healthz").status_code == 200
    assert in_inbox(sessions) == 0 and imap.flags() == [set()]

