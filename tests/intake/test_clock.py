"""Deadlines come from the law catalog, never from who is asking."""

from __future__ import annotations

import datetime as dt

import pytest

from docket.catalog import service as catalog
from docket.store import transaction


def hours_given(out: dict) -> float:
    start = dt.datetime.fromisoformat(out["clock_started_at"])
    return (dt.datetime.fromisoformat(out["deadline_at"]) - start).total_seconds() / 3600


@pytest.mark.parametrize(
    ("jurisdiction", "laws", "hours", "source"),
    [
        ("KZ", ["kz-informatization-18-2"], 24, "law"),
        ("TR", ["tr-5651-9"], 48, "law"),
        ("IN", ["in-it-rules-3-1-d"], 36, "law"),
        ("IN", ["in-it-rules-3-2-b"], 24, "law"),
        ("DE", ["de-netzdg-3-manifest"], 24, "law"),
        ("DE", ["de-netzdg-3"], 168, "law"),
        ("DE", ["de-netzdg-3", "de-netzdg-3-manifest"], 24, "law"),  # the shortest cited clock
        ("VN", ["vn-decree-147"], 24, "law"),
        ("DE", ["eu-dsa-9"], 168, "jurisdiction"),  # no fixed clock in the law: DE's default
        ("FR", ["eu-dsa-9"], 168, "default"),  # neither: DOCKET_DEFAULT_CLOCK_HOURS
        ("RU", ["ru-149-fz-10-6"], 168, "default"),
    ],
)
def test_the_clock_of_the_cited_law(client, kz_ministry, body, jurisdiction, laws, hours, source) -> None:
    out = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body(
        jurisdiction=jurisdiction, legal_basis=[{"law": law} for law in laws])).json()
    assert hours_given(out) == hours
    assert out["clock_rule"]["source"] == source
    assert out["received_at"] == out["clock_started_at"]


def test_a_citation_gets_the_jurisdictions_clock(client, kz_ministry, body) -> None:
    out = client.post("/api/v1/requests", headers=kz_ministry.headers,
                      json=body(jurisdiction="TR", legal_basis=[{"citation": "Law 5651 Art. 8/A"}])).json()
    assert hours_given(out) == 48 and out["clock_rule"]["source"] == "jurisdiction"


def test_the_global_default_is_a_setting(app, client, kz_ministry, body, settings) -> None:
    app.state.settings = settings.model_copy(update={"default_clock_hours": 72})
    out = client.post("/api/v1/requests", headers=kz_ministry.headers,
                      json=body(jurisdiction="BR", legal_basis=[{"citation": "Marco Civil Art. 19"}])).json()
    assert hours_given(out) == 72


def test_an_emergency_gets_the_shortest_clock_of_the_jurisdiction(client, kz_ministry, body) -> None:
    urgent = {"emergency": True, "emergency_explanation": "Threat to a named person's life."}
    de = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body(
        jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}], **urgent)).json()
    assert hours_given(de) == 24 and de["clock_rule"]["emergency"] is True
    fr = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body(
        jurisdiction="FR", legal_basis=[{"law": "eu-dsa-9"}], **urgent)).json()
    # France's own 24 h (LCEN art. 6-1, in force there) is the shortest it knows.
    assert hours_given(fr) == 24 and fr["clock_rule"]["law"] == "fr-lcen-6-1"
    es = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body(
        jurisdiction="ES", legal_basis=[{"law": "eu-dsa-9"}], **urgent)).json()
    assert hours_given(es) == 24 and es["clock_rule"]["source"] == "default"


def test_a_new_law_in_the_catalog_sets_new_clocks(client, kz_ministry, body, sessions) -> None:
    with transaction(sessions) as s:
        catalog.add_law(session=s, actor="test", id="br-eca-1", applies_in="BR", citation="ECA Art. 1",
                        title="Child protection", clock_hours=2)
    out = client.post("/api/v1/requests", headers=kz_ministry.headers,
                      json=body(jurisdiction="BR", legal_basis=[{"law": "br-eca-1"}])).json()
    assert hours_given(out) == 2


def test_the_clock_does_not_depend_on_the_submitter(client, kz_ministry, de_court, tr_btk, body) -> None:
    answers = [client.post("/api/v1/requests", headers=who.headers, json=body()).json()
               for who in (kz_ministry, de_court, tr_btk)]
    assert {hours_given(a) for a in answers} == {24}
    assert len({str(a["clock_rule"]) for a in answers}) == 1
