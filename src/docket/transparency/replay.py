"""The report at a tree size of the log, rebuilt from the events alone (``docket report --at N``).

The figures of a period are a function of the state the log describes at size N. This
module computes that function without the live tables: it reads the events 1..N in order,
keeps of them what the figures count (the submitters, and the period's requests, items,
decisions, reports, appeals, gag-order holds and acknowledgements), writes that state into
a throw-away SQLite database with docket's own schema, and runs the same aggregates
(:func:`docket.transparency.aggregates.report`) on it. So whoever holds the events 1..N
(the leaf data, once disclosed) can recompute the figures, and appeals, reversals and new
decisions recorded after N change nothing in them.

What each event contributes is written next to its handler below; the fields it needs are
recorded with it since the events carried them (``received_at``, ``submitter``,
``emergency`` and ``flag_rank`` of ``request:received``, the times of decisions, appeals,
user reports and sent notices). An event of an earlier version that lacks one, and that
the period's figures need, stops the replay with :class:`NotReplayable`, naming it.

Jurisdictions' names are ISO 3166's (``catalog.country_name``, which seeds the catalog;
docket never renames one), not read from the log. Which requester kinds count as
governments starts from the places docket ships (``catalog.shipped_kind_places``) and
follows the log's ``requester_kind:changed`` events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import store
from docket.appeals.models import Appeal
from docket.audit.models import Event
from docket.catalog.models import Jurisdiction, KindPlace
from docket.catalog.service import country_name, shipped_kind_places
from docket.errors import Unprocessable
from docket.intake.models import Item, Measure, Report, Request
from docket.notices.models import NoticeHold
from docket.outbox.models import OutboxMessage
from docket.parties.models import Submitter
from docket.transparency import aggregates
from docket.transparency.periods import Period

BATCH = 5000
# The events that change what a report counts; every other action is skipped unread.
ACTIONS = ("submitter:created", "submitter:updated", "request:received", "request:clarified",
           "decision:made", "decision:approved", "appeal:filed", "appeal:decided", "report:received",
           "item:possible_coordination", "hold:placed", "notice:held", "notice:sent",
           "requester_kind:changed", "request:order_corrected", "request:other_items_resolved")
_TABLES = (KindPlace, Jurisdiction, Submitter, Request, Item, Measure, Report, Appeal, NoticeHold, OutboxMessage)


class Logged(NamedTuple):
    """One event, as much of it as a report reads."""

    seq: int
    action: str
    subject: str
    payload: dict[str, Any]


class NotReplayable(Unprocessable):
    """The log up to that size cannot give the report again (an event of an earlier version
    lacks a field the figures need, or the size is beyond the sealed log)."""


def _need(ev: Logged, *fields: str) -> list[Any]:
    missing = [f for f in fields if f not in ev.payload]
    if missing:
        raise NotReplayable(
            f"event {ev.seq} ({ev.action}) was recorded before events carried the fields the report counts "
            f"({', '.join(missing)}): a report over a log that holds it cannot be replayed",
            errors=[{"field": "at", "message": f"event {ev.seq} predates replayable reports"}])
    return [ev.payload[f] for f in fields]


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def _id(subject: str) -> int:
    return int(subject.rsplit(":", 1)[1])


def _seconds(start: dt.datetime, end: dt.datetime) -> float:
    """As review keeps them on an item: to the millisecond."""
    return round((end - start).total_seconds(), 3)


class State:
    """What the events 1..N say the report counts, for one period."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.submitters: dict[int, dict[str, Any]] = {}
        self.requests: dict[int, dict[str, Any]] = {}
        self.items: dict[int, dict[str, Any]] = {}
        self.measures: list[dict[str, Any]] = []
        self.ranks: dict[int, int] = {}  # request → its items' trusted-flagger key
        self.decisions: dict[int, tuple[int, str, dt.datetime]] = {}  # id → item, outcome, decided_at
        self.reports: list[dict[str, Any]] = []
        self.appeals: dict[int, dict[str, Any]] = {}
        self.holds: dict[int, int] = {}  # hold → request
        self.outbox: list[dict[str, Any]] = []
        # Which kinds count as governments: as shipped, then as the log changed them.
        self.kinds: dict[str, dict[str, Any]] = {k["code"]: dict(k) for k in shipped_kind_places()}

    def _within(self, when: dt.datetime) -> bool:
        return self.period.start <= when < self.period.end

    def apply(self, ev: Logged) -> None:
        getattr(self, "_" + ev.action.replace(":", "_"))(ev)

    def _requester_kind_changed(self, ev: Logged) -> None:
        [after] = _need(ev, "after")
        self.kinds[after["code"]] = dict(after)

    # Submitters: all of them (few); their kind, name and country as they stand.
    def _submitter_created(self, ev: Logged) -> None:
        name, kind, country = _need(ev, "name", "kind", "country")
        self.submitters[_id(ev.subject)] = {"name": name, "kind": kind, "country": country}

    def _submitter_updated(self, ev: Logged) -> None:
        found = self.submitters.get(_id(ev.subject))
        if found is not None:
            found.update({k: change[1] for k, change in ev.payload.items() if k in ("name", "kind", "country")})

    # A request and its items, when received in the period.
    def _request_received(self, ev: Logged) -> None:
        (received,) = _need(ev, "received_at")
        at = _time(received)
        if not self._within(at):
            return
        submitter, channel, place, reason, emergency, rank, items = _need(
            ev, "submitter", "channel", "jurisdiction", "reason", "emergency", "flag_rank", "items")
        request_id = _id(ev.subject)
        if submitter not in self.submitters:
            raise NotReplayable(f"event {ev.seq} ({ev.action}) names submitter {submitter}, whom no earlier event "
                                "created: the log does not describe the tables it was recorded with")
        # The issuing authority's kind decides court order or other (events recorded before
        # requests carried an order's particulars have none: they named no authority).
        order = ev.payload.get("order") or {}
        self.requests[request_id] = {"id": request_id, "submitter_id": submitter, "channel": channel,
                                     "jurisdiction": place, "reason": reason, "received_at": at,
                                     "emergency": emergency, "clarifications": 0,
                                     "authority_kind": order.get("authority_kind")}
        self.ranks[request_id] = rank
        for position, item_id in enumerate(items):
            self._item(item_id, request_id, position)
        # What was asked (events before measures carried none: a content measure, counted nowhere).
        for position, measure in enumerate(ev.payload.get("measures", [])):
            self.measures.append({"request_id": request_id, "position": position, "kind": measure["kind"],
                                  "scope": measure["scope"], "fallback": measure["fallback"]})

    def _item(self, item_id: int, request_id: int, position: int) -> None:
        request = self.requests[request_id]
        self.items[item_id] = {"id": item_id, "request_id": request_id, "position": position,
                               "submitter_id": request["submitter_id"], "jurisdiction": request["jurisdiction"],
                               "reason": request["reason"], "received_at": request["received_at"],
                               "flag_rank": self.ranks[request_id], "possible_coordination": False,
                               "action_outcome": None, "decide_seconds": None, "effect_seconds": None}

    # Items a reviewer found for a request's note of items it could not list: the request's.
    def _request_other_items_resolved(self, ev: Logged) -> None:
        request_id = _id(ev.subject)
        if request_id in self.requests:
            items, positions = _need(ev, "items", "positions")
            for item_id, position in zip(items, positions, strict=True):
                self._item(item_id, request_id, position)

    def _request_order_corrected(self, ev: Logged) -> None:
        request = self.requests.get(_id(ev.subject))
        (changes,) = _need(ev, "changes")
        if request is not None and "authority_kind" in changes:
            request["authority_kind"] = changes["authority_kind"][1]

    def _request_clarified(self, ev: Logged) -> None:
        request = self.requests.get(_id(ev.subject))
        if request is not None:
            request["clarifications"] += 1

    # Decisions: the standing one's outcome and durations are kept on the item (as review does).
    def _settle(self, decision_id: int, effective_at: dt.datetime) -> None:
        item_id, outcome, decided_at = self.decisions[decision_id]
        item = self.items[item_id]
        item.update(action_outcome=outcome, decide_seconds=_seconds(item["received_at"], decided_at),
                    effect_seconds=_seconds(item["received_at"], effective_at))

    def _decision_made(self, ev: Logged) -> None:
        item_id = _id(ev.subject)
        if item_id not in self.items:
            return
        decision, outcome, decided, effective = _need(ev, "decision", "outcome", "decided_at", "effective_at")
        self.decisions[decision] = (item_id, outcome, _time(decided))
        if effective is not None:
            self._settle(decision, _time(effective))

    def _decision_approved(self, ev: Logged) -> None:
        (decision,) = _need(ev, "decision")
        if decision in self.decisions:
            (effective,) = _need(ev, "effective_at")
            self._settle(decision, _time(effective))

    # Appeals by the day received; a reversal sets aside a decision not to act (the item is
    # reopened, pending again) and leaves a restriction standing as the action taken.
    def _appeal_filed(self, ev: Logged) -> None:
        (received,) = _need(ev, "received_at")
        at = _time(received)
        if self._within(at):
            appeal, decision = _need(ev, "appeal", "decision")
            self.appeals[appeal] = {"id": appeal, "decision_id": decision, "item_id": _id(ev.subject),
                                    "received_at": at, "status": "open"}

    def _appeal_decided(self, ev: Logged) -> None:
        appeal, decision, outcome = _need(ev, "appeal", "decision", "outcome")
        if appeal in self.appeals:
            self.appeals[appeal]["status"] = outcome
        if outcome == "reversed" and decision in self.decisions:
            item_id, was, _decided = self.decisions[decision]
            if was not in aggregates.COMPLIED:
                self.items[item_id].update(action_outcome=None, decide_seconds=None, effect_seconds=None)

    # User reports by the day received; a burst flag on a case stays.
    def _report_received(self, ev: Logged) -> None:
        (received,) = _need(ev, "received_at")
        at = _time(received)
        if self._within(at):
            report, reason = _need(ev, "report", "reason")
            self.reports.append({"id": report, "item_id": _id(ev.subject), "reason": reason, "received_at": at})

    def _item_possible_coordination(self, ev: Logged) -> None:
        item = self.items.get(_id(ev.subject))
        if item is not None:
            item["possible_coordination"] = True

    # Gag orders of the period's requests, and the notices they held.
    def _hold_placed(self, ev: Logged) -> None:
        (request,) = _need(ev, "request")
        if request in self.requests:
            self.holds[_id(ev.subject)] = request

    def _notice_held(self, ev: Logged) -> None:
        hold, outbox = _need(ev, "hold", "outbox")
        if hold in self.holds:
            self.outbox.append({"id": outbox, "kind": "statement_of_reasons", "subject": ev.subject,
                                "hold_id": hold, "sent_at": None})

    # Acknowledgements of the period's requests, by when they were sent.
    def _notice_sent(self, ev: Logged) -> None:
        if ev.payload.get("kind") != "acknowledgement" or ev.subject.split(":")[0] != "request":
            return
        if _id(ev.subject) in self.requests:
            outbox, sent = _need(ev, "outbox", "sent_at")
            self.outbox.append({"id": outbox, "kind": "acknowledgement", "subject": ev.subject,
                                "hold_id": None, "sent_at": _time(sent)})


def read_events(*, session: Session, size: int, state: State,
                progress: Callable[[int], None] = lambda n: None) -> None:
    """Apply the events 1..``size`` that a report counts to ``state``, in order, a batch at a time."""
    last = 0
    while last < size:
        upto = min(size, last + BATCH)
        for row in session.execute(select(Event.seq, Event.action, Event.subject, Event.payload)
                                   .where(Event.seq > last, Event.seq <= upto, Event.action.in_(ACTIONS))
                                   .order_by(Event.seq)):
            state.apply(Logged(*row))
        progress(upto - last)
        last = upto


def _rows(state: State) -> dict[Any, list[dict[str, Any]]]:
    """The state as rows of docket's tables, with what the schema requires and no report reads."""
    places = {r["jurisdiction"] for r in state.requests.values()} | {s["country"] for s in state.submitters.values()}
    return {
        KindPlace: list(state.kinds.values()),
        Jurisdiction: [{"code": c, "name": country_name(c)} for c in sorted(places)],
        Submitter: [{"id": i, **s} for i, s in state.submitters.items()],
        Request: [{**r, "requested_action": "restrict", "status": "open", "clock_started_at": r["received_at"],
                   "deadline_at": r["received_at"], "clock_rule": {}} for r in state.requests.values()],
        Item: [{**i, "status": "received", "deadline_at": i["received_at"]} for i in state.items.values()],
        Measure: state.measures,
        Report: [{**r, "channel": "api", "reporter_key": f"report:{r['id']}"} for r in state.reports],
        Appeal: [{**a, "appellant": "author", "statement": ""} for a in state.appeals.values()],
        NoticeHold: [{"id": h, "request_id": r, "legal_reason": "", "review_at": state.period.start}
                     for h, r in state.holds.items()],
        OutboxMessage: [{**o, "message_id": f"replay-{o['id']}", "channel": "email", "recipient": "", "context": {},
                         "status": "held" if o["hold_id"] else "sent"} for o in state.outbox],
    }


def report_at(*, session: Session, size: int, period: Period, now: dt.datetime,
              progress: Callable[[int], None] = lambda n: None) -> dict[str, Any]:
    """The period's report as the log at ``size`` describes it, from the events 1..``size``
    read through ``session``; the same figures :func:`aggregates.report` gave on the tables
    when the log had that size."""
    state = State(period)
    read_events(session=session, size=size, state=state, progress=progress)
    with store.scratch_database(_TABLES) as scratch:
        for model, rows in _rows(state).items():
            store.insert_rows(scratch, model, [store.with_defaults(model, row) for row in rows], returning=False)
        return aggregates.report(session=scratch, period=period, now=now)
