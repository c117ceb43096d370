"""Copies among content registered before its original was restricted: the retroactive scan.

Registration matches new content against the restricted bank (docket.matching.copies), so
content registered *after* a restriction started is covered; content registered *before*
it is found here. A round takes the content restrictions in force that no scan has looked
at yet (oldest first, a bounded batch), claims each by its ``copy_scans`` row, and looks
through every stored fingerprint once for the whole batch: exact kinds (``sha256``,
``text_sha256``) by equality in the database, PDQ and MinHash signatures streamed in chunks
and compared in memory against a small bank of the batch's own fingerprints, with the same
thresholds as the application's bank (DOCKET_MATCH_*). Each copy found is recorded and
opens its case exactly as one found at registration (``content:match_found``, then
:func:`docket.matching.copies.open_copy_item`), in the transaction that wrote the claims.

The worker runs a round every DOCKET_COPY_SCAN_SECONDS (docket.jobs.CopyScanJobs);
``docket copies scan`` runs one by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import distinct, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from docket.content.models import EXACT_KINDS, ContentFingerprint
from docket.enforcement.models import Restriction, SubjectKind
from docket.matching import copies, service
from docket.matching.bank import Bank
from docket.matching.fingerprints import Fingerprint, Kind
from docket.matching.models import CopyScan
from docket.settings import Settings
from docket.store import read_only, transaction, utcnow

log = logging.getLogger("docket.matching.scan")
# Restrictions a round scans at most: one pass over the fingerprints serves them all, and the
# pass costs about the same for 1 or 10 (bench/copy_scan.py), so a backlog (the restrictions in
# force when 0032 came) goes by in few passes.
ROUND = 100
CHUNK = 10_000  # stored fingerprints read and compared at a time
_EXACT = (Kind.sha256, Kind.text_sha256)
_NEAR = (Kind.pdq, Kind.minhash)
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class ScanRound:
    """What a round did: the restrictions it scanned, those another worker had claimed,
    how much it read, and the matches and copy items it recorded."""

    scanned: list[int] = field(default_factory=list)
    taken: int = 0
    content_checked: int = 0
    fingerprints_read: int = 0
    matches: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"scanned": self.scanned, "taken": self.taken, "content_checked": self.content_checked,
                "fingerprints_read": self.fingerprints_read, "matches": self.matches, "items": self.items}


def _in_force(now: dt.datetime) -> Any:
    return select(Restriction.id).where(
        Restriction.subject_kind == SubjectKind.content.value, Restriction.ended_at.is_(None),
        or_(Restriction.ends_at.is_(None), Restriction.ends_at > now))


def due(*, session: Session, now: dt.datetime, limit: int) -> list[int]:
    """Content restrictions in force at ``now`` that no scan has claimed, oldest first."""
    query = _in_force(now).where(~exists().where(CopyScan.restriction_id == Restriction.id))
    return list(session.execute(query.order_by(Restriction.id).limit(limit)).scalars())


def claim(*, session: Session, restriction_id: int, now: dt.datetime) -> bool:
    """Claim a restriction's scan: True when this round is to scan it. The ``copy_scans``
    row is the claim (its key is the restriction's): of two workers inserting it at once one
    insert fails (on PostgreSQL it waits for the other's commit first). Rounds claim in
    ascending id order, so two of them never wait on each other's claims in a cycle."""
    try:
        with session.begin_nested():
            session.add(CopyScan(restriction_id=restriction_id, scanned_at=now))
            session.flush()
        return True
    except IntegrityError:
        return False


def _exact_hits(session: Session, entries: Sequence[dict[str, Any]]) -> list[tuple[str, Fingerprint]]:
    """The stored exact fingerprints equal to one of the batch's (by the partial index of
    the exact kinds, which the query names word for word: EXACT_KINDS)."""
    found: list[tuple[str, Fingerprint]] = []
    for kind in _EXACT:
        values = sorted({bytes.fromhex(e["value"]) for e in entries if e["kind"] == kind.value})
        for start in range(0, len(values), 500):
            rows = session.execute(select(ContentFingerprint.content_id, ContentFingerprint.value).where(
                EXACT_KINDS, ContentFingerprint.kind == kind.value,
                ContentFingerprint.value.in_(values[start:start + 500])))
            found.extend((r.content_id, Fingerprint(kind, bytes(r.value))) for r in rows)
    return found


def _near_hits(session: Session, bank: Bank, kinds: Sequence[Kind], progress: Progress | None,
               ) -> tuple[list[tuple[str, Fingerprint]], int]:
    """Every stored fingerprint of ``kinds`` near one in ``bank``, read in chunks; and how many were read."""
    found: list[tuple[str, Fingerprint]] = []
    read = 0
    for kind in kinds:
        total = session.execute(select(func.count()).select_from(ContentFingerprint)
                                .where(ContentFingerprint.kind == kind.value)).scalar_one()
        query = (select(ContentFingerprint.content_id, ContentFingerprint.value, ContentFingerprint.quality)
                 .where(ContentFingerprint.kind == kind.value).execution_options(yield_per=CHUNK))
        done = 0
        for chunk in session.execute(query).partitions(CHUNK):
            prints = [Fingerprint(kind, bytes(value), quality) for _, value, quality in chunk]
            found.extend((row[0], fingerprint) for row, fingerprint, answer
                         in zip(chunk, prints, bank.match_many(prints), strict=True) if answer)
            done += len(chunk)
            if progress is not None:
                progress(f"comparing {kind.value} fingerprints", done, max(total, done))
        read += done
    return found, read


@dataclass
class Found:
    """What a scan's pass found: a bank of the batch's fingerprints, and each content's
    fingerprints near one of them."""

    bank: Bank
    near: dict[str, set[Fingerprint]]
    content_checked: int
    fingerprints_read: int


def find(*, session: Session, settings: Settings, restriction_ids: Sequence[int],
         progress: Progress | None = None) -> Found:
    """One pass over every stored fingerprint for copies of these restrictions' content
    (reads only)."""
    entries = service.entries_for(session=session, restriction_ids=restriction_ids)
    # A bank of the batch alone, as the application's is configured: the same thresholds, so
    # a copy found here is one registration would have found.
    bank = Bank(pdq_distance=settings.match_pdq_distance, pdq_quality=settings.match_pdq_quality,
                text_similarity=settings.match_text_similarity)
    bank.load(entries, cursor=0)
    hits = _exact_hits(session, entries)
    kinds = [k for k in _NEAR if any(e["kind"] == k.value for e in entries)]
    near, read = _near_hits(session, bank, kinds, progress) if len(bank) else ([], 0)
    by_content: dict[str, set[Fingerprint]] = {}
    for content_id, fingerprint in hits + near:
        by_content.setdefault(content_id, set()).add(fingerprint)
    checked = session.execute(select(func.count(distinct(ContentFingerprint.content_id)))).scalar_one()
    return Found(bank=bank, near=by_content, content_checked=checked, fingerprints_read=read)


def record(*, session: Session, settings: Settings, found: Found, restriction_ids: Sequence[int],
           now: dt.datetime) -> ScanRound:
    """Record the copies ``found`` of these (claimed) restrictions' content and open their
    cases, as registration does; complete the restrictions' ``copy_scans`` rows."""
    done = ScanRound(scanned=list(restriction_ids), content_checked=found.content_checked,
                     fingerprints_read=found.fingerprints_read)
    mine = set(restriction_ids)
    per_restriction = dict.fromkeys(restriction_ids, 0)
    for content_id in sorted(found.near):
        # All of a content's near fingerprints at once, as at registration: one match per
        # restriction and medium. The original itself is no copy, and a pair already recorded
        # (found at registration, or by an earlier scan) is skipped by service.record.
        prints = sorted(found.near[content_id], key=lambda f: (f.kind, f.value))
        matches = [m for m in found.bank.match(prints) if m.content_id != content_id and m.restriction_id in mine]
        for match in service.record(session=session, actor=copies.ACTOR, content_id=content_id, matches=matches):
            item = copies.open_copy_item(session, settings=settings, match=match)
            done.matches.append(match.id)
            if item.id not in done.items:
                done.items.append(item.id)
            per_restriction[match.restriction_id] += 1
    for restriction_id in restriction_ids:
        row = session.get(CopyScan, restriction_id)
        assert row is not None  # claimed by this round
        row.scanned_at, row.content_checked = now, found.content_checked
        row.matches_found = per_restriction[restriction_id]
    session.flush()
    return done


def scan_round(factory: sessionmaker[Session], settings: Settings, *, limit: int = ROUND,
               progress: Progress | None = None) -> ScanRound:
    """One round: the restrictions due (at most ``limit``) compared with every stored
    fingerprint in a read-only transaction, then claimed and their copies recorded in one
    write transaction. The pass reads only, so SQLite's one writer is never held while it
    runs (about 2 s a 100,000 pieces of content, bench/copy_scan.py); two workers that run
    it at once for the same restrictions both compare, and only the one whose claim
    succeeds records. A restriction that ended meanwhile is not claimed."""
    with read_only(factory) as session:
        waiting = due(session=session, now=utcnow(), limit=limit)
        if not waiting:
            return ScanRound()
        found = find(session=session, settings=settings, restriction_ids=waiting, progress=progress)
    with transaction(factory) as session:
        now = utcnow()
        still = set(session.execute(_in_force(now).where(Restriction.id.in_(waiting))).scalars())
        mine = [r for r in waiting if r in still and claim(session=session, restriction_id=r, now=now)]
        done = record(session=session, settings=settings, found=found, restriction_ids=mine, now=now)
        done.taken = len([r for r in waiting if r in still]) - len(mine)
    return done
