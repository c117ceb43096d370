"""Explanation templates: per reason and law, in each notice language, versioned."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from docket import audit
from docket.catalog import service as catalog
from docket.errors import NotFound, Unprocessable
from docket.parties.auth import Principal
from docket.review.explanation_schemas import TemplateCreate, TemplateRead, TemplateUpdate, TemplateVersionRead
from docket.review.models import ExplanationTemplate, ExplanationTemplateVersion
from docket.store import utcnow


def _check_refs(session: Session, *, reason: str | None, law: str | None) -> None:
    errors = []
    if reason and reason not in {r.code for r in catalog.list_reasons(session=session)}:
        errors.append({"field": "reason", "message": f"unknown reason {reason!r}"})
    if law and catalog.get_law(session=session, law_id=law) is None:
        errors.append({"field": "law", "message": f"unknown law {law!r}"})
    if errors:
        raise Unprocessable("the template names what the catalog does not know", errors=errors)


def create(*, session: Session, principal: Principal, data: TemplateCreate) -> ExplanationTemplate:
    """Add a template with its first version (audited)."""
    _check_refs(session, reason=data.reason, law=data.law)
    now = utcnow()
    template = ExplanationTemplate(reason=data.reason or None, law=data.law or None, language=data.language,
                                   active=True, version=1, created_at=now)
    template.versions.append(ExplanationTemplateVersion(version=1, title=data.title, body=data.body,
                                                        created_by=principal.user_id, created_at=now))
    session.add(template)
    session.flush()
    audit.record(session=session, actor=principal.actor, action="template:created",
                 subject=f"template:{template.id}",
                 payload={"version": 1, "version_id": template.current.id, "reason": template.reason,
                          "law": template.law, "language": template.language, "title": data.title})
    return template


def update(*, session: Session, principal: Principal, template: ExplanationTemplate,
           data: TemplateUpdate) -> ExplanationTemplate:
    """Edit a template: a new version (decisions keep the one they used); audited."""
    now = utcnow()
    template.version += 1
    template.active = data.active
    template.versions.append(ExplanationTemplateVersion(version=template.version, title=data.title, body=data.body,
                                                        created_by=principal.user_id, created_at=now))
    session.flush()
    audit.record(session=session, actor=principal.actor, action="template:edited",
                 subject=f"template:{template.id}",
                 payload={"version": template.version, "version_id": template.current.id,
                          "active": data.active, "title": data.title})
    return template


def get(*, session: Session, template_id: int) -> ExplanationTemplate:
    """One template, or a 404."""
    found = session.get(ExplanationTemplate, template_id)
    if found is None:
        raise NotFound(f"no template {template_id}")
    return found


def get_version(*, session: Session, version_id: int) -> ExplanationTemplateVersion | None:
    return session.get(ExplanationTemplateVersion, version_id)


def list_templates(*, session: Session, reason: str | None = None, law: str | None = None,
                   language: str | None = None, active_only: bool = False) -> Sequence[ExplanationTemplate]:
    """Templates; with ``reason``/``law``, those for it or for any (a template without one)."""
    query = select(ExplanationTemplate).order_by(ExplanationTemplate.language, ExplanationTemplate.reason,
                                                 ExplanationTemplate.law, ExplanationTemplate.id)
    if reason is not None:
        query = query.where(or_(ExplanationTemplate.reason == reason, ExplanationTemplate.reason.is_(None)))
    if law is not None:
        query = query.where(or_(ExplanationTemplate.law == law, ExplanationTemplate.law.is_(None)))
    if language is not None:
        query = query.where(ExplanationTemplate.language == language)
    if active_only:
        query = query.where(ExplanationTemplate.active.is_(True))
    return session.execute(query).scalars().all()


def matching(*, session: Session, reason: str, laws: Sequence[str]) -> list[ExplanationTemplate]:
    """Active templates for an item: its reason (or any) and one of its laws (or any)."""
    query = select(ExplanationTemplate).where(
        ExplanationTemplate.active.is_(True),
        or_(ExplanationTemplate.reason == reason, ExplanationTemplate.reason.is_(None)),
        or_(ExplanationTemplate.law.in_(list(laws)), ExplanationTemplate.law.is_(None)),
    ).order_by(ExplanationTemplate.language, ExplanationTemplate.id)
    return list(session.execute(query).scalars())


def read(template: ExplanationTemplate) -> TemplateRead:
    versions = [TemplateVersionRead.model_validate(v) for v in template.versions]
    return TemplateRead(id=template.id, reason=template.reason, law=template.law, language=template.language,
                        active=template.active, version=template.version, current=versions[-1], versions=versions)
