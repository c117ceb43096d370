"""Saved views: a person's queue searches under names of their own, listed above their
queue. A view belongs to the person who saved it; nobody else reaches it (404), not even an
administrator: it is a bookmark, not a record of the desk's work."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import audit
from docket.errors import Conflict, NotFound, Unprocessable
from docket.items.states import ItemState
from docket.parties.auth import Principal
from docket.review import search
from docket.review.models import SavedView

# The queue's filters a view keeps (never a page's cursor or size).
FILTER_KEYS = ("jurisdiction", "reason", "status", "assigned", "overdue")
VIEW_KEYS = (*FILTER_KEYS, *search.PARAMS)
MAX_VIEWS = 50


def view_params(params: Mapping[str, str | None]) -> dict[str, str]:
    """The filters of ``params`` that a view keeps, without the empty ones."""
    return {k: str(params[k]).strip()[:2048] for k in VIEW_KEYS if params.get(k) and str(params[k]).strip()}


def _filter_errors(params: Mapping[str, str]) -> dict[str, str]:
    """What is wrong with a view's filters (the queue's own checks: console and API alike)."""
    rules = {"jurisdiction": (r"[A-Za-z]{2}", "a two-letter country code"),
             "reason": (r"[a-z_]{1,40}", "a reason code"),
             "status": ("|".join(ItemState.__members__), "one of the item states"),
             "assigned": (r"me|none|\d{1,12}", "me, none, or a user id"),
             "overdue": (r"yes|no", "yes or no")}
    return {k: message for k, (pattern, message) in rules.items()
            if params.get(k) and not re.fullmatch(pattern, params[k])}


def list_for(*, session: Session, user_id: int | None) -> Sequence[SavedView]:
    """A person's views, by name."""
    if user_id is None:
        return []
    return session.execute(select(SavedView).where(SavedView.user_id == user_id)
                           .order_by(SavedView.name, SavedView.id)).scalars().all()


def get_own(*, session: Session, principal: Principal, view_id: int) -> SavedView:
    """One of the caller's views; another's, or none, is a 404."""
    view = session.get(SavedView, view_id)
    if view is None or principal.user_id is None or view.user_id != principal.user_id:
        raise NotFound(f"view {view_id} not found")
    return view


def save(*, session: Session, principal: Principal, name: str, params: Mapping[str, str | None]) -> SavedView:
    """Save the queue's filters under ``name`` for the caller; a name in use is a 409."""
    if principal.user_id is None:
        raise NotFound("views belong to people; this token is not a person's")
    name = " ".join(name.split())
    if not name:
        raise Unprocessable("a view needs a name", errors=[{"field": "name", "message": "required"}])
    kept = view_params(params)
    _, _, errors = search.parse(kept)
    errors |= _filter_errors(kept)
    if errors:
        raise Unprocessable("these filters cannot be saved: " + "; ".join(f"{k.replace('_', ' ')}: {v}"
                                                                          for k, v in errors.items()),
                            errors=[{"field": k, "message": v} for k, v in errors.items()])
    mine = list_for(session=session, user_id=principal.user_id)
    if any(v.name == name for v in mine):
        raise Conflict(f"you have a view named “{name}” already", errors=[{"field": "name", "message": "in use"}])
    if len(mine) >= MAX_VIEWS:
        raise Conflict(f"at most {MAX_VIEWS} views per person; delete one first")
    view = SavedView(user_id=principal.user_id, name=name, params=kept)
    session.add(view)
    session.flush()
    audit.record(session=session, actor=principal.actor, action="queue_view:saved", subject=f"user:{principal.user_id}",
                 payload={"view": view.id, "name": name, "params": kept})
    return view


def delete(*, session: Session, principal: Principal, view: SavedView) -> None:
    """Delete one of the caller's views."""
    audit.record(session=session, actor=principal.actor, action="queue_view:deleted",
                 subject=f"user:{principal.user_id}", payload={"view": view.id, "name": view.name})
    session.delete(view)
