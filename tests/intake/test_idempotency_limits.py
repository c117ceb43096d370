"""Idempotent retries and per-token rate limits."""

from __future__ import annotations

from sqlalchemy import func, select

from docket.intake.models import Request


def n_requests(sessions) -> int:
    with sessions() as s:
        return s.execute(select(func.count()).select_from(Request)).scalar_one()


def test_a_retry_returns_the_first_answer(client, kz_ministry, body, sessions) -> None:
    headers = {**kz_ministry.headers, "Idempotency-Key": "misd-1187-try"}
    first = client.post("/api/v1/requests", json=body(), headers=headers)
    again = client.post("/api/v1/requests", json=body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert n_requests(sessions) == 1


def test_the_same_key_with_another_body_is_a_409(client, kz_ministry, body, sessions) -> None:
    headers = {**kz_ministry.headers, "Idempotency-Key": "k1"}
    client.post("/api/v1/requests", json=body(), headers=headers)
    r = client.post("/api/v1/requests", json=body(reason="defamation"), headers=headers)
    assert r.status_code == 409 and "different body" in r.json()["detail"]
    assert n_requests(sessions) == 1


def test_keys_belong_to_their_submitter(client, kz_ministry, de_court, body, sessions) -> None:
    a = client.post("/api/v1/requests", json=body(), headers={**kz_ministry.headers, "Idempotency-Key": "k"})
    b = client.post("/api/v1/requests", json=body(), headers={**de_court.headers, "Idempotency-Key": "k"})
    assert a.json()["id"] != b.json()["id"]
    assert n_requests(sessions) == 2


def test_a_rejected_body_does_not_use_up_the_key(client, kz_ministry, body) -> None:
    headers = {**kz_ministry.headers, "Idempotency-Key": "k2"}
    assert client.post("/api/v1/requests", json=body(reason="nope"), headers=headers).status_code == 422
    assert client.post("/api/v1/requests", json=body(), headers=headers).status_code == 201


def test_rate_limits_are_per_token_and_the_same_for_a_kind(app, client, kz_ministry, de_court,
                                                           body, settings) -> None:
    app.state.settings = settings.model_copy(update={"rate_limits": "*=3,court=5"})
    codes = [client.post("/api/v1/requests", json=body(), headers=kz_ministry.headers).status_code
             for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    limited = client.get("/api/v1/requests", headers=kz_ministry.headers)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.headers["content-type"] == "application/problem+json"
    court = [client.get("/api/v1/requests", headers=de_court.headers).status_code for _ in range(6)]
    assert court == [200] * 5 + [429]


def test_rate_limit_settings_are_validated() -> None:
    import pytest

    from docket.settings import Settings

    for bad in ("court=5", "*=0", "*=many", "=3"):
        with pytest.raises(ValueError):
            Settings(rate_limits=bad)


def test_concurrent_retries_store_one_request(client, kz_ministry, body, sessions) -> None:
    import threading

    headers = {**kz_ministry.headers, "Idempotency-Key": "race"}
    answers: list[int] = []

    def post() -> None:
        r = client.post("/api/v1/requests", json=body(), headers=headers)
        answers.append(r.json()["id"] if r.status_code == 201 else -r.status_code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(answers)) == 1 and answers[0] > 0
    assert n_requests(sessions) == 1
