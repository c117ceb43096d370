"""The desk's daily tools in the API: saved queue views, bulk actions on a selection, the lead's dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Response, status

from docket.bounds import Id
from docket.deps import AppSettings, Db
from docket.parties.auth import Permission, Principal, require
from docket.review import bulk, views
from docket.review.api import QueueReader, Reviewer
from docket.review.desk_schemas import (
    BulkItemResult,
    BulkQueueAction,
    BulkQueueResult,
    DashboardRead,
    ViewCreate,
    ViewRead,
)
from docket.review.models import SavedView
from docket.store import utcnow
from docket.transparency import desk as dashboard

router = APIRouter(prefix="/api/v1", tags=["desk"])
LeadReader = Annotated[Principal, Depends(require(Permission.dashboard_read))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not one of the caller's views"}}


def view_read(view: SavedView) -> ViewRead:
    query = urlencode(view.params)
    return ViewRead(id=view.id, name=view.name, filters=dict(view.params), created_at=view.created_at,
                    queue_url=f"/api/v1/queue?{query}" if query else "/api/v1/queue",
                    console_url=f"/console?{query}" if query else "/console")


@router.get("/queue/views", response_model=list[ViewRead], summary="List one's saved queue views")
def list_views(db: Db, who: QueueReader) -> list[ViewRead]:
    """The caller's saved queue views, by name. Who: staff with queue access; each their own."""
    return [view_read(v) for v in views.list_for(session=db, user_id=who.user_id)]


@router.post("/queue/views", response_model=ViewRead, status_code=status.HTTP_201_CREATED,
             summary="Save a queue view", responses={409: {"description": "a view of that name exists"}})
def save_view(body: ViewCreate, db: Db, who: QueueReader) -> ViewRead:
    """Save queue filters under a name of one's own (audited). Who: staff with queue access."""
    return view_read(views.save(session=db, principal=who, name=body.name,
                                params=body.filters.model_dump(mode="json", exclude_none=True)))


@router.delete("/queue/views/{view_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               summary="Delete a saved queue view", responses=NOT_FOUND)
def delete_view(view_id: Id, db: Db, who: QueueReader) -> Response:
    """Delete one of one's own views (audited); another's is a 404. Who: staff with queue access."""
    views.delete(session=db, principal=who, view=views.get_own(session=db, principal=who, view_id=view_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/queue/bulk", response_model=BulkQueueResult,
             summary="Claim, release, review or decide a selection of items")
def bulk_action(body: BulkQueueAction, db: Db, who: Reviewer, settings: AppSettings) -> BulkQueueResult:
    """Claim, release, record a step's finding for, or decide each selected item as the
    single-item route would (the same checks: reach, the step it waits for, separation of
    duties, four eyes); each item is its own transaction. The answer says, per item, what
    was done or why not (the single route's status and words); a refusal changes nothing
    of that item and blocks no other. Who: reviewers (per item: whom the single route admits)."""
    results = bulk.apply(session=db, principal=who, action=body.action, item_ids=body.item_ids, now=utcnow(),
                         ttl=dt.timedelta(minutes=settings.claim_minutes), settle=db.commit,
                         review=body.finding(), decision=body.decision.for_item() if body.decision else None)
    return BulkQueueResult(results=[BulkItemResult(item_id=r.item_id, ok=r.ok, status=r.status, detail=r.detail,
                                                   decision_id=r.decision_id) for r in results])


@router.get("/dashboard", response_model=DashboardRead, summary="The lead's dashboard")
def get_dashboard(
    db: Db, who: LeadReader,
    days: Annotated[int, Query(ge=1, le=366, description="the window for decisions and appeals, in days",
                               examples=[30])] = 30,
) -> DashboardRead:
    """Backlog by jurisdiction and state, items overdue and due within 6 hours, time to
    decide against each law's clock, throughput per team and person, appeals and reversals
    by reason. Who: leads and administrators."""
    return DashboardRead.model_validate(dashboard.figures(session=db, principal=who, now=utcnow(), days=days))
