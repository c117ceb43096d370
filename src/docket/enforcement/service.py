"""Restrictions: created when a decision takes effect, ended by reversal or expiry,
and every change appended to the feed in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from docket import audit
from docket.content import service as content_registry
from docket.enforcement.models import NoticeKind, Restriction, RestrictionChange, SubjectKind
from docket.errors import Conflict
from docket.store import utcnow

FEED_CHANGED = "docket.feed_changed"  # session.info flag: wake the local follower after commit

# Told of each change as it is appended (docket.effects passes one that tells the
# platform's webhooks), so enforcement needs to know nothing of notices.
Announce = Callable[[Restriction, RestrictionChange], None]


def _append(session: Session, restriction: Restriction, op: str) -> RestrictionChange:
    # The chain lock makes cursors follow commit order: a reader that has seen
    # cursor N can never later find a change below N appear.
    audit.lock_chain(session=session)
    last = session.execute(select(func.coalesce(func.max(RestrictionChange.cursor), 0))).scalar_one()
    change = RestrictionChange(
        cursor=last + 1, op=op, restriction_id=restriction.id, subject_kind=restriction.subject_kind,
        subject_id=restriction.subject_id, scope=restriction.scope, notice_kind=restriction.notice_kind,
        ends_at=restriction.ends_at, at=utcnow(),
    )
    session.add(change)
    session.info[FEED_CHANGED] = True
    return change


def notice_kind_for(*, outcome: str, authority: bool) -> NoticeKind:
    """policy for a global removal; legal_demand for an authority's request (a kind the
    catalog says cites a legal basis); local_law otherwise."""
    if outcome == "removed_policy":
        return NoticeKind.policy
    return NoticeKind.legal_demand if authority else NoticeKind.local_law


def subject_for(*, session: Session, content_id: str) -> tuple[SubjectKind, str]:
    """What restricting ``content_id`` restricts: that content, or, for an account, every
    piece of content by its author."""
    registered = content_registry.get(session=session, content_id=content_id)
    if registered is not None and registered.type == "account":
        return SubjectKind.account, registered.author_id or registered.id
    return SubjectKind.content, content_id


def start(
    *, session: Session, actor: str, decision_id: int, content_id: str, scope: list[str],
    notice_kind: NoticeKind, ends_at: dt.datetime | None, now: dt.datetime, announce: Announce | None = None,
) -> Restriction:
    """Put a decision into effect: one restriction row and its feed change (``announce``d).

    An account item restricts every piece of that author's content in the scope."""
    subject = subject_for(session=session, content_id=content_id)
    restriction = Restriction(
        subject_kind=subject[0], subject_id=subject[1], scope=scope, notice_kind=notice_kind,
        decision_id=decision_id, starts_at=now, ends_at=ends_at,
    )
    session.add(restriction)
    session.flush()
    change = _append(session, restriction, "start")
    if announce is not None:
        announce(restriction, change)
    audit.record(
        session=session, actor=actor, action="restriction:started", subject=f"restriction:{restriction.id}",
        payload={"decision": decision_id, "subject": f"{subject[0].value}:{subject[1]}", "scope": scope,
                 "notice_kind": notice_kind.value, "ends_at": ends_at.isoformat() if ends_at else None,
                 "cursor": change.cursor},
    )
    return restriction


def end(*, session: Session, actor: str, restriction: Restriction, reason: str, now: dt.datetime,
        announce: Announce | None = None) -> Restriction:
    """End a restriction (reversal, expiry); the row stays, with when and why it ended.
    The feed change is ``announce``d."""
    if restriction.ended_at is not None:
        raise Conflict(f"restriction {restriction.id} already ended")
    restriction.ended_at, restriction.ended_reason = now, reason
    change = _append(session, restriction, "end")
    if announce is not None:
        announce(restriction, change)
    audit.record(
        session=session, actor=actor, action="restriction:ended", subject=f"restriction:{restriction.id}",
        payload={"reason": reason, "decision": restriction.decision_id, "cursor": change.cursor},
    )
    return restriction


def refresh(*, session: Session, actor: str, restriction: Restriction) -> RestrictionChange:
    """Append a ``refresh`` of an active restriction whose content's fingerprints changed:
    every follower's bank replaces the restriction's entries; visibility is unchanged, so the
    visibility index skips it (as any follower that knows only ``start`` and ``end`` does).
    Not announced: no webhook is sent."""
    if restriction.ended_at is not None:
        raise Conflict(f"restriction {restriction.id} already ended")
    change = _append(session, restriction, "refresh")
    audit.record(
        session=session, actor=actor, action="restriction:refreshed", subject=f"restriction:{restriction.id}",
        payload={"decision": restriction.decision_id, "subject": f"{restriction.subject_kind}:{restriction.subject_id}",
                 "reason": "fingerprints_changed", "cursor": change.cursor},
    )
    return change


def active_for(*, session: Session, subject_kind: SubjectKind, subject_id: str, now: dt.datetime,
               ) -> Sequence[Restriction]:
    """The restrictions of this subject in force at ``now``."""
    return session.execute(
        select(Restriction).where(Restriction.subject_kind == subject_kind.value, Restriction.subject_id == subject_id,
                                  Restriction.ended_at.is_(None),
                                  or_(Restriction.ends_at.is_(None), Restriction.ends_at > now))
        .order_by(Restriction.id)).scalars().all()


def for_decision(*, session: Session, decision_id: int) -> Sequence[Restriction]:
    return session.execute(
        select(Restriction).where(Restriction.decision_id == decision_id).order_by(Restriction.id)
    ).scalars().all()


def expire_due(*, session: Session, now: dt.datetime, announce: Announce | None = None) -> list[int]:
    """End restrictions whose period is over (the index already hides nothing past ``ends_at``)."""
    due = session.execute(
        select(Restriction).where(Restriction.ended_at.is_(None), Restriction.ends_at <= now)
        .order_by(Restriction.id).with_for_update()
    ).scalars().all()
    for restriction in due:
        end(session=session, actor="system:expiry", restriction=restriction, reason="expired", now=now,
            announce=announce)
    return [r.id for r in due]


def change_dict(change: RestrictionChange) -> dict[str, Any]:
    return {
        "cursor": change.cursor, "op": change.op, "restriction_id": change.restriction_id,
        "subject_kind": change.subject_kind, "subject_id": change.subject_id, "scope": change.scope,
        "notice_kind": change.notice_kind, "ends_at": change.ends_at.isoformat() if change.ends_at else None,
        "at": change.at.isoformat(),
    }


def changes_after(*, session: Session, after: int, limit: int) -> Sequence[RestrictionChange]:
    return session.execute(
        select(RestrictionChange).where(RestrictionChange.cursor > after)
        .order_by(RestrictionChange.cursor).limit(limit)
    ).scalars().all()


def latest_cursor(*, session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(RestrictionChange.cursor), 0))).scalar_one())


def snapshot(conn: Connection, *, now: dt.datetime, batch: int = 5000) -> tuple[int, Iterator[dict[str, Any]]]:
    """The feed cursor and the active restrictions as of one consistent read.

    ``conn`` must be in a read transaction that sees one snapshot (see store.read_snapshot)."""
    session = Session(bind=conn)
    cursor = latest_cursor(session=session)
    query = (
        select(Restriction.id, Restriction.subject_kind, Restriction.subject_id, Restriction.scope,
               Restriction.notice_kind, Restriction.ends_at)
        .where(Restriction.ended_at.is_(None), or_(Restriction.ends_at.is_(None), Restriction.ends_at > now))
        .order_by(Restriction.id)
        .execution_options(yield_per=batch)
    )

    def rows() -> Iterator[dict[str, Any]]:
        for r in session.execute(query):
            yield {"id": r.id, "subject_kind": r.subject_kind, "subject_id": r.subject_id, "scope": r.scope,
                   "notice_kind": r.notice_kind, "ends_at": r.ends_at.isoformat() if r.ends_at else None}

    return cursor, rows()
