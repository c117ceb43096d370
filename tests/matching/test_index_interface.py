"""The matcher's interface: fingerprints and the three indexes (behaviour, not speed)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from docket.matching import fingerprints as fp
from docket.matching.index import ExactIndex, PdqIndex, TextIndex


def _picture() -> Image.Image:
    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((50, 50, 250, 200), fill="red")
    draw.rectangle((200, 100, 380, 280), fill="blue")
    return image


def _encoded(image: Image.Image, kind: str, **options: int) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def test_a_resized_jpeg_copy_is_near_its_original_and_a_blank_hash_is_not() -> None:
    original, quality = fp.pdq(_encoded(_picture(), "PNG"))
    copy, _ = fp.pdq(_encoded(_picture().resize((200, 150)), "JPEG", quality=60))
    assert quality >= 50
    index = PdqIndex()
    index.add(1, original)
    index.add(2, bytes(32))
    found = index.query(copy)
    assert [key for key, _ in found] == [1]
    assert found[0][1] == fp.hamming(original, copy) <= 31
    index.remove(1)
    assert index.query(copy) == []


def test_text_with_a_word_changed_is_similar_and_spacing_or_case_do_not_matter() -> None:
    text = "Everyone come to the central square tonight at nine and bring your friends and flags"
    assert fp.text_sha256(text) == fp.text_sha256("  EVERYONE come to the central\u200b square, tonight at nine "
                                                  "and bring your friends and flags!")
    index = TextIndex()
    index.add(7, fp.minhash(text))
    near = index.query(fp.minhash(text.replace("nine", "ten")), 0.6)
    assert [key for key, _ in near] == [7]
    assert index.query(fp.minhash("A recipe for apple pie with cinnamon and a little butter"), 0.6) == []


def test_exact_index_keeps_several_keys_per_value() -> None:
    index = ExactIndex()
    index.add(1, fp.sha256(b"a"))
    index.add(2, fp.sha256(b"a"))
    assert index.query(fp.sha256(b"a")) == [1, 2]
    index.remove(1)
    assert index.query(fp.sha256(b"a")) == [2]
