"""Equal treatment: the same figures for every government submitter and jurisdiction, side by side."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from docket.intake.models import Item, Request
from docket.parties.models import Submitter
from docket.review.api import QUEUE_RULE
from docket.review.models import Decision
from docket.transparency.aggregates import (
    GOVERNMENT_KINDS,
    _hours,
    _in,
    _share,
    item_outcome,
    standing_decision,
)
from docket.transparency.periods import Period
from docket.transparency.sql import dialect, medians, seconds_between


def equal_treatment(*, session: Session, period: Period) -> dict[str, Any]:
    """Per government submitter and jurisdiction: items, median time to decision, outcome
    shares, and the channels each submitter used; with the queue rule in words."""
    scope = and_(_in(Request.received_at, period), Submitter.kind.in_(GOVERNMENT_KINDS))
    keys = (Request.submitter_id, Request.jurisdiction)
    outcome = item_outcome()
    counts = session.execute(
        select(*keys, outcome, func.count(Item.id)).select_from(Item)
        .join(Request, Request.id == Item.request_id).join(Submitter, Submitter.id == Request.submitter_id)
        .where(scope).group_by(*keys, outcome)
    ).all()
    times = medians(session, select(
        Request.submitter_id.label("submitter_id"), Request.jurisdiction.label("jurisdiction"),
        seconds_between(dialect(session), Item.received_at, Decision.decided_at).label("d"),
    ).select_from(Item).join(Request, Request.id == Item.request_id).join(Decision, standing_decision())
        .join(Submitter, Submitter.id == Request.submitter_id).where(scope, Item.decided_at.is_not(None)),
        ("submitter_id", "jurisdiction"))
    channels = dict(session.execute(
        select(Request.submitter_id, func.count(func.distinct(Request.channel)))
        .join(Submitter, Submitter.id == Request.submitter_id).where(scope).group_by(Request.submitter_id)
    ).all())
    requests = dict(session.execute(
        select(Request.submitter_id, func.count()).join(Submitter, Submitter.id == Request.submitter_id)
        .where(scope).group_by(Request.submitter_id)
    ).all())
    ids = sorted({row[0] for row in counts} | set(requests))
    # Organisations only (authorities): their names are public; no person is named.
    orgs = {s.id: s for s in session.execute(select(Submitter).where(Submitter.id.in_(ids))).scalars()} if ids else {}
    groups: dict[tuple[int, str], dict[str, int]] = {}
    for submitter_id, jurisdiction, o, n in counts:
        groups.setdefault((submitter_id, jurisdiction), {})[o] = int(n)
    rows = []
    for (submitter_id, jurisdiction), by_outcome in sorted(
            groups.items(), key=lambda kv: (kv[0][1], orgs[kv[0][0]].kind, orgs[kv[0][0]].name)):
        org = orgs[submitter_id]
        total = sum(by_outcome.values())
        rows.append({
            "submitter": org.name, "kind": org.kind, "submitter_country": org.country,
            "jurisdiction": jurisdiction, "items": total,
            "median_hours_to_decision": _hours(times.get((submitter_id, jurisdiction))),
            "outcomes": {o: {"items": n, "share": _share(n, total)} for o, n in sorted(by_outcome.items())},
            "channels": int(channels.get(submitter_id, 0)), "requests": int(requests.get(submitter_id, 0)),
        })
    by_jurisdiction = []
    for jurisdiction in sorted({r["jurisdiction"] for r in rows}):
        mine = [r for r in rows if r["jurisdiction"] == jurisdiction]
        by_jurisdiction.append({"jurisdiction": jurisdiction, "items": sum(r["items"] for r in mine),
                                "submitters": len(mine)})
    return {"queue_rule": QUEUE_RULE, "submitters": rows, "jurisdictions": by_jurisdiction}
