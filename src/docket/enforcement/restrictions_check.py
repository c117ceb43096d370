"""No restriction outside the process: the restrictions the audit log says must be in force
now, against those the enforcement index serves (``docket log check-restrictions``).

The log's side comes from the events alone, read in ``seq`` order:

- ``item:decided``: a decision took effect. For a restricting outcome it names what it
  restricts (``restricts``, ``scope``, ``notice_kind``, ``ends_at``). Events recorded before
  docket logged ``restricts`` lack it; the decision's ``restriction:started`` event, recorded
  in the same transaction, names the subject, notice kind and end instead.
- ``decision:made`` and ``decision:approved``: a decision that needed a second person's
  approval (``approval_reasons``) may take effect only with its approval logged.
- ``appeal:decided`` with the outcome ``reversed``: the decision's restriction is lifted.
- expiry: the decision's ``ends_at`` has passed (the index stops serving it at that moment;
  the expiry job's ``restriction:ended`` follows).

The served side, both ways a node or a platform's replica gets it: the **snapshot** (the
active restriction rows, :func:`docket.enforcement.service.snapshot`, which every node loads
at start and ``GET /api/v1/restrictions/snapshot`` streams), and the **feed** (every change
since the first, replayed as :class:`~docket.enforcement.index.RestrictionIndex` applies
them), each restriction attributed to the decision its row names. Everything is read in one
consistent snapshot of the database, so a decision and its restriction are seen together.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from docket.audit.models import Event
from docket.enforcement import service
from docket.enforcement.models import Restriction
from docket.review.service import RESTRICTING

Progress = Callable[[str, int, int], None]  # (stage, done, total)
ACTIONS = ("decision:made", "decision:approved", "item:decided", "appeal:decided", "restriction:started")
BATCH = 5000

# Each kind of difference, as the command's table names it (docs/verifiable-log.md says more).
LABELS = {
    "not_logged": "secret channel: served, not logged",
    "not_served": "logged, not served",
    "wider": "wider than logged",
    "narrower": "narrower than logged",
    "terms": "other end or notice",
    "unapproved": "no logged approval",
}


@dataclass(frozen=True)
class Term:
    """One restriction as the log implies it or the index serves it."""

    subject: str  # "content:<id>" or "account:<author id>"
    scope: frozenset[str]  # ISO codes, or {"*"} for everywhere
    notice_kind: str | None
    ends_at: dt.datetime | None
    decision: int | None
    restriction: int | None = None  # the served row's id


@dataclass(frozen=True)
class Difference:
    kind: str  # a key of LABELS
    subject: str
    decision: int | None
    restriction: int | None
    served: list[str]  # the jurisdictions served ("*": everywhere)
    logged: list[str]  # the jurisdictions the log has
    detail: str
    sources: list[str]  # "snapshot", "feed" (where it is served), or "log"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "decision": self.decision,
                "restriction": self.restriction, "served": self.served, "logged": self.logged,
                "sources": self.sources, "detail": self.detail}


@dataclass
class RestrictionsCheck:
    at: dt.datetime
    events: int  # events read
    in_force: int  # restrictions the log says are in force
    served: dict[str, int]  # restrictions served, by source
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "at": self.at.isoformat(), "events": self.events, "in_force": self.in_force,
                "served": self.served, "differences": [d.as_dict() for d in self.differences]}


def _instant(value: dt.datetime | str | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _jurisdictions(scope: Iterable[str]) -> list[str]:
    return sorted(scope)


class _Log:
    """What the events say about each decision, gathered in one pass."""

    def __init__(self) -> None:
        self.needs_approval: dict[int, bool] = {}
        self.approved: set[int] = set()
        self.outcomes: dict[int, str] = {}  # every decision that took effect (item:decided)
        self.decided: dict[int, dict[str, Any]] = {}  # item:decided's payload, for a restricting outcome
        self.started: dict[int, dict[str, Any]] = {}  # restriction:started, where item:decided lacks restricts
        self.reversed: set[int] = set()

    def read(self, action: str, payload: dict[str, Any]) -> None:
        decision = payload.get("decision")
        if not isinstance(decision, int):
            return
        if action == "decision:made":
            self.needs_approval[decision] = bool(payload.get("approval_reasons"))
        elif action == "decision:approved":
            self.approved.add(decision)
        elif action == "item:decided":
            self.outcomes[decision] = str(payload.get("outcome"))
            if payload.get("outcome") in RESTRICTING:
                self.decided[decision] = payload
        elif action == "appeal:decided":
            if payload.get("outcome") == "reversed":
                self.reversed.add(decision)
        elif action == "restriction:started":
            decided = self.decided.get(decision)
            if decided is not None and "restricts" not in decided:
                self.started.setdefault(decision, payload)

    def term(self, decision: int) -> Term | None:
        """The restriction a decision that took effect put in force, if it restricts."""
        decided = self.decided.get(decision)
        if decided is None:
            return None
        source = decided if "restricts" in decided else self.started.get(decision, {})
        subject = source.get("restricts" if source is decided else "subject") or "(not logged)"
        return Term(subject=subject, scope=frozenset(decided.get("scope") or ()),
                    notice_kind=source.get("notice_kind"), ends_at=_instant(source.get("ends_at")),
                    decision=decision)

    def why_not(self, decision: int | None, now: dt.datetime) -> str:
        """Why the log has no restriction in force for ``decision``."""
        if decision is None:
            return "no decision"
        if decision not in self.outcomes:
            return f"decision {decision} never took effect in the log"
        if decision not in self.decided:
            return f"decision {decision}'s logged outcome is {self.outcomes[decision]}"
        if decision in self.reversed:
            return f"decision {decision} was reversed on appeal"
        term = self.term(decision)
        if term is not None and term.ends_at is not None and term.ends_at <= now:
            return f"decision {decision}'s restriction expired at {term.ends_at.isoformat()}"
        return f"decision {decision} restricts {term.subject if term else '(nothing)'}, not this"


def _read_log(session: Session, progress: Progress | None) -> tuple[_Log, int]:
    log = _Log()
    total = session.execute(select(func.count()).select_from(Event).where(Event.action.in_(ACTIONS))).scalar_one()
    done, last = 0, 0
    while True:
        rows = session.execute(
            select(Event.seq, Event.action, Event.payload).where(Event.action.in_(ACTIONS), Event.seq > last)
            .order_by(Event.seq).limit(BATCH)).all()
        for seq, action, payload in rows:
            log.read(action, payload if isinstance(payload, dict) else {})
            last = seq
        done += len(rows)
        if progress is not None:
            progress("reading the log", done, total)
        if len(rows) < BATCH:
            return log, done


def _in_force(log: _Log, now: dt.datetime) -> dict[int, Term]:
    out: dict[int, Term] = {}
    for decision in log.decided:
        term = log.term(decision)
        if term is None or decision in log.reversed or (term.ends_at is not None and term.ends_at <= now):
            continue
        out[decision] = term
    return out


def _decisions_of(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """The decision each restriction row names."""
    wanted = sorted(set(ids))
    found: dict[int, int] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start:start + 1000]
        rows = session.execute(select(Restriction.id, Restriction.decision_id).where(Restriction.id.in_(chunk)))
        found.update({int(rid): int(decision) for rid, decision in rows})
    return found


def _from_snapshot(conn: Connection, session: Session, now: dt.datetime, progress: Progress | None) -> list[Term]:
    total = session.execute(select(func.count()).select_from(Restriction).where(
        Restriction.ended_at.is_(None), or_(Restriction.ends_at.is_(None), Restriction.ends_at > now))).scalar_one()
    _, rows = service.snapshot(conn, now=now)
    served: list[Term] = []
    for row in rows:
        served.append(Term(subject=f"{row['subject_kind']}:{row['subject_id']}", scope=frozenset(row["scope"]),
                           notice_kind=row["notice_kind"], ends_at=_instant(row["ends_at"]), decision=None,
                           restriction=row["id"]))
        if progress is not None and len(served) % BATCH == 0:
            progress("reading the snapshot", len(served), total)
    if progress is not None:
        progress("reading the snapshot", len(served), max(total, len(served)))
    decisions = _decisions_of(session, (t.restriction for t in served if t.restriction is not None))
    return [Term(t.subject, t.scope, t.notice_kind, t.ends_at, decisions.get(t.restriction or 0), t.restriction)
            for t in served]


def _from_feed(session: Session, now: dt.datetime, progress: Progress | None) -> list[Term]:
    """The restrictions a node holds that applied every change since the first: the index
    keeps, per subject, one entry per (scope, notice kind, end) started and not ended, and an
    end takes one such entry away, whichever restriction started it."""
    total = service.latest_cursor(session=session)
    held: dict[tuple[str, frozenset[str], str, dt.datetime | None], list[int]] = defaultdict(list)
    last = 0
    while True:
        changes = service.changes_after(session=session, after=last, limit=BATCH)
        for change in changes:
            key = (f"{change.subject_kind}:{change.subject_id}", frozenset(change.scope), change.notice_kind,
                   _instant(change.ends_at))
            if change.op == "start":
                held[key].append(change.restriction_id)
            elif change.op == "end" and held.get(key):  # a refresh changes no visibility
                ids = held[key]
                ids.remove(change.restriction_id if change.restriction_id in ids else ids[0])
            last = change.cursor
        if progress is not None:
            progress("reading the feed", last, max(total, last))
        if len(changes) < BATCH:
            break
    served = [(key, rid) for key, ids in held.items() for rid in ids if key[3] is None or key[3] > now]
    decisions = _decisions_of(session, (rid for _, rid in served))
    return [Term(subject, scope, kind, ends_at, decisions.get(rid), rid)
            for (subject, scope, kind, ends_at), rid in sorted(served, key=lambda s: s[1])]


def _compare(source: str, served: list[Term], logged: dict[int, Term], log: _Log,
             now: dt.datetime) -> list[Difference]:
    out: list[Difference] = []
    serving: dict[int, int | None] = {}  # decision -> the restriction that serves it

    def note(kind: str, term: Term, logged_scope: Iterable[str], detail: str) -> None:
        out.append(Difference(kind, term.subject, term.decision, term.restriction, _jurisdictions(term.scope),
                              _jurisdictions(logged_scope), detail, [source]))

    for term in sorted(served, key=lambda t: t.restriction or 0):
        decision = term.decision
        expected = None if decision is None else logged.get(decision)
        if decision is None or expected is None or expected.subject != term.subject:
            note("not_logged", term, [], f"restriction {term.restriction}: {log.why_not(decision, now)}")
            continue
        if decision in serving:
            note("not_logged", term, [], f"restriction {term.restriction}: a second one for decision "
                                         f"{decision}, which restriction {serving[decision]} serves")
            continue
        serving[decision] = term.restriction
        which = f"restriction {term.restriction} (decision {decision})"
        extra, missing = term.scope - expected.scope, expected.scope - term.scope
        if extra:
            note("wider", term, expected.scope, f"{which}: also served in {', '.join(sorted(extra))}")
        if missing:
            note("narrower", term, expected.scope, f"{which}: not served in {', '.join(sorted(missing))}")
        if (term.ends_at, term.notice_kind) != (expected.ends_at, expected.notice_kind):
            note("terms", term, expected.scope,
                 f"{which}: served until {_until(term.ends_at)} ({term.notice_kind}), "
                 f"logged until {_until(expected.ends_at)} ({expected.notice_kind})")
    for decision, expected in logged.items():
        if decision not in serving:
            out.append(Difference("not_served", expected.subject, decision, None, [],
                                  _jurisdictions(expected.scope),
                                  f"decision {decision} took effect and is in force in the log", [source]))
    return out


def _until(when: dt.datetime | None) -> str:
    return when.isoformat() if when is not None else "lifted"


def _unapproved(log: _Log, logged: dict[int, Term]) -> list[Difference]:
    out = []
    for decision, term in logged.items():
        if decision not in log.needs_approval:
            detail = f"decision {decision} took effect with no decision:made logged"
        elif log.needs_approval[decision] and decision not in log.approved:
            detail = f"decision {decision} needed a second person's approval; none is logged"
        else:
            continue
        out.append(Difference("unapproved", term.subject, decision, None, [], _jurisdictions(term.scope),
                              detail, ["log"]))
    return out


def _merged(differences: list[Difference]) -> list[Difference]:
    """The same difference seen in the snapshot and in the feed, once, with both sources."""
    merged: dict[tuple[Any, ...], Difference] = {}
    for d in differences:
        key = (d.kind, d.subject, d.decision, d.restriction, tuple(d.served), tuple(d.logged), d.detail)
        if key in merged:
            merged[key].sources.extend(s for s in d.sources if s not in merged[key].sources)
        else:
            merged[key] = d
    return sorted(merged.values(), key=lambda d: (d.subject, d.kind, d.restriction or 0, d.decision or 0))


def check_restrictions(*, conn: Connection, now: dt.datetime, progress: Progress | None = None) -> RestrictionsCheck:
    """Compare the restrictions the log implies at ``now`` with the snapshot's and the feed's.

    ``conn`` must be in a read transaction that sees one snapshot (store.read_snapshot)."""
    session = Session(bind=conn)
    log, events = _read_log(session, progress)
    logged = _in_force(log, now)
    snapshot = _from_snapshot(conn, session, now, progress)
    feed = _from_feed(session, now, progress)
    differences = (_compare("snapshot", snapshot, logged, log, now) + _compare("feed", feed, logged, log, now)
                   + _unapproved(log, logged))
    return RestrictionsCheck(at=now, events=events, in_force=len(logged),
                             served={"snapshot": len(snapshot), "feed": len(feed)},
                             differences=_merged(differences))
