"""What became of each item of a request, with the dates: the decision and its scope, the
effect given, the appeals filed and decided, and a reversal that lifted a restriction.

What the portal's request page, its CSV export and the API's ``requests.csv`` tell a
submitter about its own requests (the appeals package sits on top of the flow, so it
reads decisions, restrictions and appeals alike)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.appeals.models import Appeal
from docket.enforcement.models import Restriction
from docket.intake.models import Item, Request
from docket.review.models import Decision


@dataclass(frozen=True)
class ItemHistory:
    """One item's state now and what happened to it, oldest first."""

    item: Item
    decision: Decision | None  # the last decision that took effect (or was reversed since)
    effective_at: dt.datetime | None  # when its effect was given
    restrictions: Sequence[Restriction] = field(default_factory=tuple)
    appeals: Sequence[Appeal] = field(default_factory=tuple)
    reversed_at: dt.datetime | None = None  # an appeal reversed the decision then
    lifted_at: dt.datetime | None = None  # the restriction ended then (a reversal, expiry…)
    lifted_reason: str | None = None

    @property
    def restricted_now(self) -> bool:
        return any(r.ended_at is None for r in self.restrictions)


def of_request(*, session: Session, request: Request) -> list[ItemHistory]:
    """The history of every item of ``request``, in item order."""
    item_ids = [i.id for i in request.items]
    if not item_ids:
        return []
    decisions = session.execute(select(Decision).where(Decision.item_id.in_(item_ids))
                                .order_by(Decision.id)).scalars().all()
    taken = {d.item_id: d for d in decisions if d.status in ("effective", "reversed")}
    decision_ids = [d.id for d in taken.values()]
    restrictions: dict[int, list[Restriction]] = {}
    if decision_ids:
        for r in session.execute(select(Restriction).where(Restriction.decision_id.in_(decision_ids))
                                 .order_by(Restriction.id)).scalars():
            restrictions.setdefault(r.decision_id, []).append(r)
    appeals: dict[int, list[Appeal]] = {}
    for a in session.execute(select(Appeal).where(Appeal.item_id.in_(item_ids))
                             .order_by(Appeal.received_at, Appeal.id)).scalars():
        appeals.setdefault(a.item_id, []).append(a)
    out = []
    for item in sorted(request.items, key=lambda i: i.position):
        decision = taken.get(item.id)
        own = restrictions.get(decision.id, []) if decision else []
        filed = appeals.get(item.id, [])
        reversal = next((a for a in filed if a.status == "reversed" and decision and a.decision_id == decision.id),
                        None)
        ended = [r for r in own if r.ended_at is not None]
        lifted = ended[-1] if ended and len(ended) == len(own) else None
        out.append(ItemHistory(
            item=item, decision=decision,
            effective_at=(decision.effective_at or decision.decided_at) if decision else None,
            restrictions=own, appeals=filed, reversed_at=reversal.decided_at if reversal else None,
            lifted_at=lifted.ended_at if lifted else None, lifted_reason=lifted.ended_reason if lifted else None))
    return out


CSV_COLUMNS = ("request_id", "reference", "received_at", "jurisdiction", "reason", "request_status", "deadline_at",
               "item", "url", "content_id", "item_status", "outcome", "scope", "decided_at", "effective_at",
               "appeals_filed", "last_appeal_filed_at", "last_appeal_outcome", "last_appeal_decided_at",
               "reversed_at", "restriction_lifted_at", "restricted_now")


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    """The CSV file: a header row (CSV_COLUMNS), then ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def csv_rows(*, session: Session, requests: Sequence[Request]) -> list[list[str]]:
    """One row per item of ``requests`` (CSV_COLUMNS), in the requests' order."""
    rows = []
    for req in requests:
        for h in of_request(session=session, request=req):
            item, d = h.item, h.decision
            last = h.appeals[-1] if h.appeals else None
            rows.append([
                str(req.id), req.reference or "", _iso(req.received_at), req.jurisdiction, req.reason,
                str(req.status), _iso(req.deadline_at), str(item.position + 1), item.url or "", item.content_id or "",
                str(item.status), (d.outcome if d else None) or "", " ".join(d.scope if d else []),
                _iso(d.decided_at if d else None), _iso(h.effective_at), str(len(h.appeals)),
                _iso(last.received_at if last else None), str(last.status) if last else "",
                _iso(last.decided_at if last else None), _iso(h.reversed_at), _iso(h.lifted_at),
                "yes" if h.restricted_now else "no",
            ])
    return rows
