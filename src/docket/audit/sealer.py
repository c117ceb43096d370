"""Seal audit events into the verifiable log's Merkle tree, and sign its checkpoints.

The tree has one leaf per event, in ``seq`` order: leaf ``i`` is event ``i + 1`` when the
whole history is sealed. Sealing takes the events after the last sealed one, gives each a
random 128-bit nonce, and appends their leaf hashes and the hashes of the subtrees they
complete to ``log_hashes`` (docket.log.merkle: O(new + log₂ n) hash work, at most
log₂ n + 1 stored hashes read). Nothing here recomputes the tree.

Events get their ``seq`` under the chain head's lock, held to their commit, so a reader
that sees event n sees every event before it; a gap in ``seq`` past the sealed ones
therefore means an event was deleted, and sealing stops there rather than seal around it.
Sealers and signers are serialized: SQLite has one writer at a time, and on PostgreSQL
they take a transaction-level advisory lock (two sealers racing would also collide on the
leaves' primary key, which rolls one back).

Not wired into ``docket serve`` or the jobs yet: ``docket log checkpoint`` runs it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket import store
from docket.audit.log_models import LogCheckpoint, LogHash, LogLeaf
from docket.audit.models import Event
from docket.log import leaf, merkle
from docket.log.checkpoint import Checkpoint
from docket.log.note import Signer
from docket.store import utcnow

NONCE_BYTES = 16
SEAL_BATCH = 10_000
_LOCK = "docket:log-sealer"  # the key the store's backend locks (PostgreSQL: an advisory lock)


class SealError(Exception):
    """The log cannot grow as it is: an event is missing, or the stored tree disagrees
    with the last signed checkpoint."""


def event_fields(event: Event) -> dict[str, Any]:
    """The fields of ``event`` its leaf commits to (docket.log.leaf.event_fields), the time
    as the chain writes it."""
    return leaf.event_fields(action=event.action, actor=event.actor, at=stamp(event.at),
                             subject=event.subject, payload=event.payload)


def stamp(at: dt.datetime) -> str:
    """An event's time as the chain and the leaf data write it: UTC, microseconds, ``Z``."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def leaf_data(event: Event, nonce: bytes) -> bytes:
    """An event's leaf data (docket.log.leaf): its ``seq``, and a salted commitment to each
    field, salted from the nonce, so a published leaf hash reveals nothing about a
    confidential event and a receipt can disclose some fields and hide the others."""
    return leaf.leaf_data(seq=event.seq, fields=event_fields(event), nonce=nonce)


def tree_size(*, session: Session) -> int:
    """How many events are sealed: the tree's size."""
    last = session.execute(select(func.max(LogLeaf.idx))).scalar_one()
    return 0 if last is None else int(last) + 1


def hash_reader(session: Session) -> merkle.HashReader:
    """The stored hashes, read from ``log_hashes`` in one query per call."""
    def read(indexes: Sequence[int]) -> list[bytes]:
        rows = session.execute(select(LogHash.idx, LogHash.hash).where(LogHash.idx.in_(set(indexes))))
        found: dict[int, bytes] = {int(idx): bytes(digest) for idx, digest in rows}
        missing = [i for i in indexes if i not in found]
        if missing:
            raise LookupError(f"the log's stored hashes {missing[:5]} are missing")
        return [found[i] for i in indexes]
    return read


def _serialize(session: Session) -> None:
    """One sealer or signer at a time, until the transaction ends (SQLite: one writer already)."""
    store.backend_of(session).lock_keys(session, [_LOCK])


@dataclass(frozen=True)
class Sealed:
    size: int  # the tree's size after sealing
    added: int  # leaves added


def seal(*, session: Session, limit: int = SEAL_BATCH) -> Sealed:
    """Append up to ``limit`` events after the last sealed one to the tree, in the
    caller's transaction. Call again until ``added`` is 0 to seal a backlog."""
    _serialize(session)
    size = tree_size(session=session)
    last_seq = 0 if size == 0 else session.execute(
        select(LogLeaf.seq).where(LogLeaf.idx == size - 1)).scalar_one()
    events = session.execute(
        select(Event).where(Event.seq > last_seq).order_by(Event.seq).limit(limit)).scalars().all()
    for offset, event in enumerate(events, start=1):
        if event.seq != last_seq + offset:
            raise SealError(f"event {last_seq + offset} is missing (the next is {event.seq}): "
                            "the log does not seal around a gap")
    if not events:
        return Sealed(size, 0)
    leaves: list[dict[str, Any]] = []
    for idx, event in enumerate(events, start=size):
        nonce = secrets.token_bytes(NONCE_BYTES)
        leaves.append({"idx": idx, "seq": event.seq, "nonce": nonce,
                       "hash": merkle.leaf_hash(leaf_data(event, nonce))})
    new = merkle.append_leaves(size, [leaf["hash"] for leaf in leaves], hash_reader(session))
    first = merkle.stored_hash_count(size)
    store.insert_rows(session, LogLeaf, leaves, returning=False)
    store.insert_rows(session, LogHash, [{"idx": first + i, "hash": h} for i, h in enumerate(new)],
                      returning=False)
    return Sealed(size + len(events), len(events))


@dataclass(frozen=True)
class Signed:
    checkpoint: Checkpoint
    note: str  # the signed note
    new: bool  # False: the tree had not grown since the last checkpoint, which is returned


def sign_checkpoint(*, session: Session, signer: Signer) -> Signed:
    """Sign a checkpoint of the tree as it stands, unless the last one has its size.

    Before signing, the stored tree must prove itself consistent with the last checkpoint
    (a consistency proof from the stored hashes, verified): a tree whose stored hashes
    were rewritten is not signed, as signing it would fork the log."""
    _serialize(session)
    size = tree_size(session=session)
    read = hash_reader(session)
    last = session.execute(
        select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1)).scalar_one_or_none()
    if last is not None and last.size == size:
        return Signed(Checkpoint.parse(_body(last.note)), last.note, new=False)
    root = merkle.tree_hash(size, read)
    if last is not None and last.size > 0:
        try:
            merkle.verify_consistency(last.size, size, last.root, root,
                                      merkle.consistency_proof(last.size, size, read))
        except (merkle.ProofError, ValueError) as exc:
            raise SealError(f"the stored tree of {size} leaves does not extend the checkpoint of "
                            f"{last.size}: {exc}") from None
    checkpoint = Checkpoint(signer.name, size, root)
    note = checkpoint.sign(signer)
    session.add(LogCheckpoint(size=size, root=root, note=note, signed_at=utcnow()))
    return Signed(checkpoint, note, new=True)


def _body(note: str) -> str:
    return note[:note.index("\n\n") + 1]
