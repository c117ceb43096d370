"""intake/idempotency.py: the one implementation of idempotency keys, for every channel."""

from __future__ import annotations

import pytest

from docket.intake import idempotency
from docket.store import transaction

KEY = idempotency.Key("submitter:1", "misd-1187", idempotency.body_hash("the body"))


@pytest.mark.rolled_back
def test_a_key_is_taken_once_and_then_answers_with_the_first_answer(sessions) -> None:
    with transaction(sessions) as s:
        assert idempotency.used_before(session=s, key=KEY) is None
        taken, earlier = idempotency.claim(session=s, key=KEY)
        assert taken is not None and earlier is None
        taken.response = {"id": 7}
    with transaction(sessions) as s:
        assert idempotency.used_before(session=s, key=KEY).response == {"id": 7}
        # A twin that checked before the first committed loses the race, and gets its answer.
        taken, earlier = idempotency.claim(session=s, key=KEY)
        assert taken is None and earlier is not None and earlier.response == {"id": 7}


@pytest.mark.rolled_back
def test_the_same_key_with_another_body_names_what_it_made(sessions) -> None:
    with transaction(sessions) as s:
        idempotency.take(session=s, key=KEY).response = {"id": 7}
    other = idempotency.Key(KEY.owner, KEY.key, idempotency.body_hash("another body"))
    with transaction(sessions) as s, pytest.raises(idempotency.KeyReused) as refused:
        idempotency.used_before(session=s, key=other)
    assert refused.value.request_id == 7 and refused.value.status == 409


def test_the_api_409_names_no_request(client, kz_ministry, body) -> None:
    headers = {**kz_ministry.headers, "Idempotency-Key": "k1"}
    assert client.post("/api/v1/requests", json=body(), headers=headers).status_code == 201
    r = client.post("/api/v1/requests", json=body(reason="defamation"), headers=headers)
    assert r.status_code == 409 and "request_id" not in r.json()


def test_a_body_hash_is_the_same_for_the_same_body() -> None:
    assert idempotency.body_hash("x") == idempotency.body_hash("x") != idempotency.body_hash("y")
