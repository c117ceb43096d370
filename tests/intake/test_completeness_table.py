"""Completeness as a table: each DSA Art. 16(2) element of a notice, each element of an
authority's request, and their exemptions — missing element → the field named.

DSA Art. 16(2): (a) a substantiated explanation of why the content is illegal; (b) its
exact electronic location (the URL); (c) the name and e-mail of the notifier, except for
the child sexual abuse offences of Directive 2011/93/EU Arts. 3 to 7 (docket's reason
``child_safety``); (d) a statement of good faith. An authority (court, government
agency, police, regulator) instead names a legal basis and explains the illegality
(DSA Art. 9; GitHub's rule for a complete government request).
"""

from __future__ import annotations

from typing import Any

import pytest

from docket.catalog.models import RequesterKind
from docket.intake.completeness import ItemCheck, missing_elements
from docket.intake.schemas import normalized_url

EXACT = "https://social.example/@a/1"
NOTIFIERS = [RequesterKind.user, RequesterKind.trusted_flagger, RequesterKind.rights_holder]
AUTHORITIES = [RequesterKind.court, RequesterKind.government_agency, RequesterKind.police, RequesterKind.regulator]


def check(kind: RequesterKind, **changes: Any) -> list[str]:
    """What a request of ``kind`` lacks: a complete one, changed by keyword."""
    values: dict[str, Any] = dict(
        authority=kind in AUTHORITIES, has_contact=True, legal_basis=[{"law": "eu-dsa-16"}],
        explanation="It threatens a named person.",
        reason="hate_speech", bona_fide=True, confidential=False, confidentiality_basis=None,
        emergency=False, emergency_explanation=None, items=[ItemCheck(0, normalized_url(EXACT), None)],
    )
    values.update(changes)
    return missing_elements(**values)


def items(*urls: str | None, content_ids: tuple[str | None, ...] = ()) -> list[ItemCheck]:
    ids = content_ids or (None,) * len(urls)
    return [ItemCheck(i, normalized_url(u) if u else None, c) for i, (u, c) in enumerate(zip(urls, ids, strict=True))]


NOTICE_ROWS = [
    # (changes, missing)
    ({}, []),
    ({"legal_basis": []}, []),  # a notice need not cite a law
    # (a) the explanation of reasons
    ({"explanation": None}, ["explanation"]),
    ({"explanation": "   "}, ["explanation"]),
    # (b) the exact electronic location
    ({"items": items("https://social.example/")}, ["items[0].url"]),
    ({"items": items("https://social.example/search?q=x")}, ["items[0].url"]),
    ({"items": items(EXACT, "https://social.example/home", EXACT)}, ["items[1].url"]),
    ({"items": items("https://social.example/", content_ids=("post-1",))}, []),  # the content's own id
    ({"items": items(None, content_ids=("post-1",))}, []),
    # (c) the notifier's name and e-mail...
    ({"has_contact": False}, ["notifier_email"]),
    ({"has_contact": False, "reason": "copyright"}, ["notifier_email"]),
    ({"has_contact": False, "reason": "terrorist_content"}, ["notifier_email"]),
    # ...except for child sexual abuse (Art. 16(2)(c)), which exempts from (c) only.
    ({"has_contact": False, "reason": "child_safety"}, []),
    ({"has_contact": False, "reason": "child_safety", "bona_fide": False}, ["bona_fide"]),
    ({"has_contact": False, "reason": "child_safety", "explanation": None}, ["explanation"]),
    ({"has_contact": False, "reason": "child_safety", "items": items("https://social.example/")}, ["items[0].url"]),
    # (d) the statement of good faith
    ({"bona_fide": False}, ["bona_fide"]),
    # Everything at once, in the order the answer lists it.
    ({"explanation": None, "has_contact": False, "bona_fide": False, "items": items("https://social.example/")},
     ["explanation", "notifier_email", "bona_fide", "items[0].url"]),
]


@pytest.mark.parametrize("kind", NOTIFIERS)
@pytest.mark.parametrize(("changes", "missing"), NOTICE_ROWS)
def test_a_notice_needs_the_art16_elements(kind, changes, missing) -> None:
    assert check(kind, **changes) == missing


AUTHORITY_ROWS = [
    ({}, []),
    # No notifier e-mail and no statement of good faith are asked of an authority.
    ({"has_contact": False, "bona_fide": False}, []),
    ({"legal_basis": []}, ["legal_basis"]),
    ({"explanation": None}, ["explanation"]),
    ({"explanation": " "}, ["explanation"]),
    ({"legal_basis": [], "explanation": None}, ["legal_basis", "explanation"]),
    ({"items": items("https://social.example/explore")}, ["items[0].url"]),
]


@pytest.mark.parametrize("kind", AUTHORITIES)
@pytest.mark.parametrize(("changes", "missing"), AUTHORITY_ROWS)
def test_an_authoritys_request_needs_a_legal_basis_and_an_explanation(kind, changes, missing) -> None:
    assert check(kind, **changes) == missing


EVERYONE_ROWS = [
    ({"confidential": True}, ["confidentiality_basis"]),
    ({"confidential": True, "confidentiality_basis": "  "}, ["confidentiality_basis"]),
    ({"confidential": True, "confidentiality_basis": "Criminal Procedure Code Art. 201."}, []),
    ({"confidentiality_basis": "given, but not confidential"}, []),
    ({"emergency": True}, ["emergency_explanation"]),
    ({"emergency": True, "emergency_explanation": ""}, ["emergency_explanation"]),
    ({"emergency": True, "emergency_explanation": "A threat to a named person's life."}, []),
]


@pytest.mark.parametrize("kind", list(RequesterKind))
@pytest.mark.parametrize(("changes", "missing"), EVERYONE_ROWS)
def test_confidentiality_and_emergencies_are_explained_by_everyone(kind, changes, missing) -> None:
    assert check(kind, **changes) == missing


# ---------------------------------------------------------------- through the API
REQUEST_ROWS = [
    # (submitter kind, with an e-mail, changes to a complete notice, missing)
    ("rights_holder", True, {}, []),
    ("rights_holder", False, {}, ["notifier_email"]),
    ("user", False, {"reason": "child_safety"}, []),
    ("user", False, {"reason": "child_safety", "bona_fide": None}, ["bona_fide"]),
    ("trusted_flagger", True, {"explanation": None}, ["explanation"]),
    ("trusted_flagger", True, {"items": [{"url": "https://social.example/"}]}, ["items[0].url"]),
    ("court", False, {"legal_basis": None, "bona_fide": None}, ["legal_basis"]),
]


@pytest.mark.parametrize(("kind", "email", "changes", "missing"), REQUEST_ROWS)
def test_the_api_names_what_a_request_lacks(client, make_submitter, kind, email, changes, missing) -> None:
    who = make_submitter(f"A {kind}", kind, "DE", **({"email": "notices@example.org"} if email else {}))
    body: dict[str, Any] = {"jurisdiction": "DE", "reason": "hate_speech", "explanation": "It threatens a person.",
                            "legal_basis": [{"law": "eu-dsa-16"}], "bona_fide": True,
                            "items": [{"url": EXACT}]}
    body.update(changes)
    r = client.post("/api/v1/requests", headers=who.headers, json={k: v for k, v in body.items() if v is not None})
    assert r.status_code == 201, r.text
    assert r.json()["missing"] == missing
    assert r.json()["status"] == ("needs_clarification" if missing else "open")


REPORT_ROWS = [
    # (report fields beyond the content and reason, whether it is an Art. 16 notice)
    ({"reporter_name": "Ann", "reporter_email": "ann@example.org", "explanation": "Threat.", "bona_fide": True},
     True),
    ({"reporter_name": "Ann", "explanation": "Threat.", "bona_fide": True}, False),  # no e-mail
    ({"reporter_email": "ann@example.org", "explanation": "Threat.", "bona_fide": True}, False),  # no name
    ({"reporter_name": "Ann", "reporter_email": "ann@example.org", "bona_fide": True}, False),
    ({"reporter_name": "Ann", "reporter_email": "ann@example.org", "explanation": "Threat."}, False),
    # Art. 16(2)(c): a child sexual abuse notice needs neither name nor e-mail.
    ({"reason": "child_safety", "explanation": "Abuse material.", "bona_fide": True}, True),
    ({"reason": "child_safety", "explanation": "Abuse material."}, False),
]


@pytest.mark.parametrize(("fields", "art16"), REPORT_ROWS)
def test_a_report_is_an_art16_notice_when_it_has_the_elements(client, platform, reviewer_alice, fields,
                                                              art16) -> None:
    body = {"url": EXACT, "reason": "cyberbullying", "reporter_id": "u1", **fields}
    r = client.post("/api/v1/reports", headers=platform.headers, json=body)
    assert r.status_code == 201, r.text
    listed = client.get(f"/api/v1/items/{r.json()['item_id']}/reports", headers=reviewer_alice.headers).json()
    assert [x["art16_notice"] for x in listed] == [art16]


def test_a_report_without_an_exact_location_is_not_an_art16_notice(client, platform, reviewer_alice) -> None:
    r = client.post("/api/v1/reports", headers=platform.headers, json={
        "url": "https://social.example/", "reason": "cyberbullying", "reporter_id": "u1", "reporter_name": "Ann",
        "reporter_email": "ann@example.org", "explanation": "Threat.", "bona_fide": True})
    assert r.status_code == 201, r.text
    listed = client.get(f"/api/v1/items/{r.json()['item_id']}/reports", headers=reviewer_alice.headers).json()
    assert [x["art16_notice"] for x in listed] == [False]


def test_a_clarification_names_what_is_still_missing(client, make_submitter) -> None:
    who = make_submitter("A reporter", "user", "DE")
    first = client.post("/api/v1/requests", headers=who.headers, json={
        "jurisdiction": "DE", "reason": "hate_speech", "items": [{"url": "https://social.example/"}]}).json()
    assert first["missing"] == ["explanation", "notifier_email", "bona_fide", "items[0].url"]
    out = client.post(f"/api/v1/requests/{first['id']}/clarifications", headers=who.headers, json={
        "explanation": "It threatens a person.", "bona_fide": True,
        "items": [{"position": 0, "url": EXACT}]}).json()
    assert out["missing"] == ["notifier_email"] and out["status"] == "needs_clarification"
    # A field the clarification schema does not know is a problem+json naming it.
    bad = client.post(f"/api/v1/requests/{first['id']}/clarifications", headers=who.headers,
                      json={"notifier": "Ann"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert any("notifier" in e["field"] for e in bad.json()["errors"])
