"""Sign-in throttling: slow a password guesser down without letting anyone lock a person out.

Three counters, all in the database so that every process and node of a deployment sees
the same ones (``SignInThrottle``):

- **pair** (client address, account): consecutive failures. The first ``FREE_FAILURES``
  cost nothing (typos); each one after that makes the pair wait ``FIRST_DELAY`` seconds,
  doubling up to ``MAX_DELAY``. A sign-in that succeeds clears the pair.
- **address**: failures from one address across all accounts (credential stuffing). At
  ``ADDRESS_LIMIT`` in ``ADDRESS_WINDOW`` the address waits until its window ends.
- **account**: failures on one account from all addresses. It never blocks anybody: at
  ``ACCOUNT_LIMIT`` in ``ACCOUNT_WINDOW`` (an attack from many addresses), each pair of
  that account loses its free failures, so every address is slowed from its first
  failure, while a first attempt from any address (the real person's) still goes through.

An attempt is counted *before* its password is checked and uncounted when it succeeds,
so a burst of parallel guesses cannot slip past the counters while the first ones are
being checked. Nothing here depends on whether the account exists: an unknown e-mail is
counted, delayed and answered exactly like a known one."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, delete, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docket import store
from docket.web.client import network_of
from docket.web.models import SignInThrottle

# Core statements on the table: the counters are never loaded as ORM objects, so nothing
# in the session goes stale when another process changes them.
T = store.table(SignInThrottle).c
_TABLE = store.table(SignInThrottle)

FREE_FAILURES = 3
FIRST_DELAY = 15  # seconds
MAX_DELAY = 15 * 60
# A pair that has not failed for this long starts again from nothing.
PAIR_MEMORY = dt.timedelta(hours=24)
ADDRESS_LIMIT = 30
ADDRESS_WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LIMIT = 20
ACCOUNT_WINDOW = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Keys:
    """The three counters' keys for one attempt (HMACs: no address or e-mail in clear)."""

    pair: str
    address: str
    account: str


@dataclass(frozen=True)
class Admission:
    """What ``admit`` decided: wait ``retry_after`` seconds (0: go ahead, check the
    password); ``failures`` of the pair so far, this attempt included; the ``delay`` this
    attempt puts on the pair should it fail."""

    retry_after: int
    failures: int = 0
    delay: int = 0


def _mac(secret: str, *parts: str) -> str:
    message = "\0".join(("docket:sign-in", *parts)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def normal_email(email: str) -> str:
    return email.strip().lower()


def account_key(*, secret: str, email: str) -> str:
    """The key of an account's counters (and of its pairs), from its e-mail."""
    return _mac(secret, "account", normal_email(email))


def keys_for(*, secret: str, address: str, email: str) -> Keys:
    """The counters an attempt from ``address`` on ``email`` is counted against (by the
    client's network: an IPv6 client holds a whole /64)."""
    email, network = normal_email(email), network_of(address)
    return Keys(pair=_mac(secret, "pair", network, email), address=_mac(secret, "address", network),
                account=account_key(secret=secret, email=email))


def delay_after(failures: int, *, free: int = FREE_FAILURES) -> int:
    """Seconds a pair waits after its ``failures``-th consecutive failure."""
    if failures <= free:
        return 0
    return int(min(MAX_DELAY, FIRST_DELAY * 2 ** min(failures - free - 1, 16)))


def _wait(until: dt.datetime | None, now: dt.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds())) if until and until > now else 0


def _count(session: Session, *, key: str, scope: str, account: str | None, now: dt.datetime,
           restart: ColumnElement[bool]) -> tuple[int, dt.datetime] | None:
    """Count one attempt on ``key`` unless it is blocked; (failures, started_at) or None."""
    free = or_(T.blocked_until.is_(None), T.blocked_until <= now)
    counted = (update(_TABLE).where(T.key == key, free)
               .values(failures=case((restart, 1), else_=T.failures + 1),
                       started_at=case((restart, literal(now, T.started_at.type)),
                                       else_=T.started_at),
                       last_at=now, blocked_until=None)
               .returning(T.failures, T.started_at))
    row = session.execute(counted).first()
    if row is None:
        try:
            # Two first attempts at once: one inserts, the other counts on that row below.
            with session.begin_nested():
                session.execute(insert(_TABLE).values(key=key, scope=scope, account=account,
                                                      failures=1, started_at=now, last_at=now))
            return 1, now
        except IntegrityError:
            row = session.execute(counted).first()  # it exists: counted now, or blocked
    return (row[0], row[1]) if row is not None else None


def _blocked(session: Session, keys: Keys, now: dt.datetime) -> int:
    """Seconds until neither the pair nor the address is blocked (0: neither is)."""
    untils = session.scalars(select(T.blocked_until).where(T.key.in_((keys.pair, keys.address))))
    return max((_wait(until, now) for until in untils), default=0)


def admit(*, session: Session, keys: Keys, now: dt.datetime) -> Admission:
    """Decide whether an attempt may check its password now, and count it as a failure
    until ``succeeded`` says otherwise."""
    wait = _blocked(session, keys, now)
    if wait:
        return Admission(retry_after=wait)
    pair = _count(session, key=keys.pair, scope="pair", account=keys.account, now=now,
                  restart=T.last_at <= now - PAIR_MEMORY)
    address = _count(session, key=keys.address, scope="address", account=None, now=now,
                     restart=T.started_at <= now - ADDRESS_WINDOW)
    if pair is None or address is None:  # blocked by a parallel attempt since the read above
        return Admission(retry_after=max(1, _blocked(session, keys, now)))
    account = _count(session, key=keys.account, scope="account", account=keys.account, now=now,
                     restart=T.started_at <= now - ACCOUNT_WINDOW)
    # An account under attack from many addresses: no free failures for any pair of it.
    free = 0 if account is not None and account[0] > ACCOUNT_LIMIT else FREE_FAILURES
    delay = delay_after(pair[0], free=free)
    if delay:
        session.execute(update(_TABLE).where(T.key == keys.pair)
                        .values(blocked_until=now + dt.timedelta(seconds=delay)))
    if address[0] >= ADDRESS_LIMIT:
        session.execute(update(_TABLE).where(T.key == keys.address)
                        .values(blocked_until=address[1] + ADDRESS_WINDOW))
    return Admission(retry_after=0, failures=pair[0], delay=delay)


def succeeded(*, session: Session, keys: Keys) -> None:
    """The password was right: clear the pair, and take the attempt back off the address
    and the account (lifting the address's block if it was this attempt that set it)."""
    session.execute(delete(_TABLE).where(T.key == keys.pair))
    # One row at a time, in admit's order (pair, address, account): two transactions
    # that lock the same rows in the same order cannot deadlock on PostgreSQL.
    for key in (keys.address, keys.account):
        session.execute(update(_TABLE).where(T.key == key, T.failures > 0)
                        .values(failures=T.failures - 1,
                                blocked_until=case((T.failures - 1 < ADDRESS_LIMIT, None),
                                                   else_=T.blocked_until)))


def clear_account(*, session: Session, account: str) -> int:
    """Forget every failure counted on an account (its pairs from every address, and the
    account's own counter); the addresses' counters stay. Returns how many were cleared."""
    result = session.execute(delete(_TABLE).where(T.account == account))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def slowed_until(*, session: Session, accounts: Iterable[str],
                 now: dt.datetime) -> dict[str, dt.datetime]:
    """The accounts (by key) that some address must wait to try again, and until when."""
    wanted = set(accounts)
    if not wanted:
        return {}
    rows = session.execute(select(T.account, T.blocked_until).where(
        T.account.in_(wanted), T.blocked_until > now)).all()
    out: dict[str, dt.datetime] = {}
    for account, until in rows:
        if account is not None and until is not None:
            out[account] = max(until, out.get(account, until))
    return out


def forget_old(*, session: Session, now: dt.datetime) -> int:
    """Delete counters nobody has touched for a day and that block nobody."""
    result = session.execute(delete(_TABLE).where(
        T.last_at <= now - PAIR_MEMORY, or_(T.blocked_until.is_(None), T.blocked_until <= now)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
