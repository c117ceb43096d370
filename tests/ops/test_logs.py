"""The request id on every answer and every log line, and JSON logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import DisconnectionError

from docket.ops import logs

HEADER = "X-Request-ID"


def _failing_routes(app: Any) -> None:
    """Routes that fail as real ones can: a bug (500) and a lost database (503); the
    first logs a line of its own first, from the thread pool, as sync routes do."""

    @app.get("/api/v1/boom")
    def boom() -> None:
        logging.getLogger("docket.test").info("about to fail")
        raise RuntimeError("a bug")

    @app.get("/api/v1/lost")
    def lost() -> None:
        raise DisconnectionError("the database went away")


@pytest.fixture
def json_client(settings, engine, sessions) -> Iterator[TestClient]:
    """An app logging JSON lines, access lines included."""
    from docket.app import create_app

    app = create_app(settings.model_copy(update={"log_format": "json", "access_log": True}),
                     engine=engine)
    app.state.owns_engine = False
    _failing_routes(app)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    logs.configure()  # back to text for the tests after this one


def test_an_incoming_request_id_is_kept_when_short_and_safe(client, kz_ministry) -> None:
    for good in ("abc-123", "a.b_c-D", "x" * 64):
        r = client.get("/api/v1/me", headers={**kz_ministry.headers, HEADER: good})
        assert r.headers[HEADER] == good
    seen = set()
    for bad in ("x" * 65, "a b", "<script>", "id;drop", "é"):
        r = client.get("/api/v1/me", headers={**kz_ministry.headers, HEADER: bad.encode()})
        assert r.status_code == 200
        assert r.headers[HEADER] != bad and len(r.headers[HEADER]) <= 64
        seen.add(r.headers[HEADER])
    assert len(seen) == 5  # a new id each time
    r = client.get("/api/v1/me", headers=kz_ministry.headers)
    assert r.headers[HEADER] and r.headers[HEADER] not in seen


def test_every_answer_carries_its_request_id(client, app) -> None:
    _failing_routes(app)
    answers = {
        "401": client.get("/api/v1/me"),
        "404": client.get("/api/v1/nothing-here"),
        "413": client.post("/api/v1/requests", content=b"x" * (5 * 1024 * 1024)),
        "422": client.post("/api/v1/reports", json={"reason": 1}),
        "500": client.get("/api/v1/boom"),
        "503": client.get("/api/v1/lost"),
        "page": client.get("/sign-in"),
        "static": client.get("/static/docket.css"),
    }
    assert {name: r.status_code for name, r in answers.items()} == {
        "401": 401, "404": 404, "413": 413, "422": 422, "500": 500, "503": 503, "page": 200,
        "static": 200}
    ids = [r.headers.get(HEADER) for r in answers.values()]
    assert all(ids) and len(set(ids)) == len(ids)
    assert answers["503"].headers["retry-after"] == "1"


def test_the_500s_correlation_id_is_the_request_id(client, app, caplog) -> None:
    _failing_routes(app)
    r = client.get("/api/v1/boom", headers={HEADER: "trace-42"})
    assert r.status_code == 500 and r.headers[HEADER] == "trace-42"
    assert r.json()["correlation_id"] == "trace-42"
    [logged] = [rec for rec in caplog.records if rec.getMessage().startswith("unhandled error")]
    assert "trace-42" in logged.getMessage()


def _lines(captured: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_json_logs_are_one_object_per_line_and_carry_the_request_id(
        json_client, kz_ministry, capsys) -> None:
    capsys.readouterr()
    fine = json_client.get("/api/v1/me", headers={**kz_ministry.headers, HEADER: "call-1"})
    broken = json_client.get("/api/v1/boom", headers={HEADER: "call-2"})
    lost = json_client.get("/api/v1/lost")
    assert (fine.status_code, broken.status_code, lost.status_code) == (200, 500, 503)
    lines = _lines(capsys.readouterr().err)  # every line parses, or this fails
    assert lines
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= line.keys(), line
    ours = [line for line in lines if line["logger"].startswith("docket")]
    assert {line["request_id"] for line in ours} == {"call-1", "call-2", lost.headers[HEADER]}
    # The access lines: one per request, with what it was and how long it took.
    access = {line["request_id"]: line for line in ours if line["logger"] == "docket.access"}
    assert access["call-1"]["method"] == "GET" and access["call-1"]["path"] == "/api/v1/me"
    assert access["call-1"]["status"] == 200 and access["call-1"]["duration_ms"] >= 0
    assert access["call-2"]["status"] == 500 and access[lost.headers[HEADER]]["status"] == 503
    # One id ties the user's error, the header and the log: the route's own line (logged
    # from the thread pool) and the error with its traceback.
    call_2 = [line for line in ours if line["request_id"] == "call-2"]
    assert broken.json()["correlation_id"] == "call-2"
    assert any(line["message"] == "about to fail" for line in call_2)
    [error] = [line for line in call_2 if line["level"] == "ERROR"]
    assert "call-2" in error["message"] and "RuntimeError: a bug" in error["error"]


def test_text_logs_carry_the_request_id_too(client, app, capsys) -> None:
    _failing_routes(app)
    capsys.readouterr()
    client.get("/api/v1/boom", headers={HEADER: "text-1"})
    err = capsys.readouterr().err
    assert "docket.test [text-1] about to fail" in err
    assert "ERROR docket [text-1] unhandled error text-1" in err


def test_an_access_line_is_one_line_whatever_the_path(settings, engine, sessions, capsys) -> None:
    from docket.app import create_app

    app = create_app(settings.model_copy(update={"access_log": True}), engine=engine)
    app.state.owns_engine = False
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            capsys.readouterr()
            c.get("/x%0A2026-12-02 00:00:00,000 ERROR docket [forged] a line",
                  headers={HEADER: "p-1"})
            err = capsys.readouterr().err
    finally:
        logs.configure()
    assert "[forged]" in err and not any(line.startswith("2026-12-02 00:00:00")
                                          for line in err.splitlines())
    assert "docket.access [p-1] GET /x\\n2026-12-02" in err


def test_lines_outside_a_request_have_no_id(capsys) -> None:
    logs.configure(fmt="json")
    try:
        logging.getLogger("docket.jobs").warning("a background line")
        [line] = [x for x in _lines(capsys.readouterr().err) if x["message"] == "a background line"]
        assert line["request_id"] is None and line["level"] == "WARNING"
    finally:
        logs.configure()


def test_a_bad_log_format_or_metrics_token_stops_start_up() -> None:
    from docket.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="DOCKET_LOG_FORMAT"):
        load_settings(log_format="xml")
    with pytest.raises(SettingsError, match="DOCKET_METRICS_TOKEN: must be at least 32") as caught:
        load_settings(metrics_token="short-secret")
    assert "short-secret" not in str(caught.value)  # a secret is never echoed
    with pytest.raises(SettingsError, match="DOCKET_METRICS_TOKEN"):
        load_settings(metrics_token="x" * 31 + " y")
    assert load_settings(metrics_token="x" * 32).metrics_token == "x" * 32
