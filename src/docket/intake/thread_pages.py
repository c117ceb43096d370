"""The pages of a request's message thread and of the portal's export: the official's form
on the portal's request page, the reviewers' form on the console's request page (the
include ``console/_messages.html``), the reviewers' list of unread messages, and the CSV
of the organisation's own requests (``intake.thread`` and ``appeals.history`` behind them)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from docket import access
from docket.access import Purpose
from docket.appeals import history
from docket.bounds import Id
from docket.deps import Db
from docket.intake import reading, thread
from docket.intake.models import MessageAuthor
from docket.intake.models import Request as DocketRequest
from docket.intake.thread_schemas import MESSAGE_MAX
from docket.review.console import QueueReader, Reviewer
from docket.web.auth import PortalUser
from docket.web.forms import Form
from docket.web.i18n import tr, translator
from docket.web.render import add_template_package, flash, page, redirect

router = APIRouter(include_in_schema=False)
add_template_package("docket.intake")
add_template_package("docket.review")

CSV_PAGE = 500  # requests per CSV file; the next file's link is in the Link header


def _body(form: dict[str, object]) -> str:
    value = form.get("body")
    return value.strip() if isinstance(value, str) else ""


def _check(request: Request, body: str) -> str | None:
    """What is wrong with a message typed in a form, in the reader's language."""
    _ = translator(request)
    if not body:
        return _("Write a message before sending it.")
    if len(body) > MESSAGE_MAX:
        return _("A message has at most %(max)s characters.", max=MESSAGE_MAX)
    return None


@router.post("/portal/requests/{request_id}/messages", response_class=HTMLResponse)
def portal_message(request: Request, request_id: Id, user: PortalUser, db: Db, form: Form) -> Response:
    """Write to the reviewers about one of the organisation's requests. Who: a person of
    its submitter."""
    found = access.visible(db, user.principal, DocketRequest, request_id, what="request")
    _ = translator(request)
    body = _body(form)
    problem = _check(request, body)
    if problem:
        flash(request, problem, "error")
        return redirect(request, f"/portal/requests/{found.id}#messages")
    thread.post(session=db, request=found, author=MessageAuthor.authority, body=body,
                actor=f"user:{user.user_id}", user_id=user.user_id)
    flash(request, _("Your message is sent to the reviewers."))
    return redirect(request, f"/portal/requests/{found.id}#messages")


@router.post("/console/requests/{request_id}/messages", response_class=HTMLResponse)
def console_message(request: Request, request_id: Id, who: Reviewer, db: Db, form: Form) -> Response:
    """Write to the authority that sent a request (e-mailed to it, in the request's
    language). Who: reviewers (a local representative: its countries)."""
    found = access.visible(db, who.principal, DocketRequest, request_id, purpose=Purpose.act, what="request")
    body = _body(form)
    problem = _check(request, body)
    if problem:
        flash(request, problem, "error")
        return redirect(request, f"/console/requests/{found.id}#messages")
    thread.post(session=db, request=found, author=MessageAuthor.staff, body=body, actor=who.principal.actor,
                user_id=who.user_id)
    flash(request, tr(request, "Message sent to the authority of request %(id)s.", id=found.id))
    return redirect(request, f"/console/requests/{found.id}#messages")


@router.get("/console/messages", response_class=HTMLResponse)
def console_unread(request: Request, who: QueueReader, db: Db) -> Response:
    """Requests with messages from their authority no reviewer has read yet. Who: people
    who work the queue (a local representative: its countries)."""
    counts = thread.unread(session=db)
    rows = []
    if counts:
        query = access.scoped(select(DocketRequest).where(DocketRequest.id.in_(counts)), who.principal,
                              DocketRequest)
        rows = [(r, counts[r.id]) for r in db.execute(query.order_by(DocketRequest.id.desc())).scalars()]
    return page(request, "console/messages.html", {"rows": rows}, title=tr(request, "Messages from authorities"))


@router.get("/portal/requests.csv")
def portal_csv(request: Request, user: PortalUser, db: Db,
               cursor: Annotated[str, Query(max_length=40)] = "") -> Response:
    """The organisation's own requests as CSV, one row per item with its dates and outcomes
    (appeals and reversals too), newest request first; 500 requests a file, the next file
    linked in the Link header. Who: a person of a submitter."""
    before = reading.parse_cursor(cursor) if cursor else None
    rows = reading.list_requests(session=db, principal=user.principal, before=before, limit=CSV_PAGE + 1)
    more, rows = len(rows) > CSV_PAGE, rows[:CSV_PAGE]
    headers = {"Content-Disposition": 'attachment; filename="requests.csv"', "Cache-Control": "no-store"}
    if more:
        # The portal's file takes no filters: the next file is the cursor alone.
        headers["Link"] = f'</portal/requests.csv?{urlencode({"cursor": reading.cursor(rows[-1])})}>; rel="next"'
    return Response(history.csv_text(history.csv_rows(session=db, requests=rows)),
                    media_type="text/csv; charset=utf-8", headers=headers)
