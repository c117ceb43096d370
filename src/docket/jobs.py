"""Periodic jobs that ``docket serve`` runs in the background (each is also a CLI command)."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from docket import effects
from docket.notices.service import release_due_holds
from docket.ratelimit import LimitStore
from docket.review.service import mark_overdue
from docket.settings import Settings
from docket.store import transaction, utcnow
from docket.web.throttle import forget_old

log = logging.getLogger("docket.jobs")
SWEEP_SECONDS = 600  # how often full rate-limit buckets are deleted


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


class Jobs:
    """A background thread that runs the deadline watch, restriction expiry, the release
    of ended holds and, every ten minutes, forgets rate-limit buckets that are full again."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings,
                 limits: LimitStore | None = None) -> None:
        self.factory = factory
        self.limits = limits
        self._last_sweep = 0.0
        self.interval = settings.deadline_check_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval <= 0:
            return
        self._thread = threading.Thread(target=self._run, name="docket-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
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
            except Exception:  # keep the watch alive; the next round tries again
                log.exception("deadline check failed")
