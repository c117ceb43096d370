"""What each role may do, written out, read back through GET /api/v1/me: a permission
added to or dropped from a role changes who may call which route, so it must change
this table too (the authorization matrix in tests/authorization checks the routes)."""

import pytest

EXPECTED = {
    "admin": ["audit:read", "catalog:write", "content:read", "dashboard:read", "metrics:read",
              "outbox:admin", "parties:read", "parties:write", "queue:read", "requests:read_all",
              "templates:write"],
    "reviewer": ["content:read", "inbox", "parties:read", "queue:read", "requests:read_all", "review"],
    "lead": ["assign", "content:read", "dashboard:read", "parties:read", "queue:read",
             "requests:read_all", "review", "templates:write"],
    "legal": ["content:read", "holds:manage", "parties:read", "queue:read", "requests:read_all",
              "review"],
    "rights": ["content:read", "parties:read", "queue:read", "requests:read_all", "review"],
    "local_representative": ["content:read", "queue:read", "requests:read_all", "review"],
    "auditor": ["audit:read", "content:read", "metrics:read", "parties:read", "requests:read_all"],
    "platform": ["content:read", "content:write", "visibility:read", "webhooks:manage"],
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_has_exactly_its_permissions(client, make_user, role: str) -> None:
    jurisdictions = ("KZ",) if role == "local_representative" else ()
    someone = make_user(f"{role.replace('_', '-')}@docket.test", role, jurisdictions=jurisdictions)
    r = client.get("/api/v1/me", headers=someone.headers)
    assert r.status_code == 200
    assert sorted(r.json()["permissions"]) == EXPECTED[role]


def test_roles_add_up(client, make_user) -> None:
    both = make_user("both@docket.test", "reviewer", "auditor")
    r = client.get("/api/v1/me", headers=both.headers)
    assert sorted(r.json()["permissions"]) == sorted(set(EXPECTED["reviewer"]) | set(EXPECTED["auditor"]))


def test_an_unknown_token_is_told_how_to_authenticate(client) -> None:
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer dkt_nope"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer realm="docket", error="invalid_token"'  # RFC 6750 3.1
    assert r.json()["detail"] == "the token is unknown or revoked"


def test_a_call_without_its_permission_is_refused_and_says_which(client, make_user) -> None:
    reviewer = make_user("reviewer@docket.test", "reviewer")
    auditor = make_user("auditor@docket.test", "auditor")
    refused = client.get("/api/v1/audit/events", headers=reviewer.headers)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "this call needs the 'audit:read' permission"
    assert client.get("/api/v1/audit/events", headers=auditor.headers).status_code == 200
