"""The government portal: the people of a submitter (an agency, a court, a regulator, a
trusted flagger) send requests, follow them, answer clarification requests, read the effect
given, and manage their organisation's API tokens.

Every page acts as the submitter through the same services as the API: a request sent here
goes through ``intake.submit`` (the one way in, as ``POST /api/v1/requests``) with the
channel ``portal``; a clarification through ``clarification.clarify``; tokens through
``parties.service``. Events name the person (``user:<id>``), whose account names the
submitter."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from docket import access
from docket.appeals import history
from docket.audit import receipts
from docket.bounds import Id
from docket.catalog import service as catalog
from docket.deps import AppSettings, Db
from docket.documents import pages as documents
from docket.enforcement import service as enforcement
from docket.errors import Conflict, NotFound, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from docket.intake import clarification, idempotency, reading, thread
from docket.intake import portal_forms as forms
from docket.intake import submission as intake
from docket.intake.models import Channel, RequestStatus
from docket.intake.models import Request as DocketRequest
from docket.intake.schemas import ClarificationCreate, RequestCreate
from docket.parties import service as parties
from docket.parties.models import ApiToken, Submitter
from docket.review import service as review
from docket.store import utcnow
from docket.web.auth import PortalUser
from docket.web.forms import Form
from docket.web.i18n import tr, translator
from docket.web.render import add_template_package, flash, page, redirect
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/portal", include_in_schema=False)
add_template_package("docket.intake")

PAGE_SIZE = 25


def _actor(user: SignedIn) -> str:
    """Events name the person; their account names the submitter they act for."""
    return f"user:{user.user_id}"


def _submitter(db: Session, user: SignedIn) -> Submitter:
    submitter_id = user.principal.submitter_id
    assert submitter_id is not None  # PortalUser guarantees it
    found = parties.get_submitter(session=db, submitter_id=submitter_id)
    if found is None:  # pragma: no cover - a person's submitter is never deleted
        raise NotFound("your organisation is not registered")
    return found


def _own(db: Session, user: SignedIn, request_id: int, *,
         for_update: bool = False) -> DocketRequest:
    """One of the submitter's own requests; 404 for anyone else's (never confirm it exists)."""
    return access.visible(db, user.principal, DocketRequest, request_id, for_update=for_update,
                          what="request")


def _common(db: Session, request: Request) -> dict[str, Any]:
    """What templates need to name countries, reasons and laws, and to format times, in
    the reader's language."""
    names = {j.code: j.name for j in catalog.list_jurisdictions(session=db)}
    _ = translator(request)
    return {
        "country_names": names,
        "reasons": {r.code: r.label for r in catalog.list_reasons(session=db)},
        "law_names": {law.id: law.citation for law in catalog.list_laws(session=db)},
        "fmt": forms.when, "left": lambda deadline, now: forms.time_left(deadline, now, _),
        "scope_words": lambda scope: forms.scope_words(scope, names, _),
        "outcome_words": forms.OUTCOME_WORDS, "state_words": forms.STATE_WORDS,
        "status_words": forms.STATUS_WORDS, "appellant_words": forms.APPELLANT_WORDS,
        "missing_words": lambda field: forms.missing_words(field, _), "now": utcnow(),
        "authority_words": dict(forms.AUTHORITY_KINDS),
    }


def _limit(request: Request, user: SignedIn, submitter: Submitter) -> None:
    """The API's per-kind rate limit, counted per person (the API counts per token)."""
    limits = request.app.state.settings.rate_limit_per_kind
    per_minute = limits.get(str(submitter.kind), limits["*"])
    request.app.state.ratelimiter.hit(f"person:{user.user_id}", per_minute)


# ---------------------------------------------------------------- own requests
@router.get("", response_class=HTMLResponse)
def requests_page(
    request: Request, user: PortalUser, db: Db,
    status: Annotated[str, Query(max_length=40)] = "",
    jurisdiction: Annotated[str, Query(max_length=10)] = "",
    received_from: Annotated[str, Query(max_length=20)] = "",
    received_to: Annotated[str, Query(max_length=20)] = "",
    cursor: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The organisation's own requests, newest first, with the same filters as
    ``GET /api/v1/requests``. Who: a person of a submitter."""
    values = {"status": status, "jurisdiction": jurisdiction.upper(),
              "received_from": received_from, "received_to": received_to}
    errors: dict[str, str] = {}
    if status and status not in RequestStatus.__members__:
        errors["status"] = tr(request, "choose a status from the list")
    if jurisdiction and catalog.get_jurisdiction(session=db, code=jurisdiction[:2]) is None:
        errors["jurisdiction"] = tr(request, "choose a country from the list")
    start, errors_from = forms.day(received_from, "received_from")
    end, errors_to = forms.day(received_to, "received_to", next_day=True)
    errors.update(errors_from | errors_to)
    before = _cursor(cursor)
    if cursor and before is None:
        errors["form"] = tr(request, "that page link is not valid; start from the first page")
    rows: Sequence[DocketRequest] = []
    more = False
    if not errors:
        rows = reading.list_requests(
            session=db, principal=user.principal, status=status or None,
            jurisdiction=jurisdiction or None, received_from=start, received_to=end,
            before=before, limit=PAGE_SIZE + 1)
        more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    next_cursor = reading.cursor(rows[-1]) if more else None
    context = {**_common(db, request), "rows": rows, "values": values, "errors": errors,
               "statuses": [(s.value, forms.STATUS_WORDS[s.value]) for s in RequestStatus],
               "next_query": next_cursor and forms.query({**values, "cursor": next_cursor}),
               "paged": bool(cursor), "first_query": forms.query(values)}
    return page(request, "portal/requests.html", context, status=422 if errors else 200,
                title=tr(request, "Your requests"))


def _cursor(value: str) -> reading.Position | None:
    """The API's cursor, so a page link and the API agree."""
    return reading.parse_cursor(value) if value else None


# ---------------------------------------------------------------- a new request
def _new_form(request: Request, db: Session, user: SignedIn, values: dict[str, Any],
              errors: dict[str, str], status: int = 200) -> Response:
    submitter = _submitter(db, user)
    countries = sorted(((j.code, j.name) for j in catalog.list_jurisdictions(session=db)),
                       key=lambda c: c[1])
    names = dict(countries)
    laws: dict[str, list[tuple[str, str]]] = {}
    for law in catalog.list_laws(session=db):
        if law.active:
            where = law.applies_in
            group = names.get(where) or forms.REGION_NAMES.get(where, where)
            laws.setdefault(group, []).append((law.id, f"{law.citation} — {law.title}"))
    values = {"jurisdiction": submitter.country, "requested_action": "restrict", **values}
    values.setdefault("form_key", secrets.token_urlsafe(18))
    context = {
        "values": values, "errors": errors, "countries": countries,
        "law_groups": sorted(laws.items()),
        "reasons": [(r.code, r.label) for r in catalog.list_reasons(session=db)],
        "official": catalog.kind_places(session=db).needs_legal_basis(submitter.kind),
        **documents.form_context(request.app.state.settings),

        "authority_kinds": forms.AUTHORITY_KINDS,
        # The "Order details" fieldset opens by itself when it holds a value or an error.
        "order_open": any(values.get(f) or errors.get(f) for f in (*forms.ORDER_FIELDS, *forms.AUTHORITY_FIELDS)),
    }
    return page(request, "portal/new.html", context, status=status, title=tr(request, "New request"))


@router.get("/requests/new", response_class=HTMLResponse)
def new_request_page(request: Request, user: PortalUser, db: Db) -> Response:
    """The form to send a request. Who: a person of a submitter."""
    return _new_form(request, db, user, {}, {})


@router.post("/requests", response_class=HTMLResponse)
def submit_request(request: Request, user: PortalUser, db: Db, settings: AppSettings,
                   form: Form) -> Response:
    """Send a request through intake, like ``POST /api/v1/requests``, with the documents
    chosen (stored with it, or nothing is); a well-formed but incomplete request is
    accepted as ``needs_clarification``. The form's one-time key is its Idempotency-Key:
    sending the same form twice stores one request. Who: a person of a submitter."""
    submitter = _submitter(db, user)
    _limit(request, user, submitter)
    values = forms.kept(form)
    raw, lines = forms.request_body(form)
    try:
        data = RequestCreate.model_validate(raw)
    except ValidationError as exc:
        return _new_form(request, db, user, values, forms.request_errors(
            [(list(e["loc"]), e["type"], str(e["msg"])) for e in exc.errors()], lines), 422)
    try:
        uploads = documents.uploads_of(form, settings, field="documents")
    except (PayloadTooLarge, UnsupportedMediaType, Unprocessable) as exc:
        return _new_form(request, db, user, values, _document_error(exc), exc.status)
    # Without a key (not sent from the form) the submission is simply not deduplicated.
    form_key = forms.one(form, 'form_key', 150) or secrets.token_urlsafe(18)
    key = idempotency.Key(f"submitter:{submitter.id}", f"portal:{form_key}", intake.body_digest(data, uploads))
    try:
        submitted = intake.submit(session=db, settings=settings, submitter=submitter, data=data,
                                  channel=Channel.portal, actor=_actor(user), idempotency=key,
                                  uploads=uploads)
    except idempotency.KeyReused as exc:
        return _sent_already(request, db, user, values, exc)
    except PayloadTooLarge as exc:  # the documents together
        db.rollback()
        return _new_form(request, db, user, values, _document_error(exc), exc.status)
    except Unprocessable as exc:
        errors = forms.request_errors(forms.problem(exc), lines)
        return _new_form(request, db, user, values, errors, 422)
    if submitted.replayed is not None:
        return _replayed(request, submitted.replayed.response)
    created = submitted.request
    assert created is not None
    count = len(submitted.documents)
    _ = translator(request)
    if count > 1:
        received = _("Request %(id)s is received with %(count)s documents", id=created.id, count=count)
    elif count:
        received = _("Request %(id)s is received with 1 document", id=created.id)
    else:
        received = _("Request %(id)s is received", id=created.id)
    if created.status == RequestStatus.needs_clarification:
        flash(request, received + _(", but it is incomplete: supply what is missing below so that it can "
                                    "be reviewed."), "warning")
    else:
        flash(request, received + ". " + _("It is due by %(date)s.", date=forms.when(created.deadline_at)))
    return redirect(request, f"/portal/requests/{created.id}")


def _document_error(exc: PayloadTooLarge | UnsupportedMediaType | Unprocessable) -> dict[str, str]:
    """A document refused, next to the file field (files are not kept: choose them again)."""
    return {"documents": f"{exc.detail}. Choose the files again: a form sent back keeps no files."}


def _replayed(request: Request, answer: dict[str, Any]) -> Response:
    _ = translator(request)
    flash(request, _("This form was sent already; it is request %(id)s.", id=answer.get("id")), "warning")
    return redirect(request, f"/portal/requests/{answer.get('id')}")


def _sent_already(request: Request, db: Session, user: SignedIn, values: dict[str, Any],
                  exc: idempotency.KeyReused) -> Response:
    """The same form key with other values (sent, then edited after going back)."""
    values = {**values, "form_key": secrets.token_urlsafe(18)}
    earlier = exc.request_id
    message = tr(request,
        "This form was already sent as request %(id)s, with other values. Check that request; to send "
        "these values as another request, send the form again.", id=earlier)
    return _new_form(request, db, user, values, {"form": message}, 409)


# ---------------------------------------------------------------- one request
def _request_page(request: Request, db: Session, user: SignedIn, found: DocketRequest,
                  values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                  status: int = 200) -> Response:
    submitter = _submitter(db, user)
    context = {
        **_common(db, request), "req": found, "values": values or {}, "errors": errors or {},
        "laws": [(law.id, f"{law.citation} — {law.title}")
                 for law in catalog.list_laws(session=db, applies_in=found.jurisdiction)
                 if law.active],
        "fixable": forms.fixable_items(found.missing),
        "shown": forms.clarification_fields(found.missing),
        "asks": forms.asks(found.missing),
        # The reviewers' questions, by the missing element they answer.
        "questions": {f"items[{i.position}].clarification": i.clarification_question
                      for i in found.items if i.clarification_question},
        "official": catalog.kind_places(session=db).needs_legal_basis(submitter.kind),
        "receipts": _receipts(request, db, found),
        "histories": history.of_request(session=db, request=found),
        **thread.shown(session=db, request_id=found.id),
        **documents.shown(db, request_id=found.id, settings=request.app.state.settings),
    }
    title = tr(request, "Request %(id)s", id=found.id)
    return page(request, "portal/request.html", context, status=status, title=title)


def _receipts(request: Request, db: Session, found: DocketRequest) -> receipts.Receipts:
    """The receipts of one of the submitter's own requests (what the API's receipt route gives it)."""
    return receipts.of_request(db, request_id=found.id, item_ids=[i.id for i in found.items],
                               holder=receipts.Holder.submitter, settings=request.app.state.settings)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, request_id: Id, user: PortalUser, db: Db) -> Response:
    """One of the organisation's requests: its items, their status and the effect given,
    and the clarification form when one is asked for. Who: a person of its submitter."""
    return _request_page(request, db, user, _own(db, user, request_id))


@router.post("/requests/{request_id}/clarifications", response_class=HTMLResponse)
def clarify(request: Request, request_id: Id, user: PortalUser, db: Db, settings: AppSettings,
            form: Form) -> Response:
    """Supply what a request was missing (the service behind
    ``POST /api/v1/requests/{id}/clarifications``). Who: a person of its submitter."""
    found = _own(db, user, request_id, for_update=True)
    shown = forms.clarification_fields(found.missing)
    values = forms.kept(form)
    raw, positions = forms.clarification_body(form)
    try:
        data = ClarificationCreate.model_validate(raw)
    except ValidationError as exc:
        errors = forms.clarification_errors(
            [(list(e["loc"]), e["type"], str(e["msg"])) for e in exc.errors()], positions, shown)
        return _request_page(request, db, user, found, values, errors, 422)
    try:
        clarification.clarify(session=db, settings=settings, request=found,
                              submitter=_submitter(db, user), data=data, actor=_actor(user))
    except Conflict as exc:
        db.rollback()  # an item that may not be named anew can follow others already changed
        flash(request, exc.detail, "error")
        return redirect(request, f"/portal/requests/{request_id}")
    except Unprocessable as exc:
        db.rollback()
        found = _own(db, user, request_id)
        return _request_page(request, db, user, found, values, forms.clarification_errors(
            forms.problem(exc), positions, shown), 422)
    _ = translator(request)
    if found.missing:
        flash(request, _("Thank you. Some elements are still missing; see below."), "warning")
    else:
        flash(request, _("Thank you. Request %(id)s is complete and in review; it is due by %(date)s.",
                         id=found.id, date=forms.when(found.deadline_at)))
    return redirect(request, f"/portal/requests/{request_id}")


@router.get("/requests/{request_id}/receipt")
def receipt(request: Request, request_id: Id, user: PortalUser, db: Db) -> Response:
    """The request's receipts as a JSON file to keep and check with ``docket-verify``: the
    acknowledgement and the effect given per item (``GET /api/v1/requests/{id}/receipt``).
    Who: a person of the request's submitter."""
    found = _own(db, user, request_id)
    body = orjson.dumps(_receipts(request, db, found).as_json(), option=orjson.OPT_INDENT_2)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="receipt-request-{found.id}.json"'})


@router.get("/requests/{request_id}/letter", response_class=HTMLResponse)
def letter(request: Request, request_id: Id, user: PortalUser, db: Db) -> Response:
    """The effect-given letter: per item what was decided, where, since when and on which
    ground; nothing about the content's author beyond the content's address. Printable.
    Who: a person of the request's submitter."""
    found = _own(db, user, request_id)
    entries = []
    for item in found.items:
        decisions = [d for d in review.decisions_for(session=db, item_id=item.id)
                     if d.status in ("effective", "reversed")]
        decision = decisions[-1] if decisions else None
        lifted = None
        if decision is not None:
            ended = [r for r in enforcement.for_decision(session=db, decision_id=decision.id)
                     if r.ended_at is not None]
            lifted = ended[-1] if ended else None
        cited = decision.law if decision is not None else None
        law = catalog.get_law(session=db, law_id=cited) if cited else None
        entries.append({"item": item, "decision": decision, "law": law, "lifted": lifted})
    context = {**_common(db, request), "req": found, "entries": entries,
               "submitter": _submitter(db, user), "issued": utcnow()}
    title = tr(request, "Effect given to request %(id)s", id=found.id)
    return page(request, "portal/letter.html", context, title=title)


# ---------------------------------------------------------------- API tokens
def _tokens_page(request: Request, db: Session, user: SignedIn,
                 values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                 status: int = 200) -> Response:
    own = access.own_records(db, user.principal, ApiToken)
    values = {"form_key": secrets.token_urlsafe(18), **(values or {})}
    context = {"tokens": list(reversed(own)), "values": values, "errors": errors or {},
               "fmt": forms.when}
    return page(request, "portal/tokens.html", context, status=status, title=tr(request, "API tokens"))


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, user: PortalUser, db: Db) -> Response:
    """The organisation's API tokens. Who: a person of a submitter."""
    return _tokens_page(request, db, user)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(request: Request, user: PortalUser, db: Db, form: Form) -> Response:
    """Make an API token for the organisation; the token is shown on this answer once and
    never again (only its hash is kept). The form's one-time key makes a resent form (a
    reload of this answer) make no second token. Who: a person of a submitter."""
    name = str(form.get("name") or "").strip()
    if not name or len(name) > 120:
        return _tokens_page(request, db, user, {"name": name[:200]},
                            {"name": "give the token a name of up to 120 characters, "
                                     "e.g. the system that will use it"}, 422)
    submitter = _submitter(db, user)
    owner, digest = f"submitter:{submitter.id}", idempotency.body_hash(name)
    key = idempotency.Key(owner, f"portal-token:{forms.one(form, 'form_key', 150) or secrets.token_urlsafe(18)}",
                          digest)
    try:
        earlier = idempotency.used_before(session=db, key=key)
    except idempotency.KeyReused:
        earlier = None
        # edited and sent again: a new token
        key = idempotency.Key(owner, f"portal-token:{secrets.token_urlsafe(18)}", digest)
    record = None if earlier else idempotency.take(session=db, key=key)
    if record is None:
        flash(request, tr(request,
            "This form was sent already and its token was made then; a token is shown only once. "
            "Revoke it below if it was not copied."), "warning")
        return redirect(request, "/portal/tokens")
    token, plain = parties.create_token(session=db, actor=_actor(user), submitter=submitter,
                                        name=name)
    record.response = {"token_id": token.id, "prefix": token.prefix}
    return page(request, "portal/token_created.html", {"token": token, "plain": plain},
                title=tr(request, "Your new API token"))


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, token_id: Id, user: PortalUser, db: Db, form: Form) -> Response:
    """Revoke one of the organisation's API tokens; it stops working at once. Who: a person
    of the token's submitter."""
    token = access.own(db, user.principal, ApiToken, token_id, what="token")
    _ = translator(request)
    try:
        parties.revoke_token(session=db, actor=_actor(user), token_id=token_id)
    except Conflict:
        flash(request, _("The token %(prefix)s… was revoked already.", prefix=token.prefix), "warning")
        return redirect(request, "/portal/tokens")
    flash(request, _("The token %(prefix)s… (%(name)s) is revoked; calls that use it are now refused.",
                     prefix=token.prefix, name=token.name or _("no name")))
    return redirect(request, "/portal/tokens")
