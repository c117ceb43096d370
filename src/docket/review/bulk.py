"""Bulk actions on a selection of queue items (claim, release): each item goes through the
same reach check (docket.access) and the same service function as a single claim, in a
savepoint of its own, so one refusal is reported and undone without undoing the others."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from docket import access
from docket.access import Purpose
from docket.errors import DocketError, NotFound
from docket.intake.models import Item
from docket.parties.auth import Principal
from docket.review import service


@dataclass(frozen=True)
class ItemResult:
    """What a bulk action did to one item."""

    item_id: int
    ok: bool
    status: int
    detail: str


def apply(*, session: Session, principal: Principal, action: str, item_ids: list[int], now: dt.datetime,
          ttl: dt.timedelta) -> list[ItemResult]:
    """Claim or release each item of ``item_ids`` for ``principal``; one result per item."""
    results = []
    for item_id in dict.fromkeys(item_ids):
        try:
            with session.begin_nested():
                item = access.visible(session, principal, Item, item_id, purpose=Purpose.act)
                if action == "claim":
                    item = service.claim(session=session, principal=principal, item=item, now=now, ttl=ttl)
                    until = item.claim_expires_at
                    detail = f"claimed until {until:%H:%M} UTC" if until else "claimed"
                else:
                    service.release(session=session, principal=principal, item=item, now=now)
                    detail = "released: back in the queue"
            results.append(ItemResult(item_id, True, 200, detail))
        except NotFound:
            results.append(ItemResult(item_id, False, 404, "not found"))
        except DocketError as exc:
            results.append(ItemResult(item_id, False, exc.status, exc.detail))
    return results
