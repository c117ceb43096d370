"""``docket export dsa | lumen | art15`` over the case history of test_aggregates_history, through the CLI."""

# ruff: noqa: F811  (tests take the imported ``case`` fixture as a parameter)
from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from docket.cli import app
from docket.transparency import dsa
from docket.transparency.exports import redact
from tests.transparency.test_aggregates_history import case  # noqa: F401  (the fixture; F811 below is its use)

PERSONAL = ("@", "author-of-", "Aruzhan", "Nurpeisova", "u-1", "new-0", "alice", "bob", "dana", "erik",
            "555 12 34", "901 820")


def run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()  # logs, if any, go to stderr
    assert len(lines) == 1, result.output  # one JSON object, no progress bar
    return dict(json.loads(lines[0]))


def statements_in(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("dsa-statements-*.json")):
        batch = json.loads(path.read_text())["statements"]
        assert 1 <= len(batch) <= dsa.BATCH
        found += batch
    return found


def decision_of(client: Any, who: Any, item: int) -> int:
    return int(client.get(f"/api/v1/items/{item}/decisions", headers=who.headers).json()[-1]["id"])


def release_holds(client: Any, bob_legal: Any) -> None:
    holds = client.get("/api/v1/holds", params={"status": "held"}, headers=bob_legal.headers).json()
    assert len(holds) == 1
    r = client.post(f"/api/v1/holds/{holds[0]['id']}/release", headers=bob_legal.headers,
                    json={"reason": "The investigation is closed."})
    assert r.status_code == 200, r.text


# ---------------------------------------------------------------- DSA
def test_dsa_statements_follow_the_transparency_databases_rules(case: Any, client: Any, bob_legal: Any,
                                                                 tmp_path: Path) -> None:
    summary = run("export", "dsa", "--period", "2026-H1", "--out", str(tmp_path / "a"))
    assert (summary["statements"], summary["deferred_by_gag_order"], len(summary["files"])) == (4, 2, 1)
    found = statements_in(tmp_path / "a")
    for s in found:
        assert dsa.validate(s) == {}, s
    text = json.dumps(found, ensure_ascii=False)
    for secret in PERSONAL:
        assert secret not in text, secret
    items = case["items"]
    by_puid = {s["puid"]: s for s in found}
    puid = {name: f"docket-decision-{decision_of(client, bob_legal, items[name])}"
            for name in ("de1", "f1", "f2", "c1")}
    assert sorted(by_puid) == sorted(puid.values())

    court = by_puid[puid["de1"]]  # an authority's order, restricted in Germany, reversed on appeal later
    assert court["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert (court["source_type"], court["source_identity"]) == ("SOURCE_TYPE_OTHER_NOTIFICATION", "Landgericht Berlin")
    assert court["territorial_scope"] == ["DE"]
    assert court["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert court["end_date_visibility_restriction"] is None
    assert (court["content_type"], court["content_language"]) == (["CONTENT_TYPE_TEXT"], "DE")
    assert (court["content_date"], court["application_date"]) == ("2026-01-15", "2026-03-04")
    assert court["category"] == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
    assert court["illegal_content_legal_ground"] == "§ 186 StGB"
    assert court["illegal_content_explanation"] == ("The court found the claim untrue; withheld in Germany. "
                                                    "Call [REDACTED] for help.")
    assert "incompatible_content_ground" not in court and "reversed on appeal" in court["decision_facts"]
    assert (court["automated_detection"], court["automated_decision"]) == ("No", "AUTOMATED_DECISION_NOT_AUTOMATED")

    inside = by_puid[puid["f1"]]  # a trusted flagger inside its designation; removed under the rules
    assert (inside["source_type"], inside["decision_ground"]) == ("SOURCE_TRUSTED_FLAGGER",
                                                                  "DECISION_GROUND_INCOMPATIBLE_CONTENT")
    assert inside["territorial_scope"] == dsa.eea() and "GR" in inside["territorial_scope"]
    assert len(inside["territorial_scope"]) == 30 and "EL" not in inside["territorial_scope"]
    assert inside["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert (inside["incompatible_content_ground"], inside["content_type"]) == ("Child safety 1.1",
                                                                               ["CONTENT_TYPE_IMAGE"])
    assert inside["category"] == "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    outside = by_puid[puid["f2"]]  # the same flagger outside its area: an Art. 16 notice
    assert (outside["source_type"], outside["territorial_scope"]) == ("SOURCE_ARTICLE_16", ["DE"])
    report = by_puid[puid["c1"]]  # user reports, one with the Art. 16 elements
    assert report["source_type"] == "SOURCE_ARTICLE_16" and "source_identity" not in report
    assert report["category"] == "STATEMENT_CATEGORY_CYBER_VIOLENCE"

    # The same decisions have the same puids and the same statements on every run.
    run("export", "dsa", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(tmp_path / "b"))
    assert statements_in(tmp_path / "b") == found
    # Once the gag order is lifted, the police's two decisions are exported too.
    release_holds(client, bob_legal)
    summary = run("export", "dsa", "--period", "2026-H1", "--out", str(tmp_path / "b"))
    assert (summary["statements"], summary["deferred_by_gag_order"]) == (6, 0)
    again = {s["puid"]: s for s in statements_in(tmp_path / "b")}
    fr1 = again[f"docket-decision-{decision_of(client, bob_legal, items['fr1'])}"]
    assert (fr1["territorial_scope"], fr1["source_type"]) == (["BE", "FR"], "SOURCE_TYPE_OTHER_NOTIFICATION")
    assert (fr1["content_type"], fr1["illegal_content_legal_ground"]) == (["CONTENT_TYPE_VIDEO"],
                                                                          "Code pénal, art. 421-2-5")
    assert fr1["application_date"] == "2026-04-01"
    fr2 = again[f"docket-decision-{decision_of(client, bob_legal, items['fr2'])}"]
    assert fr2["incompatible_content_ground"] == "Dangerous organisations 2.1"
    # No decision of Kazakhstan's or Türkiye's: none restricted anything for an EU/EEA viewer.
    assert run("export", "dsa", "--period", "2026-Q1", "--out", str(tmp_path / "c"))["statements"] == 1


GOOD: dict[str, Any] = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"], "end_date_visibility_restriction": None,
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT", "illegal_content_legal_ground": "§ 186 StGB",
    "illegal_content_explanation": "Untrue.", "category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "content_type": ["CONTENT_TYPE_TEXT"], "content_date": "2026-01-15", "application_date": "2026-03-04",
    "territorial_scope": ["DE", "GR"], "decision_facts": "An order.", "source_type": "SOURCE_TYPE_OTHER_NOTIFICATION",
    "automated_detection": "No", "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "puid": "docket-decision-1",
}


@pytest.mark.parametrize(("change", "field"), [
    ({"decision_ground": None}, "decision_ground"),
    ({"category": "STATEMENT_CATEGORY_HATE"}, "category"),
    ({"illegal_content_legal_ground": None}, "illegal_content_legal_ground"),
    ({"illegal_content_explanation": "x" * 2001}, "illegal_content_explanation"),
    ({"incompatible_content_ground": "Rule 1"}, "incompatible_content_ground"),
    ({"content_type": ["CONTENT_TYPE_OTHER"]}, "content_type_other"),
    ({"content_type": "CONTENT_TYPE_TEXT"}, "content_type"),
    ({"content_date": "15.01.2026"}, "content_date"),
    ({"content_date": "1999-12-31"}, "content_date"),
    ({"application_date": "2019-12-31"}, "application_date"),
    ({"application_date": "2026-02-30"}, "application_date"),
    ({"end_date_visibility_restriction": "2026-13-01"}, "end_date_visibility_restriction"),
    ({"puid": "decision 1"}, "puid"),
    ({"puid": "x" * 501}, "puid"),
    ({"decision_facts": "x" * 5001}, "decision_facts"),
    ({"territorial_scope": ["DE", "EL"]}, "territorial_scope"),
    ({"territorial_scope": ["KZ"]}, "territorial_scope"),
    ({"content_language": "de"}, "content_language"),
    ({"source_type": "SOURCE_VOLUNTARY", "source_identity": "A ministry"}, "source_identity"),
    ({"source_type": "SOURCE_AUTHORITY"}, "source_type"),
    ({"automated_detection": "no"}, "automated_detection"),
    ({"automated_decision": None}, "automated_decision"),
    ({"decision_visibility": None}, "decision_visibility"),
    ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
    ({"decision_monetary": "DECISION_MONETARY_OTHER"}, "decision_monetary_other"),
    ({"reporter_email": "x@example.org"}, "reporter_email"),
])
def test_the_validator_names_the_broken_rule(change: dict[str, Any], field: str) -> None:
    assert dsa.validate(GOOD) == {}
    statement = copy.deepcopy(GOOD)
    for key, value in change.items():
        if value is None:
            statement.pop(key)
        else:
            statement[key] = value
    assert field in dsa.validate(statement), dsa.validate(statement)


def test_the_validator_takes_the_other_ground_and_optional_fields() -> None:
    policy = {k: v for k, v in GOOD.items() if not k.startswith("illegal_")}
    policy.update(decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT", incompatible_content_ground="Rule 3.2",
                  incompatible_content_explanation="A threat.", incompatible_content_illegal="Yes",
                  content_type=["CONTENT_TYPE_OTHER"], content_type_other="Account", content_language="KK",
                  source_type="SOURCE_VOLUNTARY", decision_account="DECISION_ACCOUNT_SUSPENDED",
                  end_date_visibility_restriction="2027-01-31", category_specification=["KEYWORD_OTHER"],
                  category_specification_other="Doxxing")
    assert dsa.validate(policy) == {}


def test_redaction_hides_addresses_and_phone_numbers_only() -> None:
    assert redact("Write to a.b@misd.example.kz or call +7 (701) 555-12-34.") == \
        "Write to [REDACTED] or call [REDACTED]."
    kept = "Decree 147/2024 Art. 8, case 27 O 412/26, MISD-2026/1187, on 2026-03-02 10:00, 100,000 users"
    assert redact(kept) == kept


# ---------------------------------------------------------------- Lumen
def test_lumen_notices_per_government_request(case: Any, client: Any, bob_legal: Any, tmp_path: Path) -> None:
    summary = run("export", "lumen", "--period", "2026-H1", "--out", str(tmp_path))
    assert (summary["notices"], summary["undecided"], summary["confidential"]) == (3, 0, 1)
    requests = case["requests"]
    notices = {p.name: json.loads(p.read_text())["notice"] for p in tmp_path.glob("lumen-*.json")}
    assert sorted(notices) == sorted(f"lumen-request-{requests[r]}.json" for r in ("R1", "R2", "R4"))
    kz = notices[f"lumen-request-{requests['R1']}.json"]
    court = notices[f"lumen-request-{requests['R2']}.json"]
    tr = notices[f"lumen-request-{requests['R4']}.json"]
    assert [(n["type"], n["action_taken"]) for n in (kz, court, tr)] == [
        ("GovernmentRequest", "Partial"), ("CourtOrder", "Yes"), ("GovernmentRequest", "No")]
    for n in (kz, court, tr):  # Lumen drops JSON arrays in its list fields
        assert all(isinstance(n[f], str) for f in ("jurisdiction_list", "regulation_list", "tag_list"))
        assert n["date_sent"] == n["date_received"] and len(n["date_received"]) == 10
    assert kz["regulation_list"] == "Law of the Republic of Kazakhstan on Informatization; Art. 18-2 Art. 18-2(1)"
    assert (kz["jurisdiction_list"], kz["tag_list"], kz["language"]) == ("KZ", "hate_speech, government_agency", "ru")
    assert kz["body"].count("[REDACTED]") == 2 and "officer.n@" not in kz["body"]
    assert [w["infringing_urls_attributes"] for w in kz["works_attributes"]] == [
        [{"url": f"https://social.example/p/{cid}"}] for cid in ("kz-a", "kz-b", "kz-c")]
    assert [w["description"] for w in kz["works_attributes"]] == ["Item 1: restricted (KZ)", "Item 2: restricted (KZ)",
                                                                 "Item 3: no action taken"]
    assert tr["tag_list"] == "violence, regulator, emergency" and tr["request_type"] == "Agency"
    assert [r["name"] for r in court["entity_notice_roles_attributes"]] == ["sender", "recipient", "issuing_court"]
    assert "request_type" not in court and court["title"] == "Court order from Germany: Defamation"
    text = json.dumps(notices, ensure_ascii=False)
    for secret in (*PERSONAL, "Nurpeisova"):
        assert secret not in text, secret
    # The confidential police request is published once its gag order is lifted.
    release_holds(client, bob_legal)
    assert run("export", "lumen", "--period", "2026-H1", "--out", str(tmp_path))["notices"] == 4
    police = json.loads((tmp_path / f"lumen-request-{requests['R3']}.json").read_text())["notice"]
    assert (police["type"], police["action_taken"], police["jurisdiction_list"]) == (
        "LawEnforcementRequest", "Yes", "FR")
    assert police["regulation_list"] == "Regulation (EU) 2022/2065 (DSA); Art. 9, Code pénal; art. 421-2-5"


# ---------------------------------------------------------------- Art. 15
def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_art15_tables(case: Any, tmp_path: Path) -> None:
    summary = run("export", "art15", "--period", "2026-H1", "--out", str(tmp_path))
    assert summary["rows"] == {"art15-orders.csv": 2, "art15-data-orders.csv": 0, "art15-notices.csv": 3,
                               "art15-complaints.csv": 1}
    assert _csv(tmp_path / "art15-orders.csv") == [
        ["Member State", "Member State Code", "Type of illegal content", "Orders", "Items",
         "Median hours to acknowledge receipt", "Median hours to give effect"],
        ["France", "FR", "Risk for public security", "1", "2", "2.0", "7.0"],
        ["Germany", "DE", "Illegal or harmful speech", "1", "1", "3.0", "48.0"]]
    assert _csv(tmp_path / "art15-notices.csv") == [
        ["Type of alleged illegal content", "Notices", "Notices with Art. 16 elements", "Notices from trusted flaggers",
         "Actions on legal grounds", "Actions on terms and conditions grounds", "Notices processed by automated means",
         "Median hours to take action"],
        ["Cyber violence", "2", "1", "0", "1", "0", "0", "12.0"],
        ["Illegal or harmful speech", "13", "1", "0", "1", "0", "0", "24.0"],
        ["Protection of minors", "1", "1", "1", "0", "1", "0", "1.0"]]
    # Kazakhstan's appeal is outside the DSA's reach; both authors' appeals are in.
    assert _csv(tmp_path / "art15-complaints.csv") == [
        ["Basis of the decision complained about", "Complainant", "Complaints", "Upheld", "Reversed", "Open",
         "Median hours to decide"],
        ["Illegal content", "Affected user (author)", "2", "1", "1", "0", "36.0"]]


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(("args", "message"), [
    (["dsa"], "either --out DIR or --submit URL"),
    (["dsa", "--out", "x", "--submit", "http://127.0.0.1:9/api/v1/statements"], "either --out DIR or --submit"),
    (["dsa", "--submit", "http://127.0.0.1:9/api/v1/statements"], "needs --token-file"),
    (["dsa", "--submit", "ftp://example.org/x", "--token-file", "t"], "http(s) URL"),
    (["dsa", "--submit", "http://127.0.0.1:9/x", "--token-file", "/nonexistent/token"], "cannot read the token file"),
    (["dsa", "--out", "x", "--period", "2026-H3"], "not a period"),
    (["dsa", "--out", "x", "--puid-prefix", "my prefix"], "--puid-prefix"),
    (["lumen", "--out", "x", "--token-file", "t"], "--token-file goes with --submit"),
    (["art15", "--out", "x"], "give either a period"),
    (["art15", "--period", "2026-H1"], "--out DIR"),
])
def test_bad_input_is_one_clear_line(args: list[str], message: str, sessions: Any, tmp_path: Path,
                                     monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["export", *args, "--json"])
    assert result.exit_code == 1, result.output
    assert message in json.loads(result.stdout)["error"]
    assert not any(tmp_path.iterdir())  # nothing written
