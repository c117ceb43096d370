"""Appeals: who may appeal what, when, once; decided by someone else."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from docket.appeals import tokens
from docket.review.models import Decision
from docket.store import transaction, utcnow
from tests.conftest import SECRET


def test_an_invalid_link_is_a_422(client) -> None:
    for token in ("12.forged", "nonsense", "999999999999999.x"):
        r = client.post("/api/v1/appeals", json={"token": token, "statement": "Unfair."})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "token"


def test_an_appeal_needs_one_way_in(client, kz_ministry) -> None:
    assert client.post("/api/v1/appeals", json={"statement": "x"}).status_code == 422
    assert client.post("/api/v1/appeals", json={"token": "1.x", "decision_id": 1, "statement": "x"}).status_code == 422
    assert client.post("/api/v1/appeals", json={"decision_id": 1, "statement": "x"}).status_code == 401


def _restrict(client, act, platform, kz_ministry, people) -> int:
    reviewer_alice, bob_legal, carol_rights, dana_kz = people
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-9", "url": "https://social.example/@a/9", "type": "post", "author_contact": "a@mail.example"})
    request = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"content_id": "post-9"}]}).json()
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
    return act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="x")["id"]


def test_late_and_duplicate_appeals_are_refused_and_recorded(
    client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, auditor_erin, sessions
) -> None:
    decision = _restrict(client, act, platform, kz_ministry, (reviewer_alice, bob_legal, carol_rights, dana_kz))
    token = tokens.make(SECRET, decision)
    first = client.post("/api/v1/appeals", json={"token": token, "statement": "Satire."})
    assert first.status_code == 201
    twin = client.post("/api/v1/appeals", json={"token": token, "statement": "Again."})
    assert twin.status_code == 409 and "already has an open appeal" in twin.json()["detail"]
    # Another decision, six months and more ago: its window is closed.
    older = _restrict(client, act, platform, kz_ministry, (reviewer_alice, bob_legal, carol_rights, dana_kz))
    with transaction(sessions) as s:
        s.execute(update(Decision).where(Decision.id == older).values(
            effective_at=utcnow() - dt.timedelta(days=200)))
    late = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, older), "statement": "Late."})
    assert late.status_code == 409 and "closed on" in late.json()["detail"]
    refused = client.get("/api/v1/audit/events?action=appeal:refused", headers=auditor_erin.headers).json()
    assert len(refused["events"]) == 2


def test_a_requester_appeals_a_decision_not_to_act(client, act, de_court, kz_ministry, reviewer_alice, bob_legal,
                                                   make_user) -> None:
    request = client.post("/api/v1/requests", headers=de_court.headers, json={
        "jurisdiction": "DE", "reason": "defamation", "explanation": "Untrue statement of fact.",
        "legal_basis": [{"law": "de-netzdg-3"}], "items": [{"url": "https://social.example/@b/1"}]}).json()
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="lawful")
    decision = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="no_action",
                   explanation="An opinion, protected speech.")["id"]
    # Someone else's decision is not there for the Kazakh ministry.
    assert client.post("/api/v1/appeals", headers=kz_ministry.headers,
                       json={"decision_id": decision, "statement": "x"}).status_code == 404
    filed = client.post("/api/v1/appeals", headers=de_court.headers,
                        json={"decision_id": decision, "statement": "The court found it untrue."})
    assert filed.status_code == 201 and filed.json()["appellant"] == "requester"
    judge = make_user("grace@docket.test", "legal", "reviewer")
    assert client.get("/api/v1/appeals?status=open", headers=judge.headers).json()[0]["id"] == filed.json()["id"]
    r = client.post(f"/api/v1/appeals/{filed.json()['id']}/decision", headers=judge.headers,
                    json={"outcome": "reversed", "explanation": "The court's finding binds us."})
    assert r.status_code == 200
    back = client.get(f"/api/v1/items/{item}", headers=judge.headers).json()
    assert back["status"] == "legal_review" and back["outcome"] is None
    assert item in [row["id"] for row in client.get("/api/v1/queue", headers=judge.headers).json()["items"]]
    again = client.post(f"/api/v1/appeals/{filed.json()['id']}/decision", headers=judge.headers,
                        json={"outcome": "upheld", "explanation": "x"})
    assert again.status_code == 409


def test_an_author_cannot_appeal_a_decision_that_did_not_restrict(client, act, de_court, reviewer_alice,
                                                                  bob_legal) -> None:
    request = client.post("/api/v1/requests", headers=de_court.headers, json={
        "jurisdiction": "DE", "reason": "defamation", "explanation": "x",
        "legal_basis": [{"law": "de-netzdg-3"}], "items": [{"url": "https://social.example/@b/2"}]}).json()
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="lawful")
    decision = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="no_action", explanation="x")["id"]
    r = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision), "statement": "x"})
    assert r.status_code == 409 and "did not" in r.json()["detail"]


def test_upheld(client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz,
                make_user) -> None:
    decision = _restrict(client, act, platform, kz_ministry, (reviewer_alice, bob_legal, carol_rights, dana_kz))
    appeal = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision), "statement": "x"}).json()
    judge = make_user("grace@docket.test", "rights", "reviewer")
    r = client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=judge.headers,
                    json={"outcome": "upheld", "explanation": "Incitement; the restriction stands."})
    assert r.json()["status"] == "upheld"
    seen = client.get("/api/v1/visibility", params={"content_id": "post-9", "country": "KZ"},
                      headers=platform.headers).json()
    assert seen["visible"] is False
    assert client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=kz_ministry.headers,
                       json={"outcome": "reversed", "explanation": "x"}).status_code == 403


def test_only_someone_entitled_to_the_country_and_uninvolved_decides_an_appeal(
    client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, make_user
) -> None:
    decision = _restrict(client, act, platform, kz_ministry, (reviewer_alice, bob_legal, carol_rights, dana_kz))
    appeal = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision), "statement": "x"}).json()
    turkey = make_user("emre@docket.test", "local_representative", jurisdictions=("TR",))
    # Not their country: for Turkey's representative the appeal does not exist.
    assert client.get(f"/api/v1/appeals/{appeal['id']}", headers=turkey.headers).status_code == 404
    assert client.get("/api/v1/appeals", headers=turkey.headers).json() == []
    # One who is also an auditor reads every appeal, but decides only Turkey's.
    reader = make_user("ayse@docket.test", "local_representative", "auditor", jurisdictions=("TR",))
    assert client.get(f"/api/v1/appeals/{appeal['id']}", headers=reader.headers).status_code == 200
    for outsider in (turkey, reader):
        r = client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=outsider.headers,
                        json={"outcome": "reversed", "explanation": "x"})
        assert r.status_code == 404, r.text
    # Kazakhstan's representative decided the restriction: involved, so not her either.
    involved = client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=dana_kz.headers,
                           json={"outcome": "reversed", "explanation": "x"})
    assert involved.status_code == 409 and "took part" in involved.json()["detail"]
    seen = client.get("/api/v1/visibility", params={"content_id": "post-9", "country": "KZ"},
                      headers=platform.headers).json()
    assert seen["visible"] is False  # nothing was lifted by anyone above
    judge = make_user("grace@docket.test", "legal", "reviewer")
    done = client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=judge.headers,
                       json={"outcome": "upheld", "explanation": "Incitement; it stands."})
    assert done.status_code == 200 and done.json()["status"] == "upheld"


def test_one_appeal_per_decision_and_appellant_and_the_link_says_it_was_heard(
    client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, make_user
) -> None:
    decision = _restrict(client, act, platform, kz_ministry, (reviewer_alice, bob_legal, carol_rights, dana_kz))
    token = tokens.make(SECRET, decision)
    appeal = client.post("/api/v1/appeals", json={"token": token, "statement": "Satire."}).json()
    judge = make_user("grace@docket.test", "legal", "reviewer")
    client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=judge.headers,
                json={"outcome": "upheld", "explanation": "Incitement; it stands."})
    again = client.post("/api/v1/appeals", json={"token": token, "statement": "Please look again."})
    assert again.status_code == 409
    assert again.json()["heard"] is True and again.json()["appeal_id"] == appeal["id"]
    page = client.get(f"/appeal?token={token}")
    assert page.status_code == 200
    assert "Your appeal was heard" in page.text and "the decision was upheld" in page.text
    assert 'name="statement"' not in page.text and "Incitement; it stands." in page.text


def test_a_requester_appeals_a_decision_once(client, act, de_court, reviewer_alice, bob_legal, make_user) -> None:
    request = client.post("/api/v1/requests", headers=de_court.headers, json={
        "jurisdiction": "DE", "reason": "defamation", "explanation": "Untrue statement of fact.",
        "legal_basis": [{"law": "de-netzdg-3"}], "items": [{"url": "https://social.example/@b/7"}]}).json()
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="lawful")
    decision = act(bob_legal, f"/items/{item}/decision", expect=201, outcome="no_action", explanation="x")["id"]
    filed = client.post("/api/v1/appeals", headers=de_court.headers, json={"decision_id": decision, "statement": "x"})
    judge = make_user("grace@docket.test", "legal", "reviewer")
    client.post(f"/api/v1/appeals/{filed.json()['id']}/decision", headers=judge.headers,
                json={"outcome": "upheld", "explanation": "Lawful opinion."})
    again = client.post("/api/v1/appeals", headers=de_court.headers, json={"decision_id": decision, "statement": "y"})
    assert again.status_code == 409 and "was heard on" in again.json()["detail"]


def test_the_link_expires_with_the_window_or_a_month_after_its_appeal_was_decided(
    client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, make_user, sessions
) -> None:
    decision = _restrict(client, act, platform, kz_ministry, (reviewer_alice, bob_legal, carol_rights, dana_kz))
    token = tokens.make(SECRET, decision)
    appeal = client.post("/api/v1/appeals", json={"token": token, "statement": "x"}).json()
    judge = make_user("grace@docket.test", "legal", "reviewer")
    client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=judge.headers,
                json={"outcome": "upheld", "explanation": "It stands."})
    # Past the window, the author can still read the outcome of the appeal it made…
    with transaction(sessions) as s:
        s.execute(update(Decision).where(Decision.id == decision).values(
            effective_at=utcnow() - dt.timedelta(days=200)))
    assert client.get(f"/appeal?token={token}").status_code == 200
    # …for a month after it was decided; then the link shows nothing any more.
    from docket.appeals.models import Appeal

    with transaction(sessions) as s:
        s.execute(update(Appeal).where(Appeal.id == appeal["id"]).values(
            decided_at=utcnow() - dt.timedelta(days=31)))
    gone = client.get(f"/appeal?token={token}")
    assert gone.status_code == 410 and "expired on" in gone.text and "What we did" not in gone.text
