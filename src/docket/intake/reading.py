"""Reading requests: one by id, a page of those a principal reaches, and where one
stands in the review queue."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from docket import access
from docket.bounds import check_day, check_id
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
    before_id: int | None = None, before: Position | None = None, limit: int = 50,
) -> Sequence[Request]:
    """The requests ``principal`` reaches, newest received first; page with ``before`` (the
    position of the last one shown: :func:`cursor`) or ``before_id``."""
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
    if before is not None:
        at, last_id = before
        query = query.where(or_(Request.received_at < at, and_(Request.received_at == at, Request.id < last_id)))
    order = (Request.received_at.desc(), Request.id.desc())
    return session.execute(query.order_by(*order).limit(limit)).scalars().all()


# Where a page of requests ends: the last one's time received and id (requests received
# at the same instant are ordered by id).
Position = tuple[dt.datetime, int]


def cursor(request: Request) -> str:
    """The opaque cursor of the page after ``request``."""
    return base64.urlsafe_b64encode(f"{request.received_at.isoformat()}|{request.id}".encode()).decode()


def parse_cursor(value: str) -> Position | None:
    """A cursor made by :func:`cursor`; None if it is not one."""
    try:
        at, _, last = base64.urlsafe_b64decode(value.encode()).decode().partition("|")
        moment = dt.datetime.fromisoformat(at)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        check_day(moment.date())
        return moment, check_id(int(last))
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None


def ordering_key(request: Request) -> tuple[int, dt.datetime, dt.datetime]:
    """Where a request's items stand in the review queue: emergencies first, then the
    deadline, then the time received. Nothing about the submitter is part of it."""
    return (0 if request.emergency else 1, request.deadline_at, request.received_at)
