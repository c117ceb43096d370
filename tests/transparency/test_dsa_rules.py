"""``dsa.validate`` and ``dsa.batch_problems`` against the Transparency Database's own
published examples: the statement its API tests send (``required_fields`` of
tests/Feature/Http/Controllers/Api/v1/StatementMultipleAPIControllerTest.php) is valid,
and each change its rules refuse (GroupedSubmissionsService::multi_rules) is refused."""

# ruff: noqa: F811  (tests take the imported ``send`` fixture as a parameter)
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from docket.catalog.models import Law
from docket.transparency import dsa
from tests.review.conftest import send  # noqa: F401  (the fixture)

# The database's own fixture, as its tests send it (nulls included).
PUBLISHED: dict[str, Any] = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED"],
    "decision_monetary": None, "decision_provision": None, "decision_account": None,
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT", "category": "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "illegal_content_legal_ground": "foo", "illegal_content_explanation": "bar", "puid": "TK421",
    "territorial_scope": ["BE", "DE", "FR"], "source_type": "SOURCE_ARTICLE_16", "source_identity": "foo",
    "decision_facts": "decision and facts", "content_type": ["CONTENT_TYPE_SYNTHETIC_MEDIA"],
    "automated_detection": "No", "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
    "application_date": "2023-05-18", "content_date": "2023-05-18",
}


def test_the_databases_own_example_is_valid() -> None:
    assert dsa.validate(PUBLISHED) == {}
    assert dsa.batch_problems([PUBLISHED]) == []


@pytest.mark.parametrize(("change", "field"), [
    ({"decision_monetary": "DECISION_MONETARY_OTHER"}, "decision_monetary_other"),
    ({"decision_monetary": "DECISION_MONETARY_OTHER", "decision_monetary_other": "x" * 501}, "decision_monetary_other"),
    ({"decision_monetary_other": "a fine"}, "decision_monetary_other"),  # without its type: dropped by the database
    ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
    ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"], "decision_visibility_other": "x" * 501},
     "decision_visibility_other"),
    ({"content_type": ["CONTENT_TYPE_IMAGE", "CONTENT_TYPE_OTHER"]}, "content_type_other"),
    ({"content_type": ["CONTENT_TYPE_OTHER"], "content_type_other": "x" * 501}, "content_type_other"),
    ({"content_type": "CONTENT_TYPE_OTHER"}, "content_type"),  # arrays only
    ({"category_specification": ["KEYWORD_OTHER"], "category_specification_other": "x" * 501},
     "category_specification_other"),
    ({"decision_ground_reference_url": "not a url"}, "decision_ground_reference_url"),
    ({"decision_ground_reference_url": "https://example.com/" + "x" * 481}, "decision_ground_reference_url"),
    ({"content_id": {"EAN-13": "4006381333932"}}, "content_id"),  # check digit 1, not 2
    ({"content_id": {"EAN-13": "400638133393"}}, "content_id"),
    ({"content_language": "XX"}, "content_language"),  # its test_api_statements_store_validates
    ({"incompatible_content_illegal": "Maybe"}, "incompatible_content_illegal"),
    ({"puid": "a b"}, "puid"),
    ({"decision_visibility": None}, "decision_visibility"),  # no restriction at all
    ({"application_date": "2023-12-20-10"}, "application_date"),
])
def test_each_rule_of_the_database_is_checked(change: dict[str, Any], field: str) -> None:
    problems = dsa.validate(PUBLISHED | change)
    assert field in problems, problems


@pytest.mark.parametrize("change", [
    {"decision_monetary": "DECISION_MONETARY_OTHER", "decision_monetary_other": "x" * 500},
    {"decision_ground_reference_url": "https://www.example.com/terms#3.2"},
    {"content_id": {"EAN-13": "4006381333931"}},
    {"decision_visibility": None, "decision_account": "DECISION_ACCOUNT_SUSPENDED",
     "account_type": "ACCOUNT_TYPE_PRIVATE"},
])
def test_what_the_database_takes_passes(change: dict[str, Any]) -> None:
    assert dsa.validate(PUBLISHED | change) == {}


def test_a_batch_holds_1_to_100_statements_each_puid_once() -> None:
    assert dsa.batch_problems([]) == ["a batch holds 1 to 100 statements, not 0"]
    assert dsa.batch_problems([PUBLISHED | {"puid": f"p-{n}"} for n in range(101)]) == [
        "a batch holds 1 to 100 statements, not 101"]
    assert dsa.batch_problems([PUBLISHED | {"puid": f"p-{n}"} for n in range(100)]) == []
    assert dsa.batch_problems([PUBLISHED, PUBLISHED | {"puid": "other"}, PUBLISHED]) == [
        "puid sent twice in one batch: TK421"]


@pytest.mark.parametrize(("parts", "cited"), [
    (("§ 186 StGB", "§ 186 StGB"), "§ 186 StGB"),
    (("§ 186 StGB, § 186 StGB", None), "§ 186 StGB"),
    (("StGB", "§ 186 StGB"), "§ 186 StGB"),
    (("§ 186 StGB", "§ 187 StGB"), "§ 186 StGB, § 187 StGB"),
    (("Law 5651", "art. 9"), "Law 5651, art. 9"),
])
def test_a_legal_ground_cites_each_provision_once(parts: tuple[str, str | None], cited: str) -> None:
    assert dsa.cited_once(*parts) == cited


def test_an_exported_legal_ground_repeats_nothing(send: Any, act: Any, sessions: Any, de_court: Any,
                                                  reviewer_alice: Any, bob_legal: Any, carol_rights: Any) -> None:
    with sessions() as s:
        citation = s.execute(select(Law.citation).where(Law.id == "de-netzdg-3")).scalar_one()
    sent = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])
    item = sent["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
    made = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="Incitement.",
               ground="legal", law="de-netzdg-3", provision=f"{citation}, {citation}")
    if made["status"] == "awaiting_approval":
        act(reviewer_alice, f"/decisions/{made['id']}/approve")
    with sessions() as s:
        [statement] = list(dsa.statements(session=s))
    assert dsa.validate(statement) == {}
    assert statement["illegal_content_legal_ground"] == citation
