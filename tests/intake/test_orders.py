"""The order's particulars on a request: sent with it, shown in its read model, proposed as a
repeat (never linked silently), corrected by staff with an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from docket.audit.models import Event
from tests.intake.conftest import KZ_BODY

# Roskomnadzor transmitting a district court's decision (the example of docs/api.md).
COURT_ORDER = {
    "issuing_authority": {"name": "Tverskoy District Court of Moscow", "kind": "court", "country": "ru"},
    "number": "2а-1234/2026", "date": "2026-02-27", "court": "Tverskoy District Court of Moscow",
    "case_number": "2а-1234/2026", "register_entry": "27-2026-0311",
    "deadline": "within 24 hours of receipt",
}


@pytest.fixture
def roskomnadzor(make_submitter: Any) -> Any:
    return make_submitter("Roskomnadzor", "regulator", "RU", email="zapros@rkn.example")


def ru_body(**order: Any) -> dict[str, Any]:
    return {**KZ_BODY, "jurisdiction": "RU", "reference": "RKN-2026/77",
            "legal_basis": [{"citation": "Federal Law 149-FZ, Art. 15.1"}], "order": order}


def send(client: Any, who: Any, body: dict[str, Any], expect: int = 201) -> dict[str, Any]:
    r = client.post("/api/v1/requests", json=body, headers=who.headers)
    assert r.status_code == expect, r.text
    return dict(r.json())


def events(sessions: Any, action: str) -> list[Event]:
    with sessions() as s:
        return list(s.scalars(select(Event).where(Event.action == action).order_by(Event.seq)))


def test_a_transmitted_court_order_is_kept_and_shown_as_written(client, roskomnadzor, reviewer_alice,
                                                                sessions) -> None:
    sent = send(client, roskomnadzor, ru_body(**COURT_ORDER))
    expected = {
        "issuing_authority": {"name": "Tverskoy District Court of Moscow", "kind": "court", "country": "RU"},
        "number": "2а-1234/2026", "date": "2026-02-27", "court": "Tverskoy District Court of Moscow",
        "case_number": "2а-1234/2026", "register_entry": "27-2026-0311",
        "deadline": "within 24 hours of receipt", "repeats": None, "proposed_repeats": None,
    }
    assert sent["order"] == expected
    for who in (roskomnadzor, reviewer_alice):
        again = client.get(f"/api/v1/requests/{sent['id']}", headers=who.headers).json()
        assert again["order"] == expected
    # The particulars are part of what was asked: the received event carries them.
    [received] = [e for e in events(sessions, "request:received") if e.subject == f"request:{sent['id']}"]
    assert received.payload["order"] == {
        "authority_name": "Tverskoy District Court of Moscow", "authority_kind": "court",
        "authority_country": "RU", "order_number": "2а-1234/2026", "order_date": "2026-02-27",
        "court_name": "Tverskoy District Court of Moscow", "case_number": "2а-1234/2026",
        "register_entry": "27-2026-0311", "order_deadline": "within 24 hours of receipt"}


def test_a_request_without_an_order_has_none(client, kz_ministry, sessions) -> None:
    sent = send(client, kz_ministry, dict(KZ_BODY))
    assert sent["order"] is None
    assert client.get(f"/api/v1/requests/{sent['id']}", headers=kz_ministry.headers).json()["order"] is None
    assert events(sessions, "request:received")[-1].payload["order"] is None


@pytest.mark.parametrize(("order", "field"), [
    ({"date": "2026-02-30"}, "order.date"),
    ({"date": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "order.date"),
    ({"date": "1900-01-01"}, "order.date"),
    ({"case_number": "x" * 201}, "order.case_number"),
    ({"deadline": "x" * 501}, "order.deadline"),
    ({"number": ""}, "order.number"),
    ({"issuing_authority": {"kind": "court"}}, "order.issuing_authority.name"),
    ({"issuing_authority": {"name": "A court", "kind": "tribunal"}}, "order.issuing_authority.kind"),
    ({"issuing_authority": {"name": "A court", "country": "RUS"}}, "order.issuing_authority.country"),
    ({"seal": "round"}, "order.seal"),
])
def test_bad_particulars_are_refused_naming_the_field(client, roskomnadzor, order, field) -> None:
    r = client.post("/api/v1/requests", json=ru_body(**order), headers=roskomnadzor.headers)
    assert r.status_code == 422, r.text
    assert field in [e["field"] for e in r.json()["errors"]], r.json()


def test_the_same_register_entry_again_is_proposed_as_a_repeat_never_linked(client, roskomnadzor,
                                                                            sessions) -> None:
    first = send(client, roskomnadzor, ru_body(register_entry="27-2026-0311"))
    second = send(client, roskomnadzor, ru_body(register_entry="27-2026-0311", deadline="within 24 hours"))
    assert second["order"]["proposed_repeats"] == first["id"] and second["order"]["repeats"] is None
    assert {"note": "repeats", "request": first["id"], "by": "register_entry",
            "given": "27-2026-0311"} in second["intake_notes"]
    # An order number from the same country, too; the latest earlier request is proposed.
    third = send(client, roskomnadzor, ru_body(number="N-5"))
    fourth = send(client, roskomnadzor, ru_body(number="N-5"))
    assert fourth["order"]["proposed_repeats"] == third["id"]
    assert fourth["intake_notes"][-1]["by"] == "order_number"
    # The same number from another issuing country is another order.
    other = send(client, roskomnadzor, ru_body(number="N-5", issuing_authority={"name": "Court", "country": "BY"}))
    assert other["order"] is None or other["order"]["proposed_repeats"] is None
    # Stored as proposed: the read model says the same later.
    again = client.get(f"/api/v1/requests/{second['id']}", headers=roskomnadzor.headers).json()
    assert again["order"]["proposed_repeats"] == first["id"]


def test_a_proposal_looks_at_the_submitters_own_requests_only(client, roskomnadzor, make_submitter) -> None:
    police = make_submitter("MVD", "police", "RU", email="mvd@mvd.example")
    send(client, police, ru_body(register_entry="27-2026-0311"))
    mine = send(client, roskomnadzor, ru_body(register_entry="27-2026-0311"))
    assert mine["order"]["proposed_repeats"] is None
    assert not [n for n in mine["intake_notes"] if n["note"] == "repeats"]


def test_a_submitter_links_its_own_earlier_request_only(client, roskomnadzor, kz_ministry) -> None:
    mine = send(client, roskomnadzor, ru_body(register_entry="27-2026-0311"))
    theirs = send(client, kz_ministry, dict(KZ_BODY))
    linked = send(client, roskomnadzor, ru_body(register_entry="27-2026-0311", repeats=mine["id"]))
    assert (linked["order"]["repeats"], linked["order"]["proposed_repeats"]) == (mine["id"], None)
    r = client.post("/api/v1/requests", json=ru_body(repeats=theirs["id"]), headers=roskomnadzor.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "order.repeats"


def test_staff_correct_the_particulars_with_an_event(client, roskomnadzor, reviewer_alice, sessions) -> None:
    first = send(client, roskomnadzor, ru_body(register_entry="27-2026-0311"))
    second = send(client, roskomnadzor, ru_body(register_entry="27-2026-0311", number="12/7"))
    path = f"/api/v1/requests/{second['id']}/order"
    r = client.patch(path, headers=reviewer_alice.headers, json={
        "repeats": first["id"], "date": "2026-03-01", "number": None,
        "issuing_authority": {"name": "Moscow City Court", "kind": "court", "country": "RU"},
        "note": "As the scanned order shows."})
    assert r.status_code == 200, r.text
    order = r.json()["order"]
    assert (order["repeats"], order["date"], order["number"], order["register_entry"]) == (
        first["id"], "2026-03-01", None, "27-2026-0311")
    assert order["issuing_authority"] == {"name": "Moscow City Court", "kind": "court", "country": "RU"}
    [event] = events(sessions, "request:order_corrected")
    assert (event.actor, event.subject) == (f"user:{reviewer_alice.id}", f"request:{second['id']}")
    assert event.payload == {"note": "As the scanned order shows.", "changes": {
        "repeats_id": [None, first["id"]], "order_date": [None, "2026-03-01"], "order_number": ["12/7", None],
        "authority_name": [None, "Moscow City Court"], "authority_kind": [None, "court"],
        "authority_country": [None, "RU"]}}
    # The same again changes nothing: refused, and no event.
    r = client.patch(path, headers=reviewer_alice.headers, json={"repeats": first["id"]})
    assert r.status_code == 422
    assert len(events(sessions, "request:order_corrected")) == 1


def test_a_correction_names_an_earlier_request(client, roskomnadzor, reviewer_alice) -> None:
    sent = send(client, roskomnadzor, ru_body(number="1"))
    for repeats in (sent["id"], sent["id"] + 1000):
        r = client.patch(f"/api/v1/requests/{sent['id']}/order", headers=reviewer_alice.headers,
                         json={"repeats": repeats})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "order.repeats", r.text
    r = client.patch(f"/api/v1/requests/{sent['id']}/order", headers=reviewer_alice.headers,
                     json={"date": "2026-13-01"})
    assert r.status_code == 422


def test_only_reviewers_within_reach_correct(client, roskomnadzor, dana_kz, auditor_erin) -> None:
    sent = send(client, roskomnadzor, ru_body(number="1"))
    path = f"/api/v1/requests/{sent['id']}/order"
    assert client.patch(path, headers=roskomnadzor.headers, json={"number": "2"}).status_code == 403
    assert client.patch(path, headers=auditor_erin.headers, json={"number": "2"}).status_code == 403
    # Kazakhstan's local representative does not reach a Russian request.
    assert client.patch(path, headers=dana_kz.headers, json={"number": "2"}).status_code == 404
