"""The console's draft page (``/console/inbox/{id}/draft``): the letter as read on the left
— its text, escaped, each paragraph with its language, the proposed values' spans marked
(``<mark id="span-N">``), a PDF's or a scan's page images — and the proposed request on
the right, every field editable, each proposed value linking to its span. "Save" stores
the edits (docket.intake.drafts.save); "Confirm" sends the body through the one intake
path (docket.intake.drafts.confirm), and intake's refusal is shown next to the fields.
Who: staff with the ``inbox`` permission (reviewers), as for the inbox itself."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from docket import access, store
from docket.bounds import Id
from docket.catalog import service as catalog
from docket.deps import AppSettings, Db
from docket.documents import inbox, page_images
from docket.documents import service as documents
from docket.documents.models import Document, InboxDraft, InboxExtraction
from docket.errors import Conflict, Unprocessable
from docket.intake import drafts
from docket.intake import portal_forms as forms
from docket.intake.schemas import RequestCreate
from docket.parties import service as parties
from docket.parties.auth import Permission
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form
from docket.web.i18n import tr
from docket.web.render import add_template_package, flash, redirect
from docket.web.sessions import SignedIn

router = APIRouter(include_in_schema=False)
add_template_package("docket.intake")

Intake = Annotated[SignedIn, Depends(signed_in(permission=Permission.inbox))]
MEASURES = [("restrict_content", "Withhold the items in the country"), ("remove_global", "Remove the items everywhere"),
            ("restrict_account", "Restrict an account"), ("disclose_data", "Disclose an account's data"),
            ("preserve_data", "Preserve an account's data")]
ACCOUNT_KINDS = ("restrict_account", "disclose_data", "preserve_data")
LAW_ROWS = 20  # legal bases a request takes (intake.schemas.RequestCreate)
PAGES_SHOWN = 5  # page images on the draft page (the reading page shows them all)
TEXT_FIELDS = ("jurisdiction", "reason", "language", "reference", "explanation", "other_items")


# ---------------------------------------------------------------- form ↔ body
def body_of(form: dict[str, Any]) -> tuple[dict[str, Any], int | None, dict[int, int]]:
    """The draft form as the body ``POST /api/v1/requests`` takes, the submitter chosen, and
    each item's line number (for errors)."""
    body: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if value := forms.one(form, name):
            body[name] = value.upper() if name == "jurisdiction" else value.lower() if name == "language" else value
    basis = []
    for n in range(LAW_ROWS):
        row = {k: v for k in ("law", "provision", "citation") if (v := forms.one(form, f"{k}_{n}", 500))}
        if row:
            basis.append(row)
    if basis:
        body["legal_basis"] = basis
    items: list[dict[str, str]] = []
    lines: dict[int, int] = {}
    for number, line in enumerate(forms.one(form, "items", 2_000_000).splitlines(), start=1):
        if line.strip():
            lines[len(items)] = number
            items.append({"content_id": line.strip()[3:].strip()} if line.strip()[:3].lower() == "id:"
                         else {"url": line.strip()})
    for moved in _many(form, "add_item"):  # an address the letter names that is not the platform's, moved in
        if {"url": moved} not in items:
            items.append({"url": moved})
    body["items"] = items
    order: dict[str, Any] = {key: v for name, key in forms.ORDER_FIELDS.items() if (v := forms.one(form, name))}
    authority = {key: v for name, key in forms.AUTHORITY_FIELDS.items() if (v := forms.one(form, name))}
    if authority:
        order["issuing_authority"] = authority
    if order:
        body["order"] = order
    checked = set(_many(form, "measure"))
    measures: list[dict[str, Any]] = []
    for kind, _ in MEASURES:
        if kind in checked:
            measure: dict[str, Any] = {"kind": kind}
            if kind in ACCOUNT_KINDS and (account := forms.one(form, f"account_{kind}", 200)):
                measure["account"] = account
            if kind == "remove_global":
                measure["fallback"] = bool(form.get("fallback"))
            measures.append(measure)
    if "remove_global" in checked:
        body["requested_action"] = "remove"
    if measures and measures != [{"kind": "restrict_content"}]:
        body["measures"] = measures
    chosen = forms.one(form, "submitter_id", 20)
    # Not a submitter's id at all (too long for one): none chosen, and intake's check says so.
    return body, int(chosen) if chosen.isdigit() and len(chosen) <= 9 else None, lines


def values_of(body: dict[str, Any], submitter_id: int | None) -> dict[str, Any]:
    """A draft's body as the form's values."""
    values: dict[str, Any] = {name: body.get(name) or "" for name in TEXT_FIELDS}
    values["submitter_id"] = str(submitter_id) if submitter_id is not None else ""
    values["items"] = "\n".join(i.get("url") or f"id:{i.get('content_id', '')}" for i in body.get("items") or []
                                if isinstance(i, dict))
    order = body.get("order") or {}
    for name, key in forms.ORDER_FIELDS.items():
        values[name] = order.get(key) or ""
    for name, key in forms.AUTHORITY_FIELDS.items():
        values[name] = (order.get("issuing_authority") or {}).get(key) or ""
    values["laws"] = [{k: b.get(k) or "" for k in ("law", "provision", "citation")}
                      for b in body.get("legal_basis") or [] if isinstance(b, dict)]
    measures = body.get("measures") or [{"kind": "remove_global" if body.get("requested_action") == "remove"
                                         else "restrict_content"}]
    values["measure"] = [m.get("kind") for m in measures if isinstance(m, dict)]
    for m in measures:
        if isinstance(m, dict) and m.get("account"):
            values[f"account_{m['kind']}"] = m["account"]
        if isinstance(m, dict) and m.get("fallback"):
            values["fallback"] = True
    return values


def _many(form: dict[str, Any], name: str) -> list[str]:
    value = form.get(name)
    return [str(v).strip() for v in (value if isinstance(value, list) else [value]) if v and str(v).strip()]


# ---------------------------------------------------------------- the letter, marked
def marked(extraction: InboxExtraction | None, proposed: dict[str, Any]) -> tuple[list[dict[str, Any]],
                                                                                   dict[str, list[int]]]:
    """The letter's paragraphs as pieces of text, the proposed values' spans marked
    (``mark``: the span's number; overlapping spans keep the first), and each field's span
    numbers."""
    if extraction is None or not extraction.text:
        return [], {}
    # The shortest first: a value inside a longer one (a number inside the sentence the
    # deadline was read from) keeps its own mark; a longer one that overlaps marks already
    # placed links to the first of them. The language is read from whole paragraphs, which
    # say theirs: it is not marked.
    spans = sorted(((int(s), int(e), name) for name, where in (proposed.get("spans") or {}).items()
                    if name != "language" for s, e in where), key=lambda x: (x[1] - x[0], x[0]))
    placed: list[tuple[int, int]] = []
    linked: list[tuple[str, tuple[int, int]]] = []
    for start, end, name in spans:
        over = [p for p in placed if p[0] < end and start < p[1]]
        if not over:
            placed.append((start, end))
            linked.append((name, (start, end)))
        else:
            linked.append((name, min(over)))
    placed.sort()
    number = {span: n for n, span in enumerate(placed)}
    numbered = [(s, e, number[(s, e)]) for s, e in placed]
    of_field: dict[str, list[int]] = {}
    for name, span in sorted(linked, key=lambda x: x[1]):
        if number[span] not in of_field.setdefault(name, []):
            of_field[name].append(number[span])
    text = extraction.text
    paragraphs = extraction.paragraphs or [[0, len(text), None, None, "body", None]]
    shown: list[dict[str, Any]] = []
    opened: set[int] = set()
    for start, end, language, page, source, _ in paragraphs:
        pieces: list[tuple[str, int | None, bool]] = []
        at = start
        for s, e, n in numbered:
            if e <= start or s >= end:
                continue
            s, e = max(s, start), min(e, end)
            if s > at:
                pieces.append((text[at:s], None, False))
            pieces.append((text[s:e], n, n not in opened))  # the id on the span's first piece only
            opened.add(n)
            at = e
        if at < end:
            pieces.append((text[at:end], None, False))
        shown.append({"language": language, "page": page, "source": source, "pieces": pieces})
    return shown, of_field


def _context(db: Session, settings: Any, document: Document, draft: InboxDraft | None,
             extraction: InboxExtraction | None, values: dict[str, Any] | None,
             errors: dict[str, str]) -> dict[str, Any]:
    entry = inbox.get(session=db, document_id=document.id)
    proposed = draft.proposed if draft else {"body": {}, "spans": {}}
    body = draft.body if draft else {}
    values = values if values is not None else values_of(body, draft.submitter_id if draft else entry.submitter_id)
    paragraphs, of_field = marked(extraction, proposed)
    laws = list(values.get("laws") or [])
    suggestions = {(law.get("citation") or ""): law for law in proposed.get("laws") or [] if not law.get("law")}
    countries = sorted(((j.code, j.name) for j in catalog.list_jurisdictions(session=db)), key=lambda c: c[1])
    submitters = [(str(s.id), f"{s.name} ({s.country}, {s.kind})") for s in parties.list_submitters(session=db)]
    pages = 0
    if extraction is not None and page_images.renders(document.media_type):
        pages = min(max(extraction.pages, 1), PAGES_SHOWN)
    shown_body, _, _ = body_of(_form_of(values))
    return {
        "entry": entry, "document": document, "draft": draft, "extraction": extraction, "proposed": proposed,
        "values": values, "errors": errors, "paragraphs": paragraphs, "of_field": of_field,
        "laws": laws + [{"law": "", "provision": "", "citation": ""}], "suggestions": suggestions,
        "countries": countries, "submitters": submitters,
        "reasons": [(r.code, r.label) for r in catalog.list_reasons(session=db)],
        "catalog_laws": [(law.id, f"{law.id} — {law.citation}") for law in catalog.list_laws(session=db)
                         if law.active],
        "authority_kinds": forms.AUTHORITY_KINDS, "measures": MEASURES, "account_kinds": ACCOUNT_KINDS,
        "pages": pages, "is_open": entry.status in inbox.OPEN,
        "repeats": drafts.repeats(session=db, body=shown_body, itself=entry.request_id),
    }


def _form_of(values: dict[str, Any]) -> dict[str, Any]:
    """The form's values as a posted form (to read the body shown back out of them)."""
    form = {k: v for k, v in values.items() if k != "laws"}
    for n, law in enumerate(values.get("laws") or []):
        for k, v in law.items():
            form[f"{k}_{n}"] = v
    return form


def _posted_values(form: dict[str, Any]) -> dict[str, Any]:
    body, submitter_id, _ = body_of(form)
    values = values_of(body, submitter_id)
    values["items"] = forms.one(form, "items", 2_000_000)
    return values


# ---------------------------------------------------------------- routes
@router.get("/console/inbox/{document_id}/draft")
def draft_page(request: Request, document_id: Id, who: Intake, db: Db, settings: AppSettings) -> Response:
    """The draft of a request from an inbox document: the letter as read beside the
    proposed request, every field editable. Who: staff with the ``inbox`` permission."""
    document = access.visible(db, who.principal, Document, document_id, what="document")
    draft, extraction = drafts.get(session=db, document_id=document.id)
    if extraction is not None and extraction.text:  # the letter's text, read on this page: recorded
        with store.transaction(request.app.state.sessionmaker) as writing:  # the page's reads are read-only
            documents.record_download(session=writing, document=document, actor=f"user:{who.user_id}",
                                      as_text=True)
    return render.page(request, "intake/draft.html", _context(db, settings, document, draft, extraction, None, {}),
                       title=tr(request, "Draft: %(name)s", name=document.filename))


@router.post("/console/inbox/{document_id}/draft")
def draft_save(request: Request, document_id: Id, who: Intake, db: Db, form: Form) -> Response:
    """Save the draft's edits (``draft:changed`` naming the fields changed). Who: staff with
    the ``inbox`` permission."""
    document = access.visible(db, who.principal, Document, document_id, what="document")
    body, submitter_id, _ = body_of(form)
    try:
        changed = drafts.save(session=db, document_id=document.id, body=body, submitter_id=submitter_id,
                              user_id=who.user_id, actor=f"user:{who.user_id}")
    except Conflict as exc:
        db.rollback()
        flash(request, tr(request, "Not saved: %(why)s.", why=exc.detail), "error")
        return redirect(request, f"/console/inbox/{document_id}")
    flash(request, tr(request, "The draft is saved (%(fields)s changed).", fields=", ".join(changed)) if changed
          else tr(request, "Nothing was changed."))
    return redirect(request, f"/console/inbox/{document_id}/draft")


@router.post("/console/inbox/{document_id}/draft/confirm")
def draft_confirm(request: Request, document_id: Id, who: Intake, db: Db, settings: AppSettings,
                  form: Form) -> Response:
    """Confirm the draft: its body goes through the one intake path as the chosen
    submitter's request (channel ``document``), the document attached; intake's refusal
    is shown next to the fields and nothing is stored. Who: staff with the ``inbox``
    permission."""
    document = access.visible(db, who.principal, Document, document_id, what="document")
    body, submitter_id, lines = body_of(form)

    def again(errors: dict[str, str]) -> Response:
        db.rollback()
        draft, extraction = drafts.get(session=db, document_id=document.id)
        return render.page(request, "intake/draft.html",
                           _context(db, settings, document, draft, extraction, _posted_values(form), errors),
                           status=422, title=tr(request, "Draft: %(name)s", name=document.filename))

    try:
        data = RequestCreate.model_validate(body)
    except ValidationError as exc:
        return again(forms.request_errors([(list(e["loc"]), e["type"], str(e["msg"])) for e in exc.errors()],
                                          lines))
    try:
        submitted = drafts.confirm(session=db, settings=settings, document_id=document.id, data=data,
                                   submitter_id=submitter_id, user_id=who.user_id, actor=f"user:{who.user_id}")
    except Unprocessable as exc:
        return again(forms.request_errors(forms.problem(exc), lines))
    except Conflict as exc:
        db.rollback()
        flash(request, tr(request, "Not confirmed: %(why)s.", why=exc.detail), "error")
        return redirect(request, f"/console/inbox/{document_id}")
    flash(request, tr(request, "Request %(id)s is received from document %(document)s; it is in the queue.",
                      id=submitted.id, document=document_id))
    return redirect(request, f"/console/requests/{submitted.id}")
