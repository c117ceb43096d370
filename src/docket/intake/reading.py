"""Reading requests: one by id, a page of those a principal reaches, and where one
stands in the review queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import access
from docket.intake.models import Request
from docket.parties.auth import Principal


def get(*, session: Session, request_id: int, for_update: bool = False) -> Request | None:
    """One request; ``for_update`` locks its row until commit (PostgreSQL), so that
    two clarifications of the same request cannot both apply."""
    return session.get(Request, request_id, with_for_update=for_update or None)


def list_requests(
    *, session: Session, principal: Principal, submitter_id: int | None = None,
    status: str | None = None, jurisdiction: str | None = None,
    received_from: dt.datetime | None = None, received_to: dt.datetime | None = None,
    before_id: int | None = None, limit: int = 50,
) -> Sequence[Request]:
    """The requests ``principal`` reaches, newest first; page with ``before_id``."""
    query = access.scoped(select(Request), principal, Request)
    if submitter_id is not None:
        query = query.where(Request.submitter_id == submitter_id)
    if status:
        query = query.where(Request.status == status)
    if jurisdiction:
        query = query.where(Request.jurisdiction == jurisdiction.upper())
    if received_from:
        query = query.where(Request.received_at >= received_from)
    if received_to:
        query = query.where(Request.received_at < received_to)
    if before_id:
        query = query.where(Request.id < before_id)
    return session.execute(query.order_by(Request.id.desc()).limit(limit)).scalars().all()


def ordering_key(request: Request) -> tuple[int, dt.datetime, dt.datetime]:
    """Where a request's items stand in the review queue: emergencies first, then the
    deadline, then the time received. Nothing about the submitter is part of it."""
    return (0 if request.emergency else 1, request.deadline_at, request.received_at)
