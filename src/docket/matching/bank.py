"""The restricted bank: the fingerprints of content under an active restriction, in memory.

Every entry carries the restriction it came from — its scope (countries, or ``*`` for
everywhere), its decision and its end — so a match says where it applies. The bank is
kept like the visibility index (docket.enforcement.index): loaded once at start from a
snapshot current to a feed cursor, then changed one feed change at a time (a restriction
that starts adds its content's fingerprints, one that ends takes them out); it is never
rebuilt. Every ``docket serve`` process keeps one (docket.matching.service.BankFeed) and
so does the replica (docket.client).

Pure: no database. Entries arrive as plain mappings (``entry_dict``'s shape, the shape
``GET /api/v1/match/bank`` sends), so the replica and the server fill it the same way.

PDQ hashes of low quality (below ``pdq_quality``, 50 by default) say little about an
image: they are neither banked nor matched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from docket.matching.fingerprints import Fingerprint, Kind, minhash, pdq_from_hex, text_sha256
from docket.matching.index import (
    DEFAULT_PDQ_DISTANCE,
    DEFAULT_TEXT_SIMILARITY,
    ExactIndex,
    PdqIndex,
    TextIndex,
)

GLOBAL = "*"
DEFAULT_PDQ_QUALITY = 50
# Which kinds say the same thing: an exact hash and its near-duplicate signature.
_MEDIUM = {Kind.sha256: "media", Kind.pdq: "media", Kind.text_sha256: "text", Kind.minhash: "text"}
_EXACT = frozenset({Kind.sha256, Kind.text_sha256})
# Feed changes that (re)fill a restriction's entries: its start, and a refresh (new fingerprints).
_STARTS = frozenset({"start", "refresh"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One fingerprint of restricted content, with the restriction it is banked for."""

    restriction_id: int
    decision_id: int
    content_id: str
    kind: Kind
    value: bytes
    quality: int | None
    scope: tuple[str, ...]
    ends_at: float | None  # POSIX seconds; None: indefinitely

    @property
    def is_global(self) -> bool:
        return GLOBAL in self.scope


@dataclass(frozen=True, slots=True)
class Match:
    """A fingerprint near a banked one: how near, what it is a copy of, and where that is
    restricted. ``applies`` is whether the restriction covers ``country`` (None: no country
    was given)."""

    kind: Kind
    content_id: str
    decision_id: int
    restriction_id: int
    scope: tuple[str, ...]
    distance: int | None
    similarity: float | None
    applies: bool | None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "content_id": self.content_id, "decision_id": self.decision_id,
                "restriction_id": self.restriction_id,
                "scope": "global" if GLOBAL in self.scope else list(self.scope),
                "exact": self.kind in _EXACT, "distance": self.distance, "similarity": self.similarity,
                "applies": self.applies}


def _epoch(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)  # "Z" included (Python 3.11)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return float(value.timestamp())


def entry_from(row: Mapping[str, Any]) -> Entry:
    """An entry from its plain form (``value`` hex or bytes)."""
    value = row["value"]
    return Entry(restriction_id=int(row["restriction_id"]), decision_id=int(row["decision_id"]),
                 content_id=str(row["content_id"]), kind=Kind(row["kind"]),
                 value=bytes.fromhex(value) if isinstance(value, str) else bytes(value),
                 quality=row.get("quality"), scope=tuple(sorted(row["scope"])), ends_at=_epoch(row.get("ends_at")))


def fingerprints_of(*, sha256: bytes | None = None, pdq: bytes | None = None, pdq_quality: int | None = None,
                    text: str | None = None) -> list[Fingerprint]:
    """The fingerprints a query or a registration stands for: the SHA-256 of its media, its
    PDQ hash, and for text the normalised text's hash and (when it has words) its signature."""
    found: list[Fingerprint] = []
    if sha256 is not None:
        found.append(Fingerprint(Kind.sha256, sha256))
    if pdq is not None:
        found.append(Fingerprint(Kind.pdq, pdq, pdq_quality))
    if text is not None and text.strip():
        found.append(Fingerprint(Kind.text_sha256, text_sha256(text)))
        with contextlib.suppress(ValueError):  # no words: the exact hash is all there is
            found.append(Fingerprint(Kind.minhash, minhash(text)))
    return found


class Bank:
    """The fingerprints of restricted content, matched in memory. Writers (the feed
    follower) serialize on a lock; readers take none."""

    def __init__(self, *, pdq_distance: int = DEFAULT_PDQ_DISTANCE, pdq_quality: int = DEFAULT_PDQ_QUALITY,
                 text_similarity: float = DEFAULT_TEXT_SIMILARITY,
                 clock: Callable[[], float] = time.time) -> None:
        self.pdq_distance, self.pdq_quality, self.text_similarity = pdq_distance, pdq_quality, text_similarity
        self.clock = clock
        self.cursor = 0
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._entries: dict[int, Entry] = {}
        self._of_restriction: dict[int, list[int]] = {}
        self._exact = {Kind.sha256: ExactIndex(), Kind.text_sha256: ExactIndex()}
        self._pdq = PdqIndex()
        self._text = TextIndex()
        self._keys = itertools.count(1)  # pragma: no mutate (any distinct integers do)

    def __len__(self) -> int:
        return len(self._entries)

    def sizes(self) -> dict[str, int]:
        """How many fingerprints each of the bank's indexes holds, by kind (what the
        ``docket_copy_bank_fingerprints`` gauge shows: the memory the bank takes)."""
        return {Kind.sha256.value: len(self._exact[Kind.sha256]), Kind.pdq.value: len(self._pdq),
                Kind.text_sha256.value: len(self._exact[Kind.text_sha256]), Kind.minhash.value: len(self._text)}

    # ------------------------------------------------------------ writing
    def bankable(self, entry: Entry) -> bool:
        return not (entry.kind == Kind.pdq and entry.quality is not None and entry.quality < self.pdq_quality)

    def _add(self, entries: Iterable[Entry]) -> None:
        pdq_keys: list[int] = []
        pdq_values: list[bytes] = []
        for entry in entries:
            if not self.bankable(entry):
                continue
            key = next(self._keys)
            self._entries[key] = entry
            self._of_restriction.setdefault(entry.restriction_id, []).append(key)
            if entry.kind == Kind.pdq:
                pdq_keys.append(key)
                pdq_values.append(entry.value)
            elif entry.kind == Kind.minhash:
                self._text.add(key, entry.value)
            else:
                self._exact[entry.kind].add(key, entry.value)
        if pdq_keys:
            self._pdq.add_many(pdq_keys, pdq_values)

    def _remove_restriction(self, restriction_id: int) -> None:
        for key in self._of_restriction.pop(restriction_id, ()):
            entry = self._entries.pop(key)
            if entry.kind == Kind.pdq:
                self._pdq.remove(key)
            elif entry.kind == Kind.minhash:
                self._text.remove(key)
            else:
                self._exact[entry.kind].remove(key)

    def load(self, rows: Iterable[Mapping[str, Any]], cursor: int) -> int:
        """Fill the bank from a snapshot current to ``cursor`` (at start only); return the
        number of entries banked."""
        with self._lock:
            self._reset()
            self._add(entry_from(r) for r in rows)
            self.cursor = int(cursor)
            return len(self._entries)

    def apply(self, change: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] = ()) -> None:
        """Apply one feed change: a ``start`` adds ``rows`` (its restriction's fingerprints),
        a ``refresh`` (its content's fingerprints changed) replaces them with ``rows``, an
        ``end`` takes the restriction's out. Changes come in cursor order; one already
        applied (at or below the cursor) is skipped."""
        with self._lock:
            cursor = int(change["cursor"])
            if cursor <= self.cursor:
                return
            restriction_id = int(change["restriction_id"])
            if change["op"] in _STARTS:
                self._remove_restriction(restriction_id)
                self._add(entry_from(r) for r in rows if int(r["restriction_id"]) == restriction_id)
            elif change["op"] == "end":
                self._remove_restriction(restriction_id)
            self.cursor = cursor

    def apply_all(self, changes: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]]) -> None:
        """Apply feed changes in order, each start with its restriction's entries among ``rows``."""
        by_restriction: dict[int, list[Mapping[str, Any]]] = {}
        for row in rows:
            by_restriction.setdefault(int(row["restriction_id"]), []).append(row)
        for change in changes:
            self.apply(change, by_restriction.get(int(change["restriction_id"]), ()))

    def wanted(self, changes: Iterable[Mapping[str, Any]]) -> list[int]:
        """The restrictions among ``changes`` whose entries applying them needs: those of
        content that start after the bank's cursor."""
        return [int(c["restriction_id"]) for c in changes
                if c["op"] in _STARTS and c["subject_kind"] == "content" and int(c["cursor"]) > self.cursor]

    # ------------------------------------------------------------ reading
    def _found(self, key: int, kind: Kind, country: str | None, now: float, *, distance: int | None = None,
               similarity: float | None = None) -> Match | None:
        entry = self._entries.get(key)
        if entry is None or (entry.ends_at is not None and now >= entry.ends_at):
            return None
        applies = None if country is None else (entry.is_global or country in entry.scope)
        return Match(kind=kind, content_id=entry.content_id, decision_id=entry.decision_id,
                     restriction_id=entry.restriction_id, scope=entry.scope, distance=distance,
                     similarity=similarity, applies=applies)

    def _exact_keys(self, kind: Kind, value: bytes) -> list[int]:
        # ExactIndex is not made for concurrent writers: a set the follower changes while it
        # is read is read again (a change is a few dict operations; it never lasts).
        while True:
            try:
                return self._exact[kind].query(value)
            except RuntimeError:
                continue  # pragma: no mutate (only a writer racing the read gets here)

    def match(self, fingerprints: Iterable[Fingerprint], country: str | None = None) -> list[Match]:
        """Every banked fingerprint near one of ``fingerprints``: exact hashes by look-up, PDQ
        within ``pdq_distance`` (a PDQ below ``pdq_quality`` is not matched), text at least
        ``text_similarity``. One match per restriction and medium (media, text), the nearest."""
        now = self.clock()
        found: list[Match] = []
        for fp in fingerprints:
            if fp.kind in _EXACT:
                found.extend(m for key in self._exact_keys(fp.kind, fp.value)
                             if (m := self._found(key, fp.kind, country, now)) is not None)
            elif fp.kind == Kind.pdq:
                if fp.quality is not None and fp.quality < self.pdq_quality:
                    continue
                found.extend(m for key, distance in self._pdq.query(fp.value, self.pdq_distance)
                             if (m := self._found(key, fp.kind, country, now, distance=distance)) is not None)
            else:
                found.extend(m for key, share in self._text.query(fp.value, self.text_similarity)
                             if (m := self._found(key, fp.kind, country, now, similarity=share)) is not None)
        return _best(found)

    def match_many(self, queries: Sequence[Fingerprint], country: str | None = None) -> list[list[Match]]:
        """``match`` for each fingerprint alone (a batch): the PDQ hashes in one pass."""
        now = self.clock()
        answers: list[list[Match]] = [[] for _ in queries]
        pdq_at = [n for n, fp in enumerate(queries) if fp.kind == Kind.pdq
                  and (fp.quality is None or fp.quality >= self.pdq_quality)]
        if pdq_at:
            found = self._pdq.query_many([queries[n].value for n in pdq_at], self.pdq_distance)
            for n, hits in zip(pdq_at, found, strict=True):  # pragma: no mutate (one answer a query)
                answers[n] = _best([m for key, distance in hits
                                    if (m := self._found(key, Kind.pdq, country, now, distance=distance))
                                    is not None])
        for n, fp in enumerate(queries):
            if fp.kind != Kind.pdq:
                answers[n] = self.match([fp], country)
        return answers


def _rank(m: Match) -> tuple[int, float]:
    """Exact matches first, then images by distance, then texts by similarity."""
    if m.kind in _EXACT:
        return (0, 0.0)  # pragma: no mutate (every exact match ranks alike)
    if m.distance is not None:
        return (1, float(m.distance))
    return (2, -(m.similarity or 0.0))


def _best(found: list[Match]) -> list[Match]:
    """The nearest match of each restriction and medium, exact first, then the nearest."""
    by_place: dict[tuple[int, str], list[Match]] = {}
    for m in found:
        by_place.setdefault((m.restriction_id, _MEDIUM[m.kind]), []).append(m)
    return sorted((min(ms, key=_rank) for ms in by_place.values()), key=lambda m: (_rank(m), m.restriction_id))


def pdq_value(text: str) -> bytes:
    """A PDQ hash from its 64 hexadecimal digits (ValueError otherwise)."""
    return pdq_from_hex(text)
