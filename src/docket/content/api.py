"""The content registry, for the platform's own systems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from docket import audit
from docket.content import previews, service
from docket.content.models import Content
from docket.content.schemas import ContentRead, ContentUpsert
from docket.deps import AppSettings, Db
from docket.errors import NotFound
from docket.matching import copies
from docket.matching import service as matching
from docket.parties.auth import Permission, Principal, require

router = APIRouter(prefix="/api/v1/content", tags=["content"])


@router.post("", response_model=ContentRead,
             responses={200: {"description": "updated"}, 201: {"description": "created", "model": ContentRead}})
def upsert_content(
    body: ContentUpsert, db: Db, response: Response, request: Request, settings: AppSettings,
    who: Annotated[Principal, Depends(require(Permission.content_write))],
) -> ContentRead:
    """Create or update a piece of content (201 when new, 200 when updated). Who: platform.

    With ``image``, ``pdq`` or ``text`` docket keeps the content's fingerprints; one near
    restricted content's is recorded as a match (``content:match_found``) and opens a case of
    its own (channel ``match``) whose item is linked to the original decision — nothing is
    restricted until a reviewer confirms."""
    found, replaced = matching.compute(image=body.image, pdq=body.pdq, pdq_quality=body.pdq_quality,
                                       sha256=body.sha256, text=body.text)  # a bad image: 422, nothing stored
    content, created = service.upsert(session=db, data=body)
    audit.record(
        session=db, actor=who.actor, action="content:registered" if created else "content:updated",
        subject=f"content:{content.id}",
        payload={"type": content.type, "url": content.url, "author_id": content.author_id,
                 **({"previews": len(body.previews)} if body.previews is not None else {})},
    )
    copies.registered(db, settings=settings, bank=request.app.state.bank, actor=who.actor, content_id=content.id,
                      found=found, replaced=replaced)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return _read(db, content)


def _read(db: Db, content: Content) -> ContentRead:
    count = len(previews.listed(session=db, content_id=content.id))
    prints = matching.of_content(session=db, content_id=content.id)
    return ContentRead.model_validate(content).model_copy(update={
        "preview_count": count, "fingerprints": sorted(f.kind.value for f in prints),
        "pdq_quality": next((f.quality for f in prints if f.kind == "pdq"), None)})


@router.get("/{content_id}", response_model=ContentRead)
def get_content(
    content_id: str, db: Db, _who: Annotated[Principal, Depends(require(Permission.content_read))],
) -> ContentRead:
    """One piece of content as the registry knows it. Who: platform, staff."""
    content = service.get(session=db, content_id=content_id)
    if content is None:
        raise NotFound(f"no content {content_id!r} in the registry")
    return _read(db, content)
