"""The one way in. Every channel — the API, the portal, user reports, the demo (and
later document import) — ends in :func:`submit` or :func:`submit_many`: the same checks
(:mod:`docket.intake.checks`), the same clock, the same ``request:received`` event naming
the channel, the same acknowledgement. Nothing else stores a request. A request sent with
documents (the API's multipart body, the portal's form) goes through :func:`submit`, which
stores them in the same transaction.

A channel that wants its reads out of its write transaction runs :func:`prepare_many`
(reads only) first, in a read-only transaction of its own, and hands what it returns to
:func:`submit_many`; :func:`submit` does both in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
from pydantic import BaseModel
from sqlalchemy.orm import Session

from docket import audit, store
from docket.catalog import service as catalog
from docket.catalog.models import RequesterKind
from docket.documents import service as documents
from docket.documents.models import Document
from docket.documents.schemas import DocumentRead
from docket.intake import checks, clock, orders
from docket.intake import idempotency as keys
from docket.intake.checks import SubmitterLike
from docket.intake.models import (
    REFERRED_KINDS,
    Channel,
    IdempotencyKey,
    Item,
    ItemStatus,
    Measure,
    MeasureKind,
    MeasureOutcome,
    Request,
    RequestStatus,
    particulars,
)
from docket.intake.schemas import ItemIn, ItemRead, MeasureIn, MeasureRead, OrderIn, RequestCreate, RequestRead
from docket.outbox import service as outbox
from docket.settings import Settings
from docket.store import utcnow


@dataclass
class Prepared:
    """A request checked, resolved and timed, not yet stored: its column values, its
    items' and its measures' (plain dicts; batches insert them as they are). ``request``
    builds the ORM object for callers that work with one."""

    values: dict[str, Any]
    item_values: list[dict[str, Any]]
    submitter_kind: RequesterKind
    submitter_email: str | None
    measure_values: list[dict[str, Any]]
    _request: Request | None = None

    @property
    def request(self) -> Request:
        if self._request is None:
            request = Request(**self.values)
            request.items = [Item(**values) for values in self.item_values]
            self._request = request
        return self._request


@dataclass
class Submitted:
    """A request that went in: its id, the request as ``RequestRead`` shows it, the ORM object
    and the documents it carries when :func:`submit` stored it, and the first answer when an
    idempotency key replayed it (then nothing was stored)."""

    id: int
    request: Request | None = None
    replayed: IdempotencyKey | None = None
    prepared: Prepared | None = None
    documents: list[Document] = field(default_factory=list)

    @property
    def as_read(self) -> dict[str, Any]:
        """The request as stored, in ``RequestRead``'s shape (the first response, for a replay)."""
        if self.replayed is not None:
            return self.replayed.response
        assert self.prepared is not None
        return _as_read(self.prepared)

    def body(self) -> bytes:
        """:attr:`as_read` serialized as the API sends it."""
        return orjson.dumps(self.as_read, option=orjson.OPT_UTC_Z)


def _replay(earlier: IdempotencyKey) -> Submitted:
    return Submitted(earlier.response.get("id", 0), replayed=earlier)


class Writer(Protocol):
    """Stores and commits prepared requests with other calls' (SQLite's group commit,
    :class:`docket.store.GroupCommit`, given :func:`store_batch`)."""

    def store(self, prepared: Sequence[Prepared]) -> None: ...


def store_batch(session: Session, prepared: list[Prepared]) -> None:
    """Store ``prepared`` in ``session``'s transaction, their events appended now: what
    SQLite's group commit (:class:`docket.store.GroupCommit`) writes for a group of calls."""
    submit_many(session=session, prepared=prepared)


def forget_ids(prepared: Prepared) -> None:
    """Undo the ids a rolled-back attempt set, so that the next one inserts afresh."""
    prepared.values.pop("id", None)
    for values in [*prepared.item_values, *prepared.measure_values]:
        values.pop("id", None)
        values.pop("request_id", None)


def submit(
    *, session: Session, settings: Settings, submitter: SubmitterLike, data: RequestCreate,
    channel: Channel, actor: str | None = None, now: dt.datetime | None = None,
    idempotency: keys.Key | None = None, uploads: Sequence[documents.Upload] = (),
) -> Submitted:
    """Receive one request in the caller's transaction: check it, time it, store it with its
    items, its ``request:received`` event, its acknowledgement and the documents it carries
    (``uploads``, checked by :func:`docket.documents.service.check_upload`; each with its
    ``document:added`` event): all of it or, on any error, nothing.

    ``now`` (default: the current time) is when it was received — imports of earlier
    records and the demo's history set it. With ``idempotency``, a key used before answers
    with its first answer and stores nothing (:class:`~docket.intake.idempotency.KeyReused`
    when the body differs, :func:`body_digest`)."""
    if idempotency is not None:
        earlier = keys.used_before(session=session, key=idempotency)
        if earlier is not None:
            return _replay(earlier)
    prepared = prepare(session=session, settings=settings, submitter=submitter, data=data,
                       channel=channel, now=now)
    taken = None
    if idempotency is not None:
        taken, earlier = keys.claim(session=session, key=idempotency)
        if earlier is not None:
            return _replay(earlier)
    request = _store(session, prepared, actor)
    stored = documents.add(session=session, settings=settings, request_id=request.id, uploads=uploads,
                           actor=actor or f"submitter:{submitter.id}") if uploads else []
    if taken is not None:
        answer = RequestRead.model_validate(request).model_dump(mode="json")
        if uploads:  # the first answer is then a RequestWithDocuments
            answer["documents"] = [DocumentRead.model_validate(d).model_dump(mode="json") for d in stored]
        taken.response = answer
    return Submitted(request.id, request=request, prepared=prepared, documents=stored)


def body_digest(data: RequestCreate, uploads: Sequence[documents.Upload] = ()) -> str:
    """What an idempotency key of one request remembers of its body: the request's digest,
    with its documents' fingerprint when it carries any (the same files again replay it;
    other files with the same key are refused)."""
    digest = keys.body_hash(data)
    return keys.body_hash(f"{digest}|{documents.fingerprint(uploads)}") if uploads else digest


def submit_many(
    *, session: Session, prepared: Sequence[Prepared], actor: str | None = None,
    idempotency: keys.Key | None = None, commit: bool = False, writer: Writer | None = None,
    events: list[audit.NewEvent] | None = None,
) -> list[Submitted]:
    """Store requests :func:`prepare_many` checked, with multi-row INSERTs and no ORM
    objects: their items, their ``request:received`` events and their acknowledgements.
    Their ids are set in their values.

    Without ``commit`` they are written in the caller's transaction, and their events
    appended to ``events`` when given (for the caller to record with its own, in one
    append) or recorded now. With ``commit`` they are committed here before this returns:
    by ``writer`` (SQLite's group commit, shared with other calls' requests) when there is
    one and no ``idempotency`` key; else by :func:`docket.store.write_and_commit`, on
    PostgreSQL one statement (the writes and the audit append; ids taken by
    ``prepare_many(take_ids=True)``), or the session's transaction where one has begun
    (the key's). With ``idempotency`` (one request), a key used before answers with its
    first answer and stores nothing."""
    taken = None
    if idempotency is not None:
        assert len(prepared) == 1, "an idempotency key covers one request"
        earlier = keys.used_before(session=session, key=idempotency)
        if earlier is None:
            taken, earlier = keys.claim(session=session, key=idempotency)
        if earlier is not None:
            return [_replay(earlier)]
    if commit and writer is not None and taken is None:
        writer.store(prepared)
    elif commit:
        with store.write_and_commit(session):
            audit.record_many(session=session, events=_store_many(session, prepared, actor))
            if taken is not None:
                taken.response = orjson.loads(orjson.dumps(_as_read(prepared[0]), option=orjson.OPT_UTC_Z))
    elif events is not None:
        events += _store_many(session, prepared, actor)
    else:
        audit.record_many(session=session, events=_store_many(session, prepared, actor))
    return [Submitted(one.values["id"], prepared=one) for one in prepared]


def prepare(
    *, session: Session, settings: Settings, submitter: SubmitterLike, data: RequestCreate,
    channel: Channel, now: dt.datetime | None = None, take_ids: bool = False,
) -> Prepared:
    """:func:`prepare_many` for one request."""
    return prepare_many(session=session, settings=settings, submitter=submitter, data=[data],
                        channel=channel, now=now, take_ids=take_ids)[0]


def prepare_many(
    *, session: Session, settings: Settings, submitter: SubmitterLike,
    data: Sequence[RequestCreate], channel: Channel, now: dt.datetime | None = None,
    take_ids: bool = False,
) -> list[Prepared]:
    """Everything submit decides, from reads only, for requests of one submitter: check
    each against the catalog, resolve its items (the registry looked up once for all),
    find what is missing and set the clock. Nothing is stored: :func:`submit_many` does.
    Raises on the first request the catalog rejects (batches check their reports before).

    The API runs this in a read-only transaction, so that the write transaction that
    follows is as short as it can be; ``take_ids`` gives the requests and their items
    their ids now (PostgreSQL, one statement), so that storing them waits for nothing."""
    staged = [checks.stage(_items_named(d)) for d in data]
    found = checks.lookup(session, [i for group in staged for i in group])
    rules: dict[tuple[Any, ...], clock.ClockRule] = {}
    now = now or utcnow()
    prepared = [_prepare_one(session, settings, submitter, d, channel, (found, group), rules, now)
                for d, group in zip(data, staged, strict=True)]
    if take_ids:
        _take_ids(session, prepared)
    return prepared


def _prepare_one(session: Session, settings: Settings, submitter: SubmitterLike,
                 data: RequestCreate, channel: Channel,
                 resolved: tuple[tuple[dict[str, Any], dict[str, Any]], list[checks.ResolvedItem]],
                 rules: dict[tuple[Any, ...], clock.ClockRule], now: dt.datetime) -> Prepared:
    place, cited = checks.catalog_checks(
        session, jurisdiction=data.jurisdiction, reason=data.reason,
        scope=data.requested_scope, legal_basis=data.legal_basis,
    )
    items = checks.resolve_items(session, _items_named(data), *resolved)
    legal_basis = [b.model_dump(exclude_none=True) for b in data.legal_basis]
    # A case opened by a user report is always reviewable: whether the report carries the
    # DSA Art. 16 elements is recorded on the report itself. So is a copy docket's matcher
    # found (Channel.match): nobody was asked for anything, no notice to complete.
    missing = [] if channel in (Channel.report, Channel.match) or not items else checks.missing(
        session, settings, submitter, legal_basis=legal_basis, explanation=data.explanation, reason=data.reason,
        bona_fide=data.bona_fide, confidential=data.confidential,
        confidentiality_basis=data.confidentiality_basis, emergency=data.emergency,
        emergency_explanation=data.emergency_explanation, items=items,
    )
    severity = catalog.reason_severity(session=session, code=data.reason) or 3
    flag_rank = 0 if checks.designated(session, submitter, data.reason, place.code, now) else 1
    rule_key = (place.code, tuple(law.id for law in cited), data.emergency)
    rule = rules.get(rule_key)
    if rule is None:  # the same jurisdiction, laws and urgency: the same rule, within one call
        rule = rules[rule_key] = checks.clock_rule(session, settings, place, cited, data.emergency)
    kind = RequesterKind(submitter.kind)
    authority = catalog.kind_places(session=session).needs_legal_basis(kind)
    order = data.order
    orders.check_repeats(session, repeats=order.repeats if order else None, submitter_id=submitter.id)
    repeat = orders.proposed_repeat(session, submitter_id=submitter.id, submitter_country=submitter.country,
                                    order=order)
    deadline = rule.deadline(now)
    asked = data.asked()
    scope = data.requested_scope or [place.code]
    values = dict(
        submitter_id=submitter.id, channel=channel, jurisdiction=place.code,
        reference=data.reference, legal_basis=legal_basis, reason=data.reason,
        explanation=data.explanation,
        requested_action="remove" if any(m.kind == MeasureKind.remove_global for m in asked) else "restrict",
        requested_scope=scope,
        issuing_officer=data.issuing_officer.model_dump(exclude_none=True) if data.issuing_officer else None,
        language=data.language, confidential=data.confidential,
        confidentiality_basis=data.confidentiality_basis, emergency=data.emergency,
        emergency_explanation=data.emergency_explanation, bona_fide=data.bona_fide,
        art16_notice=(not authority and channel != Channel.match and "bona_fide" not in missing
                      and "explanation" not in missing),
        # Nothing to review (a request for user data only): decided at receipt, its measures referred.
        status=(RequestStatus.needs_clarification if missing else
                RequestStatus.open if items else RequestStatus.decided),
        missing=missing, received_at=now, clock_started_at=now, deadline_at=deadline,
        clock_rule=rule.as_dict(), intake_notes=[*checks.notes(items), *([repeat] if repeat else [])],
        **(order or EMPTY_ORDER).columns(),
        other_items=data.other_items, other_items_status="pending" if data.other_items else None,
    )
    item_values: list[dict[str, Any]] = [
        dict(
            position=i.position, content_id=i.content_id, url=i.url, normalized_url=i.normalized_url,
            status=ItemStatus.received if i.found else ItemStatus.content_not_found, created_at=now,
            jurisdiction=place.code, reason=data.reason, priority=0 if data.emergency else 1,
            severity=severity, flag_rank=flag_rank, crowd=0, deadline_at=deadline,
            due_hour=int(deadline.timestamp() // 3600), received_at=now, queue_open=not missing,
            risk_flags=[], submitter_id=submitter.id, unlisted=i.unlisted,
        )
        for i in items
    ]
    measure_values = _measures(asked, items, scope=scope, jurisdiction=place.code,
                               referral=settings.data_requests_referral, now=now)
    return Prepared(values, item_values, kind, submitter.email, measure_values)


# What a referred measure's answer says (the requester reads it with the request).
REFERRAL = ("Requests for user data ({what}) are outside this desk's scope: it restricts content and "
            "accounts and never discloses or preserves user data. The request is recorded and was not acted "
            "on; send it to {referral}.")
_REFERRED_WORDS = {MeasureKind.disclose_data: "disclosure", MeasureKind.preserve_data: "preservation"}


def _items_named(data: RequestCreate) -> list[ItemIn]:
    """The request's items, and after them each account it asks to restrict (an account is
    content of the platform's, reviewed as an item; named twice, it is one item)."""
    accounts = [ItemIn(content_id=m.account) for m in data.asked()
                if m.kind == MeasureKind.restrict_account and m.account]
    return [*data.items, *accounts] if accounts else list(data.items)


def _measures(asked: Sequence[MeasureIn], items: Sequence[checks.ResolvedItem], *, scope: list[str],
              jurisdiction: str, referral: str, now: dt.datetime) -> list[dict[str, Any]]:
    """The measures' rows: where each applies, the item an account's restriction is decided
    on, and the data measures referred at once."""
    by_content = {i.content_id: i.position for i in items if i.content_id}
    out = []
    for position, m in enumerate(asked):
        kind = MeasureKind(m.kind)
        referred = kind in REFERRED_KINDS
        where = ([] if referred else ["*"] if kind == MeasureKind.remove_global or m.everywhere
                 else [jurisdiction] if kind == MeasureKind.restrict_account else list(scope))
        out.append(dict(
            position=position, kind=kind, scope=where, account=m.account, fallback=m.fallback, note=m.note,
            item_position=by_content.get(m.account) if m.account and kind == MeasureKind.restrict_account else None,
            outcome=MeasureOutcome.referred if referred else None,
            explanation=REFERRAL.format(what=_REFERRED_WORDS[kind], referral=referral) if referred else None,
            referral=referral if referred else None, decided_at=now if referred else None,
        ))
    return out


def _take_ids(session: Session, prepared: Sequence[Prepared]) -> None:
    """Give prepared requests and their items their ids now, on PostgreSQL (one statement;
    see :func:`docket.store.take_ids`), so that :func:`_store_many` inserts them without
    waiting for the ids back. On SQLite nothing happens: the inserts return the ids."""
    taken = store.take_ids(session, [(Request, len(prepared)),
                                     (Item, sum(len(p.item_values) for p in prepared)),
                                     (Measure, sum(len(p.measure_values) for p in prepared))])
    if taken is None:
        return
    request_ids, item_ids, measure_ids = taken
    next_item, next_measure = iter(item_ids), iter(measure_ids)
    for one, request_id in zip(prepared, request_ids, strict=True):
        one.values["id"] = request_id
        for values in one.item_values:  # in position order, as RETURNING would give them
            values["request_id"], values["id"] = request_id, next(next_item)
        for values in one.measure_values:
            values["request_id"], values["id"] = request_id, next(next_measure)


def _store(session: Session, prepared: Prepared, actor: str | None) -> Request:
    """Write a prepared request, its items and its ``request:received`` event."""
    request = prepared.request
    _insert(session, request)
    prepared.values["id"] = request.id
    for values, item in zip(prepared.item_values, request.items, strict=True):
        values["id"], values["case_key"] = item.id, item.case_key
    _insert_measures(session, [prepared])
    audit.record(session=session, **_received_event(prepared, actor).__dict__)
    _acknowledge(session, [prepared])
    return request


def _store_many(session: Session, prepared: Sequence[Prepared],
                actor: str | None) -> list[audit.NewEvent]:
    """Write several prepared requests with multi-row INSERTs; return their
    ``request:received`` events for the caller to append with its own events
    (:func:`audit.record_many`) in the same transaction. The requests are not attached to
    the session; their ids and their items' ids are set in ``values``/``item_values``."""
    _insert_rows(session, prepared)
    _acknowledge(session, prepared)
    return [_received_event(one, actor) for one in prepared]


def _as_read(prepared: Prepared) -> dict[str, Any]:
    """A stored request as the API shows it (``RequestRead``), from its values: no ORM
    object to load, nothing to validate again. Fields the values lack take the schema's
    default (an item's outcome, say); serialize with orjson."""
    values, items = prepared.values, prepared.item_values
    return {**{name: values.get(name, default) for name, default in _REQUEST_FIELDS},
            "order": particulars(values),
            "measures": [{name: m.get(name, default) for name, default in _MEASURE_FIELDS}
                         for m in prepared.measure_values],
            "items": [{name: i.get(name, default) for name, default in _ITEM_FIELDS}
                      for i in items]}


def _fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """A read schema's fields with their defaults (None for the required ones, which the
    stored values always have)."""
    return [(name, None if field.is_required() else field.default)
            for name, field in model.model_fields.items() if name not in skip]


_REQUEST_FIELDS = _fields(RequestRead, skip=("items", "order", "measures"))
EMPTY_ORDER = OrderIn()
_ITEM_FIELDS = _fields(ItemRead)
_MEASURE_FIELDS = _fields(MeasureRead)


def _received_event(prepared: Prepared, actor: str | None = None) -> audit.NewEvent:
    """The ``request:received`` event of a stored request: the same shape for everybody."""
    request, items = prepared.values, prepared.item_values
    return audit.NewEvent(
        actor=actor or f"submitter:{request['submitter_id']}", action="request:received",
        subject=f"request:{request['id']}",
        payload={
            "channel": str(request["channel"]), "submitter_kind": prepared.submitter_kind.value,
            "jurisdiction": request["jurisdiction"], "reason": request["reason"],
            # What transparency reports count, so that `docket report --at SIZE` can rebuild
            # them from the log (docket.transparency.replay): the submitter (the actor may be
            # a person or an import), when it was received (imports and the demo set it), and
            # the queue's emergency and trusted-flagger keys.
            "submitter": request["submitter_id"], "received_at": request["received_at"].isoformat(),
            "emergency": bool(request["emergency"]),
            "flag_rank": items[0]["flag_rank"] if items else 1,
            "status": request["status"].value, "missing": request["missing"],
            "clock_rule": request["clock_rule"], "deadline_at": request["deadline_at"].isoformat(),
            "items": [i["id"] for i in items], "intake_notes": request["intake_notes"],
            "not_found": [i["id"] for i in items if i["status"] == ItemStatus.content_not_found],
            # The order's particulars are part of what was asked (the reports count court
            # orders by the issuing authority's kind: authority_kind).
            "order": orders.received_payload(request),
            # What was asked (reports count requests for user data apart), and a note of
            # items the request could not list, for a reviewer to resolve.
            "measures": [{"kind": m["kind"].value, "scope": m["scope"], "account": m["account"],
                          "fallback": m["fallback"], "outcome": m["outcome"] and m["outcome"].value}
                         for m in prepared.measure_values],
            "other_items": request.get("other_items"),
        },
    )


def _acknowledge(session: Session, prepared: Sequence[Prepared]) -> None:
    """Confirm receipt to each submitter with an address (DSA Art. 16(4)), saying what its
    request was at receipt: queued in the outbox with the request, for the worker to send."""
    outbox.enqueue_emails(session=session, emails=[
        outbox.Email(kind="acknowledgement", to=one.submitter_email, language=one.values["language"],
                     context={"request_id": one.values["id"], "status": one.values["status"].value,
                              "missing": list(one.values["missing"])},
                     subject=f"request:{one.values['id']}")
        for one in prepared if one.submitter_email])


def _insert(session: Session, request: Request) -> None:
    """INSERT the request and its items as two plain statements, then attach them to the
    session as if loaded. The ORM's unit of work would cost more than the rest of intake."""
    store.insert_as_loaded(session, request, request.items, parent_key="request_id")


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
    if prepared[0].values.get("id") is not None:  # ids taken beforehand (take_ids)
        store.insert_rows(session, Request, [store.with_defaults(Request, p.values) for p in prepared],
                          returning=False)
        store.insert_rows(session, Item, _same_keys([
            store.with_defaults(Item, values) for p in prepared for values in p.item_values]),
            returning=False)
        _insert_measures(session, prepared)
        return
    ids = store.insert_rows(session, Request,
                            [store.with_defaults(Request, p.values) for p in prepared])
    rows = []
    for one, request_id in zip(prepared, ids, strict=True):
        one.values["id"] = request_id
        for values in one.item_values:
            values["request_id"] = request_id
            rows.append(store.with_defaults(Item, values))
    item_ids = store.insert_rows(session, Item, _same_keys(rows))
    for values, item_id in zip(rows, item_ids, strict=True):
        values["id"] = item_id
    _insert_measures(session, prepared)


def _insert_measures(session: Session, prepared: Sequence[Prepared]) -> None:
    """The measures of stored requests, one multi-row INSERT; their ids set in the values
    (already there when taken beforehand)."""
    rows = []
    for one in prepared:
        for values in one.measure_values:
            values["request_id"] = one.values["id"]
            rows.append(store.with_defaults(Measure, values))
    if not rows:
        return
    if rows[0].get("id") is not None:
        store.insert_rows(session, Measure, _same_keys(rows), returning=False)
        return
    ids = store.insert_rows(session, Measure, _same_keys(rows))
    for values, measure_id in zip(rows, ids, strict=True):
        values["id"] = measure_id
