"""A web session carries the same reach as the person's roles: a local representative
signed in on the console reaches its own countries' items only (docket.web.sessions)."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import PASSWORD, sign_in

KZ = {"jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
      "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
      "items": [{"url": "https://social.example/@aidos/1001"}]}
DE = {**KZ, "jurisdiction": "DE", "legal_basis": [{"law": "de-netzdg-3"}],
      "items": [{"url": "https://social.example/@max/2002"}]}


def _item(client: Any, who: Any, body: dict[str, Any]) -> int:
    sent = client.post("/api/v1/requests", headers=who.headers, json=body)
    assert sent.status_code == 201, sent.text
    return int(sent.json()["items"][0]["id"])


def test_a_local_representatives_session_reaches_only_its_countries(
        web: Any, make_user: Any, kz_ministry: Any, de_court: Any) -> None:
    kz, de = _item(web, kz_ministry, KZ), _item(web, de_court, DE)
    make_user("dana@docket.test", "local_representative", jurisdictions=("KZ",), password=PASSWORD)
    assert sign_in(web, "dana@docket.test").status_code == 303

    assert web.get(f"/console/items/{kz}").status_code == 200
    assert web.get(f"/console/items/{de}").status_code == 404
    listed = web.get("/console").text
    assert f'data-item="{kz}"' in listed and f'data-item="{de}"' not in listed


def test_a_reviewers_session_reaches_every_country(
        web: Any, make_user: Any, kz_ministry: Any, de_court: Any) -> None:
    kz, de = _item(web, kz_ministry, KZ), _item(web, de_court, DE)
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    assert sign_in(web, "alice@docket.test").status_code == 303

    assert web.get(f"/console/items/{kz}").status_code == 200
    assert web.get(f"/console/items/{de}").status_code == 200
