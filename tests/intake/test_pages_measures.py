"""The portal's request page shows what was asked and the answer to each measure."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import sign_in

ORDER = {"jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
         "legal_basis": [{"law": "kz-online-platforms-9"}]}


def test_the_portal_shows_the_measures_and_their_answers(web: Any, client: Any, platform: Any, kz_ministry: Any,
                                                         make_person: Any, settings: Any) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "acct-7", "url": "https://social.example/@seven", "type": "account", "author_id": "seven"})
    sent = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        **ORDER, "other_items": "other copies",
        "measures": [{"kind": "restrict_account", "account": "acct-7"},
                     {"kind": "disclose_data", "account": "acct-7"}]}).json()
    make_person(kz_ministry, "aigerim@ministry.kz", "Aigerim")
    assert sign_in(web, "aigerim@ministry.kz").status_code == 303
    page = web.get(f"/portal/requests/{sent['id']}")
    assert page.status_code == 200
    assert "Restrict the account" in page.text and "acct-7" in page.text
    assert "under review" in page.text
    assert "Referred elsewhere: not acted on" in page.text and settings.data_requests_referral in page.text
    assert "other copies" in page.text and "the reviewers will look for them" in page.text
