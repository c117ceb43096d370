"""A request for user data only is not a notice about content: it is referred at receipt,
names no content and is never exported to Lumen, while a request that names content
beside a data measure is, for its content."""

# ruff: noqa: F811  (tests take the imported ``send`` fixture as a parameter)
from __future__ import annotations

from typing import Any

from docket.documents.storage import Blobs
from docket.transparency import lumen
from tests.review.conftest import send  # noqa: F401  (the fixture)

DATA = [{"kind": "disclose_data", "account": "acct-1"}, {"kind": "preserve_data", "account": "acct-1"}]


def test_a_request_for_user_data_only_is_not_a_lumen_notice(client: Any, send: Any, act: Any, sessions: Any,
                                                            kz_ministry: Any, reviewer_alice: Any) -> None:
    r = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "The owner's identity.",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "measures": DATA})
    assert r.status_code == 201, r.text
    data_only = r.json()
    assert data_only["status"] == "decided" and data_only["items"] == []
    # Content with a data measure beside it: a notice, for its content.
    mixed = send(kz_ministry, measures=[{"kind": "restrict_content"}, DATA[0]])
    item = mixed["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="violates")
    act(reviewer_alice, f"/items/{item}/decision", expect=201, outcome="removed_policy",
        policy_clause="Community Standards 3.2", explanation="A violent threat.")
    with sessions() as s:
        keys = [key for key, _ in lumen.notices(session=s, platform="Social Example", blobs=Blobs())]
        selection = lumen.select_notices(session=s)
    assert keys == [f"request-{mixed['id']}"]
    assert (selection.total, selection.undecided, selection.confidential) == (1, 0, 0)
