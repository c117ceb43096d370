"""``GET …/receipt`` on requests, decisions and appeals (both engines): what docket recorded
about a case, as receipts its holder checks with docket-verify; a submitter sees only the
fields its allow-list names, staff within reach see every field, anyone else a 404."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docket.appeals import tokens
from docket.audit.sealer import seal, sign_checkpoint
from docket.log.note import Signer
from docket.log.verify_cli import main
from docket.settings import Settings
from docket.store import transaction
from tests.conftest import SECRET
from tests.intake.conftest import KZ_BODY

ORIGIN = "testserver/log"


@pytest.fixture
def signer() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture
def settings(settings: Settings, signer: Signer, tmp_path: Path) -> Settings:
    """The application's settings with the log's signing key (receipts name its verifier key)."""
    key = tmp_path / "log.key"
    key.write_text(signer.key + "\n")
    return settings.model_copy(update={"log_key_file": str(key)})


def seal_and_sign(sessions: Any, signer: Signer | None) -> None:
    with transaction(sessions) as s:
        seal(session=s)
        if signer is not None:
            sign_checkpoint(session=s, signer=signer)


@pytest.fixture
def case(client: Any, platform: Any, kz_ministry: Any, act: Any, reviewer_alice: Any, bob_legal: Any,
         carol_rights: Any, dana_kz: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A Kazakh request taken to a restriction in effect: (the request, its decision)."""
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-7", "url": "https://social.example/@x/7", "type": "post", "author_id": "author-7"})
    request = client.post("/api/v1/requests", headers=kz_ministry.headers,
                          json={**KZ_BODY, "items": [{"url": "https://social.example/@x/7"}]}).json()
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern", notes="Not satire.")
    decision = act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted",
                   explanation="Calls for ethnic violence.")
    assert decision["takes_effect"]
    return request, decision


def get(client: Any, who: Any, path: str, expect: int = 200) -> Any:
    answer = client.get(f"/api/v1{path}", headers=who.headers)
    assert answer.status_code == expect, answer.text
    return answer


def by_action(answer: Any) -> dict[str, dict[str, Any]]:
    return {r["disclosed"]["action"]["value"]: r for r in answer.json()["receipts"]}


def test_a_request_receipt_from_pending_to_signed_and_verified(
        client: Any, sessions: Any, case: Any, kz_ministry: Any, signer: Signer, tmp_path: Path,
        capsys: Any) -> None:
    request, decision = case
    path = f"/requests/{request['id']}/receipt"
    pending = get(client, kz_ministry, path)
    assert pending.json()["receipts"] == [] and pending.headers["Retry-After"] == "60"
    assert [p["action"] for p in pending.json()["pending"]] == ["request:received", "item:decided"]
    seal_and_sign(sessions, None)
    sealed = get(client, kz_ministry, path)
    assert "Retry-After" not in sealed.headers and sealed.json()["pending"] == []
    receipts = by_action(sealed)
    assert list(receipts) == ["request:received", "item:decided"]  # the acknowledgement, the effect given
    assert all(r["checkpoint"] is None and r["inclusion"] is None for r in receipts.values())
    assert receipts["item:decided"]["disclosed"]["payload.outcome"]["value"] == "restricted"
    assert receipts["request:received"]["log_url"] == "http://testserver/api/v1/log"
    seal_and_sign(sessions, signer)
    signed = get(client, kz_ministry, path).json()
    assert all(r["checkpoint"] and r["inclusion"]["size"] >= r["leaf_index"] + 1 for r in signed["receipts"])
    assert {r["verifier_key"] for r in signed["receipts"]} == {signer.verifier.key}
    saved = tmp_path / f"receipt-request-{request['id']}.json"
    saved.write_text(json.dumps(signed))
    assert main([str(saved), "--key", signer.verifier.key]) == 0
    out = capsys.readouterr().out
    assert "receipt 1" in out and "receipt 2" in out and '"request:received"' in out


def test_a_submitter_sees_only_its_allow_list_and_staff_see_every_field(
        client: Any, sessions: Any, case: Any, kz_ministry: Any, auditor_erin: Any, dana_kz: Any,
        signer: Signer) -> None:
    request, decision = case
    seal_and_sign(sessions, signer)
    mine = by_action(get(client, kz_ministry, f"/decisions/{decision['id']}/receipt"))
    assert list(mine) == ["decision:made", "item:decided"]
    assert sorted(mine["decision:made"]["disclosed"]) == [
        "action", "at", "payload.decision", "payload.ground", "payload.law", "payload.outcome", "payload.scope",
        "subject"]
    assert sorted(mine["item:decided"]["disclosed"]) == [
        "action", "at", "payload.decision", "payload.outcome", "payload.request_status", "payload.scope", "subject"]
    # The decider is not named to the requester, but the leaf commits to it all the same.
    leaf_data = json.loads(mine["decision:made"]["leaf_data"])
    assert {"actor", "payload.approval_reasons", "payload.local_rep"} <= set(leaf_data["commitments"])
    staff = by_action(get(client, auditor_erin, f"/decisions/{decision['id']}/receipt"))
    assert staff["decision:made"]["disclosed"]["actor"]["value"] == f"user:{dana_kz.id}"
    assert set(staff["decision:made"]["disclosed"]) == set(leaf_data["commitments"])
    assert staff["decision:made"]["leaf_data"] == mine["decision:made"]["leaf_data"]  # one leaf, two views
    request_receipts = by_action(get(client, kz_ministry, f"/requests/{request['id']}/receipt"))
    received = request_receipts["request:received"]["disclosed"]
    assert received["payload.jurisdiction"]["value"] == "KZ" and "actor" not in received


def test_an_appeals_receipt_shows_its_filing_and_outcome(
        client: Any, sessions: Any, case: Any, kz_ministry: Any, make_user: Any, signer: Signer) -> None:
    _, decision = case
    filed = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, decision["id"]),
                                                  "statement": "It is reporting, not incitement."})
    assert filed.status_code == 201, filed.text
    appeal = filed.json()["id"]
    eve = make_user("eve@docket.test", "reviewer")
    decided = client.post(f"/api/v1/appeals/{appeal}/decision", headers=eve.headers,
                          json={"outcome": "upheld", "explanation": "The decision stands."})
    assert decided.status_code == 200, decided.text
    seal_and_sign(sessions, signer)
    receipts = by_action(get(client, kz_ministry, f"/appeals/{appeal}/receipt"))
    assert list(receipts) == ["appeal:filed", "appeal:decided"]
    assert receipts["appeal:filed"]["disclosed"]["payload.appellant"]["value"] == "author"
    assert receipts["appeal:decided"]["disclosed"]["payload.outcome"]["value"] == "upheld"
    assert "actor" not in receipts["appeal:decided"]["disclosed"]
    assert "reporting" not in json.dumps(receipts)  # the author's statement is no event's field


def test_records_outside_reach_are_not_found(client: Any, case: Any, de_court: Any, make_user: Any,
                                             platform: Any) -> None:
    request, decision = case
    rep_de = make_user("rep@docket.test", "local_representative", jurisdictions=("DE",))
    for who in (de_court, rep_de):
        get(client, who, f"/requests/{request['id']}/receipt", 404)
        get(client, who, f"/decisions/{decision['id']}/receipt", 404)
    get(client, platform, f"/requests/{request['id']}/receipt", 403)
    get(client, de_court, "/requests/999999/receipt", 404)
    assert client.get(f"/api/v1/requests/{request['id']}/receipt").status_code == 401
