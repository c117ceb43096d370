"""The item page's author history (Ozone's subject history): other items about the same
author with their decisions, restrictions and appeals; earlier requests from the same
requester about them; scoped like everything else (a local representative: its countries)."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import sign_in


def _content(client: Any, platform: Any, content_id: str, author: str) -> None:
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": content_id, "url": f"https://social.example/@{author}/{content_id}", "type": "post",
        "author_id": author})
    assert r.status_code in (200, 201), r.text


def _request(client: Any, who: Any, country: str, law: str, content_id: str, reference: str) -> int:
    r = client.post("/api/v1/requests", headers=who.headers, json={
        "jurisdiction": country, "reason": "hate_speech", "explanation": "x", "reference": reference,
        "legal_basis": [{"law": law}], "items": [{"content_id": content_id}]})
    assert r.status_code == 201, r.text
    return int(r.json()["items"][0]["id"])


def test_the_item_page_shows_the_authors_history_within_reach(
        web, platform, kz_ministry, de_court, decided, make_user) -> None:
    restricted = decided()  # post-9 by no author; give the author's other content an earlier request
    _content(web, platform, "post-9", "aidos")
    _content(web, platform, "post-10", "aidos")
    _content(web, platform, "post-11", "aidos")
    _content(web, platform, "post-12", "someone-else")
    earlier = _request(web, kz_ministry, "KZ", "kz-online-platforms-9", "post-10", "KZ-EARLIER")
    german = _request(web, de_court, "DE", "de-netzdg-3", "post-11", "DE-1")
    unrelated = _request(web, kz_ministry, "KZ", "kz-online-platforms-9", "post-12", "KZ-OTHER")
    now = _request(web, kz_ministry, "KZ", "kz-online-platforms-9", "post-10", "KZ-NOW")
    make_user("anna@docket.test", "reviewer", password="pw-anna-12345678")
    sign_in(web, "anna@docket.test", "pw-anna-12345678")
    page = web.get(f"/console/items/{now}").text
    history = page.split('id="author-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="/console/items/{earlier}"' in history
    assert f'href="/console/items/{german}"' in history
    assert f'href="/console/items/{unrelated}"' not in history
    assert "Earlier requests from Ministry of Information and Social Development" in history
    assert f"(decision {restricted})" in history  # post-9's restriction in effect

    make_user("dana.rep@docket.test", "local_representative", jurisdictions=("KZ",), password="pw-dana-12345678")
    web.post("/sign-out", data={"csrf_token": web.get("/console").text.split('name="csrf_token" value="')[1]
                                .split('"')[0]})
    sign_in(web, "dana.rep@docket.test", "pw-dana-12345678")
    history = web.get(f"/console/items/{now}").text.split('id="author-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="/console/items/{earlier}"' in history
    assert f'href="/console/items/{german}"' not in history  # Germany is not the representative's
