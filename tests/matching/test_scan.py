"""The retroactive scan: content registered before its original was restricted is found by
the worker's round (``docket copies scan``), and opens a copy case as one found at
registration does."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select
from typer.testing import CliRunner

from docket.cli import app as cli
from docket.enforcement import service as enforcement
from docket.intake.models import Item
from docket.jobs import CopyScanJobs
from docket.matching.models import ContentMatch, CopyScan
from docket.store import transaction, utcnow
from tests.matching.conftest import POST_TEXT, b64, encoded, eventually, picture
from tests.matching.test_copies import copy_items, register

runner = CliRunner()


def scan() -> dict[str, Any]:
    result = runner.invoke(cli, ["copies", "scan", "--json"])
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


def matches_of(sessions: Any, content_id: str) -> list[tuple[str, str, int]]:
    with transaction(sessions) as s:
        return sorted((m.kind, m.original_content_id, m.decision_id) for m in s.execute(
            select(ContentMatch).where(ContentMatch.content_id == content_id)).scalars())


def restriction_of(sessions: Any, decision_id: int) -> int:
    with transaction(sessions) as s:
        [restriction] = enforcement.for_decision(session=s, decision_id=decision_id)
        return restriction.id


def test_content_registered_before_the_restriction_is_found_by_the_scan(
        client, platform, restricted, reviewer_alice, sessions) -> None:
    # Registered first: a resized copy of the picture, a repost of the text, and unrelated content.
    register(client, platform, "early-copy-21",
             image=b64(encoded(picture(21).resize((320, 240)), "JPEG", quality=60)))
    register(client, platform, "early-repost-23", text=POST_TEXT.replace("nine", "ten"))
    register(client, platform, "holiday-22", image=b64(encoded(picture(22))),
             text="Photos from our holiday by the lake, the weather was wonderful all week.")
    image_decision, _ = restricted("img-21", image=encoded(picture(21)))
    text_decision, _ = restricted("post-23", text=POST_TEXT)
    # Registration finds nothing: the copies came before their originals were restricted.
    assert copy_items(client, reviewer_alice, sessions, image_decision) == []
    assert copy_items(client, reviewer_alice, sessions, text_decision) == []
    # A copy registered after the restriction is found at registration; the scan leaves it be.
    late = b64(encoded(picture(21).resize((400, 300)), "JPEG", quality=70))
    assert eventually(lambda: client.post("/api/v1/match", headers=platform.headers,
                                          json={"image": late}).json()["matches"])
    register(client, platform, "late-copy-21", image=late)
    assert len(copy_items(client, reviewer_alice, sessions, image_decision)) == 1

    done = scan()  # one round, one pass over the fingerprints for both restrictions
    restrictions = sorted([restriction_of(sessions, image_decision), restriction_of(sessions, text_decision)])
    assert done["scanned"] == restrictions and done["content_checked"] == 6
    assert len(done["matches"]) == 2 and len(done["items"]) == 2
    assert matches_of(sessions, "early-copy-21") == [("pdq", "img-21", image_decision)]
    assert matches_of(sessions, "early-repost-23") == [("minhash", "post-23", text_decision)]
    assert matches_of(sessions, "holiday-22") == []  # unrelated content
    assert len(matches_of(sessions, "late-copy-21")) == 1  # recorded once, at registration
    assert matches_of(sessions, "img-21") == [] and matches_of(sessions, "post-23") == []  # never itself

    copies = {c["content_id"]: c for c in copy_items(client, reviewer_alice, sessions, image_decision)}
    assert sorted(copies) == ["early-copy-21", "late-copy-21"]
    early = copies["early-copy-21"]
    assert (early["copy_of_decision_id"], early["status"], early["outcome"]) == (image_decision, "rights_review", None)
    [repost] = copy_items(client, reviewer_alice, sessions, text_decision)
    assert repost["content_id"] == "early-repost-23"
    with transaction(sessions) as s:
        for item_id in (early["id"], repost["id"]):
            item = s.get(Item, item_id)
            assert item is not None
            # The case asks for what the original decided, never wider.
            assert (item.request.requested_action, item.request.requested_scope) == ("restrict", ["KZ"])
        rows = {r.restriction_id: (r.content_checked, r.matches_found) for r in s.execute(select(CopyScan)).scalars()}
    assert rows == {restrictions[0]: (6, 1), restrictions[1]: (6, 1)}
    events = client.get(f"/api/v1/items/{early['id']}/events", headers=reviewer_alice.headers).json()["events"]
    assert "item:copy_opened" in [e["action"] for e in events]

    again = scan()  # a second round finds nothing new
    assert (again["scanned"], again["matches"], again["items"]) == ([], [], [])
    assert len(copy_items(client, reviewer_alice, sessions, image_decision)) == 2


def test_a_restriction_that_ended_before_the_scan_is_not_scanned(client, platform, restricted, reviewer_alice,
                                                                  sessions, settings) -> None:
    register(client, platform, "early-copy-24", image=b64(encoded(picture(24).resize((320, 240)), "JPEG")))
    decision, _ = restricted("img-24", image=encoded(picture(24)))
    with transaction(sessions) as s:
        for restriction in enforcement.for_decision(session=s, decision_id=decision):
            enforcement.end(session=s, actor="test", restriction=restriction, reason="reversed", now=utcnow())
    job = CopyScanJobs(sessions, settings)  # the worker's round
    assert job.run_once() == 0
    assert matches_of(sessions, "early-copy-24") == []
    assert copy_items(client, reviewer_alice, sessions, decision) == []
    with transaction(sessions) as s:
        assert s.execute(select(CopyScan)).scalars().all() == []


def test_the_worker_s_round_scans_each_restriction_once(client, platform, restricted, reviewer_alice, sessions,
                                                        settings) -> None:
    register(client, platform, "early-quote-25", text=POST_TEXT)  # the same text: an exact match
    decision, _ = restricted("post-25", text=POST_TEXT)
    job = CopyScanJobs(sessions, settings)
    assert job.run_once() == 1
    assert matches_of(sessions, "early-quote-25") == [("text_sha256", "post-25", decision)]
    assert job.run_once() == 0
    assert [c["content_id"] for c in copy_items(client, reviewer_alice, sessions, decision)] == ["early-quote-25"]


def test_a_restriction_claimed_by_another_worker_is_left_to_it(client, platform, restricted, reviewer_alice,
                                                               sessions) -> None:
    from docket.matching import scan as scanning

    register(client, platform, "early-quote-26", text=POST_TEXT)
    decision, _ = restricted("post-26", text=POST_TEXT)
    restriction = restriction_of(sessions, decision)
    with transaction(sessions) as s:  # another worker's round claimed it and has not finished
        assert scanning.claim(session=s, restriction_id=restriction, now=utcnow())
    with transaction(sessions) as s:
        assert not scanning.claim(session=s, restriction_id=restriction, now=utcnow())
    done = scan()
    assert (done["scanned"], done["matches"]) == ([], [])
    assert copy_items(client, reviewer_alice, sessions, decision) == []
