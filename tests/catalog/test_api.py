"""The catalog ships as data: every country, the reason taxonomy, laws with their clocks."""

import json

from typer.testing import CliRunner

from docket.cli import app as cli

runner = CliRunner()


def test_every_iso_country_is_a_jurisdiction(client) -> None:
    codes = {j["code"] for j in client.get("/api/v1/catalog/jurisdictions").json()}
    assert len(codes) == 249
    assert {"KZ", "DE", "IN", "TR", "VN", "RU", "GR", "US"} <= codes


def test_the_reason_taxonomy(client) -> None:
    reasons = {r["code"]: r for r in client.get("/api/v1/catalog/reasons").json()}
    google = {"defamation", "privacy_security", "national_security", "hate_speech",
              "religious_offense", "government_criticism", "electoral_law",
              "geographical_dispute", "impersonation", "obscenity_nudity", "adult_content",
              "bullying_harassment", "violence", "suicide_promotion", "drug_abuse",
              "regulated_goods_services", "fraud", "copyright", "trademark",
              "business_complaints", "other", "unspecified"}
    extra = {"cyberbullying", "terrorist_content", "child_safety", "self_harm", "illegal_goods"}
    assert google | extra == set(reasons)
    assert {c for c, r in reasons.items() if r["severity"] == 1} == {
        "child_safety", "terrorist_content", "self_harm"}


def test_requester_kinds(client) -> None:
    assert set(client.get("/api/v1/catalog/requester-kinds").json()) == {
        "court", "government_agency", "police", "regulator", "trusted_flagger", "user", "rights_holder",
        "industry_association", "national_cert", "internet_governance", "platform"}


def test_default_laws_carry_their_clocks(client) -> None:
    laws = {x["id"]: x for x in client.get("/api/v1/catalog/laws").json()}
    assert laws["kz-informatization-18-2"]["clock_hours"] == 24
    assert laws["kz-informatization-18-2"]["local_rep_signoff"] is True
    assert laws["de-netzdg-3-manifest"]["clock_hours"] == 24
    assert laws["de-netzdg-3"]["clock_hours"] == 168
    assert laws["in-it-rules-3-1-d"]["clock_hours"] == 36
    assert laws["tr-5651-9"]["clock_hours"] == 48
    assert laws["vn-decree-147"]["clock_hours"] == 24
    assert laws["ru-149-fz-10-6"]["clock_hours"] is None
    assert laws["eu-dsa-9"]["applies_in"] == "EU"


def test_laws_by_jurisdiction_include_regional_law(client) -> None:
    de = {x["id"] for x in client.get("/api/v1/catalog/laws?jurisdiction=DE").json()}
    assert {"de-netzdg-3", "eu-dsa-9", "eu-dsa-16"} <= de
    kz = {x["id"] for x in client.get("/api/v1/catalog/laws?jurisdiction=KZ").json()}
    assert "eu-dsa-9" not in kz and "kz-informatization-18-2" in kz


def test_jurisdiction_defaults(client) -> None:
    by_code = {j["code"]: j for j in client.get("/api/v1/catalog/jurisdictions").json()}
    assert by_code["KZ"]["default_clock_hours"] == 24 and by_code["KZ"]["local_rep_signoff"]
    assert by_code["FR"]["default_clock_hours"] is None


def test_law_add_is_audited(client, auditor_erin) -> None:
    result = runner.invoke(cli, [
        "law", "add", "--id", "kz-mass-media-26", "--jurisdiction", "kz",
        "--citation", "Law on Mass Media, Art. 26", "--title", "Suspension of distribution",
        "--clock-hours", "24", "--local-rep-signoff", "--json"])
    assert result.exit_code == 0, result.output
    law = json.loads(result.stdout)["law"]
    assert law["applies_in"] == "KZ" and law["clock_hours"] == 24 and law["local_rep_signoff"]
    listed = json.loads(runner.invoke(cli, ["law", "list", "--jurisdiction", "KZ", "--json"]).stdout)
    assert "kz-mass-media-26" in {x["id"] for x in listed["laws"]}
    events = client.get("/api/v1/audit/events?action=law:added", headers=auditor_erin.headers).json()
    assert [e["subject"] for e in events["events"]] == ["law:kz-mass-media-26"]
    assert events["events"][0]["actor"].startswith("cli:")


def test_law_add_rejects_duplicates_and_unknown_places(sessions) -> None:
    dup = runner.invoke(cli, ["law", "add", "--id", "tr-5651-9", "--jurisdiction", "TR",
                              "--citation", "x", "--title", "x", "--json"])
    assert dup.exit_code == 1 and "already in the catalog" in dup.stdout
    bad = runner.invoke(cli, ["law", "add", "--id", "x-1", "--jurisdiction", "XX",
                              "--citation", "x", "--title", "x", "--json"])
    assert bad.exit_code == 1 and "unknown jurisdiction" in bad.stdout
    hours = runner.invoke(cli, ["law", "add", "--id", "x-2", "--jurisdiction", "KZ",
                                "--citation", "x", "--title", "x", "--clock-hours", "0", "--json"])
    assert hours.exit_code == 1 and "clock_hours" in hours.stdout
