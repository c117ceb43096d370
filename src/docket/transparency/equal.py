"""Equal treatment: the same figures for every government submitter and jurisdiction, side by side."""

from __future__ import annotations

from typing import Any

from docket.parties.models import Submitter
from docket.review.service import QUEUE_RULE
from docket.transparency.figures import hours, share


def equal_treatment(*, groups: list[dict[str, Any]], times: dict[tuple[Any, ...], float],
                    request_rows: list[tuple[Any, ...]], orgs: dict[int, Submitter],
                    government: frozenset[str]) -> dict[str, Any]:
    """Per government submitter and jurisdiction: items, median time to decision, outcome
    shares, and the channels each submitter used; with the queue rule in words.

    Built from the report's passes (aggregates.report): ``groups`` per jurisdiction ×
    reason × submitter, ``times`` the median seconds to decide per (submitter, jurisdiction),
    ``request_rows`` per submitter × jurisdiction × month × channel; ``government`` the
    kinds the catalog counts as governments."""
    by_key: dict[tuple[int, str], dict[str, int]] = {}
    for g in groups:
        if g["kind"] in government:
            outcomes = by_key.setdefault((g["submitter_id"], g["jurisdiction"]), {})
            for o, (items, _requests) in g["outcomes"].items():
                outcomes[o] = outcomes.get(o, 0) + items
    channels: dict[int, set[str]] = {}
    requests: dict[int, int] = {}
    for submitter_id, _j, _month, channel, n, *_ in request_rows:
        if str(orgs[submitter_id].kind) in government:
            channels.setdefault(submitter_id, set()).add(str(channel))
            requests[submitter_id] = requests.get(submitter_id, 0) + int(n)
    rows: list[dict[str, Any]] = []
    # Organisations only (authorities): their names are public; no person is named.
    for (submitter_id, jurisdiction), by_outcome in sorted(
            by_key.items(), key=lambda kv: (kv[0][1], str(orgs[kv[0][0]].kind), orgs[kv[0][0]].name)):
        org = orgs[submitter_id]
        total = sum(by_outcome.values())
        rows.append({
            "submitter": org.name, "kind": str(org.kind), "submitter_country": org.country,
            "jurisdiction": jurisdiction, "items": total,
            "median_hours_to_decision": hours(times.get((submitter_id, jurisdiction))),
            "outcomes": {o: {"items": n, "share": share(n, total)} for o, n in sorted(by_outcome.items())},
            "channels": len(channels.get(submitter_id, ())), "requests": requests.get(submitter_id, 0),
        })
    by_jurisdiction = []
    for jurisdiction in sorted({r["jurisdiction"] for r in rows}):
        mine = [r for r in rows if r["jurisdiction"] == jurisdiction]
        by_jurisdiction.append({"jurisdiction": jurisdiction, "items": sum(r["items"] for r in mine),
                                "submitters": len(mine)})
    return {"queue_rule": QUEUE_RULE, "submitters": rows, "jurisdictions": by_jurisdiction}
