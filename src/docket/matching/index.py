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

import functools
import math
import struct
from collections.abc import Iterable, Sequence
from itertools import combinations
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


# Below this many rows a segment is scanned rather than indexed (faster, and no offsets).
_PDQ_SCAN_ROWS_DEFAULT = 16384


class PdqIndex:
    """PDQ hashes by Hamming distance, in segments (an LSM-like scheme, docs/matching-indexes.md).

    Each segment is immutable but for its tombstones: its hashes (n × 4 uint64) and keys
    (int64) sorted by key, and TABLES multi-index hash tables — for each of TABLES disjoint
    17-bit fields of the hash, the segment's rows grouped by that field's value (CSR: offsets
    and uint32 rows). A query probes every table for the fields within 2 bits of its own
    (154 probes a table), and every candidate is verified by its true distance, so there are
    no false matches. By the pigeonhole principle a hash within 3 × TABLES - 1 = 14 bits is
    always found; within 31 bits nearly always (missed only when each field holds 3 or more
    of the differing bits: about 0.4% at exactly 31 random bits; bench/matching.py measures
    copies at 17-31 bits). Above 31 the index scans every hash (exact, slow).

    Adds go into a new segment; segments merge geometrically (a segment merges into the one
    before it once it holds at least half as many rows), so adding never rebuilds the whole
    index except when the additions since the last full merge have reached half its size.
    Removals are tombstones (a row → the version that removed it), dropped when segments
    merge. Thread-safe: writers hold a lock; a query reads one immutable snapshot (version,
    segments), lock-free, and never sees a half-applied change.
    """

    def __init__(self, scan_below: int = _PDQ_SCAN_ROWS_DEFAULT) -> None:
        """scan_below: a segment with fewer rows is scanned rather than indexed (a small
        segment is faster to scan; tests set it low to exercise the tables)."""
        self._scan_below = scan_below
        self._lock = RLock()
        self._snapshot: tuple[int, tuple[_PdqSegment, ...]] = (0, ())
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, key: int, value: bytes) -> None:
        self.add_many([key], [value])

    def add_many(self, keys: Sequence[int], values: Sequence[bytes]) -> None:
        if len(keys) != len(values):
            raise ValueError("as many keys as values")
        if not keys:
            return
        block = np.frombuffer(b"".join(values), dtype=np.uint8)
        if block.size != PDQ_BYTES * len(keys):
            raise ValueError(f"a PDQ hash is {PDQ_BYTES} bytes")
        key_array = np.asarray(keys, dtype=np.int64)
        # The last value of a key repeated in the batch wins.
        reversed_unique = np.unique(key_array[::-1], return_index=True)[1]
        keep = np.sort(len(keys) - 1 - reversed_unique)
        hashes = block.reshape(-1, PDQ_BYTES).view(np.uint64)[keep]
        with self._lock:
            version, segments = self._snapshot
            version += 1
            replaced = self._tombstone(segments, key_array[keep], version)
            segments = self._merged((*segments, _PdqSegment(hashes, key_array[keep], self._scan_below)))
            self._count += len(keep) - replaced
            self._snapshot = (version, segments)

    def remove(self, key: int) -> None:
        with self._lock:
            version, segments = self._snapshot
            removed = self._tombstone(segments, np.asarray([key], dtype=np.int64), version + 1)
            if removed:
                self._count -= removed
                self._snapshot = (version + 1, self._compacted(segments))

    def remove_many(self, keys: Sequence[int]) -> None:
        with self._lock:
            version, segments = self._snapshot
            removed = self._tombstone(segments, np.asarray(keys, dtype=np.int64), version + 1)
            if removed:
                self._count -= removed
                self._snapshot = (version + 1, self._compacted(segments))

    @staticmethod
    def _tombstone(segments: tuple[_PdqSegment, ...], keys: np.ndarray, version: int) -> int:
        """Marks the live rows of these keys removed at `version`; how many there were."""
        removed = 0
        for segment in segments:
            if not len(keys):
                break
            rows = segment.rows_of(keys)
            for row in rows.tolist():
                segment.dead[row] = version
            removed += len(rows)
        return removed

    def _merged(self, segments: tuple[_PdqSegment, ...]) -> tuple[_PdqSegment, ...]:
        result = list(segments)
        while len(result) > 1 and 2 * result[-1].live >= result[-2].live:
            last = result.pop()
            result[-1] = _PdqSegment.merge(self._scan_below, result[-1], last)
        return tuple(result)

    def _compacted(self, segments: tuple[_PdqSegment, ...]) -> tuple[_PdqSegment, ...]:
        """Rewrites a segment once a quarter of its rows are tombstones."""
        if not any(4 * len(s.dead) > len(s.keys) for s in segments):
            return segments
        result = [_PdqSegment.merge(self._scan_below, s) if 4 * len(s.dead) > len(s.keys) else s for s in segments]
        return self._merged(tuple(s for s in result if len(s.keys)))

    def query(self, value: bytes, max_distance: int = DEFAULT_PDQ_DISTANCE) -> list[tuple[int, int]]:
        """(key, distance) of every hash within max_distance, nearest first."""
        return self.query_many([value], max_distance)[0]

    def query_many(self, values: Iterable[bytes], max_distance: int = DEFAULT_PDQ_DISTANCE,
                   ) -> list[list[tuple[int, int]]]:
        """query() for many hashes at once (faster a hash than one by one)."""
        block = np.frombuffer(b"".join(values), dtype=np.uint8)
        if block.size % PDQ_BYTES:
            raise ValueError(f"a PDQ hash is {PDQ_BYTES} bytes")
        queries = block.reshape(-1, PDQ_BYTES).view(np.uint64)
        version, segments = self._snapshot
        found: list[dict[int, int]] = [{} for _ in range(len(queries))]
        for segment in reversed(segments):  # the newest first: a key's newest row wins
            for start in range(0, len(queries), _PDQ_QUERY_BATCH):
                chunk = queries[start:start + _PDQ_QUERY_BATCH]
                which, keys, distances = segment.search(chunk, max_distance, version)
                for q, key, distance in zip((which + start).tolist(), keys.tolist(), distances.tolist(),
                                            strict=True):
                    found[q].setdefault(key, distance)
        return [sorted(matches.items(), key=lambda kd: (kd[1], kd[0])) for matches in found]


_PDQ_TABLES = 5
# The bits the tables index: _PDQ_FIELD bits of a 64-bit column from a shift (disjoint fields).
_PDQ_FIELD = 17
_PDQ_FIELDS = [(0, 0), (0, 32), (1, 0), (2, 0), (3, 0)]
_PDQ_RADIUS = 2
_PDQ_GUARANTEED = (_PDQ_RADIUS + 1) * _PDQ_TABLES - 1
# Queries searched together (bounds the candidate arrays: ~6,000 candidates a query at 1M).
_PDQ_QUERY_BATCH = 16


@functools.cache
def _flip_masks(bits: int, radius: int) -> np.ndarray:
    """The masks of every flip of at most `radius` of `bits` bits."""
    masks = [0]
    for r in range(1, radius + 1):
        masks += [sum(1 << b for b in combo) for combo in combinations(range(bits), r)]
    return np.asarray(masks, dtype=np.int64)




class _PdqSegment:
    """Rows sorted by key: hashes (n × 4 uint64), keys, and (from scan_below rows) the
    tables: offsets (TABLES × 2**bits + 1, into rows) and rows (TABLES × n uint32, flattened)."""

    __slots__ = ("bits", "columns", "dead", "keys", "offsets", "table_rows")

    def __init__(self, hashes: np.ndarray, keys: np.ndarray, scan_below: int) -> None:
        order = np.argsort(keys, kind="stable")
        self.keys: np.ndarray = np.ascontiguousarray(keys[order])
        # The hashes by column (4 × n uint64): a query gathers two columns of its candidates first.
        self.columns: np.ndarray = np.ascontiguousarray(hashes[order].T)
        self.dead: dict[int, int] = {}
        self.offsets: np.ndarray | None = None
        self.table_rows: np.ndarray | None = None
        n = len(self.keys)
        # About 8 rows a bucket: the tables index the fields' top `bits` bits.
        self.bits = min(_PDQ_FIELD, max(8, n.bit_length() - 3))
        if n >= scan_below:
            words = _words(self.hashes) >> (_PDQ_FIELD - self.bits)
            buckets = 1 << self.bits
            # int32 where it fits (4 bytes an entry: 0.5 MB a table at 17 bits).
            offsets = np.empty((_PDQ_TABLES, buckets + 1), dtype=np.int32 if _PDQ_TABLES * n < 2**31 else np.int64)
            rows = np.empty(_PDQ_TABLES * n, dtype=np.uint32)
            for t in range(_PDQ_TABLES):
                column = words[:, t]
                rows[t * n:(t + 1) * n] = np.argsort(column, kind="stable")
                offsets[t, 0] = t * n
                np.cumsum(np.bincount(column, minlength=buckets), out=offsets[t, 1:])
                offsets[t, 1:] += t * n
            self.offsets = offsets.ravel()
            self.table_rows = rows

    @property
    def hashes(self) -> np.ndarray:
        """The hashes, n × 4 uint64 (a view)."""
        return self.columns.T

    @property
    def live(self) -> int:
        return len(self.keys) - len(self.dead)

    @classmethod
    def merge(cls, scan_below: int, *segments: _PdqSegment) -> _PdqSegment:
        hashes, keys = [], []
        for segment in segments:
            alive = np.ones(len(segment.keys), dtype=bool)
            alive[list(segment.dead)] = False
            hashes.append(segment.hashes[alive])
            keys.append(segment.keys[alive])
        return cls(np.concatenate(hashes), np.concatenate(keys), scan_below)

    def rows_of(self, keys: np.ndarray) -> np.ndarray:
        """The live rows holding these keys."""
        if not len(self.keys):
            return np.zeros(0, dtype=np.int64)
        at = np.searchsorted(self.keys, keys)
        inside = at < len(self.keys)
        at = at[inside]
        at = at[self.keys[at] == keys[inside]]
        return np.asarray([r for r in at.tolist() if r not in self.dead], dtype=np.int64)

    def search(self, queries: np.ndarray, max_distance: int, version: int,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query number, key, distance) of the rows within max_distance of the queries
        (Q × 4 uint64)."""
        n = len(self.keys)
        count = len(queries)
        if self.offsets is None or self.table_rows is None or max_distance > DEFAULT_PDQ_DISTANCE:
            step = max(1, (1 << 18) // max(n, 1))
            if count > step:  # scanning: a few queries at a time, to bound the arrays
                parts = [self.search(queries[s:s + step], max_distance, version) for s in range(0, count, step)]
                return (np.concatenate([w + s for (w, _, _), s in zip(parts, range(0, count, step), strict=True)]),
                        np.concatenate([k for _, k, _ in parts]), np.concatenate([d for _, _, d in parts]))
            if count == 1:  # the first two columns whole, without gathering
                columns = self.columns
                first = np.bitwise_count(columns[0] ^ queries[0, 0])
                first += np.bitwise_count(columns[1] ^ queries[0, 1])
                rows = np.flatnonzero(first <= max_distance)
                return self._finish(queries, max_distance, version, np.zeros(len(rows), dtype=np.int64), rows,
                                    first.take(rows))
            which = np.repeat(np.arange(count), n)
            rows = np.tile(np.arange(n), count)
        else:
            masks = _flip_masks(self.bits, _PDQ_RADIUS)
            probes = (_words(queries) >> (_PDQ_FIELD - self.bits))[:, :, None] ^ masks
            probes += _table_bases(self.bits)
            probes = probes.ravel()
            starts = self.offsets.take(probes)
            lengths = self.offsets.take(probes + 1) - starts
            ends = np.cumsum(lengths)
            total = int(ends[-1])
            positions = np.arange(total, dtype=np.int64)
            positions += np.repeat(starts - ends + lengths, lengths)
            rows = self.table_rows.take(positions)
            if count == 1:
                which = np.zeros(total, dtype=np.int64)
            else:
                which = np.repeat(np.arange(count), lengths.reshape(count, -1).sum(axis=1))
        columns = self.columns
        # Two words first (128 bits: a random row is nearly never within 31 of them), then the rest.
        if count == 1:
            first = np.bitwise_count(columns[0].take(rows) ^ queries[0, 0])
            first += np.bitwise_count(columns[1].take(rows) ^ queries[0, 1])
        else:
            first = np.bitwise_count(columns[0].take(rows) ^ queries[:, 0].take(which))
            first += np.bitwise_count(columns[1].take(rows) ^ queries[:, 1].take(which))
        near = np.flatnonzero(first <= max_distance)
        return self._finish(queries, max_distance, version, which.take(near), rows.take(near), first.take(near))

    def _finish(self, queries: np.ndarray, max_distance: int, version: int, which: np.ndarray, rows: np.ndarray,
                first: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidates within max_distance on the first two columns: checked on all four,
        tombstones left out."""
        columns = self.columns
        distances = (first.astype(np.int64)
                     + np.bitwise_count(columns[2].take(rows) ^ queries[:, 2].take(which))
                     + np.bitwise_count(columns[3].take(rows) ^ queries[:, 3].take(which)))
        near = np.flatnonzero(distances <= max_distance)
        which, rows, distances = which[near], rows[near], distances[near]
        if self.dead:
            dead = self.dead
            alive = np.asarray([dead.get(r, version + 1) > version for r in rows.tolist()], dtype=bool)
            which, rows, distances = which[alive], rows[alive], distances[alive]
        return which, self.keys.take(rows), distances


@functools.cache
def _table_bases(bits: int) -> np.ndarray:
    """Where each table's offsets start in a segment's flattened offsets (TABLES × 1)."""
    return (np.arange(_PDQ_TABLES, dtype=np.int64) * ((1 << bits) + 1))[:, None]


def _words(hashes: np.ndarray) -> np.ndarray:
    """The indexed fields of hashes (n × 4 uint64) as n × TABLES int64."""
    mask = np.uint64((1 << _PDQ_FIELD) - 1)
    return np.stack([(hashes[:, column] >> np.uint64(shift)) & mask for column, shift in _PDQ_FIELDS],
                    axis=1).astype(np.int64)


class TextIndex:
    """MinHash signatures by estimated Jaccard similarity, with LSH banding: the signature's
    first BANDS × ROWS values in BANDS bands of ROWS; two signatures that agree on every value
    of some band are candidates, verified by their estimated similarity (the share of the 128
    values they agree on), so nothing below min_similarity is returned. A pair estimated at
    0.85 shares a band with probability 1 - (1 - 0.85**ROWS)**BANDS (docs/matching-indexes.md).
    Signatures are kept as Python integers, compared a few at a time.

    A query is a few C-level calls: one struct unpack cuts the band keys (bytes), one map of
    dict.get looks them all up, a set gathers the candidates.

    Thread-safe as PdqIndex: writers hold a lock and publish; a query reads without it (the
    band tables are dicts, whose single reads and writes are atomic, and a candidate's
    signature is read once; a key removed meanwhile is skipped)."""

    def __init__(self) -> None:
        self._lock = RLock()
        self._signatures: dict[int, int] = {}  # the signature's bytes as one integer (little-endian)
        # One dict a band: the band's values (bytes) → the key holding them, or a tuple of keys.
        self._bands: list[dict[bytes, int | tuple[int, ...]]] = [{} for _ in range(_TEXT_BANDS)]

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: int, signature: bytes) -> None:
        if len(signature) != 4 * MINHASH_PERMUTATIONS:
            raise ValueError(f"a signature has {MINHASH_PERMUTATIONS} values")
        signature = bytes(signature)
        with self._lock:
            old = self._signatures.get(key)
            # The new signature first, then its buckets, then the old buckets cleared: a query
            # meanwhile finds the key by either and compares it with the new signature.
            self._signatures[key] = int.from_bytes(signature, "little")
            buckets = _band_keys(signature)
            for band, bucket in zip(self._bands, buckets, strict=True):
                held = band.get(bucket)
                if held is None:
                    band[bucket] = key
                elif isinstance(held, int):
                    if held != key:
                        band[bucket] = (held, key)
                elif key not in held:
                    band[bucket] = (*held, key)
            if old is not None:
                stale = _band_keys(old.to_bytes(4 * MINHASH_PERMUTATIONS, "little"))
                self._unbucket(key, [(b, o) for b, o, n in zip(self._bands, stale, buckets, strict=True) if o != n])

    def add_many(self, keys: Sequence[int], signatures: Sequence[bytes]) -> None:
        """add() for each pair (one lock)."""
        if len(keys) != len(signatures):
            raise ValueError("as many keys as signatures")
        with self._lock:
            for key, signature in zip(keys, signatures, strict=True):
                self.add(key, signature)

    def remove(self, key: int) -> None:
        with self._lock:
            value = self._signatures.pop(key, None)
            if value is None:
                return
            signature = value.to_bytes(4 * MINHASH_PERMUTATIONS, "little")
            self._unbucket(key, list(zip(self._bands, _band_keys(signature), strict=True)))

    @staticmethod
    def _unbucket(key: int, places: list[tuple[dict[bytes, int | tuple[int, ...]], bytes]]) -> None:
        for band, bucket in places:
            held = band.get(bucket)
            if held == key:
                del band[bucket]
            elif isinstance(held, tuple):
                rest = tuple(k for k in held if k != key)
                band[bucket] = rest[0] if len(rest) == 1 else rest

    def query(self, signature: bytes, min_similarity: float = DEFAULT_TEXT_SIMILARITY,
              ) -> list[tuple[int, float]]:
        """(key, estimated similarity) of every signature at least min_similarity, best first.
        Below 0.8 the bands would miss pairs, so the index then compares every signature."""
        if len(signature) != 4 * MINHASH_PERMUTATIONS:
            raise ValueError(f"a signature has {MINHASH_PERMUTATIONS} values")
        if min_similarity < _TEXT_BANDED_FROM:
            held: set[int | tuple[int, ...] | None] = set(list(self._signatures))
        else:
            # A bucket holds a key or a tuple of keys: the keys are verified here, the tuples'
            # keys below (those not already among the keys).
            held = set(map(dict.get, self._bands, _band_keys(signature)))
            held.discard(None)
            if not held:
                return []
        query = int.from_bytes(signature, "little")
        allowed = _DEFAULT_ALLOWED if min_similarity == DEFAULT_TEXT_SIMILARITY else _allowed(min_similarity)
        found = []
        signatures = self._signatures
        shared: list[int] = []
        for key in held:
            if type(key) is not int:
                shared.extend(key)  # type: ignore[arg-type]
                continue
            stored = signatures.get(key)
            if stored is None:
                continue
            xor = query ^ stored
            # _differing_values, inlined: the query's hot loop.
            differ = ((((xor & _LOW31) + _LOW31) | xor) & _HIGH).bit_count()
            if differ <= allowed:
                found.append((key, (MINHASH_PERMUTATIONS - differ) / MINHASH_PERMUTATIONS))
        if shared:
            for key in set(shared).difference(held):
                stored = signatures.get(key)
                if stored is None:
                    continue
                xor = query ^ stored
                differ = ((((xor & _LOW31) + _LOW31) | xor) & _HIGH).bit_count()
                if differ <= allowed:
                    found.append((key, (MINHASH_PERMUTATIONS - differ) / MINHASH_PERMUTATIONS))
        if len(found) > 1:
            found.sort(key=lambda ks: (-ks[1], ks[0]))
        return found

    def query_many(self, signatures: Iterable[bytes], min_similarity: float = DEFAULT_TEXT_SIMILARITY,
                   ) -> list[list[tuple[int, float]]]:
        """query() for each signature."""
        return [self.query(signature, min_similarity) for signature in signatures]


_TEXT_ROWS = 4
_TEXT_BANDS = 8
_TEXT_BANDED_FROM = 0.8
_BAND_BYTES = 4 * _TEXT_ROWS
# The signature's first BANDS × ROWS values cut into BANDS bytes objects by one C call.
_band_keys = struct.Struct(f"{_BAND_BYTES}s" * _TEXT_BANDS).unpack_from


@functools.lru_cache(maxsize=64)
def _allowed(min_similarity: float) -> int:
    """How many of the values may differ at min_similarity."""
    return MINHASH_PERMUTATIONS - math.ceil(min_similarity * MINHASH_PERMUTATIONS - 1e-9)


_DEFAULT_ALLOWED = _allowed(DEFAULT_TEXT_SIMILARITY)


def _lanes(value: int) -> int:
    """`value` in each 32-bit lane of a signature read as one integer."""
    return int.from_bytes(value.to_bytes(4, "little") * MINHASH_PERMUTATIONS, "little")


_LOW31 = _lanes(0x7FFFFFFF)
_HIGH = _lanes(0x80000000)


def _differing_values(xor: int) -> int:
    """How many of the 32-bit values of two signatures differ, given their XOR as one integer
    (pure Python, a few big-integer operations: for a candidate or two faster than numpy's
    set-up). A lane's low 31 bits plus 0x7FFFFFFF carry into its top bit exactly when they are
    not all zero, and never into the next lane; OR the lane's own top bit, keep the top bits."""
    return ((((xor & _LOW31) + _LOW31) | xor) & _HIGH).bit_count()
