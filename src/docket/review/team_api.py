"""Teams per role and jurisdiction: list, create, add and remove members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from docket.bounds import Id
from docket.deps import Db
from docket.parties.auth import Permission, Principal, require
from docket.review import teams
from docket.review.schemas import TeamCreate, TeamRead

router = APIRouter(prefix="/api/v1", tags=["teams"])

Lead = Annotated[Principal, Depends(require(Permission.assign))]
QueueReader = Annotated[Principal, Depends(require(Permission.queue_read))]


@router.get("/teams", response_model=list[TeamRead], summary="List teams")
def list_teams(db: Db, who: QueueReader) -> list[TeamRead]:
    """Every team with its members. Who: staff with queue access."""
    return [TeamRead.model_validate(teams.read(session=db, team=t)) for t in teams.list_teams(session=db)]


@router.post("/teams", response_model=TeamRead, status_code=status.HTTP_201_CREATED, summary="Create a team",
             responses={409: {"description": "a team of that name exists"}})
def create_team(body: TeamCreate, db: Db, who: Lead) -> TeamRead:
    """A new team; audited as ``team:created``. Who: leads."""
    return TeamRead.model_validate(teams.read(session=db, team=teams.create(session=db, principal=who, data=body)))


@router.post("/teams/{team_id}/members/{user_id}", response_model=TeamRead, summary="Add a member",
             responses={422: {"description": "the person lacks the team's role"}})
def add_member(team_id: Id, user_id: Id, db: Db, who: Lead) -> TeamRead:
    """Add a person with the team's role; audited as ``team:member_added``. Who: leads."""
    team = teams.add_member(session=db, principal=who, team=teams.get(session=db, team_id=team_id), user_id=user_id)
    return TeamRead.model_validate(teams.read(session=db, team=team))


@router.delete("/teams/{team_id}/members/{user_id}", response_model=TeamRead, summary="Remove a member",
               responses={404: {"description": "no such team, or the person is not in it"}})
def remove_member(team_id: Id, user_id: Id, db: Db, who: Lead) -> TeamRead:
    """Remove a person; audited as ``team:member_removed``. Who: leads."""
    team = teams.remove_member(session=db, principal=who, team=teams.get(session=db, team_id=team_id),
                               user_id=user_id)
    return TeamRead.model_validate(teams.read(session=db, team=team))
