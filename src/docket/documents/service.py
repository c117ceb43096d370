"""Documents on a request: checking a file as it arrives (its size and its type, from its
bytes), storing it with its ``document:added`` event, listing a request's documents and
reading one back with its ``document:downloaded`` event; staff's mark that a document
holds personal data (``document:marked``) and the redacted copies they add in its place.

Every channel that takes files — a request sent with documents (``intake.submit``), a
document added later through the API, the portal or the console — checks them with
:func:`check_upload` and stores them with :func:`add`. Events carry a document's hash,
size, type, kind and language; never its content, nor its file name (which may name
people)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket import audit
from docket.documents import detect
from docket.documents.models import Document, DocumentKind
from docket.documents.storage import Blobs
from docket.errors import Forbidden, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from docket.settings import Settings

# The routes that take documents in a multipart/form-data body, which errors.BodyLimit
# lets carry the documents' limits (the API's, the portal's and the console's).
UPLOAD_PATHS = (r"/api/v1/requests", r"/api/v1/requests/\d+/documents", r"/portal/requests",
                r"/portal/requests/\d+/documents", r"/console/requests/\d+/documents",
                r"/api/v1/documents", r"/console/inbox")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class Upload:
    """A file as received and checked, not yet stored."""

    data: bytes
    filename: str
    kind: DocumentKind
    language: str | None
    media_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def upload_limit(settings: Settings) -> int:
    """The largest multipart body a route that takes documents reads: the documents one
    request may carry, and the usual body limit for the rest of the form."""
    return settings.request_documents_max_bytes + settings.max_body_bytes


def check_upload(*, settings: Settings, data: bytes, filename: str | None, kind: DocumentKind,
                 language: str | None, field: str = "file") -> Upload:
    """``data`` as a document to store: 413 over DOCKET_DOCUMENT_MAX_BYTES, 415 unless its
    bytes are of an allowed type, 422 when it is empty. ``field`` names the form field in
    errors; ``kind`` and ``language`` are checked already (:func:`parse_kind`,
    :func:`parse_language`). The caller reads at most ``document_max_bytes + 1`` bytes
    (:func:`read_at_most`), so a larger file is never read whole."""
    name = detect.display_name(filename)
    if len(data) > settings.document_max_bytes:
        raise PayloadTooLarge(
            f"{name!r} is larger than the limit of {settings.document_max_bytes} bytes per document",
            errors=[{"field": field, "message": f"at most {settings.document_max_bytes} bytes"}])
    if not data:
        raise Unprocessable(f"{name!r} is empty", errors=[{"field": field, "message": "the file is empty"}])
    found = detect.detect(data)
    if not found.allowed:
        raise UnsupportedMediaType(
            f"{name!r} is {found.words} ({found.media_type}), as its content shows; documents may be "
            f"{detect.ALLOWED_WORDS}",
            errors=[{"field": field, "message": f"{found.words} is not an allowed type"}],
            detected=found.media_type, allowed=list(detect.ALLOWED))
    return Upload(data=data, filename=name, kind=kind, language=language, media_type=found.media_type,
                  sha256=hashlib.sha256(data).hexdigest())


def read_at_most(settings: Settings, file: BinaryIO) -> bytes:
    """An uploaded file's bytes, up to one more than a document may have (enough to refuse it)."""
    return file.read(settings.document_max_bytes + 1)


def parse_kind(value: str | None, field: str = "kind") -> DocumentKind:
    """A document's kind as a form gives it (``other`` when none is given)."""
    try:
        return DocumentKind((value or "other").strip())
    except ValueError:
        allowed = ", ".join(k.value for k in DocumentKind)
        raise Unprocessable(f"unknown document kind {str(value)[:40]!r}",
                            errors=[{"field": field, "message": f"one of {allowed}"}]) from None


def parse_language(value: str | None, field: str = "language") -> str | None:
    """An ISO 639-1 code as a form gives it (empty: none)."""
    code = (value or "").strip().lower()
    if code and not _LANGUAGE.match(code):
        raise Unprocessable(f"unknown language {code[:20]!r}",
                            errors=[{"field": field, "message": "a two-letter ISO 639-1 code, e.g. ru, kk or de"}])
    return code or None


def fingerprint(uploads: Sequence[Upload]) -> str:
    """What identifies a set of uploads for an idempotency key: the same files with the same
    kinds, languages and names, the same fingerprint."""
    return "|".join(f"{u.sha256}/{u.kind.value}/{u.language or ''}/{u.filename}" for u in uploads)


def held_bytes(*, session: Session, request_id: int) -> int:
    """The bytes of the documents request ``request_id`` carries."""
    total = session.execute(select(func.coalesce(func.sum(Document.size), 0))
                            .where(Document.request_id == request_id)).scalar_one()
    return int(total)


def add(*, session: Session, settings: Settings, request_id: int, uploads: Sequence[Upload],
        actor: str, redacts: Document | None = None) -> list[Document]:
    """Store ``uploads`` on request ``request_id``, each with its ``document:added`` event,
    in the caller's transaction; 413, storing nothing, when the request's documents would
    pass DOCKET_REQUEST_DOCUMENTS_MAX_BYTES. The caller holds the request (locked, or new
    in its transaction), so two uploads cannot both pass the limit. With ``redacts`` (see
    :func:`original`), each is a redacted copy of that document."""
    held = held_bytes(session=session, request_id=request_id) if uploads else 0
    total = held + sum(u.size for u in uploads)
    if total > settings.request_documents_max_bytes:
        raise PayloadTooLarge(
            f"a request's documents may total at most {settings.request_documents_max_bytes} bytes; "
            f"this request's would total {total}",
            errors=[{"field": "documents", "message": f"{settings.request_documents_max_bytes - held} "
                                                      "bytes are left for this request"}])
    blobs = Blobs.of(settings)
    documents = []
    for upload in uploads:
        blobs.put(session, sha256=upload.sha256, data=upload.data)
        documents.append(Document(
            request_id=request_id, kind=upload.kind, language=upload.language, filename=upload.filename,
            size=upload.size, sha256=upload.sha256, media_type=upload.media_type, uploaded_by=actor,
            personal_data=False, redacts_id=redacts.id if redacts is not None else None))
    session.add_all(documents)
    session.flush()
    audit.record_many(session=session, events=[
        audit.NewEvent(actor, "document:added", f"request:{request_id}",
                       {**facts(d), **({"redacts": d.redacts_id} if d.redacts_id is not None else {})})
        for d in documents])
    return documents


def original(*, session: Session, request_id: int, staff: bool, value: int | str | None,
             field: str = "redacts") -> Document | None:
    """The document a new one is a redacted copy of, as a form gives its id (none given:
    None). Only staff add redacted copies (a 403 for anyone else); the original is a
    document of the same request that is not itself a copy (a 422 otherwise)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not staff:
        raise Forbidden("only staff add a redacted copy of a document")
    try:
        document_id = int(value)
    except ValueError:
        document_id = 0
    found = session.get(Document, document_id) if 0 < document_id < 2**31 else None
    if found is None or found.request_id != request_id:
        raise Unprocessable(f"request {request_id} has no document {str(value)[:20]}",
                            errors=[{"field": field, "message": "the id of a document of the same request"}])
    if found.redacts_id is not None:
        raise Unprocessable(f"document {found.id} is itself a redacted copy (of document {found.redacts_id})",
                            errors=[{"field": field, "message": "the id of an original, not of a copy"}])
    return found


def mark(*, session: Session, document: Document, personal_data: bool, actor: str) -> bool:
    """Mark ``document`` as holding personal data, or not, with its ``document:marked``
    event; False (and no event) when it was marked so already. The caller holds the
    document locked, so two staff changing it at once take turns."""
    if document.personal_data == personal_data:
        return False
    document.personal_data = personal_data
    session.flush()
    audit.record(session=session, actor=actor, action="document:marked", subject=subject(document),
                 payload={**facts(document), "personal_data": personal_data})
    return True


def for_request(*, session: Session, request_id: int) -> list[Document]:
    """Request ``request_id``'s documents, in the order they came."""
    query = select(Document).where(Document.request_id == request_id).order_by(Document.id)
    return list(session.execute(query).scalars())


def content(*, session: Session, settings: Settings, document: Document) -> bytes:
    """The bytes of ``document``."""
    return Blobs.of(settings).get(session, sha256=document.sha256)


def record_download(*, session: Session, document: Document, actor: str, as_pages: bool = False,
                    as_text: bool = False) -> None:
    """The ``document:downloaded`` event of ``actor`` reading ``document``: the file itself,
    (``as_pages``) its page images on the console's reading page, or (``as_text``) its
    text on the inbox's page."""
    audit.record(session=session, actor=actor, action="document:downloaded", subject=subject(document),
                 payload={**facts(document), **({"as": "page_images"} if as_pages else {}),
                          **({"as": "text"} if as_text else {})})


def download_headers(document: Document) -> dict[str, str]:
    """The headers of a download: always an attachment under its cleaned name (RFC 6266),
    in the type detected, never rendered by the browser (a sandboxing policy of its own;
    ``nosniff`` is on every answer, web.headers)."""
    return {
        "Content-Disposition": f"attachment; filename=\"{detect.ascii_name(document.filename)}\"; "
                               f"filename*=UTF-8''{quote(document.filename, safe='')}",
        "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
        "Cache-Control": "private, no-store",
    }


def subject(document: Document) -> str:
    """The audit subject of an event about ``document``: its request's; a document in the
    inbox has no request yet, so the document itself."""
    return f"request:{document.request_id}" if document.request_id is not None else f"document:{document.id}"


def facts(document: Document) -> dict[str, Any]:
    """What events say of a document: never its content nor its name."""
    return {"document": document.id, "sha256": document.sha256, "size": document.size,
            "media_type": document.media_type, "kind": str(document.kind), "language": document.language}
