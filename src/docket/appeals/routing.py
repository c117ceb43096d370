"""Where an appeal goes: to a person who may decide it, or to a team that decides appeals
(issue 20: "appeals reach someone who may decide them").

Who may decide an appeal: an active staff member with the permission to review, entitled
to act in the item's jurisdiction with a reviewing role there, who took no part in the
original decision (decided, approved, or reviewed its item). A filed appeal is routed at
once: to the jurisdiction's appeals team when one has such a member, else to the person
with the fewest open appeals, then the longest since their last one, then the lowest id —
the same inputs always give the same person. Nobody left: the appeal stays unassigned,
and the leads see why. A lead may reassign or take an appeal over (audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from docket import access, audit
from docket.access import REVIEWING_ROLES
from docket.appeals.models import Appeal, AppealStatus
from docket.errors import Conflict, Unprocessable
from docket.parties.auth import Permission, Principal, user_principal
from docket.parties.models import Team, TeamMember, User, UserRole
from docket.review.models import Decision, Review

ROUTER = "system:routing"
_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def took_part(session: Session, decision: Decision, user_id: int | None) -> str | None:
    """What a user did in the original decision, in words ("decided it", "approved it",
    "recorded the legal review of its item"), or None."""
    if user_id is None:
        return None
    if user_id == decision.decided_by:
        return "decided it"
    if user_id == decision.approved_by:
        return "approved it"
    step = session.execute(select(Review.step).where(Review.item_id == decision.item_id,
                                                     Review.reviewer_id == user_id).limit(1)).scalar()
    return f"recorded the {step} review of its item" if step else None


def why_not(session: Session, user: User, decision: Decision) -> str | None:
    """Why ``user`` may not decide an appeal against ``decision`` (in words), or None."""
    name = user.name or user.email
    jurisdiction = decision.item.jurisdiction
    if user.submitter_id is not None:
        return f"{name} is not on the platform's staff"
    if not user.active:
        return f"{name}'s account is deactivated"
    person = user_principal(session, user_id=user.id)
    if not (person.can(Permission.review) and access.may_act(person, jurisdiction=jurisdiction)
            and access.roles_in(person, jurisdiction) & REVIEWING_ROLES):
        return f"{name} is not entitled to {jurisdiction}: no reviewing role there"
    did = took_part(session, decision, user.id)
    return f"{name} took part in the original decision ({did})" if did else None


def eligible(session: Session, decision: Decision) -> list[User]:
    """The people who may decide an appeal against ``decision``, by id."""
    staff = session.execute(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), User.submitter_id.is_(None),
               UserRole.role.in_([r.value for r in REVIEWING_ROLES])).distinct().order_by(User.id)
    ).scalars().all()
    return [user for user in staff if why_not(session, user, decision) is None]


def nobody_reason(decision: Decision) -> str:
    return f"nobody uninvolved is entitled to {decision.item.jurisdiction}"


def team_misfit(session: Session, team: Team, decision: Decision) -> str | None:
    """Why ``team`` cannot take an appeal against ``decision``, or None."""
    jurisdiction = decision.item.jurisdiction
    if not team.appeals:
        return f"the team {team.name!r} does {team.role} work on items, not appeals"
    if team.jurisdiction not in (None, jurisdiction):
        return f"the team {team.name!r} works on {team.jurisdiction}; the appeal is about {jurisdiction}"
    people = [session.get(User, m.user_id) for m in team.members]
    if not any(u is not None and why_not(session, u, decision) is None for u in people):
        return f"nobody in the team {team.name!r} is uninvolved and entitled to {jurisdiction}"
    return None


def _team_for(session: Session, decision: Decision) -> Team | None:
    """The appeals team for the item's country (one for that country before one for all)."""
    jurisdiction = decision.item.jurisdiction
    teams = session.execute(
        select(Team).where(Team.appeals.is_(True),
                           or_(Team.jurisdiction == jurisdiction, Team.jurisdiction.is_(None)))
        .order_by(Team.jurisdiction.is_(None), Team.id)).scalars().all()
    return next((t for t in teams if team_misfit(session, t, decision) is None), None)


def _fairest(session: Session, people: Sequence[User]) -> User | None:
    """The person with the fewest open appeals, then the longest since their last one, then
    the lowest id."""
    if not people:
        return None
    ids = [u.id for u in people]
    open_now = dict(session.execute(
        select(Appeal.assignee_id, func.count()).where(Appeal.assignee_id.in_(ids),
                                                       Appeal.status == AppealStatus.open)
        .group_by(Appeal.assignee_id)).all())
    last = dict(session.execute(
        select(Appeal.assignee_id, func.max(Appeal.assigned_at)).where(Appeal.assignee_id.in_(ids))
        .group_by(Appeal.assignee_id)).all())
    return min(people, key=lambda u: (open_now.get(u.id, 0), last.get(u.id) or _NEVER, u.id))


def route(*, session: Session, appeal: Appeal, decision: Decision, now: dt.datetime) -> Appeal:
    """Assign a newly filed appeal (audited ``appeal:assigned``); left unassigned, with the
    reason audited as ``appeal:unrouted``, when nobody may decide it."""
    subject = f"item:{decision.item_id}"
    team = _team_for(session, decision)
    if team is not None:
        appeal.team_id, appeal.assignee_id, appeal.assigned_at = team.id, None, now
        audit.record(session=session, actor=ROUTER, action="appeal:assigned", subject=subject,
                     payload={"appeal": appeal.id, "team_id": team.id, "team": team.name, "routed": True})
        return appeal
    person = _fairest(session, eligible(session, decision))
    if person is None:
        audit.record(session=session, actor=ROUTER, action="appeal:unrouted", subject=subject,
                     payload={"appeal": appeal.id, "reason": nobody_reason(decision)})
        return appeal
    appeal.assignee_id, appeal.team_id, appeal.assigned_at = person.id, None, now
    audit.record(session=session, actor=ROUTER, action="appeal:assigned", subject=subject,
                 payload={"appeal": appeal.id, "user_id": person.id, "name": person.name or person.email,
                          "routed": True})
    return appeal


def _open(appeal: Appeal) -> None:
    if appeal.status != AppealStatus.open:
        raise Conflict(f"appeal {appeal.id} is {appeal.status}; only an open appeal can be assigned")


def assign(*, session: Session, principal: Principal, appeal: Appeal, user_id: int | None, team_id: int | None,
           now: dt.datetime) -> Appeal:
    """A lead gives an open appeal to a person or to an appeals team; 422 with the reason
    when that person or team may not decide it."""
    _open(appeal)
    decision = session.get(Decision, appeal.decision_id)
    assert decision is not None
    payload: dict[str, object] = {"appeal": appeal.id, "from": appeal.assignee_id, "from_team": appeal.team_id}
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or user.submitter_id is not None:
            raise Unprocessable(f"there is no staff member {user_id}",
                                errors=[{"field": "user_id", "message": "a staff member's id"}])
        why = why_not(session, user, decision)
        if why:
            raise Unprocessable(f"cannot assign appeal {appeal.id} to {user.name or user.email}: {why}",
                                errors=[{"field": "user_id", "message": why}])
        appeal.assignee_id, appeal.team_id = user.id, None
        payload |= {"user_id": user.id, "name": user.name or user.email}
    else:
        team = session.get(Team, team_id)
        if team is None:
            raise Unprocessable(f"there is no team {team_id}", errors=[{"field": "team_id", "message": "a team's id"}])
        why = team_misfit(session, team, decision)
        if why:
            raise Unprocessable(f"cannot assign appeal {appeal.id} to the team {team.name!r}: {why}",
                                errors=[{"field": "team_id", "message": why}])
        appeal.team_id, appeal.assignee_id = team.id, None
        payload |= {"team_id": team.id, "team": team.name}
    appeal.assigned_at = now
    audit.record(session=session, actor=principal.actor, action="appeal:assigned",
                 subject=f"item:{appeal.item_id}", payload=payload)
    return appeal


def take_over(*, session: Session, principal: Principal, appeal: Appeal, reason: str, now: dt.datetime) -> Appeal:
    """A lead takes an open appeal for themselves, with a reason that is audited; 422 when
    they may not decide it themselves."""
    _open(appeal)
    if appeal.assignee_id == principal.user_id:
        raise Conflict(f"appeal {appeal.id} is assigned to you already")
    decision = session.get(Decision, appeal.decision_id)
    lead = session.get(User, principal.user_id)
    assert decision is not None and lead is not None
    why = why_not(session, lead, decision)
    if why:
        raise Unprocessable(f"you cannot take appeal {appeal.id} over: {why}",
                            errors=[{"field": "reason", "message": why}])
    previous = session.get(User, appeal.assignee_id) if appeal.assignee_id else None
    payload = {"appeal": appeal.id, "reason": reason, "from": appeal.assignee_id,
               "from_name": (previous.name or previous.email) if previous else None, "from_team": appeal.team_id}
    appeal.assignee_id, appeal.team_id, appeal.assigned_at = lead.id, None, now
    audit.record(session=session, actor=principal.actor, action="appeal:taken_over",
                 subject=f"item:{appeal.item_id}", payload=payload)
    return appeal


def my_team_ids(session: Session, user_id: int | None) -> list[int]:
    return list(session.execute(select(TeamMember.team_id).where(TeamMember.user_id == user_id)).scalars())


def assigned_to(session: Session, principal: Principal) -> ColumnElement[bool]:
    """The condition for appeals in ``principal``'s own queue: assigned to them, or to one
    of their teams and to nobody in it yet."""
    teams = my_team_ids(session, principal.user_id)
    to_me = Appeal.assignee_id == principal.user_id
    if teams:
        return or_(to_me, Appeal.assignee_id.is_(None) & Appeal.team_id.in_(teams))
    return to_me


def waiting_for(session: Session, principal: Principal, appeals: Sequence[Appeal]) -> list[Appeal]:
    """Of ``appeals`` in a team's queue, drop those the caller took part in (a team member
    who decided the original decision does not get its appeal)."""
    kept = []
    for appeal in appeals:
        if appeal.assignee_id is None:
            decision = session.get(Decision, appeal.decision_id)
            if decision is not None and took_part(session, decision, principal.user_id):
                continue
        kept.append(appeal)
    return kept


def open_count(*, session: Session, principal: Principal) -> int:
    """How many open appeals wait for ``principal`` (the console's menu shows it)."""
    found = session.execute(select(Appeal).where(Appeal.status == AppealStatus.open,
                                                 assigned_to(session, principal))).scalars().all()
    return len(waiting_for(session, principal, found))
