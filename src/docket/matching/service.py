"""Fingerprints in the database, the bank's entries read from it, and the bank kept current
with the restriction feed in every ``docket serve`` process (``BankFeed``)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from docket import audit
from docket.content.models import ContentFingerprint
from docket.enforcement.models import Restriction, SubjectKind
from docket.errors import Unprocessable
from docket.matching import fingerprints as fp
from docket.matching.bank import Bank, Match, fingerprints_of
from docket.matching.models import ContentMatch
from docket.store import utcnow

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_SIDE = 8192
MEDIA_KINDS = (fp.Kind.sha256.value, fp.Kind.pdq.value)
TEXT_KINDS = (fp.Kind.text_sha256.value, fp.Kind.minhash.value)
# Image formats PDQ is computed from, by their first bytes (never by what was claimed).
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
               (b"BM", "image/bmp"))


def _bad(field: str, message: str) -> Unprocessable:
    return Unprocessable("some fields are invalid", errors=[{"field": field, "message": message}])


def image_type(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)


def decode_image(value: str, field: str = "image") -> bytes:
    """The bytes of a base64 image (PNG, JPEG, WebP, GIF or BMP, at most MAX_IMAGE_BYTES),
    its type read from the bytes; 422 otherwise."""
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(field, "not base64") from None
    if not data or len(data) > MAX_IMAGE_BYTES:
        raise _bad(field, f"an image of 1 to {MAX_IMAGE_BYTES} bytes")
    if image_type(data) is None:
        raise _bad(field, "not a PNG, JPEG, WebP, GIF or BMP image")
    return data


def image_fingerprints(data: bytes, field: str = "image") -> tuple[bytes, bytes, int]:
    """(SHA-256, PDQ, quality) of an image's bytes; 422 when PDQ cannot read it or it is
    larger than MAX_SIDE pixels a side (read from its header, before it is decoded)."""
    try:
        with Image.open(io.BytesIO(data)) as header:
            if max(header.size) > MAX_SIDE:
                raise _bad(field, f"wider or taller than {MAX_SIDE} pixels")
    except (UnidentifiedImageError, OSError, ValueError):
        raise _bad(field, "not a readable image") from None
    try:
        pdq, quality = fp.pdq(data)
    except fp.InvalidImage as exc:
        raise _bad(field, str(exc)) from None
    return hashlib.sha256(data).digest(), pdq, quality


def pdq_hex(value: str, field: str = "pdq") -> bytes:
    try:
        return fp.pdq_from_hex(value)
    except ValueError:
        raise _bad(field, "a PDQ hash is 64 hexadecimal digits") from None


def compute(*, image: str | None, pdq: str | None, pdq_quality: int | None, sha256: str | None,
            text: str | None) -> tuple[list[fp.Fingerprint], list[str]]:
    """The fingerprints of content as registered, and which kinds they replace."""
    media: list[fp.Fingerprint] = []
    if image is not None:
        digest, value, quality = image_fingerprints(decode_image(image))
        media = [fp.Fingerprint(fp.Kind.sha256, digest), fp.Fingerprint(fp.Kind.pdq, value, quality)]
    else:
        if sha256 is not None:
            media.append(fp.Fingerprint(fp.Kind.sha256, bytes.fromhex(sha256)))
        if pdq is not None:
            media.append(fp.Fingerprint(fp.Kind.pdq, pdq_hex(pdq), pdq_quality))
    # Only the kinds given are replaced: a platform that sends the SHA-256 alone keeps the PDQ hash.
    replaced: list[str] = [f.kind.value for f in media]
    found = list(media)
    if text is not None:
        replaced.extend(TEXT_KINDS)
        found.extend(fingerprints_of(text=text))
    return found, replaced


def store(*, session: Session, content_id: str, found: Sequence[fp.Fingerprint], replaced: Sequence[str]) -> None:
    """Keep ``found`` as the content's fingerprints of the ``replaced`` kinds."""
    if replaced:
        session.execute(delete(ContentFingerprint).where(ContentFingerprint.content_id == content_id,
                                                         ContentFingerprint.kind.in_(list(replaced))))
    for f in found:
        session.add(ContentFingerprint(content_id=content_id, kind=f.kind.value, value=f.value, quality=f.quality))
    session.flush()


def of_content(*, session: Session, content_id: str) -> list[fp.Fingerprint]:
    return [fp.Fingerprint(fp.Kind(r.kind), r.value, r.quality) for r in session.execute(
        select(ContentFingerprint).where(ContentFingerprint.content_id == content_id)
        .order_by(ContentFingerprint.id)).scalars()]


# ---------------------------------------------------------------- the bank's entries
def _entry(row: Any) -> dict[str, Any]:
    return {"restriction_id": row.restriction_id, "decision_id": row.decision_id, "content_id": row.content_id,
            "scope": list(row.scope), "ends_at": row.ends_at.isoformat() if row.ends_at else None,
            "kind": row.kind, "value": row.value.hex(), "quality": row.quality}


def _entries_query() -> Any:
    return (select(Restriction.id.label("restriction_id"), Restriction.decision_id, Restriction.scope,
                   Restriction.ends_at, ContentFingerprint.content_id, ContentFingerprint.kind,
                   ContentFingerprint.value, ContentFingerprint.quality)
            .join(ContentFingerprint, ContentFingerprint.content_id == Restriction.subject_id)
            .where(Restriction.subject_kind == SubjectKind.content.value))


def entries_for(*, session: Session, restriction_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The bank entries of these restrictions (whether or not they are still active: a feed
    change's restriction is added as the change says, its end comes as its own change)."""
    if not restriction_ids:
        return []
    query = _entries_query().where(Restriction.id.in_(list(restriction_ids))).order_by(
        Restriction.id, ContentFingerprint.id)
    return [_entry(r) for r in session.execute(query)]


def snapshot_entries(conn: Connection | Session, *, now: dt.datetime) -> Iterator[dict[str, Any]]:
    """The entries of every active restriction (in a read transaction that sees one snapshot)."""
    session = conn if isinstance(conn, Session) else Session(bind=conn)
    query = _entries_query().where(
        Restriction.ended_at.is_(None), or_(Restriction.ends_at.is_(None), Restriction.ends_at > now)
    ).order_by(Restriction.id, ContentFingerprint.id).execution_options(yield_per=2000)
    for r in session.execute(query):
        yield _entry(r)


class BankFeed:
    """Keeps a process's bank current beside its visibility index: handed to the
    enforcement FeedFollower, it loads from the same snapshot and applies the same changes
    (reading the fingerprints of restrictions that start in the same read)."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank

    def load(self, conn: Connection, cursor: int) -> None:
        self.bank.load(snapshot_entries(conn, now=utcnow()), cursor)

    def apply(self, session: Session, changes: Sequence[Mapping[str, Any]]) -> None:
        rows = entries_for(session=session, restriction_ids=self.bank.wanted(changes))
        self.bank.apply_all(changes, rows)


# ---------------------------------------------------------------- matches found at registration
def record(*, session: Session, actor: str, content_id: str, matches: Sequence[Match]) -> list[ContentMatch]:
    """Record each match of newly registered content (``content:match_found``), once per
    content and restriction; matches with the content itself are no copies."""
    known = {(m.restriction_id, m.kind) for m in session.execute(
        select(ContentMatch).where(ContentMatch.content_id == content_id)).scalars()}
    recorded = []
    now = utcnow()
    for m in matches:
        if m.content_id == content_id or (m.restriction_id, m.kind.value) in known:
            continue
        row = ContentMatch(content_id=content_id, original_content_id=m.content_id, decision_id=m.decision_id,
                           restriction_id=m.restriction_id, kind=m.kind.value, distance=m.distance,
                           similarity=m.similarity, found_at=now)
        session.add(row)
        session.flush()
        audit.record(session=session, actor=actor, action="content:match_found", subject=f"content:{content_id}",
                     payload={"match": row.id, "original": m.content_id, "decision": m.decision_id,
                              "restriction": m.restriction_id, "kind": m.kind.value, "distance": m.distance,
                              "similarity": m.similarity})
        recorded.append(row)
    return recorded


def matches_for_item(*, session: Session, item_id: int) -> list[ContentMatch]:
    return list(session.execute(select(ContentMatch).where(ContentMatch.item_id == item_id)
                                .order_by(ContentMatch.id)).scalars())
