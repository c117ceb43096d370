"""The mailbox channel against a real IMAP server (Dovecot on loopback, tests/documents/
imap_server.py): every message is taken once, whole, as an .eml document in the inbox;
it is marked taken on the server only after it is stored, so a crash in between loses
nothing and stores nothing twice; a message over the limit stays on the server; a server
whose certificate is not trusted, or that refuses the login, is an error that says so."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from docket.audit.models import Event
from docket.documents import mailbox
from docket.documents.models import Document, InboxEntry
from docket.documents.service import content
from docket.settings import Settings
from tests.documents.imap_server import PASSWORD, ImapServer, running
from tests.helpers import docket_command

pytestmark = pytest.mark.slow

KZ_LETTER = (
    "From: =?utf-8?b?0JzQuNC90LjRgdGC0LXRgNGB0YLQstC+?= <info@mib.gov.example>\r\n"
    "To: letters@docket.test\r\n"
    "Subject: =?utf-8?b?0KLRi9C50YvQvCDRgdCw0LvRgyDRgtGD0YDQsNC70Ysg?= / Request to restrict access\r\n"
    "Message-ID: <2026-12-03.17@mib.gov.example>\r\n"
    "Date: Thu, 03 Dec 2026 09:12:00 +0500\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Құрметті әріптестер! Dear colleagues,\r\n"
    "please restrict hxxps://social[.]example/@aidos/1001 in Kazakhstan.\r\n"
).encode()
NO_MESSAGE_ID = (b"From: clerk@court.example\r\nTo: letters@docket.test\r\nSubject: Beschluss 27 O 123/26\r\n"
                 b"Date: Thu, 03 Dec 2026 10:00:00 +0100\r\n\r\nDer Beschluss folgt.\r\n")


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with running() as server:
        yield server


def mail_settings(settings: Settings, server: ImapServer, **changes: Any) -> Settings:
    return settings.model_copy(update={"mail_imap_url": server.url, "mail_imap_password": PASSWORD,
                                       "mail_imap_ca_file": str(server.ca_file), **changes})


def stored(sessions: Any) -> list[tuple[InboxEntry, Document]]:
    with sessions() as s:
        query = select(InboxEntry, Document).join(Document, Document.id == InboxEntry.document_id)
        return [(e, d) for e, d in s.execute(query.order_by(InboxEntry.document_id))]


def received_events(sessions: Any) -> int:
    with sessions() as s:
        return int(s.execute(select(func.count()).select_from(Event)
                             .where(Event.action == "document:received")).scalar_one())


def test_a_poll_takes_each_message_once_whole_and_marks_it(sessions: Any, settings: Settings,
                                                           imap: ImapServer) -> None:
    imap.deliver(KZ_LETTER, NO_MESSAGE_ID)
    config = mail_settings(settings, imap)
    first = mailbox.poll(sessions, config)
    assert len(first.stored) == 2 and first.already == 0 and first.too_large == []
    rows = stored(sessions)
    assert [(e.channel, e.status, d.request_id, d.media_type) for e, d in rows] == [
        ("mail", "unprocessed", None, "message/rfc822")] * 2
    kz, court = rows[0][0], rows[1][0]
    assert kz.sender == "Министерство <info@mib.gov.example>"
    assert kz.subject is not None and kz.subject.startswith("Тыйым салу туралы")
    assert kz.message_id == "<2026-12-03.17@mib.gov.example>"
    assert court.message_id is not None and court.message_id.startswith("sha256:")
    with sessions() as s:
        assert content(session=s, settings=config, document=rows[0][1]) == KZ_LETTER  # the message whole
    assert imap.flags() == [{"$DocketTaken", "\\Seen"}] * 2
    again = mailbox.poll(sessions, config)
    assert (again.stored, again.already) == ([], 0)
    assert len(stored(sessions)) == 2 and received_events(sessions) == 2


def test_starttls_works_too(sessions: Any, settings: Settings, imap: ImapServer) -> None:
    imap.deliver(KZ_LETTER)
    taken = mailbox.poll(sessions, mail_settings(settings, imap, mail_imap_url=imap.starttls_url))
    assert len(taken.stored) == 1 and imap.flags() == [{"$DocketTaken", "\\Seen"}]
    with pytest.raises(mailbox.MailboxError, match="is not trusted"):  # verified after STARTTLS too
        mailbox.poll(sessions, mail_settings(settings, imap, mail_imap_url=imap.starttls_url,
                                             mail_imap_ca_file=str(imap.other_ca_file)))


def test_a_crash_between_storing_and_marking_stores_nothing_twice(sessions: Any, settings: Settings,
                                                                  imap: ImapServer) -> None:
    imap.deliver(KZ_LETTER, NO_MESSAGE_ID)
    config = mail_settings(settings, imap)
    mailbox.poll(sessions, config)
    # What a crash after the commit and before the marks leaves: stored, unmarked on the server.
    imap.unmark("$DocketTaken \\Seen")
    assert imap.flags() == [set(), set()]
    after = mailbox.poll(sessions, config)
    assert (after.stored, after.already) == ([], 2)
    assert len(stored(sessions)) == 2 and received_events(sessions) == 2
    assert imap.flags() == [{"$DocketTaken", "\\Seen"}] * 2


def test_a_message_over_the_limit_stays_on_the_server_reported_once(sessions: Any, settings: Settings,
                                                                    imap: ImapServer) -> None:
    big = NO_MESSAGE_ID + b"x" * 5000 + b"\r\n"
    imap.deliver(big, KZ_LETTER)
    config = mail_settings(settings, imap, document_max_bytes=2000)
    first = mailbox.poll(sessions, config)
    assert len(first.stored) == 1
    [report] = first.too_large
    assert report["size"] == len(big) and report["subject"] == "Beschluss 27 O 123/26"
    assert report["from"] == "clerk@court.example"
    assert imap.flags() == [{"$DocketTooLarge"}, {"$DocketTaken", "\\Seen"}]  # unread, left where it is
    assert mailbox.poll(sessions, config).too_large == []
    # Taken once the limit allows it and the keyword is removed.
    imap.unmark("$DocketTooLarge")
    later = mailbox.poll(sessions, config.model_copy(update={"document_max_bytes": 20_000}))
    assert len(later.stored) == 1 and len(stored(sessions)) == 2


def test_a_message_that_cannot_be_stored_stays_for_the_next_poll(sessions: Any, settings: Settings,
                                                                 imap: ImapServer, tmp_path: Any) -> None:
    imap.deliver(KZ_LETTER, NO_MESSAGE_ID)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    failing = mail_settings(settings, imap, document_dir=str(blocked / "documents"))
    first = mailbox.poll(sessions, failing)
    assert first.stored == [] and len(first.failed) == 2  # each tried; neither marked
    assert first.failed[1]["subject"] == "Beschluss 27 O 123/26" and "Error" in first.failed[1]["problem"]
    assert stored(sessions) == [] and imap.flags() == [set(), set()]
    later = mailbox.poll(sessions, mail_settings(settings, imap))
    assert len(later.stored) == 2 and later.failed == []


def test_a_server_whose_certificate_is_not_trusted_is_refused(sessions: Any, settings: Settings,
                                                              imap: ImapServer) -> None:
    imap.deliver(KZ_LETTER)
    for ca_file in (str(imap.other_ca_file), None):  # another CA; the system's CAs
        with pytest.raises(mailbox.MailboxError, match="is not trusted.*DOCKET_MAIL_IMAP_CA_FILE"):
            mailbox.poll(sessions, mail_settings(settings, imap, mail_imap_ca_file=ca_file))
    assert stored(sessions) == [] and imap.flags() == [set()]


def test_a_refused_login_says_so(sessions: Any, settings: Settings, imap: ImapServer) -> None:
    imap.deliver(KZ_LETTER)
    with pytest.raises(mailbox.MailboxError, match="refused the login of 'letters@docket.test'"):
        mailbox.poll(sessions, mail_settings(settings, imap, mail_imap_password="not the password"))
    assert stored(sessions) == [] and imap.flags() == [set()]


def test_a_missing_folder_or_an_unreachable_server_says_so(sessions: Any, settings: Settings,
                                                           imap: ImapServer) -> None:
    missing = imap.url.replace("/INBOX", "/Letters")
    with pytest.raises(mailbox.MailboxError, match="'Letters' cannot be opened"):
        mailbox.poll(sessions, mail_settings(settings, imap, mail_imap_url=missing))
    closed = imap.url.replace(f":{imap.port}/", ":1/")
    with pytest.raises(mailbox.MailboxError, match="could not connect to the mailbox"):
        mailbox.poll(sessions, mail_settings(settings, imap, mail_imap_url=closed))


def _cli(imap: ImapServer, database_url: str, tmp_path: Any, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    password_file = tmp_path / "imap-password"
    password_file.write_text(PASSWORD + "\n")
    settings = {"DOCKET_DATABASE_URL": database_url, "DOCKET_MAIL_IMAP_URL": imap.url,
                "DOCKET_MAIL_IMAP_PASSWORD_FILE": str(password_file), "DOCKET_MAIL_IMAP_CA_FILE": str(imap.ca_file)}
    return subprocess.run(docket_command("mail", "poll", "--json"), env={**base, **settings, **env},
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_docket_mail_poll(sessions: Any, database_url: str, imap: ImapServer, tmp_path: Any) -> None:
    imap.deliver(KZ_LETTER)
    done = _cli(imap, database_url, tmp_path)
    assert done.returncode == 0, done.stderr
    import json

    answer = json.loads(done.stdout)
    assert answer["stored"] == 1 and answer["mailbox"].startswith("letters@docket.test@localhost:")
    assert [e.document_id for e, _ in stored(sessions)] == answer["documents"]
    refused = _cli(imap, database_url, tmp_path, DOCKET_MAIL_IMAP_PASSWORD="wrong password")
    assert refused.returncode == 1
    assert "refused the login" in json.loads(refused.stdout)["error"]
