"""The lead's dashboard (/console/dashboard, /api/v1/dashboard): the desk's backlog and
clocks now, and over a recent window the time taken to decide against each law's clock,
the throughput per team and per person, and the appeals and reversals by reason. Every
figure is counted from items the caller reaches (docket.access), grouped in the database;
only the durations of the window's decisions are read row by row (for the median and the
90th percentile), at most ``MAX_DURATIONS`` of them."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket import access
from docket.appeals.models import Appeal, AppealStatus
from docket.catalog import service as catalog
from docket.intake.models import Item, Request
from docket.items.states import ItemState
from docket.parties.auth import Principal
from docket.parties.models import Team, TeamMember, User
from docket.review.models import Decision, DecisionStatus

SOON_HOURS = 6
MAX_DURATIONS = 100_000


def _quantile(sorted_values: list[float], q: float) -> float | None:
    """The q-quantile (nearest rank) of sorted values."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures(*, session: Session, principal: Principal, now: dt.datetime, days: int = 30) -> dict[str, Any]:
    """Everything the dashboard shows, as plain data (the API returns it, the page draws it)."""
    since = now - dt.timedelta(days=days)
    items = access.scoped(select(Item), principal, Item)
    scope = items.where(Item.status != ItemState.decided).subquery()
    backlog = [{"jurisdiction": j, "state": str(s), "items": n} for j, s, n in session.execute(
        select(scope.c.jurisdiction, scope.c.status, func.count()).group_by(scope.c.jurisdiction, scope.c.status)
        .order_by(scope.c.jurisdiction, scope.c.status))]
    open_items = access.scoped(select(func.count()).select_from(Item), principal, Item).where(Item.queue_open.is_(True))
    overdue = session.execute(open_items.where(Item.deadline_at < now)).scalar_one()
    soon = session.execute(open_items.where(Item.deadline_at >= now,
                                            Item.deadline_at < now + dt.timedelta(hours=SOON_HOURS))).scalar_one()
    urgent = session.execute(
        access.scoped(select(Item), principal, Item).where(
            Item.queue_open.is_(True), Item.deadline_at < now + dt.timedelta(hours=SOON_HOURS))
        .order_by(Item.deadline_at, Item.id).limit(20)).scalars().all()
    return {
        "since": since, "until": now, "days": days, "soon_hours": SOON_HOURS,
        "backlog": backlog, "overdue": overdue, "due_soon": soon,
        "urgent": [{"item_id": i.id, "jurisdiction": i.jurisdiction, "reason": i.reason, "state": str(i.status),
                    "deadline_at": i.deadline_at, "overdue": i.deadline_at < now} for i in urgent],
        "clocks": _clocks(session, principal, since, now),
        "teams": _teams(session, principal, since, now),
        "people": _people(session, principal, since, now),
        "appeals": _appeals(session, principal, since, now),
        # Open appeals nobody may decide (appeals.routing left them unassigned): never lost.
        "appeals_unassigned": session.execute(
            access.scoped(select(func.count()).select_from(Appeal), principal, Appeal)
            .where(Appeal.status == AppealStatus.open, Appeal.assignee_id.is_(None),
                   Appeal.team_id.is_(None))).scalar_one(),
    }


def _clocks(session: Session, principal: Principal, since: dt.datetime, now: dt.datetime) -> list[dict[str, Any]]:
    """Time to decide per law's clock: median and 90th percentile against the clock's hours."""
    rows = session.execute(
        access.scoped(select(Item.jurisdiction, Item.decide_seconds, Request.clock_rule)
                      .join(Request, Request.id == Item.request_id), principal, Item, joined=True)
        .where(Item.decided_at >= since, Item.decided_at <= now, Item.decide_seconds.is_not(None))
        .limit(MAX_DURATIONS)).all()
    groups: dict[tuple[str, str | None, int], list[float]] = defaultdict(list)
    for jurisdiction, seconds, rule in rows:
        rule = rule or {}
        groups[(jurisdiction, rule.get("law"), int(rule.get("hours") or 0))].append(float(seconds))
    found = []
    for (jurisdiction, law_id, hours), values in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        values.sort()
        law = catalog.get_law(session=session, law_id=law_id) if law_id else None
        within = sum(1 for v in values if v <= hours * 3600)
        found.append({
            "jurisdiction": jurisdiction, "law": law.citation if law else None,
            "clock": f"{law.citation if law else jurisdiction + ' default'} ({hours} h)",
            "clock_hours": hours, "decided": len(values),
            "median_hours": _hours(_quantile(values, 0.5)), "p90_hours": _hours(_quantile(values, 0.9)),
            "within_clock_percent": _rate(within, len(values)),
        })
    return found


def _decisions(principal: Principal, since: dt.datetime, now: dt.datetime) -> Any:
    return access.scoped(select(Decision.decided_by).join(Item, Item.id == Decision.item_id), principal, Decision,
                         joined=True).where(Decision.decided_at >= since, Decision.decided_at <= now,
                                            Decision.status != DecisionStatus.rejected)


def _teams(session: Session, principal: Principal, since: dt.datetime, now: dt.datetime) -> list[dict[str, Any]]:
    """Decisions per team: a decision counts for each team its decider belongs to."""
    made = _decisions(principal, since, now).subquery()
    rows = session.execute(
        select(Team.name, func.count(made.c.decided_by)).select_from(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .outerjoin(made, made.c.decided_by == TeamMember.user_id)
        .group_by(Team.name).order_by(func.count(made.c.decided_by).desc(), Team.name))
    return [{"team": name, "decisions": n} for name, n in rows]


def _people(session: Session, principal: Principal, since: dt.datetime, now: dt.datetime) -> list[dict[str, Any]]:
    """Decisions per person who decided."""
    made = _decisions(principal, since, now).subquery()
    rows = session.execute(
        select(User.name, User.email, func.count()).select_from(made).join(User, User.id == made.c.decided_by)
        .group_by(User.id, User.name, User.email).order_by(func.count().desc(), User.email).limit(50))
    return [{"person": name or email, "decisions": n} for name, email, n in rows]


def _appeals(session: Session, principal: Principal, since: dt.datetime, now: dt.datetime) -> list[dict[str, Any]]:
    """Per reason: items decided in the window, the appeals against them, and reversals."""
    per_reason: Any = select(Item.reason, func.count())
    decided: dict[str, int] = {reason: n for reason, n in session.execute(
        access.scoped(per_reason, principal, Item)
        .where(Item.decided_at >= since, Item.decided_at <= now).group_by(Item.reason))}
    appealed: dict[str, dict[str, int]] = defaultdict(lambda: {"appeals": 0, "decided": 0, "reversed": 0})
    per_status: Any = select(Item.reason, Appeal.status, func.count()).join(Item, Item.id == Appeal.item_id)
    for reason, status, n in session.execute(
        access.scoped(per_status, principal, Appeal, joined=True)
        .where(Item.decided_at >= since, Item.decided_at <= now).group_by(Item.reason, Appeal.status)):
        appealed[reason]["appeals"] += n
        if status != AppealStatus.open:
            appealed[reason]["decided"] += n
        if status == AppealStatus.reversed:
            appealed[reason]["reversed"] += n
    found = []
    for reason in sorted(set(decided) | set(appealed)):
        a = appealed[reason]
        found.append({"reason": reason, "decided": decided.get(reason, 0), "appeals": a["appeals"],
                      "appeals_percent": _rate(a["appeals"], decided.get(reason, 0)),
                      "appeals_decided": a["decided"], "reversed": a["reversed"],
                      "reversal_percent": _rate(a["reversed"], a["decided"])})
    return found
