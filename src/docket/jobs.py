"""Periodic jobs that ``docket serve`` runs in the background (each is also a CLI command)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from docket import effects
from docket.audit import log_service
from docket.audit.log_mirror import ROUND_LIMIT as MIRROR_ROUND
from docket.audit.log_mirror import LogMirror
from docket.audit.sealer import SEAL_BATCH, Signed, seal
from docket.log.note import Signer
from docket.notices.service import release_due_holds
from docket.ratelimit import LimitStore
from docket.review.service import mark_overdue
from docket.settings import Settings
from docket.store import is_connection_lost, read_only, transaction, utcnow
from docket.web.throttle import forget_old

log = logging.getLogger("docket.jobs")
SWEEP_SECONDS = 600  # how often full rate-limit buckets are deleted
REPEAT_LOG_SECONDS = 60  # how often the log job logs a failure that lasts


def log_failure(message: str, exc: BaseException) -> None:
    """Log a failed round: a lost database connection — expected while the database
    restarts or fails over, and tried again next round — as one line, anything else
    with its trace."""
    if is_connection_lost(exc):
        log.warning("%s: database connection lost (%s)", message, str(exc).splitlines()[0] if str(exc) else
                    type(exc).__name__)
    else:
        log.error(message, exc_info=exc)


def check_deadlines(factory: sessionmaker[Session]) -> list[int]:
    """Mark overdue items (one event each) in a transaction of its own."""
    with transaction(factory) as session:
        return mark_overdue(session=session, now=utcnow())


def expire_restrictions(factory: sessionmaker[Session]) -> list[int]:
    """End restrictions whose period is over, in a transaction of its own."""
    with transaction(factory) as session:
        return effects.expire_restrictions(session=session, now=utcnow())


def release_holds(factory: sessionmaker[Session]) -> list[int]:
    """Send the notices whose gag-order hold has ended."""
    with transaction(factory) as session:
        return release_due_holds(session=session, now=utcnow())


def forget_sign_in_failures(factory: sessionmaker[Session]) -> int:
    """Delete sign-in counters idle for a day that block nobody (``web.throttle``)."""
    with transaction(factory) as session:
        return forget_old(session=session, now=utcnow())


def seal_log(factory: sessionmaker[Session]) -> int:
    """Seal every committed audit event not yet in the verifiable log, a transaction per
    batch; the number sealed. Reads first, so a round with nothing to seal writes nothing."""
    with read_only(factory) as session:
        if log_service.unsealed_events(session=session) == 0:
            return 0
    added = 0
    while True:
        with transaction(factory) as session:
            sealed = seal(session=session)
        added += sealed.added
        if sealed.added < SEAL_BATCH:
            return added


def sign_log(factory: sessionmaker[Session], signer: Signer, every_seconds: float) -> Signed | None:
    """Sign a checkpoint if the log grew and the last one is ``every_seconds`` old."""
    with transaction(factory) as session:
        return log_service.sign_if_due(session=session, signer=signer,
                                       every=dt.timedelta(seconds=every_seconds), now=utcnow())


class Periodic:
    """A background thread that runs :meth:`round` every ``interval`` seconds (none when
    ``interval`` ≤ 0) until :meth:`stop`; :meth:`wake` starts the next round at once, and a
    round that returns True (more is waiting) is followed by the next at once."""

    name = "docket-job"
    wait_first = False  # wait one interval before the first round

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval <= 0:
            return
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Start the next round now."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def round(self) -> bool:
        """One round; True when more is waiting."""
        raise NotImplementedError

    def _run(self) -> None:
        if self.wait_first and self._sleep():
            return
        while not self._stop.is_set():
            if self.round():
                continue
            if self._sleep():
                return

    def _sleep(self) -> bool:
        """Wait an interval (or a wake); True once stopped."""
        self._wake.wait(self.interval)
        self._wake.clear()
        return self._stop.is_set()


class LogJobs(Periodic):
    """A background thread that seals new audit events into the verifiable log every
    DOCKET_LOG_SEAL_SECONDS and, with a signing key, signs a checkpoint when the log grew
    and the last one is DOCKET_CHECKPOINT_SECONDS old (``docket log checkpoint`` does the
    same by hand), then copies what was sealed into the process's ``mirror``, from which
    the public endpoints answer proofs (docket.audit.log_mirror).

    Every process of ``docket serve`` runs one: sealers are serialized by the store
    (SQLite's one writer, a PostgreSQL advisory lock) and signers by a lock of their own,
    so several processes seal each event once and sign at most one checkpoint per interval
    between them. A failed round is logged and counted (``docket_log_job_failures_total``),
    and the next round tries again; requests never wait for it."""

    name = "docket-log"

    def __init__(self, factory: sessionmaker[Session], settings: Settings, signer: Signer | None,
                 failures: Callable[[str], None] = lambda _: None, mirror: LogMirror | None = None) -> None:
        self.factory = factory
        self.signer = signer
        self.mirror = mirror
        super().__init__(settings.log_seal_seconds)
        self.checkpoint_seconds = settings.checkpoint_seconds
        self.failures = failures
        self._problems: dict[str, tuple[str, float]] = {}  # step: (last problem, when logged)

    def run_once(self) -> None:
        """One round: seal, sign if due, copy into the mirror. Each step's failure is
        logged and counted apart, so that a key problem does not stop the sealing."""
        try:
            added = seal_log(self.factory)
            if added:
                log.debug("sealed %d audit events into the log", added)
            self._problems.pop("seal", None)
        except Exception as exc:
            self._failed("seal", exc)
        if self.signer is not None:
            try:
                signed = sign_log(self.factory, self.signer, self.checkpoint_seconds)
                if signed is not None:
                    log.info("signed the log's checkpoint at size %d", signed.checkpoint.size)
                self._problems.pop("sign", None)
            except Exception as exc:
                self._failed("sign", exc)
        if self.mirror is not None:
            try:
                if self.mirror.catch_up(self.factory) >= MIRROR_ROUND:
                    self._wake.set()  # more to copy (a first fill): the next round at once
                self._problems.pop("mirror", None)
            except Exception as exc:
                self._failed("mirror", exc)

    def _failed(self, step: str, exc: Exception) -> None:
        """Count the failure; log it with its trace the first time, then once a minute
        while it lasts (a round runs every second)."""
        self.failures(step)
        now, problem = time.monotonic(), f"{type(exc).__name__}: {exc}"
        seen = self._problems.get(step)
        if seen is None or seen[0] != problem or now - seen[1] >= REPEAT_LOG_SECONDS:
            self._problems[step] = (problem, now)
            log_failure(f"the log's {step} round failed; the next round tries again", exc)

    def round(self) -> bool:
        self.run_once()  # a round with more to copy wakes the next itself
        return False


class Jobs(Periodic):
    """A background thread that runs the deadline watch, restriction expiry, the release
    of ended holds and, every ten minutes, forgets rate-limit buckets that are full again."""

    name = "docket-jobs"
    wait_first = True

    def __init__(self, factory: sessionmaker[Session], settings: Settings,
                 limits: LimitStore | None = None) -> None:
        super().__init__(settings.deadline_check_seconds)
        self.factory = factory
        self.limits = limits
        self._last_sweep = 0.0

    def round(self) -> bool:
        try:
            marked = check_deadlines(self.factory)
            if marked:
                log.info("marked %d items overdue", len(marked))
            expired = expire_restrictions(self.factory)
            if expired:
                log.info("ended %d expired restrictions", len(expired))
            released = release_holds(self.factory)
            if released:
                log.info("released %d notice holds that ended", len(released))
            forget_sign_in_failures(self.factory)
            if self.limits is not None and time.monotonic() - self._last_sweep > SWEEP_SECONDS:
                self._last_sweep = time.monotonic()
                self.limits.forget_idle()
        except Exception as exc:  # keep the watch alive; the next round tries again
            log_failure("deadline check failed", exc)
        return False


class MailJobs(Periodic):
    """A background thread that polls the mailbox (DOCKET_MAIL_IMAP_URL) every
    DOCKET_MAIL_POLL_SECONDS, as ``docket mail poll`` does by hand; started only when a
    mailbox is set. Every process of ``docket serve`` may run one: a message is stored
    once whoever takes it (its Message-ID is unique), and marked taken after. A failed
    poll is logged (once a minute while it lasts) and the next one tries again."""

    name = "docket-mail"

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        super().__init__(settings.mail_poll_seconds if settings.mail_imap_url else 0)
        self.factory = factory
        self.settings = settings
        self._problem: tuple[str, float] | None = None

    def run_once(self) -> None:
        from docket.documents.mailbox import MailboxError, poll

        try:
            result = poll(self.factory, self.settings)
            self._problem = None
        except MailboxError as exc:
            self._failed(str(exc), None)
            return
        except Exception as exc:  # keep polling; the next round tries again
            self._failed(f"{type(exc).__name__}: {exc}", exc)
            return
        if result.stored:
            log.info("took %d e-mails from the mailbox into the inbox", len(result.stored))
        # A message that could not be stored is logged by the poll itself, and tried again.

    def _failed(self, problem: str, exc: Exception | None) -> None:
        now = time.monotonic()
        if self._problem is None or self._problem[0] != problem or now - self._problem[1] >= REPEAT_LOG_SECONDS:
            self._problem = (problem, now)
            log.error("polling the mailbox failed; the next poll tries again: %s", problem, exc_info=exc)

    def round(self) -> bool:
        self.run_once()
        return False


class ExtractJobs(Periodic):
    """A background thread of the worker (``docket worker``, which ``docket serve`` starts)
    that reads the inbox's new documents into drafts every DOCKET_EXTRACT_POLL_SECONDS, as
    ``docket inbox extract`` does by hand (docket.intake.drafts.read_round). Each file is
    read in a sandboxed child process, never in a request. Several workers may run one: a
    document is claimed by one of them (its extraction's row, a unique key). A failed round
    is logged and the next one tries again; :meth:`wake` starts one at once."""

    name = "docket-extract"

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        super().__init__(settings.extract_poll_seconds)
        self.factory = factory
        self.settings = settings

    def run_once(self) -> int:
        """One round: the number of documents read (those that could not be are logged)."""
        from docket.intake.drafts import read_round

        try:
            done = read_round(self.factory, self.settings)
        except Exception as exc:  # keep reading; the next round tries again
            log_failure("reading the inbox's documents failed; the next round tries again", exc)
            return 0
        if done.read or done.unreadable:
            log.info("read %d inbox documents into drafts (%d could not be read)",
                     len(done.read) + len(done.unreadable), len(done.unreadable))
        return len(done.read) + len(done.unreadable)

    def round(self) -> bool:
        # A full round may leave more waiting: go on at once until none is left.
        return self.run_once() >= 1


class TransparencyJobs(Periodic):
    """A background thread of the worker (``docket worker``, which ``docket serve`` starts)
    that, every DOCKET_TRANSPARENCY_SECONDS, stores the report of each published period not
    yet stored and computes again those that new events may have changed, marking changed
    figures revised (docket.transparency.snapshots). Several workers may run one: each
    period's figures are written under a row lock, and the newer log size wins. A failed
    round is logged and the next one tries again."""

    name = "docket-transparency"

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        super().__init__(settings.transparency_seconds)
        self.factory = factory
        self.settings = settings

    def run_once(self) -> dict[str, str]:
        """One round: what it did per period (published, revised, confirmed, kept); a
        round that leaves periods for the next wakes it at once."""
        from docket.transparency import checkpoints, snapshots

        try:
            done = snapshots.refresh(factory=self.factory, signer=checkpoints.signer_of(self.settings), now=utcnow)
        except Exception as exc:  # keep the round alive; the next one tries again
            log_failure("storing the transparency reports failed; the next round tries again", exc)
            return {}
        for label, what in done.done.items():
            if what in ("published", "revised"):
                log.info("transparency report %s %s", label, what)
        if done.more:
            self._wake.set()
        return done.done

    def round(self) -> bool:
        self.run_once()
        return False


class CopyScanJobs(Periodic):
    """A background thread of the worker (``docket worker``, which ``docket serve`` starts)
    that, every DOCKET_COPY_SCAN_SECONDS, looks for copies of newly restricted content among
    the content registered before its restriction started, as ``docket copies scan`` does by
    hand (docket.matching.scan.scan_round). Several workers may run one: a restriction's scan
    is claimed by its ``copy_scans`` row (a unique key). A failed round is logged and the
    next one tries again; a full round is followed by the next at once."""

    name = "docket-copy-scan"
    wait_first = True  # not while the worker starts: the restrictions wait one interval

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        super().__init__(settings.copy_scan_seconds)
        self.factory = factory
        self.settings = settings

    def run_once(self) -> int:
        """One round: the number of restrictions it took up (scanned, or found claimed by
        another worker)."""
        from docket.matching.scan import scan_round

        try:
            done = scan_round(self.factory, self.settings)
        except Exception as exc:  # keep scanning; the next round tries again
            log_failure("looking for copies of restricted content failed; the next round tries again", exc)
            return 0
        if done.scanned:
            log.info("looked for copies of %d restrictions' content among %d registered: %d matches",
                     len(done.scanned), done.content_checked, len(done.matches))
        return len(done.scanned) + done.taken

    def round(self) -> bool:
        from docket.matching.scan import ROUND

        return self.run_once() >= ROUND  # a full batch: more may wait
