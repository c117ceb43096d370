from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from docket import store
from tests.review.conftest import send  # noqa: F401  (the fixture; F811 below is its use)

T0 = dt.datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def history(client: Any, send: Any, act: Any, sessions: Any, platform: Any, make_submitter: Any,  # noqa: F811
            tr_btk: Any, reviewer_alice: Any, bob_legal: Any, dana_kz: Any) -> dict[str, Any]:
    """A known case history, pushed through the API, then moved into 2026-H1 at known times.

    KZ ministry: one request, two items: restricted (decided after 10 h, in effect after 12 h) and
    no action (30 h). DE court: one item removed under policy (2 h). TR regulator: one item,
    undecided, an emergency, after one clarification. A user report (cyberbullying) opens a case."""
    kz_ministry = make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                                 email="monitoring@misd.example")
    de_court = make_submitter("Landgericht Berlin", "court", "DE", email="poststelle@lg-berlin.example")
    kz = send(kz_ministry, n=2)
    kz1, kz2 = (i["id"] for i in kz["items"])
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        act(dana_kz, f"/items/{kz1}/review", step=step, finding=finding)
    act(dana_kz, f"/items/{kz1}/decision", expect=201, outcome="restricted", explanation="Illegal under KZ law.")
    act(reviewer_alice, f"/items/{kz2}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{kz2}/review", step="legal", finding="lawful")
    act(bob_legal, f"/items/{kz2}/decision", expect=201, outcome="no_action", explanation="Lawful speech.")
    de = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])
    de1 = de["items"][0]["id"]
    act(reviewer_alice, f"/items/{de1}/review", step="policy", finding="violates")
    act(reviewer_alice, f"/items/{de1}/decision", expect=201, outcome="removed_policy",
        policy_clause="Community Standards 3.2", explanation="A violent threat.")
    tr = send(tr_btk, jurisdiction="TR", legal_basis=[{"law": "tr-5651-9"}])
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "p9", "url": "https://social.example/p/p9", "type": "post", "author_id": "a9"})
    assert r.status_code in (200, 201), r.text
    r = client.post("/api/v1/reports", headers=platform.headers,
                    json={"content_id": "p9", "reason": "cyberbullying", "reporter_id": "u1"})
    assert r.status_code == 201, r.text
    report_item = r.json()["item_id"]

    at = {kz["id"]: T0, de["id"]: T0 + dt.timedelta(days=30), tr["id"]: T0 + dt.timedelta(days=45)}
    decided = {kz1: 10, kz2: 30, de1: 2}
    effective = {kz1: 12, kz2: 30, de1: 2}
    with store.transaction(sessions) as s:
        report_request = s.execute(text("SELECT request_id FROM items WHERE id = :i"), {"i": report_item}).scalar()
        at[report_request] = dt.datetime(2026, 5, 1, 8, 0)
        for request_id, when in at.items():
            s.execute(text("UPDATE requests SET received_at = :t WHERE id = :r"), {"t": when, "r": request_id})
            s.execute(text("UPDATE items SET received_at = :t WHERE request_id = :r"), {"t": when, "r": request_id})
        s.execute(text("UPDATE reports SET received_at = :t"), {"t": at[report_request]})
        s.execute(text("UPDATE requests SET clarifications = 1, emergency = :y WHERE id = :r"),
                  {"r": tr["id"], "y": True})
    with store.transaction(sessions) as s:
        # Timestamps in Python (the engines differ in date arithmetic); the report does it in SQL.
        for item_id, hours in decided.items():
            request_id = s.execute(text("SELECT request_id FROM items WHERE id = :i"), {"i": item_id}).scalar()
            # As the services write them: the item is decided when its decision takes effect.
            in_effect = at[request_id] + dt.timedelta(hours=effective[item_id])
            # …and review keeps on the item the seconds it took (what the report reads).
            s.execute(text("UPDATE items SET decided_at = :t, decide_seconds = :ds, effect_seconds = :es "
                           "WHERE id = :i"), {"t": in_effect, "i": item_id, "ds": hours * 3600.0,
                                              "es": effective[item_id] * 3600.0})
            s.execute(text("UPDATE decisions SET decided_at = :d, effective_at = :t WHERE item_id = :i"),
                      {"d": at[request_id] + dt.timedelta(hours=hours), "t": in_effect, "i": item_id})
        # The acknowledgements went out 1 h (KZ) and 3 h (DE) after receipt.
        for request_id, hours in ((kz["id"], 1), (de["id"], 3)):
            s.execute(text("UPDATE outbox SET status = 'sent', sent_at = :t WHERE kind = 'acknowledgement' "
                           "AND subject = :s"), {"t": at[request_id] + dt.timedelta(hours=hours),
                                                 "s": f"request:{request_id}"})
        acks = s.execute(text("SELECT subject, status FROM outbox WHERE kind = 'acknowledgement'")).all()
    return {"kz": kz["id"], "de": de["id"], "tr": tr["id"], "report_request": report_request,
            "items": {"kz1": kz1, "kz2": kz2, "de1": de1, "tr1": tr["items"][0]["id"], "report": report_item},
            "acks": acks}
