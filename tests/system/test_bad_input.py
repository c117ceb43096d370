"""Bad input, everywhere: numbers and dates out of range, malformed cursors, invalid UTF-8
and over-deep JSON are each a 404 or a 422 problem naming the field, on both engines."""

from __future__ import annotations

import base64

import orjson
import pytest

# Past PostgreSQL's integer, past a 64-bit integer (SQLite's), and far past both.
TOO_LARGE = ["2147483648", "9223372036854775808", "99999999999999999999999"]


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


def _fields(response) -> list[str]:
    return [e["field"] for e in _problem(response, 422)["errors"]]


@pytest.mark.parametrize("value", [*TOO_LARGE, "0", "-1", "abc"])
def test_an_id_that_cannot_exist_in_a_path_is_a_404(client, kz_ministry, reviewer_alice,
                                                    admin_ada, platform, value) -> None:
    for who, method, path in [
        (kz_ministry, "GET", f"/api/v1/requests/{value}"),
        (kz_ministry, "POST", f"/api/v1/requests/{value}/clarifications"),
        (reviewer_alice, "GET", f"/api/v1/items/{value}"),
        (reviewer_alice, "GET", f"/api/v1/items/{value}/reports"),
        (reviewer_alice, "POST", f"/api/v1/items/{value}/claim"),
        (reviewer_alice, "POST", f"/api/v1/decisions/{value}/approve"),
        (reviewer_alice, "GET", f"/api/v1/appeals/{value}"),
        (admin_ada, "GET", f"/api/v1/submitters/{value}"),
        (admin_ada, "DELETE", f"/api/v1/tokens/{value}"),
        (platform, "DELETE", f"/api/v1/webhooks/{value}"),
    ]:
        answer = client.request(method, path, headers=who.headers,
                                json={"message": "x"} if method == "POST" else None)
        assert _problem(answer, 404)["status"] == 404, (method, path)


def test_an_id_out_of_range_in_a_query_or_body_is_a_422_naming_it(client, admin_ada,
                                                                   reviewer_alice) -> None:
    for value in TOO_LARGE:
        answer = client.get(f"/api/v1/requests?submitter={value}", headers=admin_ada.headers)
        assert _fields(answer) == ["submitter"]
        designation = {"submitter_id": int(value), "designating_body": "Coimisiún na Meán",
                       "reasons": ["hate_speech"], "jurisdictions": ["IE"],
                       "valid_from": "2026-01-01T00:00:00Z"}
        answer = client.post("/api/v1/designations", json=designation, headers=admin_ada.headers)
        assert _fields(answer) == ["submitter_id"]
        answer = client.post("/api/v1/requests/1/items/review", headers=reviewer_alice.headers,
                             json={"item_ids": [int(value)], "step": "policy",
                                   "finding": "compliant"})
        assert _fields(answer) == ["item_ids[0]"]


def test_a_sequence_past_bigint_is_a_422_naming_it(client, auditor_erin, platform) -> None:
    for value in ("9223372036854775808", "99999999999999999999999", "-1"):
        answer = client.get(f"/api/v1/audit/events?after={value}", headers=auditor_erin.headers)
        assert _fields(answer) == ["after"]
        answer = client.get(f"/api/v1/restrictions/changes?after={value}", headers=platform.headers)
        assert _fields(answer) == ["after"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize("cursor", [
    _b64(b"2147483648"), _b64(b"99999999999999999999"), _b64(b"-3"), _b64(b"\xff\xfe"),
    "not base64!", _b64(b"1e5"),
])
def test_a_malformed_request_cursor_is_a_422_naming_it(client, kz_ministry, cursor) -> None:
    answer = client.get("/api/v1/requests", params={"cursor": cursor}, headers=kz_ministry.headers)
    assert _fields(answer) == ["cursor"]


@pytest.mark.parametrize("cursor", [
    _b64(orjson.dumps([0, 0, 0, 0, 0, "2026-01-01T00:00:00+00:00", 2**31])),
    _b64(orjson.dumps([2**63, 0, 0, 0, 0, "2026-01-01T00:00:00+00:00", 1])),
    _b64(orjson.dumps([0, 0, 0, 0, 0, "0001-01-01T00:00:00", 1])),
    _b64(orjson.dumps([0, 0, 0, 0, 0, "2026-01-01T00:00:00+00:00"])),
    _b64(orjson.dumps({"a": 1})), _b64(b"\xff"), "%%%",
])
def test_a_malformed_queue_cursor_is_a_422_naming_it(client, reviewer_alice, cursor) -> None:
    answer = client.get("/api/v1/queue", params={"cursor": cursor}, headers=reviewer_alice.headers)
    assert _fields(answer) == ["cursor"]


@pytest.mark.parametrize(("query", "field"), [
    ("from=0001-01-01&to=9999-12-31", "from"),
    ("from=2026-01-01&to=9999-12-31", "to"),
    ("period=9999", "period"),
    ("period=0000-H1", "period"),
])
def test_transparency_dates_out_of_range_are_a_422_naming_them(client, query, field) -> None:
    answer = client.get(f"/api/v1/transparency/report?{query}")
    assert field in _fields(answer)
    page = client.get(f"/transparency?{query}")
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]


def test_request_list_dates_out_of_range_are_a_422_naming_them(client, kz_ministry) -> None:
    answer = client.get("/api/v1/requests?received_from=0001-01-01T00:00:00Z",
                        headers=kz_ministry.headers)
    assert _fields(answer) == ["received_from"]
    # a time without a zone is UTC, as every time docket stores
    answer = client.get("/api/v1/requests?received_from=2026-01-01T00:00:00",
                        headers=kz_ministry.headers)
    assert answer.status_code == 200, answer.text


def test_a_body_that_is_not_utf8_is_a_422_naming_the_body(client, kz_ministry) -> None:
    answer = client.post("/api/v1/tokens", content=b'{"name": "\xff\xfe"}',
                         headers={**kz_ministry.headers, "Content-Type": "application/json"})
    assert _fields(answer) == ["body"]
    assert "UTF-8" in answer.json()["errors"][0]["message"]


@pytest.mark.parametrize("depth", [33, 5000, 100_000])
def test_json_nested_too_deeply_is_a_422_naming_the_body(client, kz_ministry, depth) -> None:
    body = b'{"name": ' + b"[" * depth + b"]" * depth + b"}"
    answer = client.post("/api/v1/tokens", content=body,
                         headers={**kz_ministry.headers, "Content-Type": "application/json"})
    assert _fields(answer) == ["body"]
    assert "nested" in answer.json()["errors"][0]["message"]


def test_json_nested_within_the_limit_is_read_as_usual(client, kz_ministry) -> None:
    # 32 levels, with brackets inside strings that do not count
    body = b'{"name": ' + b"[" * 31 + b'"[[[{{{"' + b"]" * 31 + b"}"
    answer = client.post("/api/v1/tokens", content=body,
                         headers={**kz_ministry.headers, "Content-Type": "application/json"})
    assert _fields(answer) == ["name"]  # a list is not a name: the body itself was read



def test_names_with_line_breaks_are_a_422_naming_them(client, kz_ministry) -> None:
    answer = client.post("/api/v1/tokens", json={"name": "ci\r\nBcc: x@y.example"},
                         headers=kz_ministry.headers)
    assert _fields(answer) == ["name"]
    report = {"url": "https://social.example/@aidos_k/81724", "reason": "hate_speech",
              "reporter_name": "Aruzhan\nS.", "reporter_email": "aruzhan@mail.example"}
    assert _fields(client.post("/api/v1/reports", json=report)) == ["reporter_name"]
