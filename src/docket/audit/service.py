"""Append to and verify the audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from docket import runtime, store
from docket.audit.models import ChainHead, Event
from docket.store import json_text, utcnow

GENESIS = "0" * 64
_ACTION = re.compile(r"^[a-z][a-z_]*:[a-z][a-z_]*$")


def canonical(value: Any) -> Any:
    """``value`` as it will read back from a JSON column (so hashing is stable)."""
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))


def event_hash(
    *, seq: int, at: dt.datetime, actor: str, action: str, subject: str,
    payload: dict[str, Any], prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON encoding of one event and the hash before it: the
    object with keys sorted and no whitespace (orjson's ``OPT_SORT_KEYS``)."""
    head, tail = _hash_parts(at=at, actor=actor, action=action, subject=subject, payload=payload)
    return _link(head, prev_hash, seq, tail)


def _hash_parts(*, at: dt.datetime, actor: str, action: str, subject: str,
                payload: dict[str, Any]) -> tuple[bytes, bytes]:
    """The canonical JSON of an event cut around its two chain fields: ``head`` ends just
    before ``prev_hash``'s value, ``tail`` starts after ``seq``'s. With sorted keys they
    are adjacent (…, "payload", "prev_hash", "seq", "subject"), so the hash can be
    finished by whoever holds the chain's head (on PostgreSQL: the database, see
    ``docket_audit_append``) from these two strings alone."""
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    head = (b'{"action":' + orjson.dumps(action) + b',"actor":' + orjson.dumps(actor)
            + b',"at":' + orjson.dumps(stamp)
            + b',"payload":' + orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
            + b',"prev_hash":"')
    return head, b',"subject":' + orjson.dumps(subject) + b"}"


def _link(head: bytes, prev_hash: str, seq: int, tail: bytes) -> str:
    return hashlib.sha256(b"%s%s\",\"seq\":%d%s" % (head, prev_hash.encode(), seq, tail)).hexdigest()


def lock_chain(*, session: Session) -> tuple[int, str]:
    """Lock the chain's head row until the transaction ends; return its (seq, hash).

    Two transactions appending at once would otherwise both chain onto the same
    predecessor and fork the chain (PostgreSQL; SQLite serializes writers already).
    Other logs that must grow in commit order (the restriction feed) take it too."""
    row = session.execute(
        select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1).with_for_update()
    ).one()
    return int(row.seq), str(row.hash)


def record(
    *, session: Session, actor: str, action: str, subject: str,
    payload: dict[str, Any] | None = None,
) -> None:
    """Append one event to the chain inside the caller's transaction."""
    record_many(session=session, events=[NewEvent(actor, action, subject, payload or {})])


@dataclass(frozen=True)
class NewEvent:
    """One event to append with :func:`record_many` (its place in the chain and its hash
    are given when it is appended)."""

    actor: str
    action: str
    subject: str
    payload: dict[str, Any]


def record_many(*, session: Session, events: Sequence[NewEvent]) -> None:
    """Append several events at once, in the caller's transaction. Batches call this last,
    just before commit, so the chain's lock is held for as short a time as possible.

    On PostgreSQL this is one statement that reads no result (``docket_audit_append``
    locks the head, finishes the hashes and inserts the events), so it can travel with
    the transaction's other writes and its COMMIT in one round trip
    (:func:`docket.store.write_and_commit`)."""
    if not events:
        return
    for event in events:
        if not _ACTION.match(event.action):
            raise ValueError(f"audit action must look like 'noun:verb', got {event.action!r}")
    at = utcnow()
    payloads = canonical([event.payload for event in events])  # one round trip for all
    parts = [_hash_parts(at=at, actor=e.actor, action=e.action, subject=e.subject, payload=data)
             for e, data in zip(events, payloads, strict=True)]
    backend = store.backend_of(session)
    if backend.appends_events_in_database:
        if len(events) <= _FUNCTION_EVENTS or store.collecting(session):
            # One call of docket_audit_append (migration 0011), which holds the head's row
            # lock from its first line to the commit: no round trip to Python under it.
            backend.append_events(session, at, orjson.dumps([
                {"actor": e.actor, "action": e.action, "subject": e.subject, "payload": json_text(data),
                 "head": head.decode(), "tail": tail.decode()}
                for e, data, (head, tail) in zip(events, payloads, parts, strict=True)]).decode())
            return
        # A large batch (user reports): hashing in Python and COPY cost less than the
        # function's loop (about 13 µs an event in PL/pgSQL); the head stays locked for a
        # few round trips, in a transaction that holds its case locks anyway.
        rows = _chained(events, payloads, parts, at, *lock_chain(session=session))
        session.execute(_MOVE_HEAD, {"seq": rows[-1]["seq"], "hash": rows[-1]["hash"]})
        store.insert_rows(session, Event, rows, returning=False)
        return
    # The head as this application last moved it (one writer: SQLite; kept in its runtime):
    # a hint that saves reading the head before an append. The head only moves if it still is what the
    # hint says (a conditional UPDATE, which also locks the row as lock_chain does); if
    # another transaction, application or process moved it, or ours rolled back, the update
    # changes nothing and the append reads the head.
    state = runtime.of(session)
    hint = state.head_hint
    rows = _chained(events, payloads, parts, at, *hint) if hint is not None else []
    if hint is None or session.connection().execute(_MOVE_HEAD_FROM, {
        "seq": rows[-1]["seq"], "hash": rows[-1]["hash"], "old_seq": hint[0],
        "old_hash": hint[1],
    }).rowcount != 1:
        rows = _chained(events, payloads, parts, at, *lock_chain(session=session))
        session.execute(_MOVE_HEAD, {"seq": rows[-1]["seq"], "hash": rows[-1]["hash"]})
    store.insert_rows(session, Event, rows, returning=False)
    state.head_hint = (rows[-1]["seq"], rows[-1]["hash"])


_FUNCTION_EVENTS = 20  # appends of up to this many events go through docket_audit_append


def _chained(events: Sequence[NewEvent], payloads: list[dict[str, Any]],
             parts: list[tuple[bytes, bytes]], at: dt.datetime,
             last_seq: int, prev_hash: str) -> list[dict[str, Any]]:
    """The rows of ``events``, chained after the event ``last_seq`` whose hash is ``prev_hash``."""
    rows = []
    for offset, (event, data, (head, tail)) in enumerate(zip(events, payloads, parts, strict=True),
                                                          start=1):
        seq = last_seq + offset
        digest = _link(head, prev_hash, seq, tail)
        rows.append({"seq": seq, "at": at, "actor": event.actor, "action": event.action,
                     "subject": event.subject, "payload": data, "prev_hash": prev_hash,
                     "hash": digest})
        prev_hash = digest
    return rows


_HEAD = store.table(ChainHead)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)
_MOVE_HEAD_FROM = (update(_HEAD).where(_HEAD.c.id == 1, _HEAD.c.seq == bindparam("old_seq"),
                                       _HEAD.c.hash == bindparam("old_hash"))
                   .values(seq=bindparam("seq"), hash=bindparam("hash")))


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    bad_seq: int | None = None
    problem: str | None = None


def verify(*, session: Session, batch: int = 5000, progress: Any = None) -> Verification:
    """Walk the whole chain in order and report the first event that does not fit."""
    expected_seq, prev = 1, GENESIS
    last_seq = 0
    while True:
        rows: Sequence[Event] = session.execute(
            select(Event).where(Event.seq > last_seq).order_by(Event.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                return Verification(
                    False, expected_seq - 1, expected_seq,
                    f"event {expected_seq} is missing (next is {ev.seq})",
                )
            if ev.prev_hash != prev:
                return Verification(
                    False, ev.seq - 1, ev.seq,
                    f"event {ev.seq} does not follow event {ev.seq - 1} (prev_hash differs)",
                )
            digest = event_hash(
                seq=ev.seq, at=ev.at, actor=ev.actor, action=ev.action,
                subject=ev.subject, payload=ev.payload, prev_hash=ev.prev_hash,
            )
            if digest != ev.hash:
                return Verification(
                    False, ev.seq - 1, ev.seq, f"event {ev.seq} was altered (hash differs)"
                )
            prev, expected_seq, last_seq = ev.hash, ev.seq + 1, ev.seq
        if progress is not None:
            progress(len(rows))
        session.expunge_all()
    count = expected_seq - 1
    # The head is written with every append: it is what shows that events were cut off
    # the end, or that the last ones were rewritten and re-hashed (the links would hold).
    head = session.get(ChainHead, 1)
    if head is None:
        return Verification(False, count, None, "the chain's head is missing (it was deleted)")
    if head.seq != count:
        return Verification(
            False, count, count + 1 if head.seq > count else head.seq + 1,
            f"the chain ends at event {count} but its head records event {head.seq}",
        )
    if head.hash != prev:
        return Verification(
            False, count, count,
            f"the head's hash does not match event {count}: the last events or the head "
            "were rewritten",
        )
    return Verification(True, count)


def count_events(*, session: Session) -> int:
    return session.execute(select(func.count()).select_from(Event)).scalar_one()


def list_events(
    *, session: Session, subject: str | None = None, action: str | None = None,
    actor: str | None = None, since: dt.datetime | None = None, until: dt.datetime | None = None,
    after: int = 0, limit: int = 100,
) -> Sequence[Event]:
    """Events in chain order after ``after``, optionally for one subject, action or actor
    and recorded in ``[since, until)``."""
    query = select(Event).where(Event.seq > after)
    if subject:
        query = query.where(Event.subject == subject)
    if action:
        query = query.where(Event.action == action)
    if actor:
        query = query.where(Event.actor == actor)
    if since is not None:
        query = query.where(Event.at >= since)
    if until is not None:
        query = query.where(Event.at < until)
    return session.execute(query.order_by(Event.seq).limit(limit)).scalars().all()
