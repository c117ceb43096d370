"""The one way an item changes state: a move from the table in :mod:`docket.review.states`.

Review, decisions, approvals, appeals and clarifications all move items through
:func:`move`; nothing assigns ``Item.status`` itself.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from docket.errors import Conflict
from docket.intake.models import Item
from docket.review.states import ItemState, next_state


def move(*, session: Session, item: Item, action: str, **values: object) -> ItemState:
    """Apply ``action`` to ``item`` as the state table says (409 if it does not allow it),
    setting ``values`` on the item in the same statement; return the new state."""
    old = ItemState(item.status)
    new = next_state(old, action)
    if new is None:
        raise Conflict(f"item {item.id} is {old.value}; '{action}' is not allowed from there")
    # WHERE status = old: two people acting on one item at once (two reviewers, or a
    # reviewer and the requester's clarification) cannot both move it.
    done = session.execute(
        update(Item).where(Item.id == item.id, Item.status == old)
        .values(status=new, **values).execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not done:
        raise Conflict(f"item {item.id} changed while you were working on it; reload it")
    session.refresh(item)
    return new
