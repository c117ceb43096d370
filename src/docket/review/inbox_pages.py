"""The reviewer console's inboxes: decisions awaiting a second person (four eyes),
appeals, and one request's items reviewed or decided together (bulk), its measures
answered and its note of unlisted items resolved.

Like pages.py, every page calls the services the JSON API calls, with the permission the
matching API route needs; a refused form is shown again with the message beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from docket import access, effects
from docket.access import Purpose
from docket.bounds import Id
from docket.catalog import service as catalog
from docket.deps import Db
from docket.documents import pages as documents
from docket.errors import DocketError
from docket.intake import orders, thread
from docket.intake.models import Item
from docket.intake.models import Request as DocketRequest
from docket.intake.portal_forms import AUTHORITY_FIELDS, AUTHORITY_KINDS, ORDER_FIELDS
from docket.intake.schemas import OrderCorrection
from docket.items.states import FINDINGS, Step
from docket.parties.models import Submitter
from docket.review import console, measures, service
from docket.review.console import (
    FINDING_LABELS,
    OUTCOMES,
    STATES,
    STEP_LABELS,
    Reviewer,
    StaffReader,
)
from docket.review.models import Decision, DecisionStatus
from docket.review.pages import item_page_response
from docket.review.schemas import (
    ApprovalCreate,
    DecisionCreate,
    MeasureDecisionCreate,
    OtherItemsResolution,
    RejectionCreate,
    ReviewCreate,
)
from docket.store import utcnow
from docket.web import render
from docket.web.forms import Form, field_errors
from docket.web.i18n import Translate, gettext_for, tr, translator
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/console", include_in_schema=False)


# ---------------------------------------------------------------- four eyes
def _approvals_context(db: Session, who: SignedIn, errs: dict[str, dict[str, str]] | None = None,
                       vals: dict[str, dict[str, Any]] | None = None, _: Translate | None = None) -> dict[str, Any]:
    say = _ or gettext_for("en")
    now = utcnow()
    pending = service.pending_approvals(session=db, principal=who.principal)
    names = console.names(db, {d.decided_by for d in pending})
    reasons = console.reason_labels(db)
    rows = [{"d": d, "item": d.item, "clock": console.clock(d.item.deadline_at, now),
             "country": catalog.country_name(d.item.jurisdiction), "reason": reasons.get(d.item.reason, d.item.reason),
             "by": names.get(d.decided_by, f"user {d.decided_by}"), "why": console.approval_reasons(d, say),
             "blocked": console.may_approve(d, who.principal),
             "scope": ", ".join(say("everywhere") if c == "*" else catalog.country_name(c) for c in d.scope)
             or say("none")}
            for d in pending]
    return {"rows": rows, "errs": errs or {}, "vals": vals or {}, "outcomes": OUTCOMES}


@router.get("/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, db: Db, who: Reviewer) -> Response:
    """Decisions that wait for a second person (four eyes). Who: reviewers."""
    return render.page(request, "console/approvals.html", _approvals_context(db, who, _=translator(request)),
                       title=tr(request, "Approvals"))


def _four_eyes(request: Request, db: Session, who: SignedIn, decision_id: int, form: Mapping[str, Any],
               verb: str) -> Response:
    """Approve or reject, and show the refusal beside the form it came from."""
    key = f"{verb}-{decision_id}"
    decision = access.visible(db, who.principal, Decision, decision_id, purpose=Purpose.act, for_update=True)
    item_id, from_state = decision.item_id, decision.from_state
    back = console.back_to(form, "/console/approvals")
    values = {"note": console.text_field(form, "note"), "reason": console.text_field(form, "reason")}

    def again(status: int, errors: dict[str, str]) -> Response:
        if urlsplit(back).path.startswith("/console/items/"):
            return item_page_response(request, db, who, item_id, status=status, errs={key: errors}, vals={key: values})
        return render.page(request, "console/approvals.html",
                           _approvals_context(db, who, {key: errors}, {key: values}, translator(request)),
                           status=status, title=tr(request, "Approvals"))

    try:
        if verb == "approve":
            note = ApprovalCreate.model_validate({"note": values["note"]} if values["note"] else {}).note
        else:
            reason = RejectionCreate.model_validate({"reason": values["reason"]} if values["reason"] else {}).reason
    except ValidationError as exc:
        return again(422, console.validation_errors(exc))
    if verb == "approve":
        _, error = console.attempt(db, lambda: effects.approve(session=db, principal=who.principal, decision=decision,
                                                        note=note, now=utcnow()))
    else:
        _, error = console.attempt(db, lambda: service.reject(session=db, principal=who.principal, decision=decision,
                                                       reason=reason, now=utcnow()))
    if error is not None:
        return again(error.status, console.service_errors(error))
    if verb == "approve":
        render.flash(request, tr(request, "Decision %(id)s approved; it is in effect.", id=decision_id))
    else:
        render.flash(request, tr(request, "Decision %(id)s rejected; item %(item)s is back in %(state)s.",
                                 id=decision_id, item=item_id,
                                 state=tr(request, STATES.get(from_state, from_state))))
    return render.redirect(request, back)


@router.post("/decisions/{decision_id}/approve", response_class=HTMLResponse)
def approve_decision(request: Request, decision_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Approve another person's decision; it takes effect. Who: a different reviewer (the local
    representative where the catalog requires its sign-off)."""
    return _four_eyes(request, db, who, decision_id, form, "approve")


@router.post("/decisions/{decision_id}/reject", response_class=HTMLResponse)
def reject_decision(request: Request, decision_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Refuse another person's decision, with a reason. Who: a different reviewer."""
    return _four_eyes(request, db, who, decision_id, form, "reject")


# ---------------------------------------------------------------- a request and bulk decisions
def _request_context(request: Request, db: Session, who: SignedIn, request_id: int, which: str = "",
                     errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                     item_errors: dict[int, str] | None = None) -> dict[str, Any]:
    """The request page, with its documents; ``which`` form ("review", "decision",
    "measure-<position>", "other_items", "repeats" or "order") is shown again with its errors."""
    now = utcnow()
    req = access.visible(db, who.principal, DocketRequest, request_id, what="request")
    names = console.names(db, {i.assigned_to for i in req.items})
    reasons = console.reason_labels(db)
    items = [{"item": i, "clock": console.clock(i.deadline_at, now), "state": STATES.get(str(i.status), str(i.status)),
              "claim": console.claim_of(i, now, names, who.user_id)} for i in req.items]
    laws = [{"law": b.get("law"), "citation": b.get("citation"), "provision": b.get("provision")}
            for b in req.legal_basis]
    findings = [(f"{step.value}:{f}",
                 f"{tr(request, STEP_LABELS[step.value])}: {tr(request, FINDING_LABELS.get(f, f))}")
                for step in Step for f in sorted(FINDINGS[step])]
    errs = {which: errors or {}} if which else {}
    vals: dict[str, dict[str, Any]] = {"decision": {"scope": [req.jurisdiction]}, "order": order_values(req)}
    if which:
        vals[which] = {**vals.get(which, {}), **(values or {})}
    thread.mark_read(session=db, request_id=req.id)  # the authority's messages: seen by a reviewer
    return {
        **documents.shown(db, request_id=request_id, settings=request.app.state.settings),
        **thread.shown(session=db, request_id=req.id),
        "req": req, "submitter": db.get(Submitter, req.submitter_id), "items": items, "laws": laws,
        "country": catalog.country_name(req.jurisdiction), "reason": reasons.get(req.reason, req.reason),
        "errs": errs, "vals": vals, "item_errors": {which: item_errors or {}} if which else {},
        "can_review": access.may_act(who.principal, jurisdiction=req.jurisdiction),
        "findings": findings, "outcomes": list(OUTCOMES.items()), "outcome_labels": OUTCOMES,
        "countries": [("*", "Everywhere (*)"), *console.countries(db)],
        "law_options": [(law.id, f"{law.citation} — {law.title}")
                        for law in catalog.list_laws(session=db, applies_in=req.jurisdiction)],
        "country_name": catalog.country_name,
        "measures": [{"m": m, "item": measures.account_item(req, m)} for m in req.measures],
        "measure_kinds": MEASURE_KINDS, "measure_outcomes": MEASURE_OUTCOMES, "authority_kinds": AUTHORITY_KINDS,
        # The particulars' form opens by itself when it is shown again with its errors.
        "order_open": which == "order",
    }


MEASURE_KINDS = {"restrict_content": "Restrict the content", "remove_global": "Remove the content everywhere",
                 "restrict_account": "Restrict an account", "disclose_data": "Disclose user data",
                 "preserve_data": "Preserve user data"}
MEASURE_OUTCOMES = {"granted": "Granted", "fallback": "Fallback: withheld in the requesting country only",
                    "refused": "Refused", "referred": "Referred elsewhere"}


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, request_id: Id, db: Db, who: StaffReader) -> Response:
    """A request with its items, and forms for one finding or one decision on many of them.
    Who: staff (a local representative: its countries); only reviewing roles see the forms."""
    context = _request_context(request, db, who, request_id)
    return render.page(request, "console/request.html", context, title=tr(request, "Request %(id)s", id=request_id))


def _bulk(request: Request, db: Session, who: SignedIn, request_id: int, which: str, form: Mapping[str, Any],
          values: dict[str, Any], build: Callable[[], Any],
          apply: Callable[[Item, Any], Any]) -> tuple[list[Any] | None, Response | None]:
    """Apply one service call to each selected item, in one transaction: all of them, or
    none (every refusal is shown beside its item)."""
    req = access.visible(db, who.principal, DocketRequest, request_id, purpose=Purpose.act, what="request")
    selected = console.list_field(form, "item_ids")
    values["item_ids"] = selected

    def again(status: int, errors: dict[str, str], item_errors: dict[int, str] | None = None) -> Response:
        context = _request_context(request, db, who, request_id, which, errors, values, item_errors)
        return render.page(request, "console/request.html", context, status=status,
                           title=tr(request, "Request %(id)s", id=request_id))

    own = {i.id for i in req.items}
    if not selected:
        return None, again(422, {"item_ids": "choose at least one item", "form": "Choose the items first."})
    if not all(s.isdigit() and int(s) in own for s in selected):
        return None, again(422, {"item_ids": "items of this request only", "form": "Choose items of this request."})
    try:
        data = build()
    except ValidationError as exc:
        return None, again(422, console.validation_errors(exc))
    done: list[Any] = []
    refused: dict[int, DocketError] = {}
    for item_id in dict.fromkeys(int(s) for s in selected):
        try:
            with db.begin_nested():  # one savepoint each, so every item's refusal can be shown
                item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act, for_update=True)
                done.append(apply(item, data))
        except DocketError as exc:
            refused[item_id] = exc
    if refused:
        db.rollback()
        first = next(iter(refused.values()))
        errors = console.service_errors(first) if len(refused) == 1 else {}
        errors["form"] = (f"Nothing was changed: {len(refused)} of {len(done) + len(refused)} items were refused "
                          "(see the messages beside them).")
        return None, again(max(e.status for e in refused.values()), errors,
                           {i: e.detail for i, e in refused.items()})
    return done, None


@router.post("/requests/{request_id}/review", response_class=HTMLResponse)
def bulk_review(request: Request, request_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """The same finding for many items of one request; all or nothing. Who: reviewers with the step's role."""
    values: dict[str, Any] = {"step_finding": console.text_field(form, "step_finding", 60),
                              "notes": console.text_field(form, "notes"),
                              "question": console.text_field(form, "question")}
    step, _, finding = (values["step_finding"] or "").partition(":")

    def build() -> ReviewCreate:
        return ReviewCreate.model_validate({"step": step or None, "finding": finding or None,
                                            **{k: values[k] for k in ("notes", "question") if values[k]}})

    now = utcnow()
    done, page = _bulk(request, db, who, request_id, "review", form, values, build,
                       lambda item, data: effects.review(session=db, principal=who.principal, item=item,
                                                         data=data, now=now))
    if page is not None:
        return page
    assert done is not None
    render.flash(request, tr(request, "Finding recorded for %(count)s items.", count=len(done)) if len(done) != 1
                 else tr(request, "Finding recorded for 1 item."))
    return render.redirect(request, f"/console/requests/{request_id}")


@router.post("/requests/{request_id}/decision", response_class=HTMLResponse)
def bulk_decision(request: Request, request_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """One decision for many items of one request, one decision per item; all or nothing.
    Who: reviewers."""
    body, values = console.decision_data(form)
    now = utcnow()
    done, page = _bulk(request, db, who, request_id, "decision", form, values,
                       lambda: DecisionCreate.model_validate(body),
                       lambda item, data: effects.decide(session=db, principal=who.principal, item=item,
                                                         data=data, now=now))
    if page is not None:
        return page
    assert done is not None
    waiting = sum(1 for d in done if d.status == DecisionStatus.awaiting_approval)
    message = (tr(request, "Decided %(count)s items", count=len(done)) if len(done) != 1
               else tr(request, "Decided 1 item"))
    message += (tr(request, "; %(count)s wait for a second person's approval (four eyes).", count=waiting)
                if waiting else tr(request, "; all in effect."))
    render.flash(request, message, "warning" if waiting else "success")
    return render.redirect(request, f"/console/requests/{request_id}")


@router.post("/requests/{request_id}/repeats", response_class=HTMLResponse)
def confirm_repeat(request: Request, request_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Confirm the earlier request intake proposed as the one this repeats: its order's
    ``repeats`` set, through the same correction as ``PATCH /api/v1/requests/{id}/order``
    (a ``request:order_corrected`` event). Who: reviewers (a local representative: its countries)."""
    req = access.visible(db, who.principal, DocketRequest, request_id, purpose=Purpose.act, for_update=True,
                         what="request")
    proposed = (req.order or {}).get("proposed_repeats")
    if proposed is None or console.text_field(form, "repeats", 12) != str(proposed):
        context = _request_context(request, db, who, request_id, "repeats", {
            "form": "Only the request intake proposed can be confirmed here; set another in the "
                    "order's particulars below."})
        return render.page(request, "console/request.html", context, status=422,
                           title=tr(request, "Request %(id)s", id=request_id))
    try:
        orders.correct(session=db, request=req, data=OrderCorrection(repeats=proposed, note="confirmed in the console"),
                       actor=who.principal.actor)
    except DocketError as error:
        context = _request_context(request, db, who, request_id, "repeats", console.service_errors(error))
        return render.page(request, "console/request.html", context, status=error.status,
                           title=tr(request, "Request %(id)s", id=request_id))
    render.flash(request, tr(request, "Request %(id)s recorded as repeating request %(earlier)s.", id=request_id,
                             earlier=proposed))
    return render.redirect(request, f"/console/requests/{request_id}")


# The particulars' form: its fields and the ``OrderCorrection`` fields they set (the
# portal's "Order details" names, so both forms read alike).
ORDER_FORM = {**ORDER_FIELDS, "note": "note"}
AUTHORITY_FORM = AUTHORITY_FIELDS
ORDER_FIELD_OF = {**{key: name for name, key in ORDER_FORM.items()},
                  **{f"issuing_authority.{key}": name for name, key in AUTHORITY_FORM.items()},
                  "issuing_authority": "authority_name", "order.repeats": "order_repeats", "body": "form"}


def order_values(req: DocketRequest) -> dict[str, Any]:
    """The particulars' form filled in with what is stored."""
    order = req.order or {}
    authority = order.get("issuing_authority") or {}
    values = {name: order.get(key) for name, key in ORDER_FIELDS.items()}
    values.update({name: authority.get(key) for name, key in AUTHORITY_FORM.items()})
    return {name: value.isoformat() if isinstance(value, dt.date) else value for name, value in values.items()}


def _order_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """Errors by ``OrderCorrection`` field (``issuing_authority.name``) as the form's fields."""
    out: dict[str, str] = {}
    for field, message in errors.items():
        out.setdefault(ORDER_FIELD_OF.get(field, "form"), message)
    out.setdefault("form", "Please correct the fields marked below.")
    return out


@router.post("/requests/{request_id}/order", response_class=HTMLResponse)
def correct_order(request: Request, request_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Correct the order's particulars: every field of the form replaces the stored one (an
    empty one clears it), through the same correction as ``PATCH /api/v1/requests/{id}/order``
    (one ``request:order_corrected`` event with what changed). Who: reviewers (a local
    representative: its countries)."""
    req = access.visible(db, who.principal, DocketRequest, request_id, purpose=Purpose.act, for_update=True,
                         what="request")
    values = {name: console.text_field(form, name, 2100) for name in (*ORDER_FORM, *AUTHORITY_FORM)}

    def again(status: int, errors: dict[str, str]) -> Response:
        context = _request_context(request, db, who, request_id, "order", errors, values)
        return render.page(request, "console/request.html", context, status=status,
                           title=tr(request, "Request %(id)s", id=request_id))

    authority = {key: values[name] for name, key in AUTHORITY_FORM.items() if values[name]}
    body: dict[str, Any] = {key: values[name] for name, key in ORDER_FORM.items()}
    body["issuing_authority"] = authority or None
    try:
        data = OrderCorrection.model_validate(body)
    except ValidationError as exc:
        return again(422, _order_errors(field_errors(exc)))
    _, error = console.attempt(db, lambda: orders.correct(session=db, request=req, data=data,
                                                          actor=who.principal.actor))
    if error is not None:
        errors = {str(e.get("field")): str(e.get("message")) for e in error.errors or []}
        return again(error.status, {**_order_errors(errors), "form": error.detail})
    render.flash(request, tr(request, "The order's particulars of request %(id)s corrected.", id=request_id))
    return render.redirect(request, f"/console/requests/{request_id}")


# ---------------------------------------------------------------- a request's measures and unlisted items
@router.post("/requests/{request_id}/measures", response_class=HTMLResponse)
def decide_measure(request: Request, request_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Answer one measure the request asked for. Who: reviewers."""
    req = access.visible(db, who.principal, DocketRequest, request_id, purpose=Purpose.act, what="request",
                         for_update=True)
    position = console.text_field(form, "position", 4) or ""
    values = {"outcome": console.text_field(form, "outcome", 20),
              "explanation": console.text_field(form, "explanation")}
    which = f"measure-{position}"

    def again(status: int, errors: dict[str, str]) -> Response:
        return render.page(request, "console/request.html",
                           _request_context(request, db, who, request_id, which, errors, values),
                           status=status, title=tr(request, "Request %(id)s", id=request_id))

    try:
        data = MeasureDecisionCreate.model_validate({"position": position or None, **values})
    except ValidationError as exc:
        return again(422, console.validation_errors(exc))
    _, error = console.attempt(db, lambda: effects.answer_measure(session=db, principal=who.principal, request=req,
                                                                  data=data, now=utcnow()))
    if error is not None:
        return again(error.status, console.service_errors(error))
    render.flash(request, tr(request, "Measure %(n)s: %(outcome)s.", n=data.position + 1,
                             outcome=tr(request, MEASURE_OUTCOMES[data.outcome]).lower()))
    return render.redirect(request, f"/console/requests/{request_id}")


@router.post("/requests/{request_id}/other-items", response_class=HTMLResponse)
def resolve_other_items(request: Request, request_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Resolve the request's note of items it could not list: the addresses found become
    items (one a line), or the note is rejected. Who: reviewers."""
    req = access.visible(db, who.principal, DocketRequest, request_id, purpose=Purpose.act, what="request",
                         for_update=True)
    values = {"resolution": console.text_field(form, "resolution", 20), "items": console.text_field(form, "items"),
              "explanation": console.text_field(form, "explanation")}

    def again(status: int, errors: dict[str, str]) -> Response:
        return render.page(request, "console/request.html",
                           _request_context(request, db, who, request_id, "other_items", errors, values),
                           status=status, title=tr(request, "Request %(id)s", id=request_id))

    lines = [line.strip() for line in (values["items"] or "").splitlines() if line.strip()]
    try:
        data = OtherItemsResolution.model_validate({
            "resolution": values["resolution"], "explanation": values["explanation"],
            "items": [{"url": line} if "/" in line or "[" in line else {"content_id": line} for line in lines]})
    except ValidationError as exc:
        return again(422, console.validation_errors(exc))
    _, error = console.attempt(db, lambda: measures.resolve_other_items(
        session=db, principal=who.principal, request=req, data=data, now=utcnow()))
    if error is not None:
        return again(error.status, console.service_errors(error))
    if data.resolution != "items":
        render.flash(request, tr(request, "The note of unlisted items was rejected."))
    else:
        render.flash(request, tr(request, "%(count)s items added to the request.", count=len(lines)) if len(lines) != 1
                     else tr(request, "1 item added to the request."))
    return render.redirect(request, f"/console/requests/{request_id}")
