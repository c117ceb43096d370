"""Bulk actions on a selection of queue items — claim, release, record a step's finding,
decide — each item through the same reach check (docket.access) and the same service
function as the single-item route, with the same refusals in the same words.

Each item is its own transaction: the caller (the API or the console, which own the
transaction) passes ``settle`` (its session's commit), called after each item done; a
refused item's changes are rolled back alone. So one refusal never undoes or blocks the
others, the audit chain's head is held for one item's writes at a time (not for a hundred
decisions), and a failure half-way leaves the items already done as they were answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from docket import access, effects
from docket.access import Purpose
from docket.errors import DocketError
from docket.intake.models import Item
from docket.parties.auth import Principal
from docket.review import service
from docket.review.models import DecisionStatus
from docket.review.schemas import DecisionCreate, ReviewCreate

ACTIONS = ("claim", "release", "review", "decide")


@dataclass(frozen=True)
class ItemResult:
    """What a bulk action did to one item."""

    item_id: int
    ok: bool
    status: int
    detail: str
    decision_id: int | None = None


@dataclass(frozen=True)
class Done:
    """What the action did to one item, in words (and the decision it made, if any)."""

    detail: str
    decision_id: int | None = None


Act = Callable[[Item], Done]


def apply(*, session: Session, principal: Principal, action: str, item_ids: list[int], now: dt.datetime,
          ttl: dt.timedelta, settle: Callable[[], None], review: ReviewCreate | None = None,
          decision: DecisionCreate | None = None) -> list[ItemResult]:
    """Do ``action`` to each item of ``item_ids`` for ``principal``, settling each on its own;
    one result per item, in the order given."""
    act = _action(session=session, principal=principal, action=action, now=now, ttl=ttl, review=review,
                  decision=decision)
    results = []
    for item_id in dict.fromkeys(item_ids):
        try:
            # Locked as the single routes lock it (two people acting on one item at once).
            item = access.visible(session, principal, Item, item_id, purpose=Purpose.act,
                                  for_update=action in ("review", "decide"))
            done = act(item)
        except DocketError as exc:  # this item's changes only: the ones before it are settled
            session.rollback()
            results.append(ItemResult(item_id, False, exc.status, exc.detail))
            continue
        settle()
        results.append(ItemResult(item_id, True, 201 if done.decision_id else 200, done.detail, done.decision_id))
    return results


def _action(*, session: Session, principal: Principal, action: str, now: dt.datetime, ttl: dt.timedelta,
            review: ReviewCreate | None, decision: DecisionCreate | None) -> Act:
    """What to do to one item: the single-item service call, and its result in words."""
    if action == "claim":
        def claim(item: Item) -> Done:
            item = service.claim(session=session, principal=principal, item=item, now=now, ttl=ttl)
            until = item.claim_expires_at
            return Done(f"claimed until {until:%H:%M} UTC" if until else "claimed")
        return claim
    if action == "release":
        def release(item: Item) -> Done:
            service.release(session=session, principal=principal, item=item, now=now)
            return Done("released: back in the queue")
        return release
    if action == "review" and review is not None:
        def record(item: Item) -> Done:
            item = effects.review(session=session, principal=principal, item=item, data=review, now=now)
            return Done(f"{review.step.value} review recorded ({review.finding}); the item is now {item.status}")
        return record
    if action == "decide" and decision is not None:
        def decide(item: Item) -> Done:
            made = effects.decide(session=session, principal=principal, item=item, data=decision, now=now)
            where = ", ".join(made.scope) if made.scope else ""
            if made.status == DecisionStatus.awaiting_approval:
                why = ", ".join(r.replace("_", " ") for r in made.approval_reasons)
                return Done(f"decision {made.id} ({made.outcome}) awaits a second person's approval ({why})",
                            made.id)
            return Done(f"decided: {made.outcome}" + (f" in {where}" if where and where != "*" else
                                                       " everywhere" if where == "*" else ""), made.id)
        return decide
    raise ValueError(f"unknown bulk action {action!r} (or its finding or decision is missing)")
