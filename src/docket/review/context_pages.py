"""The item page's context parts as pages: the content's thumbnails (staff only), the
internal discussion's form, one's mentions, and the explanation templates (leads, admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from docket import access
from docket.access import Purpose
from docket.bounds import Id
from docket.catalog import service as catalog
from docket.content import previews
from docket.deps import Db
from docket.errors import NotFound
from docket.intake.models import Item
from docket.parties.auth import Permission
from docket.review import console, discussion, explanations
from docket.review.console import Reviewer, StaffReader
from docket.review.discussion_api import CommentCreate
from docket.review.explanation_schemas import TemplateCreate, TemplateUpdate
from docket.review.models import ExplanationTemplate
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form
from docket.web.i18n import tr
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/console", include_in_schema=False)
TemplateWriter = Annotated[SignedIn, Depends(signed_in(permission=Permission.templates_write))]
LANGUAGES = [("en", "English"), ("ru", "Russian"), ("kk", "Kazakh"), ("de", "German"), ("tr", "Turkish")]


@router.get("/items/{item_id}/previews/{page}")
def preview_image(item_id: Id, page: Id, db: Db, who: StaffReader) -> Response:
    """The item's content's ``page``-th thumbnail, as the platform sent it. Who: staff (a
    local representative: its countries)."""
    item = access.visible(db, who.principal, Item, item_id)
    found = previews.get(session=db, content_id=item.content_id, position=page) if item.content_id else None
    if found is None:
        raise NotFound(f"no preview {page} of item {item_id}")
    # X-Content-Type-Options: nosniff comes with every answer (docket.web.headers).
    return Response(found.data, media_type=found.media_type, headers={
        "Cache-Control": "private, max-age=300",
        "Content-Security-Policy": "default-src 'none'; sandbox", "Content-Disposition": "inline"})


@router.post("/items/{item_id}/comments", response_class=HTMLResponse)
def comment_item(request: Request, item_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Add to the item's internal discussion (``@name`` mentions a colleague). Who: reviewing roles."""
    from docket.review.pages import item_page_response  # the item page, shown again on a refusal

    body = console.text_field(form, "body", 6000)
    item = access.visible(db, who.principal, Item, item_id, purpose=Purpose.act)
    try:
        data = CommentCreate.model_validate({"body": body or ""})
    except ValidationError as exc:
        return item_page_response(request, db, who, item_id, status=422,
                                  errs={"comment": console.validation_errors(exc)}, vals={"comment": {"body": body}})
    comment = discussion.add(session=db, principal=who.principal, item=item, body=data.body)
    named = discussion.mentions_of(session=db, comment_ids=[comment.id]).get(comment.id, [])
    render.flash(request, tr(request, "Comment added; %(count)s mentioned.", count=len(named)) if named
                 else tr(request, "Comment added."))
    return render.redirect(request, f"/console/items/{item_id}#discussion")


@router.get("/mentions", response_class=HTMLResponse)
def mentions_page(request: Request, db: Db, who: StaffReader) -> Response:
    """Comments that mention the signed-in person, newest first. Who: staff."""
    found = list(discussion.mentioning(session=db, principal=who.principal))
    names = console.names(db, {c.author_id for c in found})
    rows = [{"comment": c, "author": names.get(c.author_id, f"user {c.author_id}")} for c in found]
    return render.page(request, "console/mentions.html", {"rows": rows}, title=tr(request, "Mentions"))


# ---------------------------------------------------------------- explanation templates
def _templates_context(db: Session, errs: dict[str, str] | None = None,
                       vals: dict[str, Any] | None = None) -> dict[str, Any]:
    reasons = console.reason_labels(db)
    laws = catalog.list_laws(session=db)
    return {"templates": explanations.list_templates(session=db), "reasons": reasons,
            "reason_options": sorted(reasons.items(), key=lambda kv: kv[1]),
            "law_options": [(law.id, f"{law.citation} ({law.applies_in})") for law in laws],
            "law_names": {law.id: law.citation for law in laws},
            "languages": LANGUAGES, "errs": errs or {}, "vals": vals or {}}


@router.get("/templates", response_class=HTMLResponse)
def templates_page(request: Request, db: Db, who: TemplateWriter) -> Response:
    """Explanation templates per reason, law and language; a form to add one. Who: leads, admins."""
    return render.page(request, "console/templates.html", _templates_context(db),
                       title=tr(request, "Explanation templates"))


@router.post("/templates", response_class=HTMLResponse)
def create_template(request: Request, db: Db, who: TemplateWriter, form: Form) -> Response:
    """Add a template (audited). Who: leads, admins."""
    values = {k: console.text_field(form, k, 6000) for k in ("reason", "law", "language", "title", "body")}
    try:
        data = TemplateCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return render.page(request, "console/templates.html",
                           _templates_context(db, console.validation_errors(exc), values),
                           status=422, title=tr(request, "Explanation templates"))
    template, error = console.attempt(db, lambda: explanations.create(session=db, principal=who.principal, data=data))
    if error is not None:
        return render.page(request, "console/templates.html",
                           _templates_context(db, console.service_errors(error), values),
                           status=error.status, title=tr(request, "Explanation templates"))
    render.flash(request, tr(request, "Template %(id)s “%(title)s” added (version 1).", id=template.id,
                             title=data.title))
    return render.redirect(request, f"/console/templates/{template.id}")


def _template_page(request: Request, db: Session, template: ExplanationTemplate, *, status: int = 200,
                   errs: dict[str, str] | None = None, vals: dict[str, Any] | None = None) -> Response:
    current = template.current
    context = {**_templates_context(db), "template": template, "errs": errs or {},
               "vals": vals or {"title": current.title, "body": current.body,
                                "active": "yes" if template.active else "no"}}
    context["authors"] = console.names(db, {v.created_by for v in template.versions})
    return render.page(request, "console/template.html", context, status=status,
                       title=tr(request, "Explanation template %(id)s", id=template.id))


@router.get("/templates/{template_id}", response_class=HTMLResponse)
def template_page(request: Request, template_id: Id, db: Db, who: TemplateWriter) -> Response:
    """One template: edit it (a new version), and every version. Who: leads, admins."""
    return _template_page(request, db, explanations.get(session=db, template_id=template_id))


@router.post("/templates/{template_id}", response_class=HTMLResponse)
def edit_template(request: Request, template_id: Id, db: Db, who: TemplateWriter, form: Form) -> Response:
    """Save a new version of a template (audited). Who: leads, admins."""
    template = explanations.get(session=db, template_id=template_id)
    values = {k: console.text_field(form, k, 6000) for k in ("title", "body", "active")}
    try:
        data = TemplateUpdate.model_validate({"title": values["title"] or "", "body": values["body"] or "",
                                              "active": values["active"] != "no"})
    except ValidationError as exc:
        return _template_page(request, db, template, status=422, errs=console.validation_errors(exc), vals=values)
    explanations.update(session=db, principal=who.principal, template=template, data=data)
    render.flash(request, tr(request, "Template %(id)s saved as version %(version)s. Decisions made with an "
                                      "earlier version keep it.", id=template.id, version=template.version))
    return render.redirect(request, f"/console/templates/{template.id}")
