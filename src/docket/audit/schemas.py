from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_HASH = "0f3c7e1a9b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e"


class EventRead(BaseModel):
    """One audit event: a change of state, who made it, and its place in the hash chain."""

    model_config = ConfigDict(from_attributes=True)

    seq: int = Field(description="its position in the audit log, from 1", examples=[475])
    at: dt.datetime = Field(description="when it happened", examples=["2026-12-03T17:02:29.558399Z"])
    actor: str = Field(description="who: user:N, submitter:N, system:…", examples=["submitter:1"])
    action: str = Field(description="what, as area:verb", examples=["request:received"])
    subject: str = Field(description="about what, as kind:id", examples=["request:50"])
    payload: dict[str, Any] = Field(description="the change's particulars",
                                    examples=[{"channel": "api", "jurisdiction": "KZ"}])
    prev_hash: str = Field(description="the previous event's hash (hex)", examples=[_HASH])
    hash: str = Field(description="SHA-256 over this event and prev_hash (hex)", examples=[_HASH])


class EventPage(BaseModel):
    """Audit events in order, and where to go on from."""

    events: list[EventRead] = Field(description="the events, oldest first")
    next_after: int | None = Field(description="pass as after= for the next page; null at the end",
                                   examples=[575])


class DisclosedField(BaseModel):
    """One field of a receipt's event, disclosed with the salt that commits to it."""

    value: Any = Field(description="the field's value", examples=["request:50"])
    # hex: HMAC-SHA256(key=the leaf's nonce, msg=the field's name)
    salt: str = Field(description="HMAC-SHA256(key=the leaf's nonce, msg=the field's name), hex",
                      examples=[_HASH])


class InclusionRead(BaseModel):
    """The proof that a leaf is in the tree of a size (RFC 9162)."""

    size: int = Field(description="the tree size the proof is for", examples=[482])
    # standard base64, the RFC 9162 audit path from the leaf up
    hashes: list[str] = Field(description="the audit path from the leaf up, standard base64",
                              examples=[["Hva3Ccalg0YX6VyScWINWSlvmWZ/rAQClY21gpp/iBE="]])


class ReceiptRead(BaseModel):
    """One event's receipt, ``docket-receipt/1`` (docs/verifiable-log.md, "Receipts")."""

    format: str = Field(description="the receipt's format", examples=["docket-receipt/1"])
    origin: str = Field(description="the log's origin line, as its checkpoints name it",
                        examples=["docket.example/log"])
    leaf_index: int = Field(description="the event's leaf in the log, from 0", examples=[474])
    leaf_data: str = Field(description="the leaf as hashed: the event's field commitments (JSON)",
                           examples=['{"commitments": {"action": "1e5b…"}}'])
    disclosed: dict[str, DisclosedField] = Field(description="the fields shown, by name")
    checkpoint: str | None = Field(description="a signed checkpoint that includes the leaf; null "
                                   "until one is signed", examples=[None])
    inclusion: InclusionRead | None = Field(description="the leaf's inclusion proof for that checkpoint")
    verifier_key: str | None = Field(description="the log's verifier key",
                                     examples=["docket.example/log+ce2d02a5+AR5pgF48v5Hh5SOmywYM"])
    log_url: str | None = Field(description="the log's base URL",
                                examples=["https://docket.example/api/v1/log"])


class PendingEvent(BaseModel):
    """An event recorded but not sealed into the log yet: its receipt comes later."""

    seq: int = Field(description="the event's position in the audit log", examples=[476])
    action: str = Field(description="what the event records", examples=["request:clarified"])


class ReceiptsRead(BaseModel):
    """What docket recorded about a record: one receipt per event, in the log's order."""

    receipts: list[ReceiptRead] = Field(description="one per event sealed into the log")
    pending: list[PendingEvent] = Field(description="events not sealed yet: ask again later")
