from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: dt.datetime
    actor: str
    action: str
    subject: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class EventPage(BaseModel):
    events: list[EventRead]
    next_after: int | None


class DisclosedField(BaseModel):
    value: Any
    salt: str  # hex: HMAC-SHA256(key=the leaf's nonce, msg=the field's name)


class InclusionRead(BaseModel):
    size: int
    hashes: list[str]  # standard base64, the RFC 9162 audit path from the leaf up


class ReceiptRead(BaseModel):
    """One event's receipt, ``docket-receipt/1`` (docs/verifiable-log.md, "Receipts")."""

    format: str
    origin: str
    leaf_index: int
    leaf_data: str
    disclosed: dict[str, DisclosedField]
    checkpoint: str | None
    inclusion: InclusionRead | None
    verifier_key: str | None
    log_url: str | None


class PendingEvent(BaseModel):
    """An event recorded but not sealed into the log yet: its receipt comes later."""

    seq: int
    action: str


class ReceiptsRead(BaseModel):
    """What docket recorded about a record: one receipt per event, in the log's order."""

    receipts: list[ReceiptRead]
    pending: list[PendingEvent]
