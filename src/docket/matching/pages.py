"""The console's answers to a copy item: confirm it (decided as its original) or reject it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from docket import access
from docket.access import Purpose
from docket.bounds import Id
from docket.deps import Db
from docket.intake.models import Item
from docket.matching import copies
from docket.review import console
from docket.review.console import OUTCOMES, Reviewer
from docket.review.models import DecisionStatus
from docket.review.pages import item_page_response
from docket.store import utcnow
from docket.web import render
from docket.web.forms import Form

router = APIRouter(prefix="/console", include_in_schema=False)


@router.post("/items/{item_id}/confirm-copy", response_class=HTMLResponse)
def confirm_copy(request: Request, item_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Confirm a copy: it is decided as its original decision was. Who: reviewers."""
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act, for_update=True)
    decision, error = console.attempt(db, lambda: copies.confirm(session=db, principal=who.principal, item=item,
                                                                 now=utcnow()))
    if error is not None:
        return item_page_response(request, db, who, item_id, status=error.status,
                                  errs={"copy": console.service_errors(error)})
    if decision.status == DecisionStatus.awaiting_approval:
        render.flash(request, f"Decision {decision.id} recorded. It waits for a second person's approval "
                              f"(four eyes) because {'; '.join(console.approval_reasons(decision))}.", "warning")
    else:
        render.flash(request, f"Decision {decision.id} recorded and in effect: {OUTCOMES[decision.outcome]}.")
    return render.redirect(request, f"/console/items/{item_id}")


@router.post("/items/{item_id}/reject-copy", response_class=HTMLResponse)
def reject_copy(request: Request, item_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Not a copy: the item is closed without a decision, with the reason. Who: reviewers."""
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act, for_update=True)
    reason = console.text_field(form, "reason", 5000)
    if not reason:
        return item_page_response(request, db, who, item_id, status=422,
                                  errs={"copy": {"reason": "Say why it is not a copy.",
                                                 "form": "Say why it is not a copy."}})
    _, error = console.attempt(db, lambda: copies.reject(session=db, principal=who.principal, item=item,
                                                         reason=reason, now=utcnow()))
    if error is not None:
        return item_page_response(request, db, who, item_id, status=error.status,
                                  errs={"copy": console.service_errors(error)})
    render.flash(request, f"Item {item_id} closed: not a copy.")
    return render.redirect(request, f"/console/items/{item_id}")
