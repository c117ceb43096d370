"""The one way an item changes state: a move from the table in :mod:`docket.items.states`.

Review, decisions, approvals, appeals and clarifications all move items through
:func:`move`; nothing assigns ``Item.status`` itself.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import inspect, update
from sqlalchemy.orm import Mapper, Session

from docket.errors import Conflict
from docket.items.states import ItemState, next_state


class Movable(Protocol):
    """An item as a move reads it: intake's ``Item``, whose model is in the layer above
    (the statement is built from the item's own mapped class)."""

    id: int
    status: ItemState


def move(*, session: Session, item: Movable, action: str, **values: object) -> ItemState:
    """Apply ``action`` to ``item`` as the state table says (409 if it does not allow it),
    setting ``values`` on the item in the same statement; return the new state."""
    old = ItemState(item.status)
    new = next_state(old, action)
    if new is None:
        raise Conflict(f"item {item.id} is {old.value}; '{action}' is not allowed from there")
    model: Mapper[Movable] = inspect(type(item))  # the item's class, mapped: its columns
    # WHERE status = old: two people acting on one item at once (two reviewers, or a
    # reviewer and the requester's clarification) cannot both move it.
    done = session.execute(
        update(model).where(model.c.id == item.id, model.c.status == old)
        .values(status=new, **values).execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not done:
        raise Conflict(f"item {item.id} changed while you were working on it; reload it")
    session.refresh(item)
    return new
