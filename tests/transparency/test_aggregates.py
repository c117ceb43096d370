"""The transparency report, figure by figure, over a known case history."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from docket import store
from docket.review.service import QUEUE_RULE
from docket.transparency import aggregates, render
from docket.transparency.periods import parse_period, period_between

GOOGLE_COLUMNS = [
    "Period Ending", "Country", "CLDR Territory Code", "All Requests: Number of Requests",
    "All Requests: % Fully Or Partially Complied With", "All Requests: Items Requested To Be Removed",
    "Court Orders: Number of Requests", "Court Orders: % Fully Or Partially Complied With",
    "Court Orders: Items Requested To Be Removed",
    "Other Requests (Executive, Police, etc.): Number of Requests",
    "Other Requests (Executive, Police, etc.): % Fully Or Partially Complied With",
    "Other Requests (Executive, Police, etc.): Items Requested To Be Removed",
]
# The header line as written: the "Other Requests" names contain commas, so CSV quotes them.
GOOGLE_HEADER = ",".join(f'"{c}"' if "," in c else c for c in GOOGLE_COLUMNS)

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _report(sessions: Any, label: str = "2026-H1") -> dict[str, Any]:
    with store.transaction(sessions) as s:
        return aggregates.report(session=s, period=parse_period(label), now=NOW)


def test_periods_are_half_open_utc_intervals() -> None:
    h1 = parse_period("2026-H1")
    assert (h1.start, h1.end, h1.ending) == (dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                                             dt.datetime(2026, 7, 1, tzinfo=dt.UTC), dt.date(2026, 6, 30))
    assert parse_period("2026-Q4").end == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert parse_period("2026-11").ending == dt.date(2026, 11, 30)
    assert period_between("2026-03-01", "2026-03-31").end == dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    with pytest.raises(Exception, match="not a period"):
        parse_period("2026-H3")


def test_the_report_counts_every_figure_exactly(history: Any, sessions: Any) -> None:
    data = _report(sessions)
    assert data["totals"] == {
        "requests": 4, "items": 5, "items_decided": 3, "requests_complied": 2, "complied_share": 50.0,
        "clarifications": 1, "emergencies": 1, "gag_holds": 0, "notices_held": 0, "appeals": 0,
        "appeals_reversed": 0, "appeals_upheld": 0, "trusted_flagger_items": 0, "coordinated_bursts": 0,
        "data_disclosure_requests": 0, "data_preservation_requests": 0,
    }
    # Acknowledged after 1 h and 3 h; decided after 10, 30 and 2 h; in effect after 12, 30 and 2 h.
    assert data["median_hours"] == {"acknowledge": 2.0, "decide": 10.0, "give_effect": 12.0}
    assert [(r["jurisdiction"], r["requester_kind"], r["requests"], r["items"], r["complied_share"])
            for r in data["requests"]] == [
        ("DE", "court", 1, 1, 100.0), ("IE", "user", 1, 1, 0.0), ("KZ", "government_agency", 1, 2, 100.0),
        ("TR", "regulator", 1, 1, 0.0)]
    assert [(r["jurisdiction"], r["reason"], r["outcome"], r["items"], r["requests"]) for r in data["outcomes"]] == [
        ("DE", "hate_speech", "removed_policy", 1, 1), ("IE", "cyberbullying", "pending", 1, 1),
        ("KZ", "hate_speech", "no_action", 1, 1), ("KZ", "hate_speech", "restricted", 1, 1),
        ("TR", "hate_speech", "pending", 1, 1)]
    assert data["outcome_totals"] == [
        {"outcome": "no_action", "items": 1, "share": 20.0}, {"outcome": "pending", "items": 2, "share": 40.0},
        {"outcome": "removed_policy", "items": 1, "share": 20.0}, {"outcome": "restricted", "items": 1, "share": 20.0}]
    assert data["requests_by_month"] == [
        {"month": "2026-03", "jurisdiction": "KZ", "requests": 1},
        {"month": "2026-04", "jurisdiction": "DE", "requests": 1},
        {"month": "2026-04", "jurisdiction": "TR", "requests": 1},
        {"month": "2026-05", "jurisdiction": "IE", "requests": 1}]
    assert [b["items"] for b in data["decision_times"]] == [0, 2, 1, 0, 0, 0]
    assert data["user_reports"] == [{"reason": "cyberbullying", "reports": 1}]
    # Other periods see none of it.
    assert _report(sessions, "2026-Q3")["totals"]["requests"] == 0
    assert _report(sessions, "2026-03")["totals"]["items"] == 2


def test_equal_treatment_puts_governments_side_by_side(history: Any, sessions: Any) -> None:
    equal = _report(sessions)["equal_treatment"]
    assert equal["queue_rule"] == QUEUE_RULE
    assert [(r["submitter"], r["kind"], r["jurisdiction"], r["items"], r["median_hours_to_decision"], r["channels"])
            for r in equal["submitters"]] == [
        ("Landgericht Berlin", "court", "DE", 1, 2.0, 1),
        ("Ministry of Information and Social Development", "government_agency", "KZ", 2, 20.0, 1),
        ("Bilgi Teknolojileri ve İletişim Kurumu", "regulator", "TR", 1, None, 1)]
    assert equal["submitters"][1]["outcomes"] == {"no_action": {"items": 1, "share": 50.0},
                                                  "restricted": {"items": 1, "share": 50.0}}


def test_the_google_summary_has_googles_columns(history: Any, sessions: Any) -> None:
    files = render.csv_files(_report(sessions))
    lines = files["google-summary.csv"].splitlines()
    assert lines[0] == GOOGLE_HEADER
    assert next(csv.reader(io.StringIO(lines[0]))) == GOOGLE_COLUMNS
    assert lines[1:] == ["2026-06-30,Germany,DE,1,100,1,1,100,1,0,,0",
                         "2026-06-30,Kazakhstan,KZ,1,100,2,0,,0,1,100,2",
                         "2026-06-30,Türkiye,TR,1,0,1,0,,0,1,0,1"]


def test_the_html_report_is_self_contained_with_a_chart_each(history: Any, sessions: Any) -> None:
    page = render.html(_report(sessions))
    assert page.count("<svg") == 3 and page.count("<h1>") == 1
    assert "<title>Transparency report 2026-H1" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "@media print" in page and page.count("<table") >= 4


def test_the_public_routes_serve_complete_periods_only(client: Any, history: Any) -> None:
    r = client.get("/api/v1/transparency/report", params={"period": "2026-H1"})
    assert r.status_code == 200 and r.json()["totals"]["requests"] == 4
    # The log's root and checkpoint are hashes and a signature: any two letters may occur in them.
    text = json.dumps({k: v for k, v in r.json().items() if k != "log"})
    # No person and no user id: no reviewer, officer, reporter, e-mail or author.
    for secret in ("alice", "bob", "dana", "Nurpeisova", "@", "u1", "author-", "decided_by"):
        assert secret not in text, secret
    same = client.get("/api/v1/transparency/report", params={"from": "2026-01-01", "to": "2026-06-30"})
    assert same.json()["totals"] == r.json()["totals"]
    page = client.get("/transparency", params={"period": "2026-H1"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html") and "<svg" in page.text
    future = client.get("/api/v1/transparency/report", params={"period": "2099-H1"})
    assert future.status_code == 404 and "only complete periods" in future.json()["detail"]
    assert client.get("/transparency", params={"period": "2099"}).status_code == 404
    assert client.get("/api/v1/transparency/report", params={"period": "soon"}).status_code == 422
    # Nothing asked for: the latest complete half-year, on the page and in the JSON.
    from docket.store import utcnow
    from docket.transparency.periods import latest_half_year

    latest = latest_half_year(utcnow())
    assert client.get("/api/v1/transparency/report").json()["period"]["label"] == latest.label
    assert f"Transparency report {latest.label}" in client.get("/transparency").text


def test_the_cli_writes_each_format(history: Any, tmp_path: Any) -> None:
    from docket.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["report", "--period", "2026-H1", "--format", "csv", "--out", str(tmp_path / "csv"),
                              "--json"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)  # logs, if any, go to stderr
    assert summary["requests"] == 4 and summary["items"] == 5 and len(out.stdout.strip().splitlines()) == 1
    assert (tmp_path / "csv" / "google-summary.csv").read_text().splitlines()[0] == GOOGLE_HEADER
    for fmt in ("json", "html"):
        out = runner.invoke(app, ["report", "--from", "2026-01-01", "--to", "2026-06-30", "--format", fmt,
                                  "--out", str(tmp_path / f"report.{fmt}"), "--json"])
        assert out.exit_code == 0, out.output
    assert json.loads((tmp_path / "report.json").read_text())["totals"]["items"] == 5
    assert "<svg" in (tmp_path / "report.html").read_text()
    bad = runner.invoke(app, ["report", "--period", "2026-H1", "--format", "pdf", "--out", "x", "--json"])
    assert bad.exit_code == 1 and "unknown format" in bad.output


# ---------------------------------------------------------------- requester kinds, as the catalog places them
NOTICE = {"reason": "fraud", "explanation": "A phishing page that imitates a bank's sign-in.", "bona_fide": True}


def _send(client: Any, who: Any, jurisdiction: str, n: int, **changes: Any) -> dict[str, Any]:
    body = {**NOTICE, "jurisdiction": jurisdiction,
            "items": [{"url": f"https://social.example/@{jurisdiction.lower()}/{i}"} for i in range(n)], **changes}
    r = client.post("/api/v1/requests", json=body, headers=who.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _published(client: Any) -> dict[str, Any]:
    """The 2026-H1 report as the API publishes it."""
    r = client.get("/api/v1/transparency/report", params={"period": "2026-H1"})
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.fixture
def senders(client: Any, make_submitter: Any, kz_ministry: Any, sessions: Any) -> dict[str, Any]:
    """A ministry (a government), a national CERT and an industry association, each with
    requests, received on 2 March 2026 (a published period)."""
    cert = make_submitter("Singapore Computer Emergency Response Team", "national_cert", "SG",
                          email="singcert@csa.example")
    association = make_submitter("Internet Society of China", "industry_association", "CN",
                                 email="report@isc.example")
    _send(client, kz_ministry, "KZ", 2, reason="hate_speech", legal_basis=[{"law": "kz-informatization-18-2"}])
    cert_request = _send(client, cert, "SG", 3)
    association_request = _send(client, association, "CN", 1, reason="copyright")
    # Neither must cite a law: each sent a complete notice (its DSA Art. 16 elements).
    assert cert_request["status"] == association_request["status"] == "open"
    with store.transaction(sessions) as s:
        s.execute(text("UPDATE requests SET received_at = :t"), {"t": T0})
        s.execute(text("UPDATE items SET received_at = :t"), {"t": T0})
    return {"cert": cert, "association": association}


def test_a_cert_and_an_association_are_not_governments(client: Any, senders: Any) -> None:
    data = _published(client)
    assert [(r["jurisdiction"], r["requester_kind"], r["requests"], r["items"]) for r in data["requests"]] == [
        ("CN", "industry_association", 1, 1), ("KZ", "government_agency", 1, 2), ("SG", "national_cert", 1, 3)]
    assert data["totals"]["requests"] == 3 and data["totals"]["items"] == 6
    # Google's summary and the equal-treatment figures count governments only.
    assert [g["code"] for g in data["google_summary"]] == ["KZ"]
    equal = data["equal_treatment"]
    assert [(s["submitter"], s["kind"], s["items"], s["requests"]) for s in equal["submitters"]] == [
        ("Ministry of Information and Social Development", "government_agency", 2, 1)]
    assert [j["jurisdiction"] for j in equal["jurisdictions"]] == ["KZ"]


def test_which_kinds_are_governments_is_the_catalogs(client: Any, senders: Any, admin_ada: Any,
                                                     auditor_erin: Any) -> None:
    places = {k["code"]: k for k in client.get("/api/v1/catalog/requester-kinds/places").json()}
    assert (places["national_cert"]["government"], places["industry_association"]["government"]) == (False, False)
    assert places["court"] == {"code": "court", "label": "Court", "government": True, "legal_basis_required": True}
    r = client.put("/api/v1/catalog/requester-kinds/national_cert", headers=admin_ada.headers,
                   json={"government": True, "legal_basis_required": True})
    assert r.status_code == 200, r.text
    assert r.json() == {"code": "national_cert", "label": "National CERT / CSIRT", "government": True,
                        "legal_basis_required": True}
    equal = _published(client)["equal_treatment"]
    assert [(s["kind"], s["items"]) for s in equal["submitters"]] == [("government_agency", 2), ("national_cert", 3)]
    # The completeness check asks the catalog too: now a CERT's request must cite a law.
    # (Received now, after the period.)
    out = _send(client, senders["cert"], "SG", 1)
    assert (out["status"], out["missing"]) == ("needs_clarification", ["legal_basis"])
    events = client.get("/api/v1/audit/events?subject=requester_kind:national_cert",
                        headers=auditor_erin.headers).json()["events"]
    assert [(e["action"], e["payload"]["after"]["government"]) for e in events] == [("requester_kind:changed", True)]


def test_a_kind_the_catalog_does_not_know_is_refused(client: Any, admin_ada: Any) -> None:
    r = client.put("/api/v1/catalog/requester-kinds/ministry_of_truth", headers=admin_ada.headers,
                   json={"government": True})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "kind"
