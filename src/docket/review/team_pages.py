"""The console's teams page (/console/teams): every team with its members; a lead creates
teams and adds or removes members. The same services as the API (review/team_api.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from docket.bounds import Id
from docket.deps import Db
from docket.parties.auth import Permission
from docket.review import console, flow_view, teams
from docket.review.console import QueueReader
from docket.review.schemas import TeamCreate
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form
from docket.web.i18n import tr
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/console", include_in_schema=False)
Lead = Annotated[SignedIn, Depends(signed_in(permission=Permission.assign))]
ROLES = [("reviewer", "Policy review (reviewer)"), ("legal", "Legal review (legal)"),
         ("rights", "Human-rights review (rights)"), ("local_representative", "Local representative")]


def _page(request: Request, db: Session, who: SignedIn, *, status: int = 200,
          errs: dict[str, dict[str, str]] | None = None, vals: dict[str, dict[str, Any]] | None = None) -> Response:
    shown = [teams.read(session=db, team=t) for t in teams.list_teams(session=db)]
    people = [(str(u.id), u.name or u.email) for u in flow_view.staff(db)]
    context = {"teams": shown, "lead": who.principal.can(Permission.assign), "people": people, "roles": ROLES,
               "countries": console.countries(db), "errs": errs or {}, "vals": vals or {}}
    return render.page(request, "console/teams.html", context, status=status, title=tr(request, "Teams"))


@router.get("/teams", response_class=HTMLResponse)
def teams_page(request: Request, db: Db, who: QueueReader) -> Response:
    """Every team with its members. Who: staff with queue access; leads also change them."""
    return _page(request, db, who)


@router.post("/teams", response_class=HTMLResponse)
def create_team(request: Request, db: Db, who: Lead, form: Form) -> Response:
    """Create a team. Who: leads."""
    values = {k: console.text_field(form, k, 100) for k in ("name", "role", "jurisdiction", "work")}
    try:
        data = TeamCreate.model_validate({k: v for k, v in values.items() if v and k != "work"}
                                         | {"appeals": values["work"] == "appeals"})
    except ValidationError as exc:
        return _page(request, db, who, status=422, errs={"create": console.validation_errors(exc)},
                     vals={"create": values})
    team, error = console.attempt(db, lambda: teams.create(session=db, principal=who.principal, data=data))
    if error is not None:
        return _page(request, db, who, status=error.status, errs={"create": console.service_errors(error)},
                     vals={"create": values})
    render.flash(request, tr(request, "Team “%(name)s” created.", name=team.name))
    return render.redirect(request, f"/console/teams#team-{team.id}")


@router.post("/teams/{team_id}/members", response_class=HTMLResponse)
def add_member(request: Request, team_id: Id, db: Db, who: Lead, form: Form) -> Response:
    """Add a person to a team. Who: leads."""
    key = f"team-{team_id}"
    raw = console.text_field(form, "user_id", 12) or ""
    team = teams.get(session=db, team_id=team_id)
    if not raw.isdigit():
        return _page(request, db, who, status=422, errs={key: {"form": "Choose a person.", "user_id": "required"}})
    _, error = console.attempt(db, lambda: teams.add_member(session=db, principal=who.principal, team=team,
                                                            user_id=int(raw)))
    if error is not None:
        return _page(request, db, who, status=error.status, errs={key: console.service_errors(error)},
                     vals={key: {"user_id": raw}})
    render.flash(request, tr(request, "Added to “%(name)s”.", name=team.name))
    return render.redirect(request, f"/console/teams#team-{team_id}")


@router.post("/teams/{team_id}/members/{user_id}/remove", response_class=HTMLResponse)
def remove_member(request: Request, team_id: Id, user_id: Id, db: Db, who: Lead, form: Form) -> Response:
    """Remove a person from a team. Who: leads."""
    team = teams.get(session=db, team_id=team_id)
    teams.remove_member(session=db, principal=who.principal, team=team, user_id=user_id)
    render.flash(request, tr(request, "Removed from “%(name)s”.", name=team.name))
    return render.redirect(request, f"/console/teams#team-{team_id}")
