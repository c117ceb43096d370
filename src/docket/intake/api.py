"""Requests from submitters: the API channel into intake.submit_many()."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Depends, File, Form, Header, Query, UploadFile, status
from fastapi import Request as HttpRequest
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError

from docket import access
from docket.access import Purpose
from docket.appeals import history
from docket.bounds import Id, Moment
from docket.deps import AppSettings, Db
from docket.documents import service as documents
from docket.documents.models import DocumentKind
from docket.documents.schemas import DocumentRead
from docket.errors import PROBLEM_JSON, Forbidden, Unprocessable, field_errors, json_problem
from docket.intake import clarification, idempotency, orders, reading, thread
from docket.intake import submission as intake
from docket.intake.models import Channel, MessageAuthor, Request, RequestStatus
from docket.intake.schemas import (
    ClarificationCreate,
    OrderCorrection,
    RequestCreate,
    RequestPage,
    RequestRead,
    RequestWithDocuments,
)
from docket.intake.thread_schemas import MessageCreate, MessagePage, MessageRead
from docket.parties import auth
from docket.parties import service as parties
from docket.parties.auth import (
    CurrentPrincipal,
    Permission,
    Principal,
    confirm_submitter,
    require,
)
from docket.parties.models import Submitter
from docket.settings import Settings
from docket.store import independent_reads

router = APIRouter(prefix="/api/v1/requests", tags=["intake"])

IdempotencyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200,
           description="retrying with the same key returns the first answer and stores nothing new"),
]


async def rate_limited(request: HttpRequest, principal: CurrentPrincipal) -> Principal:
    """Count the call against the caller's token; the limit depends only on the submitter's kind."""
    if principal.submitter_id is not None:
        limits = request.app.state.settings.rate_limit_per_kind
        kind = principal.submitter_kind or "*"
        request.app.state.ratelimiter.hit(f"token:{principal.token_id}", limits.get(kind, limits["*"]))
    return principal


Limited = Annotated[Principal, Depends(rate_limited)]


async def rate_limited_submitter(request: HttpRequest,
                                 principal: Annotated[Principal, Depends(auth.principal(route_confirms=True))]
                                 ) -> Principal:
    """:func:`rate_limited` for submit_request, which confirms the token itself."""
    return await rate_limited(request, principal)


LimitedSubmitter = Annotated[Principal, Depends(rate_limited_submitter)]


def _submitter(db: Db, principal: Principal) -> Submitter:
    if principal.submitter_id is None:
        raise Forbidden("only a submitter's token can send requests")
    submitter = parties.get_submitter(session=db, submitter_id=principal.submitter_id)
    assert submitter is not None
    return submitter


def check_reader(principal: Principal) -> None:
    """403 unless the caller is a submitter or staff who may read requests (which requests
    it reaches, access decides)."""
    if principal.submitter_id is None and not principal.can(Permission.requests_read_all):
        raise Forbidden("this call needs a submitter's token or the 'requests:read_all' permission")


def submit_request(
    request: HttpRequest, body: RequestCreate, db: Db, settings: AppSettings,
    principal: LimitedSubmitter, idempotency_key: IdempotencyHeader = None,
) -> Response:
    """Send a request to restrict content. Who: a submitter's token.

    A well-formed but incomplete request is accepted (201) with status
    ``needs_clarification`` and the list of what is ``missing``. Sent as
    ``multipart/form-data`` instead, the request (its JSON body in the part ``request``)
    carries documents (parts ``documents``), stored with it or not at all; the answer then
    lists them (``documents``)."""
    # Reads first (on PostgreSQL outside any transaction, on SQLite in a read transaction
    # of their own), ids taken beforehand on PostgreSQL; the write then holds its locks
    # only to store the request and its event.
    if principal.submitter_id is None:
        raise Forbidden("only a submitter's token can send requests")
    with independent_reads(request.app.state.sessionmaker) as reads:
        submitter = confirm_submitter(reads, request, principal)  # 401 if revoked since
        prepared = intake.prepare(session=reads, settings=settings, submitter=submitter, data=body,
                                  channel=Channel.api, take_ids=True)
    key = idempotency.Key(f"submitter:{submitter.id}", idempotency_key,
                          idempotency.body_hash(body)) if idempotency_key else None
    # Committed before the answer is sent: on PostgreSQL as one statement (the writes and
    # the audit append), on SQLite by the writer that commits the waiting requests together.
    [done] = intake.submit_many(session=db, prepared=[prepared], idempotency=key, commit=True,
                                writer=getattr(request.app.state, "intake_writer", None))
    if done.replayed is not None:
        return JSONResponse(done.replayed.response, status_code=done.replayed.status_code,
                            headers={"Idempotent-Replayed": "true"})
    return Response(done.body(), status_code=status.HTTP_201_CREATED, media_type="application/json")


def submit_with_documents(
    request: HttpRequest, db: Db, settings: AppSettings, principal: LimitedSubmitter,
    request_part: Annotated[str, Form(alias="request")],
    files: Annotated[list[UploadFile] | None, File(alias="documents")] = None,
    document_kinds: Annotated[list[str] | None, Form()] = None,
    document_languages: Annotated[list[str] | None, Form()] = None,
    idempotency_key: IdempotencyHeader = None,
) -> Response:
    """:func:`submit_request` for a ``multipart/form-data`` body: the request with its
    documents, through ``intake.submit`` in one transaction (the request, its events, its
    acknowledgement and its documents, or nothing). Who: a submitter's token."""
    if principal.submitter_id is None:
        raise Forbidden("only a submitter's token can send requests")
    data = _request_part(request_part)
    uploads = _uploads(settings, files or [], document_kinds or [], document_languages or [])
    submitter = confirm_submitter(db, request, principal)  # 401 if revoked since
    key = idempotency.Key(f"submitter:{submitter.id}", idempotency_key,
                          intake.body_digest(data, uploads)) if idempotency_key else None
    done = intake.submit(session=db, settings=settings, submitter=submitter, data=data,
                         channel=Channel.api, idempotency=key, uploads=uploads)
    if done.replayed is not None:
        return JSONResponse(done.replayed.response, status_code=done.replayed.status_code,
                            headers={"Idempotent-Replayed": "true"})
    answer = RequestWithDocuments.model_validate(done.request)
    answer.documents = [DocumentRead.model_validate(d) for d in done.documents]
    return Response(answer.model_dump_json(), status_code=status.HTTP_201_CREATED,
                    media_type="application/json")


def _request_part(raw: str) -> RequestCreate:
    """The part ``request`` of a multipart body: the JSON body a request without documents
    sends, held to the same checks (errors.BodyLimit's NUL and depth checks pass a
    multipart body unread)."""
    body = raw.encode()
    if b"\x00" in body or b"\\u0000" in body:
        raise Unprocessable("the input contains a NUL character",
                            errors=[{"field": "request", "message": "NUL characters (\\u0000) are not allowed"}])
    try:
        if (invalid := json_problem(body)) is not None:
            raise ValueError(invalid)
        value = orjson.loads(body)
    except ValueError as exc:  # orjson's JSONDecodeError is one
        raise Unprocessable("the part 'request' is not valid JSON",
                            errors=[{"field": "request", "message": f"malformed JSON: {exc}"}]) from None
    try:
        return RequestCreate.model_validate(value)
    except ValidationError as exc:
        raise Unprocessable("some fields are invalid", errors=field_errors(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])) from None


def _uploads(settings: Settings, files: list[UploadFile], kinds: list[str],
             languages: list[str]) -> list[documents.Upload]:
    """The parts ``documents``, each with its kind and language (the parallel parts
    ``document_kinds`` and ``document_languages``, when given: one per document, in order)."""
    for name, given in (("document_kinds", kinds), ("document_languages", languages)):
        if given and len(given) != len(files):
            raise Unprocessable(f"give one of {name} per document, in their order, or none",
                                errors=[{"field": name, "message": f"{len(given)} given for {len(files)} documents"}])
    return [documents.check_upload(
        settings=settings, data=documents.read_at_most(settings, file.file), filename=file.filename,
        kind=documents.parse_kind(kinds[i] if kinds else None, f"document_kinds[{i}]"),
        language=documents.parse_language(languages[i] if languages else None, f"document_languages[{i}]"),
        field=f"documents[{i}]") for i, file in enumerate(files)]


def _multipart(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"


class _JsonOrMultipart(APIRoute):
    """``POST /api/v1/requests``: a ``multipart/form-data`` body (a request with documents)
    goes to :func:`submit_with_documents`, any other body to the route as declared
    (:func:`submit_request`, its JSON body unchanged). One path; both end in intake."""

    def get_route_handler(self) -> Callable[[HttpRequest], Coroutine[Any, Any, Response]]:
        as_declared = super().get_route_handler()
        with_documents = APIRoute(self.path, submit_with_documents, methods=["POST"],
                                  status_code=status.HTTP_201_CREATED,
                                  dependency_overrides_provider=self.dependency_overrides_provider,
                                  ).get_route_handler()

        async def handler(request: HttpRequest) -> Response:
            if _multipart(request.headers.get("content-type", "")):
                return await with_documents(request)
            return await as_declared(request)

        return handler


# The multipart form of the body, for the OpenAPI document (the JSON form is RequestCreate).
_WITH_DOCUMENTS = {"requestBody": {"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["request"],
    "properties": {
        "request": {"type": "string", "description": "the request: the JSON body (RequestCreate), as text"},
        "documents": {"type": "array", "items": {"type": "string", "format": "binary"},
                      "description": "files the request carries (PDF, PNG, JPEG, TIFF, WebP, plain text, "
                                     ".eml, DOCX, ODT; the type is read from the bytes)"},
        "document_kinds": {"type": "array", "items": {"type": "string", "enum": [k.value for k in DocumentKind]},
                           "description": "one per document, in order (default: other)"},
        "document_languages": {"type": "array", "items": {"type": "string", "maxLength": 2},
                               "description": "one ISO 639-1 code per document, in order; empty for none"},
    }}}}}}
_PROBLEM = {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}

router.add_api_route(
    "", submit_request, methods=["POST"], status_code=status.HTTP_201_CREATED, response_model=RequestRead,
    responses={409: {"description": "the Idempotency-Key was used with another body"},
               413: {"description": "body too large, or documents over their limits"},
               415: {"description": "a document of a type not allowed", **_PROBLEM},
               422: {"description": "invalid input"}, 429: {"description": "rate limited"}},
    openapi_extra=_WITH_DOCUMENTS, route_class_override=_JsonOrMultipart)


@router.get("/{request_id}", response_model=RequestRead)
def get_request(request_id: Id, db: Db, principal: Limited) -> RequestRead:
    """One request with its items and their status. Who: its submitter; staff (a local
    representative: its countries); 404 for anyone else."""
    check_reader(principal)
    return RequestRead.model_validate(access.visible(db, principal, Request, request_id))


def _cursor(value: str | None) -> reading.Position | None:
    if not value:
        return None
    position = reading.parse_cursor(value)
    if position is None:
        raise Unprocessable("invalid cursor", errors=[{"field": "cursor", "message": "use next_cursor as given"}])
    return position


@router.get("", response_model=RequestPage, responses={200: {"content": {"text/csv": {}}}})
def list_requests(
    db: Db, principal: Limited,
    status_: Annotated[RequestStatus | None, Query(alias="status")] = None,
    jurisdiction: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    submitter: Annotated[Id | None, Query(description="staff only")] = None,
    received_from: Moment | None = None,
    received_to: Moment | None = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    format_: Annotated[Literal["json", "csv"], Query(
        alias="format", description="csv: one row per item with its dates and outcomes (appeals, reversals); "
                                    "the next page's cursor in the Link header", examples=["csv"])] = "json",
) -> RequestPage | Response:
    """Requests, newest first (by date received). Who: a submitter (its own only), staff (a
    local representative: its countries)."""
    check_reader(principal)
    rows = reading.list_requests(
        session=db, principal=principal, submitter_id=submitter, status=status_, jurisdiction=jurisdiction,
        received_from=received_from, received_to=received_to, before=_cursor(cursor), limit=limit + 1,
    )
    more, rows = len(rows) > limit, rows[:limit]
    next_cursor = reading.cursor(rows[-1]) if more else None
    if format_ == "csv":
        body = history.csv_text(history.csv_rows(session=db, requests=rows))
        headers = {"Content-Disposition": 'attachment; filename="requests.csv"'}
        if next_cursor:
            # The next page of the same list: every filter the caller gave, and the cursor.
            given = {"format": "csv", "status": status_.value if status_ else None, "jurisdiction": jurisdiction,
                     "submitter": submitter, "received_from": received_from.isoformat() if received_from else None,
                     "received_to": received_to.isoformat() if received_to else None, "limit": limit,
                     "cursor": next_cursor}
            query = urlencode({k: v for k, v in given.items() if v is not None})
            headers["Link"] = f'<?{query}>; rel="next"'
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return RequestPage(requests=[RequestRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("/{request_id}/clarifications", response_model=RequestRead)
def clarify_request(
    request_id: Id, body: ClarificationCreate, db: Db, settings: AppSettings, principal: Limited,
) -> RequestRead:
    """Supply what a request was missing; the check runs again and the clock restarts
    where the law says so. Who: the request's submitter."""
    if principal.submitter_id is None:
        raise Forbidden("only the submitter of a request can clarify it")
    found = access.visible(db, principal, Request, request_id, for_update=True)
    submitter = _submitter(db, principal)
    return RequestRead.model_validate(clarification.clarify(
        session=db, settings=settings, request=found, submitter=submitter, data=body,
        actor=principal.actor,
    ))


@router.patch("/{request_id}/order", response_model=RequestRead,
              responses={422: {"description": "invalid particulars, or nothing changed"}})
def correct_order(
    request_id: Id, body: OrderCorrection, db: Db,
    principal: Annotated[Principal, Depends(require(Permission.review))],
) -> RequestRead:
    """Correct the order's particulars of a request: the fields given replace the stored
    ones (null clears one), with a ``request:order_corrected`` event. Confirms a proposed
    repeat by setting ``repeats``. Who: reviewers (a local representative: its countries)."""
    found = access.visible(db, principal, Request, request_id, purpose=Purpose.act, for_update=True)
    return RequestRead.model_validate(orders.correct(session=db, request=found, data=body,
                                                     actor=principal.actor))


# ---------------------------------------------------------------- the thread and the export
@router.get("/{request_id}/messages", response_model=MessagePage, summary="A request's message thread",
            responses={404: {"description": "no such request, or not yours"}})
def list_messages(request_id: Id, db: Db, principal: Limited) -> MessagePage:
    """The thread between the request's submitter and the reviewers, oldest first, with the
    clarification questions and answers. Who: its submitter; staff (a local representative:
    its countries); 404 for anyone else."""
    check_reader(principal)
    found = access.visible(db, principal, Request, request_id)
    return MessagePage(messages=[MessageRead.model_validate(m)
                                 for m in thread.messages(session=db, request_id=found.id)])


@router.post("/{request_id}/messages", response_model=MessageRead, status_code=status.HTTP_201_CREATED,
             summary="Write to a request's thread",
             responses={404: {"description": "no such request, or not yours"}, 422: {"description": "invalid input"}})
def post_message(request_id: Id, body: MessageCreate, db: Db, principal: Limited) -> MessageRead:
    """A message from the submitter to the reviewers (shown in their console), or from a
    reviewer to the submitter (e-mailed to it, in the request's language). Who: the
    request's submitter; reviewers (a local representative: its countries)."""
    if principal.submitter_id is not None:
        found = access.visible(db, principal, Request, request_id)
        author = MessageAuthor.authority
    elif principal.can(Permission.review):
        found = access.visible(db, principal, Request, request_id, purpose=Purpose.act)
        author = MessageAuthor.staff
    else:
        raise Forbidden("this call needs a submitter's token or the 'review' permission")
    return MessageRead.model_validate(thread.post(session=db, request=found, author=author, body=body.body,
                                                  actor=principal.actor, user_id=principal.user_id))
