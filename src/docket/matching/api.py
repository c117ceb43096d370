"""Matching against the restricted bank (the platform), the bank for replicas, and the
reviewer's answers to a copy item."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from docket import access
from docket.access import Purpose
from docket.bounds import Id
from docket.deps import Db
from docket.enforcement import service as enforcement
from docket.intake.models import Item
from docket.matching import copies, service
from docket.matching.bank import Bank
from docket.matching.fingerprints import Fingerprint, Kind
from docket.matching.schemas import (
    BankPage,
    CopyRejection,
    MatchBatch,
    MatchBatchRead,
    MatchQuery,
    MatchResult,
)
from docket.parties.auth import Permission, Principal, require
from docket.review.api import decision_read, item_read
from docket.review.schemas import DecisionRead, ItemReviewRead
from docket.store import read_snapshot, utcnow

router = APIRouter(prefix="/api/v1", tags=["matching"])


# The platform's token: its calls are counted by the caller dependency itself
# (DOCKET_PLATFORM_RATE_LIMIT, docket.parties.auth), as on every route it may call.
Platform = Annotated[Principal, Depends(require(Permission.visibility_read))]
Reviewer = Annotated[Principal, Depends(require(Permission.review))]


def bank_of(request: Request) -> Bank:
    bank: Bank = request.app.state.bank
    return bank


def _country(value: str | None) -> str | None:
    return value.upper() if value else None


def _result(bank: Bank, prints: list[Fingerprint], country: str | None, quality: int | None = None) -> MatchResult:
    ignored = [f"pdq: quality {f.quality} is below {bank.pdq_quality}" for f in prints
               if f.kind == Kind.pdq and f.quality is not None and f.quality < bank.pdq_quality]
    matches = [m.as_dict() for m in bank.match(prints, country)]
    return MatchResult.model_validate({"matches": matches, "pdq_quality": quality, "ignored": ignored})


@router.post("/match", response_model=MatchResult)
def match(body: MatchQuery, request: Request, _who: Platform) -> MatchResult:
    """Is this image, PDQ hash or text a copy of restricted content? The matches, each with
    its original, the restriction's scope and decision, and whether it applies in
    ``country``. Matching restricts nothing. Who: platform."""
    bank = bank_of(request)
    prints, _ = service.compute(image=body.image, pdq=body.pdq, pdq_quality=body.pdq_quality, sha256=None,
                                text=body.text)
    quality = next((f.quality for f in prints if f.kind == Kind.pdq), None) if body.image is not None else None
    return _result(bank, prints, _country(body.country), quality)


@router.post("/match/batch", response_model=MatchBatchRead)
def match_batch(body: MatchBatch, request: Request, _who: Platform) -> MatchBatchRead:
    """Up to 1,000 fingerprints (pdq, sha256 or text) at once: a result per fingerprint, in
    order. Who: platform."""
    bank, country = bank_of(request), _country(body.country)
    groups: list[list[Fingerprint]] = []
    for n, entry in enumerate(body.fingerprints):
        if entry.pdq is not None:
            groups.append([Fingerprint(Kind.pdq, service.pdq_hex(entry.pdq, f"fingerprints[{n}].pdq"),
                                       entry.pdq_quality)])
        elif entry.sha256 is not None:
            groups.append([Fingerprint(Kind.sha256, bytes.fromhex(entry.sha256))])
        else:
            groups.append(service.compute(image=None, pdq=None, pdq_quality=None, sha256=None,
                                          text=entry.text)[0])
    singles = [g[0] for g in groups if len(g) == 1 and g[0].kind == Kind.pdq]
    pdq_answers = iter(bank.match_many(singles, country))
    results = []
    for prints in groups:
        if len(prints) == 1 and prints[0].kind == Kind.pdq:
            f = prints[0]
            ignored = ([f"pdq: quality {f.quality} is below {bank.pdq_quality}"]
                       if f.quality is not None and f.quality < bank.pdq_quality else [])
            results.append(MatchResult.model_validate({"matches": [m.as_dict() for m in next(pdq_answers)],
                                                       "ignored": ignored}))
        else:
            results.append(_result(bank, prints, country))
    return MatchBatchRead(results=results)


@router.get("/match/bank", response_model=BankPage)
def bank_entries(
    db: Db, _who: Platform,
    restriction_id: Annotated[list[int], Query(max_length=1000, description=(
        "restrictions whose fingerprints to send (those the feed says started)"), examples=[[17]])],
) -> BankPage:
    """The fingerprints of these restrictions' content, for a replica that saw them start in
    the feed. Who: platform."""
    return BankPage.model_validate({"entries": service.entries_for(session=db, restriction_ids=restriction_id)})


@router.get("/match/bank/snapshot", response_class=StreamingResponse,
            responses={200: {"description": "one JSON object a line: the feed cursor, then each banked "
                                            "fingerprint of an active restriction",
                             "content": {"application/x-ndjson": {"schema": {
                                 "type": "string", "description": "NDJSON lines",
                                 "example": '{"cursor": 25}\n{"restriction_id": 1, "decision_id": 3, '
                                            '"content_id": "post-9", "scope": ["KZ"], "ends_at": null, '
                                            '"kind": "sha256", "value": "9f86…", "quality": null}\n'}}}}})
def bank_snapshot(request: Request, _who: Platform) -> StreamingResponse:
    """The restricted bank as NDJSON: ``{"cursor": N}``, then every fingerprint of every
    active restriction as of N (follow the restriction feed from there). Who: platform."""
    engine = request.app.state.engine

    def lines() -> Iterator[bytes]:
        with read_snapshot(engine) as conn:
            session = Session(bind=conn)
            yield orjson.dumps({"cursor": enforcement.latest_cursor(session=session)}) + b"\n"
            for row in service.snapshot_entries(session, now=utcnow()):
                yield orjson.dumps(row) + b"\n"

    stream = lines()
    first = next(stream)
    return StreamingResponse(itertools.chain([first], stream), media_type="application/x-ndjson")


@router.post("/items/{item_id}/confirm-copy", response_model=DecisionRead, status_code=201)
def confirm_copy(item_id: Id, db: Db, who: Reviewer) -> DecisionRead:
    """Confirm that the item is a copy of what its original decision restricted: it is decided
    the same way (outcome, scope, grounds, reasons), so the same restriction and notices
    follow. Who: reviewers."""
    item = access.visible(db, who, Item, item_id, purpose=Purpose.act, for_update=True)
    return decision_read(copies.confirm(session=db, principal=who, item=item, now=utcnow()))


@router.post("/items/{item_id}/reject-copy", response_model=ItemReviewRead)
def reject_copy(item_id: Id, body: CopyRejection, db: Db, who: Reviewer) -> ItemReviewRead:
    """Not a copy: the item is closed without a decision, with the reason. Who: reviewers."""
    item = access.visible(db, who, Item, item_id, purpose=Purpose.act, for_update=True)
    return item_read(db, copies.reject(session=db, principal=who, item=item, reason=body.reason, now=utcnow()))
