"""POST /api/v1/match and its batch: copies of restricted images and text, per country."""

from __future__ import annotations

from typing import Any

from PIL import Image

from docket.enforcement import service as enforcement
from docket.matching import fingerprints as fp
from docket.store import transaction, utcnow
from tests.matching.conftest import POST_TEXT, b64, encoded, eventually, picture


def match(client: Any, platform: Any, expect: int = 200, **body: Any) -> Any:
    r = client.post("/api/v1/match", headers=platform.headers, json=body)
    assert r.status_code == expect, r.text
    return r.json()


def test_a_resized_jpeg_of_a_restricted_image_matches_with_its_scope(client, platform, restricted) -> None:
    original = encoded(picture(1))
    decision, _ = restricted("img-1", image=original)
    copy = encoded(picture(1).resize((240, 180)), "JPEG", quality=55)
    found = eventually(lambda: match(client, platform, image=b64(copy), country="KZ")["matches"])
    assert len(found) == 1
    hit = found[0]
    assert (hit["kind"], hit["content_id"], hit["decision_id"], hit["scope"], hit["applies"]) == (
        "pdq", "img-1", decision, ["KZ"], True)
    assert hit["exact"] is False and 0 <= hit["distance"] <= 31 and hit["similarity"] is None
    # The same restriction does not apply in Germany; without a country, nobody can say.
    assert match(client, platform, image=b64(copy), country="de")["matches"][0]["applies"] is False
    assert match(client, platform, image=b64(copy))["matches"][0]["applies"] is None
    # The very bytes: an exact match (one per restriction and medium, the nearest).
    exact = match(client, platform, image=b64(original), country="KZ")["matches"]
    assert [(m["kind"], m["exact"]) for m in exact] == [("sha256", True)]
    # Another picture matches nothing.
    assert match(client, platform, image=b64(encoded(picture(7))), country="KZ")["matches"] == []


def test_text_with_a_word_changed_matches_and_a_pdq_hash_does_too(client, platform, restricted) -> None:
    decision, _ = restricted("post-1", text=POST_TEXT, image=encoded(picture(2)))
    edited = POST_TEXT.replace("torches", "lanterns")
    found = eventually(lambda: match(client, platform, text=edited, country="KZ")["matches"])
    assert [(m["kind"], m["content_id"], m["decision_id"]) for m in found] == [("minhash", "post-1", decision)]
    assert found[0]["similarity"] >= 0.85 and found[0]["distance"] is None
    # Case, spacing and punctuation make no difference: the normalised text's hash.
    same = match(client, platform, text="  " + POST_TEXT.upper() + "!!")["matches"]
    assert [m["kind"] for m in same] == ["text_sha256"]
    value, quality = fp.pdq(encoded(picture(2)))
    assert quality >= 50
    assert [m["kind"] for m in match(client, platform, pdq=value.hex(), pdq_quality=quality)["matches"]] == ["pdq"]
    # A hash of too low a quality is neither matched nor silently dropped.
    low = match(client, platform, pdq=value.hex(), pdq_quality=20)
    assert low["matches"] == [] and low["ignored"] == ["pdq: quality 20 is below 50"]
    assert match(client, platform, text="A recipe for plov with lamb and carrots.")["matches"] == []


def test_the_batch_answers_each_fingerprint_in_order(client, platform, restricted) -> None:
    image = encoded(picture(3))
    decision, _ = restricted("img-3", image=image, text=POST_TEXT)
    value, _ = fp.pdq(encoded(picture(3).resize((300, 225)), "JPEG", quality=70))
    eventually(lambda: match(client, platform, pdq=value.hex())["matches"])
    body = {"country": "TR", "fingerprints": [
        {"pdq": value.hex()}, {"sha256": fp.sha256(image).hex()}, {"text": POST_TEXT.replace("nine", "ten")},
        {"pdq": bytes(32).hex()}, {"pdq": value.hex(), "pdq_quality": 10}]}
    r = client.post("/api/v1/match/batch", headers=platform.headers, json=body)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [[(m["kind"], m["decision_id"], m["applies"]) for m in x["matches"]] for x in results] == [
        [("pdq", decision, False)], [("sha256", decision, False)], [("minhash", decision, False)], [], []]
    assert results[4]["ignored"] == ["pdq: quality 10 is below 50"]
    too_many = {"fingerprints": [{"pdq": value.hex()}] * 1001}
    assert client.post("/api/v1/match/batch", headers=platform.headers, json=too_many).status_code == 422
    both = {"fingerprints": [{"pdq": value.hex(), "text": "x"}]}
    assert client.post("/api/v1/match/batch", headers=platform.headers, json=both).status_code == 422


def test_a_reversal_takes_the_fingerprints_out_of_the_bank(client, platform, restricted, sessions) -> None:
    decision, _ = restricted("img-4", image=encoded(picture(4)))
    copy = b64(encoded(picture(4), "JPEG", quality=80))
    assert eventually(lambda: match(client, platform, image=copy)["matches"])
    with transaction(sessions) as s:
        for restriction in enforcement.for_decision(session=s, decision_id=decision):
            enforcement.end(session=s, actor="test", restriction=restriction, reason="reversed", now=utcnow())
    assert eventually(lambda: match(client, platform, image=copy)["matches"] == [])


def test_fingerprints_are_kept_with_the_content(client, platform) -> None:
    image = encoded(picture(6))
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "img-6", "type": "image", "image": b64(image), "text": POST_TEXT})
    assert r.status_code == 201, r.text
    assert r.json()["fingerprints"] == ["minhash", "pdq", "sha256", "text_sha256"]
    assert r.json()["pdq_quality"] == fp.pdq(image)[1]
    # The SHA-256 alone replaces only the SHA-256; a hash the platform computed replaces the PDQ.
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "img-6", "type": "image", "sha256": "ab" * 32, "pdq": "0f" * 32, "pdq_quality": 30})
    assert (r.json()["fingerprints"], r.json()["pdq_quality"]) == (["minhash", "pdq", "sha256", "text_sha256"], 30)


def test_bad_input_is_a_problem_and_stores_nothing(client, platform) -> None:
    for body in ({"image": b64(b"GIF89a not really an image at all")}, {"image": "not base64!"},
                 {"image": b64(b"plain text, no image")}, {"pdq": "12ab"}, {"pdq": "zz" * 32},
                 {"image": b64(encoded(picture(1))), "pdq": "00" * 32}, {}, {"text": "x", "country": "Kazakhstan"},
                 {"image": b64(encoded(Image.new("RGB", (9000, 4))))}):
        r = client.post("/api/v1/match", headers=platform.headers, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "bad-1", "type": "image", "image": b64(b"\x89PNG\r\n\x1a\n broken")})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/content/bad-1", headers=platform.headers).status_code == 404


def test_matching_is_for_the_platform_only(client, reviewer_alice, kz_ministry) -> None:
    for who in (reviewer_alice, kz_ministry):
        assert client.post("/api/v1/match", headers=who.headers, json={"text": "x"}).status_code == 403
    assert client.post("/api/v1/match", json={"text": "x"}).status_code == 401
