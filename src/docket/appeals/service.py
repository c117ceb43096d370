"""File and decide appeals. A reversal ends the restriction at once and tells everyone
who was told of the original decision (review reverses, docket.effects applies)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket import access, audit, effects
from docket.access import REVIEWING_ROLES
from docket.appeals import routing
from docket.appeals.models import Appeal, AppealStatus
from docket.appeals.schemas import AppealRead
from docket.errors import Conflict, DocketError, RoleRequired
from docket.intake.models import Item
from docket.notices import service as notices
from docket.outbox import service as outbox
from docket.parties.auth import Principal
from docket.parties.models import Team, User
from docket.review import service as review
from docket.review.models import Decision, DecisionStatus
from docket.review.schemas import PersonRef, TeamRef

RESTRICTING = frozenset({"restricted", "removed_policy"})
NOT_ACTED = frozenset({"no_action", "rejected_invalid", "rejected_overbroad", "content_not_found", "already_removed"})


class AppealRefused(Conflict):
    """An appeal docket cannot take (late, duplicate, nothing to appeal); it is recorded all the same."""


def check_appealable(
    *, session: Session, decision: Decision, appellant: str, window: dt.timedelta, now: dt.datetime,
    submitter_id: int | None = None,
) -> None:
    """Raise AppealRefused if ``appellant`` cannot appeal ``decision`` now (the checks of ``file``)."""
    if decision.status != DecisionStatus.effective or decision.effective_at is None:
        raise AppealRefused(f"decision {decision.id} is {decision.status}; only a decision in effect can be appealed")
    if appellant == "author" and decision.outcome not in RESTRICTING:
        raise AppealRefused("the author can appeal a decision that restricted the content; this one did not")
    if appellant == "requester" and decision.outcome not in NOT_ACTED:
        raise AppealRefused("the requester can appeal a decision not to act; this one acted")
    open_one = session.execute(
        select(Appeal.id).where(Appeal.decision_id == decision.id, Appeal.status == AppealStatus.open)
    ).scalar_one_or_none()
    if open_one is not None:
        raise AppealRefused(f"decision {decision.id} already has an open appeal ({open_one})", appeal_id=open_one)
    heard = earlier_appeal(session=session, decision_id=decision.id, appellant=appellant,
                           submitter_id=submitter_id)
    if heard is not None:
        raise AppealRefused(
            f"your appeal against decision {decision.id} was heard on {heard.decided_at:%Y-%m-%d} "
            f"({heard.status}); a decision can be appealed once", appeal_id=heard.id,
            heard=True)
    closes = decision.effective_at + window
    if now > closes:
        raise AppealRefused(f"the appeal window for decision {decision.id} closed on {closes:%Y-%m-%d}",
                            closed_on=closes.date().isoformat())


def earlier_appeal(*, session: Session, decision_id: int, appellant: str,
                   submitter_id: int | None) -> Appeal | None:
    """The appeal this appellant already made against a decision, if any (one each: the
    author through the link, each requester through its token)."""
    query = select(Appeal).where(Appeal.decision_id == decision_id, Appeal.appellant == appellant)
    if submitter_id is not None:
        query = query.where(Appeal.submitter_id == submitter_id)
    return session.execute(query.order_by(Appeal.id.desc()).limit(1)).scalar_one_or_none()


def link_expires_at(*, session: Session, decision: Decision, window: dt.timedelta) -> dt.datetime | None:
    """When the author's appeal link stops working: when the appeal window closes, or, once
    an appeal was made through it, 30 days after that appeal was decided (so the author can
    read the outcome); None while the appeal is open or the decision is not in effect."""
    made = earlier_appeal(session=session, decision_id=decision.id, appellant="author", submitter_id=None)
    if made is not None:
        return made.decided_at + LINK_AFTER_DECISION if made.decided_at else None
    start = decision.effective_at or decision.decided_at
    return start + window if start else None


LINK_AFTER_DECISION = dt.timedelta(days=30)
# The default of the setting appeal_decide_days: by when a filed appeal should be decided.
DECIDE_WITHIN = dt.timedelta(days=14)


def file(
    *, session: Session, decision: Decision, appellant: str, statement: str, contact_email: str | None,
    language: str | None, submitter_id: int | None, window: dt.timedelta, now: dt.datetime,
    decide_within: dt.timedelta = DECIDE_WITHIN,
) -> Appeal:
    """Take an appeal against ``decision`` and route it to someone who may decide it (raises
    AppealRefused with the reason otherwise)."""
    check_appealable(session=session, decision=decision, appellant=appellant, window=window, now=now,
                     submitter_id=submitter_id)
    appeal = Appeal(decision_id=decision.id, item_id=decision.item_id, appellant=appellant,
                    submitter_id=submitter_id, contact_email=contact_email, language=language,
                    statement=statement, status=AppealStatus.open, received_at=now, due_at=now + decide_within)
    session.add(appeal)
    session.flush()
    audit.record(session=session, actor=f"submitter:{submitter_id}" if submitter_id else "public:appeal",
                 action="appeal:filed", subject=f"item:{decision.item_id}",
                 payload={"appeal": appeal.id, "decision": decision.id, "appellant": appellant,
                          "received_at": now.isoformat()})
    routing.route(session=session, appeal=appeal, decision=decision, now=now)
    outbox.enqueue_email(session=session, kind="appeal_received", to=contact_email, language=language,
                          context={"appeal_id": appeal.id}, subject=f"appeal:{appeal.id}")
    return appeal


def record_refusal(*, session: Session, decision_id: int | None, appellant: str, reason: DocketError) -> None:
    """Keep a refused appeal on record (the caller commits, then answers with the problem)."""
    audit.record(session=session, actor="public:appeal" if appellant == "author" else f"{appellant}",
                 action="appeal:refused", subject=f"decision:{decision_id}" if decision_id else "appeal",
                 payload={"appellant": appellant, "reason": reason.detail})


def took_part(session: Session, decision: Decision, user_id: int | None) -> bool:
    """Whether a user decided, approved, or reviewed the item of ``decision``."""
    return routing.took_part(session, decision, user_id) is not None


def part_taken(session: Session, decision: Decision, user_id: int | None) -> str | None:
    """What a user did in the original decision, in words ("decided it", "approved it",
    "recorded the legal review"), or None."""
    return routing.took_part(session, decision, user_id)


def why_cannot_decide(session: Session, decision: Decision, principal: Principal) -> str | None:
    """Why ``principal`` may not decide an appeal against ``decision`` (plainly), or None."""
    jurisdiction = decision.item.jurisdiction
    if not access.roles_in(principal, jurisdiction) & REVIEWING_ROLES:
        return f"you have no reviewing role for {jurisdiction}"
    did = part_taken(session, decision, principal.user_id)
    return f"you took part in the original decision (you {did})" if did else None


def who_can_decide(session: Session, decision: Decision) -> list[str]:
    """The names of the people who may decide an appeal against ``decision`` (active staff
    entitled to the item's jurisdiction who took no part in it): whom it is routed to."""
    return sorted((u.name or u.email for u in routing.eligible(session, decision)), key=str.lower)


def decide(
    *, session: Session, principal: Principal, appeal: Appeal, outcome: str, explanation: str, now: dt.datetime,
) -> Appeal:
    """Uphold or reverse. Only someone with a reviewing role for the item's jurisdiction who
    took no part in the original decision (decided, approved or reviewed it) may do either.
    The caller is checked to reach the appeal before (``access.visible``)."""
    decision = session.get(Decision, appeal.decision_id)
    assert decision is not None
    jurisdiction = decision.item.jurisdiction
    if not access.roles_in(principal, jurisdiction) & REVIEWING_ROLES:
        raise RoleRequired(f"deciding an appeal about {jurisdiction} needs a reviewing role there")
    if appeal.status != AppealStatus.open:
        raise Conflict(f"appeal {appeal.id} is already {appeal.status}")
    if took_part(session, decision, principal.user_id):
        others, did = who_can_decide(session, decision), part_taken(session, decision, principal.user_id)
        raise Conflict(f"you took part in the original decision (you {did}); another reviewer must decide this "
                       "appeal" + (f": {', '.join(others)}" if others else ""))
    appeal.status = AppealStatus(outcome)
    appeal.decided_by, appeal.decided_at, appeal.explanation = principal.user_id, now, explanation
    item = session.get(Item, decision.item_id)
    assert item is not None
    if outcome == AppealStatus.reversed:
        reversal = review.reverse(session=session, decision=decision, item=item)
        effects.after_reversal(session=session, reversal=reversal, actor=principal.actor, now=now)
    audit.record(session=session, actor=principal.actor, action="appeal:decided", subject=f"item:{item.id}",
                 payload={"appeal": appeal.id, "decision": decision.id, "outcome": outcome})
    notices.enqueue_event(session=session, event_type="appeal.decided", subject=f"item:{item.id}",
                          decision_id=decision.id,
                          payload={"appeal_id": appeal.id, "decision_id": decision.id, "item_id": item.id,
                                   "content_id": item.content_id, "outcome": outcome, "decided_at": now.isoformat()})
    outbox.enqueue_email(session=session, kind="appeal_decided", to=appeal.contact_email, language=appeal.language,
                          context={"appeal_id": appeal.id}, subject=f"appeal:{appeal.id}", decision_id=decision.id)
    return appeal


def list_appeals(*, session: Session, principal: Principal, status: str | None = None,
                 assigned: str | None = None, limit: int = 100) -> Sequence[Appeal]:
    """The appeals ``principal`` reaches, soonest due first. ``assigned``: "me" (my
    own queue: assigned to me or my team), "none" (routed to nobody), or a person's id."""
    query = access.scoped(select(Appeal), principal, Appeal).order_by(
        func.coalesce(Appeal.due_at, Appeal.received_at), Appeal.id)
    if status:
        query = query.where(Appeal.status == status)
    if assigned == "me":
        query = query.where(routing.assigned_to(session, principal))
    elif assigned == "none":
        query = query.where(Appeal.assignee_id.is_(None), Appeal.team_id.is_(None))
    elif assigned:
        query = query.where(Appeal.assignee_id == int(assigned))
    found = session.execute(query.limit(limit)).scalars().all()
    return routing.waiting_for(session, principal, found) if assigned == "me" else found


def read(*, session: Session, appeal: Appeal) -> AppealRead:
    """An appeal as the API shows it: where it is routed, by name; why to nobody."""
    person = session.get(User, appeal.assignee_id) if appeal.assignee_id else None
    team = session.get(Team, appeal.team_id) if appeal.team_id else None
    out = AppealRead.model_validate(appeal)
    out.assignee = PersonRef(id=person.id, name=person.name or person.email) if person else None
    out.team = TeamRef(id=team.id, name=team.name) if team else None
    if appeal.status == AppealStatus.open and person is None and team is None:
        decision = session.get(Decision, appeal.decision_id)
        assert decision is not None
        out.unassigned_reason = (routing.nobody_reason(decision) if not routing.eligible(session, decision)
                                 else "not assigned yet: a lead can assign it")
    return out
