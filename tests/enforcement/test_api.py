"""Visibility checks read the in-memory index: restrict in KZ, hidden in KZ, visible in DE."""

from __future__ import annotations

import datetime as dt

from docket.store import utcnow


def see(client, platform, content_id, country=None, **params):
    query = {"content_id": content_id, **({"country": country} if country else {}), **params}
    r = client.get("/api/v1/visibility", params=query, headers=platform.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_restricted_in_kz_is_hidden_in_kz_and_visible_in_de(client, platform, restrict, eventually) -> None:
    assert see(client, platform, "post-1", "KZ")["visible"] is True
    restrict("post-1", jurisdiction="KZ")
    assert eventually(lambda: not see(client, platform, "post-1", "KZ")["visible"])
    kz = see(client, platform, "post-1", "KZ")
    assert kz == {"content_id": "post-1", "country": "KZ", "visible": False, "withheld_in": ["KZ"],
                  "rule": "country", "notice": {"kind": "legal_demand",
                  "text": "This content has been withheld in Kazakhstan in response to a legal demand."}}
    de = see(client, platform, "post-1", "de")
    assert de["visible"] is True and de["withheld_in"] == ["KZ"] and de["notice"] is None


def test_notices_in_the_viewers_language(client, platform, restrict, eventually) -> None:
    restrict("post-2", jurisdiction="KZ")
    eventually(lambda: not see(client, platform, "post-2", "KZ")["visible"])
    texts = {lang: see(client, platform, "post-2", "KZ", lang=lang)["notice"]["text"]
             for lang in ("en", "ru", "kk", "de", "tr", "fr")}
    assert "Казахстан" in texts["ru"] and "Қазақстан" in texts["kk"]
    assert "Kasachstan" in texts["de"] and "Kazakistan" in texts["tr"]
    assert texts["fr"] == texts["en"]


def test_a_global_removal_is_hidden_everywhere(client, platform, restrict, eventually) -> None:
    restrict("post-3", jurisdiction="DE", outcome="removed_policy")
    assert eventually(lambda: not see(client, platform, "post-3", "BR")["visible"])
    out = see(client, platform, "post-3", "DE")
    assert out["withheld_in"] == "global" and out["notice"]["kind"] == "policy"
    assert out["notice"]["text"] == "This content has been removed for violating the platform's rules."


def test_a_report_decided_on_legal_grounds_says_local_law(client, platform, restrict, eventually) -> None:
    restrict("post-4", jurisdiction="DE", kind="trusted_flagger")
    assert eventually(lambda: not see(client, platform, "post-4", "DE")["visible"])
    assert see(client, platform, "post-4", "DE")["notice"] == {
        "kind": "local_law", "text": "This content has been withheld in Germany based on local law."}


def test_an_account_restriction_covers_all_its_content(client, platform, restrict, eventually) -> None:
    restrict("acct-troll", jurisdiction="TR", content_type="account", author_id="troll")
    assert eventually(lambda: not see(client, platform, "any-post", "TR", author_id="troll")["visible"])
    assert see(client, platform, "any-post", "DE", author_id="troll")["visible"] is True
    assert see(client, platform, "any-post", "TR", author_id="someone-else")["visible"] is True


def test_a_wider_scope(client, platform, restrict, eventually) -> None:
    restrict("post-5", jurisdiction="DE", scope=["DE", "AT"])
    assert eventually(lambda: not see(client, platform, "post-5", "AT")["visible"])
    assert see(client, platform, "post-5", "CH")["visible"] is True
    out = see(client, platform, "post-5", "CH")
    assert out["withheld_in"] == ["AT", "DE"]


def test_expiry(client, platform, restrict, eventually, sessions) -> None:
    from docket.enforcement.service import expire_due, for_decision
    from docket.store import transaction

    ends = utcnow() + dt.timedelta(seconds=1.5)
    restrict("post-6", jurisdiction="DE", ends_at=ends)
    assert eventually(lambda: not see(client, platform, "post-6", "DE")["visible"])
    assert eventually(lambda: see(client, platform, "post-6", "DE")["visible"], timeout=5)
    with transaction(sessions) as s:
        assert len(expire_due(session=s, now=utcnow())) == 1
        assert for_decision(session=s, decision_id=1)[0].ended_reason == "expired"


def test_unknown_countries_follow_the_setting(app, client, platform, restrict, eventually) -> None:
    restrict("post-7", jurisdiction="KZ")
    eventually(lambda: not see(client, platform, "post-7", "KZ")["visible"])
    for country in (None, "XX"):
        out = see(client, platform, "post-7", country)
        assert out["visible"] is False and out["rule"] == "fail_closed" and out["country"] is None
    app.state.index.unknown_country = "fail_open"
    out = see(client, platform, "post-7", "XX")
    assert out["visible"] is True and out["rule"] == "fail_open"
    assert see(client, platform, "never-restricted", None)["visible"] is True


def test_batch_checks_answer_in_order(client, platform, restrict, eventually) -> None:
    restrict("post-8", jurisdiction="KZ")
    eventually(lambda: not see(client, platform, "post-8", "KZ")["visible"])
    pairs = [{"content_id": "post-8", "country": "KZ"}, {"content_id": "post-8", "country": "DE"},
             {"content_id": "other", "country": "KZ", "author_id": "a"}]
    r = client.post("/api/v1/visibility?lang=ru", json=pairs, headers=platform.headers)
    assert [x["visible"] for x in r.json()] == [False, True, True]
    assert "Казахстан" in r.json()[0]["notice"]["text"]


def test_batch_validation(client, platform) -> None:
    h = platform.headers
    cases = [
        ([{"content_id": "a", "country": "KZ"}] * 1001, "body"),
        ([], "body"),
        ({"content_id": "a"}, "body"),
        ([{"country": "KZ"}], "[0].content_id"),
        ([{"content_id": "a"}, 7], "[1]"),
        ([{"content_id": "a", "viewer": "x"}], "[0].viewer"),
        ([{"content_id": "a", "author_id": 5}], "[0].author_id"),
    ]
    for body, field in cases:
        r = client.post("/api/v1/visibility", json=body, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (field, r.text)
    broken = client.post("/api/v1/visibility", content=b"[{", headers={**h, "Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["errors"][0]["field"] == "body"
    assert client.get("/api/v1/visibility", headers=h).status_code == 422


def test_only_the_platform_checks(client, kz_ministry, reviewer_alice) -> None:
    assert client.get("/api/v1/visibility?content_id=a&country=KZ").status_code == 401
    for who in (kz_ministry, reviewer_alice):
        assert client.get("/api/v1/visibility?content_id=a&country=KZ", headers=who.headers).status_code == 403
        assert client.get("/api/v1/restrictions/changes", headers=who.headers).status_code == 403
