"""Sign-in throttling, as browsers at different addresses meet it: an unknown e-mail and a
wrong password are answered alike, failures of one (address, account) pair wait longer
and longer, one address is stopped across accounts, and nobody can keep the real person
out from another address."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine

from docket import store
from docket.audit.models import Event
from docket.parties import service as parties
from docket.web import sessions as web_sessions
from docket.web import throttle
from docket.web.models import SignInThrottle
from tests.clock import FakeClock
from tests.web.conftest import PASSWORD, sign_in

ADA = "ada@docket.example"  # the administrator everybody would like to lock out
NOBODY = "nob@docket.example"  # no such account; as long as ADA, so the pages compare
HOME, OFFICE, ATTACKER = "203.0.113.10", "203.0.113.20", "198.51.100.66"
_CSRF = re.compile(r'name="csrf_token" value="[^"]+"')


class CountingHasher(PasswordHasher):
    """The real argon2 hasher, counting its verifications."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def at(app: Any) -> Iterator[Callable[[str], TestClient]]:
    """at(address) → a browser whose requests come from ``address``."""
    opened: list[TestClient] = []

    def browser(address: str) -> TestClient:
        client = TestClient(app, raise_server_exceptions=False, client=(address, 50000))
        opened.append(client.__enter__())
        return client

    yield browser
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost, the dummy hash of unknown accounts included: for tests
    that fail dozens of times (the cost of a check is not what they are about)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(parties, "_hasher", cheap)
    monkeypatch.setattr(web_sessions, "_DUMMY_HASH", cheap.hash("not-a-real-password"))


def same_page(response: Any, email: str) -> str:
    """The body with what legitimately differs (the e-mail typed, the form's CSRF token,
    the number of seconds to wait) taken out."""
    text = _CSRF.sub("csrf", response.text.replace(email, "EMAIL"))
    return re.sub(r"\d+ (seconds|minutes)", "N units", text)


def failures(sessions: Any) -> list[dict[str, Any]]:
    with store.transaction(sessions) as s:
        return [e.payload for e in s.scalars(select(Event).where(
            Event.action == "user:sign_in_failed").order_by(Event.seq))]


def time_passes(sessions: Any, seconds: int) -> None:
    """Move every throttle's clock back by ``seconds``: as if that much time had passed."""
    step = dt.timedelta(seconds=seconds)
    with store.transaction(sessions) as s:
        for row in s.scalars(select(SignInThrottle)).all():
            s.execute(update(SignInThrottle).where(SignInThrottle.key == row.key).values(
                started_at=row.started_at - step, last_at=row.last_at - step,
                blocked_until=row.blocked_until - step if row.blocked_until else None))


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements requests send while the block runs (their text, without the
    values); not those of the app's own threads (the feed follower, the jobs)."""
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not threading.current_thread().name.startswith("docket-"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


# ---------------------------------------------------------------- one answer for everybody
def test_an_unknown_account_and_a_wrong_password_get_the_same_answer(
        at: Callable[[str], TestClient], make_user: Any) -> None:
    make_user(ADA, "admin", password=PASSWORD)
    browser = at(HOME)
    wrong = sign_in(browser, ADA, "not her password")
    unknown = sign_in(browser, NOBODY, "not her password")
    assert wrong.status_code == unknown.status_code == 401
    assert "the e-mail address or the password is wrong" in wrong.text
    assert same_page(wrong, ADA) == same_page(unknown, NOBODY)
    varying = {"date", "content-length", "set-cookie", "x-request-id"}
    assert ({k: v for k, v in wrong.headers.items() if k not in varying}
            == {k: v for k, v in unknown.headers.items() if k not in varying})


def test_both_do_the_same_work_one_password_check_and_the_same_statements(
        at: Callable[[str], TestClient], make_user: Any, engine: Engine,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Equal time, shown by the work itself: one argon2 verification and the same SQL
    statements for a wrong password and an unknown e-mail (timings: bench/sign_in.py)."""
    make_user(ADA, "admin", password=PASSWORD)
    hasher = CountingHasher()
    monkeypatch.setattr(parties, "_hasher", hasher)
    known, unknown = at(HOME), at(OFFICE)  # two fresh addresses: the same counters to start
    work = {}
    for browser, email in ((known, ADA), (unknown, NOBODY)):
        sign_in(browser, email, "warm-up guess")  # both pairs and addresses exist now
        before = hasher.verified
        with statements(engine) as sent:
            assert sign_in(browser, email, "another guess").status_code == 401
        work[email] = (hasher.verified - before, sent)
    assert work[ADA][0] == work[NOBODY][0] == 1
    assert work[ADA][1] == work[NOBODY][1]

    for browser, email in ((known, ADA), (unknown, NOBODY)):
        for _ in range(2):  # failures 3 and 4: the pair now waits
            sign_in(browser, email, "a guess")
        before = hasher.verified
        with statements(engine) as sent:
            assert sign_in(browser, email, "a guess").status_code == 429
        work[email] = (hasher.verified - before, sent)
    assert work[ADA][0] == work[NOBODY][0] == 0  # a throttled attempt checks no password
    assert work[ADA][1] == work[NOBODY][1]


def test_throttled_attempts_look_the_same_for_known_and_unknown_accounts(
        at: Callable[[str], TestClient], make_user: Any, quick: None) -> None:
    make_user(ADA, "admin", password=PASSWORD)
    browser = at(ATTACKER)
    answers = {}
    for email in (ADA, NOBODY):
        codes = [sign_in(browser, email, f"guess {n}").status_code for n in range(4)]
        assert codes == [401, 401, 401, 401]
        answers[email] = sign_in(browser, email, "guess 5")
    known, unknown = answers[ADA], answers[NOBODY]
    assert known.status_code == unknown.status_code == 429
    for answer in (known, unknown):
        assert 0 < int(answer.headers["retry-after"]) <= throttle.FIRST_DELAY
        assert "too many failed sign-ins from your network; try again in" in answer.text
    assert same_page(known, ADA) == same_page(unknown, NOBODY)


def test_failed_attempts_are_audited_without_the_address(
        at: Callable[[str], TestClient], make_user: Any, sessions: Any) -> None:
    person = make_user(ADA, "admin", password=PASSWORD)
    sign_in(at(ATTACKER), ADA, "a guess")
    sign_in(at(ATTACKER), NOBODY, "a guess")
    with store.transaction(sessions) as s:
        events = s.scalars(select(Event).where(Event.action == "user:sign_in_failed")
                           .order_by(Event.seq)).all()
    assert [(e.subject, e.payload["reason"]) for e in events] == [
        (f"user:{person.id}", "wrong_password"), ("user:unknown", "unknown_email")]
    assert events[0].payload["address"] == events[1].payload["address"]  # one address…
    assert re.fullmatch(r"[0-9a-f]{16}", events[0].payload["address"])  # …only as its HMAC
    assert ATTACKER not in str([e.payload for e in events])
    with store.transaction(sessions) as s:
        stored = str(s.execute(select(SignInThrottle.__table__)).all())
    assert ATTACKER not in stored and ADA not in stored and NOBODY not in stored


# ---------------------------------------------------------------- delays per (address, account)
def test_the_delay_grows_with_each_failure_of_a_pair_and_a_success_resets_it(
        at: Callable[[str], TestClient], make_user: Any, sessions: Any, quick: None,
        clock: FakeClock) -> None:
    make_user(ADA, "admin", password=PASSWORD)
    browser = at(HOME)
    for _ in range(4):
        assert sign_in(browser, ADA, "wrong").status_code == 401
    waiting = sign_in(browser, ADA)  # even the right password waits its turn
    assert waiting.status_code == 429 and waiting.headers["retry-after"] == "15"
    clock.advance(14)
    assert sign_in(browser, ADA).status_code == 429  # not a moment before its time
    clock.advance(1)
    assert sign_in(browser, ADA, "wrong").status_code == 401
    longer = sign_in(browser, ADA, "wrong")
    assert longer.status_code == 429 and longer.headers["retry-after"] == "30"
    clock.advance(30)
    assert sign_in(browser, ADA, "wrong").status_code == 401
    assert [f["delay"] for f in failures(sessions)] == [0, 0, 0, 15, 30, 60]
    assert [f["failures"] for f in failures(sessions)] == [1, 2, 3, 4, 5, 6]

    clock.advance(60)
    assert sign_in(browser, ADA).status_code == 303
    browser.cookies.clear()
    for _ in range(3):  # a success starts the pair from nothing: three free failures again
        assert sign_in(browser, ADA, "wrong").status_code == 401
    assert [f["delay"] for f in failures(sessions)][-3:] == [0, 0, 0]


def test_the_delay_doubles_up_to_fifteen_minutes() -> None:
    assert [throttle.delay_after(n) for n in range(1, 12)] == [
        0, 0, 0, 15, 30, 60, 120, 240, 480, 900, 900]
    assert throttle.delay_after(10_000) == throttle.MAX_DELAY


def test_an_attacker_at_one_address_cannot_keep_the_real_person_out(
        at: Callable[[str], TestClient], make_user: Any, quick: None) -> None:
    make_user(ADA, "admin", password=PASSWORD)
    attacker = at(ATTACKER)
    codes = [sign_in(attacker, ADA, f"guess {n}").status_code for n in range(12)]
    assert codes == [401] * 4 + [429] * 8
    home = at(HOME)
    assert sign_in(home, ADA, "a typo").status_code == 401  # her own typo costs her nothing more
    assert sign_in(home, ADA).status_code == 303


def test_an_attack_from_many_addresses_slows_each_but_never_the_right_password(
        at: Callable[[str], TestClient], make_user: Any, quick: None) -> None:
    make_user(ADA, "admin", password=PASSWORD)
    bots = [at(f"198.51.100.{n}") for n in range(1, 8)]
    for bot in bots:  # 21 failures, three free ones from each of 7 addresses
        assert [sign_in(bot, ADA, "guess").status_code for _ in range(3)] == [401] * 3
    eighth = at("198.51.100.8")
    # The account is under attack: a new address waits after its first failure, not its fourth.
    assert [sign_in(eighth, ADA, "guess").status_code for _ in range(2)] == [401, 429]
    assert sign_in(at(OFFICE), ADA).status_code == 303


# ---------------------------------------------------------------- one address, many accounts
def test_one_address_trying_many_accounts_is_stopped_across_accounts(
        at: Callable[[str], TestClient], make_user: Any, quick: None) -> None:
    make_user(ADA, "admin", password=PASSWORD)
    make_user("bea@docket.example", "reviewer", password=PASSWORD)
    stuffer = at(ATTACKER)
    for n in range(throttle.ADDRESS_LIMIT):  # one guess each: no pair ever waits
        assert sign_in(stuffer, f"person{n}@docket.example", "password1").status_code == 401
    stopped = sign_in(stuffer, "person-new@docket.example", "password1")
    assert stopped.status_code == 429
    assert 0 < int(stopped.headers["retry-after"]) <= throttle.ADDRESS_WINDOW.total_seconds()
    # Everybody behind that address waits (a shared network shares the limit)…
    assert sign_in(stuffer, "bea@docket.example").status_code == 429
    # …and nobody anywhere else does.
    assert sign_in(at(HOME), ADA).status_code == 303


def test_successes_do_not_count_against_the_address(
        at: Callable[[str], TestClient], make_user: Any, quick: None) -> None:
    """An office behind one address: its people signing in never add up to a block."""
    office = at(OFFICE)
    for n in range(throttle.ADDRESS_LIMIT + 2):
        make_user(f"clerk{n}@docket.example", "auditor", password=PASSWORD)
        assert sign_in(office, f"clerk{n}@docket.example").status_code == 303
        office.cookies.clear()


def test_counters_idle_for_a_day_are_forgotten(
        at: Callable[[str], TestClient], make_user: Any, sessions: Any, quick: None) -> None:
    from docket.jobs import forget_sign_in_failures

    make_user(ADA, "admin", password=PASSWORD)
    sign_in(at(ATTACKER), NOBODY, "a guess")  # a pair, an address and an account counter
    time_passes(sessions, 23 * 3600)
    sign_in(at(HOME), NOBODY, "a guess")  # touches the account again, and two new counters
    assert forget_sign_in_failures(sessions) == 0
    time_passes(sessions, 2 * 3600)
    assert forget_sign_in_failures(sessions) == 2  # the attacker's pair and address
    # However old, a counter that still makes somebody wait is kept.
    time_passes(sessions, 2 * 24 * 3600)
    with store.transaction(sessions) as s:
        s.execute(update(SignInThrottle).values(
            blocked_until=store.utcnow() + throttle.FIRST_DELAY * dt.timedelta(seconds=1)))
    assert forget_sign_in_failures(sessions) == 0
