"""The reviewer console: the queue, the item page, approvals, appeals and bulk decisions.

Every page calls the same services as the JSON API (review/api.py, appeals/api.py) with the
signed-in person's ``Principal``, and needs the permission the matching API route needs. A
form that a service refuses (409, 422, 403) is shown again with the message next to it and
what was typed kept; nothing it tried is kept (the transaction is rolled back)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.appeals import service as appeals
from docket.appeals.schemas import AppealDecisionCreate
from docket.audit import service as audit_service
from docket.catalog import service as catalog
from docket.content import service as content_registry
from docket.db import utcnow
from docket.deps import AppSettings, Db
from docket.errors import DocketError, NotFound, Unprocessable
from docket.intake import service as intake
from docket.intake.models import Item
from docket.intake.models import Request as DocketRequest
from docket.parties.auth import Permission, Principal
from docket.parties.models import Submitter, User
from docket.review import service
from docket.review.api import parse_queue_cursor, queue_cursor
from docket.review.models import Decision, DecisionStatus
from docket.review.schemas import ApprovalCreate, DecisionCreate, RejectionCreate, ReviewCreate
from docket.review.service import QUEUE_RULE
from docket.review.states import FINDINGS, ItemState, Outcome, RiskFlag, Step, next_state
from docket.web import render
from docket.web.auth import page_permission
from docket.web.forms import Form, field_errors
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/console", include_in_schema=False)
render.add_template_package("docket.review")

# The API's permission per route (review/api.py, appeals/api.py) is the page's.
QueueReader = Annotated[SignedIn, Depends(page_permission(Permission.queue_read))]
StaffReader = Annotated[SignedIn, Depends(page_permission(Permission.requests_read_all))]
Reviewer = Annotated[SignedIn, Depends(page_permission(Permission.review))]

STATES = {
    "received": "Received", "content_not_found": "Content not found", "policy_review": "Policy review",
    "legal_review": "Legal review", "rights_review": "Human-rights review",
    "clarification_requested": "Waiting for clarification", "awaiting_approval": "Awaiting approval (four eyes)",
    "decided": "Decided",
}
OUTCOMES = {
    "removed_policy": "Remove everywhere: breaks the platform's rules",
    "restricted": "Restrict in the chosen countries: illegal under local law",
    "no_action": "No action: lawful",
    "rejected_invalid": "Reject: the request is not valid",
    "rejected_overbroad": "Reject as overbroad (human-rights concern)",
    "already_removed": "Already removed",
    "content_not_found": "Content not found",
}
FINDING_LABELS = {
    "violates": "Violates the platform's rules", "compliant": "Within the platform's rules",
    "illegal": "Illegal under the cited law", "lawful": "Lawful", "invalid": "The request is not valid",
    "needs_clarification": "Ask the requester for clarification", "already_removed": "Already removed",
    "not_found": "Content not found", "no_concern": "No human-rights concern", "concern": "Human-rights concern",
}
STEP_LABELS = {"policy": "Policy review", "legal": "Legal review", "rights": "Human-rights review"}
FLAG_LABELS = {
    "political_speech": "Political speech", "journalism": "Journalism", "election_period": "Election period",
    "minority_or_religious": "Minority or religious group", "overbroad": "Overbroad", "public_interest": "Public interest",
}
APPROVAL_REASONS = {
    "risk_flags": "the human-rights review raised risk flags",
    "wider_scope": "the scope is wider than the requesting jurisdiction",
    "emergency": "it is an emergency request",
    "local_representative": "the local representative of {rep} must sign off",
}
CLAIMABLE = frozenset({"received", "content_not_found", "policy_review", "legal_review", "rights_review"})
DECISION_FIELDS = ("outcome", "scope", "scope_reason", "ground", "law", "provision", "policy_clause",
                   "explanation", "ends_at")


# ---------------------------------------------------------------- helpers
def clock(deadline: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    """Time left on a statutory clock, in words; ``overdue`` once the deadline has passed."""
    seconds = int((deadline - now).total_seconds())
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    span = f"{days} d {hours} h" if days else f"{hours} h {mins} min" if hours else f"{mins} min"
    overdue = seconds < 0
    return {"overdue": overdue, "seconds": seconds, "text": f"overdue by {span}" if overdue else f"{span} left"}


def _names(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i)
    if not wanted:
        return {}
    rows = db.execute(select(User.id, User.name, User.email).where(User.id.in_(wanted)))
    return {uid: name or email for uid, name, email in rows}


def _claim(item: Item, now: dt.datetime, names: Mapping[int, str], me: int | None) -> dict[str, Any] | None:
    """Who holds an unexpired claim on ``item``, or None."""
    if item.assigned_to is None or item.claim_expires_at is None or item.claim_expires_at <= now:
        return None
    return {"user_id": item.assigned_to, "name": names.get(item.assigned_to, f"user {item.assigned_to}"),
            "until": item.claim_expires_at, "mine": item.assigned_to == me}


def _service_errors(exc: DocketError) -> dict[str, str]:
    """A service's refusal as {field: message}; the whole message under "form"."""
    out: dict[str, str] = {"form": exc.detail}
    for error in exc.errors or []:
        out.setdefault(re.split(r"[.\[]", str(error.get("field", "")))[0] or "form", str(error.get("message", "")))
    return out


def _validation_errors(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, message in field_errors(exc).items():
        out.setdefault(re.split(r"[.\[]", key)[0], message)
    out.setdefault("form", "Please correct the fields marked below.")
    return out


def _text(form: Mapping[str, Any], name: str, limit: int = 10_000) -> str | None:
    value = form.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    value = str(value).strip()[:limit] if value is not None else ""
    return value or None


def _list(form: Mapping[str, Any], name: str) -> list[str]:
    value = form.get(name)
    values = value if isinstance(value, list) else [value] if value else []
    return [str(v).strip() for v in values if str(v).strip()]


def _back(form: Mapping[str, Any], default: str) -> str:
    """Where a form came from: a console path only (never off site)."""
    target = _text(form, "back", 500) or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/console") or target.startswith("//"):
        return default
    return target


def _attempt(db: Session, action: Callable[[], Any]) -> tuple[Any, DocketError | None]:
    """Run a service call; on a refusal, undo everything it did and return the error."""
    try:
        return action(), None
    except DocketError as exc:
        if isinstance(exc, NotFound):
            raise
        db.rollback()
        return None, exc


def _url(path: str, params: Mapping[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _details(payload: Mapping[str, Any]) -> str:
    """An audit event's payload in words: "key: value; …", empty values left out."""
    def show(value: Any) -> str:
        if isinstance(value, Mapping):
            return ", ".join(f"{k.replace('_', ' ')} {show(v)}" for k, v in value.items() if v not in (None, "", []))
        if isinstance(value, list):
            return ", ".join(show(v) for v in value)
        return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    return "; ".join(f"{k.replace('_', ' ')}: {show(v)}" for k, v in payload.items() if v not in (None, "", [], {}))


def _actors(db: Session, actors: set[str], names: Mapping[int, str]) -> dict[str, str]:
    """Audit actors ("user:3", "submitter:2") as the people and organisations they are."""
    out = {a: names[int(a[5:])] for a in actors if a.startswith("user:") and a[5:].isdigit() and int(a[5:]) in names}
    ids = sorted(int(a[10:]) for a in actors if a.startswith("submitter:") and a[10:].isdigit())
    if ids:
        out |= {f"submitter:{i}": n for i, n in db.execute(select(Submitter.id, Submitter.name).where(Submitter.id.in_(ids)))}
    return out


def _countries(db: Session) -> list[tuple[str, str]]:
    return [(j.code, f"{j.name} ({j.code})") for j in sorted(catalog.list_jurisdictions(session=db),
                                                              key=lambda j: j.name)]


def _reason_labels(db: Session) -> dict[str, str]:
    return {r.code: r.label for r in catalog.list_reasons(session=db)}


# ---------------------------------------------------------------- the queue
def _queue_filters(params: Mapping[str, str], who: Principal) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The queue's filters as the API takes them; also the raw values and the errors."""
    raw = {k: str(params.get(k, "")).strip()[:200] for k in ("jurisdiction", "reason", "status", "assigned",
                                                               "overdue", "cursor", "limit")}
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
    try:
        args["after"] = parse_queue_cursor(raw["cursor"] or None)
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
    names = _names(db, {r.assigned_to for r in rows})
    reasons = _reason_labels(db)
    kept = {k: v for k, v in raw.items() if v and k not in ("cursor",)}
    items = [{
        "item": r, "clock": clock(r.deadline_at, now), "kind": kinds.get(r.request_id, ""),
        "country": catalog.country_name(r.jurisdiction), "reason": reasons.get(r.reason, r.reason),
        "state": STATES.get(str(r.status), str(r.status)),
        "claim": _claim(r, now, names, who.user_id), "claimable": str(r.status) in CLAIMABLE,
    } for r in rows]
    assigned_options = [("me", "Claimed by me"), ("none", "Not claimed")]
    if raw["assigned"].isdigit():
        assigned_options.append((raw["assigned"], f"Claimed by user {raw['assigned']}"))
    context = {
        "rows": items, "rule": QUEUE_RULE, "filter_values": raw, "filter_errors": errors,
        "next_url": _url("/console", {**kept, "cursor": queue_cursor(rows[-1])}) if more and rows else None,
        "first_url": _url("/console", kept) if raw["cursor"] else None,
        "here": _url("/console", {**kept, **({"cursor": raw["cursor"]} if raw["cursor"] else {})}),
        "countries": _countries(db), "reasons": sorted(reasons.items(), key=lambda kv: kv[1]),
        "states": [(s.value, STATES[s.value]) for s in ItemState],
        "assigned_options": assigned_options,
        "can_review": who.principal.can(Permission.review),
        "row_errors": {},
    }
    return context, 422 if errors else 200


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, db: Db, who: QueueReader) -> Response:
    """The review queue in the API's order, with its filters. Who: staff with queue access
    (reviewers, legal, rights, local representatives for their countries, admins)."""
    context, status = _queue_context(db, who, request.query_params)
    return render.page(request, "console/queue.html", context, status=status, title="Review queue")


# ---------------------------------------------------------------- the item page
def _item_context(db: Session, who: SignedIn, item_id: int, errs: dict[str, dict[str, str]] | None = None,
                  vals: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    principal = who.principal
    now = utcnow()
    item = service.visible_item(session=db, principal=principal, item_id=item_id)
    req = item.request
    submitter = db.get(Submitter, req.submitter_id)
    laws = []
    for basis in req.legal_basis:
        law = catalog.get_law(session=db, law_id=basis["law"]) if basis.get("law") else None
        laws.append({"id": basis.get("law"), "title": law.title if law else None,
                     "citation": law.citation if law else basis.get("citation"), "provision": basis.get("provision")})
    content = content_registry.get(session=db, content_id=item.content_id) if item.content_id else None
    related = service.related(session=db, principal=principal, item=item)
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
    names = _names(db, user_ids)
    actors = _actors(db, {e.actor for e in events}, names)
    history = [{"at": e.at, "who": actors.get(e.actor, e.actor), "what": e.action.replace(":", " ").replace("_", " "),
                "details": _details(e.payload)} for e in events]
    can_review = principal.can(Permission.review)
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
    reasons = _reason_labels(db)
    kinds = service.requester_kinds(session=db, request_ids={i.request_id for i in related.items})
    return {
        "item": item, "req": req, "submitter": submitter, "laws": laws, "content": content,
        "related": related, "related_kinds": kinds, "reviews": reviews, "decisions": decisions, "pending": pending,
        "history": history, "names": names, "clock": clock(item.deadline_at, now),
        "claim": _claim(item, now, names, who.user_id), "claimable": str(item.status) in CLAIMABLE,
        "can_review": can_review, "steps": steps,
        "outcomes": outcomes, "country": catalog.country_name(item.jurisdiction),
        "reason": reasons.get(item.reason, item.reason), "reasons": reasons,
        "countries": [("*", "Everywhere (*)"), *_countries(db)],
        "law_options": [(law.id, f"{law.citation} — {law.title}") for law in laws_here],
        "flags": [(f.value, FLAG_LABELS[f.value]) for f in RiskFlag],
        "errs": errs or {}, "vals": {**vals, "decision": decision_values},
        "labels": {"states": STATES, "outcomes": OUTCOMES, "findings": FINDING_LABELS, "steps": STEP_LABELS,
                   "flags": FLAG_LABELS},
        "approval_reasons": _approval_reasons(pending) if pending else [],
        "may_approve": _may_approve(pending, principal) if pending else None,
        "now": now, "country_name": catalog.country_name,
    }


def _approval_reasons(decision: Decision) -> list[str]:
    rep = decision.local_rep_jurisdiction or ""
    return [APPROVAL_REASONS.get(r, r).format(rep=catalog.country_name(rep) if rep else "the country")
            for r in decision.approval_reasons]


def _may_approve(decision: Decision, principal: Principal) -> str | None:
    """Why this person cannot approve ``decision``, in words (None: they may)."""
    blocker = service.approval_blocker(principal=principal, decision=decision)
    if blocker == "own_decision":
        return "You made this decision: a second person must approve or reject it."
    if blocker == "local_representative":
        rep = catalog.country_name(decision.local_rep_jurisdiction or "")
        return f"Only the local representative of {rep} can approve this decision."
    return None


def _item_page(request: Request, db: Session, who: SignedIn, item_id: int, *, status: int = 200,
               errs: dict[str, dict[str, str]] | None = None, vals: dict[str, dict[str, Any]] | None = None) -> Response:
    context = _item_context(db, who, item_id, errs, vals)
    return render.page(request, "console/item.html", context, status=status, title=f"Item {item_id}")


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int, db: Db, who: StaffReader) -> Response:
    """One item: the request, the content, what else is known about it, the review steps,
    the decision form and the history from the audit log. Who: staff (a local
    representative: its countries); only reviewing roles see the forms."""
    return _item_page(request, db, who, item_id)


@router.post("/items/{item_id}/claim", response_class=HTMLResponse)
def claim_item(request: Request, item_id: int, db: Db, who: Reviewer, form: Form, settings: AppSettings) -> Response:
    """Claim an item for oneself. Who: reviewers."""
    back = _back(form, f"/console/items/{item_id}")
    item = service.visible_item(session=db, principal=who.principal, item_id=item_id)
    done, error = _attempt(db, lambda: service.claim(session=db, principal=who.principal, item=item, now=utcnow(),
                                                     ttl=dt.timedelta(minutes=settings.claim_minutes)))
    if error is not None:
        return _claim_refused(request, db, who, item_id, back, error)
    render.flash(request, f"You claimed item {item_id} until {done.claim_expires_at:%H:%M} UTC.")
    return render.redirect(request, back)


@router.post("/items/{item_id}/release", response_class=HTMLResponse)
def release_item(request: Request, item_id: int, db: Db, who: Reviewer, form: Form) -> Response:
    """Give a claimed item back to the queue. Who: the reviewer holding it (or an admin reviewer)."""
    back = _back(form, f"/console/items/{item_id}")
    item = service.visible_item(session=db, principal=who.principal, item_id=item_id)
    _, error = _attempt(db, lambda: service.release(session=db, principal=who.principal, item=item, now=utcnow()))
    if error is not None:
        return _claim_refused(request, db, who, item_id, back, error)
    render.flash(request, f"Item {item_id} is back in the queue.")
    return render.redirect(request, back)


def _claim_refused(request: Request, db: Session, who: SignedIn, item_id: int, back: str,
                   error: DocketError) -> Response:
    """Show the page the claim or release came from again, with the refusal beside its button."""
    parts = urlsplit(back)
    if parts.path == "/console" and who.principal.can(Permission.queue_read):
        context, _ = _queue_context(db, who, dict(parse_qsl(parts.query)))
        context["row_errors"] = {item_id: error.detail}
        return render.page(request, "console/queue.html", context, status=error.status, title="Review queue")
    return _item_page(request, db, who, item_id, status=error.status, errs={"claim": {"form": error.detail}})


@router.post("/items/{item_id}/review", response_class=HTMLResponse)
def review_item(request: Request, item_id: int, db: Db, who: Reviewer, form: Form) -> Response:
    """Record a policy, legal or human-rights finding. Who: reviewers with the step's role."""
    values = {"step": _text(form, "step", 20), "finding": _text(form, "finding", 40),
              "flags": _list(form, "flags"), "notes": _text(form, "notes"), "question": _text(form, "question")}
    try:
        data = ReviewCreate.model_validate({k: v for k, v in values.items() if v not in (None, [])})
    except ValidationError as exc:
        return _item_page(request, db, who, item_id, status=422, errs={"review": _validation_errors(exc)},
                          vals={"review": values})
    item = service.visible_item(session=db, principal=who.principal, item_id=item_id, for_update=True)
    done, error = _attempt(db, lambda: service.review(session=db, principal=who.principal, item=item, data=data,
                                                      now=utcnow()))
    if error is not None:
        return _item_page(request, db, who, item_id, status=error.status, errs={"review": _service_errors(error)},
                          vals={"review": values})
    render.flash(request, f"{STEP_LABELS[data.step.value]}: “{FINDING_LABELS.get(data.finding, data.finding)}” "
                          f"recorded. The item is now in: {STATES.get(str(done.status), str(done.status))}.")
    return render.redirect(request, f"/console/items/{item_id}#next")


def _decision_data(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The decision form as the API's body, and the values to show again."""
    values: dict[str, Any] = {name: _text(form, name) for name in DECISION_FIELDS if name != "scope"}
    values["scope"] = _list(form, "scope")
    body = {k: v for k, v in values.items() if v not in (None, [])}
    # A scope belongs to a restriction only; other outcomes restrict nothing (removed_policy: everywhere).
    if body.get("outcome") != Outcome.restricted.value:
        body.pop("scope", None)
        body.pop("scope_reason", None)
    if "ends_at" in body and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?", body["ends_at"]):
        body["ends_at"] += "Z"  # the form's field is in UTC
    return body, values


@router.post("/items/{item_id}/decision", response_class=HTMLResponse)
def decide_item(request: Request, item_id: int, db: Db, who: Reviewer, form: Form) -> Response:
    """Decide an item; it takes effect now or waits for a second person (four eyes). Who: reviewers."""
    body, values = _decision_data(form)
    try:
        data = DecisionCreate.model_validate(body)
    except ValidationError as exc:
        return _item_page(request, db, who, item_id, status=422, errs={"decision": _validation_errors(exc)},
                          vals={"decision": values})
    item = service.visible_item(session=db, principal=who.principal, item_id=item_id, for_update=True)
    decision, error = _attempt(db, lambda: service.decide(session=db, principal=who.principal, item=item, data=data,
                                                          now=utcnow()))
    if error is not None:
        return _item_page(request, db, who, item_id, status=error.status,
                          errs={"decision": _service_errors(error)}, vals={"decision": values})
    if decision.status == DecisionStatus.awaiting_approval:
        render.flash(request, f"Decision {decision.id} recorded. It waits for a second person's approval "
                              f"(four eyes) because {'; '.join(_approval_reasons(decision))}.", "warning")
    else:
        render.flash(request, f"Decision {decision.id} recorded and in effect: {OUTCOMES[decision.outcome]}.")
    return render.redirect(request, f"/console/items/{item_id}")


# ---------------------------------------------------------------- four eyes
def _approvals_context(db: Session, who: SignedIn, errs: dict[str, dict[str, str]] | None = None,
                       vals: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    now = utcnow()
    pending = service.pending_approvals(session=db, principal=who.principal)
    names = _names(db, {d.decided_by for d in pending})
    reasons = _reason_labels(db)
    rows = [{"d": d, "item": d.item, "clock": clock(d.item.deadline_at, now),
             "country": catalog.country_name(d.item.jurisdiction), "reason": reasons.get(d.item.reason, d.item.reason),
             "by": names.get(d.decided_by, f"user {d.decided_by}"), "why": _approval_reasons(d),
             "blocked": _may_approve(d, who.principal),
             "scope": ", ".join("everywhere" if c == "*" else catalog.country_name(c) for c in d.scope) or "none"}
            for d in pending]
    return {"rows": rows, "errs": errs or {}, "vals": vals or {}, "outcomes": OUTCOMES}


@router.get("/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, db: Db, who: Reviewer) -> Response:
    """Decisions that wait for a second person (four eyes). Who: reviewers."""
    return render.page(request, "console/approvals.html", _approvals_context(db, who), title="Approvals")


def _four_eyes(request: Request, db: Session, who: SignedIn, decision_id: int, form: Mapping[str, Any],
               verb: str) -> Response:
    """Approve or reject, and show the refusal beside the form it came from."""
    key = f"{verb}-{decision_id}"
    decision = service.visible_decision(session=db, principal=who.principal, decision_id=decision_id)
    item_id, from_state = decision.item_id, decision.from_state
    back = _back(form, "/console/approvals")
    values = {"note": _text(form, "note"), "reason": _text(form, "reason")}

    def again(status: int, errors: dict[str, str]) -> Response:
        if urlsplit(back).path.startswith("/console/items/"):
            return _item_page(request, db, who, item_id, status=status, errs={key: errors}, vals={key: values})
        return render.page(request, "console/approvals.html", _approvals_context(db, who, {key: errors}, {key: values}),
                           status=status, title="Approvals")

    try:
        if verb == "approve":
            note = ApprovalCreate.model_validate({"note": values["note"]} if values["note"] else {}).note
        else:
            reason = RejectionCreate.model_validate({"reason": values["reason"]} if values["reason"] else {}).reason
    except ValidationError as exc:
        return again(422, _validation_errors(exc))
    if verb == "approve":
        _, error = _attempt(db, lambda: service.approve(session=db, principal=who.principal, decision=decision,
                                                        note=note, now=utcnow()))
    else:
        _, error = _attempt(db, lambda: service.reject(session=db, principal=who.principal, decision=decision,
                                                       reason=reason, now=utcnow()))
    if error is not None:
        return again(error.status, _service_errors(error))
    if verb == "approve":
        render.flash(request, f"Decision {decision_id} approved; it is in effect.")
    else:
        render.flash(request, f"Decision {decision_id} rejected; item {item_id} is back in "
                              f"{STATES.get(from_state, from_state)}.")
    return render.redirect(request, back)


@router.post("/decisions/{decision_id}/approve", response_class=HTMLResponse)
def approve_decision(request: Request, decision_id: int, db: Db, who: Reviewer, form: Form) -> Response:
    """Approve another person's decision; it takes effect. Who: a different reviewer (the local
    representative where the catalog requires its sign-off)."""
    return _four_eyes(request, db, who, decision_id, form, "approve")


@router.post("/decisions/{decision_id}/reject", response_class=HTMLResponse)
def reject_decision(request: Request, decision_id: int, db: Db, who: Reviewer, form: Form) -> Response:
    """Refuse another person's decision, with a reason. Who: a different reviewer."""
    return _four_eyes(request, db, who, decision_id, form, "reject")


# ---------------------------------------------------------------- appeals
APPEAL_FILTERS = {"open": "Open", "upheld": "Upheld", "reversed": "Reversed", "all": "All"}


def _appeals_context(db: Session, who: SignedIn, shown: str, errs: dict[str, dict[str, str]] | None = None,
                     vals: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    found = appeals.list_appeals(session=db, status=None if shown == "all" else shown)
    rows = []
    for appeal in found:
        decision = db.get(Decision, appeal.decision_id)
        assert decision is not None
        rows.append({"a": appeal, "d": decision,
                     "took_part": appeals.took_part(db, decision, who.user_id) if appeal.status == "open" else False,
                     "scope": ", ".join("everywhere" if c == "*" else catalog.country_name(c)
                                        for c in decision.scope) or "none"})
    names = _names(db, {a.decided_by for a in found})
    return {"rows": rows, "shown": shown, "filters": list(APPEAL_FILTERS.items()), "names": names,
            "errs": errs or {}, "vals": vals or {}, "outcomes": OUTCOMES}


@router.get("/appeals", response_class=HTMLResponse)
def appeals_page(request: Request, db: Db, who: Reviewer) -> Response:
    """The appeals queue, oldest first (open ones unless another status is chosen). Who: reviewers."""
    shown = request.query_params.get("status", "open")
    if shown not in APPEAL_FILTERS:
        shown = "open"
    return render.page(request, "console/appeals.html", _appeals_context(db, who, shown), title="Appeals")


@router.post("/appeals/{appeal_id}/decision", response_class=HTMLResponse)
def decide_appeal(request: Request, appeal_id: int, db: Db, who: Reviewer, form: Form) -> Response:
    """Uphold or reverse a decision on appeal. Who: a reviewer who took no part in the original
    decision; a reversal lifts the restriction at once."""
    appeal = appeals.get(session=db, appeal_id=appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id}")
    key = f"appeal-{appeal_id}"
    values = {"outcome": _text(form, "outcome", 20), "explanation": _text(form, "explanation")}
    try:
        data = AppealDecisionCreate.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        return render.page(request, "console/appeals.html",
                           _appeals_context(db, who, "open", {key: _validation_errors(exc)}, {key: values}),
                           status=422, title="Appeals")
    _, error = _attempt(db, lambda: appeals.decide(session=db, principal=who.principal, appeal=appeal,
                                                   outcome=data.outcome, explanation=data.explanation, now=utcnow()))
    if error is not None:
        return render.page(request, "console/appeals.html",
                           _appeals_context(db, who, "open", {key: _service_errors(error)}, {key: values}),
                           status=error.status, title="Appeals")
    what = "reversed: the decision no longer stands" if data.outcome == "reversed" else "upheld"
    render.flash(request, f"Appeal {appeal_id} {what}.")
    return render.redirect(request, "/console/appeals")


# ---------------------------------------------------------------- a request and bulk decisions
def _visible_request(db: Session, principal: Principal, request_id: int) -> DocketRequest:
    found = intake.get(session=db, request_id=request_id)
    limit = service.jurisdiction_limit(principal)
    if found is None or (limit is not None and found.jurisdiction not in limit):
        raise NotFound(f"no request {request_id}")
    return found


def _request_context(db: Session, who: SignedIn, request_id: int, which: str = "", errors: dict[str, str] | None = None,
                     values: dict[str, Any] | None = None, item_errors: dict[int, str] | None = None) -> dict[str, Any]:
    """The request page; ``which`` form ("review" or "decision") is shown again with its errors."""
    now = utcnow()
    req = _visible_request(db, who.principal, request_id)
    names = _names(db, {i.assigned_to for i in req.items})
    reasons = _reason_labels(db)
    items = [{"item": i, "clock": clock(i.deadline_at, now), "state": STATES.get(str(i.status), str(i.status)),
              "claim": _claim(i, now, names, who.user_id)} for i in req.items]
    laws = [{"law": b.get("law"), "citation": b.get("citation"), "provision": b.get("provision")}
            for b in req.legal_basis]
    findings = [(f"{step.value}:{f}", f"{STEP_LABELS[step.value]}: {FINDING_LABELS.get(f, f)}")
                for step in Step for f in sorted(FINDINGS[step])]
    errs = {which: errors or {}} if which else {}
    vals: dict[str, dict[str, Any]] = {"decision": {"scope": [req.jurisdiction]}}
    if which:
        vals[which] = {**vals.get(which, {}), **(values or {})}
    return {
        "req": req, "submitter": db.get(Submitter, req.submitter_id), "items": items, "laws": laws,
        "country": catalog.country_name(req.jurisdiction), "reason": reasons.get(req.reason, req.reason),
        "errs": errs, "vals": vals, "item_errors": {which: item_errors or {}} if which else {},
        "can_review": who.principal.can(Permission.review),
        "findings": findings, "outcomes": list(OUTCOMES.items()), "outcome_labels": OUTCOMES,
        "countries": [("*", "Everywhere (*)"), *_countries(db)],
        "law_options": [(law.id, f"{law.citation} — {law.title}")
                        for law in catalog.list_laws(session=db, applies_in=req.jurisdiction)],
        "country_name": catalog.country_name,
    }


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, request_id: int, db: Db, who: StaffReader) -> Response:
    """A request with its items, and forms for one finding or one decision on many of them.
    Who: staff (a local representative: its countries); only reviewing roles see the forms."""
    return render.page(request, "console/request.html", _request_context(db, who, request_id),
                       title=f"Request {request_id}")


def _bulk(request: Request, db: Session, who: SignedIn, request_id: int, which: str, form: Mapping[str, Any],
          values: dict[str, Any], build: Callable[[], Any],
          apply: Callable[[Item, Any], Any]) -> tuple[list[Any] | None, Response | None]:
    """Apply one service call to each selected item, in one transaction: all of them, or
    none (every refusal is shown beside its item)."""
    req = _visible_request(db, who.principal, request_id)
    selected = _list(form, "item_ids")
    values["item_ids"] = selected

    def again(status: int, errors: dict[str, str], item_errors: dict[int, str] | None = None) -> Response:
        context = _request_context(db, who, request_id, which, errors, values, item_errors)
        return render.page(request, "console/request.html", context, status=status, title=f"Request {request_id}")

    own = {i.id for i in req.items}
    if not selected:
        return None, again(422, {"item_ids": "choose at least one item", "form": "Choose the items first."})
    if not all(s.isdigit() and int(s) in own for s in selected):
        return None, again(422, {"item_ids": "items of this request only", "form": "Choose items of this request."})
    try:
        data = build()
    except ValidationError as exc:
        return None, again(422, _validation_errors(exc))
    done: list[Any] = []
    refused: dict[int, DocketError] = {}
    for item_id in dict.fromkeys(int(s) for s in selected):
        try:
            with db.begin_nested():  # one savepoint each, so every item's refusal can be shown
                item = service.visible_item(session=db, principal=who.principal, item_id=item_id, for_update=True)
                done.append(apply(item, data))
        except DocketError as exc:
            refused[item_id] = exc
    if refused:
        db.rollback()
        first = next(iter(refused.values()))
        errors = _service_errors(first) if len(refused) == 1 else {}
        errors["form"] = (f"Nothing was changed: {len(refused)} of {len(done) + len(refused)} items were refused "
                          "(see the messages beside them).")
        return None, again(max(e.status for e in refused.values()), errors,
                           {i: e.detail for i, e in refused.items()})
    return done, None


@router.post("/requests/{request_id}/review", response_class=HTMLResponse)
def bulk_review(request: Request, request_id: int, db: Db, who: Reviewer, form: Form) -> Response:
    """The same finding for many items of one request; all or nothing. Who: reviewers with the step's role."""
    values: dict[str, Any] = {"step_finding": _text(form, "step_finding", 60), "notes": _text(form, "notes"),
                              "question": _text(form, "question")}
    step, _, finding = (values["step_finding"] or "").partition(":")

    def build() -> ReviewCreate:
        return ReviewCreate.model_validate({"step": step or None, "finding": finding or None,
                                            **{k: values[k] for k in ("notes", "question") if values[k]}})

    now = utcnow()
    done, page = _bulk(request, db, who, request_id, "review", form, values, build,
                       lambda item, data: service.review(session=db, principal=who.principal, item=item,
                                                         data=data, now=now))
    if page is not None:
        return page
    assert done is not None
    render.flash(request, f"Finding recorded for {len(done)} item{'s' if len(done) != 1 else ''}.")
    return render.redirect(request, f"/console/requests/{request_id}")


@router.post("/requests/{request_id}/decision", response_class=HTMLResponse)
def bulk_decision(request: Request, request_id: int, db: Db, who: Reviewer, form: Form) -> Response:
    """One decision for many items of one request, one decision per item; all or nothing.
    Who: reviewers."""
    body, values = _decision_data(form)
    now = utcnow()
    done, page = _bulk(request, db, who, request_id, "decision", form, values,
                       lambda: DecisionCreate.model_validate(body),
                       lambda item, data: service.decide(session=db, principal=who.principal, item=item,
                                                         data=data, now=now))
    if page is not None:
        return page
    assert done is not None
    waiting = sum(1 for d in done if d.status == DecisionStatus.awaiting_approval)
    message = f"Decided {len(done)} item{'s' if len(done) != 1 else ''}"
    message += f"; {waiting} wait for a second person's approval (four eyes)." if waiting else "; all in effect."
    render.flash(request, message, "warning" if waiting else "success")
    return render.redirect(request, f"/console/requests/{request_id}")
