"""Idempotent submissions: a caller's key (the API's ``Idempotency-Key`` header, the
portal's one-time form key) makes a retried submission return the first answer and store
nothing new. The one implementation, used by every channel that takes a key."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docket.errors import Conflict
from docket.intake.models import IdempotencyKey


class KeyReused(Conflict):
    """The key was used before with another body (409); ``request_id`` is what it made."""

    def __init__(self, detail: str, *, request_id: Any = None) -> None:
        super().__init__(detail)
        # Not an extra of the problem: the API's answer names no request it did not store.
        self.request_id = request_id


@dataclass(frozen=True)
class Key:
    """A submission's key: whose (``owner``, so callers' keys never collide), the key, and
    the digest of the body it was first used with."""

    owner: str
    key: str
    body_hash: str


def body_hash(body: BaseModel | str) -> str:
    """A digest of a body (a schema, or plain text): the same body, the same digest."""
    raw = body.encode() if isinstance(body, str) else orjson.dumps(
        body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).hexdigest()


def used_before(*, session: Session, key: Key) -> IdempotencyKey | None:
    """The stored first submission made with ``key``, or None; :class:`KeyReused` when the
    key was used with another body."""
    found = session.execute(
        select(IdempotencyKey).where(IdempotencyKey.owner == key.owner, IdempotencyKey.key == key.key)
    ).scalar_one_or_none()
    if found is not None and found.body_hash != key.body_hash:
        raise KeyReused("this Idempotency-Key was already used with a different body",
                        request_id=found.response.get("id"))
    return found


def take(*, session: Session, key: Key) -> IdempotencyKey | None:
    """Reserve ``key`` for a first submission (the caller fills in ``response`` once stored);
    None when a concurrent twin holds it already (then read it with :func:`used_before`)."""
    record = IdempotencyKey(owner=key.owner, key=key.key, body_hash=key.body_hash, status_code=201,
                            response={})
    # A savepoint, so that losing the race undoes only this insert. The twin's insert waits
    # on the unique index until the winner commits, then fails here.
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return None
    return record


def claim(*, session: Session, key: Key) -> tuple[IdempotencyKey | None, IdempotencyKey | None]:
    """After :func:`used_before` found nothing: ``(taken, None)``, the key taken for this
    submission (store it, then fill in ``taken.response``), or ``(None, first)`` when a
    concurrent twin took it meanwhile (answer with the twin's)."""
    taken = take(session=session, key=key)
    if taken is not None:
        return taken, None
    earlier = used_before(session=session, key=key)
    if earlier is None:  # pragma: no cover - the twin rolled back; ask to retry
        raise Conflict("a submission with this Idempotency-Key is in progress; retry")
    return None, earlier
