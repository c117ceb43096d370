"""Which step an item waits for, who may do it, and which team fits it (the desk's flow)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from docket.access import REVIEWING_ROLES
from docket.intake.models import Item
from docket.items.states import ItemState, Step
from docket.parties.models import Role, Team, User

STEP_ROLES: dict[Step, frozenset[Role]] = {
    Step.policy: REVIEWING_ROLES,
    Step.legal: frozenset({Role.legal, Role.local_representative}),
    Step.rights: frozenset({Role.rights, Role.local_representative}),
}
def person_name(session: Session, user_id: int | None) -> str:
    """How a person is named to others: their name, else their e-mail ("user N" if gone)."""
    user = session.get(User, user_id) if user_id else None
    return (user.name or user.email) if user else f"user {user_id}"


STATE_STEP: dict[str, Step] = {
    ItemState.received: Step.policy, ItemState.content_not_found: Step.policy, ItemState.policy_review: Step.policy,
    ItemState.legal_review: Step.legal, ItemState.rights_review: Step.rights,
}


def step_of(item: Item) -> Step | None:
    """The review step an item waits for (None: it waits for no reviewer's step)."""
    return STATE_STEP.get(str(item.status))


def roles_for_next(item: Item) -> tuple[str, frozenset[Role]] | None:
    """What an item waits for now, in words, and the roles that may do it: a review step,
    or (the human-rights finding recorded) the decision; None: no reviewer's work."""
    step = step_of(item)
    if step is None:
        return None
    if step == Step.rights and item.rights_finding is not None:
        return "decision", REVIEWING_ROLES
    return f"{step.value} review", STEP_ROLES[step]


def team_misfit(team: Team, item: Item) -> str | None:
    """Why ``team`` cannot take ``item`` at its current step, or None."""
    if team.appeals:
        return f"the team {team.name!r} decides appeals, not items"
    wanted = roles_for_next(item)
    if wanted is None:
        return f"item {item.id} is {item.status}: it waits for no review step"
    if Role(team.role) not in wanted[1]:
        return f"the team {team.name!r} does {team.role} work; the {wanted[0]} needs one of: " + \
            ", ".join(sorted(r.value for r in wanted[1]))
    if team.jurisdiction not in (None, item.jurisdiction):
        return f"the team {team.name!r} works on {team.jurisdiction}; item {item.id} is of {item.jurisdiction}"
    return None


def team_fits(session: Session, team_id: int, item: Item) -> bool:
    team = session.get(Team, team_id)
    return team is not None and team_misfit(team, item) is None
