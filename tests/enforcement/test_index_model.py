"""The server's restriction index against a reference model (tests/enforcement/index_model.py).

Random histories of starts (several on one subject, overlapping scopes), ends,
changes of end time, expiries on an injected clock, duplicated and replayed feed
changes, content and account subjects, and snapshot loads go to the model and to
two indexes (failing closed and failing open on an unknown country), fed the way
``FeedFollower`` feeds the server's index: ``load(rows, cursor)`` and ``apply(change)``.
After every step every answer is compared: ``is_visible`` (the fast path), ``check``
(the full verdict), ``len`` and ``cursor``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from docket.enforcement.index import RestrictionIndex
from tests.enforcement.index_model import DocketSide, compare, questions

BOUNDED = settings(max_examples=150, stateful_step_count=30, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow])


class ServerIndexMachine(DocketSide):
    def __init__(self) -> None:
        super().__init__()
        self.indexes = {mode: RestrictionIndex(unknown_country=mode, clock=self.clock)
                        for mode in ("fail_closed", "fail_open")}

    # ------------------------------------------------------------ the index's side
    def _apply(self, first: int, last: int) -> None:
        """Apply the feed's changes with cursors first..last, in order."""
        for change in self.server.feed[first - 1:last]:
            for index in self.indexes.values():
                index.apply(change)
        self.reader.read_to(last)

    @precondition(lambda self: self.reader.cursor < self.server.cursor)
    @rule(data=st.data())
    def follow(self, data: st.DataObject) -> None:
        """Apply the next few changes (the follower's catch_up, one page)."""
        last = data.draw(st.integers(self.reader.cursor + 1, self.server.cursor))
        self._apply(self.reader.cursor + 1, last)

    @precondition(lambda self: self.reader.cursor > 0)
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        """A reader that reconnects from an older cursor sees changes it has applied again."""
        after = data.draw(st.integers(0, self.reader.cursor - 1))
        last = data.draw(st.integers(self.reader.cursor, self.server.cursor))
        self._apply(after + 1, last)

    @precondition(lambda self: self.reader.cursor > 0)
    @rule()
    def the_same_change_twice(self) -> None:
        self._apply(self.reader.cursor, self.reader.cursor)

    @rule()
    def load_snapshot(self) -> None:
        cursor, rows = self.server.snapshot()
        for index in self.indexes.values():
            assert index.load(iter(rows), cursor) == len(rows)
        self.reader.load(cursor)

    # ------------------------------------------------------------ every answer
    @invariant()
    def answers_match_the_model(self) -> None:
        for mode, index in self.indexes.items():
            assert index.cursor == self.reader.cursor
            assert len(index) == self.reader.subjects()
            assert index.wait_past(self.reader.cursor - 1, timeout=0)
            assert not index.wait_past(self.reader.cursor, timeout=0)
            for question in questions():
                content_id, country, author_id = question
                compare(index.check(content_id, country, author_id),
                        index.is_visible(content_id, country, author_id),
                        self.reader.expect(content_id, country, author_id, mode), question)
        # The batch route passes its own time: a day later, as the model sees it then.
        later, index = self.clock.now + 86400, self.indexes["fail_closed"]
        for question in questions():
            content_id, country, author_id = question
            verdict = index.check(content_id, country, author_id, now=later)
            expected = self.reader.expect(content_id, country, author_id, "fail_closed", now=later)
            compare(verdict, expected[0], expected, question)


ServerIndexMachine.TestCase.settings = BOUNDED
test_the_server_index_answers_as_the_model_does = ServerIndexMachine.TestCase


def test_the_unknown_country_rule_is_checked() -> None:
    with pytest.raises(ValueError, match="unknown_country must be fail_closed or fail_open"):
        RestrictionIndex(unknown_country="fail_sideways")
