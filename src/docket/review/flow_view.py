"""What the console shows of the desk's flow on the item page: who has the item (claim,
assignee, team, by name), a lead's choices of people and teams, and the human-rights step
once recorded with what comes next."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.intake.models import Item
from docket.parties.auth import Permission, Principal
from docket.parties.models import STAFF_ROLES, Team, User, UserRole
from docket.review import flow, service, steps
from docket.review.models import Review


def staff(session: Session) -> list[User]:
    """Active staff (no submitter's people, no service accounts), by name."""
    rows = session.execute(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), User.submitter_id.is_(None), UserRole.role.in_([r.value for r in STAFF_ROLES]))
        .distinct()
    ).scalars().all()
    return sorted(rows, key=lambda u: (u.name or u.email).lower())


def assignment_parts(*, session: Session, principal: Principal, item: Item, now: dt.datetime) -> dict[str, Any]:
    """The item page's assignment panel (console/_assignment.html)."""
    held = flow.holders(session=session, items=[item], now=now)[item.id]
    wanted = steps.roles_for_next(item)
    lead = principal.can(Permission.assign) and wanted is not None
    people: list[tuple[str, str]] = []
    teams: list[tuple[str, str]] = []
    if lead:
        people = [(str(u.id), u.name or u.email) for u in staff(session)
                  if flow.why_cannot_act(session, u, item) is None]
        teams = [(str(t.id), t.name) for t in session.execute(select(Team).order_by(Team.name)).scalars()
                 if steps.team_misfit(t, item) is None]
    return {"flow": {"held": held, "waits_for": wanted[0] if wanted else None, "lead": lead,
                     "people": people, "teams": teams}}


def rights_parts(*, session: Session, item: Item) -> dict[str, Any]:
    """The human-rights step as recorded (finding, flags, notes, who, when) and what comes
    next: the decision, a second person's approval, a local representative's sign-off."""
    if item.rights_finding is None:
        return {"rights": None}
    review = session.execute(select(Review).where(Review.item_id == item.id, Review.step == "rights")
                             .order_by(Review.id.desc()).limit(1)).scalar_one_or_none()
    if review is None:
        return {"rights": None}
    rep = service.signoff_jurisdiction(session, item)
    following: list[str] = []
    if str(item.status) == "rights_review":
        following.append("a decision on the item (any reviewer may make it)")
        if item.risk_flags:
            following.append("a second reviewer approves it, because the review raised risk flags")
        if rep:
            following.append(f"a restriction needs the sign-off of the local representative for {rep}")
        if item.priority == 0:
            following.append("an emergency decision is approved by a second person")
    return {"rights": {"review": review, "by": steps.person_name(session, review.reviewer_id),
                       "next": following}}


def team_options(session: Session) -> list[tuple[str, str]]:
    """Every team, for the queue's team filter."""
    return [(str(i), name) for i, name in session.execute(select(Team.id, Team.name).order_by(Team.name))]
