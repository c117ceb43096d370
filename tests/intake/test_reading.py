"""Reading requests back: a submitter only ever sees its own."""

from __future__ import annotations


def send(client, who, body, **changes) -> dict:
    r = client.post("/api/v1/requests", headers=who.headers, json=body(**changes))
    assert r.status_code == 201
    return r.json()


def test_the_submitter_reads_its_request(client, kz_ministry, body) -> None:
    sent = send(client, kz_ministry, body)
    r = client.get(f"/api/v1/requests/{sent['id']}", headers=kz_ministry.headers)
    assert r.status_code == 200 and r.json() == sent


def test_another_submitter_gets_a_404(client, kz_ministry, de_court, body) -> None:
    sent = send(client, kz_ministry, body)
    other = client.get(f"/api/v1/requests/{sent['id']}", headers=de_court.headers)
    absent = client.get("/api/v1/requests/999999", headers=de_court.headers)
    assert other.status_code == absent.status_code == 404
    assert other.json()["title"] == absent.json()["title"]


def test_staff_read_every_request(client, kz_ministry, reviewer_alice, auditor_erin, platform, body) -> None:
    sent = send(client, kz_ministry, body)
    for who in (reviewer_alice, auditor_erin):
        assert client.get(f"/api/v1/requests/{sent['id']}", headers=who.headers).status_code == 200
    assert client.get(f"/api/v1/requests/{sent['id']}", headers=platform.headers).status_code == 403


def test_a_submitters_list_holds_only_its_own(client, kz_ministry, de_court, body) -> None:
    mine = send(client, kz_ministry, body)
    send(client, de_court, body, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}])
    listed = client.get("/api/v1/requests", headers=kz_ministry.headers).json()
    assert [r["id"] for r in listed["requests"]] == [mine["id"]]
    # Asking for another submitter's requests finds none of them.
    theirs = client.get(f"/api/v1/requests?submitter={de_court.id}", headers=kz_ministry.headers).json()
    assert theirs["requests"] == []


def test_staff_filter_and_page(client, kz_ministry, de_court, reviewer_alice, body) -> None:
    ids = [send(client, kz_ministry, body)["id"] for _ in range(3)]
    de = send(client, de_court, body, jurisdiction="DE", legal_basis=None, explanation=None)
    h = reviewer_alice.headers

    def listed(query: str) -> list[int]:
        return [r["id"] for r in client.get(f"/api/v1/requests?{query}", headers=h).json()["requests"]]

    assert listed("jurisdiction=de") == [de["id"]]
    assert listed("status=needs_clarification") == [de["id"]]
    assert listed(f"submitter={kz_ministry.id}") == ids[::-1]
    page1 = client.get("/api/v1/requests?limit=2", headers=h).json()
    page2 = client.get(f"/api/v1/requests?limit=2&cursor={page1['next_cursor']}", headers=h).json()
    assert [r["id"] for r in page1["requests"] + page2["requests"]] == [de["id"], *ids[::-1]]
    assert page2["next_cursor"] is None
    later = client.get("/api/v1/requests", headers=h, params={"received_from": de["received_at"]}).json()
    assert [r["id"] for r in later["requests"]] == [de["id"]]
    before = client.get("/api/v1/requests", headers=h, params={"received_to": de["received_at"]}).json()
    assert [r["id"] for r in before["requests"]] == ids[::-1]


def test_bad_list_parameters_are_422(client, reviewer_alice) -> None:
    for query in ("status=lost", "cursor=%%%", "limit=1000", "received_from=yesterday", "jurisdiction=KAZ"):
        assert client.get(f"/api/v1/requests?{query}", headers=reviewer_alice.headers).status_code == 422, query
