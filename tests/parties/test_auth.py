"""Bearer tokens, roles, and the rule that a submitter never learns of others' records."""

from sqlalchemy import select
from typer.testing import CliRunner

from docket.cli import app as cli
from docket.parties.models import ApiToken


def test_a_missing_token_is_a_401(client) -> None:
    r = client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_a_malformed_header_is_a_401(client) -> None:
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer "}).status_code == 401


def test_an_unknown_token_is_a_401(client) -> None:
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer dkt_nope"})
    assert r.status_code == 401
    assert "unknown or revoked" in r.json()["detail"]


def test_it_identifies_a_submitter(client, kz_ministry) -> None:
    r = client.get("/api/v1/me", headers=kz_ministry.headers)
    assert r.status_code == 200
    assert r.json()["submitter"]["country"] == "KZ"
    assert r.json()["permissions"] == ["requests:submit"]


def test_it_identifies_a_local_representative(client, make_user) -> None:
    dana = make_user("dana@docket.test", "local_representative", jurisdictions=("KZ",))
    r = client.get("/api/v1/me", headers=dana.headers)
    assert r.json()["roles"] == ["local_representative"]
    assert r.json()["jurisdictions"] == ["KZ"]


def test_a_role_without_the_permission_is_a_403(client, kz_ministry, reviewer_alice, platform) -> None:
    for who in (kz_ministry, reviewer_alice, platform):
        r = client.get("/api/v1/audit/events", headers=who.headers)
        assert r.status_code == 403
        assert "audit:read" in r.json()["detail"]


def test_a_submitter_cannot_see_another_submitter(client, kz_ministry, de_court) -> None:
    own = client.get(f"/api/v1/submitters/{kz_ministry.id}", headers=kz_ministry.headers)
    assert own.status_code == 200
    other = client.get(f"/api/v1/submitters/{de_court.id}", headers=kz_ministry.headers)
    missing = client.get("/api/v1/submitters/99999", headers=kz_ministry.headers)
    # Someone else's record looks exactly like one that does not exist.
    assert other.status_code == missing.status_code == 404
    assert other.json()["title"] == missing.json()["title"]


def test_staff_can_read_any_submitter(client, kz_ministry, reviewer_alice) -> None:
    r = client.get(f"/api/v1/submitters/{kz_ministry.id}", headers=reviewer_alice.headers)
    assert r.status_code == 200


def test_a_submitter_cannot_revoke_another_submitters_token(client, kz_ministry, de_court) -> None:
    r = client.delete(f"/api/v1/tokens/{de_court.token_id}", headers=kz_ministry.headers)
    assert r.status_code == 404
    assert client.get("/api/v1/me", headers=de_court.headers).status_code == 200


def test_a_revoked_token_is_a_401_at_once(client, kz_ministry) -> None:
    r = client.delete(f"/api/v1/tokens/{kz_ministry.token_id}", headers=kz_ministry.headers)
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert client.get("/api/v1/me", headers=kz_ministry.headers).status_code == 401


def test_revoking_from_the_command_line(client, de_court, database_url) -> None:
    result = CliRunner().invoke(cli, ["token", "revoke", str(de_court.token_id), "--json"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=de_court.headers).status_code == 401
    again = CliRunner().invoke(cli, ["token", "revoke", str(de_court.token_id), "--json"])
    assert again.exit_code == 1
    assert "already revoked" in again.output


def test_a_new_token_is_shown_once_and_stored_hashed(client, kz_ministry, sessions) -> None:
    r = client.post("/api/v1/tokens", json={"name": "ci"}, headers=kz_ministry.headers)
    assert r.status_code == 201
    plain = r.json()["token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    listed = client.get("/api/v1/tokens", headers=kz_ministry.headers).json()
    assert {t["name"] for t in listed} == {"", "ci"}
    assert all("token" not in t for t in listed)
    with sessions() as s:
        rows = s.execute(select(ApiToken)).scalars().all()
        assert all(plain != row.token_hash and plain not in row.token_hash for row in rows)
        assert len({row.token_hash for row in rows}) == len(rows)
