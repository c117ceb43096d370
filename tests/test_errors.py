"""Every error is RFC 9457 problem+json, changes nothing, and never leaks a stack trace."""

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from docket.parties.models import ApiToken


def _tokens(sessions) -> int:
    with sessions() as s:
        return s.execute(select(func.count()).select_from(ApiToken)).scalar_one()


def test_malformed_json_is_a_422_naming_the_body(client, kz_ministry, sessions) -> None:
    before = _tokens(sessions)
    r = client.post("/api/v1/tokens", content=b'{"name": ', headers={
        **kz_ministry.headers, "Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 422 and body["title"] and body["type"].startswith("https://")
    assert body["errors"][0]["field"] == "body"
    assert "malformed JSON" in body["errors"][0]["message"]
    assert _tokens(sessions) == before


def test_wrong_types_name_the_field(client, kz_ministry) -> None:
    r = client.post("/api/v1/tokens", json={"name": 42}, headers=kz_ministry.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "name", "message": "Input should be a valid string"}]


def test_unknown_fields_are_rejected(client, kz_ministry) -> None:
    r = client.post("/api/v1/tokens", json={"name": "x", "admin": True}, headers=kz_ministry.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "admin", "message": "unknown field"}]


def test_strings_have_limits(client, kz_ministry) -> None:
    r = client.post("/api/v1/tokens", json={"name": "x" * 121}, headers=kz_ministry.headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "name"


def test_a_body_over_the_limit_is_a_413(client, kz_ministry, settings, sessions) -> None:
    before = _tokens(sessions)
    big = b'{"name": "' + b"x" * settings.max_body_bytes + b'"}'
    r = client.post("/api/v1/tokens", content=big, headers={
        **kz_ministry.headers, "Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert _tokens(sessions) == before


def test_a_chunked_body_over_the_limit_is_a_413(client, kz_ministry, settings) -> None:
    def chunks():
        yield b'{"name": "'
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    r = client.post("/api/v1/tokens", content=chunks(), headers={
        **kz_ministry.headers, "Content-Type": "application/json"})
    assert r.status_code == 413


def test_a_small_chunked_body_goes_through(client, kz_ministry) -> None:
    r = client.post("/api/v1/tokens", content=iter([b'{"name":', b' "ci"}']), headers={
        **kz_ministry.headers, "Content-Type": "application/json"})
    assert r.status_code == 201


def test_unknown_routes_are_problems(client) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json()["status"] == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_wrong_method_is_a_problem(client) -> None:
    r = client.put("/healthz")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/problem+json"


def test_bad_query_values_are_422(client, auditor_erin) -> None:
    r = client.get("/api/v1/audit/events?limit=0", headers=auditor_erin.headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "limit"


def test_an_unexpected_error_is_a_500_with_a_correlation_id(app, caplog) -> None:
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/boom-page")
    def boom_page() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c, caplog.at_level(logging.ERROR):
        r = c.get("/api/v1/boom")
        page = c.get("/boom-page")
    assert r.status_code == 500
    body = r.json()
    assert body["correlation_id"]
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert body["correlation_id"] in caplog.text
    # A page gets an HTML page that quotes the same kind of id, and no internals either.
    assert page.status_code == 500 and "text/html" in page.headers["content-type"]
    assert "secret internals" not in page.text and "Traceback" not in page.text


@pytest.mark.parametrize("path", ["/healthz", "/openapi.json", "/docs"])
def test_public_operational_routes(client, path) -> None:
    assert client.get(path).status_code == 200


def test_nul_characters_are_a_422_not_a_500(client, kz_ministry, sessions) -> None:
    before = _tokens(sessions)
    r = client.post("/api/v1/tokens", json={"name": "a\x00b"}, headers=kz_ministry.headers)
    assert r.status_code == 422 and "NUL" in r.json()["errors"][0]["message"]
    assert client.get("/api/v1/requests?jurisdiction=K%00", headers=kz_ministry.headers).status_code == 422
    assert _tokens(sessions) == before
