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

from docket import bulk
from docket.audit.models import ChainHead, Event
from docket.db import json_text, utcnow

GENESIS = "0" * 64
_ACTION = re.compile(r"^[a-z][a-z_]*:[a-z][a-z_]*$")


def canonical(value: Any) -> Any:
    """``value`` as it will read back from a JSON column (so hashing is stable)."""
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))


def event_hash(
    *, seq: int, at: dt.datetime, actor: str, action: str, subject: str,
    payload: dict[str, Any], prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON encoding of one event and the hash before it."""
    body = orjson.dumps(
        {
            "seq": seq,
            "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": actor,
            "action": action,
            "subject": subject,
            "payload": payload,
            "prev_hash": prev_hash,
        },
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(body).hexdigest()


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
) -> int:
    """Append one event to the chain inside the caller's transaction; return its sequence."""
    [seq] = record_many(session=session, events=[Pending(actor, action, subject, payload or {})])
    return seq


@dataclass(frozen=True)
class Pending:
    """One event to append with :func:`record_many`."""

    actor: str
    action: str
    subject: str
    payload: dict[str, Any]


# The head as this process last moved it: a hint that saves reading the head before an
# append. The head only moves if it still is what the hint says (a conditional UPDATE,
# which also locks the row as lock_chain does); if another transaction or process moved
# it, or ours rolled back, the update changes nothing and the append reads the head.
_head_hint: tuple[int, str] | None = None


def record_many(*, session: Session, events: Sequence[Pending]) -> list[int]:
    """Append several events at once: one move of the head, one multi-row INSERT. Batches
    call this last, just before commit, so the chain's lock is held for as short a time
    as possible."""
    global _head_hint
    if not events:
        return []
    for event in events:
        if not _ACTION.match(event.action):
            raise ValueError(f"audit action must look like 'noun:verb', got {event.action!r}")
    at = utcnow()
    payloads = canonical([event.payload for event in events])  # one round trip for all
    if session.get_bind().dialect.name == "postgresql":
        # Appenders queue on the head's row lock; a conditional update that waited its
        # turn only to find the head moved would queue a second time: lock first.
        rows = _chained(events, payloads, at, *lock_chain(session=session))
        _append_postgresql(session, rows)
        return [r["seq"] for r in rows]
    hint = _head_hint
    rows = _chained(events, payloads, at, *hint) if hint is not None else None
    if rows is None or session.connection().execute(_MOVE_HEAD_FROM, {
        "seq": rows[-1]["seq"], "hash": rows[-1]["hash"], "old_seq": hint[0],  # type: ignore[index]
        "old_hash": hint[1],  # type: ignore[index]
    }).rowcount != 1:
        rows = _chained(events, payloads, at, *lock_chain(session=session))
        session.execute(_MOVE_HEAD, {"seq": rows[-1]["seq"], "hash": rows[-1]["hash"]})
    bulk.insert_rows(session, Event.__table__, rows, returning=False)
    _head_hint = (rows[-1]["seq"], rows[-1]["hash"])
    return [r["seq"] for r in rows]


def _append_postgresql(session: Session, rows: list[dict[str, Any]]) -> None:
    """Move the head and insert the events in one statement (a few events) or two: the
    head's row stays locked until commit, so every round trip here is one every other
    appender waits for."""
    if len(rows) > _ONE_STATEMENT_EVENTS:
        session.execute(_MOVE_HEAD, {"seq": rows[-1]["seq"], "hash": rows[-1]["hash"]})
        bulk.insert_rows(session, Event.__table__, rows, returning=False)
        return
    one = "(%s, %s, %s, %s, %s, %s, %s, %s)"
    params: list[Any] = [rows[-1]["seq"], rows[-1]["hash"]]
    for r in rows:
        params += [r["seq"], r["at"], r["actor"], r["action"], r["subject"],
                   json_text(r["payload"]), r["prev_hash"], r["hash"]]
    session.connection().exec_driver_sql(
        "WITH moved AS (UPDATE audit_head SET seq = %s, hash = %s WHERE id = 1) "
        "INSERT INTO events (seq, at, actor, action, subject, payload, prev_hash, hash) "
        f"VALUES {', '.join([one] * len(rows))}", tuple(params))


_ONE_STATEMENT_EVENTS = 20


def _chained(events: Sequence[Pending], payloads: list[dict[str, Any]], at: dt.datetime,
             last_seq: int, prev_hash: str) -> list[dict[str, Any]]:
    """The rows of ``events``, chained after the event ``last_seq`` whose hash is ``prev_hash``."""
    rows = []
    for offset, (event, data) in enumerate(zip(events, payloads, strict=True), start=1):
        seq = last_seq + offset
        digest = event_hash(seq=seq, at=at, actor=event.actor, action=event.action,
                            subject=event.subject, payload=data, prev_hash=prev_hash)
        rows.append({"seq": seq, "at": at, "actor": event.actor, "action": event.action,
                     "subject": event.subject, "payload": data, "prev_hash": prev_hash,
                     "hash": digest})
        prev_hash = digest
    return rows


_HEAD = ChainHead.__table__
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
    head = session.get(ChainHead, 1)
    if head is not None and (head.seq != count or head.hash != prev):
        return Verification(
            False, count, count + 1,
            f"the chain ends at event {count} but its head records event {head.seq}",
        )
    return Verification(True, count)


def count_events(*, session: Session) -> int:
    return session.execute(select(func.count()).select_from(Event)).scalar_one()


def list_events(
    *, session: Session, subject: str | None = None, action: str | None = None,
    after: int = 0, limit: int = 100,
) -> Sequence[Event]:
    """Events in chain order, optionally for one subject or action."""
    query = select(Event).where(Event.seq > after)
    if subject:
        query = query.where(Event.subject == subject)
    if action:
        query = query.where(Event.action == action)
    return session.execute(query.order_by(Event.seq).limit(limit)).scalars().all()
