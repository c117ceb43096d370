"""Check the verifiable log against the events, and against checkpoints held outside.

``check_log`` recomputes the whole tree from the events and the nonces stored with their
leaves, in one pass, holding only the tree's right edge (log₂ n hashes) and one batch in
memory, and reports the first thing that does not agree:

- a leaf whose event is missing, or an event after another (deleted, inserted, renumbered
  or reordered events: leaf ``i`` seals event ``i + 1``);
- an event whose fields no longer give its leaf's hash (edited after it was sealed);
- a stored hash that is not the recomputed one (the tree's storage rewritten);
- a signed checkpoint, kept in the database or held outside, whose root is not the
  recomputed tree's at its size, or whose size is beyond the tree (the log was cut back).

Whoever can write to the database can rewrite events, leaves, hashes and checkpoints so
that they agree with each other; only a checkpoint held outside catches that, and it
does: the recomputed root at its size differs from the one it signed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.audit.log_models import LogCheckpoint, LogHash, LogLeaf
from docket.audit.models import Event
from docket.audit.sealer import leaf_data, tree_size
from docket.log import merkle
from docket.log.checkpoint import Checkpoint

_BATCH = 5000


@dataclass(frozen=True)
class LogCheck:
    ok: bool
    size: int  # leaves checked
    problem: str | None = None


def check_log(*, session: Session, held: Iterable[Checkpoint] = ()) -> LogCheck:
    """Recompute the tree from the events and compare it with what is stored and signed."""
    size = tree_size(session=session)
    checkpoints = sorted([(c.size, c.root, "a checkpoint held outside") for c in held]
                         + [(int(s), bytes(r), "the stored checkpoint")
                            for s, r in session.execute(select(LogCheckpoint.size, LogCheckpoint.root))])
    for cp_size, _, what in checkpoints:
        if cp_size > size:
            return LogCheck(False, size, f"{what} of size {cp_size} is beyond the log's {size} leaves: "
                                         "the log was cut back")
    edge: list[bytes] = []  # the roots of the complete subtrees so far, largest first
    waiting = [c for c in checkpoints if c[0] > 0]
    for _, root, what in (c for c in checkpoints if c[0] == 0):
        if root != merkle.EMPTY_ROOT:
            return LogCheck(False, 0, f"{what} of size 0 has a root that is not the empty tree's")
    n = 0
    while n < size:
        rows = session.execute(
            select(LogLeaf.idx, LogLeaf.seq, LogLeaf.nonce, LogLeaf.hash, Event)
            .outerjoin(Event, Event.seq == LogLeaf.seq)
            .where(LogLeaf.idx >= n).order_by(LogLeaf.idx).limit(_BATCH)).all()
        first_stored = merkle.stored_hash_count(n)
        computed: list[bytes] = []
        for idx, seq, nonce, digest, event in rows:
            if idx != n or seq != n + 1:
                return LogCheck(False, n, f"leaf {n} is missing or out of order (found leaf {idx} "
                                          f"sealing event {seq})")
            if event is None:
                return LogCheck(False, n, f"event {seq}, sealed as leaf {idx}, is missing (deleted)")
            if merkle.leaf_hash(leaf_data(event, bytes(nonce))) != bytes(digest):
                return LogCheck(False, n, f"event {seq} is not the event sealed as leaf {idx} (edited)")
            computed += _append(edge, n, bytes(digest))
            n += 1
            while waiting and waiting[0][0] == n:
                cp_size, root, what = waiting.pop(0)
                if _root(edge) != root:
                    return LogCheck(False, n, f"{what} of size {cp_size} does not match the log: "
                                              "the log was rewritten since it was signed")
        session.expunge_all()
        stored = session.execute(
            select(LogHash.idx, LogHash.hash).where(LogHash.idx >= first_stored)
            .where(LogHash.idx < first_stored + len(computed)).order_by(LogHash.idx)).all()
        for offset, digest in enumerate(computed):
            index = first_stored + offset
            if offset >= len(stored) or stored[offset][0] != index or bytes(stored[offset][1]) != digest:
                level, node = merkle.split_stored_hash_index(index)
                return LogCheck(False, n, f"the stored hash {index} (level {level}, node {node}) is "
                                          "missing or not the tree's")
    if session.execute(select(LogHash.idx).where(LogHash.idx >= merkle.stored_hash_count(size))
                       .limit(1)).first() is not None:
        return LogCheck(False, size, "there are stored hashes beyond the tree's last leaf")
    return LogCheck(True, size)


def _append(edge: list[bytes], n: int, digest: bytes) -> list[bytes]:
    """Add leaf ``n`` to the tree whose right edge is ``edge`` (the roots of its complete
    subtrees, largest first, as merkle reads them); return the hashes the leaf stores."""
    new = merkle.append_leaves(n, [digest], lambda _indexes: edge)
    del edge[len(edge) - (len(new) - 1):]  # the subtrees the leaf completed are one now
    edge.append(new[-1])
    return new


def _root(edge: Sequence[bytes]) -> bytes:
    digest = edge[-1]
    for left in reversed(edge[:-1]):
        digest = merkle.node_hash(left, digest)
    return digest
