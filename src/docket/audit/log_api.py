"""The verifiable log's public endpoints (docs/verifiable-log.md): checkpoints, the verifier
key, inclusion and consistency proofs, leaf hashes. Who: anyone, without a token.

They never show an event's content: a leaf hash commits to an event and a nonce that is
not published. Hashes are standard base64, as in the checkpoints. What is fixed once
signed or sealed (a checkpoint at a size, a proof between given sizes, a range of leaf
hashes) may be cached for a long time; the latest checkpoint only briefly.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from docket import store
from docket.audit import log_service
from docket.audit.log_mirror import LogMirror
from docket.audit.log_service import MAX_LEAVES, BeyondTree, Inclusion
from docket.bounds import Seq
from docket.deps import Db
from docket.errors import NotFound, Unprocessable
from docket.log.note import Signer

T = TypeVar("T")
router = APIRouter(prefix="/api/v1/log", tags=["log"])

JSON = "application/json"
TEXT: dict[int | str, dict[str, Any]] = {200: {"content": {"text/plain": {"schema": {"type": "string"}}}}}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}  # fixed once signed or sealed
LATEST = {"Cache-Control": "public, max-age=10"}  # a new checkpoint comes every DOCKET_CHECKPOINT_SECONDS
KEY = {"Cache-Control": "public, max-age=3600"}
# A tree of 2**62 leaves stores about 2**63 hashes, the most a bigint index holds.
MAX_SIZE = 2**62
Size = Annotated[int, Query(ge=0, le=MAX_SIZE)]


class InclusionProof(BaseModel):
    """The proof that one leaf is in the tree of a size (RFC 9162)."""

    index: int = Field(description="the leaf's position, from 0", examples=[0])
    size: int = Field(description="the tree size the proof is for", examples=[10])
    leaf_hash: str = Field(description="the leaf's hash, standard base64",
                           examples=["ttuwbSObLZnrsFR5QXgdEfAwPTlKnJf0a4PIJVkZCSc="])
    hashes: list[str] = Field(description="RFC 9162's audit path, from the leaf up, standard base64",
                              examples=[["Hva3Ccalg0YX6VyScWINWSlvmWZ/rAQClY21gpp/iBE="]])


class ConsistencyProof(BaseModel):
    """The proof that the tree of size old is a prefix of the tree of size new (RFC 9162)."""

    old: int = Field(description="the earlier tree size", examples=[5])
    new: int = Field(description="the later tree size", examples=[10])
    hashes: list[str] = Field(description="RFC 9162's consistency proof, standard base64",
                              examples=[["Y31OQIGXCyu0uFzK6TuGntEb18V7rRi4OBJcb3yrR5E="]])


class LeafHashes(BaseModel):
    """The hashes of a range of leaves."""

    start: int = Field(description="the first leaf's position", examples=[0])
    end: int = Field(description="the position after the last leaf", examples=[2])
    hashes: list[str] = Field(description="the hashes of leaves start to end - 1, standard base64",
                              examples=[["ttuwbSObLZnrsFR5QXgdEfAwPTlKnJf0a4PIJVkZCSc=",
                                         "Hva3Ccalg0YX6VyScWINWSlvmWZ/rAQClY21gpp/iBE="]])


def _b64(digest: bytes) -> str:
    return binascii.b2a_base64(digest, newline=False).decode()


def _json(body: bytes) -> Response:
    return Response(body, media_type=JSON, headers=IMMUTABLE)


def _invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable("some fields are invalid", errors=[{"field": field, "message": message}])


def _beyond(exc: BeyondTree) -> NotFound:
    return NotFound(f"beyond the sealed tree: it has {exc.size} leaves", tree_size=exc.size)


@router.get("/checkpoint", response_class=PlainTextResponse, responses=TEXT)
def latest_checkpoint(db: Db) -> PlainTextResponse:
    """The latest signed checkpoint: the signed note, byte for byte. Who: anyone."""
    note = log_service.latest_checkpoint(session=db)
    if note is None:
        raise NotFound("no checkpoint has been signed yet")
    return PlainTextResponse(note, headers=LATEST)


@router.get("/checkpoints/{size}", response_class=PlainTextResponse, responses=TEXT)
def checkpoint_at(db: Db, size: Annotated[Seq, Path()]) -> PlainTextResponse:
    """The checkpoint signed at tree size ``size``, if one was. Who: anyone."""
    note = log_service.checkpoint_at(session=db, size=size)
    if note is None:
        raise NotFound(f"no checkpoint was signed at size {size}")
    return PlainTextResponse(note, headers=IMMUTABLE)


@router.get("/key", response_class=PlainTextResponse, responses=TEXT)
async def verifier_key(request: Request) -> PlainTextResponse:
    """The log's verifier key (Go's note verifier-key format), one line. Who: anyone."""
    signer: Signer | None = request.app.state.log_signer
    if signer is None:
        raise NotFound("this docket signs no checkpoints (DOCKET_LOG_KEY_FILE is not set)")
    return PlainTextResponse(signer.verifier.key + "\n", headers=KEY)


@router.get("/proofs/inclusion", response_class=Response,
            responses={200: {"model": InclusionProof, "description": "the audit path"}})
async def inclusion_proof(request: Request, index: Size, size: Size) -> Response:
    """That leaf ``index`` is in the tree of ``size`` leaves: its hash and RFC 9162's audit
    path. 0 ≤ index < size ≤ the sealed tree's size. Who: anyone."""
    if index >= size:
        raise _invalid("index", f"must be less than size ({size})")
    found = _mirror(request, lambda mirror: mirror.inclusion(index, size))
    if found is None:
        found = await _from_database(request, lambda db: log_service.inclusion(session=db, index=index, size=size))
    return _json(_inclusion_body(index, size, found))


@router.get("/proofs/consistency", response_class=Response,
            responses={200: {"model": ConsistencyProof, "description": "the consistency proof"}})
async def consistency_proof(request: Request, old: Annotated[int, Query(ge=1, le=MAX_SIZE)],
                            new: Size) -> Response:
    """That the tree of ``new`` leaves extends the tree of ``old`` leaves (RFC 9162).
    0 < old ≤ new ≤ the sealed tree's size. Who: anyone."""
    if old > new:
        raise _invalid("old", f"must not be more than new ({new})")
    proof = _mirror(request, lambda mirror: mirror.consistency(old, new))
    if proof is None:
        proof = await _from_database(request, lambda db: log_service.consistency(session=db, old=old, new=new))
    return _json(_consistency_body(old, new, proof))


@router.get("/leaves", response_class=Response,
            responses={200: {"model": LeafHashes, "description": "the leaf hashes"}})
async def leaf_hashes(request: Request, start: Size, end: Size) -> Response:
    """The hashes of leaves ``start`` to ``end - 1``, at most 1,000. Who: anyone."""
    if end <= start:
        raise _invalid("end", f"must be more than start ({start})")
    if end - start > MAX_LEAVES:
        raise _invalid("end", f"at most {MAX_LEAVES} leaves per call (end - start)")
    hashes = _mirror(request, lambda mirror: mirror.leaf_hashes(start, end))
    if hashes is None:
        hashes = await _from_database(request, lambda db: log_service.leaf_hashes(session=db, start=start, end=end))
    return _json(_leaves_body(start, end, hashes))


def _inclusion_body(index: int, size: int, found: Inclusion) -> bytes:
    return orjson.dumps({"index": index, "size": size, "leaf_hash": _b64(found.leaf_hash),
                         "hashes": [_b64(h) for h in found.hashes]})


def _consistency_body(old: int, new: int, proof: list[bytes]) -> bytes:
    return orjson.dumps({"old": old, "new": new, "hashes": [_b64(h) for h in proof]})


def _leaves_body(start: int, end: int, hashes: list[bytes]) -> bytes:
    return orjson.dumps({"start": start, "end": end, "hashes": [_b64(h) for h in hashes]})


# Proofs are answered in the event loop from the process's copy of the stored hashes
# (docket.audit.log_mirror: memory-mapped, a few microseconds of reading), and from the
# database, in the thread pool, for a tree the copy does not hold yet.

def _mirror(request: Request, answer: Callable[[LogMirror], T | None]) -> T | None:
    mirror: LogMirror | None = request.app.state.log_mirror
    found = None if mirror is None else answer(mirror)
    if found is not None:
        request.app.state.metrics.log_proof("mirror")
    return found


async def _from_database(request: Request, answer: Callable[[Session], T]) -> T:
    def read() -> T:
        with store.read_only(request.app.state.read_sessionmaker) as db:
            return answer(db)

    try:
        found = await run_in_threadpool(read)
    except BeyondTree as exc:
        raise _beyond(exc) from None
    request.app.state.metrics.log_proof("database")
    return found


# ---------------------------------------------------------------- the fast lane

# path: (its two query parameters, whether their values are ones the route answers with
# a 200, the answer from the mirror or None)
_LANE: dict[str, tuple[tuple[bytes, bytes], Callable[[int, int], bool],
                       Callable[[LogMirror, int, int], bytes | None]]] = {
    router.prefix + "/proofs/inclusion": (
        (b"index", b"size"), lambda index, size: index < size <= MAX_SIZE,
        lambda mirror, index, size: (None if (found := mirror.inclusion(index, size)) is None
                                     else _inclusion_body(index, size, found))),
    router.prefix + "/proofs/consistency": (
        (b"old", b"new"), lambda old, new: 1 <= old <= new <= MAX_SIZE,
        lambda mirror, old, new: (None if (proof := mirror.consistency(old, new)) is None
                                  else _consistency_body(old, new, proof))),
    router.prefix + "/leaves": (
        (b"start", b"end"), lambda start, end: start < end <= MAX_SIZE and end - start <= MAX_LEAVES,
        lambda mirror, start, end: (None if (hashes := mirror.leaf_hashes(start, end)) is None
                                    else _leaves_body(start, end, hashes))),
}
_LANE_HEADERS = [(b"content-type", JSON.encode()),
                 *((name.lower().encode(), value.encode()) for name, value in IMMUTABLE.items())]


class LogLane:
    """The public proofs' fast lane: a GET of an inclusion or consistency proof or of leaf
    hashes, with exactly its two parameters as plain decimal numbers that the route would
    accept, whose tree the process's mirror holds, is answered here, without FastAPI's
    routing, dependency solving and exception layers (about half of a proof's cost; see
    bench/README.md, "Proofs at ten million leaves"). The answer is the route's, byte for
    byte (the same functions make the body; tests/audit/test_log_api.py compares them);
    anything else — an error to report, a tree the mirror does not hold yet, another
    method — goes on to the route, which answers it as before.

    Installed inside the request id, the metrics, the security headers and the 500 handler,
    so those apply to the lane's answers as to every other."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._routes = {path: _Template(path) for path in _LANE}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = _LANE.get(scope["path"]) if scope["type"] == "http" and scope["method"] == "GET" else None
        if lane is not None:
            body = self._answer(scope, *lane)
            if body is not None:
                scope["route"] = self._routes[scope["path"]]  # for the metrics' route label
                await send({"type": "http.response.start", "status": 200,
                            "headers": [*_LANE_HEADERS, (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _answer(scope: Scope, names: tuple[bytes, bytes], accepted: Callable[[int, int], bool],
                answer: Callable[[LogMirror, int, int], bytes | None]) -> bytes | None:
        mirror: LogMirror | None = scope["app"].state.log_mirror
        if mirror is None:
            return None
        values: dict[bytes, int] = {}
        for pair in scope["query_string"].split(b"&"):
            name, _, value = pair.partition(b"=")
            if name not in names or name in values or not value.isdigit() or len(value) > 19:
                return None  # the route says what is wrong (or ignores what it does not know)
            values[name] = int(value)
        if len(values) != 2 or not accepted(values[names[0]], values[names[1]]):
            return None
        body = answer(mirror, values[names[0]], values[names[1]])
        if body is not None:
            scope["app"].state.metrics.log_proof("mirror")
        return body


@dataclass(frozen=True)
class _Template:
    path: str
