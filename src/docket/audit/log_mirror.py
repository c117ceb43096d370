"""A copy of ``log_hashes`` in a memory-mapped file (docket.log.hashfile), from which the
public endpoints answer proofs without a database round trip.

The copy only grows: :meth:`LogMirror.catch_up` (a step of every round of the log jobs,
after the sealing) appends the stored hashes sealed since, a bounded number per round so
that a first fill at ten million leaves never holds up the sealing. A proof whose tree
the copy does not hold yet (a size sealed in the last second, or while the first fill
runs) is made from the database as before: the copy only ever makes answers faster,
never different.

Before appending, each round checks that the last hash the copy holds is still the
database's at that index; if not (the database was replaced or restored from an older
backup, or the file belonged to another log), the copy starts over. A copy cannot make
a wrong proof pass: every verifier checks proofs against a signed checkpoint.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from docket import store
from docket.audit.log_models import LogHash
from docket.audit.log_service import Inclusion
from docket.log import merkle
from docket.log.hashfile import HashFile, HashFileBusy

log = logging.getLogger(__name__)

CHUNK = 50_000  # stored hashes read per statement (1.6 MB)
ROUND_LIMIT = 1_000_000  # stored hashes copied per round at most (32 MB, a second or two)
EDGE_ENTRIES = 4096  # right-edge hashes kept (a few sizes' worth)


class LogMirror:
    """The stored hashes a process serves proofs from; ``path`` None: a temporary file."""

    def __init__(self, path: str | None = None) -> None:
        try:
            self.file = HashFile(path)
        except HashFileBusy as exc:
            log.warning("%s: this process keeps its own copy of the log's hashes in a temporary file", exc)
            self.file = HashFile(None)
        # The right-edge hashes of the trees proofs were asked for (merkle.inclusion_proof):
        # the same in every proof of a size, and at most log₂ n of them per size.
        self._edges: dict[tuple[int, int], bytes] = {}

    @property
    def count(self) -> int:
        """How many stored hashes the copy holds."""
        return self.file.count

    def covers(self, size: int) -> bool:
        """Whether the copy holds every stored hash of the tree of ``size`` leaves."""
        return merkle.stored_hash_count(size) <= self.file.count

    def inclusion(self, index: int, size: int) -> Inclusion | None:
        """Leaf ``index``'s hash and audit path in the tree of ``size`` leaves (0 ≤ index <
        size), or None if the copy does not hold that tree yet."""
        if not self.covers(size):
            return None
        read = self.file.read
        try:
            if len(self._edges) > EDGE_ENTRIES:
                self._edges.clear()
            return Inclusion(read([merkle.stored_hash_index(0, index)])[0],
                             merkle.inclusion_proof(index, size, read, self._edges))
        except IndexError:  # the copy was started over meanwhile
            return None

    def consistency(self, old: int, new: int) -> list[bytes] | None:
        """The proof that the tree of ``new`` leaves extends the one of ``old`` (0 < old ≤
        new), or None if the copy does not hold the tree of ``new`` yet."""
        if not self.covers(new):
            return None
        try:
            return merkle.consistency_proof(old, new, self.file.read)
        except IndexError:  # the copy was started over meanwhile
            return None

    def leaf_hashes(self, start: int, end: int) -> list[bytes] | None:
        """The hashes of leaves ``start`` to ``end - 1``, or None if the copy ends before."""
        if not self.covers(end):
            return None
        try:
            return self.file.read([merkle.stored_hash_index(0, n) for n in range(start, end)])
        except IndexError:  # the copy was started over meanwhile
            return None

    def catch_up(self, factory: sessionmaker[Session], *, limit: int = ROUND_LIMIT) -> int:
        """Copy up to ``limit`` stored hashes sealed since the last call; how many were
        copied. Starts over if the copy no longer agrees with the database."""
        copied = 0
        with store.read_only(factory) as session:
            if not self._agrees(session):
                log.warning("the copy of the log's hashes (%d) no longer matches the database: "
                            "starting it over", self.file.count)
                self.file.reset()
                self._edges.clear()
            while copied < limit:
                first = self.file.count
                rows = session.execute(
                    select(LogHash.idx, LogHash.hash).where(LogHash.idx >= first)
                    .order_by(LogHash.idx).limit(min(CHUNK, limit - copied))).all()
                hashes = []
                for expected, (idx, digest) in enumerate(rows, start=first):
                    if idx != expected:
                        break  # not dense (it always is): copy no further than the gap
                    hashes.append(bytes(digest))
                self.file.append(first, hashes)
                copied += len(hashes)
                if len(hashes) < CHUNK or len(hashes) != len(rows):
                    break
        return copied

    def close(self) -> None:
        self.file.close()

    def _agrees(self, session: Session) -> bool:
        count = self.file.count
        if count == 0:
            return True
        stored = session.execute(select(LogHash.hash).where(LogHash.idx == count - 1)).scalar_one_or_none()
        return stored is not None and bytes(stored) == self.file.read([count - 1])[0]
