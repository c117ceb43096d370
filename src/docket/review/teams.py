"""Teams per role and jurisdiction (e.g. "legal — KZ"): a lead creates them and adds or
removes members; every change is audited."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import audit
from docket.access import may_act, roles_in
from docket.catalog import service as catalog
from docket.errors import Conflict, NotFound, Unprocessable
from docket.parties.auth import Principal, user_principal
from docket.parties.models import Role, Team, TeamMember, User
from docket.review.schemas import TeamCreate


def list_teams(*, session: Session) -> Sequence[Team]:
    return session.execute(select(Team).order_by(Team.name)).scalars().all()


def get(*, session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"there is no team {team_id}")
    return team


def create(*, session: Session, principal: Principal, data: TeamCreate) -> Team:
    """A new team; its name is unique (409 otherwise)."""
    code = data.jurisdiction.upper() if data.jurisdiction else None
    if code and catalog.get_jurisdiction(session=session, code=code) is None:
        raise Unprocessable(f"unknown country {code!r}",
                            errors=[{"field": "jurisdiction", "message": "a known country"}])
    if session.execute(select(Team.id).where(Team.name == data.name)).first():
        raise Conflict(f"a team named {data.name!r} exists already")
    team = Team(name=data.name, role=data.role, jurisdiction=code, appeals=data.appeals)
    session.add(team)
    session.flush()
    audit.record(session=session, actor=principal.actor, action="team:created", subject=f"team:{team.id}",
                 payload={"name": team.name, "role": team.role, "jurisdiction": code, "appeals": team.appeals})
    return team


def add_member(*, session: Session, principal: Principal, team: Team, user_id: int) -> Team:
    """Add a person who has the team's role (in its country, for a local representative)."""
    user = session.get(User, user_id)
    if user is None or user.submitter_id is not None:
        raise NotFound(f"there is no staff member {user_id}")
    person = user_principal(session, user_id=user.id)
    roles = roles_in(person, team.jurisdiction) if team.jurisdiction else person.roles - {Role.local_representative}
    if Role(team.role) not in roles or (team.jurisdiction and not may_act(person, jurisdiction=team.jurisdiction)):
        where = f" in {team.jurisdiction}" if team.jurisdiction else " everywhere"
        raise Unprocessable(f"{user.name or user.email} does not have the role {team.role}{where}",
                            errors=[{"field": "user_id", "message": f"needs the role {team.role}{where}"}])
    if any(m.user_id == user.id for m in team.members):
        raise Conflict(f"{user.name or user.email} is in the team {team.name!r} already")
    team.members.append(TeamMember(team_id=team.id, user_id=user.id))
    session.flush()
    audit.record(session=session, actor=principal.actor, action="team:member_added", subject=f"team:{team.id}",
                 payload={"user_id": user.id, "name": user.name or user.email})
    return team


def remove_member(*, session: Session, principal: Principal, team: Team, user_id: int) -> Team:
    member = next((m for m in team.members if m.user_id == user_id), None)
    if member is None:
        raise NotFound(f"user {user_id} is not in the team {team.name!r}")
    team.members.remove(member)
    session.flush()
    audit.record(session=session, actor=principal.actor, action="team:member_removed", subject=f"team:{team.id}",
                 payload={"user_id": user_id})
    return team


def read(*, session: Session, team: Team) -> dict[str, object]:
    """A team as the API and the console show it (members by name)."""
    ids = [m.user_id for m in team.members]
    people = {uid: (name or email) for uid, name, email in session.execute(
        select(User.id, User.name, User.email).where(User.id.in_(ids)))} if ids else {}
    return {"id": team.id, "name": team.name, "role": team.role, "jurisdiction": team.jurisdiction,
            "appeals": team.appeals,
            "members": sorted(({"id": uid, "name": people.get(uid, f"user {uid}")} for uid in ids),
                              key=lambda p: str(p["name"]).lower())}
