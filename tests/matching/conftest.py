"""Restricted content with fingerprints, pushed through the API to a decision."""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import pytest
from PIL import Image, ImageDraw


def picture(seed: int = 0) -> Image.Image:
    """A drawing of shapes that differs by ``seed`` (different seeds: far apart in PDQ)."""
    image = Image.new("RGB", (480, 360), "white")
    draw = ImageDraw.Draw(image)
    for n in range(6):
        x = (seed * 97 + n * 71) % 380
        y = (seed * 53 + n * 43) % 260
        draw.ellipse((x, y, x + 90 + n * 7, y + 80), fill=((seed * 40 + n * 50) % 256, (n * 90) % 256, 120))
        draw.rectangle((y % 300, x % 250, y % 300 + 60, x % 250 + 100),
                       fill=(n * 30 % 256, (seed * 70) % 256, 200 - n * 20))
    return image


def encoded(image: Image.Image, kind: str = "PNG", **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


POST_TEXT = ("Everyone come to the central square tonight at nine and bring torches, we will burn "
             "the akimat down and make them pay for what they did to our town. They took the money for "
             "the new school and the hospital, the roads are broken every spring and nobody answers our "
             "letters. Tell your neighbours, tell your cousins in the villages, share this post before "
             "they delete it again.")


@pytest.fixture
def restricted(client: Any, act: Any, platform: Any, kz_ministry: Any, reviewer_alice: Any, bob_legal: Any,
               carol_rights: Any, dana_kz: Any) -> Any:
    """restricted(content_id, image=bytes, text=...): registered by the platform and restricted in
    Kazakhstan on the ministry's request; returns (decision id, item id)."""

    def go(content_id: str, *, image: bytes | None = None, text: str | None = None,
           law: str = "kz-online-platforms-9") -> tuple[int, int]:
        body: dict[str, Any] = {"id": content_id, "url": f"https://social.example/@aidos/{content_id}",
                                "type": "image" if image else "post", "author_contact": "a@mail.example"}
        if image is not None:
            body["image"] = b64(image)
        if text is not None:
            body["text"] = text
        r = client.post("/api/v1/content", headers=platform.headers, json=body)
        assert r.status_code == 201, r.text
        request = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
            "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls to arson.",
            "legal_basis": [{"law": law}], "items": [{"content_id": content_id}]}).json()
        item = request["items"][0]["id"]
        act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
        act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")
        act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
        decision = act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted",
                       explanation="Calls for arson against a public building.")
        return int(decision["id"]), int(item)

    return go


def eventually(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.02)
