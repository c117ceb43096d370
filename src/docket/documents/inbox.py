"""The inbox: documents received through a channel that does not say which request they
are — a letter uploaded as is through the API or the console, text pasted on the console,
an e-mail taken from the mailbox — each stored as a document of no request, with an
:class:`~docket.documents.models.InboxEntry` that says how it came and what became of it.

Every channel stores with :func:`receive` (one ``document:received`` event); a person
dismisses an entry with :func:`dismiss` (``document:dismissed``). Turning an entry into a
request (its extraction, a draft a person confirms) builds on the same entry: it moves
``unprocessed`` → ``draft`` → ``confirmed`` and sets the request's id.

Events name the document (``document:<id>``), never the sender, the subject or the file
name, which name people."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.parser import BytesParser
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docket import audit
from docket.documents import detect
from docket.documents.models import Channel, Document, InboxEntry, InboxStatus
from docket.documents.service import Upload, facts
from docket.documents.storage import Blobs
from docket.errors import Conflict, NotFound, Unprocessable
from docket.settings import Settings
from docket.store import rowcount, utcnow

OPEN = (InboxStatus.unprocessed, InboxStatus.draft)
REASON_MAX = 2000
SENDER_MAX = 320
SUBJECT_MAX = 500
MESSAGE_ID_MAX = 500
TEXT_SHOWN = 100_000  # characters of a letter's text shown on its page


def subject_of(document_id: int) -> str:
    """The audit subject of an inbox document."""
    return f"document:{document_id}"


def by_message_id(*, session: Session, message_id: str) -> InboxEntry | None:
    """The entry stored for an e-mail's Message-ID (or ``sha256:`` key), if any."""
    return session.execute(select(InboxEntry).where(InboxEntry.message_id == message_id)).scalar_one_or_none()


def receive(*, session: Session, settings: Settings, upload: Upload, channel: Channel, actor: str,
            submitter_id: int | None = None, user_id: int | None = None, sender: str | None = None,
            subject: str | None = None, message_id: str | None = None) -> tuple[InboxEntry, bool]:
    """Store ``upload`` as a document of no request with its inbox entry and its
    ``document:received`` event, in the caller's transaction: ``(entry, True)``. With a
    ``message_id`` already stored, nothing is stored: ``(that entry, False)`` — the same
    message taken twice (a retry, two pollers) is one document."""
    if upload.media_type == detect.EML:  # a letter by e-mail: its sender and subject, however it came
        said = headers_of(upload.data)
        sender, subject = sender or said.get("from"), subject or said.get("subject")
    if message_id is not None:
        message_id = message_id[:MESSAGE_ID_MAX]
        found = by_message_id(session=session, message_id=message_id)
        if found is not None:
            return found, False
    Blobs.of(settings).put(session, sha256=upload.sha256, data=upload.data)
    document = Document(request_id=None, kind=upload.kind, language=upload.language, filename=upload.filename,
                        size=upload.size, sha256=upload.sha256, media_type=upload.media_type, uploaded_by=actor)
    try:
        # A savepoint: another poller that stored the same Message-ID between the look-up
        # above and this insert (the unique index) undoes only this document.
        with session.begin_nested():
            session.add(document)
            session.flush()
            entry = InboxEntry(document_id=document.id, channel=channel, submitter_id=submitter_id, user_id=user_id,
                               sender=_clip(sender, SENDER_MAX), subject=_clip(subject, SUBJECT_MAX),
                               message_id=message_id, status=InboxStatus.unprocessed, received_at=utcnow())
            session.add(entry)
            session.flush()
    except IntegrityError:
        if message_id is None:
            raise
        found = by_message_id(session=session, message_id=message_id)
        if found is None:
            raise
        return found, False
    audit.record(session=session, actor=actor, action="document:received", subject=subject_of(document.id),
                 payload={"channel": channel.value, **facts(document)})
    return entry, True


def headers_of(raw: bytes) -> dict[str, str]:
    """An e-mail's From, Subject and Message-ID as it gives them (encoded words decoded),
    for the inbox's list; a header that cannot be read is left out, never an error."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    except Exception:  # a message is stored whatever its headers look like
        return {}
    found = {}
    for name in ("from", "subject", "message-id"):
        try:
            value = message.get(name)
        except Exception:  # a malformed header: the e-mail package raises what it likes
            value = None
        text = " ".join(str(value).split()) if value is not None else ""
        if text:
            found[name] = text
    return found


def readable_text(data: bytes, media_type: str, limit: int = TEXT_SHOWN) -> str | None:
    """The text a person reads of a plain-text document, or of an e-mail (its plain-text
    part), at most ``limit`` characters; None for other types, or an e-mail without one.
    Only ever shown as text (escaped), never as markup."""
    if media_type == detect.TEXT:
        return data.decode("utf-8", "replace")[:limit]
    if media_type != detect.EML:
        return None
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else None
    except Exception:  # a malformed message: read it as a file instead
        return None
    return text[:limit] if isinstance(text, str) else None


def get(*, session: Session, document_id: int) -> InboxEntry:
    """The inbox entry of document ``document_id``; a 404 for a document that did not come
    through the inbox (a request's own documents are listed with the request)."""
    found = session.get(InboxEntry, document_id)
    if found is None:
        raise NotFound(f"document {document_id} did not come through the inbox")
    return found


def listing(*, session: Session, statuses: tuple[InboxStatus, ...] = OPEN,
            limit: int = 200) -> list[tuple[InboxEntry, Document]]:
    """Entries in ``statuses`` with their documents, oldest first (the order they are worked in)."""
    query = (select(InboxEntry, Document).join(Document, Document.id == InboxEntry.document_id)
             .where(InboxEntry.status.in_([s.value for s in statuses]))
             .order_by(InboxEntry.received_at, InboxEntry.document_id).limit(limit))
    return [(entry, document) for entry, document in session.execute(query)]


def counts(*, session: Session) -> dict[str, int]:
    """How many entries are in each status."""
    rows = session.execute(select(InboxEntry.status, func.count()).group_by(InboxEntry.status))
    return {str(status): int(number) for status, number in rows}


def dismiss(*, session: Session, document_id: int, user_id: int, reason: str | None, actor: str,
            now: dt.datetime | None = None) -> InboxEntry:
    """Dismiss an open entry (not a request: spam, a duplicate, out of scope) with the
    reason, and its ``document:dismissed`` event; 422 without a reason, 409 when it is
    confirmed or dismissed already."""
    reason = (reason or "").strip()
    if not reason:
        raise Unprocessable("say why the document is dismissed",
                            errors=[{"field": "reason", "message": "a reason is required"}])
    if len(reason) > REASON_MAX:
        raise Unprocessable(f"the reason is longer than {REASON_MAX} characters",
                            errors=[{"field": "reason", "message": f"at most {REASON_MAX} characters"}])
    entry = get(session=session, document_id=document_id)
    now = now or utcnow()
    # Conditional on the status: two people dismissing (or one confirming) at once, only
    # the first moves it.
    moved = rowcount(session.execute(
        update(InboxEntry).where(InboxEntry.document_id == document_id,
                                 InboxEntry.status.in_([s.value for s in OPEN]))
        .values(status=InboxStatus.dismissed, dismissed_reason=reason, dismissed_by=user_id, dismissed_at=now)
        .execution_options(synchronize_session=False)))
    if moved != 1:
        session.refresh(entry)
        raise Conflict(f"document {document_id} is {entry.status} already; only an open entry is dismissed")
    session.refresh(entry)
    audit.record(session=session, actor=actor, action="document:dismissed", subject=subject_of(document_id),
                 payload={"reason": reason})
    return entry


def as_dict(entry: InboxEntry) -> dict[str, Any]:
    """An entry as the CLI prints it."""
    return {"id": entry.document_id, "channel": str(entry.channel), "status": str(entry.status),
            "sender": entry.sender, "subject": entry.subject, "received_at": entry.received_at.isoformat()}


def _clip(value: str | None, limit: int) -> str | None:
    value = " ".join((value or "").split())
    return value[:limit] or None
