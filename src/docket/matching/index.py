"""In-memory indexes of fingerprints, added to and removed from one entry at a time.

Every index maps fingerprints to integer keys (the caller's ids; one fingerprint may carry
several keys) and answers queries without ever rebuilding itself on a change:

- `ExactIndex`: SHA-256 and the normalised text's hash, by look-up.
- `PdqIndex`: PDQ hashes within a Hamming distance (31 by default).
- `TextIndex`: MinHash signatures above an estimated Jaccard similarity (0.85 by default).

The interface is what the restricted bank (docket.matching.bank) and the replica use; the
implementation behind it is free to change (bench/matching.py measures it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from threading import RLock

import numpy as np

from docket.matching.fingerprints import MINHASH_PERMUTATIONS, PDQ_BYTES

DEFAULT_PDQ_DISTANCE = 31
DEFAULT_TEXT_SIMILARITY = 0.85


class ExactIndex:
    def __init__(self) -> None:
        self._keys: dict[bytes, set[int]] = {}
        self._of: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self._of)

    def add(self, key: int, value: bytes) -> None:
        self.remove(key)
        self._keys.setdefault(value, set()).add(key)
        self._of[key] = value

    def remove(self, key: int) -> None:
        value = self._of.pop(key, None)
        if value is not None:
            keys = self._keys[value]
            keys.discard(key)
            if not keys:
                del self._keys[value]

    def query(self, value: bytes) -> list[int]:
        return sorted(self._keys.get(value, ()))


class PdqIndex:
    """PDQ hashes by Hamming distance. Thread-safe: the bank adds and removes from its
    follower thread while requests query."""

    def __init__(self) -> None:
        self._lock = RLock()
        self._hashes = np.zeros((0, PDQ_BYTES), dtype=np.uint8)
        self._keys = np.zeros(0, dtype=np.int64)
        self._row: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._row)

    def add(self, key: int, value: bytes) -> None:
        self.add_many([key], [value])

    def add_many(self, keys: Sequence[int], values: Sequence[bytes]) -> None:
        with self._lock:
            for key in keys:
                self.remove(key)
            start = len(self._keys)
            block = np.frombuffer(b"".join(values), dtype=np.uint8).reshape(-1, PDQ_BYTES)
            self._hashes = np.concatenate([self._hashes, block])
            self._keys = np.concatenate([self._keys, np.asarray(keys, dtype=np.int64)])
            for offset, key in enumerate(keys):
                self._row[key] = start + offset

    def remove(self, key: int) -> None:
        with self._lock:
            row = self._row.pop(key, None)
            if row is not None:
                self._keys[row] = -1

    def query(self, value: bytes, max_distance: int = DEFAULT_PDQ_DISTANCE) -> list[tuple[int, int]]:
        """(key, distance) of every hash within max_distance, nearest first."""
        return self.query_many([value], max_distance)[0]

    def query_many(self, values: Iterable[bytes], max_distance: int = DEFAULT_PDQ_DISTANCE,
                   ) -> list[list[tuple[int, int]]]:
        with self._lock:
            hashes, keys = self._hashes, self._keys
        answers = []
        for value in values:
            query = np.frombuffer(value, dtype=np.uint8)
            distances = np.unpackbits(hashes ^ query, axis=1).sum(axis=1)
            rows = np.flatnonzero((distances <= max_distance) & (keys >= 0))
            found = sorted(((int(keys[r]), int(distances[r])) for r in rows), key=lambda kd: (kd[1], kd[0]))
            answers.append(found)
        return answers


class TextIndex:
    """MinHash signatures by estimated Jaccard similarity."""

    def __init__(self) -> None:
        self._lock = RLock()
        self._signatures: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: int, signature: bytes) -> None:
        values = np.frombuffer(signature, dtype="<u4")
        if len(values) != MINHASH_PERMUTATIONS:
            raise ValueError(f"a signature has {MINHASH_PERMUTATIONS} values")
        with self._lock:
            self._signatures[key] = values

    def remove(self, key: int) -> None:
        with self._lock:
            self._signatures.pop(key, None)

    def query(self, signature: bytes, min_similarity: float = DEFAULT_TEXT_SIMILARITY,
              ) -> list[tuple[int, float]]:
        """(key, estimated similarity) of every signature at least min_similarity, best first."""
        query = np.frombuffer(signature, dtype="<u4")
        with self._lock:
            items = list(self._signatures.items())
        found = []
        for key, values in items:
            share = float(np.count_nonzero(values == query)) / MINHASH_PERMUTATIONS
            if share >= min_similarity:
                found.append((key, share))
        return sorted(found, key=lambda ks: (-ks[1], ks[0]))
