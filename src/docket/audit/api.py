"""Read the audit log (auditors and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from docket.audit import service
from docket.audit.schemas import EventPage, EventRead
from docket.bounds import Seq
from docket.deps import Db
from docket.parties.auth import Permission, Principal, require

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("/events", response_model=EventPage)
def list_events(
    db: Db,
    _who: Annotated[Principal, Depends(require(Permission.audit_read))],
    subject: Annotated[str | None, Query(max_length=120)] = None,
    action: Annotated[str | None, Query(max_length=80)] = None,
    after: Annotated[Seq, Query(description="return events after this sequence number")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EventPage:
    """Events in chain order. Who: auditor, admin. Page with ``after=next_after``."""
    events = service.list_events(session=db, subject=subject, action=action, after=after, limit=limit + 1)
    more, events = len(events) > limit, events[:limit]
    return EventPage(
        events=[EventRead.model_validate(e) for e in events],
        next_after=events[-1].seq if more else None,
    )
