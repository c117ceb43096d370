"""The desk's flow: a lead's assignments and take-overs, and "next item" from one's own
queue (items assigned to me, then to my teams, then unassigned ones I may act on)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, literal, or_, select, update
from sqlalchemy.orm import Session

from docket import access, audit
from docket.access import REVIEWING_ROLES
from docket.errors import Conflict, NotFound, Unprocessable
from docket.intake.models import Item
from docket.items.states import ItemState, Step
from docket.parties.auth import Principal, user_principal
from docket.parties.models import Team, TeamMember, User
from docket.review.service import QUEUE_ORDER
from docket.review.steps import (
    STATE_STEP,
    STEP_ROLES,
    person_name,
    roles_for_next,
    step_of,
    team_misfit,
)
from docket.store import rowcount


def why_cannot_act(session: Session, user: User, item: Item) -> str | None:
    """Why ``user`` may not take ``item`` at its current step (in words), or None."""
    name = user.name or user.email
    wanted = roles_for_next(item)
    if wanted is None:
        return f"item {item.id} is {item.status}: it waits for no review step"
    if not user.active:
        return f"{name}'s account is deactivated"
    principal = user_principal(session, user_id=user.id)
    if not access.may_act(principal, jurisdiction=item.jurisdiction):
        return f"{name} may not act on items of {item.jurisdiction}"
    what, roles = wanted
    if not access.roles_in(principal, item.jurisdiction) & roles:
        needed = ", ".join(sorted(r.value for r in roles))
        return f"{name} cannot do the {what} of a {item.jurisdiction} item (it needs one of: {needed})"
    return None


def _holds_claim(item: Item, now: dt.datetime) -> bool:
    return item.assigned_to is not None and item.claim_expires_at is not None and item.claim_expires_at > now


def assign(*, session: Session, principal: Principal, item: Item, user_id: int | None, team_id: int | None,
           now: dt.datetime) -> Item:
    """A lead gives ``item`` to a person (for its current step) or to a team; a claim by
    someone else than the new assignee ends. 422 when they may not do that step there."""
    payload: dict[str, object] = {}
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or user.submitter_id is not None:
            raise Unprocessable(f"there is no staff member {user_id}",
                                errors=[{"field": "user_id", "message": "a staff member's id"}])
        why = why_cannot_act(session, user, item)
        if why:
            raise Unprocessable(f"cannot assign item {item.id} to {user.name or user.email}: {why}",
                                errors=[{"field": "user_id", "message": why}])
        item.assignee_id = user.id
        payload |= {"user_id": user.id, "name": user.name or user.email}
    else:
        team = session.get(Team, team_id)
        if team is None:
            raise Unprocessable(f"there is no team {team_id}", errors=[{"field": "team_id", "message": "a team's id"}])
        why = team_misfit(team, item)
        if why:
            raise Unprocessable(f"cannot assign item {item.id} to the team {team.name!r}: {why}",
                                errors=[{"field": "team_id", "message": why}])
        item.team_id, item.assignee_id = team.id, None
        payload |= {"team_id": team.id, "team": team.name}
    if _holds_claim(item, now) and item.assigned_to != item.assignee_id:
        payload["claim_ended"] = item.assigned_to
        item.assigned_to, item.claim_expires_at = None, None
    audit.record(session=session, actor=principal.actor, action="item:assigned", subject=f"item:{item.id}",
                 payload=payload)
    return item


def take_over(*, session: Session, principal: Principal, item: Item, reason: str, now: dt.datetime,
              ttl: dt.timedelta) -> Item:
    """A lead takes an item from its claimant (or claims it), with a reason that is audited."""
    if step_of(item) is None:
        raise Conflict(f"item {item.id} is {item.status}; there is nothing to take over")
    previous = item.assigned_to if _holds_claim(item, now) else None
    if previous == principal.user_id:
        raise Conflict(f"item {item.id} is claimed by you already")
    item.assigned_to, item.claim_expires_at, item.assignee_id = principal.user_id, now + ttl, principal.user_id
    audit.record(session=session, actor=principal.actor, action="item:taken_over", subject=f"item:{item.id}",
                 payload={"reason": reason, "from": previous,
                          "from_name": person_name(session, previous) if previous else None,
                          "until": item.claim_expires_at.isoformat()})
    return item


def my_team_ids(session: Session, user_id: int | None) -> list[int]:
    return list(session.execute(select(TeamMember.team_id).where(TeamMember.user_id == user_id)).scalars())


def my_queue(*, session: Session, principal: Principal, now: dt.datetime, limit: int = 20) -> Sequence[Item]:
    """The top of the caller's own queue: assigned to me, then to my teams, then unassigned
    ones at a step I may do; never one someone else holds; each in the queue order."""
    teams = my_team_ids(session, principal.user_id)
    states = [state for state, step in STATE_STEP.items() if _may_do(principal, step)]
    # A recorded human-rights finding leaves the decision, which any reviewing role makes.
    deciding = (Item.status == ItemState.rights_review) & Item.rights_finding.is_not(None) \
        if principal.roles & REVIEWING_ROLES else literal(False)
    mine = Item.assignee_id == principal.user_id
    ours = Item.team_id.in_(teams) if teams else literal(False)
    rank = case((mine, 0), (ours, 1), else_=2)
    query = access.scoped(select(Item).where(Item.queue_open.is_(True), Item.status.in_(states) | deciding),
                          principal, Item, access.Purpose.act)
    query = query.where(
        # Never one somebody holds; not one I hold either ("next" moves on to a new one).
        or_(Item.assigned_to.is_(None), Item.claim_expires_at.is_(None), Item.claim_expires_at <= now),
        or_(mine, Item.assignee_id.is_(None) & (ours | Item.team_id.is_(None))),
    )
    return session.execute(query.order_by(rank, *QUEUE_ORDER).limit(limit)).scalars().all()


def _may_do(principal: Principal, step: Step) -> bool:
    return bool(principal.roles & STEP_ROLES[step])


def next_item(*, session: Session, principal: Principal, now: dt.datetime, ttl: dt.timedelta) -> Item:
    """Claim the top of the caller's own queue (not one they hold already); NotFound when
    nothing waits for them."""
    for item in my_queue(session=session, principal=principal, now=now):
        wanted = roles_for_next(item)
        if wanted is None or not access.roles_in(principal, item.jurisdiction) & wanted[1]:
            continue
        # Conditional: another reviewer's "next item" at the same moment may win this one.
        won = rowcount(session.execute(
            update(Item).where(Item.id == item.id, or_(Item.assigned_to.is_(None),
                                                       Item.claim_expires_at.is_(None),
                                                       Item.claim_expires_at <= now))
            .values(assigned_to=principal.user_id, claim_expires_at=now + ttl)
            .execution_options(synchronize_session=False)))
        if won:
            session.refresh(item)
            audit.record(session=session, actor=principal.actor, action="item:claimed", subject=f"item:{item.id}",
                         payload={"until": (now + ttl).isoformat(), "next_item": True})
            return item
    raise NotFound("nothing is waiting for you: no item is assigned to you or your teams, and no unclaimed "
                   "item is at a step you may do")



def holders(*, session: Session, items: Sequence[Item], now: dt.datetime) -> dict[int, dict[str, object]]:
    """Per item: who claims it, the person and the team it is assigned to, by name."""
    user_ids = {i.assignee_id for i in items} | {i.assigned_to for i in items if _holds_claim(i, now)}
    wanted = sorted(u for u in user_ids if u)
    people = {uid: (name or email) for uid, name, email in session.execute(
        select(User.id, User.name, User.email).where(User.id.in_(wanted)))} if wanted else {}
    team_ids = sorted({i.team_id for i in items if i.team_id})
    teams: dict[int, str] = {tid: name for tid, name in session.execute(
        select(Team.id, Team.name).where(Team.id.in_(team_ids)))} if team_ids else {}

    def ref(uid: int | None, names: dict[int, str]) -> dict[str, object] | None:
        return {"id": uid, "name": names.get(uid, f"user {uid}")} if uid else None

    return {i.id: {"claimed_by": ref(i.assigned_to, people) if _holds_claim(i, now) else None,
                   "assignee": ref(i.assignee_id, people), "team": ref(i.team_id, teams)} for i in items}
