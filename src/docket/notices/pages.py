"""Admin page for the outbox: what waits, what went, what failed and why, and putting a
dead letter back in the queue (``notices.service.retry_dead``, audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket.bounds import Id
from docket.deps import Db
from docket.errors import DocketError
from docket.notices import service
from docket.outbox.models import OutboxMessage, OutboxStatus
from docket.parties.auth import Permission
from docket.store import utcnow
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form
from docket.web.sessions import SignedIn

router = APIRouter(include_in_schema=False)
render.add_template_package("docket.notices")

OutboxAdmin = Annotated[SignedIn, Depends(signed_in(permission=Permission.outbox_admin))]
STATES = [s.value for s in OutboxStatus]


def outbox_counts(session: Session) -> dict[str, int]:
    """How many messages are in each state."""
    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {str(status): int(n) for status, n in rows}


@router.get("/admin/outbox", response_class=HTMLResponse)
def outbox(request: Request, db: Db, who: OutboxAdmin,
           status: Annotated[str | None, Query(pattern="^(pending|held|sent|dead|cancelled)$")] = None,
           ) -> Response:
    """The outbox: counts by state and kind, the latest failures with their last error,
    and the newest messages (of one state, if chosen). Who: admin (outbox:admin)."""
    table: dict[str, dict[str, int]] = {}
    for kind, state, n in db.execute(select(OutboxMessage.kind, OutboxMessage.status, func.count())
                                     .group_by(OutboxMessage.kind, OutboxMessage.status)):
        table.setdefault(kind, {})[str(state)] = int(n)
    failures = db.scalars(
        select(OutboxMessage).where(OutboxMessage.last_error.is_not(None),
                                    OutboxMessage.status.in_((OutboxStatus.dead, OutboxStatus.pending)))
        .order_by(OutboxMessage.id.desc()).limit(25)).all()
    recent_query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(50)
    if status:
        recent_query = recent_query.where(OutboxMessage.status == status)
    return render.page(request, "admin/outbox.html", {
        "states": STATES, "by_kind": dict(sorted(table.items())), "totals": outbox_counts(db),
        "failures": failures, "recent": db.scalars(recent_query).all(), "status": status or "",
        "now": utcnow()}, title="Outbox")


def _retry(request: Request, db: Session, who: SignedIn, ids: list[int] | None) -> Response:
    try:
        count = service.retry_dead(session=db, actor=who.principal.actor, ids=ids, now=utcnow())
    except DocketError as exc:
        db.rollback()
        render.flash(request, exc.detail, "error")
    else:
        render.flash(request, f"{count} message{'s' if count != 1 else ''} back in the queue, due now."
                     if count else "There was nothing in the dead letter.")
    return render.redirect(request, "/admin/outbox")


@router.post("/admin/outbox/{outbox_id}/retry", response_class=HTMLResponse)
def retry_one(outbox_id: Id, request: Request, db: Db, who: OutboxAdmin, form: Form) -> Response:
    """Put one dead message back in the queue, due now. Who: admin (outbox:admin)."""
    return _retry(request, db, who, [outbox_id])


@router.post("/admin/outbox/retry", response_class=HTMLResponse)
def retry_all(request: Request, db: Db, who: OutboxAdmin, form: Form) -> Response:
    """Put every dead message back in the queue. Who: admin (outbox:admin)."""
    return _retry(request, db, who, None)
