"""Report formats: JSON, a CSV directory (with Google's summary columns), and one HTML page
whose charts are inline SVG drawn here, on the server."""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, select_autoescape

from docket.transparency.labels import Labels, labels
from docket.web.headers import sha256_source

GOOGLE_COLUMNS = [
    "Period Ending", "Country", "CLDR Territory Code",
    "All Requests: Number of Requests", "All Requests: % Fully Or Partially Complied With",
    "All Requests: Items Requested To Be Removed",
    "Court Orders: Number of Requests", "Court Orders: % Fully Or Partially Complied With",
    "Court Orders: Items Requested To Be Removed",
    "Other Requests (Executive, Police, etc.): Number of Requests",
    "Other Requests (Executive, Police, etc.): % Fully Or Partially Complied With",
    "Other Requests (Executive, Police, etc.): Items Requested To Be Removed",
]
PALETTE = ("#1b6ca8", "#d1495b", "#00798c", "#edae49", "#66a182", "#8d5a97", "#30638e", "#a23e48")

_env = Environment(loader=PackageLoader("docket.transparency", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def to_json(data: dict[str, Any]) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_files(data: dict[str, Any]) -> dict[str, str]:
    """The CSV report: file name → contents."""
    ending = data["period"]["ending"]
    google = [[ending, g["country"], g["code"],
               *(x for part in ("all", "court", "other")
                 for x in (g[part]["requests"], _pct(g[part]["complied_share"]), g[part]["items"]))]
              for g in data["google_summary"]]
    files = {
        "google-summary.csv": _csv(GOOGLE_COLUMNS, google),
        "requests.csv": _csv(["jurisdiction", "requester_kind", "reason", "requests", "items", "requests_complied",
                              "complied_share"],
                             [[r["jurisdiction"], r["requester_kind"], r["reason"], r["requests"], r["items"],
                               r["requests_complied"], _pct(r["complied_share"])] for r in data["requests"]]),
        "outcomes.csv": _csv(["jurisdiction", "requester_kind", "reason", "outcome", "items", "requests"],
                             [[r["jurisdiction"], r["requester_kind"], r["reason"], r["outcome"], r["items"],
                               r["requests"]] for r in data["outcomes"]]),
        "totals.csv": _csv(["figure", "value"],
                           [[k, "" if v is None else v] for k, v in data["totals"].items()]
                           + [[f"median_hours_to_{k}", "" if v is None else v]
                              for k, v in data["median_hours"].items()]),
        "user-reports.csv": _csv(["reason", "reports"], [[r["reason"], r["reports"]] for r in data["user_reports"]]),
        "equal-treatment.csv": _csv(
            ["submitter", "kind", "jurisdiction", "items", "median_hours_to_decision", "channels", "outcomes"],
            [[r["submitter"], r["kind"], r["jurisdiction"], r["items"],
              "" if r["median_hours_to_decision"] is None else r["median_hours_to_decision"], r["channels"],
              "; ".join(f"{o}={v['items']}" for o, v in r["outcomes"].items())]
             for r in data["equal_treatment"]["submitters"]]),
    }
    log = data.get("log")
    if log:  # the checkpoint of the log the figures were computed over
        files["log.csv"] = _csv(["figure", "value"], [["tree_size", log["size"]], ["root", log["root"]],
                                                     ["signed", "yes" if log["signed"] else "no"],
                                                     ["replay", log["replay"]]])
        if log["checkpoint"]:
            files["log-checkpoint.txt"] = log["checkpoint"]
    return files


def write(data: dict[str, Any], fmt: str, out: Path) -> list[Path]:
    """Write the report in ``fmt`` (csv: a directory of files; json, html: one file)."""
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in csv_files(data).items():
            (out / name).write_text(text, encoding="utf-8")
            written.append(out / name)
        return written
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        out.write_bytes(to_json(data))
    else:
        out.write_text(html(data), encoding="utf-8")
    return [out]


# ------------------------------------------------------------------ charts (SVG)
def _bars(values: list[tuple[str, float]], *, title: str, unit: str) -> dict[str, Any]:
    """Horizontal bars: one per (label, value)."""
    top = max((v for _, v in values), default=0) or 1
    row, left, width = 26, 170, 360
    bars = [{"y": 10 + i * row, "w": round(width * v / top, 1), "label": label, "value": f"{v:g}{unit}",
             "color": PALETTE[i % len(PALETTE)]} for i, (label, v) in enumerate(values)]
    return {"title": title, "height": 20 + row * max(len(values), 1), "left": left, "width": width, "bars": bars}


def _stacked_months(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Vertical stacked bars: requests per month, one colour per jurisdiction."""
    months = sorted({r["month"] for r in rows})
    codes = sorted({r["jurisdiction"] for r in rows})
    value = {(r["month"], r["jurisdiction"]): r["requests"] for r in rows}
    top = max((sum(value.get((m, c), 0) for c in codes) for m in months), default=0) or 1
    plot_h, col, base = 180, 60, 200
    columns = []
    for i, month in enumerate(months):
        y, parts = base, []
        for j, code in enumerate(codes):
            n = value.get((month, code), 0)
            if n:
                h = round(plot_h * n / top, 1)
                y -= h
                parts.append({"y": round(y, 1), "h": h, "color": PALETTE[j % len(PALETTE)], "code": code, "n": n})
        columns.append({"x": 50 + i * col, "month": month, "parts": parts,
                        "total": sum(value.get((month, c), 0) for c in codes)})
    legend = [{"code": c, "color": PALETTE[j % len(PALETTE)]} for j, c in enumerate(codes)]
    return {"columns": columns, "legend": legend, "width": 80 + col * max(len(months), 1), "top": top,
            "base": base, "codes": codes, "months": months, "value": value}


@functools.cache
def html_policy() -> str:
    """The Content-Security-Policy of the HTML pages of the report: their one inline
    stylesheet (templates/report.css, the same on every page), allowed by its hash, and
    nothing else to load or run; the charts are inline SVG."""
    styles = sha256_source(_env.get_template("report.css").render())
    return (f"default-src 'none'; style-src {styles}; form-action 'none'; frame-ancestors 'none'; "
            "base-uri 'none'")


def html(data: dict[str, Any], *, t: Labels | None = None, site: dict[str, Any] | None = None) -> str:
    """The report as one self-contained page (inline CSS and SVG, no script, nothing external);
    with ``site`` (the site's links), the site's page of the period."""
    t = t or labels("en")
    outcomes = _bars([(t(f"outcome.{o['outcome']}"), o["share"] or 0) for o in data["outcome_totals"]],
                     title=t("ui.outcome_shares"), unit="%")
    times = _bars([(t(f"bucket.{b['bucket']}"), b["items"]) for b in data["decision_times"]],
                  title=t("ui.decision_times"), unit="")
    return _env.get_template("report.html").render(
        data=data, t=t, site=site, months=_stacked_months(data["requests_by_month"]), outcomes=outcomes,
        times=times, outcome_rows=[(t(f"outcome.{o['outcome']}"), o["items"], o["share"])
                                   for o in data["outcome_totals"]],
        time_rows=[(t(f"bucket.{b['bucket']}"), b["items"]) for b in data["decision_times"]])


def country_html(country: dict[str, Any], *, period: str, t: Labels, site: dict[str, Any]) -> str:
    """A country's page of the period: its tables and its trend across periods."""
    trend = _bars([(r["period"], r["requests"]) for r in country["trend"]], title=t("ui.trend"), unit="")
    return _env.get_template("country.html").render(
        country=country, period=period, t=t, site=site, trend_chart=trend,
        trend_rows=[(r["period"], r["requests"]) for r in country["trend"]])
