"""The public withheld-notice page (``enforcement/pages.py``): what a viewer sees instead of
withheld content, as the API tells the platform."""

from __future__ import annotations

import time
from typing import Any


def test_without_parameters_the_withheld_page_offers_a_form_and_the_demo(web: Any) -> None:
    page = web.get("/withheld")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert 'name="content_id"' in page.text and '<option value="KZ"' in page.text
    assert "/withheld?content_id=post-55102&amp;country=DE&amp;lang=de" in page.text


def _visible_notice(web: Any, platform: Any, country: str, lang: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        seen = web.get("/api/v1/visibility", headers=platform.headers, params={
            "content_id": "post-9", "country": country, "lang": lang}).json()
        if not seen["visible"] or time.monotonic() > deadline:
            return seen
        time.sleep(0.02)


def test_the_withheld_page_shows_what_the_api_tells_the_platform(web: Any, decided: Any,
                                                                 platform: Any) -> None:
    decided()
    for lang in ("ru", "kk", "en"):
        seen = _visible_notice(web, platform, "KZ", lang)
        assert seen["visible"] is False
        page = web.get("/withheld", params={"content_id": "post-9", "country": "KZ", "lang": lang})
        assert page.status_code == 200
        assert f'<p lang="{lang}" class="notice-text">{seen["notice"]["text"]}</p>' in page.text
    assert "Казахстан" in web.get("/withheld?content_id=post-9&country=kz&lang=ru").text
    elsewhere = web.get("/withheld", params={"content_id": "post-9", "country": "DE"})
    assert "The content is shown" in elsewhere.text and "notice-text" not in elsewhere.text
    # A viewer whose country is unknown: hidden wherever restricted (fail closed), as the API says.
    unknown = web.get("/withheld", params={"content_id": "post-9", "country": ""})
    assert "notice-text" in unknown.text and "fail closed" in unknown.text
    never = web.get("/withheld", params={"content_id": "post-unknown", "country": "KZ"})
    assert "The content is shown" in never.text


def test_bad_withheld_parameters_are_shown_next_to_the_fields(web: Any) -> None:
    page = web.get("/withheld", params={"content_id": "", "country": "XX", "lang": "fr"})
    assert page.status_code == 422
    for name in ("content_id", "country", "lang"):
        assert f'id="{name}-error"' in page.text
    long = web.get("/withheld", params={"content_id": "x" * 201, "country": "KZ"})
    assert long.status_code == 422 and 'id="content_id-error"' in long.text
