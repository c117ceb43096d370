"""Lumen notices from the order's particulars: the order's date as ``date_sent``, the case
number as written in the body (and as ``case_id_number`` only when it is a whole number:
Lumen keeps that column as an integer), the issuing authority as ``principal`` beside the
sender that transmitted it."""

# ruff: noqa: F811  (tests take the imported ``send`` fixture as a parameter)
from __future__ import annotations

import datetime as dt
from typing import Any

from docket.documents.storage import Blobs
from docket.transparency import lumen
from tests.review.conftest import send  # noqa: F401  (the fixture)

TVERSKOY = {"issuing_authority": {"name": "Tverskoy District Court of Moscow", "kind": "court", "country": "RU"},
            "number": "A-77", "date": "2026-02-27", "case_number": "2а-1234/2026",
            "register_entry": "RKN-27-2026-0311", "deadline": "within 24 hours of receipt"}


def _decided(send: Any, act: Any, who: Any, reviewer: Any, **changes: Any) -> int:
    sent = send(who, jurisdiction="RU", legal_basis=[{"citation": "Federal Law 149-FZ, Art. 15.1"}], **changes)
    item = sent["items"][0]["id"]
    act(reviewer, f"/items/{item}/review", step="policy", finding="violates")
    act(reviewer, f"/items/{item}/decision", expect=201, outcome="removed_policy",
        policy_clause="Community Standards 3.2", explanation="A violent threat.")
    return int(sent["id"])


def _notices(sessions: Any) -> dict[str, dict[str, Any]]:
    with sessions() as s:
        return {key: body["notice"] for key, body in lumen.notices(session=s, platform="Social Example", blobs=Blobs())}


def _roles(notice: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r["entity_attributes"] for r in notice["entity_notice_roles_attributes"]}


def test_a_transmitted_court_order(send: Any, act: Any, sessions: Any, make_submitter: Any,
                                   reviewer_alice: Any) -> None:
    rkn = make_submitter("Roskomnadzor", "regulator", "RU", email="zapros@rkn.example")
    request = _decided(send, act, rkn, reviewer_alice, order=TVERSKOY, reference="RKN-77")
    n = _notices(sessions)[f"request-{request}"]
    assert (n["type"], n["date_sent"]) == ("CourtOrder", "2026-02-27")
    assert "case_id_number" not in n  # Lumen would keep 2 of "2а-1234/2026" (an integer column)
    assert n["date_received"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert "request_type" not in n  # a court's order, not an agency's request
    roles = _roles(n)
    assert roles["sender"] == {"name": "Roskomnadzor", "kind": "organization", "country_code": "RU"}
    assert roles["principal"] == roles["issuing_court"] == {
        "name": "Tverskoy District Court of Moscow", "kind": "organization", "country_code": "RU"}
    assert [r["name"] for r in n["entity_notice_roles_attributes"]] == [
        "sender", "recipient", "principal", "issuing_court"]
    for line in ("Issued by Tverskoy District Court of Moscow; transmitted by Roskomnadzor.",
                 "Order number: A-77", "Case number: 2а-1234/2026", "Register entry: RKN-27-2026-0311",
                 "Deadline stated: within 24 hours of receipt"):
        assert line in n["body"], line
    # Lumen's list fields stay comma-separated text.
    assert all(isinstance(n[f], str) for f in ("jurisdiction_list", "regulation_list", "tag_list"))


def test_without_particulars_the_sender_is_all_there_is(send: Any, act: Any, sessions: Any,
                                                        make_submitter: Any, reviewer_alice: Any) -> None:
    rkn = make_submitter("Roskomnadzor", "regulator", "RU", email="zapros@rkn.example")
    plain = _decided(send, act, rkn, reviewer_alice, reference="RKN-2026/77")
    numbered = _decided(send, act, rkn, reviewer_alice, reference="RKN-78",
                        order={"number": "№ 12-П", "issuing_authority": {"name": "Ministry of Digital Development",
                                                                           "kind": "ministry"}})
    notices = _notices(sessions)
    n = notices[f"request-{plain}"]
    assert (n["type"], n["request_type"]) == ("GovernmentRequest", "Agency")
    assert "case_id_number" not in n and "Reference: RKN-2026/77" in n["body"]
    assert n["date_sent"] == n["date_received"]
    assert set(_roles(n)) == {"sender", "recipient"}
    m = notices[f"request-{numbered}"]
    assert m["type"] == "GovernmentRequest" and "Order number: № 12-П" in m["body"]
    assert _roles(m)["principal"] == {"name": "Ministry of Digital Development", "kind": "organization"}
    assert "issuing_court" not in _roles(m)


def test_a_whole_number_case_id_goes_as_lumens_integer(send: Any, act: Any, sessions: Any, make_submitter: Any,
                                                       reviewer_alice: Any) -> None:
    rkn = make_submitter("Roskomnadzor", "regulator", "RU", email="zapros@rkn.example")
    request = _decided(send, act, rkn, reviewer_alice, reference="20260311")
    assert _notices(sessions)[f"request-{request}"]["case_id_number"] == 20260311
