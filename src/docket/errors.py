"""One error format for the whole API: RFC 9457 ``application/problem+json``."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docket.ops.logs import current_request_id
from docket.store import is_connection_lost

log = logging.getLogger("docket")

PROBLEM_TYPE = "https://docket.dev/problems/"
PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 1  # a lost connection is replaced on the next checkout (docket.store)


class FieldError(BaseModel):
    """One invalid field of the input."""

    field: str = Field(description="the field, as `items[3].url`; `body` for the body itself",
                       examples=["items[1].url"])
    message: str = Field(description="what is wrong with it", examples=["not an http(s) URL"])


class Problem(BaseModel):
    """The body of every error (RFC 9457 ``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description=f"{PROBLEM_TYPE}<slug>", examples=[f"{PROBLEM_TYPE}validation"])
    title: str = Field(description="the kind of problem, the same for every problem of its type",
                       examples=["Invalid input"])
    status: int = Field(description="the HTTP status", examples=[422])
    detail: str = Field(description="what went wrong this time", examples=["some fields are invalid"])
    errors: list[FieldError] | None = Field(default=None, description="what is wrong, per field")


class DocketError(Exception):
    """A named domain error that maps to one HTTP status and problem type."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(
        self, detail: str, *, errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None, **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class Unauthenticated(DocketError):
    status, title, slug = 401, "Authentication required", "unauthenticated"


class Forbidden(DocketError):
    status, title, slug = 403, "Not allowed", "forbidden"


class RoleRequired(Forbidden):
    """The caller reaches the record but none of its roles may take this step on it (a
    legal finding without the legal role, a sign-off only the local representative may
    give). Never used for records outside a caller's reach: those are a 404."""

    slug = "role-required"


class NotFound(DocketError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(DocketError):
    status, title, slug = 409, "Conflict", "conflict"


class Gone(DocketError):
    status, title, slug = 410, "Gone", "gone"


class PayloadTooLarge(DocketError):
    status, title, slug = 413, "Request body too large", "payload-too-large"


class UnsupportedMediaType(DocketError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


class Unprocessable(DocketError):
    status, title, slug = 422, "Invalid input", "validation"


class RateLimited(DocketError):
    status, title, slug = 429, "Too many requests", "rate-limited"


def problem(
    status: int, title: str, detail: str, *, slug: str | None = None,
    errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + (slug or str(status)),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """('body', 'items', 3, 'url') → 'items[3].url'; query and header names stay as they are."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where = parts.pop(0)
        if not parts:
            return "body" if where == "body" else where
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic's errors as the API reports them: ``[{field, message}]``, a body that does not
    parse named ``body``. The CLI reports its options' errors the same way."""
    return [{"field": "body" if e.get("type") == "json_invalid" else _field(e["loc"]),
             "message": _message(e)} for e in errors]


def _message(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        ctx = error.get("ctx") or {}
        where = error["loc"][-1] if isinstance(error["loc"][-1], int) else None
        at = f" at character {where}" if where is not None else ""
        return f"malformed JSON{at}: {ctx.get('error', 'cannot parse')}"
    if error.get("type") == "extra_forbidden":
        return "unknown field"
    if error.get("type") == "missing":
        return "required"
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


def _page(request: Request, status: int, title: str, detail: str,
          slug: str | None = None) -> Response | None:
    """An HTML error page for page routes (everything outside /api/), when the web is on;
    it names the problem type as the API would (``data-problem``)."""
    render = getattr(request.app.state, "html_error", None)
    if render is None or request.url.path.startswith(("/api/", "/healthz", "/openapi", "/metrics")):
        return None
    response: Response = render(request, status, title, detail, slug or str(status))
    return response


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document (API routes)
    or an HTML error page (page routes)."""

    @app.exception_handler(DocketError)
    async def _domain(request: Request, exc: DocketError) -> Response:
        if (html := _page(request, exc.status, exc.title, exc.detail, exc.slug)) is not None:
            for key, value in exc.headers.items():
                html.headers[key] = value
            return html
        return problem(
            exc.status, exc.title, exc.detail, slug=exc.slug, errors=exc.errors,
            headers=exc.headers, **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if in_path := [e for e in exc.errors() if e["loc"][0] == "path"]:
            # An id that is not a number, or one no record can have (bounds.Id): the path
            # names nothing, as for any id that does not exist, whatever the body says.
            detail = f"nothing at {request.url.path}"
            if (html := _page(request, 404, "Not found", detail)) is not None:
                return html
            return problem(404, "Not found", detail, slug="not-found", errors=[
                {"field": _field(e["loc"]), "message": _message(e)} for e in in_path])
        if (html := _page(request, 422, "Invalid address",
                          "a value in the address of this page is not valid")) is not None:
            return html
        errors = field_errors(exc.errors())
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        detail = "the body is not valid JSON" if malformed else "some fields are invalid"
        return problem(422, "Invalid input", detail, slug="validation", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:
            # A body the framework cannot parse (malformed multipart or form data): a 422
            # naming the body, as for malformed JSON.
            why = exc.detail if isinstance(exc.detail, str) else "cannot be parsed"
            if (html := _page(request, 422, "Invalid input", f"the form cannot be read: {why}")) is not None:
                return html
            return problem(422, "Invalid input", "the body cannot be read", slug="validation",
                           errors=[{"field": "body", "message": why}])
        titles = {404: "Not found", 405: "Method not allowed", 401: "Authentication required"}
        title = titles.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        if (html := _page(request, exc.status_code, title, detail)) is not None:
            return html
        return problem(exc.status_code, title, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, exc: SQLAlchemyError) -> Response:
        if not is_connection_lost(exc):
            return await _unexpected(request, exc)
        return unavailable(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # The request's id: the same in the answer, its X-Request-ID header and the log.
        correlation_id = current_request_id() or uuid.uuid4().hex
        log.error(
            "unhandled error %s on %s %s", correlation_id, request.method, request.url.path,
            exc_info=exc,
        )
        if (html := _page(request, 500, "Something went wrong",
                          f"please try again; if it keeps failing, quote {correlation_id}")):
            return html
        return problem(
            500, "Internal error",
            "something went wrong on our side; quote the correlation id when reporting it",
            slug="internal", correlation_id=correlation_id,
        )


def unavailable(request: Request, exc: Exception) -> Response:
    """503 with Retry-After for a call that lost its database connection. A write's outcome
    is then unknown (the commit may or may not have happened): the client retries with
    the same Idempotency-Key, which either stores it or answers the first result."""
    log.warning("database connection lost on %s %s: %s", request.method, request.url.path,
                str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    writes = request.method not in ("GET", "HEAD", "OPTIONS")
    detail = ("the connection to the database was lost; whether this change was stored is "
              "unknown: retry with the same Idempotency-Key" if writes else
              "the connection to the database was lost; retry")
    html = _page(request, 503, "Try again in a moment", detail)
    if html is not None:
        html.headers.update(headers)
        return html
    return problem(503, "Service unavailable", detail, slug="unavailable", headers=headers)


MAX_JSON_DEPTH = 32  # docket's deepest body is 4; the parser recurses once per level


def _is_json(scope: Scope) -> bool:
    """Whether the app will read the body as JSON (FastAPI does so without a Content-Type)."""
    declared = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
    media = declared.split(b";", 1)[0].strip()
    return not media or media == b"application/json" or media.endswith(b"+json")


def json_problem(body: bytes) -> str | None:
    """What makes ``body`` unreadable before any parsing: bytes that are not UTF-8 (RFC 8259
    §8.1), or arrays and objects nested more than MAX_JSON_DEPTH deep; None if neither.
    Other syntax errors are left to the parser, which names where they are."""
    if not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"not UTF-8 (byte {exc.start})"
    # Depth cannot exceed the number of opening brackets: most bodies stop here.
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return None
    try:
        value = orjson.loads(body)  # C, linear; refuses past 1024 levels itself
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc):
            return f"nested more than {MAX_JSON_DEPTH} levels deep"
        return None  # the app's parser reports it with its position
    level: list[tuple[Any, int]] = [(value, 1)]
    while level:
        node, depth = level.pop()
        if depth > MAX_JSON_DEPTH:
            return f"nested more than {MAX_JSON_DEPTH} levels deep"
        children = node.values() if isinstance(node, dict) else node
        level.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return None


class BodyLimit:
    """Reject request bodies over ``limit`` bytes with a 413 before the app reads them;
    NUL characters anywhere in the input with a 422 (PostgreSQL cannot store them in
    text, and no legitimate request carries one); and JSON bodies that are not UTF-8 or
    nest too deeply (:func:`json_problem`) with a 422 naming the body, which the
    framework's parser would answer with a bare 400.

    The routes that take documents (``uploads``: their paths, as patterns) get
    ``upload_limit`` instead for a ``multipart/form-data`` POST, and check NUL characters
    in their text fields themselves: a file's bytes may hold any byte. Every other route,
    and those routes with any other body, keep ``limit``."""

    def __init__(self, app: ASGIApp, limit: int, *, uploads: Sequence[str] = (),
                 upload_limit: int = 0) -> None:
        self.app = app
        self.limit = limit
        self.uploads = re.compile("|".join(f"(?:{p})" for p in uploads)) if uploads else None
        self.upload_limit = max(limit, upload_limit)

    def _upload(self, scope: Scope) -> bool:
        """Whether the call is a multipart POST to a route that takes documents."""
        if self.uploads is None or scope.get("method") != "POST":
            return False
        declared = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
        return (declared.split(b";", 1)[0].strip() == b"multipart/form-data"
                and self.uploads.fullmatch(scope.get("path", "")) is not None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = self._upload(scope)
        limit = self.upload_limit if upload else self.limit
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(scope, receive, send, limit)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            await _nul(scope, receive, send)
            return
        # Read the body here, up to the limit, check it, and replay it to the app.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._reject(scope, receive, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if not upload and (b"\\u0000" in body or b"\x00" in body):
            await _nul(scope, receive, send)
            return
        if body and _is_json(scope) and (invalid := json_problem(body)) is not None:
            response = problem(422, "Invalid input", "the body is not valid JSON",
                               slug="validation", errors=[{"field": "body", "message": invalid}])
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(
            413, "Request body too large",
            f"the body is larger than the limit of {limit} bytes",
            slug="payload-too-large",
        )
        await response(scope, receive, send)


async def _nul(scope: Scope, receive: Receive, send: Send) -> None:
    response = problem(422, "Invalid input", "the input contains a NUL character", slug="validation",
                       errors=[{"field": "body", "message": "NUL characters (\\u0000) are not allowed"}])
    await response(scope, receive, send)


class ConcurrencyLimit:
    """Let at most ``limit`` API calls work at once; the rest wait in the event loop.

    Sync routes run in a pool of 40 threads and hold a database connection across
    thread hops; without a cap, 40+ concurrent calls can all sit on threads waiting
    for connections (or the SQLite write lock) held by calls waiting for a thread.
    Routes that never hold a connection while waiting (visibility, the long-poll
    feed) pass straight through."""

    EXEMPT = ("/api/v1/visibility", "/api/v1/restrictions/changes", "/healthz")

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots: dict[int, asyncio.Semaphore] = {}  # one per event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.EXEMPT):
            await self.app(scope, receive, send)
            return
        loop = id(asyncio.get_running_loop())
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(self.limit)
        async with slots:
            await self.app(scope, receive, send)
