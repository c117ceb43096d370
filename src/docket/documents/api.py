"""Documents through the API: add one to a request, list a request's, download one; staff
mark one as holding personal data and add a redacted copy of it; send one as it is to
the inbox (``POST /api/v1/documents``), follow what became of it, and (staff) confirm it
as a request (``POST /api/v1/documents/{id}/confirm``).

A request's documents are for its submitter and for staff who may see the request (a
local representative: its countries); to anyone else the request and its documents are
a 404, as if they did not exist. Marking a document and adding a redacted copy are
staff's: a submitter is refused (403) as on every staff-only route. Every upload, mark
and download is an audit event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile, status
from fastapi import Request as HttpRequest
from fastapi.responses import Response

from docket import access, store
from docket.bounds import Id
from docket.deps import AppSettings, Db
from docket.documents import detect, inbox, service
from docket.documents.models import Channel, Document, DocumentKind
from docket.documents.schemas import DocumentList, DocumentRead, DocumentUpdate, InboxEntryRead
from docket.errors import PROBLEM_JSON, Forbidden
from docket.intake import drafts
from docket.intake.api import check_reader, rate_limited
from docket.intake.models import Request
from docket.intake.schemas import RequestCreate, RequestRead
from docket.parties.auth import Permission, Principal, require

router = APIRouter(tags=["documents"])

_PROBLEM = {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
# What /docs shows for a file field: the start of a PDF's bytes (a form sends the file itself).
FILE_EXAMPLE = "%PDF-1.7 …"


async def readers(principal: Annotated[Principal, Depends(rate_limited)]) -> Principal:
    """The caller, if it may read requests at all (``intake.api.check_reader``); counted
    against its rate limit as the requests' routes are."""
    check_reader(principal)
    return principal


Reader = Annotated[Principal, Depends(readers)]


@router.post("/api/v1/requests/{request_id}/documents", status_code=status.HTTP_201_CREATED,
             response_model=DocumentRead,
             responses={413: {"description": "the document, or the request's documents together, over their limit"},
                        415: {"description": "the document's content is not of an allowed type", **_PROBLEM}})
def add_document(
    request_id: Id, db: Db, settings: AppSettings, principal: Reader,
    file: Annotated[UploadFile, File(description="the document; its type is read from its bytes",
                                     examples=[FILE_EXAMPLE])],
    kind: Annotated[DocumentKind, Form(description="what the document is")],
    language: Annotated[str | None, Form(max_length=2, description="ISO 639-1, e.g. ru", examples=["ru"])] = None,
    redacts: Annotated[str | None, Form(max_length=20, description=(
        "staff only: the id of a document of the same request that this one is a redacted copy of"),
        examples=["12"])] = None,
) -> DocumentRead:
    """Attach a document (the letter, the order, a court decision, a translation, evidence)
    to a request; with ``redacts``, a redacted copy of one of its documents (staff only; a
    403 for a submitter, a 422 for a document not of this request or itself a copy). Who:
    the request's submitter; staff who may see it (a local representative: its
    countries); 404 for anyone else."""
    found = access.visible(db, principal, Request, request_id, for_update=True, what="request")
    original = service.original(session=db, request_id=found.id, staff=principal.submitter_id is None,
                                value=redacts)
    upload = service.check_upload(settings=settings, data=service.read_at_most(settings, file.file),
                                  filename=file.filename, kind=kind,
                                  language=service.parse_language(language))
    [added] = service.add(session=db, settings=settings, request_id=found.id, uploads=[upload],
                          actor=principal.actor, redacts=original)
    return DocumentRead.model_validate(added)


@router.patch("/api/v1/documents/{document_id}", response_model=DocumentRead,
              responses={422: {"description": "not a boolean ``personal_data``", **_PROBLEM}})
def mark_document(document_id: Id, body: DocumentUpdate, db: Db,
                  principal: Annotated[Principal, Depends(require(Permission.requests_read_all))]) -> DocumentRead:
    """Mark a document as holding personal data (or not), with a ``document:marked`` event
    when the mark changes. A document so marked never leaves the platform in an export;
    a redacted copy of it (``POST …/documents`` with ``redacts``) goes in its place. Who:
    staff who may see the request (a local representative: its countries); 403 for a
    submitter; 404 for anyone else."""
    document = access.visible(db, principal, Document, document_id, for_update=True, what="document")
    service.mark(session=db, document=document, personal_data=body.personal_data, actor=principal.actor)
    return DocumentRead.model_validate(document)


@router.get("/api/v1/requests/{request_id}/documents", response_model=DocumentList)
def list_documents(request_id: Id, db: Db, principal: Reader) -> DocumentList:
    """A request's documents, in the order they came (their content: ``GET
    /api/v1/documents/{id}/content``). Who: the request's submitter; staff who may see it
    (a local representative: its countries); 404 for anyone else."""
    found = access.visible(db, principal, Request, request_id, what="request")
    return DocumentList(documents=[DocumentRead.model_validate(d)
                                   for d in service.for_request(session=db, request_id=found.id)])


@router.get("/api/v1/documents/{document_id}/content", response_class=Response,
            responses={200: {"description": "the document, as an attachment, in the type detected",
                             "content": {media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                                         for media in detect.ALLOWED}}})
def download_document(request: HttpRequest, document_id: Id, db: Db, settings: AppSettings,
                      principal: Reader) -> Response:
    """A document's content, always as an attachment (``Content-Disposition: attachment``,
    ``nosniff``), never shown in the browser. The download is recorded (an audit event)
    before it is sent. Who: the request's submitter; staff who may see the request (a local
    representative: its countries); 404 for anyone else."""
    document = access.visible(db, principal, Document, document_id, what="document")
    data = service.content(session=db, settings=settings, document=document)
    with store.transaction(request.app.state.sessionmaker) as writing:  # this call's reads are read-only
        service.record_download(session=writing, document=document, actor=principal.actor)
    return Response(data, media_type=document.media_type, headers=service.download_headers(document))


# ---------------------------------------------------------------- the inbox
async def senders(principal: Annotated[Principal, Depends(rate_limited)]) -> Principal:
    """The caller, if it may send documents to the inbox: a submitter's token, or staff
    with the ``inbox`` permission (reviewers)."""
    if principal.submitter_id is None and not principal.can(Permission.inbox):
        raise Forbidden("this call needs a submitter's token or the 'inbox' permission")
    return principal


Sender = Annotated[Principal, Depends(senders)]


@router.post("/api/v1/documents", status_code=status.HTTP_201_CREATED, response_model=InboxEntryRead,
             responses={413: {"description": "the document over DOCKET_DOCUMENT_MAX_BYTES", **_PROBLEM},
                        415: {"description": "the document's content is not of an allowed type", **_PROBLEM}})
def receive_document(
    response: Response, db: Db, settings: AppSettings, principal: Sender,
    file: Annotated[UploadFile, File(description="the letter, order or decision as it is; its type is read "
                                                 "from its bytes", examples=[FILE_EXAMPLE])],
    language: Annotated[str | None, Form(max_length=2, description="ISO 639-1, e.g. kk", examples=["kk"])] = None,
) -> InboxEntryRead:
    """Send a document as it is — a letter, an order, a court decision — without filling in
    a request: it waits in the inbox (status ``unprocessed``) until a person turns it into
    a request or dismisses it; follow it with ``GET /api/v1/documents/{id}``. Who: a
    submitter's token; staff with the ``inbox`` permission (reviewers)."""
    upload = service.check_upload(settings=settings, data=service.read_at_most(settings, file.file),
                                  filename=file.filename, kind=DocumentKind.letter,
                                  language=service.parse_language(language))
    entry, _ = inbox.receive(session=db, settings=settings, upload=upload, channel=Channel.api,
                             actor=principal.actor, submitter_id=principal.submitter_id,
                             user_id=None if principal.submitter_id else principal.user_id)
    document = db.get(Document, entry.document_id)
    assert document is not None
    response.headers["Location"] = f"/api/v1/documents/{entry.document_id}"
    return InboxEntryRead.of(entry, document)


@router.get("/api/v1/documents/{document_id}", response_model=InboxEntryRead)
def received_document(document_id: Id, db: Db, principal: Sender) -> InboxEntryRead:
    """What became of a document sent to the inbox: unprocessed, draft, confirmed (with
    the request's id) or dismissed (with the reason). Who: the submitter that sent it;
    staff with the ``inbox`` permission; 404 for anyone else, and for a document that did
    not come through the inbox."""
    document = access.visible(db, principal, Document, document_id, what="document")
    return InboxEntryRead.of(inbox.get(session=db, document_id=document.id), document)


@router.post("/api/v1/documents/{document_id}/confirm", status_code=status.HTTP_201_CREATED,
             response_model=RequestRead,
             responses={409: {"description": "the document is confirmed or dismissed already", **_PROBLEM},
                        422: {"description": "the request is refused by intake, or no submitter is known",
                              **_PROBLEM}})
def confirm_document(
    document_id: Id, body: RequestCreate, response: Response, db: Db, settings: AppSettings,
    principal: Annotated[Principal, Depends(require(Permission.inbox))],
    submitter_id: Annotated[int | None, Query(ge=1, le=2**31 - 1, description=(
        "whose request it is; default: the draft's (the sender recognised in the letter, else the "
        "submitter whose token sent it)"))] = None,
) -> RequestRead:
    """Turn a document of the inbox into a request, as the console's draft page does: the
    body goes through the one intake path (the same checks as ``POST /api/v1/requests``)
    as the submitter's request with the channel ``document``, the document is attached to
    it, and the entry becomes ``confirmed`` with the request's id. Who: staff with the
    ``inbox`` permission (reviewers)."""
    document = access.visible(db, principal, Document, document_id, what="document")
    entry = inbox.get(session=db, document_id=document.id)
    draft, _ = drafts.get(session=db, document_id=document.id)
    chosen = submitter_id or (draft.submitter_id if draft else None) or entry.submitter_id
    submitted = drafts.confirm(session=db, settings=settings, document_id=document.id, data=body,
                               submitter_id=chosen, user_id=principal.user_id, actor=principal.actor)
    response.headers["Location"] = f"/api/v1/requests/{submitted.id}"
    return RequestRead.model_validate(submitted.request)
