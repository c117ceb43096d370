"""The demo's desk (docket serve --demo): a lead, teams per role and jurisdiction, and some
items assigned, so the queue's team filter, "Next item" and the assignment panel show."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.intake.models import Item
from docket.parties import service as parties
from docket.parties.auth import user_principal
from docket.parties.models import Team, TeamMember
from docket.review import flow
from docket.review.steps import step_of, team_misfit
from docket.store import utcnow

ACTOR = "system:demo"
LEAD = ("dkt_demo_lena", "lena@docket.example", "Lena Lead")
# (name, role, jurisdiction, members by e-mail)
TEAMS = [
    ("policy — all", "reviewer", None, ["alice@docket.example", "carol@docket.example"]),
    ("legal — KZ", "legal", "KZ", ["bob@docket.example"]),
    ("legal — DE", "legal", "DE", ["frank@docket.example"]),
    ("rights — all", "rights", None, ["carol@docket.example"]),
]


def load(session: Session, password: str) -> None:
    """Create the lead and the teams; give some open items to a team or a person."""
    token, email, name = LEAD
    lena = parties.create_user(session=session, actor=ACTOR, email=email, name=name, roles=["lead"],
                               jurisdictions=[], password=password)
    parties.create_token(session=session, actor=ACTOR, user=lena, name="demo", secret=token)
    teams = []
    for team_name, role, jurisdiction, members in TEAMS:
        team = Team(name=team_name, role=role, jurisdiction=jurisdiction)
        session.add(team)
        session.flush()
        for member in members:
            user = parties.get_user_by_email(session=session, email=member)
            if user is not None:
                session.add(TeamMember(team_id=team.id, user_id=user.id))
        teams.append(team)
    session.flush()
    lead = user_principal(session, user_id=lena.id)
    now = utcnow()
    open_items = session.execute(select(Item).where(Item.queue_open.is_(True)).order_by(Item.id)).scalars().all()
    given = 0
    for item in open_items:
        if step_of(item) is None or given >= 4:
            continue
        fits = next((t for t in teams if t.jurisdiction is not None and team_misfit(t, item) is None), None)
        if fits is not None:
            flow.assign(session=session, principal=lead, item=item, user_id=None, team_id=fits.id, now=now)
            given += 1
    alice = parties.get_user_by_email(session=session, email="alice@docket.example")
    for item in open_items:
        if alice is not None and item.team_id is None and step_of(item) is not None \
                and flow.why_cannot_act(session, alice, item) is None:
            flow.assign(session=session, principal=lead, item=item, user_id=alice.id, team_id=None, now=now)
            break
