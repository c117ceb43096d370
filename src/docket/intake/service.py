"""The one intake path. Every channel — API, portal, public form, document import —
ends in :func:`submit`; there is no other way for a request to enter docket."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from docket import access, audit, bulk
from docket.catalog import service as catalog
from docket.catalog.models import RequesterKind
from docket.catalog.service import JurisdictionInfo, LawInfo
from docket.content import service as content_registry
from docket.db import table_of, utcnow
from docket.errors import Conflict, Unprocessable
from docket.intake import clock, completeness
from docket.intake.models import (
    Channel,
    Designation,
    IdempotencyKey,
    Item,
    ItemStatus,
    Request,
    RequestStatus,
)
from docket.intake.schemas import (
    ClarificationCreate,
    ItemFix,
    ItemIn,
    ItemRead,
    LegalBasis,
    RequestCreate,
    RequestRead,
    normalized_url,
)
from docket.notices import service as notices
from docket.parties.auth import ConfirmedSubmitter, Principal
from docket.parties.models import Submitter
from docket.review.moves import move
from docket.review.states import OPEN_STATES, ItemState
from docket.settings import Settings


@dataclass
class _ResolvedItem:
    position: int
    url: str | None
    normalized_url: str | None
    content_id: str | None
    found: bool


def _catalog_checks(
    session: Session, *, jurisdiction: str, reason: str | None, scope: list[str],
    legal_basis: list[LegalBasis],
) -> tuple[JurisdictionInfo, list[LawInfo]]:
    """Check every catalog reference; all problems at once, as a 422."""
    errors: list[dict[str, str]] = []
    place = catalog.jurisdiction_info(session=session, code=jurisdiction)
    if place is None:
        errors.append({"field": "jurisdiction", "message": f"unknown country {jurisdiction!r}"})
    if reason is not None and not catalog.reason_exists(session=session, code=reason):
        errors.append({"field": "reason", "message": f"unknown reason {reason!r}; see /api/v1/catalog/reasons"})
    for i, code in enumerate(scope):
        if catalog.jurisdiction_info(session=session, code=code) is None:
            errors.append({"field": f"requested_scope[{i}]", "message": f"unknown country {code!r}"})
    cited: list[LawInfo] = []
    for i, basis in enumerate(legal_basis):
        if not basis.law:
            continue
        law = catalog.law_info(session=session, law_id=basis.law)
        if law is None:
            errors.append({"field": f"legal_basis[{i}].law",
                           "message": f"unknown law {basis.law!r}; see /api/v1/catalog/laws"})
        elif place is not None and not catalog.law_applies(law, place.code):
            errors.append({"field": f"legal_basis[{i}].law",
                           "message": f"{basis.law} is not law in {place.code}"})
        else:
            cited.append(law)
    if errors:
        raise Unprocessable("some references are not in the catalog", errors=errors)
    assert place is not None
    return place, cited


def _stage(items: Sequence[ItemIn]) -> list[_ResolvedItem]:
    return [_ResolvedItem(index, given.url, normalized_url(given.url) if given.url else None,
                          given.content_id, False) for index, given in enumerate(items)]


def _lookup(session: Session, staged: Sequence[_ResolvedItem]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The registry's content for staged items, by id and by normalized URL (two queries)."""
    by_id = content_registry.urls_by_ids(
        session=session, ids=sorted({i.content_id for i in staged if i.content_id})
    )
    by_url = content_registry.ids_by_urls(
        session=session,
        normalized=sorted({i.normalized_url for i in staged if i.normalized_url and not i.content_id}),
    )
    return by_id, by_url


def _resolve_items(session: Session, items: Sequence[ItemIn],
                   found: tuple[dict[str, Any], dict[str, Any]] | None = None,
                   staged: list[_ResolvedItem] | None = None) -> list[_ResolvedItem]:
    """Normalize (unless ``staged`` already), collapse duplicates, and look the content up
    in the registry (unless ``found`` already)."""
    staged = staged if staged is not None else _stage(items)
    by_id, by_url = found if found is not None else _lookup(session, staged)
    out: list[_ResolvedItem] = []
    seen: set[str] = set()
    for item in staged:
        if item.content_id:
            item.found = item.content_id in by_id
            if item.found and not item.url:
                item.url = by_id[item.content_id]
        elif item.normalized_url in by_url:
            item.content_id = by_url[item.normalized_url]
            item.found = True
        key = f"id:{item.content_id}" if item.content_id else f"url:{item.normalized_url}"
        if key in seen:
            continue  # the same content named twice in one request is one item
        seen.add(key)  # positions stay those of the submitted list, as in items[3].url
        out.append(item)
    return out


def _missing(
    submitter: SubmitterLike, *, legal_basis: list[Any], explanation: str | None, reason: str,
    bona_fide: bool, confidential: bool, confidentiality_basis: str | None, emergency: bool,
    emergency_explanation: str | None, items: Sequence[_ResolvedItem | Item],
) -> list[str]:
    return completeness.missing_elements(
        kind=RequesterKind(submitter.kind), has_contact=bool(submitter.email),
        legal_basis=legal_basis, explanation=explanation, reason=reason, bona_fide=bona_fide,
        confidential=confidential, confidentiality_basis=confidentiality_basis,
        emergency=emergency, emergency_explanation=emergency_explanation,
        items=[completeness.ItemCheck(i.position, i.normalized_url, i.content_id) for i in items],
    )


def _designated(session: Session, submitter: SubmitterLike, reason: str, jurisdiction: str,
                now: dt.datetime) -> bool:
    """Whether a trusted flagger acts within a designation in force (DSA Art. 22); outside
    its area it is an ordinary notifier."""
    if submitter.kind != RequesterKind.trusted_flagger:
        return False
    for designation in session.execute(
        select(Designation).where(Designation.submitter_id == submitter.id, Designation.valid_from <= now)
    ).scalars():
        current = designation.valid_to is None or designation.valid_to > now
        if current and reason in designation.reasons and jurisdiction in designation.jurisdictions:
            return True
    return False


def _clock(
    session: Session, settings: Settings, place: JurisdictionInfo, cited: list[LawInfo], emergency: bool
) -> clock.ClockRule:
    in_force = [info for law in catalog.list_laws(session=session, applies_in=place.code)
                if (info := catalog.law_info(session=session, law_id=law.id)) is not None] if emergency else []
    return clock.resolve(
        jurisdiction=place, cited=cited, laws_in_force=in_force, emergency=emergency,
        default_hours=settings.default_clock_hours,
        emergency_default_hours=settings.emergency_clock_hours,
    )


def submit(
    *, session: Session, settings: Settings, submitter: Submitter, data: RequestCreate,
    channel: Channel = Channel.api, actor: str | None = None, case_key: str | None = None,
    now: dt.datetime | None = None,
) -> Request:
    """Receive one request: check it, time it, store it with its items and its event.

    ``case_key`` is set for the case a user report opens (see intake.reports); ``now``
    (default: the current time) is when it was received — imports of earlier records
    and the demo's history set it."""
    prepared = prepare(session=session, settings=settings, submitter=submitter, data=data, channel=channel,
                       now=now)
    if case_key is not None:
        prepared.item_values[0]["case_key"] = case_key
    return store(session=session, prepared=prepared, actor=actor)


@dataclass
class Prepared:
    """A request checked, resolved and timed, not yet stored: its column values and its
    items' (plain dicts; batches insert them as they are). ``request`` builds the ORM
    object for callers that work with one."""

    values: dict[str, Any]
    item_values: list[dict[str, Any]]
    submitter_kind: RequesterKind
    submitter_email: str | None
    _request: Request | None = None

    @property
    def request(self) -> Request:
        if self._request is None:
            request = Request(**self.values)
            request.items = [Item(**values) for values in self.item_values]
            self._request = request
        return self._request


def prepare(
    *, session: Session, settings: Settings, submitter: SubmitterLike, data: RequestCreate,
    channel: Channel = Channel.api, now: dt.datetime | None = None,
) -> Prepared:
    """Everything submit() decides, from reads only: check the request against the catalog,
    resolve its items, find what is missing and set the clock. The request it returns is
    not yet in any session; :func:`store` writes it. The API runs this in a read-only
    transaction, so the write transaction that follows is as short as it can be."""
    return prepare_many(session=session, settings=settings, submitter=submitter, data=[data],
                        channel=channel, now=now)[0]


def prepare_many(
    *, session: Session, settings: Settings, submitter: SubmitterLike,
    data: Sequence[RequestCreate], channel: Channel = Channel.api, now: dt.datetime | None = None,
) -> list[Prepared]:
    """:func:`prepare` for several requests of one submitter, with the registry looked up
    once for all their items (the cases a batch of user reports opens). Raises on the
    first request the catalog rejects; batches check their reports before."""
    staged = [_stage(d.items) for d in data]
    found = _lookup(session, [i for group in staged for i in group])
    rules: dict[tuple[Any, ...], clock.ClockRule] = {}
    now = now or utcnow()
    return [_prepare_one(session, settings, submitter, d, channel, (found, group), rules, now)
            for d, group in zip(data, staged, strict=True)]


def _prepare_one(session: Session, settings: Settings, submitter: SubmitterLike,
                 data: RequestCreate, channel: Channel,
                 resolved: tuple[tuple[dict[str, Any], dict[str, Any]], list[_ResolvedItem]],
                 rules: dict[tuple[Any, ...], clock.ClockRule], now: dt.datetime) -> Prepared:
    place, cited = _catalog_checks(
        session, jurisdiction=data.jurisdiction, reason=data.reason,
        scope=data.requested_scope, legal_basis=data.legal_basis,
    )
    items = _resolve_items(session, data.items, *resolved)
    legal_basis = [b.model_dump(exclude_none=True) for b in data.legal_basis]
    # A case opened by a user report is always reviewable: whether the report carries the
    # DSA Art. 16 elements is recorded on the report itself.
    missing = [] if channel == Channel.report else _missing(
        submitter, legal_basis=legal_basis, explanation=data.explanation, reason=data.reason,
        bona_fide=data.bona_fide, confidential=data.confidential,
        confidentiality_basis=data.confidentiality_basis, emergency=data.emergency,
        emergency_explanation=data.emergency_explanation, items=items,
    )
    severity = catalog.reason_severity(session=session, code=data.reason) or 3
    flag_rank = 0 if _designated(session, submitter, data.reason, place.code, now) else 1
    rule_key = (place.code, tuple(law.id for law in cited), data.emergency)
    rule = rules.get(rule_key)
    if rule is None:  # the same jurisdiction, laws and urgency: the same rule, within one call
        rule = rules[rule_key] = _clock(session, settings, place, cited, data.emergency)
    kind = RequesterKind(submitter.kind)
    deadline = rule.deadline(now)
    values = dict(
        submitter_id=submitter.id, channel=channel, jurisdiction=place.code,
        reference=data.reference, legal_basis=legal_basis, reason=data.reason,
        explanation=data.explanation, requested_action=data.requested_action,
        requested_scope=data.requested_scope or [place.code],
        issuing_officer=data.issuing_officer.model_dump(exclude_none=True) if data.issuing_officer else None,
        language=data.language, confidential=data.confidential,
        confidentiality_basis=data.confidentiality_basis, emergency=data.emergency,
        emergency_explanation=data.emergency_explanation, bona_fide=data.bona_fide,
        art16_notice=not kind.is_official and "bona_fide" not in missing and "explanation" not in missing,
        status=RequestStatus.needs_clarification if missing else RequestStatus.open,
        missing=missing, received_at=now, clock_started_at=now, deadline_at=deadline,
        clock_rule=rule.as_dict(),
    )
    item_values: list[dict[str, Any]] = [
        dict(
            position=i.position, content_id=i.content_id, url=i.url, normalized_url=i.normalized_url,
            status=ItemStatus.received if i.found else ItemStatus.content_not_found, created_at=now,
            jurisdiction=place.code, reason=data.reason, priority=0 if data.emergency else 1,
            severity=severity, flag_rank=flag_rank, crowd=0, deadline_at=deadline,
            due_hour=int(deadline.timestamp() // 3600), received_at=now, queue_open=not missing,
            risk_flags=[], submitter_id=submitter.id,
        )
        for i in items
    ]
    return Prepared(values, item_values, kind, submitter.email)


def take_ids(*, session: Session, prepared: Sequence[Prepared]) -> None:
    """Give prepared requests and their items their ids now, on PostgreSQL (one statement;
    see :func:`docket.bulk.take_ids`), so that :func:`store_many` inserts them without
    waiting for the ids back. On SQLite nothing happens: the inserts return the ids."""
    taken = bulk.take_ids(session, [(table_of(Request), len(prepared)),
                                    (table_of(Item), sum(len(p.item_values) for p in prepared))])
    if taken is None:
        return
    request_ids, item_ids = taken
    next_item = iter(item_ids)
    for one, request_id in zip(prepared, request_ids, strict=True):
        one.values["id"] = request_id
        for values in one.item_values:  # in position order, as RETURNING would give them
            values["request_id"], values["id"] = request_id, next(next_item)


def store(*, session: Session, prepared: Prepared, actor: str | None = None) -> Request:
    """Write a prepared request, its items and its ``request:received`` event."""
    request = prepared.request
    _insert(session, request)
    prepared.values["id"] = request.id
    for values, item in zip(prepared.item_values, request.items, strict=True):
        values["id"], values["case_key"] = item.id, item.case_key
    audit.record(session=session, **received_event(prepared, actor).__dict__)
    _acknowledge(session, prepared)
    return request


def store_many(*, session: Session, prepared: Sequence[Prepared],
               actor: str | None = None) -> list[audit.Pending]:
    """Write several prepared requests with multi-row INSERTs; return their
    ``request:received`` events for the caller to append with its own events
    (:func:`audit.record_many`) in the same transaction. The requests are not attached to
    the session; their ids and their items' ids are set in ``values``/``item_values``."""
    _insert_rows(session, prepared)
    notices.acknowledge_many(session=session, receipts=[
        notices.Receipt(one.values["id"], one.submitter_email, one.values["language"],
                        one.values["status"].value, list(one.values["missing"]))
        for one in prepared if one.submitter_email])
    return [received_event(one, actor) for one in prepared]


def answer(prepared: Prepared) -> dict[str, Any]:
    """A request stored by :func:`store_many` as the API shows it (``RequestRead``), from
    its values: no ORM object to load, nothing to validate again. Fields the values lack
    take the schema's default (an item's outcome, say); serialize with orjson."""
    values, items = prepared.values, prepared.item_values
    return {**{name: values.get(name, default) for name, default in _REQUEST_FIELDS},
            "items": [{name: i.get(name, default) for name, default in _ITEM_FIELDS}
                      for i in items]}


def _fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """A read schema's fields with their defaults (None for the required ones, which the
    stored values always have)."""
    return [(name, None if field.is_required() else field.default)
            for name, field in model.model_fields.items() if name not in skip]


_REQUEST_FIELDS = _fields(RequestRead, skip=("items",))
_ITEM_FIELDS = _fields(ItemRead)


SubmitterLike = Submitter | ConfirmedSubmitter  # what prepare() reads: id, kind, email


def received_event(prepared: Prepared, actor: str | None = None) -> audit.Pending:
    """The ``request:received`` event of a stored request: the same shape for everybody."""
    request, items = prepared.values, prepared.item_values
    return audit.Pending(
        actor=actor or f"submitter:{request['submitter_id']}", action="request:received",
        subject=f"request:{request['id']}",
        payload={
            "channel": str(request["channel"]), "submitter_kind": prepared.submitter_kind.value,
            "jurisdiction": request["jurisdiction"], "reason": request["reason"],
            "status": request["status"].value, "missing": request["missing"],
            "clock_rule": request["clock_rule"], "deadline_at": request["deadline_at"].isoformat(),
            "items": [i["id"] for i in items],
            "not_found": [i["id"] for i in items if i["status"] == ItemStatus.content_not_found],
        },
    )


def _acknowledge(session: Session, prepared: Prepared) -> None:
    request = prepared.values
    if prepared.submitter_email:
        notices.acknowledge(session=session, request_id=request["id"], to=prepared.submitter_email,
                            language=request["language"], status=request["status"].value,
                            missing=list(request["missing"]))


def clarify(
    *, session: Session, settings: Settings, request: Request, submitter: Submitter,
    data: ClarificationCreate, actor: str, now: dt.datetime | None = None,
) -> Request:
    """Take what the submitter supplied, check the request again, and restart the clock
    where the law says so; ``now`` (default: the current time) is when it was answered."""
    if request.status != RequestStatus.needs_clarification:
        raise Conflict(f"request {request.id} is {request.status}; it needs no clarification")
    supplied = sorted(data.model_fields_set - {"message"})
    if not supplied and not data.message:
        raise Unprocessable("the clarification supplies nothing",
                            errors=[{"field": "body", "message": "give at least one missing element"}])
    legal_basis = data.legal_basis if data.legal_basis is not None else [
        LegalBasis.model_validate(b) for b in request.legal_basis
    ]
    place, cited = _catalog_checks(
        session, jurisdiction=request.jurisdiction, reason=None, scope=[], legal_basis=legal_basis,
    )
    _apply_item_fixes(session, request, data.items)
    if data.legal_basis is not None:
        request.legal_basis = [b.model_dump(exclude_none=True) for b in data.legal_basis]
    for field in ("explanation", "confidentiality_basis", "emergency_explanation", "bona_fide"):
        value = getattr(data, field)
        if value is not None:
            setattr(request, field, value)
    if data.issuing_officer is not None:
        request.issuing_officer = data.issuing_officer.model_dump(exclude_none=True)
    missing = _missing(
        submitter, legal_basis=request.legal_basis, explanation=request.explanation,
        reason=request.reason, bona_fide=request.bona_fide, confidential=request.confidential,
        confidentiality_basis=request.confidentiality_basis, emergency=request.emergency,
        emergency_explanation=request.emergency_explanation, items=request.items,
    )
    rule = _clock(session, settings, place, cited, request.emergency)
    now = now or utcnow()
    restarted = rule.restarts_on_clarification
    started = rule.start_after_clarification(started_at=request.clock_started_at, answered_at=now)
    request.missing = missing
    request.clock_rule = rule.as_dict()
    request.clock_started_at = started
    request.deadline_at = rule.deadline(started)
    request.clarifications += 1
    for item in request.items:
        if item.status == ItemState.clarification_requested and not missing:
            move(session=session, item=item, action="clarified")
        item.set_deadline(request.deadline_at)
    refresh_status(request)
    kind = RequesterKind(submitter.kind)
    request.art16_notice = not kind.is_official and "bona_fide" not in missing and "explanation" not in missing
    session.flush()
    audit.record(
        session=session, actor=actor, action="request:clarified", subject=f"request:{request.id}",
        payload={
            "supplied": supplied, "message": data.message, "status": request.status.value,
            "missing": missing, "clock_restarted": restarted,
            "deadline_at": request.deadline_at.isoformat(),
        },
    )
    return request


def _apply_item_fixes(session: Session, request: Request, fixes: list[ItemFix]) -> None:
    by_position = {i.position: i for i in request.items}
    errors = [
        {"field": f"items[{n}].position", "message": f"request {request.id} has no item at {fix.position}"}
        for n, fix in enumerate(fixes) if fix.position not in by_position
    ]
    if errors:
        raise Unprocessable("some item positions do not exist", errors=errors)
    for fix in fixes:
        item = by_position[fix.position]
        resolved = _resolve_items(session, [ItemIn(url=fix.url, content_id=fix.content_id)])[0]
        # Named anew, the item is looked up again and its review starts over; the state
        # table allows that only before any decision is on its way (409 otherwise).
        move(session=session, item=item, action="reidentified:found" if resolved.found else "reidentified:not_found",
             url=resolved.url, normalized_url=resolved.normalized_url, content_id=resolved.content_id)


def refresh_status(request: Request) -> RequestStatus:
    """Derive a request's status from what it lacks and from its items' states, and put
    its open items in the review queue or take them out."""
    states = [ItemState(i.status) for i in request.items]
    if request.missing or ItemState.clarification_requested in states:
        status = RequestStatus.needs_clarification
    elif states and all(s == ItemState.decided for s in states):
        status = RequestStatus.decided
    elif ItemState.decided in states:
        status = RequestStatus.partially_decided
    else:
        status = RequestStatus.open
    request.status = status
    waiting = status == RequestStatus.needs_clarification
    for item in request.items:
        item.queue_open = not waiting and ItemState(item.status) in OPEN_STATES
    return status


def ordering_key(request: Request) -> tuple[int, dt.datetime, dt.datetime]:
    """Where a request's items stand in the review queue: emergencies first, then the
    deadline, then the time received. Nothing about the submitter is part of it."""
    return (0 if request.emergency else 1, request.deadline_at, request.received_at)


def _row(obj: Request | Item, skip: tuple[str, ...]) -> dict[str, Any]:
    """An object's column values, with Python-side defaults filled in on the object too."""
    row = {}
    for column in type(obj).__table__.columns:
        if column.key in skip:
            continue
        value = getattr(obj, column.key)
        if value is None and column.default is not None:
            arg = column.default.arg  # type: ignore[attr-defined]
            value = arg(None) if column.default.is_callable else arg  # type: ignore[attr-defined]
            setattr(obj, column.key, value)
        row[column.key] = value
    return row


def _insert(session: Session, request: Request) -> None:
    """INSERT the request and its items as two plain statements, then attach them to the
    session as if loaded. The ORM's unit of work would cost more than the rest of intake."""
    request.id = session.execute(
        insert(table_of(Request)).returning(table_of(Request).c.id), _row(request, skip=("id",))
    ).scalar_one()
    rows = [{**_row(i, skip=("id", "request_id")), "request_id": request.id} for i in request.items]
    ids = session.execute(
        insert(table_of(Item)).returning(table_of(Item).c.id, sort_by_parameter_order=True), rows
    ).scalars().all()
    for item, item_id in zip(request.items, ids, strict=True):
        item.id, item.request_id = item_id, request.id
        make_transient_to_detached(item)
    make_transient_to_detached(request)
    session.add(request)


def _defaults(table: Any) -> list[tuple[str, Any, bool]]:
    return [(c.key, c.default.arg, c.default.is_callable)  # type: ignore[attr-defined]
            for c in table.columns if c.default is not None]


def _complete(values: dict[str, Any], defaults: list[tuple[str, Any, bool]]) -> dict[str, Any]:
    """``values`` with the columns' Python-side defaults filled in (as the ORM would)."""
    for key, arg, is_callable in defaults:
        if values.get(key) is None:
            values[key] = arg(None) if is_callable else arg
    return values


def _same_keys(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with every key any of them has (None where missing), for one INSERT."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return rows if all(len(row) == len(keys) for row in rows) else [
        {k: row.get(k) for k in keys} for row in rows]


def _insert_rows(session: Session, prepared: Sequence[Prepared]) -> None:
    """Several prepared requests with two multi-row INSERTs (requests, then all items),
    from their plain values: no ORM objects. Sets the ids in the values."""
    if not prepared:
        return
    requests, items = table_of(Request), table_of(Item)
    request_defaults, item_defaults = _defaults(requests), _defaults(items)
    if prepared[0].values.get("id") is not None:  # ids taken beforehand (take_ids)
        bulk.insert_rows(session, requests, [_complete(p.values, request_defaults) for p in prepared],
                         returning=False)
        bulk.insert_rows(session, items, _same_keys([
            _complete(values, item_defaults) for p in prepared for values in p.item_values]),
            returning=False)
        return
    ids = bulk.insert_rows(session, requests,
                           [_complete(p.values, request_defaults) for p in prepared])
    rows = []
    for one, request_id in zip(prepared, ids, strict=True):
        one.values["id"] = request_id
        for values in one.item_values:
            values["request_id"] = request_id
            rows.append(_complete(values, item_defaults))
    item_ids = bulk.insert_rows(session, items, _same_keys(rows))
    for values, item_id in zip(rows, item_ids, strict=True):
        values["id"] = item_id


def get(*, session: Session, request_id: int, for_update: bool = False) -> Request | None:
    """One request; ``for_update`` locks its row until commit (PostgreSQL), so that
    two clarifications of the same request cannot both apply."""
    return session.get(Request, request_id, with_for_update=for_update or None)


def list_requests(
    *, session: Session, principal: Principal, submitter_id: int | None = None,
    status: str | None = None, jurisdiction: str | None = None,
    received_from: dt.datetime | None = None, received_to: dt.datetime | None = None,
    before_id: int | None = None, limit: int = 50,
) -> Sequence[Request]:
    """The requests ``principal`` reaches, newest first; page with ``before_id``."""
    query = access.scoped(select(Request), principal, Request)
    if submitter_id is not None:
        query = query.where(Request.submitter_id == submitter_id)
    if status:
        query = query.where(Request.status == status)
    if jurisdiction:
        query = query.where(Request.jurisdiction == jurisdiction.upper())
    if received_from:
        query = query.where(Request.received_at >= received_from)
    if received_to:
        query = query.where(Request.received_at < received_to)
    if before_id:
        query = query.where(Request.id < before_id)
    return session.execute(query.order_by(Request.id.desc()).limit(limit)).scalars().all()


# ---------------------------------------------------------------- idempotent submissions
def request_hash(data: RequestCreate) -> str:
    """A digest of a request body: the same body, the same digest."""
    dumped = orjson.dumps(data.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(dumped).hexdigest()


def first_answer(
    *, session: Session, owner: str, key: str, body_hash: str
) -> IdempotencyKey | None:
    """The stored first submission made with ``key`` by ``owner``, or None; a Conflict when
    the key was used with another body."""
    found = session.execute(
        select(IdempotencyKey).where(IdempotencyKey.owner == owner, IdempotencyKey.key == key)
    ).scalar_one_or_none()
    if found is not None and found.body_hash != body_hash:
        raise Conflict("this key was already used with a different body",
                       request_id=found.response.get("id"))
    return found


def take_key(*, session: Session, owner: str, key: str, body_hash: str) -> IdempotencyKey | None:
    """Reserve ``key`` for a first submission (the caller fills in ``response`` once stored);
    None when a concurrent twin holds it already (then read it with :func:`first_answer`)."""
    record = IdempotencyKey(owner=owner, key=key, body_hash=body_hash, status_code=201, response={})
    # A savepoint, so that losing the race undoes only this insert. The twin's insert waits
    # on the unique index until the winner commits, then fails here.
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return None
    return record
