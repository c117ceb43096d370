"""Thumbnails the platform sends with its content: type read from the bytes, size-limited,
served by docket to staff only (with nosniff), never fetched from the web."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from tests.web.conftest import sign_in


def _image(kind: str = "PNG", size: tuple[int, int] = (8, 6)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, kind)
    return base64.b64encode(out.getvalue()).decode()


def _register(client: Any, platform: Any, previews: list[dict[str, Any]], expect: int = 201) -> Any:
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-90", "url": "https://social.example/@a/90", "type": "image", "author_id": "a",
        "text": "A banner", "previews": previews})
    assert r.status_code == expect, r.text
    return r.json()


def test_png_jpeg_and_webp_thumbnails_are_kept(client, platform) -> None:
    answer = _register(client, platform, [{"data": _image("PNG")}, {"data": _image("JPEG")},
                                          {"data": _image("WEBP"), "alt": "banner"}])
    assert answer["preview_count"] == 3


def test_it_refuses_what_is_not_a_small_image(client, platform) -> None:
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>").decode()
    for bad in (svg, "not base64!", _image("GIF"), _image("PNG", (3000, 10))):
        answer = _register(client, platform, [{"data": bad}], expect=422)
        assert answer["errors"][0]["field"] == "previews[0].data"
    too_many = [{"data": _image()}] * 5
    assert _register(client, platform, too_many, expect=422)["errors"][0]["field"] == "previews"


def test_a_png_claimed_as_jpeg_is_a_png(client, platform, kz_ministry, web, make_user) -> None:
    png = _image("PNG")
    _register(client, platform, [{"data": png}])
    request = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"content_id": "post-90"}]}).json()
    item = request["items"][0]["id"]
    make_user("alice@docket.test", "reviewer", password="pw-alice-12345678")
    sign_in(web, "alice@docket.test", "pw-alice-12345678")
    page = web.get(f"/console/items/{item}").text
    assert f'src="/console/items/{item}/previews/1"' in page
    r = web.get(f"/console/items/{item}/previews/1")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.content == base64.b64decode(png)
    assert web.get(f"/console/items/{item}/previews/2").status_code == 404


def test_previews_left_out_are_kept_and_an_empty_list_clears_them(client, platform) -> None:
    _register(client, platform, [{"data": _image()}])
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-90", "url": "https://social.example/@a/90", "type": "image", "text": "Edited"})
    assert r.json()["preview_count"] == 1
    assert _register(client, platform, [], expect=200)["preview_count"] == 0
