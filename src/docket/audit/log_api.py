"""The verifiable log's public endpoints (docs/verifiable-log.md): checkpoints, the verifier
key, inclusion and consistency proofs, leaf hashes. Who: anyone, without a token.

They never show an event's content: a leaf hash commits to an event and a nonce that is
not published. Hashes are standard base64, as in the checkpoints. What is fixed once
signed or sealed (a checkpoint at a size, a proof between given sizes, a range of leaf
hashes) may be cached for a long time; the latest checkpoint only briefly.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from docket.audit import log_service
from docket.audit.log_service import MAX_LEAVES, BeyondTree
from docket.bounds import Seq
from docket.deps import Db
from docket.errors import NotFound, Unprocessable
from docket.log.note import Signer

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
    index: int
    size: int
    leaf_hash: str = Field(description="the leaf's hash, standard base64")
    hashes: list[str] = Field(description="RFC 9162's audit path, from the leaf up, standard base64")


class ConsistencyProof(BaseModel):
    old: int
    new: int
    hashes: list[str] = Field(description="RFC 9162's consistency proof, standard base64")


class LeafHashes(BaseModel):
    start: int
    end: int
    hashes: list[str] = Field(description="the hashes of leaves start to end - 1, standard base64")


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def _json(body: dict[str, Any]) -> Response:
    return Response(orjson.dumps(body), media_type=JSON, headers=IMMUTABLE)


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
def inclusion_proof(db: Db, index: Size, size: Size) -> Response:
    """That leaf ``index`` is in the tree of ``size`` leaves: its hash and RFC 9162's audit
    path. 0 ≤ index < size ≤ the sealed tree's size. Who: anyone."""
    if index >= size:
        raise _invalid("index", f"must be less than size ({size})")
    try:
        found = log_service.inclusion(session=db, index=index, size=size)
    except BeyondTree as exc:
        raise _beyond(exc) from None
    return _json({"index": index, "size": size, "leaf_hash": _b64(found.leaf_hash),
                  "hashes": [_b64(h) for h in found.hashes]})


@router.get("/proofs/consistency", response_class=Response,
            responses={200: {"model": ConsistencyProof, "description": "the consistency proof"}})
def consistency_proof(db: Db, old: Annotated[int, Query(ge=1, le=MAX_SIZE)], new: Size) -> Response:
    """That the tree of ``new`` leaves extends the tree of ``old`` leaves (RFC 9162).
    0 < old ≤ new ≤ the sealed tree's size. Who: anyone."""
    if old > new:
        raise _invalid("old", f"must not be more than new ({new})")
    try:
        proof = log_service.consistency(session=db, old=old, new=new)
    except BeyondTree as exc:
        raise _beyond(exc) from None
    return _json({"old": old, "new": new, "hashes": [_b64(h) for h in proof]})


@router.get("/leaves", response_class=Response,
            responses={200: {"model": LeafHashes, "description": "the leaf hashes"}})
def leaf_hashes(db: Db, start: Size, end: Size) -> Response:
    """The hashes of leaves ``start`` to ``end - 1``, at most 1,000. Who: anyone."""
    if end <= start:
        raise _invalid("end", f"must be more than start ({start})")
    if end - start > MAX_LEAVES:
        raise _invalid("end", f"at most {MAX_LEAVES} leaves per call (end - start)")
    try:
        hashes = log_service.leaf_hashes(session=db, start=start, end=end)
    except BeyondTree as exc:
        raise _beyond(exc) from None
    return _json({"start": start, "end": end, "hashes": [_b64(h) for h in hashes]})
