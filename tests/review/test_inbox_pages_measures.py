"""The console's request page: the measures asked for, each answered by a reviewer's form,
and the note of unlisted items resolved, through HTTP like a browser."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from tests.web.conftest import PASSWORD, csrf_of, sign_in

ORDER = {"jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
         "legal_basis": [{"law": "kz-online-platforms-9"}]}


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: sign-in's cost is tested in tests/web."""
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_a_reviewer_answers_each_measure_and_resolves_the_note(web, client, platform, kz_ministry,
                                                                make_user) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "repo-1", "url": "https://social.example/repo-1", "type": "post"})
    sent = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        **ORDER, "items": [{"content_id": "repo-1"}], "other_items": "and all its forks",
        "measures": [{"kind": "remove_global", "fallback": True},
                     {"kind": "disclose_data", "account": "acct-9"}]}).json()
    page = f"/console/requests/{sent['id']}"
    assert sign_in(web, "alice@docket.test").status_code == 303
    shown = web.get(page)
    assert shown.status_code == 200
    assert "Remove the content everywhere" in shown.text and "fallback: at least withheld" in shown.text
    assert "Referred elsewhere" in shown.text and "and all its forks" in shown.text
    csrf = csrf_of(web, page)

    refused = web.post(f"{page}/measures", data={"csrf_token": csrf, "position": "0", "outcome": "granted"},
                       follow_redirects=False)
    assert refused.status_code == 422 and 'id="f-explanation-measure-0-error"' in refused.text
    done = web.post(f"{page}/measures", data={"csrf_token": csrf, "position": "0", "outcome": "fallback",
                                              "explanation": "Withheld in Kazakhstan only."},
                    follow_redirects=False)
    assert done.status_code == 303
    again = web.post(f"{page}/measures", data={"csrf_token": csrf, "position": "0", "outcome": "refused",
                                               "explanation": "No."}, follow_redirects=False)
    assert again.status_code == 409 and "already fallback" in again.text

    resolved = web.post(f"{page}/other-items", data={
        "csrf_token": csrf, "resolution": "items", "items": "https://social.example/fork-1\nfork-2",
        "explanation": "The forks the platform lists."}, follow_redirects=False)
    assert resolved.status_code == 303
    after = client.get(f"/api/v1/requests/{sent['id']}", headers=kz_ministry.headers).json()
    assert after["measures"][0]["outcome"] == "fallback"
    assert [(i["url"], i["content_id"]) for i in after["items"][1:]] == [
        ("https://social.example/fork-1", None), (None, "fork-2")]
    assert "Resolved: The forks the platform lists." in web.get(page).text
