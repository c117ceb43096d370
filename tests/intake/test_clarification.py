"""POST /api/v1/requests/{id}/clarifications."""

from __future__ import annotations

from docket.catalog import service as catalog
from docket.store import transaction


def incomplete(client, who, body, **changes):
    r = client.post("/api/v1/requests", headers=who.headers,
                    json=body(legal_basis=None, explanation=None, **changes))
    assert r.json()["status"] == "needs_clarification"
    return r.json()


def test_supplying_what_was_missing_opens_the_request_and_restarts_the_clock(
    client, kz_ministry, body, auditor_erin
) -> None:
    first = incomplete(client, kz_ministry, body)
    r = client.post(f"/api/v1/requests/{first['id']}/clarifications", headers=kz_ministry.headers, json={
        "legal_basis": [{"law": "kz-online-platforms-9"}],
        "explanation": "Calls for ethnic violence.", "message": "Apologies, see attached basis."})
    assert r.status_code == 200
    out = r.json()
    assert out["status"] == "open" and out["missing"] == [] and out["clarifications"] == 1
    assert out["clock_started_at"] > first["clock_started_at"]
    assert out["deadline_at"] > first["deadline_at"]
    assert out["received_at"] == first["received_at"]
    events = client.get(f"/api/v1/audit/events?subject=request:{first['id']}",
                        headers=auditor_erin.headers).json()["events"]
    assert [e["action"] for e in events] == ["request:received", "request:clarified", "request:message_posted"]
    assert events[1]["payload"]["supplied"] == ["explanation", "legal_basis"]
    thread = client.get(f"/api/v1/requests/{first['id']}/messages", headers=kz_ministry.headers).json()
    assert [(m["author"], m["kind"], m["body"]) for m in thread["messages"]] == [
        ("authority", "answer", "Apologies, see attached basis.")]
    assert events[1]["payload"]["clock_restarted"] is True


def test_a_partial_clarification_keeps_asking(client, kz_ministry, body) -> None:
    first = incomplete(client, kz_ministry, body)
    out = client.post(f"/api/v1/requests/{first['id']}/clarifications", headers=kz_ministry.headers,
                      json={"explanation": "Calls for ethnic violence."}).json()
    assert out["status"] == "needs_clarification" and out["missing"] == ["legal_basis"]


def test_a_law_can_keep_the_clock_running(client, kz_ministry, body, sessions) -> None:
    with transaction(sessions) as s:
        catalog.add_law(session=s, actor="test", id="kz-strict", applies_in="KZ", citation="x",
                        title="x", clock_hours=12, clock_restarts_on_clarification=False)
    first = incomplete(client, kz_ministry, body, items=[{"url": "https://social.example/"}])
    out = client.post(f"/api/v1/requests/{first['id']}/clarifications", headers=kz_ministry.headers, json={
        "legal_basis": [{"law": "kz-strict"}], "explanation": "x",
        "items": [{"position": 0, "url": "https://social.example/@a/5"}]}).json()
    assert out["status"] == "open"
    assert out["clock_started_at"] == first["clock_started_at"]
    assert out["items"][0]["url"] == "https://social.example/@a/5"


def test_fixing_an_item(client, kz_ministry, body) -> None:
    r = client.post("/api/v1/requests", headers=kz_ministry.headers,
                    json=body(items=[{"url": "https://social.example/@a/1"}, {"url": "https://social.example/"}]))
    assert r.json()["missing"] == ["items[1].url"]
    bad = client.post(f"/api/v1/requests/{r.json()['id']}/clarifications", headers=kz_ministry.headers,
                      json={"items": [{"position": 7, "url": "https://social.example/@a/2"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "items[0].position"
    ok = client.post(f"/api/v1/requests/{r.json()['id']}/clarifications", headers=kz_ministry.headers,
                     json={"items": [{"position": 1, "url": "https://social.example/@a/2"}]})
    assert ok.json()["status"] == "open"


def test_a_complete_request_needs_no_clarification(client, kz_ministry, body) -> None:
    out = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body()).json()
    r = client.post(f"/api/v1/requests/{out['id']}/clarifications", headers=kz_ministry.headers,
                    json={"explanation": "more"})
    assert r.status_code == 409


def test_an_empty_clarification_is_a_422(client, kz_ministry, body) -> None:
    first = incomplete(client, kz_ministry, body)
    r = client.post(f"/api/v1/requests/{first['id']}/clarifications", headers=kz_ministry.headers, json={})
    assert r.status_code == 422


def test_only_the_submitter_clarifies(client, kz_ministry, de_court, reviewer_alice, body) -> None:
    first = incomplete(client, kz_ministry, body)
    url = f"/api/v1/requests/{first['id']}/clarifications"
    assert client.post(url, headers=de_court.headers, json={"explanation": "x"}).status_code == 404
    assert client.post(url, headers=reviewer_alice.headers, json={"explanation": "x"}).status_code == 403
