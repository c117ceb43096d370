"""What the verifiable log's public endpoints read (checkpoints, proofs and leaf hashes),
and the cadence at which ``docket serve`` signs checkpoints.

Every proof is made from ``log_hashes`` (docket.log.merkle says which stored hashes a
proof needs); they are read in one statement with the store's plain-SQL read, together
with the stored hash of the tree's last leaf: a hash that is not there means the size
asked for is beyond the sealed tree. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket import runtime, store
from docket.audit.log_models import LogCheckpoint, LogHash, LogLeaf
from docket.audit.models import Event
from docket.audit.sealer import Signed, sign_checkpoint, tree_size
from docket.log import merkle
from docket.log.note import NoteError, Signer

MAX_LEAVES = 1000  # leaf hashes per call of GET /api/v1/log/leaves
HASH_CACHE_ENTRIES = 65_536  # stored hashes an application keeps (about 12 MB)
# Signers of every process take it before deciding whether a checkpoint is due, so that
# several processes sign at most one checkpoint per interval between them.
_SIGNER_LOCK = "docket:log-signer"


class BeyondTree(LookupError):
    """A size or index past the sealed tree."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the log's sealed tree has {size} leaves")
        self.size = size


class KeyFileError(ValueError):
    """DOCKET_LOG_KEY_FILE cannot be read or holds no signing key."""


def default_origin(base_url: str) -> str:
    """The log's name for a docket at ``base_url``: its host and path, then ``/log``."""
    base = urlsplit(base_url)
    return f"{base.netloc}{base.path.rstrip('/')}/log"


def load_signer(path: str | None) -> Signer | None:
    """The log's signing key from ``path`` (None when no path is set)."""
    if not path:
        return None
    try:
        return Signer.parse(Path(path).read_text())
    except OSError as exc:
        raise KeyFileError(f"cannot read {path}: {exc.strerror} (docket log keygen writes it)") from None
    except NoteError as exc:
        raise KeyFileError(f"{path}: {exc}") from None


def unsealed_events(*, session: Session) -> int:
    """How many committed audit events are not in the tree yet (two index look-ups)."""
    last_event = session.execute(select(func.max(Event.seq))).scalar_one()
    if last_event is None:
        return 0
    last_sealed = session.execute(
        select(LogLeaf.seq).order_by(LogLeaf.idx.desc()).limit(1)).scalar_one_or_none()
    return max(0, int(last_event) - int(last_sealed or 0))


def sign_if_due(*, session: Session, signer: Signer, every: dt.timedelta, now: dt.datetime) -> Signed | None:
    """Sign a checkpoint of the tree if it grew since the last one and that one was
    signed at least ``every`` before ``now``; None if none was due."""
    store.backend_of(session).lock_keys(session, [_SIGNER_LOCK])
    last = session.execute(select(LogCheckpoint.size, LogCheckpoint.signed_at)
                           .order_by(LogCheckpoint.size.desc()).limit(1)).first()
    size = tree_size(session=session)
    if size == 0:
        return None  # no proof starts from the empty tree: nothing to sign
    if last is not None:
        signed_at = last.signed_at if last.signed_at.tzinfo else last.signed_at.replace(tzinfo=dt.UTC)
        if last.size == size or now - signed_at < every:
            return None
    return sign_checkpoint(session=session, signer=signer)


@dataclass(frozen=True)
class LogState:
    tree_size: int
    unsealed: int
    checkpoint_size: int | None
    checkpoint_at: dt.datetime | None


def state(*, session: Session) -> LogState:
    """The tree's size, the events waiting to be sealed and the latest checkpoint."""
    last = session.execute(select(LogCheckpoint.size, LogCheckpoint.signed_at)
                           .order_by(LogCheckpoint.size.desc()).limit(1)).first()
    signed_at = None
    if last is not None:
        signed_at = last.signed_at if last.signed_at.tzinfo else last.signed_at.replace(tzinfo=dt.UTC)
    return LogState(tree_size(session=session), unsealed_events(session=session),
                    None if last is None else int(last.size), signed_at)


def leaf_indexes(*, session: Session, seqs: Sequence[int]) -> dict[int, int]:
    """{event seq: its leaf index} for those of ``seqs`` sealed into the tree."""
    if not seqs:
        return {}
    rows = session.execute(select(LogLeaf.seq, LogLeaf.idx).where(LogLeaf.seq.in_(list(seqs))))
    return {int(seq): int(idx) for seq, idx in rows}


def recent_checkpoints(*, session: Session, limit: int = 10) -> Sequence[LogCheckpoint]:
    """The last ``limit`` checkpoints signed, the largest first."""
    return session.execute(select(LogCheckpoint).order_by(LogCheckpoint.size.desc())
                           .limit(limit)).scalars().all()


def latest_checkpoint(*, session: Session) -> str | None:
    """The signed note of the largest checkpoint signed, or None before the first."""
    return session.execute(select(LogCheckpoint.note).order_by(LogCheckpoint.size.desc())
                           .limit(1)).scalar_one_or_none()


def checkpoint_at(*, session: Session, size: int) -> str | None:
    """The signed note of the checkpoint signed at ``size``, or None if none was."""
    return session.execute(select(LogCheckpoint.note).where(LogCheckpoint.size == size)).scalar_one_or_none()


@dataclass(frozen=True)
class Inclusion:
    leaf_hash: bytes
    hashes: list[bytes]


def inclusion(*, session: Session, index: int, size: int) -> Inclusion:
    """Leaf ``index``'s hash and its audit path in the tree of ``size`` leaves (0 ≤ index <
    size); :class:`BeyondTree` if the sealed tree is smaller."""
    leaf = merkle.stored_hash_index(0, index)
    read = _Reader(session, extra=(leaf, merkle.stored_hash_index(0, size - 1)))
    proof = merkle.inclusion_proof(index, size, read)
    return Inclusion(read.found(leaf), proof)


def consistency(*, session: Session, old: int, new: int) -> list[bytes]:
    """The proof that the tree of ``new`` leaves extends the one of ``old`` (0 < old ≤ new);
    :class:`BeyondTree` if the sealed tree is smaller than ``new``."""
    read = _Reader(session, extra=(merkle.stored_hash_index(0, new - 1),))
    proof = merkle.consistency_proof(old, new, read)
    read.found(merkle.stored_hash_index(0, new - 1))
    return proof


def leaf_hashes(*, session: Session, start: int, end: int) -> list[bytes]:
    """The hashes of leaves ``start`` to ``end - 1``; :class:`BeyondTree` if the sealed tree
    ends before ``end``."""
    rows = session.execute(select(LogLeaf.hash).where(LogLeaf.idx >= start, LogLeaf.idx < end)
                           .order_by(LogLeaf.idx)).scalars().all()
    if len(rows) != end - start:
        raise BeyondTree(tree_size(session=session))
    return [bytes(h) for h in rows]


class _Reader:
    """A merkle.HashReader that reads the hashes a proof asks for and ``extra`` ones in one
    statement (the first call), and the ``extra`` ones alone if the proof asked for none.

    Hashes already read by the application come from its runtime's cache: a stored hash
    never changes, and the few near the root are in nearly every proof."""

    def __init__(self, session: Session, extra: tuple[int, ...]) -> None:
        self.session = session
        self.extra = extra
        self.hashes: dict[int, bytes] | None = None
        self.cache = runtime.of(session).log_hashes

    def __call__(self, indexes: Sequence[int]) -> list[bytes]:
        found = self._read([*indexes, *self.extra])
        try:
            return [found[i] for i in indexes]
        except KeyError:
            raise BeyondTree(tree_size(session=self.session)) from None

    def found(self, index: int) -> bytes:
        hashes = self.hashes if self.hashes is not None else self._read(list(self.extra))
        digest = hashes.get(index)
        if digest is None:
            raise BeyondTree(tree_size(session=self.session))
        return digest

    def _read(self, indexes: list[int]) -> dict[int, bytes]:
        cache = self.cache
        found = {i: cache[i] for i in indexes if i in cache}
        wanted = sorted({i for i in indexes if i not in found})
        if wanted:
            rows = store.rows_where_in(self.session, LogHash, ("idx", "hash"), "idx", wanted, order_by="idx")
            read = {int(idx): bytes(digest) for idx, digest in rows}
            if len(cache) + len(read) > HASH_CACHE_ENTRIES:
                cache.clear()  # the hashes near the root come back with the next proofs
            cache.update(read)
            found.update(read)
        self.hashes = found
        return found
