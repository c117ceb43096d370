"""The public appeal page, reached from the link in a statement of reasons
(``{base_url}/appeal?token=…``, built in notices/compose.py).

The token is the only key: it names one decision, and whoever holds it sees that decision
(the content, what was done, where, on which ground — nothing about who reported it) and
may appeal it once at a time. Filing goes through the same checks and service as
``POST /api/v1/appeals`` with a token: the same per-address limit, ``service.file``, and a
refused appeal recorded with ``service.record_refusal``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docket.appeals import service, tokens
from docket.appeals.api import PUBLIC_APPEALS_PER_MINUTE
from docket.appeals.models import Appeal
from docket.appeals.schemas import AppealCreate
from docket.catalog import service as catalog
from docket.content.models import Content
from docket.deps import AppSettings, Db
from docket.enforcement.withheld import LANGUAGES
from docket.errors import Gone, NotFound, RateLimited
from docket.notices.compose import appeal_deadline
from docket.review.models import Decision
from docket.settings import Settings
from docket.store import utcnow
from docket.web.auth import MaybeUser
from docket.web.client import address_key, client_address
from docket.web.forms import Form, field_errors
from docket.web.render import add_template_package, flash, page, redirect

router = APIRouter(include_in_schema=False)
add_template_package("docket.appeals")

LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "kk": "Қазақ тілі", "ru": "Русский",
                  "tr": "Türkçe"}
NO_LINK = ("this appeal link is not valid: open the link in the statement of reasons you "
           "received by e-mail, or copy the whole address from it")


def _decision(db: Session, settings: Settings, token: str | None) -> Decision:
    """The decision a token is for; a 404 page for a missing, forged or unknown token, and
    a 410 page, which shows nothing of the decision, once the link has expired."""
    decision_id = tokens.decision_of(settings.secret_key, token) if token else None
    decision = db.get(Decision, decision_id) if decision_id is not None else None
    if decision is None:
        raise NotFound(NO_LINK)
    expires = service.link_expires_at(session=db, decision=decision,
                                      window=dt.timedelta(days=settings.appeal_window_days))
    if expires is not None and expires <= utcnow():
        raise Gone(f"this appeal link expired on {expires:%Y-%m-%d}: the time to appeal has passed. "
                   "You can still turn to a certified out-of-court dispute settlement body or "
                   "the courts, as the statement of reasons explains")
    return decision


def _where(decision: Decision) -> str:
    scope = decision.scope or []
    if decision.outcome == "removed_policy" or "*" in scope:
        return "everywhere"
    return ", ".join(catalog.country_name(c) for c in scope) or "—"


def _outcome_words(decision: Decision) -> str:
    if decision.outcome == "removed_policy":
        return "Removed everywhere for breaking the platform's rules"
    if decision.outcome == "restricted":
        where = _where(decision)
        return "Withheld everywhere" if where == "everywhere" else f"Withheld in {where}"
    return decision.outcome.replace("_", " ").capitalize()


def _ground(db: Session, decision: Decision) -> dict[str, str | None]:
    law = catalog.get_law(session=db, law_id=decision.law) if decision.law else None
    return {
        "kind": decision.ground or ("policy" if decision.outcome == "removed_policy" else "law"),
        "law": f"{law.citation} — {law.title}" if law is not None else decision.law,
        "provision": decision.provision, "policy_clause": decision.policy_clause,
    }


def _view(request: Request, db: Session, settings: Settings, token: str, decision: Decision, *,
          values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
          status: int | None = None) -> HTMLResponse:
    """The decision and, when it can be appealed now, the form; otherwise why not."""
    window = dt.timedelta(days=settings.appeal_window_days)
    state, reason, code = "form", None, 200
    try:
        service.check_appealable(session=db, decision=decision, appellant="author", window=window,
                                 now=utcnow())
    except service.AppealRefused as refused:
        if refused.extra.get("heard"):
            state, code = "heard", 200
        elif "appeal_id" in refused.extra:
            state, code = "open", 200
        else:
            state, reason, code = "closed", refused.detail, 410
    item = decision.item
    content = db.get(Content, item.content_id) if item.content_id else None
    # The author's own appeal, else whichever appeal is open (a requester's, say).
    latest = service.earlier_appeal(session=db, decision_id=decision.id, appellant="author",
                                    submitter_id=None) or db.execute(
        select(Appeal).where(Appeal.decision_id == decision.id).order_by(Appeal.id.desc()).limit(1)
    ).scalar_one_or_none()
    return page(request, "public/appeal.html", {
        "token": token, "decision": decision, "reference": f"D-{decision.id}",
        "outcome_words": _outcome_words(decision), "where": _where(decision),
        "ground": _ground(db, decision),
        "content_url": (content.url if content is not None and content.url else item.url),
        "content_id": item.content_id,
        "content_text": content.text if content is not None else None,
        "decided_at": decision.effective_at or decision.decided_at,
        "deadline": appeal_deadline(decision, settings), "state": state, "closed_reason": reason,
        "latest": latest, "languages": list(LANGUAGE_NAMES.items()),
        "values": values or {}, "errors": errors or {},
    }, status=status or code, title="Appeal a decision")


@router.get("/appeal", response_class=HTMLResponse)
def appeal_page(request: Request, db: Db, settings: AppSettings, user: MaybeUser,
                token: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """The decision named by the appeal link, and the appeal form. Who: anyone holding the
    link from a statement of reasons (a bad link: 404; too late or nothing to appeal: 410)."""
    decision = _decision(db, settings, token)
    return _view(request, db, settings, token or "", decision)


@router.post("/appeal", response_class=HTMLResponse)
def file_appeal(request: Request, form: Form, db: Db, settings: AppSettings) -> Response:
    """File the author's appeal, as ``POST /api/v1/appeals`` with the token does. Who: anyone
    holding the link (at most 10 appeals a minute from one address)."""
    token = str(form.get("token") or "")[:100]
    try:
        decision = _decision(db, settings, token)
    except Gone as expired:  # an appeal all the same, refused: it stays on record
        service.record_refusal(session=db, decision_id=tokens.decision_of(settings.secret_key, token),
                               appellant="author", reason=expired)
        db.commit()
        raise
    values = {name: str(form.get(name) or "").strip()[:6000]
              for name in ("statement", "contact_email", "language")}
    try:
        body = AppealCreate(token=token, statement=values["statement"],
                            contact_email=values["contact_email"] or None,
                            language=values["language"] if values["language"] in LANGUAGES
                            else None)
    except ValidationError as exc:
        errors = field_errors(exc)
        if "statement" in errors:
            errors["statement"] = "explain why you think the decision is wrong"
        if "contact_email" in errors:
            errors["contact_email"] = "enter an e-mail address like name@example.org, or none"
        return _view(request, db, settings, token, decision, values=values, errors=errors,
                     status=422)
    try:
        request.app.state.ratelimiter.hit(
            f"appeal:{address_key(settings.secret_key, client_address(request))}", PUBLIC_APPEALS_PER_MINUTE)
    except RateLimited as limited:
        wait = limited.detail.split("; ")[-1]
        response = _view(request, db, settings, token, decision, values=values, status=429, errors={
            "form": f"Too many appeals from your network just now; {wait}. "
                    "What you wrote is kept below."})
        response.headers.update(limited.headers)
        return response
    try:
        appeal = service.file(
            session=db, decision=decision, appellant="author", statement=body.statement,
            contact_email=body.contact_email, language=body.language, submitter_id=None,
            window=dt.timedelta(days=settings.appeal_window_days), now=utcnow(),
            decide_within=dt.timedelta(days=settings.appeal_decide_days))
    except service.AppealRefused as refused:
        db.rollback()
        service.record_refusal(session=db, decision_id=decision.id, appellant="author",
                               reason=refused)
        return _view(request, db, settings, token, decision, values=values,
                     errors={"form": f"Your appeal was not accepted: {refused.detail}."},
                     status=409 if "appeal_id" in refused.extra else 410)
    except IntegrityError:  # a twin appeal won the race for the one open appeal per decision
        db.rollback()
        return _view(request, db, settings, token, decision, values=values, status=409,
                     errors={"form": "Your appeal was not accepted: this decision already has an "
                                     "open appeal."})
    told = (f" We will write to {appeal.contact_email} when it is decided."
            if appeal.contact_email else "")
    flash(request, f"Your appeal was received; its reference is A-{appeal.id}.{told}")
    return redirect(request, f"/appeal?token={token}")
