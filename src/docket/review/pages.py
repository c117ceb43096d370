"""The reviewer console: the queue and the item page (reviews, claims, decisions);
approvals, appeals and bulk decisions are in inbox_pages.py.

Every page calls the same services as the JSON API (review/api.py, appeals/api.py) with the
signed-in person's ``Principal``, and needs the permission the matching API route needs. A
form that a service refuses (409, 422, 403) is shown again with the message next to it and
what was typed kept; nothing it tried is kept (the transaction is rolled back)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from docket import access, effects
from docket.access import Purpose
from docket.audit import service as audit_service
from docket.bounds import Id
from docket.catalog import service as catalog
from docket.content import service as content_registry
from docket.deps import AppSettings, Db
from docket.documents import pages as documents
from docket.errors import DocketError, Unprocessable
from docket.intake.models import Item
from docket.items.states import FINDINGS, ItemState, RiskFlag, Step, next_state
from docket.matching import copies
from docket.parties.auth import Permission, Principal
from docket.parties.models import Submitter
from docket.review import console, explanations, flow, flow_view, search, service, views
from docket.review import context as item_context
from docket.review.api import parse_queue_cursor, queue_cursor
from docket.review.console import (
    CLAIMABLE,
    FINDING_LABELS,
    FLAG_LABELS,
    OUTCOMES,
    STATES,
    STEP_LABELS,
    QueueReader,
    Reviewer,
    StaffReader,
)
from docket.review.models import DecisionStatus
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.review.search import DEADLINE_RULE, QueueSort
from docket.review.service import QUEUE_RULE
from docket.review.views import view_params
from docket.settings import Settings
from docket.store import utcnow
from docket.web import render
from docket.web.forms import Form
from docket.web.i18n import tr, translator
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/console", include_in_schema=False)
render.add_template_package("docket.review")


# ---------------------------------------------------------------- the queue
def _queue_filters(params: Mapping[str, str], who: Principal) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The queue's filters as the API takes them; also the raw values and the errors."""
    raw = {k: str(params.get(k, "")).strip()[:200] for k in ("jurisdiction", "reason", "status", "assigned",
                                                               "overdue", "cursor", "limit", "team")}
    errors: dict[str, str] = {}
    args: dict[str, Any] = {}
    if raw["jurisdiction"]:
        if re.fullmatch(r"[A-Za-z]{2}", raw["jurisdiction"]):
            args["jurisdiction"] = raw["jurisdiction"].upper()
        else:
            errors["jurisdiction"] = "a two-letter country code"
    if raw["reason"]:
        args["reason"] = raw["reason"][:40]
    if raw["status"]:
        if raw["status"] in ItemState.__members__:
            args["status"] = ItemState(raw["status"])
        else:
            errors["status"] = "one of the states listed"
    assigned = raw["assigned"]
    if assigned:
        if assigned == "me":
            args["assigned_to"] = who.user_id
        elif assigned == "none":
            args["unassigned"] = True
        elif assigned.isdigit():
            args["assigned_to"] = int(assigned)
        else:
            errors["assigned"] = "me, none, or a user id"
    if raw["overdue"]:
        if raw["overdue"] in ("yes", "true", "1"):
            args["overdue"] = True
        elif raw["overdue"] in ("no", "false", "0"):
            args["overdue"] = False
        else:
            errors["overdue"] = "yes or no"
    found, sort, search_errors = search.parse(params)
    raw |= {k: str(params.get(k, "")).strip()[:search.PARAMS[k]] for k in search.PARAMS}
    errors |= search_errors
    args["search"], args["sort"] = found, sort
    if raw["team"]:
        if raw["team"].isdigit() and 0 < int(raw["team"]) < 2**31:
            args["team_id"] = int(raw["team"])
        else:
            errors["team"] = "one of the teams listed"
    try:
        args["after"] = parse_queue_cursor(raw["cursor"] or None, sort)
    except Unprocessable:
        errors["cursor"] = "this page link is not valid; start from the first page"
    limit = 50
    if raw["limit"]:
        if raw["limit"].isdigit() and 1 <= int(raw["limit"]) <= 200:
            limit = int(raw["limit"])
        else:
            errors["limit"] = "a number from 1 to 200"
    args["limit"] = limit
    return args, raw, errors


def _queue_context(db: Session, who: SignedIn, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    now = utcnow()
    args, raw, errors = _queue_filters(params, who.principal)
    limit = args.pop("limit")
    rows: list[Item] = []
    more = False
    if not errors:
        # The API's own call (GET /api/v1/queue): same order, same filters.
        found = service.queue(session=db, principal=who.principal, now=now, limit=limit + 1, **args)
        more, rows = len(found) > limit, list(found[:limit])
    kinds = service.requester_kinds(session=db, request_ids={r.request_id for r in rows})
    names = console.names(db, {r.assigned_to for r in rows})
    reasons = console.reason_labels(db)
    kept = {k: v for k, v in raw.items() if v and k not in ("cursor",)}
    held = flow.holders(session=db, items=rows, now=now)
    items = [{
        "item": r, "clock": console.clock(r.deadline_at, now), "kind": kinds.get(r.request_id, ""),
        "country": catalog.country_name(r.jurisdiction), "reason": reasons.get(r.reason, r.reason),
        "state": STATES.get(str(r.status), str(r.status)),
        "claim": console.claim_of(r, now, names, who.user_id),
        "claimable": str(r.status) in CLAIMABLE and access.may_act(who.principal, jurisdiction=r.jurisdiction),
        **held.get(r.id, {}),
    } for r in rows]
    assigned_options = [("me", "Claimed by me"), ("none", "Not claimed")]
    if raw["assigned"].isdigit():
        assigned_options.append((raw["assigned"], f"Claimed by user {raw['assigned']}"))
    context = {
        "rows": items, "rule": DEADLINE_RULE if args["sort"] is QueueSort.deadline else QUEUE_RULE,
        "views": views.list_for(session=db, user_id=who.user_id), "view_params": view_params(kept),
        "filter_values": raw, "filter_errors": errors,
        "next_url": console.url_with("/console", {**kept, "cursor": queue_cursor(rows[-1], args["sort"])})
        if more and rows else None,
        "first_url": console.url_with("/console", kept) if raw["cursor"] else None,
        "here": console.url_with("/console", {**kept, **({"cursor": raw["cursor"]} if raw["cursor"] else {})}),
        "countries": console.countries(db), "reasons": sorted(reasons.items(), key=lambda kv: kv[1]),
        "states": [(s.value, STATES[s.value]) for s in ItemState],
        "assigned_options": assigned_options, "teams": flow_view.team_options(db),
        "can_review": who.principal.can(Permission.review),
        "row_errors": {},
        # The selection's finding and decision (POST /console/bulk): every step's findings, every outcome.
        "bulk_findings": console.bulk_findings(), "bulk_outcomes": list(console.OUTCOMES.items()),
    }
    return context, 422 if errors else 200


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, db: Db, who: QueueReader) -> Response:
    """The review queue in the API's order, with its filters. Who: staff with queue access
    (reviewers, legal, rights, local representatives for their countries, admins)."""
    context, status = _queue_context(db, who, request.query_params)
    return render.page(request, "console/queue.html", context, status=status, title=tr(request, "Review queue"))


# ---------------------------------------------------------------- the item page
def _item_context(db: Session, who: SignedIn, item_id: int, settings: Settings,
                  errs: dict[str, dict[str, str]] | None = None,
                  vals: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    principal = who.principal
    now = utcnow()
    item = access.visible(db, principal, Item, item_id)
    req = item.request
    submitter = db.get(Submitter, req.submitter_id)
    laws = []
    for basis in req.legal_basis:
        law = catalog.get_law(session=db, law_id=basis["law"]) if basis.get("law") else None
        laws.append({"id": basis.get("law"), "title": law.title if law else None,
                     "citation": law.citation if law else basis.get("citation"), "provision": basis.get("provision")})
    content = content_registry.get(session=db, content_id=item.content_id) if item.content_id else None
    related = console.related(session=db, principal=principal, item=item)
    reviews = service.reviews_for(session=db, item_id=item.id)
    decisions = service.decisions_for(session=db, item_id=item.id)
    events = [*audit_service.list_events(session=db, subject=f"request:{req.id}", limit=1000),
              *audit_service.list_events(session=db, subject=f"item:{item.id}", limit=1000)]
    events.sort(key=lambda e: e.seq)
    user_ids: set[int | None] = {item.assigned_to, *(r.reviewer_id for r in reviews)}
    for d in decisions:
        user_ids |= {d.decided_by, d.approved_by, d.rejected_by}
    for e in events:
        if e.actor.startswith("user:") and e.actor[5:].isdigit():
            user_ids.add(int(e.actor[5:]))
    names = console.names(db, user_ids)
    actors = console.actors(db, {e.actor for e in events}, names)
    history = [{"at": e.at, "who": actors.get(e.actor, e.actor), "what": e.action.replace(":", " ").replace("_", " "),
                "details": console.details(e.payload)} for e in events]
    can_review = access.may_act(principal, jurisdiction=item.jurisdiction)
    status = ItemState(item.status)
    steps = []
    for step in Step:
        findings = [f for f in sorted(FINDINGS[step]) if next_state(status, f"{step.value}:{f}") is not None]
        if findings:
            steps.append({"step": step.value, "label": STEP_LABELS[step.value],
                          "findings": [(f, FINDING_LABELS.get(f, f)) for f in findings],
                          "allowed": bool(principal.roles & service.STEP_ROLES[step]),
                          "roles": ", ".join(sorted(r.value for r in service.STEP_ROLES[step]))})
    outcomes = [(o.value, OUTCOMES[o.value]) for o in service.allowed_outcomes(item)]
    pending = next((d for d in decisions if d.status == DecisionStatus.awaiting_approval), None)
    laws_here = catalog.list_laws(session=db, applies_in=item.jurisdiction)
    vals = vals or {}
    decision_values = {"scope": [item.jurisdiction], **vals.get("decision", {})}
    reasons = console.reason_labels(db)
    kinds = service.requester_kinds(session=db, request_ids={i.request_id for i in related.items})
    return {
        "item": item, "req": req, "submitter": submitter, "laws": laws, "content": content,
        "related": related, "related_kinds": kinds, "reviews": reviews, "decisions": decisions, "pending": pending,
        "history": history, "names": names, "clock": console.clock(item.deadline_at, now),
        "claim": console.claim_of(item, now, names, who.user_id), "claimable": str(item.status) in CLAIMABLE,
        "can_review": can_review, "steps": steps,
        "outcomes": outcomes, "country": catalog.country_name(item.jurisdiction),
        "reason": reasons.get(item.reason, item.reason), "reasons": reasons,
        "countries": [("*", "Everywhere (*)"), *console.countries(db)],
        "law_options": [(law.id, f"{law.citation} — {law.title}") for law in laws_here],
        "flags": [(f.value, FLAG_LABELS[f.value]) for f in RiskFlag],
        "errs": errs or {}, "vals": {**vals, "decision": decision_values}, "copy": copies.panel(db, item),
        "labels": {"states": STATES, "outcomes": OUTCOMES, "findings": FINDING_LABELS, "steps": STEP_LABELS,
                   "flags": FLAG_LABELS},
        "approval_reasons": console.approval_reasons(pending) if pending else [],
        "may_approve": console.may_approve(pending, principal) if pending else None,
        "now": now, "country_name": catalog.country_name,
        **documents.shown(db, request_id=req.id, settings=settings),
        **item_context.shown(session=db, principal=principal, item=item, content=content,
                             law_ids=[b["law"] for b in req.legal_basis if b.get("law")]),
        **flow_view.assignment_parts(session=db, principal=principal, item=item, now=now),
        **flow_view.rights_parts(session=db, item=item),
    }


def item_page_response(request: Request, db: Session, who: SignedIn, item_id: int, *, status: int = 200,
                       errs: dict[str, dict[str, str]] | None = None,
                       vals: dict[str, dict[str, Any]] | None = None) -> Response:
    context = _item_context(db, who, item_id, request.app.state.settings, errs, vals)
    if context["pending"]:  # why it waits, in the reader's language
        context["approval_reasons"] = console.approval_reasons(context["pending"], translator(request))
    return render.page(request, "console/item.html", context, status=status,
                       title=tr(request, "Item %(id)s", id=item_id))


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: Id, db: Db, who: StaffReader) -> Response:
    """One item: the request, the content, what else is known about it, the review steps,
    the decision form and the history from the audit log. Who: staff (a local
    representative: its countries); only reviewing roles see the forms."""
    return item_page_response(request, db, who, item_id)


def _with_template(request: Request, db: Session, who: SignedIn, item_id: int, values: dict[str, Any]) -> Response:
    """The decision form again, its explanation filled from the chosen template (which the
    reviewer may still edit); nothing is decided."""
    chosen = str(values.get("template_version_id") or "")
    version = explanations.get_version(session=db, version_id=int(chosen)) if chosen.isdigit() else None
    if version is None:
        return item_page_response(request, db, who, item_id, status=422, vals={"decision": values},
                                  errs={"decision": {"template_version_id": "choose a template",
                                                     "form": "Choose a template to fill the explanation from."}})
    filled = {**values, "explanation": version.body, "template_version_id": str(version.id)}
    return item_page_response(request, db, who, item_id, vals={"decision": filled})


@router.post("/items/{item_id}/claim", response_class=HTMLResponse)
def claim_item(request: Request, item_id: Id, db: Db, who: Reviewer, form: Form, settings: AppSettings) -> Response:
    """Claim an item for oneself. Who: reviewers."""
    back = console.back_to(form, f"/console/items/{item_id}")
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act)
    done, error = console.attempt(db, lambda: service.claim(session=db, principal=who.principal, item=item,
                                                            now=utcnow(),
                                                            ttl=dt.timedelta(minutes=settings.claim_minutes)))
    if error is not None:
        return _claim_refused(request, db, who, item_id, back, error)
    render.flash(request, tr(request, "You claimed item %(id)s until %(time)s UTC.", id=item_id,
                             time=done.claim_expires_at.strftime("%H:%M")))
    return render.redirect(request, back)


@router.post("/items/{item_id}/release", response_class=HTMLResponse)
def release_item(request: Request, item_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Give a claimed item back to the queue. Who: the reviewer holding it (or an admin reviewer)."""
    back = console.back_to(form, f"/console/items/{item_id}")
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act)
    _, error = console.attempt(db, lambda: service.release(session=db, principal=who.principal, item=item,
                                                           now=utcnow()))
    if error is not None:
        return _claim_refused(request, db, who, item_id, back, error)
    render.flash(request, tr(request, "Item %(id)s is back in the queue.", id=item_id))
    return render.redirect(request, back)


def _claim_refused(request: Request, db: Session, who: SignedIn, item_id: int, back: str,
                   error: DocketError) -> Response:
    """Show the page the claim or release came from again, with the refusal beside its button."""
    parts = urlsplit(back)
    if parts.path == "/console" and who.principal.can(Permission.queue_read):
        context, _ = _queue_context(db, who, dict(parse_qsl(parts.query)))
        context["row_errors"] = {item_id: error.detail}
        return render.page(request, "console/queue.html", context, status=error.status,
                           title=tr(request, "Review queue"))
    return item_page_response(request, db, who, item_id, status=error.status,
                              errs={"claim": {"form": error.detail}})


@router.post("/items/{item_id}/review", response_class=HTMLResponse)
def review_item(request: Request, item_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Record a policy, legal or human-rights finding. Who: reviewers with the step's role."""
    values = {"step": console.text_field(form, "step", 20), "finding": console.text_field(form, "finding", 40),
              "flags": console.list_field(form, "flags"), "notes": console.text_field(form, "notes"),
              "question": console.text_field(form, "question")}
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act, for_update=True)
    try:
        data = ReviewCreate.model_validate({k: v for k, v in values.items() if v not in (None, [])})
    except ValidationError as exc:
        return item_page_response(request, db, who, item_id, status=422,
                                  errs={"review": console.validation_errors(exc)}, vals={"review": values})
    done, error = console.attempt(db, lambda: effects.review(session=db, principal=who.principal, item=item, data=data,
                                                      now=utcnow()))
    if error is not None:
        return item_page_response(request, db, who, item_id, status=error.status,
                                  errs={"review": console.service_errors(error)}, vals={"review": values})
    render.flash(request, tr(request, "%(step)s: “%(finding)s” recorded. The item is now in: %(state)s.",
                             step=tr(request, STEP_LABELS[data.step.value]),
                             finding=tr(request, FINDING_LABELS.get(data.finding, data.finding)),
                             state=tr(request, STATES.get(str(done.status), str(done.status)))))
    return render.redirect(request, f"/console/items/{item_id}#next")


@router.post("/items/{item_id}/decision", response_class=HTMLResponse)
def decide_item(request: Request, item_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Decide an item; it takes effect now or waits for a second person (four eyes). Who: reviewers."""
    body, values = console.decision_data(form)
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act, for_update=True)
    if "use_template" in form:
        return _with_template(request, db, who, item_id, values)
    try:
        data = DecisionCreate.model_validate(body)
    except ValidationError as exc:
        return item_page_response(request, db, who, item_id, status=422,
                                  errs={"decision": console.validation_errors(exc)}, vals={"decision": values})
    decision, error = console.attempt(db, lambda: effects.decide(session=db, principal=who.principal, item=item,
                                                                 data=data, now=utcnow()))
    if error is not None:
        return item_page_response(request, db, who, item_id, status=error.status,
                                  errs={"decision": console.service_errors(error)}, vals={"decision": values})
    if decision.status == DecisionStatus.awaiting_approval:
        render.flash(request, tr(request, "Decision %(id)s recorded. It waits for a second person's approval "
                                          "(four eyes) because %(why)s.", id=decision.id,
                                 why="; ".join(console.approval_reasons(decision, translator(request)))), "warning")
    else:
        render.flash(request, tr(request, "Decision %(id)s recorded and in effect: %(outcome)s.", id=decision.id,
                                 outcome=tr(request, OUTCOMES[decision.outcome])))
    return render.redirect(request, f"/console/items/{item_id}")
