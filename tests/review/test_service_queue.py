"""GET /api/v1/queue: the same order for everybody, filters, local representatives."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import update

from docket.intake.models import Item
from docket.store import transaction, utcnow


def ids(page: dict) -> list[int]:
    return [row["id"] for row in page["items"]]


def test_the_queue_order_never_depends_on_the_submitter(client, send, kz_ministry, de_court, tr_btk,
                                                        reviewer_alice) -> None:
    de = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])          # 168 h
    kz = send(kz_ministry)                                                                # 24 h
    tr = send(tr_btk, jurisdiction="TR", legal_basis=[{"law": "tr-5651-9"}])              # 48 h
    tr_urgent = send(tr_btk, jurisdiction="TR", legal_basis=[{"law": "tr-5651-9"}],
                     emergency=True, emergency_explanation="A life is at risk.")         # 48 h, emergency
    kz2 = send(kz_ministry)                                                               # 24 h, later
    page = client.get("/api/v1/queue", headers=reviewer_alice.headers).json()
    expected = [tr_urgent, kz, kz2, tr, de]
    assert ids(page) == [r["items"][0]["id"] for r in expected]
    assert "never a sort key" in page["rule"]
    row = page["items"][1]
    assert 0 < row["seconds_left"] <= 24 * 3600 and row["submitter_kind"] == "government_agency"


def test_overdue_items_lead_within_their_class(client, send, kz_ministry, reviewer_alice, sessions) -> None:
    first, second = send(kz_ministry), send(kz_ministry)
    late_id = second["items"][0]["id"]
    with transaction(sessions) as s:
        late = utcnow() - dt.timedelta(hours=1)
        s.execute(update(Item).where(Item.id == late_id).values(deadline_at=late,
                                                                due_hour=int(late.timestamp() // 3600)))
    page = client.get("/api/v1/queue", headers=reviewer_alice.headers).json()
    assert ids(page) == [late_id, first["items"][0]["id"]]
    assert page["items"][0]["seconds_left"] < 0
    only_late = client.get("/api/v1/queue?overdue=true", headers=reviewer_alice.headers).json()
    assert ids(only_late) == [late_id]
    on_time = client.get("/api/v1/queue?overdue=false", headers=reviewer_alice.headers).json()
    assert ids(on_time) == [first["items"][0]["id"]]


def test_filters(client, send, act, kz_ministry, de_court, reviewer_alice, bob_legal) -> None:
    kz = send(kz_ministry, reason="defamation")
    de = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])
    kz_item, de_item = kz["items"][0]["id"], de["items"][0]["id"]
    act(reviewer_alice, f"/items/{kz_item}/claim")
    h = reviewer_alice.headers
    assert ids(client.get("/api/v1/queue?jurisdiction=de", headers=h).json()) == [de_item]
    assert ids(client.get("/api/v1/queue?reason=defamation", headers=h).json()) == [kz_item]
    assert ids(client.get("/api/v1/queue?assigned=me", headers=h).json()) == [kz_item]
    assert ids(client.get("/api/v1/queue?assigned=none", headers=h).json()) == [de_item]
    assert ids(client.get(f"/api/v1/queue?assigned={reviewer_alice.id}", headers=bob_legal.headers).json()) == [kz_item]
    act(reviewer_alice, f"/items/{kz_item}/review", step="policy", finding="compliant")
    assert ids(client.get("/api/v1/queue?status=legal_review", headers=h).json()) == [kz_item]
    for bad in ("status=lost", "assigned=someone", "cursor=!!", "limit=0"):
        assert client.get(f"/api/v1/queue?{bad}", headers=h).status_code == 422, bad


def test_pages(client, send, kz_ministry, reviewer_alice) -> None:
    sent = [send(kz_ministry)["items"][0]["id"] for _ in range(5)]
    first = client.get("/api/v1/queue?limit=2", headers=reviewer_alice.headers).json()
    second = client.get(f"/api/v1/queue?limit=2&cursor={first['next_cursor']}", headers=reviewer_alice.headers).json()
    third = client.get(f"/api/v1/queue?limit=2&cursor={second['next_cursor']}", headers=reviewer_alice.headers).json()
    assert ids(first) + ids(second) + ids(third) == sent
    assert third["next_cursor"] is None


def test_incomplete_requests_wait_outside_the_queue(client, send, kz_ministry, reviewer_alice) -> None:
    waiting = send(kz_ministry, legal_basis=None)
    assert waiting["status"] == "needs_clarification"
    assert client.get("/api/v1/queue", headers=reviewer_alice.headers).json()["items"] == []
    client.post(f"/api/v1/requests/{waiting['id']}/clarifications", headers=kz_ministry.headers,
                json={"legal_basis": [{"law": "kz-online-platforms-9"}]})
    assert ids(client.get("/api/v1/queue", headers=reviewer_alice.headers).json()) == [waiting["items"][0]["id"]]


def test_a_local_representative_sees_only_its_jurisdictions(client, send, act, kz_ministry, de_court,
                                                            dana_kz) -> None:
    kz = send(kz_ministry)["items"][0]["id"]
    de = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])["items"][0]["id"]
    assert ids(client.get("/api/v1/queue", headers=dana_kz.headers).json()) == [kz]
    assert client.get(f"/api/v1/items/{de}", headers=dana_kz.headers).status_code == 404
    act(dana_kz, f"/items/{de}/claim", expect=404)
    act(dana_kz, f"/items/{de}/review", expect=404, step="policy", finding="compliant")
    act(dana_kz, f"/items/{kz}/review", step="policy", finding="compliant")


def test_who_may_read_the_queue(client, kz_ministry, platform, auditor_erin, admin_ada) -> None:
    assert client.get("/api/v1/queue", headers=kz_ministry.headers).status_code == 403
    assert client.get("/api/v1/queue", headers=platform.headers).status_code == 403
    assert client.get("/api/v1/queue", headers=auditor_erin.headers).status_code == 403
    assert client.get("/api/v1/queue", headers=admin_ada.headers).status_code == 200
    assert client.get("/api/v1/queue").status_code == 401


def test_claims(client, send, act, kz_ministry, reviewer_alice, bob_legal, sessions) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    claimed = act(reviewer_alice, f"/items/{item}/claim")
    assert claimed["assigned_to"] == reviewer_alice.id and claimed["claim_expires_at"]
    act(bob_legal, f"/items/{item}/claim", expect=409)
    act(bob_legal, f"/items/{item}/review", expect=409, step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/release", expect=409)
    act(reviewer_alice, f"/items/{item}/claim")  # renewing one's own claim is fine
    act(reviewer_alice, f"/items/{item}/release")
    act(reviewer_alice, f"/items/{item}/release", expect=409)
    act(bob_legal, f"/items/{item}/claim")
    # an expired claim no longer holds the item
    with transaction(sessions) as s:
        s.execute(update(Item).where(Item.id == item).values(
            claim_expires_at=utcnow()))
    act(reviewer_alice, f"/items/{item}/claim")


def test_concurrent_claims_have_one_winner(client, send, kz_ministry, make_user) -> None:
    item = send(kz_ministry)["items"][0]["id"]
    people = [make_user(f"r{n}@docket.test", "reviewer") for n in range(6)]
    codes: list[int] = []

    def claim(who) -> None:
        codes.append(client.post(f"/api/v1/items/{item}/claim", headers=who.headers).status_code)

    threads = [threading.Thread(target=claim, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 5
