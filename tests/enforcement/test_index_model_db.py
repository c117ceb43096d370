"""The server's index fed from the database, against the reference model.

The same random histories as test_index_model.py, written through the real write
path (``enforcement.start``, ``end``, ``expire_due``, each in its own transaction,
on SQLite and PostgreSQL) and read the way a ``docket serve`` process reads them:
a ``FeedFollower`` loads the snapshot and catches up with the feed into an index.
Fewer examples than the in-memory test (each step is a transaction); what this one
adds is the storage between the two: cursors in commit order, end times through the
database's time type and the feed's ISO strings, the snapshot query, expiry's order.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from docket.content import service as content_registry
from docket.content.schemas import ContentUpsert
from docket.enforcement import service as enforcement
from docket.enforcement.follower import FeedFollower
from docket.enforcement.index import RestrictionIndex
from docket.enforcement.models import NoticeKind, Restriction
from docket.store import transaction
from tests.enforcement.index_model import SUBJECTS, DocketSide, Record, compare, questions

BOUNDED = settings(max_examples=10, stateful_step_count=20, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow])


def _at(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC)


class DatabaseMachine(DocketSide):
    sessions: Any  # set by the test: the session factory and engine of the test database
    engine: Any
    decision_id: int

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[int, int] = {}  # the model's record id -> the restriction's id
        self.index = RestrictionIndex(clock=self.clock)
        self.follower = FeedFollower(self.engine, self.sessions, self.index, batch=2)
        with transaction(self.sessions) as s:  # earlier examples' restrictions have all ended
            self.server.base = enforcement.latest_cursor(session=s)
        assert self.follower.load() == 0
        self.reader.load(self.server.base, when=time.time())

    def teardown(self) -> None:
        with transaction(self.sessions) as s:
            for r in s.scalars(select(Restriction).where(Restriction.ended_at.is_(None))):
                enforcement.end(session=s, actor="test", restriction=r, reason="reversed",
                                now=_at(self.clock.now))
        self.follower.stop()

    # ------------------------------------------------------------ docket's side, for real
    def _start(self, record: Record) -> None:
        content_id = f"acct-{record.subject_id}" if record.subject_kind == "account" \
            else record.subject_id
        with transaction(self.sessions) as s:
            row = enforcement.start(
                session=s, actor="test", decision_id=self.decision_id, content_id=content_id,
                scope=list(record.scope), notice_kind=NoticeKind(record.notice_kind),
                ends_at=_at(record.ends_at), now=_at(self.clock.now))
            assert (row.subject_kind, row.subject_id) == (record.subject_kind, record.subject_id)
            assert enforcement.latest_cursor(session=s) == record.started
            self.ids[record.id] = row.id

    def _end(self, record: Record) -> None:
        with transaction(self.sessions) as s:
            row = s.get(Restriction, self.ids[record.id])
            enforcement.end(session=s, actor="test", restriction=row, reason="reversed",
                            now=_at(self.clock.now))
            assert enforcement.latest_cursor(session=s) == record.ended

    def _expire(self, due: list[Record]) -> None:
        with transaction(self.sessions) as s:
            ended = enforcement.expire_due(session=s, now=_at(self.clock.now))
        assert ended == [self.ids[r.id] for r in due]

    # ------------------------------------------------------------ the node's side
    @rule(batch=st.integers(1, 3))
    def catch_up(self, batch: int) -> None:
        self.follower.batch = batch
        assert self.follower.catch_up() == self.server.cursor - self.reader.cursor
        self.reader.read_to(self.server.cursor)

    @rule()
    def load_snapshot(self) -> None:
        """A node starting: the snapshot is taken at the wall clock, which is before any end
        time the model uses, so it holds every running restriction."""
        assert self.follower.load() == len(self.server.running())
        self.reader.load(self.server.cursor, when=time.time())

    @invariant()
    def answers_match_the_model(self) -> None:
        assert self.index.cursor == self.reader.cursor
        assert len(self.index) == self.reader.subjects()
        for question in questions():
            content_id, country, author_id = question
            compare(self.index.check(content_id, country, author_id),
                    self.index.is_visible(content_id, country, author_id),
                    self.reader.expect(content_id, country, author_id, "fail_closed"), question)


def test_the_index_fed_from_the_database_answers_as_the_model_does(
        engine: Any, sessions: Any, decision_to_enforce: int) -> None:
    with transaction(sessions) as s:  # account subjects: an account item restricts its author
        for author in SUBJECTS:
            content_registry.upsert(session=s, data=ContentUpsert(
                id=f"acct-{author}", url=f"https://social.example/@{author}", type="account",
                author_id=author))
    DatabaseMachine.engine, DatabaseMachine.sessions = engine, sessions
    DatabaseMachine.decision_id = decision_to_enforce
    run_state_machine_as_test(DatabaseMachine, settings=BOUNDED)
