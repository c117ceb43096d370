"""The console's daily tools: saved queue views, bulk actions on a selection (claim,
release, record a finding, decide) and the lead's dashboard. The same services and
permissions as the API (review/desk_api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from docket.bounds import Id
from docket.catalog import service as catalog
from docket.deps import AppSettings, Db
from docket.parties.auth import Permission
from docket.review import bulk, console, views
from docket.review.console import STATES, QueueReader, Reviewer
from docket.review.desk_schemas import BulkDecisionData
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.store import utcnow
from docket.transparency import desk as dashboard
from docket.transparency.render import PALETTE
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form
from docket.web.i18n import tr, translator
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/console", include_in_schema=False)
LeadReader = Annotated[SignedIn, Depends(signed_in(permission=Permission.dashboard_read))]


# ---------------------------------------------------------------- saved views
def _views_page(request: Request, db: Db, who: SignedIn, params: dict[str, str], *, status: int = 200,
                errors: dict[str, str] | None = None, name: str = "") -> Response:
    mine = views.list_for(session=db, user_id=who.user_id)
    context = {"views": [{"view": v, "url": console.url_with("/console", v.params)} for v in mine],
               "params": views.view_params(params), "errors": errors or {}, "values": {"name": name}}
    return render.page(request, "console/views.html", context, status=status, title=tr(request, "Saved views"))


@router.get("/views", response_class=HTMLResponse)
def views_page(request: Request, db: Db, who: QueueReader) -> Response:
    """One's saved queue views, and a form to save the filters in the address under a name.
    Who: staff with queue access; each their own views."""
    return _views_page(request, db, who, dict(request.query_params))


@router.post("/views", response_class=HTMLResponse)
def save_view(request: Request, db: Db, who: QueueReader, form: Form) -> Response:
    """Save the queue's current filters under a name. Who: staff with queue access."""
    name = console.text_field(form, "name", 200) or ""
    params = {k: console.text_field(form, k, 2048) or "" for k in views.VIEW_KEYS}
    saved, error = console.attempt(db, lambda: views.save(session=db, principal=who.principal, name=name[:80],
                                                          params=params))
    if error is not None:
        return _views_page(request, db, who, params, status=error.status, name=name,
                           errors=console.service_errors(error))
    render.flash(request, tr(request, "View “%(name)s” saved; it is listed above your queue.", name=saved.name))
    return render.redirect(request, console.url_with("/console", saved.params))


@router.post("/views/{view_id}/delete", response_class=HTMLResponse)
def delete_view(request: Request, view_id: Id, db: Db, who: QueueReader, form: Form) -> Response:
    """Delete one of one's views; another's is a 404. Who: staff with queue access."""
    view = views.get_own(session=db, principal=who.principal, view_id=view_id)
    name = view.name
    views.delete(session=db, principal=who.principal, view=view)
    render.flash(request, tr(request, "View “%(name)s” deleted.", name=name))
    return render.redirect(request, "/console/views")


# ---------------------------------------------------------------- bulk actions
@router.post("/bulk", response_class=HTMLResponse)
def bulk_action(request: Request, db: Db, who: Reviewer, form: Form, settings: AppSettings) -> Response:
    """Claim, release, record a finding for, or decide the selected items, each as the
    single-item form would and each on its own. Claims and releases: the result of each is
    shown on the queue; findings and decisions: on a page of results. Who: reviewers."""
    back = console.back_to(form, "/console")
    action = console.text_field(form, "action", 10)
    ids = [int(v) for v in console.list_field(form, "item_ids") if v.isdigit() and len(v) < 12]
    if action not in bulk.ACTIONS or not ids:
        render.flash(request, tr(request, "Select one or more items and an action."), "error")
        return render.redirect(request, back)
    finding, decision, problem = _bulk_input(request, form, action)
    if problem:
        render.flash(request, problem, "error")
        return render.redirect(request, back)
    results = bulk.apply(session=db, principal=who.principal, action=action, item_ids=ids[:100], now=utcnow(),
                         ttl=dt.timedelta(minutes=settings.claim_minutes), settle=db.commit,
                         review=finding, decision=decision)
    done = sum(r.ok for r in results)
    if action in ("review", "decide"):
        context = {"results": results, "done": done, "back": back, "action": action,
                   "finding": finding, "decision": decision,
                   "labels": {"outcomes": console.OUTCOMES, "findings": console.FINDING_LABELS,
                              "steps": console.STEP_LABELS}}
        return render.page(request, "console/bulk_results.html", context,
                           title=tr(request, "Results of the selection"))
    _ = translator(request)
    said = _("Claim: %(done)s of %(total)s items done.", done=done, total=len(results)) if action == "claim" else \
        _("Release: %(done)s of %(total)s items done.", done=done, total=len(results))
    render.flash(request, said,
                 "success" if done == len(results) else "warning")
    for r in results:
        render.flash(request, _("Item %(id)s: %(detail)s.", id=r.item_id, detail=r.detail),
                     "success" if r.ok else "error")
    return render.redirect(request, back)


def _bulk_input(request: Request, form: Any,
                action: str) -> tuple[ReviewCreate | None, DecisionCreate | None, str | None]:
    """The finding or the decision the form gives for ``action``, or what is missing."""
    if action == "review":
        step, _, finding = (console.text_field(form, "finding", 60) or "").partition(":")
        try:
            return ReviewCreate.model_validate({"step": step, "finding": finding,
                                                "notes": console.text_field(form, "notes") or None}), None, None
        except ValidationError:
            return None, None, tr(request, "Choose the finding to record for the selected items.")
    if action == "decide":
        explanation = console.text_field(form, "explanation") or ""
        try:
            data = BulkDecisionData.model_validate({
                "outcome": console.text_field(form, "outcome", 40) or "", "explanation": explanation,
                "policy_clause": console.text_field(form, "policy_clause", 300) or None})
        except ValidationError:
            return None, None, tr(request, "Choose the outcome and write the explanation for the selected items.")
        return None, data.for_item(), None
    return None, None, None


# ---------------------------------------------------------------- the dashboard
def _bars(values: list[tuple[str, float]], *, unit: str = "") -> dict[str, Any]:
    """Horizontal bars, one per (label, value), drawn as SVG (as in transparency reports)."""
    top = max((v for _, v in values), default=0) or 1
    row, left, width = 26, 190, 300
    bars = [{"y": 10 + i * row, "w": round(width * v / top, 1), "label": label[:28], "value": f"{v:g}{unit}",
             "color": PALETTE[i % len(PALETTE)]} for i, (label, v) in enumerate(values)]
    return {"height": 20 + row * max(len(values), 1), "left": left, "width": width, "bars": bars,
            "total": left + width + 70}


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, db: Db, who: LeadReader) -> Response:
    """The lead's dashboard: backlog, clocks, time to decide, throughput, appeals. Charts
    with tables of the same figures; no script. Who: leads and administrators."""
    raw = request.query_params.get("days", "30")
    days = int(raw) if raw.isdigit() and 1 <= int(raw) <= 366 else 30
    data = dashboard.figures(session=db, principal=who.principal, now=utcnow(), days=days)
    per_country: dict[str, int] = {}
    for row in data["backlog"]:
        per_country[row["jurisdiction"]] = per_country.get(row["jurisdiction"], 0) + row["items"]
    reasons = console.reason_labels(db)
    context = {
        "d": data, "states": STATES, "reasons": reasons, "country_name": catalog.country_name,
        "charts": {
            "backlog": _bars(sorted(per_country.items(), key=lambda kv: -kv[1])),
            "clocks": _bars([(r["clock"], r["median_hours"] or 0) for r in data["clocks"]],
                            unit=" " + tr(request, "h")),
            "teams": _bars([(r["team"], r["decisions"]) for r in data["teams"]]),
            "people": _bars([(r["person"], r["decisions"]) for r in data["people"][:15]]),
            "appeals": _bars([(reasons.get(r["reason"], r["reason"]), r["appeals_percent"] or 0)
                              for r in data["appeals"]], unit=" %"),
        },
    }
    return render.page(request, "console/dashboard.html", context, title=tr(request, "Dashboard"))
