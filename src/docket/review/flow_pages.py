"""The console's side of the desk's flow: a lead assigns an item or takes it over, and
anyone reviewing takes the next item of their own queue. The same services as the API
(review/api.py: /items/{id}/assign, /items/{id}/take-over, /queue/next)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from docket import access
from docket.access import Purpose
from docket.bounds import Id
from docket.deps import AppSettings, Db
from docket.errors import NotFound
from docket.intake.models import Item
from docket.parties.auth import Permission
from docket.review import console, flow
from docket.review.console import Reviewer
from docket.review.pages import item_page_response
from docket.review.schemas import AssignmentCreate, TakeOverCreate
from docket.store import utcnow
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form
from docket.web.i18n import tr
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/console", include_in_schema=False)
Lead = Annotated[SignedIn, Depends(signed_in(permission=Permission.assign))]


@router.post("/items/{item_id}/assign", response_class=HTMLResponse)
def assign_item(request: Request, item_id: Id, db: Db, who: Lead, form: Form) -> Response:
    """Assign an item to a person or a team. Who: leads."""
    values = {"user_id": console.text_field(form, "user_id", 12), "team_id": console.text_field(form, "team_id", 12)}
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act, for_update=True)
    try:
        data = AssignmentCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        errors = console.validation_errors(exc)
        errors["form"] = "Choose a person or a team."
        return item_page_response(request, db, who, item_id, status=422, errs={"assign": errors},
                                  vals={"assign": values})
    _, error = console.attempt(db, lambda: flow.assign(session=db, principal=who.principal, item=item,
                                                       user_id=data.user_id, team_id=data.team_id, now=utcnow()))
    if error is not None:
        return item_page_response(request, db, who, item_id, status=error.status,
                                  errs={"assign": console.service_errors(error)}, vals={"assign": values})
    held = flow.holders(session=db, items=[item], now=utcnow())[item.id]
    to = held["assignee"] if data.user_id else held["team"]
    render.flash(request, tr(request, "Item %(id)s is assigned to %(name)s.", id=item_id,
                             name=to["name"] if to else "—"))  # type: ignore[index]
    return render.redirect(request, f"/console/items/{item_id}#assignment")


@router.post("/items/{item_id}/take-over", response_class=HTMLResponse)
def take_over_item(request: Request, item_id: Id, db: Db, who: Lead, form: Form, settings: AppSettings) -> Response:
    """Take an item over from its claimant, with a reason. Who: leads."""
    values = {"reason": console.text_field(form, "reason", 1000)}
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act, for_update=True)
    try:
        data = TakeOverCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return item_page_response(request, db, who, item_id, status=422,
                                  errs={"take_over": console.validation_errors(exc)}, vals={"take_over": values})
    _, error = console.attempt(db, lambda: flow.take_over(
        session=db, principal=who.principal, item=item, reason=data.reason, now=utcnow(),
        ttl=dt.timedelta(minutes=settings.claim_minutes)))
    if error is not None:
        return item_page_response(request, db, who, item_id, status=error.status,
                                  errs={"take_over": console.service_errors(error)}, vals={"take_over": values})
    render.flash(request, tr(request, "You took item %(id)s over; it is claimed by you.", id=item_id))
    return render.redirect(request, f"/console/items/{item_id}")


@router.post("/queue/next", response_class=HTMLResponse)
def next_item(request: Request, db: Db, who: Reviewer, form: Form, settings: AppSettings) -> Response:
    """Claim the top of one's own queue and open it; or say that nothing is waiting. Who: reviewers."""
    try:
        item = flow.next_item(session=db, principal=who.principal, now=utcnow(),
                              ttl=dt.timedelta(minutes=settings.claim_minutes))
    except NotFound as exc:
        render.flash(request, tr(request, "Nothing is waiting for you: %(why)s.", why=exc.detail.partition(": ")[2]),
                     "warning")
        return render.redirect(request, console.back_to(form, "/console"))
    render.flash(request, tr(request, "You claimed item %(id)s, the next in your queue, until %(time)s UTC.",
                             id=item.id, time=format(item.claim_expires_at, "%H:%M")))
    return render.redirect(request, f"/console/items/{item.id}")
