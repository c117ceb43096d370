"""The outbox worker: claim due messages, deliver them, mark them — with retries,
exponential backoff and a dead letter.

Claiming takes a lease in its own transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several workers never take the same row). Delivery happens outside
any transaction, and each message is marked sent in a short transaction of its own as
soon as the receiver took it, before the next one goes out. So a worker that dies has
sent at most one message it did not mark: the one in flight. The next worker sends that
one again after the lease runs out, with the same message id (Message-ID, webhook-id,
written with the row), by which the receiver can drop it as a duplicate: delivery is at
least once (docs/operations.md, "The outbox after a crash").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session, sessionmaker

from docket import audit
from docket.audit import sealer
from docket.clock import SYSTEM, Clock
from docket.notices import compose, delivery, mime
from docket.notices.models import WebhookEndpoint
from docket.notices.render import render
from docket.outbox.models import Channel, OutboxMessage, OutboxStatus
from docket.outbox.service import OUTBOX_CHANGED
from docket.settings import Settings
from docket.store import own_connection, read_only, rowcount, table, transaction

log = logging.getLogger("docket.outbox")


def backoff(attempts: int, settings: Settings) -> dt.timedelta:
    """base × 2^(attempts − 1), capped."""
    seconds = settings.outbox_backoff_seconds * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.outbox_max_backoff_seconds))


_SEAL_BATCHES = 10  # at most this many of the sealer's batches before a round (100,000 events)
_OUTBOX = table(OutboxMessage)
# Not twice: a worker that took the message over after this one's lease ran out, and sent
# it again, may have marked it already (one event per message). Built once, and run
# without the ORM: it runs for every message sent.
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("outbox_id"), _OUTBOX.c.status != OutboxStatus.sent)
    .values(status=OutboxStatus.sent, sent_at=bindparam("at"), lease_until=None)
    .returning(_OUTBOX.c.attempts)
)


class OutboxWorker:
    def __init__(self, factory: sessionmaker[Session], settings: Settings, *,
                 batch: int = 20, clock: Clock = SYSTEM) -> None:
        self.factory, self.settings, self.batch, self.clock = factory, settings, batch, clock
        self.lease = dt.timedelta(seconds=settings.outbox_lease_seconds)
        self.smtp = (delivery.SmtpConfig.from_url(settings.smtp_url, sender=settings.mail_from)
                     if settings.smtp_url else None)
        if self.smtp is None and not mime.envelope_address(settings.mail_from):
            # As SmtpConfig does: a bad sender is our configuration, not any message's fault.
            raise ValueError(f"DOCKET_MAIL_FROM {settings.mail_from!r} is not an e-mail address")
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        event.listen(factory, "after_commit", self._after_commit)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(OUTBOX_CHANGED, False):
            self._wake.set()

    # ------------------------------------------------------------ one round
    def claim(self, now: dt.datetime) -> list[int]:
        """Lease up to ``batch`` due messages to this worker; return their ids."""
        with transaction(self.factory) as session:
            ids = list(session.execute(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == OutboxStatus.pending,
                       OutboxMessage.next_attempt_at <= now,
                       (OutboxMessage.lease_until.is_(None)) | (OutboxMessage.lease_until < now))
                .order_by(OutboxMessage.id).limit(self.batch)
                # Two workers must never take the same row: skip rows another worker holds.
                .with_for_update(skip_locked=True)
            ).scalars())
            if ids:
                session.execute(
                    update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                    .values(lease_until=now + self.lease, attempts=OutboxMessage.attempts + 1)
                    .execution_options(synchronize_session=False))
        return ids

    def run_once(self) -> int:
        """Deliver what is due now; return how many messages were tried."""
        claimed_at = self.clock.now()
        ids = self.claim(claimed_at)
        if not ids:
            return 0
        self._seal_for_receipts(ids)
        # One read transaction for the round: the messages in one query, the requests
        # their acknowledgements show in another, and what each notice says composed
        # from the same snapshot (a session, or a query, per message cost more than
        # rendering it). One connection for the round's marks, and one SMTP session for
        # its e-mails.
        with read_only(self.factory) as session, own_connection(self.factory) as marking, \
                self._smtp_session() as smtp:
            messages = [message for message in session.execute(
                select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
            ).scalars() if message.status == OutboxStatus.pending]
            acknowledged = compose.acknowledged(session=session, messages=messages)
            try:
                attached = compose.receipts(session=session, messages=messages, settings=self.settings)
            except (LookupError, ValueError):  # a stored hash missing: the notices go without receipts
                log.exception("the round's receipts could not be made")
                attached = {}
            for message in messages:
                if self.clock.now() >= claimed_at + self.lease:
                    # A slow round (a receiver that takes its time): another worker may
                    # have claimed the rest since, and would send it too. It is theirs.
                    break
                if self._deliver(session, message, acknowledged, smtp, attached.get(message.id)):
                    # Marked before the next one is sent. If marking fails (the database
                    # is away) the round stops here: what it has not sent stays leased
                    # and goes out later, rather than more messages going out unmarked.
                    self._sent(marking, message)
        return len(ids)

    def _smtp_session(self) -> contextlib.AbstractContextManager[delivery.SmtpConnection | None]:
        if self.smtp is None:
            return contextlib.nullcontext()
        return delivery.SmtpConnection(self.smtp)

    def _seal_for_receipts(self, ids: list[int]) -> None:
        """Seal the log before a round with e-mails that carry a receipt: an event's leaf
        data, which its receipt holds, exists only once it is sealed (its nonce is drawn
        then). Sealing costs O(new events + log₂ n), in transactions of its own; the
        checkpoint is signed elsewhere, so such a receipt may come without one, and
        ``docket-verify`` completes it from the log."""
        with transaction(self.factory) as session:
            needed = session.execute(select(OutboxMessage.id).where(
                OutboxMessage.id.in_(ids), OutboxMessage.channel == Channel.email,
                OutboxMessage.kind.in_(sorted(compose.RECEIPT_KINDS))).limit(1)).first()
        if needed is None:
            return
        for _ in range(_SEAL_BATCHES):
            try:
                with transaction(self.factory) as session:
                    if sealer.seal(session=session).added < sealer.SEAL_BATCH:
                        return
            except sealer.SealError as exc:  # an event deleted: the log stops there, loudly
                log.error("the log cannot be sealed, so notices go without receipts: %s", exc)
                return

    def _deliver(self, session: Session, message: OutboxMessage,
                 acknowledged: Mapping[int, Any] | None,
                 smtp: delivery.SmtpConnection | None, attachment: mime.Attachment | None = None) -> bool:
        """Send ``message``; on a failure, record it (in a transaction of its own)."""
        try:
            self._send(session, message, acknowledged, smtp, attachment)
        except delivery.DeliveryError as exc:
            self._failed(message.id, str(exc), permanent=exc.permanent)
        except (compose.Gone, ValueError) as exc:
            self._failed(message.id, str(exc), permanent=True)
        else:
            return True
        return False

    def _send(self, session: Session, message: OutboxMessage, acknowledged: Mapping[int, Any] | None,
              smtp: delivery.SmtpConnection | None, attachment: mime.Attachment | None = None) -> None:
        if message.channel == Channel.webhook:
            endpoint = session.get(WebhookEndpoint, int(message.recipient.split(":", 1)[1]))
            if endpoint is None or not endpoint.active:
                raise delivery.DeliveryError("the webhook endpoint is gone", permanent=True)
            delivery.post_webhook(endpoint.url, endpoint.secret, msg_id=message.message_id,
                                  event_type=message.kind, payload=message.context,
                                  allow_private=self.settings.webhooks_allow_private)
            return
        context = compose.context_for(session, message, self.settings, acknowledged=acknowledged)
        rendered = render(message.kind, message.language, context)
        headers = {"X-Docket-Notice": message.kind}
        attachments = [attachment] if attachment is not None else []
        if smtp is not None:
            smtp.send(message_id=message.message_id, to=message.recipient, subject=rendered.subject,
                      text=rendered.text, html=rendered.html, headers=headers, attachments=attachments)
            return
        # Without DOCKET_SMTP_URL, each e-mail becomes an .eml file in DOCKET_MAIL_DIR: the
        # bytes send_email would hand over (a recipient or header mime refuses: ValueError).
        data = mime.compose(sender=self.settings.mail_from, to=message.recipient,
                            subject=rendered.subject, text=rendered.text, html=rendered.html,
                            message_id=message.message_id, headers=headers, attachments=attachments)
        folder = Path(self.settings.mail_dir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message.id:08d}-{message.kind}.eml").write_bytes(data)

    # ------------------------------------------------------------ marking
    def _sent(self, session: Session, message: OutboxMessage) -> None:
        """Mark one message sent, with its ``notice:sent`` event, in a transaction of its own
        (``session`` is the round's, on a connection of its own)."""
        sent_at = self.clock.now()
        with session.begin():
            attempts = session.connection().execute(
                _MARK_SENT, {"outbox_id": message.id, "at": sent_at}).scalar()
            if attempts is not None:
                # sent_at: reports count the time to acknowledge from it (docket.transparency.replay).
                audit.record(session=session, actor="system:outbox", action="notice:sent",
                             subject=message.subject or f"outbox:{message.id}",
                             payload={"outbox": message.id, "kind": message.kind,
                                      "channel": str(message.channel),
                                      "message_id": message.message_id, "attempts": attempts,
                                      "sent_at": sent_at.isoformat()})

    def _failed(self, outbox_id: int, error: str, *, permanent: bool) -> None:
        now = self.clock.now()
        with transaction(self.factory) as session:
            message = session.get(OutboxMessage, outbox_id)
            assert message is not None
            message.last_error, message.lease_until = error[:2000], None
            if permanent or message.attempts >= self.settings.outbox_max_attempts:
                message.status = OutboxStatus.dead
                audit.record(session=session, actor="system:outbox", action="notice:dead",
                             subject=message.subject or f"outbox:{message.id}",
                             payload={"outbox": message.id, "kind": message.kind,
                                      "error": error[:500], "attempts": message.attempts})
                log.warning("outbox message %s is dead after %s tries: %s", message.id,
                            message.attempts, error)
            else:
                message.next_attempt_at = now + backoff(message.attempts, self.settings)

    # ------------------------------------------------------------ the loop
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="docket-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        event.remove(self.factory, "after_commit", self._after_commit)

    def halt(self) -> None:
        """End the loop after the round under way (safe from a signal handler)."""
        self._stop.set()
        self._wake.set()

    def run_forever(self) -> None:
        self._run()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the database may be away; the next round tries again
                log.exception("outbox round failed")
                busy = 0
            if busy < self.batch:
                # The round was not full: what was due is delivered. Wait for the next
                # poll (or a commit in this process) rather than go again at once, which
                # under steady load made rounds of one or two messages, each paying a
                # round's queries.
                self._wake.wait(self.settings.outbox_poll_seconds)
                self._wake.clear()


def retry(*, session: Session, ids: list[int] | None, now: dt.datetime) -> int:
    """Put dead messages (all, or ``ids``) back in the queue, due now."""
    query = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.dead)
    if ids:
        query = query.where(OutboxMessage.id.in_(ids))
    return rowcount(session.execute(
        query.values(status=OutboxStatus.pending, next_attempt_at=now, attempts=0, lease_until=None)
        .execution_options(synchronize_session=False)))
