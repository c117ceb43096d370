"""The console's appeals queue (/console/appeals): my appeals, those routed to nobody (and
why), or all I may see, soonest due first; decide one; a lead assigns one to a person
or an appeals team, or takes it over. The same services as the API (appeals/api.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from docket import access
from docket.access import Purpose
from docket.appeals import routing
from docket.appeals import service as appeals
from docket.appeals.models import Appeal
from docket.appeals.schemas import AppealAssignmentCreate, AppealDecisionCreate, AppealTakeOverCreate
from docket.bounds import Id
from docket.catalog import service as catalog
from docket.deps import Db
from docket.parties.auth import Permission
from docket.parties.models import Team
from docket.review import console
from docket.review.console import OUTCOMES, Reviewer
from docket.review.models import Decision
from docket.store import utcnow
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form
from docket.web.i18n import tr
from docket.web.sessions import SignedIn

router = APIRouter(prefix="/console", include_in_schema=False)
Lead = Annotated[SignedIn, Depends(signed_in(permission=Permission.assign))]

APPEAL_FILTERS = {"open": "Open", "upheld": "Upheld", "reversed": "Reversed", "all": "All"}
WHOSE = {"mine": "Mine", "nobody": "Routed to nobody", "all": "All I may see"}


def _whose(request: Request, who: SignedIn) -> str:
    """Whose appeals the page shows: mine by default; a lead's default is all (the ones routed
    to nobody among them, with the reason)."""
    asked = request.query_params.get("whose", "")
    if asked in WHOSE:
        return asked
    return "all" if who.principal.can(Permission.assign) else "mine"


def _appeals_context(db: Session, who: SignedIn, shown: str, whose: str,
                     errs: dict[str, dict[str, str]] | None = None,
                     vals: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    found = appeals.list_appeals(session=db, principal=who.principal, status=None if shown == "all" else shown,
                                 assigned={"mine": "me", "nobody": "none"}.get(whose))
    lead = who.principal.can(Permission.assign)
    rows = []
    for appeal in found:
        decision = db.get(Decision, appeal.decision_id)
        assert decision is not None
        is_open = appeal.status == "open"
        deciders = routing.eligible(db, decision) if is_open else []
        rows.append({"a": appeal, "d": decision,
                     # Who may decide it, and why not this person (issue 20: appeals reach someone).
                     "why_not": appeals.why_cannot_decide(db, decision, who.principal) if is_open else None,
                     "deciders": sorted((u.name or u.email for u in deciders), key=str.lower),
                     "unrouted": (routing.nobody_reason(decision) if not deciders else None)
                     if is_open and appeal.assignee_id is None and appeal.team_id is None else None,
                     "people": [(str(u.id), u.name or u.email) for u in deciders] if lead else [],
                     "teams": _teams_for(db, decision) if lead and is_open else [],
                     "scope": ", ".join("everywhere" if c == "*" else catalog.country_name(c)
                                        for c in decision.scope) or "none"})
    names = console.names(db, {a.decided_by for a in found} | {a.assignee_id for a in found})
    team_ids = sorted({a.team_id for a in found if a.team_id})
    teams = dict(db.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all()) \
        if team_ids else {}
    return {"rows": rows, "shown": shown, "filters": list(APPEAL_FILTERS.items()), "whose": whose,
            "whose_filters": list(WHOSE.items()), "names": names, "team_names": teams, "lead": lead,
            "errs": errs or {}, "vals": vals or {}, "outcomes": OUTCOMES}


def _teams_for(db: Session, decision: Decision) -> list[tuple[str, str]]:
    """The appeals teams a lead may give an appeal against ``decision`` to."""
    candidates = db.execute(select(Team).where(
        Team.appeals.is_(True), or_(Team.jurisdiction.is_(None), Team.jurisdiction == decision.item.jurisdiction))
        .order_by(Team.name)).scalars().all()
    return [(str(t.id), t.name) for t in candidates if routing.team_misfit(db, t, decision) is None]


def _render(request: Request, db: Session, who: SignedIn, *, status: int = 200, whose: str | None = None,
            errs: dict[str, dict[str, str]] | None = None, vals: dict[str, dict[str, Any]] | None = None,
            shown: str = "open") -> Response:
    context = _appeals_context(db, who, shown, whose or _whose(request, who), errs, vals)
    return render.page(request, "console/appeals.html", context, status=status, title=tr(request, "Appeals"))


@router.get("/appeals", response_class=HTMLResponse)
def appeals_page(request: Request, db: Db, who: Reviewer) -> Response:
    """The appeals queue, soonest due first: my own by default (a lead's: all), open
    ones unless another status is chosen. Who: reviewers."""
    shown = request.query_params.get("status", "open")
    if shown not in APPEAL_FILTERS:
        shown = "open"
    return _render(request, db, who, shown=shown)


@router.post("/appeals/{appeal_id}/decision", response_class=HTMLResponse)
def decide_appeal(request: Request, appeal_id: Id, db: Db, who: Reviewer, form: Form) -> Response:
    """Uphold or reverse a decision on appeal. Who: a reviewer who took no part in the original
    decision; a reversal lifts the restriction at once."""
    appeal = access.visible(db, who.principal, Appeal, appeal_id, purpose=Purpose.act, for_update=True)
    key = f"appeal-{appeal_id}"
    values = {"outcome": console.text_field(form, "outcome", 20),
              "explanation": console.text_field(form, "explanation")}
    try:
        data = AppealDecisionCreate.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        return _render(request, db, who, status=422, whose="all", errs={key: console.validation_errors(exc)},
                       vals={key: values})
    _, error = console.attempt(db, lambda: appeals.decide(session=db, principal=who.principal, appeal=appeal,
                                                          outcome=data.outcome, explanation=data.explanation,
                                                          now=utcnow()))
    if error is not None:
        return _render(request, db, who, status=error.status, whose="all", errs={key: console.service_errors(error)},
                       vals={key: values})
    render.flash(request, tr(request, "Appeal %(id)s reversed: the decision no longer stands.", id=appeal_id)
                 if data.outcome == "reversed" else tr(request, "Appeal %(id)s upheld.", id=appeal_id))
    return render.redirect(request, "/console/appeals")


@router.post("/appeals/{appeal_id}/assign", response_class=HTMLResponse)
def assign_appeal(request: Request, appeal_id: Id, db: Db, who: Lead, form: Form) -> Response:
    """Give an open appeal to a person who may decide it, or to an appeals team. Who: leads."""
    key = f"assign-{appeal_id}"
    values = {"user_id": console.text_field(form, "user_id", 12), "team_id": console.text_field(form, "team_id", 12)}
    appeal = access.visible(db, who.principal, Appeal, appeal_id, for_update=True)
    try:
        data = AppealAssignmentCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        errors = console.validation_errors(exc)
        errors["form"] = tr(request, "Choose a person or a team.")
        return _render(request, db, who, status=422, whose="all", errs={key: errors}, vals={key: values})
    _, error = console.attempt(db, lambda: routing.assign(session=db, principal=who.principal, appeal=appeal,
                                                          user_id=data.user_id, team_id=data.team_id, now=utcnow()))
    if error is not None:
        return _render(request, db, who, status=error.status, whose="all", errs={key: console.service_errors(error)},
                       vals={key: values})
    to = console.names(db, {appeal.assignee_id}).get(appeal.assignee_id or 0) if appeal.assignee_id else \
        db.get(Team, appeal.team_id).name  # type: ignore[union-attr]
    render.flash(request, tr(request, "Appeal %(id)s is assigned to %(name)s.", id=appeal_id, name=to))
    return render.redirect(request, f"/console/appeals?whose=all#a-{appeal_id}")


@router.post("/appeals/{appeal_id}/take-over", response_class=HTMLResponse)
def take_over_appeal(request: Request, appeal_id: Id, db: Db, who: Lead, form: Form) -> Response:
    """Take an open appeal for oneself, with a reason. Who: leads who may decide it."""
    key = f"take-over-{appeal_id}"
    values = {"reason": console.text_field(form, "reason", 1000)}
    appeal = access.visible(db, who.principal, Appeal, appeal_id, purpose=Purpose.act, for_update=True)
    try:
        data = AppealTakeOverCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return _render(request, db, who, status=422, whose="all", errs={key: console.validation_errors(exc)},
                       vals={key: values})
    _, error = console.attempt(db, lambda: routing.take_over(session=db, principal=who.principal, appeal=appeal,
                                                             reason=data.reason, now=utcnow()))
    if error is not None:
        return _render(request, db, who, status=error.status, whose="all", errs={key: console.service_errors(error)},
                       vals={key: values})
    render.flash(request, tr(request, "You took appeal %(id)s over; it is in your queue.", id=appeal_id))
    return render.redirect(request, f"/console/appeals?whose=mine#a-{appeal_id}")


def open_appeals(request: Request) -> int | None:
    """How many open appeals wait for the signed-in reviewer (the menu's count), or None."""
    user: SignedIn | None = getattr(request.state, "user", None)
    if user is None or not user.principal.can(Permission.review):
        return None
    with request.app.state.read_sessionmaker() as db:
        return routing.open_count(session=db, principal=user.principal)


render.add_menu_count("appeals", open_appeals)
