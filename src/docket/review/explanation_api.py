"""Explanation templates: read by everyone at the desk, written by leads and admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from docket.bounds import Id
from docket.deps import Db
from docket.parties.auth import Permission, Principal, require
from docket.review import explanations
from docket.review.explanation_schemas import TemplateCreate, TemplateList, TemplateRead, TemplateUpdate

router = APIRouter(prefix="/api/v1/explanation-templates", tags=["templates"])

QueueReader = Annotated[Principal, Depends(require(Permission.queue_read))]
Writer = Annotated[Principal, Depends(require(Permission.templates_write))]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such template"}}


@router.get("", response_model=TemplateList, summary="List explanation templates")
def list_templates(
    db: Db, _who: QueueReader,
    reason: Annotated[str | None, Query(max_length=40, description="only those for this reason (or any)",
                                        examples=["hate_speech"])] = None,
    law: Annotated[str | None, Query(max_length=80, description="only those for this law's id (or any)",
                                     examples=["kz-online-platforms-9"])] = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2}$", description="only those in this language",
                                          examples=["ru"])] = None,
) -> TemplateList:
    """Explanation templates with every version. Who: staff with queue access."""
    found = explanations.list_templates(session=db, reason=reason, law=law, language=language)
    return TemplateList(templates=[explanations.read(t) for t in found])


@router.post("", response_model=TemplateRead, status_code=status.HTTP_201_CREATED,
             summary="Add an explanation template", responses={422: {"description": "unknown reason or law"}})
def create_template(body: TemplateCreate, db: Db, who: Writer) -> TemplateRead:
    """Add a template (version 1); audited as ``template:created``. Who: leads, admins."""
    return explanations.read(explanations.create(session=db, principal=who, data=body))


@router.get("/{template_id}", response_model=TemplateRead, summary="One explanation template",
            responses=_NOT_FOUND)
def get_template(template_id: Id, db: Db, _who: QueueReader) -> TemplateRead:
    """One template with every version. Who: staff with queue access."""
    return explanations.read(explanations.get(session=db, template_id=template_id))


@router.put("/{template_id}", response_model=TemplateRead, summary="Edit an explanation template",
            responses=_NOT_FOUND)
def update_template(template_id: Id, body: TemplateUpdate, db: Db, who: Writer) -> TemplateRead:
    """Edit a template: a new version; decisions keep the version they used; audited as
    ``template:edited``. Who: leads, admins."""
    template = explanations.get(session=db, template_id=template_id)
    return explanations.read(explanations.update(session=db, principal=who, template=template, data=body))
