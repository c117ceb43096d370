"""The demo's appeals desk (docket serve --demo): Frank decides appeals, as the one member of
the appeals team for every country, so the demo's appeals are routed to him — each only if
he took no part in the decision appealed (appeals/routing.py checks; otherwise to someone
else who may decide it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from docket.parties import service as parties
from docket.parties.models import Team, TeamMember

TEAM = ("appeals — all", "legal", ["frank@docket.example"])


def load(session: Session) -> None:
    """Create the appeals team (before the demo's appeals are filed)."""
    name, role, members = TEAM
    team = Team(name=name, role=role, jurisdiction=None, appeals=True)
    session.add(team)
    session.flush()
    for email in members:
        user = parties.get_user_by_email(session=session, email=email)
        if user is not None:
            session.add(TeamMember(team_id=team.id, user_id=user.id))
    session.flush()
