"""The mailbox channel: letters that authorities send by e-mail, taken from an IMAP folder
(DOCKET_MAIL_IMAP_URL) into the inbox, each message whole as an .eml document.

Never lose a message, never store one twice:

1. messages are read with ``BODY.PEEK[]`` (reading does not mark them \\Seen);
2. each is stored — its document and inbox entry, one transaction — and committed;
3. only then is it marked taken on the server (``$DocketTaken`` and ``\\Seen``), and the
   next poll skips it.

A crash between 2 and 3 is harmless: the next poll finds the message's Message-ID stored
(a message without one: the SHA-256 of its bytes) and only marks it. A message over
DOCKET_DOCUMENT_MAX_BYTES is never downloaded: it stays on the server, unread, marked
``$DocketTooLarge`` so that it is reported once, not every poll (remove the keyword, after
raising the limit, to have it taken).

TLS only: ``imaps://`` (TLS from the start), or ``imap://…?starttls=true``; the server's
certificate is verified against the system's CAs, or DOCKET_MAIL_IMAP_CA_FILE."""

from __future__ import annotations

import hashlib
import imaplib
import logging
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from docket.documents import detect, inbox
from docket.documents.models import Channel, DocumentKind
from docket.documents.service import Upload
from docket.settings import Settings, parse_imap_url
from docket.store import transaction

log = logging.getLogger("docket.mailbox")
TAKEN = "$DocketTaken"
TOO_LARGE = "$DocketTooLarge"
ACTOR = "system:mailbox"
BATCH = 200  # messages taken per poll at most; the next poll takes the rest
TIMEOUT = 60.0  # seconds a step of the conversation with the server may take
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox cannot be polled; the message says why, for the operator, in one line."""


@dataclass(frozen=True)
class Mailbox:
    """Where to poll, from DOCKET_MAIL_IMAP_URL and the settings beside it."""

    host: str
    port: int
    user: str
    password: str
    folder: str
    starttls: bool
    ca_file: str | None

    @property
    def where(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"

    @classmethod
    def of(cls, settings: Settings) -> Mailbox:
        if not settings.mail_imap_url:
            raise MailboxError("no mailbox is configured: set DOCKET_MAIL_IMAP_URL "
                               "(imaps://user@host:993/INBOX) and DOCKET_MAIL_IMAP_PASSWORD")
        url = parse_imap_url(settings.mail_imap_url)
        password = settings.mail_imap_password or url.password
        if not password:
            raise MailboxError("DOCKET_MAIL_IMAP_PASSWORD (or DOCKET_MAIL_IMAP_PASSWORD_FILE) is not set")
        return cls(host=url.host, port=url.port, user=url.user, password=password, folder=url.folder,
                   starttls=url.starttls, ca_file=settings.mail_imap_ca_file)


@dataclass
class PollResult:
    """What one poll did."""

    stored: list[int] = field(default_factory=list)  # documents stored by this poll
    already: int = 0  # messages found stored already (a crash before marking): only marked
    too_large: list[dict[str, Any]] = field(default_factory=list)  # left on the server
    failed: list[dict[str, Any]] = field(default_factory=list)  # not stored: tried again next poll
    waiting: int = 0  # messages left for the next poll (over BATCH)

    def as_dict(self) -> dict[str, Any]:
        return {"stored": len(self.stored), "documents": self.stored, "already_stored": self.already,
                "too_large": self.too_large, "failed": self.failed, "left_for_next_poll": self.waiting}


def poll(factory: sessionmaker[Session], settings: Settings) -> PollResult:
    """Take every message not yet taken from the mailbox into the inbox (see the module's
    docstring); MailboxError when the server cannot be reached, its certificate is not
    trusted, the login is refused or the folder does not exist."""
    mailbox = Mailbox.of(settings)
    result = PollResult()
    with _session(mailbox) as imap:
        uids = _search(imap, f"UNKEYWORD {TAKEN} UNKEYWORD {TOO_LARGE}")
        result.waiting = max(0, len(uids) - BATCH)
        for uid in uids[:BATCH]:
            _take(imap, uid, factory, settings, result)
    return result


def _take(imap: imaplib.IMAP4, uid: bytes, factory: sessionmaker[Session], settings: Settings,
          result: PollResult) -> None:
    size = _size(imap, uid)
    if size is not None and size > settings.document_max_bytes:
        headers = inbox.headers_of(_fetch(imap, uid, "BODY.PEEK[HEADER]") or b"")
        result.too_large.append({"uid": int(uid), "size": size, "from": headers.get("from"),
                                 "subject": headers.get("subject")})
        log.warning("message %s (%d bytes, from %s) is larger than DOCKET_DOCUMENT_MAX_BYTES (%d): "
                    "left on the server, marked %s", uid.decode(), size, headers.get("from"),
                    settings.document_max_bytes, TOO_LARGE)
        _store_flags(imap, uid, TOO_LARGE)
        return
    raw = _fetch(imap, uid, "BODY.PEEK[]")
    if raw is None:  # expunged meanwhile by someone else
        return
    headers = inbox.headers_of(raw)
    message_id = headers.get("message-id") or f"sha256:{hashlib.sha256(raw).hexdigest()}"
    upload = Upload(data=raw, filename=detect.display_name(_file_name(headers.get("subject"))),
                    kind=DocumentKind.letter, language=None, media_type=detect.EML,
                    sha256=hashlib.sha256(raw).hexdigest())
    try:
        with transaction(factory) as session:
            entry, new = inbox.receive(session=session, settings=settings, upload=upload, channel=Channel.mail,
                                       actor=ACTOR, sender=headers.get("from"), subject=headers.get("subject"),
                                       message_id=message_id)
            document_id = entry.document_id
    except Exception as exc:  # storing this one failed (the database, the document directory):
        # it stays unmarked for the next poll, and the messages after it are still taken.
        log.error("message %s (from %s) could not be stored; the next poll tries again", uid.decode(),
                  headers.get("from"), exc_info=exc)
        result.failed.append({"uid": int(uid), "from": headers.get("from"), "subject": headers.get("subject"),
                              "problem": f"{type(exc).__name__}: {exc}"[:300]})
        return
    # Committed: only now is it marked taken (a crash before this line: the next poll
    # finds the Message-ID stored and only marks it).
    _store_flags(imap, uid, f"{TAKEN} \\Seen")
    if new:
        result.stored.append(document_id)
    else:
        result.already += 1


def open_connection(mailbox: Mailbox) -> imaplib.IMAP4:
    """A connection over TLS whose certificate and host name are verified."""
    context = ssl.create_default_context(cafile=mailbox.ca_file)
    if mailbox.starttls:
        imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)
        imap.starttls(ssl_context=context)
        return imap
    return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=context, timeout=TIMEOUT)


@contextmanager
def _session(mailbox: Mailbox) -> Iterator[imaplib.IMAP4]:
    """Connected, logged in, the folder selected (read-write); IMAP, TLS and network errors
    become a MailboxError that says which step failed."""
    step = "connect to"
    imap: imaplib.IMAP4 | None = None
    try:
        imap = open_connection(mailbox)
        step = "log in to"
        imap.login(mailbox.user, mailbox.password)
        step = "open the folder of"
        status, answer = imap.select(_quote(mailbox.folder))
        if status != "OK":
            raise MailboxError(f"the folder {mailbox.folder!r} cannot be opened on {mailbox.host}: {_said(answer)}")
        step = "read"
        yield imap
    except ssl.SSLCertVerificationError as exc:
        raise MailboxError(f"the certificate of {mailbox.host}:{mailbox.port} is not trusted ({exc.verify_message}); "
                           "set DOCKET_MAIL_IMAP_CA_FILE to the CA that signed it") from None
    except imaplib.IMAP4.error as exc:
        if step == "log in to":
            raise MailboxError(f"{mailbox.host} refused the login of {mailbox.user!r}: {_said([exc.args[0]])}; "
                               "check the user in DOCKET_MAIL_IMAP_URL and DOCKET_MAIL_IMAP_PASSWORD") from None
        raise MailboxError(f"could not {step} the mailbox {mailbox.where}: {_said([exc.args[0]])}") from None
    except (OSError, EOFError) as exc:  # TimeoutError and ssl.SSLError among them
        raise MailboxError(f"could not {step} the mailbox {mailbox.where}: {exc or type(exc).__name__}") from None
    finally:
        if imap is not None:
            with suppress(imaplib.IMAP4.error, OSError, EOFError):
                imap.logout()


def _search(imap: imaplib.IMAP4, criteria: str) -> list[bytes]:
    status, answer = imap.uid("SEARCH", criteria)
    if status != "OK":
        raise imaplib.IMAP4.error(f"SEARCH failed: {_said(answer)}")
    return [uid for line in answer if line for uid in bytes(line).split()]


def _size(imap: imaplib.IMAP4, uid: bytes) -> int | None:
    status, answer = imap.uid("FETCH", uid.decode(), "(RFC822.SIZE)")
    for part in answer if status == "OK" else []:
        found = _SIZE.search(part if isinstance(part, bytes) else part[0]) if part else None
        if found:
            return int(found.group(1))
    return None


def _fetch(imap: imaplib.IMAP4, uid: bytes, what: str) -> bytes | None:
    """The bytes of ``what`` (``BODY.PEEK[]``) of message ``uid``; None if it is gone."""
    status, answer = imap.uid("FETCH", uid.decode(), f"({what})")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH failed: {_said(answer)}")
    for part in answer:
        if isinstance(part, tuple) and _UID.search(part[0]) and len(part) > 1:
            return bytes(part[1])
    return None


def _store_flags(imap: imaplib.IMAP4, uid: bytes, flags: str) -> None:
    status, answer = imap.uid("STORE", uid.decode(), "+FLAGS.SILENT", f"({flags})")
    if status != "OK":
        raise imaplib.IMAP4.error(f"STORE failed: {_said(answer)}")


def _file_name(subject: str | None) -> str:
    stem = re.sub(r"[^\w\s.,-]+", " ", subject or "")[:80].strip()
    return f"{stem or 'message'}.eml"


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _said(answer: Any) -> str:
    parts = [p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in answer or [] if p]
    return " ".join(parts)[:300] or "no reason given"
