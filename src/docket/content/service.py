"""Register content and resolve request items to it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import store
from docket.content import previews
from docket.content.models import Content
from docket.content.schemas import ContentUpsert
from docket.content.urls import normalize_url
from docket.store import utcnow


def upsert(*, session: Session, data: ContentUpsert) -> tuple[Content, bool]:
    """Create or update one piece of content; return it and whether it was new."""
    content = session.get(Content, data.id)
    created = content is None
    if content is None:
        content = Content(id=data.id)
        session.add(content)
    for field, value in data.model_dump(exclude={"id", "previews", "image", "pdq", "pdq_quality"}).items():
        setattr(content, field, value)
    content.normalized_url = normalize_url(data.url) if data.url else None
    content.updated_at = utcnow()
    session.flush()
    if data.previews is not None:
        previews.replace(session=session, content=content, previews=[(p.data, p.alt) for p in data.previews])
    return content, created


def get(*, session: Session, content_id: str) -> Content | None:
    return session.get(Content, content_id)


def find_by_ids(*, session: Session, ids: Iterable[str]) -> dict[str, Content]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(Content).where(Content.id.in_(wanted))).scalars()
    return {c.id: c for c in rows}


def find_by_urls(*, session: Session, normalized: Iterable[str]) -> dict[str, Content]:
    """Content by normalized URL (the first registered wins when the platform reuses a URL)."""
    wanted = list(set(normalized))
    if not wanted:
        return {}
    rows = session.execute(
        select(Content).where(Content.normalized_url.in_(wanted)).order_by(Content.registered_at)
    ).scalars()
    found: dict[str, Content] = {}
    for c in rows:
        found.setdefault(c.normalized_url or "", c)
    return found


def urls_by_ids(*, session: Session, ids: Iterable[str]) -> dict[str, str | None]:
    """{content id: URL} of the registered ones among ``ids`` (plain rows; intake's hot path)."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {content_id: url for content_id, url in session.execute(
        select(Content.id, Content.url).where(Content.id.in_(wanted)))}


def ids_by_urls(*, session: Session, normalized: Iterable[str]) -> dict[str, str]:
    """{normalized URL: content id}, as :func:`find_by_urls` decides, from plain rows."""
    wanted = list(set(normalized))
    if not wanted:
        return {}
    found: dict[str, str] = {}
    for url, content_id in store.rows_where_in(session, Content, ("normalized_url", "id"), "normalized_url",
                                               wanted, order_by="registered_at"):
        found.setdefault(url or "", content_id)
    return found
