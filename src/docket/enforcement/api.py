"""The platform's side of enforcement: the change feed, the snapshot, and visibility checks.

Visibility reads only the in-memory index (never the database), and its token check
comes from the in-memory principal cache, so these routes are plain async code.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated, Any

import orjson
import pycountry
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from docket.bounds import Seq
from docket.enforcement import service
from docket.enforcement.index import RestrictionIndex, Verdict
from docket.enforcement.schemas import ChangePage, VisibilityRead
from docket.enforcement.withheld import LANGUAGES, notice_text
from docket.errors import Unprocessable
from docket.parties import auth
from docket.parties.auth import Permission, Principal
from docket.store import read_only, read_snapshot, utcnow

router = APIRouter(prefix="/api/v1", tags=["enforcement"])
COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)
MAX_BATCH = 1000
JSON = "application/json"


# The platform's service account (the role with ``visibility:read``), from the cache: the
# view-time check is the hottest path there is.
_platform = auth.require(Permission.visibility_read, cached=True)
Platform = Annotated[Principal, Depends(_platform)]


def restriction_index(request: Request) -> RestrictionIndex:
    index: RestrictionIndex = request.app.state.index
    return index


@lru_cache(maxsize=4096)
def _text(kind: str, country: str | None, withheld: tuple[str, ...] | str, lang: str) -> str:
    return notice_text(kind, country=country, withheld_in=list(withheld) if isinstance(withheld, tuple) else withheld,
                       language=lang)


def verdict_body(content_id: str, country: str | None, verdict: Verdict, lang: str) -> dict[str, Any]:
    """A verdict as the visibility routes send it (``VisibilityRead``'s shape), with the
    withheld text in ``lang``."""
    notice = None
    if not verdict.visible and verdict.kind is not None:
        withheld = verdict.withheld_in if isinstance(verdict.withheld_in, str) else tuple(verdict.withheld_in)
        notice = {"kind": verdict.kind, "text": _text(verdict.kind, country, withheld, lang)}
    return {"content_id": content_id, "country": country, "visible": verdict.visible,
            "withheld_in": verdict.withheld_in, "notice": notice, "rule": verdict.rule}


def _country(value: Any) -> str | None:
    """An ISO 3166-1 code, or None for a country docket does not know (XX, absent)."""
    if isinstance(value, str):
        code = value.upper()
        return code if code in COUNTRIES else None
    return None


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "en")[:2].lower()
    return lang if lang in LANGUAGES else "en"


def _bad(field: str, message: str) -> Unprocessable:
    return Unprocessable("some fields are invalid", errors=[{"field": field, "message": message}])


async def _platform_inline(request: Request) -> None:
    """The Platform check without FastAPI's dependency machinery: this route's cost is
    mostly framework overhead, so it does the same checks itself."""
    await _platform(await auth.principal(cached=True)(request))


# The route reads its query itself (see _platform_inline), so the document is told here.
_VISIBILITY_QUERY = [
    {"name": "content_id", "in": "query", "required": True,
     "description": "the platform's id of the content, as registered (at most 200 characters)",
     "schema": {"type": "string", "maxLength": 200}, "example": "post-8812"},
    {"name": "country", "in": "query", "required": False,
     "description": "the viewer's country, an ISO 3166-1 alpha-2 code; unknown or absent "
                    "follows DOCKET_UNKNOWN_COUNTRY",
     "schema": {"type": "string"}, "example": "KZ"},
    {"name": "author_id", "in": "query", "required": False,
     "description": "the author's account id, for restrictions of a whole account",
     "schema": {"type": "string", "maxLength": 200}, "example": "user-4411"},
    {"name": "lang", "in": "query", "required": False,
     "description": "the language of the notice text shown to a viewer who may not see it",
     "schema": {"type": "string", "enum": ["en", "ru", "kk", "de", "tr"]}, "example": "en"},
]


@router.get("/visibility", summary="May a viewer in a country see this content?",
            responses={200: {"description": "the verdict for one viewer", "model": VisibilityRead}},
            openapi_extra={"security": [{"bearer": []}], "parameters": _VISIBILITY_QUERY})
async def visibility(request: Request) -> Response:
    """May a viewer in ``country`` see ``content_id``? Who: platform.

    Query: ``content_id`` (required), ``country`` (ISO code; unknown or absent follows
    DOCKET_UNKNOWN_COUNTRY), ``author_id`` (for account restrictions), ``lang`` (en, ru, kk, de, tr)."""
    await _platform_inline(request)
    params = request.query_params
    content_id = params.get("content_id")
    if not content_id or len(content_id) > 200:
        raise _bad("content_id", "required, at most 200 characters")
    author_id = params.get("author_id") or None
    if author_id is not None and len(author_id) > 200:
        raise _bad("author_id", "at most 200 characters")
    country = _country(params.get("country"))
    verdict = restriction_index(request).check(content_id, country, author_id)
    request.app.state.metrics.checked(visible=verdict.visible, withheld=not verdict.visible)
    return Response(orjson.dumps(verdict_body(content_id, country, verdict, _lang(request))), media_type=JSON)


@router.post("/visibility", responses={200: {"description": "one verdict per pair, in order",
                                             "model": list[VisibilityRead]}})
async def visibility_batch(request: Request, _who: Platform) -> Response:
    """Up to 1000 checks in one call: a JSON array of ``{content_id, author_id?, country}``;
    the answer is an array of verdicts in the same order. Who: platform."""
    try:
        pairs = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise _bad("body", f"malformed JSON: {exc}") from None
    if not isinstance(pairs, list):
        raise _bad("body", "a JSON array of {content_id, author_id?, country}")
    if not 1 <= len(pairs) <= MAX_BATCH:
        raise _bad("body", f"between 1 and {MAX_BATCH} pairs")
    index, lang, now = restriction_index(request), _lang(request), time.time()
    out = []
    for n, pair in enumerate(pairs):
        if not isinstance(pair, dict):
            raise _bad(f"[{n}]", "an object {content_id, author_id?, country}")
        content_id, author_id = pair.get("content_id"), pair.get("author_id")
        if not isinstance(content_id, str) or not 0 < len(content_id) <= 200:
            raise _bad(f"[{n}].content_id", "required, a string of at most 200 characters")
        if author_id is not None and (not isinstance(author_id, str) or len(author_id) > 200):
            raise _bad(f"[{n}].author_id", "a string of at most 200 characters")
        extra = pair.keys() - {"content_id", "author_id", "country"}
        if extra:
            raise _bad(f"[{n}].{sorted(extra)[0]}", "unknown field")
        country = _country(pair.get("country"))
        out.append(verdict_body(content_id, country, index.check(content_id, country, author_id, now), lang))
    visible = sum(1 for answer in out if answer["visible"])
    request.app.state.metrics.checked(visible=visible, withheld=len(out) - visible)
    return Response(orjson.dumps(out), media_type=JSON)


@router.get("/restrictions/changes", responses={200: {"model": ChangePage}})
async def changes(
    request: Request, _who: Platform,
    after: Annotated[Seq, Query(description="the cursor you have applied")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    wait: Annotated[float, Query(ge=0, le=30, description="seconds to long-poll when nothing is new")] = 0,
) -> Response:
    """Changes to the active restrictions after ``after``, in cursor order, and the next cursor.
    Who: platform. Apply them in order; the same change seen twice has the same cursor."""
    index, factory = restriction_index(request), request.app.state.sessionmaker
    deadline = time.monotonic() + wait

    def read() -> list[dict[str, Any]]:
        with read_only(factory) as session:
            return [service.change_dict(c) for c in service.changes_after(session=session, after=after, limit=limit)]

    found = await run_in_threadpool(read)
    while not found and time.monotonic() < deadline:
        # The local index follows the same feed: wait until it moves past ``after``.
        while index.cursor <= after and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        found = await run_in_threadpool(read)
        if not found:
            await asyncio.sleep(0.05)
    next_cursor = found[-1]["cursor"] if found else after
    return Response(orjson.dumps({"changes": found, "next_cursor": next_cursor}), media_type=JSON)


@router.get("/restrictions/snapshot", response_class=StreamingResponse,
            responses={200: {"description": "one JSON object a line: the cursor, then each "
                                            "active restriction as the feed names it",
                             "content": {"application/x-ndjson": {"schema": {
                                 "type": "string", "description": "NDJSON lines",
                                 "example": '{"cursor": 25}\n{"id": 1, "subject_kind": "content", '
                                            '"subject_id": "post-55102", "scope": ["DE"], '
                                            '"notice_kind": "legal_demand", "ends_at": null}\n'}}}}})
def snapshot(request: Request, _who: Platform) -> StreamingResponse:
    """Every active restriction as NDJSON. The first line is ``{"cursor": N}``: the snapshot is
    current to N, so follow the feed from there. Who: platform."""
    engine = request.app.state.engine

    def lines() -> Iterator[bytes]:
        with read_snapshot(engine) as conn:
            cursor, rows = service.snapshot(conn, now=utcnow())
            yield orjson.dumps({"cursor": cursor}) + b"\n"
            chunk: list[bytes] = []
            for row in rows:
                chunk.append(orjson.dumps(row))
                if len(chunk) >= 1000:
                    yield b"\n".join(chunk) + b"\n"
                    chunk = []
            if chunk:
                yield b"\n".join(chunk) + b"\n"

    # The first line read before the answer starts: a database that is away is then a 503
    # (docket.errors), not a stream cut before its first byte.
    stream = lines()
    first = next(stream)
    return StreamingResponse(itertools.chain([first], stream), media_type="application/x-ndjson")
