"""Documents on the pages: the portal's and the console's forms that add a document to a
request, their download links, and the console's reading page, which shows a PDF's or a
scan's pages as images drawn on the server (docket.documents.page_images); on the
console, the mark that a document holds personal data and the form that adds a redacted
copy of it, and the inbox of documents received without a request
(docket.documents.inbox). The same checks and services as the API
(``docket.documents.api``): who reaches the request reaches its documents, every upload,
mark and download is an audit event, and a download is always an attachment.

The request pages themselves (the portal's, the console's item page) list the documents
with :func:`shown`; the portal's new-request form takes files with :func:`form_context`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from docket import access, store
from docket.bounds import Id
from docket.deps import AppSettings, Db
from docket.documents import detect, inbox, page_images, service
from docket.documents.models import Channel, Document, DocumentKind, InboxEntry, InboxExtraction, InboxStatus
from docket.errors import Conflict, DocketError, NotFound, Unprocessable
from docket.intake.models import Request as DocketRequest
from docket.parties.auth import Permission
from docket.parties.models import Submitter, User
from docket.review.console import StaffReader, back_to
from docket.settings import Settings
from docket.web import render
from docket.web.auth import PortalUser, signed_in
from docket.web.forms import Form
from docket.web.i18n import tr
from docket.web.render import add_template_package, flash, redirect
from docket.web.sessions import SignedIn

router = APIRouter(include_in_schema=False)
add_template_package("docket.documents")

KIND_WORDS = {
    DocumentKind.letter: "Letter", DocumentKind.order: "Order", DocumentKind.court_decision: "Court decision",
    DocumentKind.translation: "Translation", DocumentKind.evidence: "Evidence", DocumentKind.other: "Other",
}
TYPE_WORDS = {media: words for media, words in detect.ALLOWED.items()}


def size_words(size: int) -> str:
    """1536 → '1.5 KB'."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


def form_context(settings: Settings) -> dict[str, Any]:
    """What the templates' document fields (documents/_fields.html) and lists need."""
    return {"document_kinds": {k.value: w for k, w in KIND_WORDS.items()}, "document_types": TYPE_WORDS,
            "document_size": size_words, "max_document": settings.document_max_bytes,
            "document_kind_options": [(k.value, w) for k, w in KIND_WORDS.items()]}


def shown(session: Session, *, request_id: int, settings: Settings) -> dict[str, Any]:
    """A request's documents for its page (documents/_list.html), with the upload form's needs."""
    return {**form_context(settings), "documents": service.for_request(session=session, request_id=request_id),
            "page_types": page_images.RENDERED}


def uploads_of(form: dict[str, Any], settings: Settings, *, field: str,
               kind: DocumentKind | None = None) -> list[service.Upload]:
    """The files of a form's ``field`` (none chosen: none), with the form's one kind
    (``document_kind``; ``kind`` when given) and language (``document_language``), checked."""
    given = form.get(field)
    files = [f for f in (given if isinstance(given, list) else [given])
             if isinstance(f, UploadFile) and (f.filename or f.size)]
    kind = kind or service.parse_kind(_text(form, "document_kind"), "document_kind")
    language = service.parse_language(_text(form, "document_language"), "document_language")
    return [service.check_upload(settings=settings, data=service.read_at_most(settings, f.file),
                                 filename=f.filename, kind=kind, language=language, field=field)
            for f in files]


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip()[:40] if isinstance(value, str) else ""


def _add(request: Request, db: Session, settings: Settings, user: SignedIn, found: DocketRequest,
         form: dict[str, Any], *, staff: bool = False) -> str | None:
    """Add the form's file to ``found`` (on the console, a redacted copy when the form names
    the original, ``redacts``, whose kind the copy takes); the refusal's words, or None
    when it was stored."""
    try:
        original = service.original(session=db, request_id=found.id, staff=staff, value=_text(form, "redacts"))
        uploads = uploads_of(form, settings, field="file", kind=original.kind if original else None)
        if not uploads:
            return "choose a file to add"
        added = service.add(session=db, settings=settings, request_id=found.id, uploads=uploads,
                            actor=f"user:{user.user_id}", redacts=original)
    except DocketError as exc:
        db.rollback()
        return exc.detail
    if original is not None:
        flash(request, tr(request, "“%(name)s” is added as a redacted copy of “%(original)s”.", name=added[0].filename,
                          original=original.filename))
    else:
        flash(request, tr(request, "“%(name)s” is added to request %(id)s.", name=added[0].filename, id=found.id))
    return None


def _download(request: Request, db: Session, settings: Settings, user: SignedIn, document_id: int) -> Response:
    document = access.visible(db, user.principal, Document, document_id, what="document")
    data = service.content(session=db, settings=settings, document=document)
    with store.transaction(request.app.state.sessionmaker) as writing:  # the page's reads are read-only
        service.record_download(session=writing, document=document, actor=f"user:{user.user_id}")
    return Response(data, media_type=document.media_type, headers=service.download_headers(document))


# ---------------------------------------------------------------- the portal
@router.post("/portal/requests/{request_id}/documents")
def portal_add(request: Request, request_id: Id, user: PortalUser, db: Db, settings: AppSettings,
               form: Form) -> Response:
    """Add a document to one of the organisation's requests. Who: a person of its submitter."""
    found = access.visible(db, user.principal, DocketRequest, request_id, for_update=True, what="request")
    refused = _add(request, db, settings, user, found, form)
    if refused is not None:
        flash(request, tr(request, "The document was not added: %(why)s.", why=refused), "error")
    return redirect(request, f"/portal/requests/{request_id}#documents")


@router.get("/portal/documents/{document_id}")
def portal_download(request: Request, document_id: Id, user: PortalUser, db: Db,
                    settings: AppSettings) -> Response:
    """Download a document of one of the organisation's requests (always as a file). Who: a
    person of the request's submitter."""
    return _download(request, db, settings, user, document_id)


# ---------------------------------------------------------------- the console
@router.post("/console/requests/{request_id}/documents")
def console_add(request: Request, request_id: Id, who: StaffReader, db: Db, settings: AppSettings,
                form: Form) -> Response:
    """Add a document to a request (a translation, evidence found in review). Who: staff
    who may see the request (a local representative: its countries)."""
    found = access.visible(db, who.principal, DocketRequest, request_id, for_update=True, what="request")
    back = back_to(form, f"/console/requests/{request_id}")
    refused = _add(request, db, settings, who, found, form, staff=True)
    if refused is not None:
        flash(request, tr(request, "The document was not added: %(why)s.", why=refused), "error")
    return redirect(request, f"{back}#documents")


@router.post("/console/documents/{document_id}/personal-data")
def console_mark(request: Request, document_id: Id, who: StaffReader, db: Db, form: Form) -> Response:
    """Mark a document as holding personal data (``personal_data=yes``) or not (``no``):
    a document so marked is never exported, a redacted copy of it goes in its place. Who:
    staff who may see the request (a local representative: its countries)."""
    document = access.visible(db, who.principal, Document, document_id, for_update=True, what="document")
    back = back_to(form, f"/console/requests/{document.request_id}" if document.request_id is not None
                   else f"/console/inbox/{document.id}")
    flag = _text(form, "personal_data")
    if flag not in ("yes", "no"):
        flash(request, tr(request, "The mark was not changed: say yes or no."), "error")
    elif service.mark(session=db, document=document, personal_data=flag == "yes", actor=f"user:{who.user_id}"):
        flash(request, tr(request, "“%(name)s” is marked as holding personal data.", name=document.filename)
              if flag == "yes" else tr(request, "“%(name)s” is marked as holding no personal data.",
                                       name=document.filename))
    return redirect(request, f"{back}#documents")


@router.get("/console/documents/{document_id}")
def console_download(request: Request, document_id: Id, who: StaffReader, db: Db,
                     settings: AppSettings) -> Response:
    """Download a document of a request (always as a file). Who: staff who may see the
    request (a local representative: its countries)."""
    return _download(request, db, settings, who, document_id)


@router.get("/console/documents/{document_id}/read")
def console_read(request: Request, document_id: Id, who: StaffReader, db: Db, settings: AppSettings) -> Response:
    """Read a document in the browser: each page of a PDF or a scan as an image drawn on the
    server (the file itself is never opened in the browser); other types are downloaded.
    Audited as a download. Who: staff who may see the request (a local representative: its
    countries)."""
    document = access.visible(db, who.principal, Document, document_id, what="document")
    pages, problem = 0, None
    if page_images.renders(document.media_type):
        try:
            pages = page_images.page_count(service.content(session=db, settings=settings, document=document),
                                           document.media_type, sha256=document.sha256)
        except page_images.RenderError as exc:
            problem = str(exc)
        with store.transaction(request.app.state.sessionmaker) as writing:
            service.record_download(session=writing, document=document, actor=f"user:{who.user_id}",
                                    as_pages=True)
    return render.page(request, "documents/read.html", {
        "document": document, "pages": pages, "problem": problem, "more": pages >= page_images.MAX_PAGES,
        "kind_words": KIND_WORDS, "type_words": TYPE_WORDS, "size_words": size_words(document.size),
        "back": (f"/console/requests/{document.request_id}#documents" if document.request_id is not None
                 else f"/console/inbox/{document.id}")}, title=document.filename)


@router.get("/console/documents/{document_id}/pages/{page}")
def console_page_image(request: Request, document_id: Id, page: Annotated[int, Path(ge=1, le=page_images.MAX_PAGES)],
                       who: StaffReader, db: Db, settings: AppSettings) -> Response:
    """Page ``page`` (from 1) of a document as a PNG drawn on the server, for the reading
    page (which records the reading). Who: staff who may see the request."""
    document = access.visible(db, who.principal, Document, document_id, what="document")
    if not page_images.renders(document.media_type):
        raise NotFound(f"a {TYPE_WORDS.get(document.media_type, document.media_type)} has no page images")
    data = service.content(session=db, settings=settings, document=document)
    try:
        png = page_images.render(data, document.media_type, page - 1, sha256=document.sha256)
    except page_images.RenderError as exc:
        raise NotFound(str(exc)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


# ---------------------------------------------------------------- the console's inbox
Intake = Annotated[SignedIn, Depends(signed_in(permission=Permission.inbox))]
CHANNEL_WORDS = {Channel.console: "Console", Channel.api: "API", Channel.mail: "E-mail"}
STATUS_WORDS = {InboxStatus.unprocessed: "Unprocessed", InboxStatus.draft: "Draft",
                InboxStatus.confirmed: "Confirmed", InboxStatus.dismissed: "Dismissed"}
SHOWN = {"open": inbox.OPEN, "dismissed": (InboxStatus.dismissed,), "confirmed": (InboxStatus.confirmed,),
         "all": tuple(InboxStatus)}
# The inbox's filters, by the words its page shows (translated there).
INBOX_FILTERS = {"open": "Open", "dismissed": "Dismissed", "confirmed": "Confirmed", "all": "All"}
PASTED_MAX = 200_000  # characters of pasted text


def _senders(db: Session, rows: list[tuple[InboxEntry, Document]]) -> dict[int, str]:
    """Who sent each entry, in words: the From address, the submitter's name, the staff member."""
    submitters = {e.submitter_id for e, _ in rows if e.submitter_id is not None}
    users = {e.user_id for e, _ in rows if e.user_id is not None}
    names: dict[int, str] = {row.id: row.name for row in db.execute(
        select(Submitter.id, Submitter.name).where(Submitter.id.in_(submitters)))} if submitters else {}
    people: dict[int, str] = {row.id: row.email for row in db.execute(
        select(User.id, User.email).where(User.id.in_(users)))} if users else {}
    shown: dict[int, str] = {}
    for entry, _ in rows:
        if entry.sender:
            shown[entry.document_id] = entry.sender
        elif entry.submitter_id is not None:
            shown[entry.document_id] = names.get(entry.submitter_id, f"submitter {entry.submitter_id}")
        elif entry.user_id is not None:
            shown[entry.document_id] = people.get(entry.user_id, f"user {entry.user_id}")
    return shown


@router.get("/console/inbox")
def console_inbox(request: Request, who: Intake, db: Db, settings: AppSettings, status: str = "open") -> Response:
    """The inbox: documents received without a request (uploaded, sent through the API,
    taken from the mailbox), oldest first, with the form that adds one. Who: staff with the
    ``inbox`` permission (reviewers)."""
    shown = status if status in SHOWN else "open"
    rows = inbox.listing(session=db, statuses=SHOWN[shown])
    return render.page(request, "documents/inbox.html", {
        **form_context(settings), "rows": rows, "senders": _senders(db, rows), "shown": shown,
        "counts": inbox.counts(session=db), "channel_words": CHANNEL_WORDS, "status_words": STATUS_WORDS,
        "filters": list(INBOX_FILTERS.items()),
        "pasted_max": PASTED_MAX}, title=tr(request, "Inbox"))


@router.post("/console/inbox")
def console_inbox_add(request: Request, who: Intake, db: Db, settings: AppSettings, form: Form) -> Response:
    """Put a document in the inbox: a file (a letter, an .eml, a scan), or text pasted into
    the form, stored as a plain-text document. Who: staff with the ``inbox`` permission."""
    try:
        upload = _inbox_upload(form, settings)
        entry, _ = inbox.receive(session=db, settings=settings, upload=upload, channel=Channel.console,
                                 actor=f"user:{who.user_id}", user_id=who.user_id)
    except DocketError as exc:
        db.rollback()
        flash(request, tr(request, "Nothing was added to the inbox: %(why)s.", why=exc.detail), "error")
        return redirect(request, "/console/inbox")
    flash(request, tr(request, "“%(name)s” is in the inbox.", name=upload.filename))
    return redirect(request, f"/console/inbox/{entry.document_id}")


def _inbox_upload(form: dict[str, Any], settings: Settings) -> service.Upload:
    """The form's file, or else its pasted text (as UTF-8 plain text), checked like every upload."""
    language = service.parse_language(_text(form, "document_language"), "document_language")
    files = uploads_of({**form, "document_kind": DocumentKind.letter.value}, settings, field="file")
    if len(files) > 1:
        raise Unprocessable("add one file at a time", errors=[{"field": "file", "message": "one file"}])
    pasted = form.get("text")
    pasted = pasted.strip() if isinstance(pasted, str) else ""
    if files and pasted:
        raise Unprocessable("choose a file or paste text, not both",
                            errors=[{"field": "text", "message": "a file was chosen too"}])
    if files:
        return files[0]
    if not pasted:
        raise Unprocessable("choose a file or paste the letter's text",
                            errors=[{"field": "file", "message": "a file or text is required"}])
    if len(pasted) > PASTED_MAX:
        raise Unprocessable(f"the pasted text is longer than {PASTED_MAX} characters",
                            errors=[{"field": "text", "message": f"at most {PASTED_MAX} characters"}])
    title = _text(form, "title") or "Pasted text"
    return service.check_upload(settings=settings, data=pasted.replace("\r\n", "\n").encode() + b"\n",
                                filename=f"{title}.txt", kind=DocumentKind.letter, language=language, field="text")


@router.get("/console/inbox/{document_id}")
def console_inbox_entry(request: Request, document_id: Id, who: Intake, db: Db, settings: AppSettings) -> Response:
    """One document of the inbox: how it came, from whom, what became of it; a link to read
    it, and the form that dismisses it. Who: staff with the ``inbox`` permission."""
    document = access.visible(db, who.principal, Document, document_id, what="document")
    entry = inbox.get(session=db, document_id=document.id)
    text = None
    if document.media_type in (detect.TEXT, detect.EML):  # a letter's text, read on its page: recorded
        text = inbox.readable_text(service.content(session=db, settings=settings, document=document),
                                   document.media_type)
        with store.transaction(request.app.state.sessionmaker) as writing:  # the page's reads are read-only
            service.record_download(session=writing, document=document, actor=f"user:{who.user_id}", as_text=True)
    return render.page(request, "documents/inbox_entry.html", {
        "text": text, "text_cut": text is not None and len(text) >= inbox.TEXT_SHOWN,
        "entry": entry, "document": document, "sender": _senders(db, [(entry, document)]).get(entry.document_id),
        "channel_words": CHANNEL_WORDS, "status_words": STATUS_WORDS, "kind_words": KIND_WORDS,
        "type_words": TYPE_WORDS, "size_words": size_words(document.size), "is_open": entry.status in inbox.OPEN,
        "reason_max": inbox.REASON_MAX, "extraction_error": db.execute(
            select(InboxExtraction.error).where(InboxExtraction.document_id == document.id)).scalar_one_or_none(),
        "dismissed_by": db.get(User, entry.dismissed_by) if entry.dismissed_by else None},
        title=entry.subject or document.filename)


@router.post("/console/inbox/{document_id}/dismiss")
def console_inbox_dismiss(request: Request, document_id: Id, who: Intake, db: Db, form: Form) -> Response:
    """Dismiss a document of the inbox (not a request: spam, a duplicate, out of scope),
    with the reason. Who: staff with the ``inbox`` permission."""
    document = access.visible(db, who.principal, Document, document_id, what="document")
    reason = form.get("reason")
    try:
        inbox.dismiss(session=db, document_id=document.id, user_id=who.user_id,
                      reason=reason if isinstance(reason, str) else None, actor=f"user:{who.user_id}")
    except (Conflict, Unprocessable) as exc:
        db.rollback()
        flash(request, tr(request, "Not dismissed: %(why)s.", why=exc.detail), "error")
        return redirect(request, f"/console/inbox/{document_id}")
    flash(request, tr(request, "Document %(id)s is dismissed.", id=document_id))
    return redirect(request, "/console/inbox")
