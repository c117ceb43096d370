"""An append-only file of a Merkle tree's stored hashes, memory-mapped: the fast way to
answer proofs (docket.log.merkle) without a database round trip.

The file is the dense sequence of :mod:`docket.log.merkle` — stored hash i at byte 32·i —
and nothing else, as Go's ``tlog`` tiles are plain hashes. It only grows: a stored hash
never changes once written, so a reader that saw ``count`` hashes can keep trusting them
while more are appended. Reads are slices of the mapping (no system call once the pages
are in memory); appends write at the end and map the longer file.

One process appends to a file at a time: :class:`HashFile` takes an exclusive ``flock``
on it and raises :class:`HashFileBusy` if another process holds it. Without a path the
file is an anonymous temporary one (page cache, not the process's heap), gone at exit.

It is a copy, not the log: whoever could edit it could make the proofs it answers wrong,
which every verifier detects (they check proofs against a signed checkpoint). Whoever
fills it checks what is already there against the log before trusting it
(:meth:`HashFile.reset` starts over).
"""

from __future__ import annotations

import fcntl
import mmap
import os
import tempfile
import threading
from collections.abc import Sequence

from docket.log.merkle import HASH_SIZE


class HashFileBusy(RuntimeError):
    """Another process appends to this file."""


class HashFile:
    """The stored hashes ``[0, count)`` of a tree, in a file; readable from any thread,
    appended to by one at a time."""

    def __init__(self, path: str | None = None) -> None:
        if path is None:
            self.path: str | None = None
            self._fd = _anonymous()
        else:
            self.path = path
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(self._fd)
                raise HashFileBusy(f"another process appends to {path}") from None
        self._append = threading.Lock()
        size = os.fstat(self._fd).st_size
        whole = size - size % HASH_SIZE
        if whole != size:  # a write cut short (the process died mid-append): drop the fragment
            os.ftruncate(self._fd, whole)
        self._view: tuple[mmap.mmap | None, int] = (None, 0)
        self._map(whole // HASH_SIZE)

    @property
    def count(self) -> int:
        """How many stored hashes the file holds: indexes 0 to count - 1."""
        return self._view[1]

    def read(self, indexes: Sequence[int]) -> list[bytes]:
        """The stored hashes at ``indexes``, in that order (a merkle.HashReader); IndexError
        if one is not in the file."""
        view, count = self._view  # one snapshot: an append may swap it meanwhile
        out = []
        for i in indexes:
            if not 0 <= i < count:
                raise IndexError(f"stored hash {i} is not in the file ({count} held)")
            at = i * HASH_SIZE
            out.append(view[at:at + HASH_SIZE])  # type: ignore[index]
        return out

    def append(self, first: int, hashes: Sequence[bytes]) -> None:
        """Append ``hashes`` as stored hashes ``first``, ``first + 1``, …; ``first`` must be
        :attr:`count` (nothing skipped, nothing written twice)."""
        if not hashes:
            return
        with self._append:
            count = self.count
            if first != count:
                raise ValueError(f"the file holds {count} stored hashes: the next is {count}, not {first}")
            for digest in hashes:
                if len(digest) != HASH_SIZE:
                    raise ValueError(f"a hash is {HASH_SIZE} bytes, not {len(digest)}")
            data = b"".join(hashes)
            written = 0
            while written < len(data):
                written += os.pwrite(self._fd, data[written:], count * HASH_SIZE + written)
            self._map(count + len(hashes))

    def reset(self) -> None:
        """Forget every hash (the file belonged to another log)."""
        with self._append:
            self._view = (None, 0)
            os.ftruncate(self._fd, 0)

    def close(self) -> None:
        self._view = (None, 0)
        os.close(self._fd)

    def _map(self, count: int) -> None:
        # A new mapping of the whole file; readers holding the old one finish with it (the
        # old mapping closes when the last of them lets go of it).
        mapped = mmap.mmap(self._fd, count * HASH_SIZE, access=mmap.ACCESS_READ) if count else None
        self._view = (mapped, count)


def _anonymous() -> int:
    fd, name = tempfile.mkstemp(prefix="docket-log-", suffix=".hashes")
    os.unlink(name)  # gone when the process closes it
    return fd
