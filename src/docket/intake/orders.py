"""The order's particulars on a request: the authority that decided it, its numbers, dates
and register entry, and the earlier request it repeats.

Intake stores them as given (:meth:`~docket.intake.schemas.OrderIn.columns`) and, when the
order's register entry or number came before from the same submitter and the same issuing
country, *proposes* that earlier request as the one this repeats (a ``repeats`` note in
``intake_notes``). It never links them itself: the submitter (when sending) or staff (a
correction) set ``repeats``. The proposal looks at the submitter's own requests only, so
that nobody learns from it that another submitter's request exists.

Staff correct the particulars (:func:`correct`), one audited event per correction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket import audit
from docket.errors import Unprocessable
from docket.intake.models import ORDER_COLUMNS, Request
from docket.intake.schemas import OrderCorrection, OrderIn


def issuing_country(order: OrderIn | None, submitter_country: str) -> str:
    """The country of the authority that decided the order: the one named, else the submitter's."""
    authority = order.issuing_authority if order else None
    return authority.country if authority and authority.country else submitter_country


def proposed_repeat(session: Session, *, submitter_id: int, submitter_country: str,
                    order: OrderIn | None) -> dict[str, Any] | None:
    """The ``repeats`` note for a new request of ``submitter_id``: its latest earlier request
    with the same register entry (else the same order number) from the same issuing
    country, or None. Not proposed when the order already names the request it repeats."""
    if order is None or order.repeats is not None:
        return None
    country = issuing_country(order, submitter_country)
    for by, column, given in (("register_entry", Request.register_entry, order.register_entry),
                              ("order_number", Request.order_number, order.number)):
        if given is None:
            continue
        # Index ix_requests_register_entry / ix_requests_order_number: the submitter's
        # requests with that value, newest first.
        earlier = session.execute(
            select(Request.id).where(Request.submitter_id == submitter_id, column == given,
                                     func.coalesce(Request.authority_country, submitter_country) == country)
            .order_by(Request.id.desc()).limit(1)
        ).scalar_one_or_none()
        if earlier is not None:
            return {"note": "repeats", "request": earlier, "by": by, "given": given}
    return None


def check_repeats(session: Session, *, repeats: int | None, submitter_id: int | None,
                  request_id: int | None = None) -> None:
    """422 unless ``repeats`` names an earlier request: of ``submitter_id`` when a submitter
    sets it (a submitter links only its own requests), of anyone when staff do; and not
    the request itself."""
    if repeats is None:
        return
    query = select(Request.id).where(Request.id == repeats)
    if submitter_id is not None:
        query = query.where(Request.submitter_id == submitter_id)
    if request_id is not None:
        query = query.where(Request.id < request_id)
    if session.execute(query).scalar_one_or_none() is None:
        whose = "of yours " if submitter_id is not None else ""
        raise Unprocessable(f"no earlier request {whose}{repeats}", errors=[
            {"field": "order.repeats", "message": f"the id of an earlier request {whose}this one repeats".strip()}])


def _shown(request: Request) -> dict[str, Any]:
    """The particulars' columns as an event shows them (dates as ISO text)."""
    values = {name: getattr(request, name) for name in ORDER_COLUMNS}
    if values["order_date"] is not None:
        values["order_date"] = values["order_date"].isoformat()
    return values


def received_payload(values: dict[str, Any]) -> dict[str, Any] | None:
    """The particulars a ``request:received`` event carries (they are part of what was
    asked): the columns given, dates as ISO text; None when none was."""
    given = {name: values[name] for name in ORDER_COLUMNS if values.get(name) is not None}
    if "order_date" in given:
        given["order_date"] = given["order_date"].isoformat()
    return given or None


def correct(*, session: Session, request: Request, data: OrderCorrection, actor: str) -> Request:
    """Staff's correction of ``request``'s particulars (the fields given replace the
    stored ones), with its ``request:order_corrected`` event: the values before and after
    of each column that changed, and the note."""
    changes = data.changes()
    check_repeats(session, repeats=changes.get("repeats_id"), submitter_id=None, request_id=request.id)
    before = _shown(request)
    for name, value in changes.items():
        setattr(request, name, value)
    after = _shown(request)
    changed = {name: [before[name], after[name]] for name in ORDER_COLUMNS if before[name] != after[name]}
    if not changed:
        raise Unprocessable("nothing to correct: the particulars given are those stored", errors=[
            {"field": "body", "message": "give at least one particular that differs from the stored one"}])
    audit.record(session=session, actor=actor, action="request:order_corrected", subject=f"request:{request.id}",
                 payload={"changes": changed, "note": data.note})
    return request
