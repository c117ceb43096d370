"""A reference model of the restriction index, and the feed it is fed from.

Deliberately simple: the server's side is a list of restriction records and the
change feed they produced; what a reader should answer is computed by brute force
over that list. The stateful tests (``test_index_model.py`` for the server's index,
``tests/client/test_replica_model.py`` for the replica) drive the real index and
this model with the same random histories and compare every answer.

A reader (an index) that has applied the feed up to cursor ``C`` and last loaded a
snapshot at cursor ``L`` (taken at time ``t``) holds exactly the records that
started at or before ``C``, have not ended at or before ``C``, and were not left out
of that snapshot because they had already run out at ``t``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from docket.enforcement.index import Verdict

# The model's clock starts here (2096-10-02), whatever the wall clock says; far enough
# ahead that a snapshot taken at the wall clock (FeedFollower.load) never finds one of
# the model's restrictions over.
T0 = 4_000_000_000.0
SCOPED = ["KZ", "DE", "TR"]
# US is never restricted; None stands for a country docket does not know.
COUNTRIES: list[str | None] = [*SCOPED, "US", None]
SUBJECTS = ["a", "b"]  # the same ids name content and accounts, so a mix-up of the two shows
CONTENT = [*SUBJECTS, "z"]
AUTHORS: list[str | None] = [None, *SUBJECTS, "z"]
KINDS = ["legal_demand", "local_law", "policy"]

subject_kinds = st.sampled_from(["content", "account"])
subject_ids = st.sampled_from(SUBJECTS)
scopes = st.one_of(st.just(("*",)), st.lists(st.sampled_from(SCOPED), min_size=1, max_size=3,
                                             unique=True).map(tuple))
notice_kinds = st.sampled_from(KINDS)
# Seconds from now until a temporary restriction runs out; None for indefinitely.
lifetimes = st.one_of(st.none(), st.sampled_from([60.0, 3600.0, 86400.0]))
steps = st.sampled_from([30.0, 600.0, 3600.0, 2 * 86400.0])


class Clock:
    """The injected clock: POSIX seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@dataclass
class Record:
    id: int
    subject_kind: str
    subject_id: str
    scope: tuple[str, ...]
    notice_kind: str
    ends_at: float | None
    started: int  # the cursor of its start change
    ended: int | None = None  # the cursor of its end change

    def row(self) -> dict[str, Any]:
        """As the snapshot serves it (enforcement.service.snapshot)."""
        return {"id": self.id, "subject_kind": self.subject_kind, "subject_id": self.subject_id,
                "scope": list(self.scope), "notice_kind": self.notice_kind,
                "ends_at": _iso(self.ends_at, self.id)}

    def change(self, op: str, cursor: int) -> dict[str, Any]:
        """As the feed serves it (enforcement.service.change_dict)."""
        return {"cursor": cursor, "op": op, "restriction_id": self.id,
                "subject_kind": self.subject_kind, "subject_id": self.subject_id,
                "scope": list(self.scope), "notice_kind": self.notice_kind,
                "ends_at": _iso(self.ends_at, self.id + cursor), "at": "2027-01-15T00:00:00+00:00"}


def _iso(epoch: float | None, form: int = 0) -> str | None:
    """An ISO 8601 time in one of the forms a reader must take: +00:00, Z, or naive (UTC)."""
    if epoch is None:
        return None
    text = dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat()
    return (text, text.replace("+00:00", "Z"), text.removesuffix("+00:00"))[form % 3]


@dataclass
class Server:
    """docket's side: restriction records and the change feed, as enforcement.service keeps them."""

    clock: Clock
    base: int = 0  # the feed's cursor before the first record (a database may have history)
    records: list[Record] = field(default_factory=list)
    feed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cursor(self) -> int:
        return self.base + len(self.feed)

    def start(self, subject_kind: str, subject_id: str, scope: tuple[str, ...], notice_kind: str,
              lifetime: float | None) -> Record:
        ends_at = None if lifetime is None else self.clock.now + lifetime
        record = Record(len(self.records) + 1, subject_kind, subject_id, scope, notice_kind,
                        ends_at, started=self.cursor + 1)
        self.records.append(record)
        self.feed.append(record.change("start", record.started))
        return record

    def end(self, record: Record) -> None:
        assert record.ended is None
        record.ended = self.cursor + 1
        self.feed.append(record.change("end", record.ended))

    def running(self) -> list[Record]:
        return [r for r in self.records if r.ended is None]

    def expire_due(self) -> list[Record]:
        """End every restriction whose period is over, in id order (service.expire_due)."""
        due = [r for r in self.running() if r.ends_at is not None and r.ends_at <= self.clock.now]
        for record in due:
            self.end(record)
        return due

    def snapshot(self) -> tuple[int, list[dict[str, Any]]]:
        """The cursor and the rows of every active restriction (service.snapshot)."""
        now = self.clock.now
        return self.cursor, [r.row() for r in self.running()
                             if r.ends_at is None or r.ends_at > now]

    def changes_after(self, after: int, limit: int) -> list[dict[str, Any]]:
        return self.feed[after - self.base:after - self.base + limit]


Expected = tuple[bool, list[str] | str, set[str | None], str]


@dataclass
class Reader:
    """What one index should hold: how far it has read the feed, and its last snapshot."""

    server: Server
    cursor: int = 0
    loaded_at: int = 0  # the cursor of the last snapshot loaded
    loaded_when: float = 0.0  # the clock when it was taken

    def load(self, cursor: int, when: float | None = None) -> None:
        """A snapshot current to ``cursor``, taken at ``when`` (by default the model's clock)."""
        self.cursor = self.loaded_at = cursor
        self.loaded_when = self.server.clock.now if when is None else when

    def read_to(self, cursor: int) -> None:
        self.cursor = max(self.cursor, cursor)  # a change seen twice is applied once

    def held(self) -> list[Record]:
        out = []
        for r in self.server.records:
            if r.started > self.cursor or (r.ended is not None and r.ended <= self.cursor):
                continue
            left_out = (r.started <= self.loaded_at and r.ends_at is not None
                        and r.ends_at <= self.loaded_when)
            if not left_out:
                out.append(r)
        return out

    def subjects(self) -> int:
        """How many subjects have a restriction held (``len(index)``), run out or not."""
        return len({(r.subject_kind, r.subject_id) for r in self.held()})

    def expect(self, content_id: str, country: str | None, author_id: str | None,
               unknown_country: str, now: float | None = None) -> Expected:
        """visible, withheld_in, the notice kinds allowed, rule: by brute force over the records."""
        now = self.server.clock.now if now is None else now
        applies = [r for r in self.held() if (r.ends_at is None or now < r.ends_at) and (
            (r.subject_kind == "content" and r.subject_id == content_id)
            or (r.subject_kind == "account" and r.subject_id == author_id))]
        if not applies:
            return True, [], {None}, "country"
        everywhere = [r for r in applies if "*" in r.scope]
        withheld: list[str] | str = (
            "global" if everywhere else sorted({c for r in applies for c in r.scope}))
        if country is None:
            if unknown_country == "fail_open":
                return True, withheld, {None}, "fail_open"
            return False, withheld, {r.notice_kind for r in (everywhere or applies)}, "fail_closed"
        hiding = everywhere or [r for r in applies if country in r.scope]
        if not hiding:
            return True, withheld, {None}, "country"
        return False, withheld, {r.notice_kind for r in hiding}, "country"


def questions() -> Iterator[tuple[str, str | None, str | None]]:
    """Every (content, country, author) the comparisons ask about."""
    for content_id in CONTENT:
        for country in COUNTRIES:
            for author_id in AUTHORS:
                yield content_id, country, author_id


def compare(verdict: Verdict, fast: bool, expected: Expected,
            question: tuple[str, str | None, str | None]) -> None:
    visible, withheld, kinds, rule = expected
    got = (verdict.visible, verdict.withheld_in, verdict.kind, verdict.rule, fast)
    assert verdict.visible == visible, (question, got, expected)
    assert fast == visible, (question, "is_visible", got, expected)
    assert verdict.withheld_in == withheld, (question, got, expected)
    assert verdict.kind in kinds, (question, got, expected)
    assert verdict.rule == rule, (question, got, expected)


class DocketSide(RuleBasedStateMachine):
    """The rules that change docket's restrictions; a subclass adds a reader and compares it."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.server = Server(self.clock)
        self.reader = Reader(self.server)

    @rule(subject_kind=subject_kinds, subject_id=subject_ids, scope=scopes, kind=notice_kinds,
          lifetime=lifetimes)
    def start(self, subject_kind: str, subject_id: str, scope: tuple[str, ...], kind: str,
              lifetime: float | None) -> None:
        self._start(self.server.start(subject_kind, subject_id, scope, kind, lifetime))

    @precondition(lambda self: self.server.records)
    @rule(data=st.data(), scope=scopes, kind=notice_kinds, lifetime=lifetimes)
    def start_another_on_one_subject(self, data: st.DataObject, scope: tuple[str, ...],
                                     kind: str, lifetime: float | None) -> None:
        """Several restrictions on one subject: another decision about the same content."""
        on = data.draw(st.sampled_from(self.server.running() or self.server.records))
        self._start(self.server.start(on.subject_kind, on.subject_id, scope, kind, lifetime))

    @precondition(lambda self: self.server.running())
    @rule(data=st.data())
    def end(self, data: st.DataObject) -> None:
        """A reversal: the restriction ends before its time."""
        record = data.draw(st.sampled_from(self.server.running()))
        self.server.end(record)
        self._end(record)

    @precondition(lambda self: self.server.running())
    @rule(data=st.data(), lifetime=lifetimes)
    def change_end_time(self, data: st.DataObject, lifetime: float | None) -> None:
        """A new end time: the restriction ends and one like it starts with the new end."""
        old = data.draw(st.sampled_from(self.server.running()))
        self.server.end(old)
        self._end(old)
        self._start(self.server.start(old.subject_kind, old.subject_id, old.scope,
                                      old.notice_kind, lifetime))

    @rule(seconds=steps)
    def time_passes(self, seconds: float) -> None:
        self.clock.now += seconds

    @precondition(lambda self: any(r.ends_at is not None and r.ends_at > self.clock.now
                                   for r in self.server.running()))
    @rule(data=st.data())
    def time_reaches_an_end(self, data: st.DataObject) -> None:
        """The clock stops exactly at a restriction's end: from that instant it is over."""
        ends = sorted({r.ends_at for r in self.server.running()
                       if r.ends_at is not None and r.ends_at > self.clock.now})
        self.clock.now = data.draw(st.sampled_from(ends))

    @rule()
    def expire_due(self) -> None:
        self._expire(self.server.expire_due())

    # What the model's server did, done again by a subclass with a real one.
    def _start(self, record: Record) -> None:
        pass

    def _end(self, record: Record) -> None:
        pass

    def _expire(self, due: list[Record]) -> None:
        pass
