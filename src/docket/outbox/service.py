"""Put messages in the outbox, in the transaction of the change that causes them.

Nothing is sent from here: the notices worker (docket/notices/worker.py) delivers. What a
message says is rendered at delivery from the records its context names, so a notice held
by a gag order says what is true when it finally goes out. Callers name the kind of
message and its context; the notices package renders each kind.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from docket import store
from docket.outbox.models import Channel, OutboxMessage, OutboxStatus
from docket.store import utcnow

OUTBOX_CHANGED = "docket.outbox_changed"  # session.info flag: wake the local worker after commit


def message_id() -> str:
    """A new message's ``message_id``: what its receiver sees, the same on every try."""
    return uuid.uuid4().hex


def enqueue_email(
    *, session: Session, kind: str, to: str | None, context: dict[str, Any], language: str | None = None,
    subject: str | None = None, decision_id: int | None = None, hold_id: int | None = None,
) -> OutboxMessage | None:
    """One e-mail to send, or to hold while the gag order ``hold_id`` lasts; None when
    there is nobody to send it to."""
    if not to:
        return None
    message = OutboxMessage(
        message_id=message_id(), channel=Channel.email, kind=kind, recipient=to, language=language,
        context=context, subject=subject, decision_id=decision_id,
        status=OutboxStatus.held if hold_id is not None else OutboxStatus.pending, hold_id=hold_id,
    )
    session.add(message)
    session.info[OUTBOX_CHANGED] = True
    return message


@dataclass(frozen=True)
class Email:
    """One e-mail to enqueue with :func:`enqueue_emails`."""

    kind: str
    to: str
    language: str | None
    context: dict[str, Any]
    subject: str | None


def enqueue_emails(*, session: Session, emails: Sequence[Email]) -> None:
    """Several e-mails to send now, as one multi-row INSERT (intake's hot path, where the
    ORM's unit of work cost more than the rest of storing a request)."""
    if not emails:
        return
    now = utcnow()
    store.insert_rows(session, OutboxMessage, [{
        "message_id": message_id(), "channel": Channel.email, "kind": email.kind,
        "recipient": email.to, "language": email.language, "context": email.context,
        "subject": email.subject, "decision_id": None, "status": OutboxStatus.pending,
        "hold_id": None, "attempts": 0, "next_attempt_at": now, "lease_until": None,
        "last_error": None, "created_at": now, "sent_at": None,
    } for email in emails], returning=False)
    session.info[OUTBOX_CHANGED] = True
