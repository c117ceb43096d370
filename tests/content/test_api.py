"""The content registry (platform role)."""

from __future__ import annotations


def test_upsert_creates_then_updates(client, platform, auditor_erin) -> None:
    data = {"id": "post-1", "url": "https://social.example/@a/1", "type": "post", "author_id": "a",
            "author_contact": "a@example.org", "language": "kk", "created_at": "2026-03-01T10:00:00Z",
            "text": "Сәлем", "sha256": "a" * 64}
    r = client.post("/api/v1/content", json=data, headers=platform.headers)
    assert r.status_code == 201 and r.json()["normalized_url"] == "https://social.example/@a/1"
    r = client.post("/api/v1/content", json={**data, "text": "edited"}, headers=platform.headers)
    assert r.status_code == 200
    got = client.get("/api/v1/content/post-1", headers=platform.headers).json()
    assert got["text"] == "edited" and got["language"] == "kk"
    actions = [e["action"] for e in client.get("/api/v1/audit/events?subject=content:post-1",
                                               headers=auditor_erin.headers).json()["events"]]
    assert actions == ["content:registered", "content:updated"]


def test_unknown_content_is_a_404(client, platform) -> None:
    assert client.get("/api/v1/content/nope", headers=platform.headers).status_code == 404


def test_only_the_platform_writes(client, kz_ministry, reviewer_alice) -> None:
    data = {"id": "x", "type": "post"}
    assert client.post("/api/v1/content", json=data, headers=kz_ministry.headers).status_code == 403
    assert client.post("/api/v1/content", json=data, headers=reviewer_alice.headers).status_code == 403
    assert client.get("/api/v1/content/x", headers=kz_ministry.headers).status_code == 403


def test_bad_content_is_a_422(client, platform) -> None:
    for bad in ({"id": "x", "type": "hologram"}, {"id": "x", "type": "post", "url": "javascript:alert(1)"},
                {"id": "", "type": "post"}, {"id": "x", "type": "post", "created_at": "2026-01-01T00:00:00"},
                {"id": "x", "type": "post", "sha256": "zz"}, {"id": "x", "type": "post", "author_contact": "no"}):
        assert client.post("/api/v1/content", json=bad, headers=platform.headers).status_code == 422, bad
