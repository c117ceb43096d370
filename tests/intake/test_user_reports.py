"""The content reporting channel: cases per content and ground, priority, abuse, notices."""

from __future__ import annotations

import json
import threading

from sqlalchemy import select
from typer.testing import CliRunner

from docket.cli import app as cli
from docket.outbox.models import OutboxMessage
from docket.parties.models import Submitter


def post(client, who, **body):
    headers = who.headers if who is not None else {}
    return client.post("/api/v1/reports", json=body, headers=headers)


def register(client, platform, content_id: str) -> None:
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": content_id, "url": f"https://social.example/p/{content_id}", "type": "post", "author_id": "a"})
    assert r.status_code in (200, 201)


def test_reports_about_the_same_content_and_ground_are_one_case(client, platform, reviewer_alice) -> None:
    register(client, platform, "p1")
    first = post(client, platform, content_id="p1", reason="cyberbullying", reporter_id="u1")
    assert first.status_code == 201 and first.json()["new_case"] is True
    second = post(client, platform, url="https://social.example/p/p1", reason="cyberbullying", reporter_id="u2")
    third = post(client, platform, content_id="p1", reason="cyberbullying", reporter_id="u1")
    assert second.json()["item_id"] == third.json()["item_id"] == first.json()["item_id"]
    item = client.get(f"/api/v1/items/{first.json()['item_id']}", headers=reviewer_alice.headers).json()
    # u1's second report repeats its first: stored once, counted once, its reference given.
    assert third.status_code == 200 and third.json()["repeat"] is True
    assert third.json()["report_id"] == first.json()["report_id"]
    assert item["report_count"] == 2 and item["reporter_count"] == 2
    legal = post(client, platform, content_id="p1", reason="cyberbullying", jurisdiction="kz", reporter_id="u3")
    assert legal.json()["new_case"] is True and legal.json()["item_id"] != first.json()["item_id"]
    listed = client.get(f"/api/v1/items/{first.json()['item_id']}/reports", headers=reviewer_alice.headers).json()
    assert [r["reporter_key"] for r in listed] == ["user:u1", "user:u2"]


def test_an_art16_notice_is_marked(client, platform, reviewer_alice) -> None:
    full = post(client, platform, content_id="p2", reason="hate_speech", reporter_id="u1", explanation="Slurs.",
                reporter_name="A. User", reporter_email="a@example.org", bona_fide=True)
    bare = post(client, platform, content_id="p2", reason="hate_speech", reporter_id="u2")
    listed = client.get(f"/api/v1/items/{full.json()['item_id']}/reports", headers=reviewer_alice.headers).json()
    assert [r["art16_notice"] for r in listed] == [True, False]
    assert bare.status_code == 201


def test_anonymous_reports_have_stricter_limits(client) -> None:
    codes = [post(client, None, url=f"https://social.example/x/{n}", reason="hate_speech").status_code
             for n in range(6)]
    assert codes == [201] * 5 + [429]


def test_bad_reports_are_422(client, platform, kz_ministry) -> None:
    assert post(client, platform, content_id="p", reason="hate_speech").status_code == 422  # no reporter_id
    assert post(client, platform, reason="hate_speech", reporter_id="u").status_code == 422
    assert post(client, platform, content_id="p", reason="nope", reporter_id="u").status_code == 422
    assert post(client, platform, content_id="p", reason="hate_speech", jurisdiction="XX",
                reporter_id="u").status_code == 422


def test_organisations_do_not_report_they_send_requests(client, kz_ministry) -> None:
    r = post(client, kz_ministry, content_id="p", reason="hate_speech")
    assert r.status_code == 403 and "/api/v1/requests" in r.json()["detail"]


def test_a_batch_takes_each_report_on_its_own(client, platform) -> None:
    batch = {"reports": [
        {"content_id": "b1", "reason": "hate_speech", "reporter_id": "u1"},
        {"content_id": "b1", "reason": "no-such-reason", "reporter_id": "u2"},
        {"content_id": "b2", "reason": "violence", "reporter_id": "u3", "unknown": 1},
        {"content_id": "b1", "reason": "hate_speech", "reporter_id": "u4"},
    ]}
    r = client.post("/api/v1/reports/batch", json=batch, headers=platform.headers)
    assert r.status_code == 200
    out = r.json()
    assert out["accepted"] == 2
    assert [x["status"] for x in out["results"]] == ["accepted", "rejected", "rejected", "accepted"]
    assert out["results"][0]["item_id"] == out["results"][3]["item_id"]
    assert out["results"][1]["problem"]["status"] == 422
    too_many = client.post("/api/v1/reports/batch", headers=platform.headers,
                           json={"reports": [{"content_id": "x", "reason": "violence", "reporter_id": "u"}] * 501})
    assert too_many.status_code == 422


def test_a_batch_counts_the_cases_it_opens_and_joins(client, platform, reviewer_alice) -> None:
    first = post(client, platform, content_id="k1", reason="hate_speech", reporter_id="u1").json()
    batch = {"reports": [
        {"content_id": "k1", "reason": "hate_speech", "reporter_id": "u1"},
        {"content_id": "k1", "reason": "hate_speech", "reporter_id": "u2"},
        {"content_id": "k2", "reason": "hate_speech", "reporter_id": "u1"},
        {"content_id": "k2", "reason": "hate_speech", "reporter_id": "u3"},
        {"content_id": "k2", "reason": "hate_speech", "reporter_id": "u3"},
    ]}
    out = client.post("/api/v1/reports/batch", json=batch, headers=platform.headers).json()
    assert [r["new_case"] for r in out["results"]] == [False, False, True, False, False]
    # u1 on k1 repeats its report outside the batch, u3 on k2 inside it: each counts once.
    assert [r["repeat"] for r in out["results"]] == [True, False, False, False, True]
    assert out["results"][0]["report_id"] == first["report_id"]
    assert out["results"][4]["report_id"] == out["results"][3]["report_id"]
    assert {r["item_id"] for r in out["results"][:2]} == {first["item_id"]}
    assert [r["reference"] for r in out["results"]] == [f"R-{r['report_id']}" for r in out["results"]]
    joined = client.get(f"/api/v1/items/{first['item_id']}", headers=reviewer_alice.headers).json()
    opened = client.get(f"/api/v1/items/{out['results'][2]['item_id']}", headers=reviewer_alice.headers).json()
    assert (joined["report_count"], joined["reporter_count"]) == (2, 2)
    assert (opened["report_count"], opened["reporter_count"]) == (2, 2)
    assert opened["possible_coordination"] is False


def test_a_burst_in_one_batch_is_flagged_once(client, platform, reviewer_alice, auditor_erin) -> None:
    batch = {"reports": [{"content_id": "burst", "reason": "hate_speech", "reporter_id": f"n{n}"}
                         for n in range(10)]}
    out = client.post("/api/v1/reports/batch", json=batch, headers=platform.headers).json()
    [item_id] = {r["item_id"] for r in out["results"]}
    item = client.get(f"/api/v1/items/{item_id}", headers=reviewer_alice.headers).json()
    assert item["possible_coordination"] is True and item["report_count"] == 10
    client.post("/api/v1/reports/batch", json={"reports": [
        {"content_id": "burst", "reason": "hate_speech", "reporter_id": "n99"}]}, headers=platform.headers)
    events = client.get("/api/v1/audit/events?action=item:possible_coordination",
                        headers=auditor_erin.headers).json()["events"]
    assert [e["subject"] for e in events] == [f"item:{item_id}"]


def test_concurrent_batches_open_each_case_once(client, platform, reviewer_alice) -> None:
    answers: list[dict] = []

    def send(n: int) -> None:
        batch = {"reports": [{"content_id": f"shared{k}", "reason": "fraud", "reporter_id": f"b{n}-{k}"}
                             for k in range(20)]}
        answers.append(client.post("/api/v1/reports/batch", json=batch, headers=platform.headers).json())

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(a["accepted"] for a in answers) == 80
    cases = {r["item_id"] for a in answers for r in a["results"]}
    assert len(cases) == 20 and sum(r["new_case"] for a in answers for r in a["results"]) == 20
    for item_id in cases:
        item = client.get(f"/api/v1/items/{item_id}", headers=reviewer_alice.headers).json()
        assert (item["report_count"], item["reporter_count"]) == (4, 4)
    verified = CliRunner().invoke(cli, ["audit", "verify", "--json"])
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True


def test_concurrent_reports_make_one_case_and_lose_no_count(client, platform, reviewer_alice,
                                                            sessions) -> None:
    results: list[int] = []
    failures: list[str] = []

    def report(n: int) -> None:
        r = post(client, platform, content_id="hot", reason="hate_speech", reporter_id=f"u{n}")
        if r.status_code != 201:
            failures.append(r.text)
        else:
            results.append(r.json()["item_id"])

    threads = [threading.Thread(target=report, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(set(results)) == 1
    item = client.get(f"/api/v1/items/{results[0]}", headers=reviewer_alice.headers).json()
    assert item["report_count"] == 8 and item["reporter_count"] == 8
    # The first reports ever also made the channel's submitter: one, not one per thread.
    with sessions() as s:
        owners = s.execute(select(Submitter.id).where(Submitter.name == "Reports from the platform's users")).all()
    assert len(owners) == 1


def test_a_decided_case_takes_new_reports_until_the_content_changes(client, platform, act, reviewer_alice) -> None:
    register(client, platform, "d1")
    first = post(client, platform, content_id="d1", reason="hate_speech", reporter_id="u1").json()
    act(reviewer_alice, f"/items/{first['item_id']}/review", step="policy", finding="violates")
    act(reviewer_alice, f"/items/{first['item_id']}/decision", expect=201, outcome="removed_policy",
        policy_clause="3.1", explanation="Slurs.")
    again = post(client, platform, content_id="d1", reason="hate_speech", reporter_id="u2").json()
    assert again["item_id"] == first["item_id"] and again["new_case"] is False
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "d1", "url": "https://social.example/p/d1", "type": "post", "author_id": "a", "text": "edited"})
    changed = post(client, platform, content_id="d1", reason="hate_speech", reporter_id="u3").json()
    assert changed["new_case"] is True


def test_priority_severity_then_clock_then_trusted_flagger_then_crowd(client, platform, admin_ada, make_submitter,
                                                                      reviewer_alice) -> None:
    old_bullying = post(client, platform, content_id="q1", reason="cyberbullying", reporter_id="u1").json()
    crowd = post(client, platform, content_id="q2", reason="cyberbullying", reporter_id="u1").json()
    post(client, platform, content_id="q2", reason="cyberbullying", reporter_id="u2")
    child = post(client, platform, content_id="q3", reason="child_safety", reporter_id="u1").json()
    flagger = make_submitter("jugendschutz.net", "trusted_flagger", "IE", email="h@example.org")
    backwards = client.post("/api/v1/designations", headers=admin_ada.headers, json={
        "submitter_id": flagger.id, "designating_body": "Coimisiún na Meán", "reasons": ["cyberbullying"],
        "jurisdictions": ["IE"], "valid_from": "2026-01-01T00:00:00Z", "valid_to": "2025-12-31T00:00:00Z"})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "valid_to"
    d = client.post("/api/v1/designations", headers=admin_ada.headers, json={
        "submitter_id": flagger.id, "designating_body": "Coimisiún na Meán", "reasons": ["cyberbullying"],
        "jurisdictions": ["IE"], "valid_from": "2026-01-01T00:00:00Z"})
    assert d.status_code == 201, d.text
    assert len(client.get("/api/v1/designations", headers=admin_ada.headers).json()) == 1
    flagged = client.post("/api/v1/requests", headers=flagger.headers, json={
        "jurisdiction": "IE", "reason": "cyberbullying", "explanation": "Targeted harassment.", "bona_fide": True,
        "items": [{"url": "https://social.example/p/q4"}]}).json()
    outside = client.post("/api/v1/requests", headers=flagger.headers, json={
        "jurisdiction": "IE", "reason": "defamation", "explanation": "x", "bona_fide": True,
        "items": [{"url": "https://social.example/p/q5"}]}).json()
    rows = client.get("/api/v1/queue?limit=100", headers=reviewer_alice.headers).json()["items"]
    order = [r["id"] for r in rows]
    assert order.index(child["item_id"]) == 0  # severity class 1 first
    flagged_id = flagged["items"][0]["id"]
    assert next(r for r in rows if r["id"] == flagged_id)["trusted_flagger"] is True
    assert next(r for r in rows if r["id"] == outside["items"][0]["id"])["trusted_flagger"] is False
    # Same severity and clock: the trusted flagger, then the case with more reporters, then age.
    assert order.index(flagged_id) < order.index(crowd["item_id"]) < order.index(old_bullying["item_id"])


def test_a_coordinated_burst_is_flagged_not_actioned(client, platform, reviewer_alice, auditor_erin) -> None:
    register(client, platform, "c1")
    ids = {post(client, platform, content_id="c1", reason="hate_speech", reporter_id=f"new{n}").json()["item_id"]
           for n in range(10)}
    [item_id] = ids
    item = client.get(f"/api/v1/items/{item_id}", headers=reviewer_alice.headers).json()
    assert item["possible_coordination"] is True and item["status"] == "received" and item["outcome"] is None
    events = client.get("/api/v1/audit/events?action=item:possible_coordination",
                        headers=auditor_erin.headers).json()["events"]
    assert [e["subject"] for e in events] == [f"item:{item_id}"]
    verified = {post(client, platform, content_id="c2", reason="hate_speech", reporter_id=f"v{n}",
                     reporter_verified=True).json()["item_id"] for n in range(10)}
    assert client.get(f"/api/v1/items/{verified.pop()}", headers=reviewer_alice.headers).json()[
        "possible_coordination"] is False


def test_a_suspended_reporter_is_refused_with_the_reason(client, platform, reviewer_alice, auditor_erin) -> None:
    post(client, platform, content_id="s1", reason="hate_speech", reporter_id="troll")
    r = client.post("/api/v1/reporters/user:troll/suspension", headers=reviewer_alice.headers,
                    json={"reason": "Forty manifestly unfounded reports in a week.", "days": 30})
    assert r.status_code == 201
    refused = post(client, platform, content_id="s2", reason="hate_speech", reporter_id="troll")
    assert refused.status_code == 403 and "manifestly unfounded" in refused.json()["detail"]
    assert post(client, platform, content_id="s2", reason="hate_speech", reporter_id="other").status_code == 201
    events = client.get("/api/v1/audit/events?action=reporter:suspended", headers=auditor_erin.headers).json()
    assert len(events["events"]) == 1


def test_every_reporter_is_told_the_outcome_once(client, platform, act, reviewer_alice, sessions) -> None:
    register(client, platform, "n1")
    given: dict[str, str] = {}
    for user, email in (("u1", "one@example.org"), ("u2", "two@example.org"), ("u1", "one@example.org"),
                        ("u3", None)):
        body = {"content_id": "n1", "reason": "hate_speech", "reporter_id": user}
        if email:
            body["reporter_email"] = email
        answer = post(client, platform, **body).json()
        item_id = answer["item_id"]
        if email:
            given.setdefault(email, answer["reference"])
    act(reviewer_alice, f"/items/{item_id}/review", step="policy", finding="violates")
    act(reviewer_alice, f"/items/{item_id}/decision", expect=201, outcome="removed_policy", policy_clause="3.1",
        explanation="Slurs.")
    with sessions() as s:
        told = sorted((m.recipient, m) for m in s.execute(
            select(OutboxMessage).where(OutboxMessage.kind == "reporter_outcome")).scalars())
        assert [address for address, _ in told] == ["one@example.org", "two@example.org"]
        # Each reporter's e-mail quotes the reference it was given when it reported.
        from docket.notices.compose import context_for
        from docket.settings import Settings

        for address, message in told:
            context = context_for(s, message, Settings(secret_key="x" * 32))
            assert context["report_reference"] == given[address]


def test_designations_from_the_command_line(make_submitter) -> None:
    import json

    from typer.testing import CliRunner

    from docket.cli import app as cli

    flagger = make_submitter("jugendschutz.net", "trusted_flagger", "DE")
    ok = CliRunner().invoke(cli, ["flagger", "designate", "--submitter", str(flagger.id), "--body", "BNetzA",
                                  "--reason", "hate_speech", "--jurisdiction", "de", "--valid-from", "2026-01-01",
                                  "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["designation"]["jurisdictions"] == ["DE"]
    court = make_submitter("Court", "court", "DE")
    bad = CliRunner().invoke(cli, ["flagger", "designate", "--submitter", str(court.id), "--body", "x",
                                   "--reason", "hate_speech", "--jurisdiction", "DE", "--valid-from", "2026-01-01",
                                   "--json"])
    assert bad.exit_code == 1 and "trusted_flagger" in bad.stdout


def test_a_defanged_address_in_a_report_is_read_refanged_and_noted(client, platform, reviewer_alice) -> None:
    defanged = post(client, None, url="hxxps://social[.]example/p/d1", reason="hate_speech")
    assert defanged.status_code == 201, defanged.text
    plain = post(client, None, url="https://social.example/p/d1", reason="hate_speech")
    assert plain.json()["item_id"] == defanged.json()["item_id"]  # one case: the same address
    item = client.get(f"/api/v1/items/{defanged.json()['item_id']}", headers=reviewer_alice.headers).json()
    assert item["url"] == "https://social.example/p/d1"
    request = client.get(f"/api/v1/requests/{item['request_id']}", headers=reviewer_alice.headers).json()
    assert request["intake_notes"] == [{"note": "refanged", "position": 0, "given": "hxxps://social[.]example/p/d1",
                                        "read_as": "https://social.example/p/d1"}]
