"""Receipts of audit events for those who may hold them (docket.log.receipt is the format).

A receipt shows its holder the fields of one event they may read, each with the salt
that opens the leaf's commitment to it, and the proof that the leaf is in the log. What a
holder may read is an explicit allow-list per event action (:data:`SUBMITTER_FIELDS`):
a submitter reads what it sent and what was decided for it, never a reviewer's name,
notes or internal reasons, nor another party's data; staff who reach the record read
every field, as the audit log shows it to them. An action not on the list shows a
submitter its name and time only.

An event has a leaf only once it is sealed (its nonce is drawn then): until then it is
*pending*, and its receipt cannot exist yet. A sealed event's receipt carries the latest
signed checkpoint, if its tree holds the leaf, with the inclusion proof at its size read
from the stored hashes; otherwise its checkpoint is null and ``docket-verify`` asks the
log for the latest one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.audit.log_models import LogCheckpoint, LogLeaf
from docket.audit.models import Event
from docket.audit.sealer import event_fields, hash_reader
from docket.log import leaf, merkle, receipt
from docket.log.note import NoteError, Signer
from docket.settings import Settings

# Seconds after which a pending event is worth asking about again: the sealer's cadence
# (DOCKET_CHECKPOINT_SECONDS' default in issue 16), given as the answer's Retry-After.
RETRY_SECONDS = 60

_ALWAYS = frozenset({"action", "at"})
# What a submitter's receipt discloses, per action: the event's name, time and subject
# (the submitter's own request or item), and the payload fields that say what the
# submitter sent or what was decided for it. Never ``actor`` (a staff member who acted,
# or who confirmed a request drafted from a letter), reviewers' notes, rejection reasons,
# approval routing or feed cursors.
SUBMITTER_FIELDS: dict[str, frozenset[str]] = {
    "request:received": _ALWAYS | {
        "subject", "payload.channel", "payload.submitter_kind", "payload.jurisdiction",
        "payload.reason", "payload.status", "payload.missing", "payload.clock_rule", "payload.deadline_at",
        "payload.items", "payload.not_found"},
    "decision:made": _ALWAYS | {
        "subject", "payload.decision", "payload.outcome", "payload.scope", "payload.ground", "payload.law"},
    "decision:approved": _ALWAYS | {"subject", "payload.decision"},
    "decision:rejected": _ALWAYS | {"subject", "payload.decision"},
    "item:decided": _ALWAYS | {
        "subject", "payload.decision", "payload.outcome", "payload.scope", "payload.request_status"},
    "appeal:filed": _ALWAYS | {"subject", "payload.appeal", "payload.decision", "payload.appellant"},
    "appeal:decided": _ALWAYS | {"subject", "payload.appeal", "payload.decision", "payload.outcome"},
}


# The events each record's receipt holds: what docket recorded about the case.
REQUEST_ACTIONS = ("request:received", "item:decided")  # the acknowledgement; the effect given, per item
DECISION_ACTIONS = ("decision:made", "decision:approved", "decision:rejected", "item:decided")
APPEAL_ACTIONS = ("appeal:filed", "appeal:decided")


class Holder(StrEnum):
    submitter = "submitter"  # the submitter whose request the record is
    staff = "staff"  # staff who reach the record


def disclosed_names(action: str, holder: Holder, fields: Iterable[str]) -> list[str]:
    """The fields of an event with ``action`` that ``holder`` may read, of ``fields``."""
    if holder is Holder.staff:
        return sorted(fields)
    allowed = SUBMITTER_FIELDS.get(action, _ALWAYS)
    return sorted(name for name in fields if name in allowed)


@dataclass(frozen=True)
class LogIdentity:
    origin: str
    verifier_key: str | None
    log_url: str


def identity(settings: Settings) -> LogIdentity:
    """The log's origin, verifier key (None without a key file) and public URL."""
    base = settings.base_url.rstrip("/")
    parts = urlsplit(base)
    origin, vkey = f"{parts.netloc}{parts.path}/log", None
    if settings.log_key_file:
        path = Path(settings.log_key_file)
        try:
            found = _verifier_key(str(path), path.stat().st_mtime_ns)
        except OSError:
            found = None
        if found is not None:
            origin, vkey = found
    return LogIdentity(origin, vkey, f"{base}/api/v1/log")


@lru_cache(maxsize=4)
def _verifier_key(path: str, _mtime: int) -> tuple[str, str] | None:
    """The key file's name and verifier key (read again when the file changes)."""
    try:
        signer = Signer.parse(Path(path).read_text())
    except (OSError, NoteError):
        return None
    return signer.name, signer.verifier.key


@dataclass
class Receipts:
    """Receipts of some events, in ``seq`` order, and the events not sealed yet."""

    receipts: list[dict[str, Any]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"receipts": self.receipts, "pending": self.pending}


def events_about(session: Session, *, subjects: Sequence[str], actions: Iterable[str],
                 payload: tuple[str, int] | None = None) -> list[Event]:
    """The events about ``subjects`` with one of ``actions`` (and, if given, whose payload
    has ``payload = (key, value)``), in ``seq`` order."""
    if not subjects:
        return []
    found = session.execute(select(Event).where(Event.subject.in_(sorted(set(subjects))),
                                                Event.action.in_(sorted(set(actions))))
                            .order_by(Event.seq)).scalars().all()
    if payload is None:
        return list(found)
    key, value = payload
    return [e for e in found if e.payload.get(key) == value]


def receipts_for(session: Session, *, events: Sequence[Event], holder: Holder,
                 settings: Settings) -> Receipts:
    """The receipts of ``events`` for ``holder`` (see the module's docstring)."""
    out = Receipts()
    made = by_event(session, events=events, holder=holder, settings=settings)
    for event in sorted(events, key=lambda e: e.seq):
        found = made[event.seq]
        if found is None:
            out.pending.append({"seq": event.seq, "action": event.action})
        else:
            out.receipts.append(found)
    return out


def by_event(session: Session, *, events: Sequence[Event], holder: Holder,
             settings: Settings) -> dict[int, dict[str, Any] | None]:
    """Each event's receipt for ``holder`` by its ``seq``; None for an event not sealed yet."""
    if not events:
        return {}
    log = identity(settings)
    leaves = {int(row.seq): row for row in session.execute(
        select(LogLeaf.idx, LogLeaf.seq, LogLeaf.nonce).where(LogLeaf.seq.in_(sorted({e.seq for e in events}))))}
    latest = session.execute(select(LogCheckpoint.size, LogCheckpoint.note)
                             .order_by(LogCheckpoint.size.desc()).limit(1)).first()
    read = hash_reader(session)
    out: dict[int, dict[str, Any] | None] = {}
    for event in events:
        found = leaves.get(event.seq)
        if found is None:
            out[event.seq] = None
            continue
        fields = event_fields(event)
        index, nonce = int(found.idx), bytes(found.nonce)
        checkpoint, inclusion = None, None
        if latest is not None and int(latest.size) > index:
            size = int(latest.size)
            checkpoint, inclusion = str(latest.note), (size, merkle.inclusion_proof(index, size, read))
        out[event.seq] = receipt.make(
            origin=log.origin, leaf_index=index, leaf_data=leaf.leaf_data(seq=event.seq, fields=fields, nonce=nonce),
            disclosed=leaf.disclose(fields=fields, nonce=nonce, names=disclosed_names(event.action, holder, fields)),
            checkpoint=checkpoint, inclusion=inclusion, verifier_key=log.verifier_key, log_url=log.log_url)
    return out


def of_request(session: Session, *, request_id: int, item_ids: Iterable[int], holder: Holder, settings: Settings,
               actions: Sequence[str] = REQUEST_ACTIONS) -> Receipts:
    """The receipts of request ``request_id`` (whose items are ``item_ids``): its
    acknowledgement and the effect given to each item, or only ``actions``."""
    subjects = [f"request:{request_id}", *(f"item:{item_id}" for item_id in item_ids)]
    return receipts_for(session, events=events_about(session, subjects=subjects, actions=actions),
                        holder=holder, settings=settings)
