"""Every table of the transparency site as a download: (header, rows), written as CSV or
JSON. Codes stay codes in the files (they are for machines); Google's files use Google's
columns and reason labels, the Art. 15 tables the DSA's (docs/transparency-exports.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import orjson

from docket.transparency.render import GOOGLE_COLUMNS

Table = tuple[list[str], list[list[Any]]]

GOOGLE_DETAILED = ["Period Ending", "Country/Region", "CLDR Territory Code", "Product", "Reason", "Total"]
GOOGLE_OUTCOMES = ["Period Ending", "Country/Region", "CLDR Territory Code", "Number of Requests",
                   "Items Requested To Be Removed", "Removed - Legal (%)", "Removed - Policy (%)",
                   "Content Not Found (%)", "Content Already Removed (%)", "Not Enough Information (%)",
                   "No Action Taken (%)"]
# docket's outcomes in Google's item-outcome columns (a request that is not valid leaves
# the platform without enough to act on; an overbroad one is not acted on).
GOOGLE_OUTCOME_OF = {"restricted": 0, "removed_policy": 1, "content_not_found": 2, "already_removed": 3,
                     "rejected_invalid": 4, "no_action": 5, "rejected_overbroad": 5}

# The period's downloads, in the order the page lists them: name → title.
PERIOD_TABLES = {
    "requests": "Requests by country, requester kind and reason",
    "outcomes": "Items by country, requester kind, reason and outcome",
    "outcome-totals": "Outcome shares (per item)",
    "months": "Requests per month by country",
    "decision-times": "Time from receipt to decision",
    "totals": "Totals and medians",
    "user-reports": "User reports by reason",
    "equal-treatment": "Equal treatment per government submitter",
    "google-summary": "Google format: summary of government requests",
    "google-detailed": "Google format: detailed removal requests",
    "google-item-outcomes": "Google format: item outcome shares",
    "art15-orders": "DSA Art. 15(1)(a): orders from member-state authorities",
    "art15-data-orders": "DSA Art. 15(1)(a): orders about user data",
    "art15-notices": "DSA Art. 15(1)(b): notices",
    "art15-complaints": "DSA Art. 15(1)(d): complaints",
}
COUNTRY_TABLES = {
    "requesters": "Requests by requester kind",
    "reasons": "Requests by reason",
    "outcomes": "Items by outcome",
    "clocks": "Items by statutory clock",
    "trend": "Requests across periods",
}
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _pct(value: float | None) -> Any:
    return "" if value is None else value


def _whole(part: int, whole: int) -> int | str:
    """A whole percentage, as Google gives its shares."""
    return "" if not whole else round(100 * part / whole)


def google_detailed(data: dict[str, Any], *, government: frozenset[str], google: dict[str, str],
                    product: str) -> Table:
    """Google's detailed file: government requests per country and Google reason."""
    ending = data["period"]["ending"]
    names = {g["code"]: g["country"] for g in data["google_summary"]}
    totals: dict[tuple[str, str], int] = {}
    for r in data["requests"]:
        if r["requester_kind"] in government:
            key = (r["jurisdiction"], google.get(r["reason"], "Other"))
            totals[key] = totals.get(key, 0) + int(r["requests"])
    return GOOGLE_DETAILED, [[ending, names.get(code, code), code, product, reason, n]
                             for (code, reason), n in sorted(totals.items())]


def google_item_outcomes(data: dict[str, Any], *, government: frozenset[str]) -> Table:
    """Google's item outcomes: per country, requests, items and the whole-percent share of
    the items requested in each outcome (items not yet decided are in none)."""
    ending = data["period"]["ending"]
    names = {g["code"]: g["country"] for g in data["google_summary"]}
    per: dict[str, list[int]] = {}
    for r in data["requests"]:
        if r["requester_kind"] in government:
            f = per.setdefault(r["jurisdiction"], [0] * 8)
            f[0], f[1] = f[0] + int(r["requests"]), f[1] + int(r["items"])
    for o in data["outcomes"]:
        column = GOOGLE_OUTCOME_OF.get(o["outcome"])
        if o["requester_kind"] in government and column is not None:
            per[o["jurisdiction"]][2 + column] += int(o["items"])
    return GOOGLE_OUTCOMES, [[ending, names.get(code, code), code, f[0], f[1], *(_whole(x, f[1]) for x in f[2:])]
                             for code, f in sorted(per.items())]


def _google_summary(data: dict[str, Any]) -> Table:
    ending = data["period"]["ending"]
    return GOOGLE_COLUMNS, [[ending, g["country"], g["code"],
                             *(x for part in ("all", "court", "other")
                               for x in (g[part]["requests"], _pct(g[part]["complied_share"]), g[part]["items"]))]
                            for g in data["google_summary"]]


def period_table(name: str, data: dict[str, Any], *, government: frozenset[str], google: dict[str, str],
                 product: str, art15: Callable[[], dict[str, Table]]) -> Table | None:
    """The period's table ``name`` (see PERIOD_TABLES), or None if there is no such table."""
    if name.startswith("art15-"):
        return art15().get(f"{name}.csv") if name in PERIOD_TABLES else None
    builders: dict[str, Callable[[], Table]] = {
        "requests": lambda: (["jurisdiction", "requester_kind", "reason", "requests", "items", "requests_complied",
                              "complied_share"],
                             [[r["jurisdiction"], r["requester_kind"], r["reason"], r["requests"], r["items"],
                               r["requests_complied"], _pct(r["complied_share"])] for r in data["requests"]]),
        "outcomes": lambda: (["jurisdiction", "requester_kind", "reason", "outcome", "items", "requests"],
                             [[r["jurisdiction"], r["requester_kind"], r["reason"], r["outcome"], r["items"],
                               r["requests"]] for r in data["outcomes"]]),
        "outcome-totals": lambda: (["outcome", "items", "share"],
                                   [[r["outcome"], r["items"], _pct(r["share"])] for r in data["outcome_totals"]]),
        "months": lambda: (["month", "jurisdiction", "requests"],
                           [[r["month"], r["jurisdiction"], r["requests"]] for r in data["requests_by_month"]]),
        "decision-times": lambda: (["time_to_decision", "items"],
                                   [[r["bucket"], r["items"]] for r in data["decision_times"]]),
        "totals": lambda: (["figure", "value"],
                           [[k, _pct(v)] for k, v in data["totals"].items()]
                           + [[f"median_hours_to_{k}", _pct(v)] for k, v in data["median_hours"].items()]),
        "user-reports": lambda: (["reason", "reports"], [[r["reason"], r["reports"]] for r in data["user_reports"]]),
        "equal-treatment": lambda: (
            ["submitter", "kind", "jurisdiction", "items", "median_hours_to_decision", "channels", "outcomes"],
            [[r["submitter"], r["kind"], r["jurisdiction"], r["items"], _pct(r["median_hours_to_decision"]),
              r["channels"], "; ".join(f"{o}={v['items']}" for o, v in r["outcomes"].items())]
             for r in data["equal_treatment"]["submitters"]]),
        "google-summary": lambda: _google_summary(data),
        "google-detailed": lambda: google_detailed(data, government=government, google=google, product=product),
        "google-item-outcomes": lambda: google_item_outcomes(data, government=government),
    }
    build = builders.get(name)
    return None if build is None else build()


def country_table(name: str, country: dict[str, Any]) -> Table | None:
    """The country page's table ``name`` (see COUNTRY_TABLES), or None."""
    if name == "clocks":
        return (["clock_hours", "items", "decided_in_time", "decided_late", "not_yet_decided"],
                [[_pct(r["clock_hours"]), r["items"], r["in_time"], r["late"], r["open"]] for r in country["clocks"]])
    if name == "trend":
        return ["period", "requests"], [[r["period"], r["requests"]] for r in country["trend"]]
    rows = country.get(name)
    if rows is None:
        return None
    key = {"requesters": "requester_kind", "reasons": "reason", "outcomes": "outcome"}[name]
    return [key, "requests", "items"], [[r["code"], r["requests"], r["items"]] for r in rows]


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table[0])
    writer.writerows(table[1])
    return out.getvalue().encode("utf-8")


def to_json(table: Table) -> bytes:
    """A JSON array of objects, one per row, keyed by the CSV header."""
    header, rows = table
    return orjson.dumps([dict(zip(header, row, strict=True)) for row in rows], option=orjson.OPT_INDENT_2)
