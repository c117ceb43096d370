"""The bank follows the restriction feed in every process, and in the replica."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from docket.client import RestrictionReplica
from docket.enforcement import service as enforcement
from docket.matching import fingerprints as fp
from docket.store import transaction, utcnow
from tests.helpers import serving
from tests.matching.conftest import POST_TEXT, b64, encoded, eventually, picture


def test_a_second_app_instance_banks_a_new_restriction_from_the_feed(settings, engine, client, platform,
                                                                      restricted) -> None:
    from docket.app import create_app

    other = create_app(settings, engine=engine)
    other.state.owns_engine = False
    copy = b64(encoded(picture(8).resize((200, 150)), "JPEG", quality=50))
    with TestClient(other, raise_server_exceptions=False) as second:
        def found() -> list[dict[str, Any]]:
            r = second.post("/api/v1/match", headers=platform.headers, json={"image": copy, "country": "KZ"})
            assert r.status_code == 200, r.text
            return r.json()["matches"]

        assert found() == []
        decision, _ = restricted("img-8", image=encoded(picture(8)))  # through the first instance
        hits = eventually(found)
        assert [(m["content_id"], m["decision_id"], m["applies"]) for m in hits] == [("img-8", decision, True)]
        assert other.state.bank.cursor == other.state.index.cursor


def test_the_replica_matches_in_process_and_follows_starts_and_ends(app, platform, restricted, sessions) -> None:
    before, _ = restricted("img-9", image=encoded(picture(9)))  # in the snapshot
    with serving(app) as base:
        replica = RestrictionReplica(base, platform.token, wait=1, max_backoff=0.5).start(timeout=20)
        try:
            copy = encoded(picture(9).resize((240, 180)), "JPEG", quality=60)
            [hit] = replica.match(image=copy, country="KZ")
            assert (hit.content_id, hit.decision_id, hit.scope, hit.applies) == ("img-9", before, ("KZ",), True)
            assert replica.match(image=copy, country="DE")[0].applies is False
            value, quality = fp.pdq(copy)
            assert [m.kind for m in replica.match(pdq=value.hex(), pdq_quality=quality)] == ["pdq"]
            assert replica.match(pdq=value, pdq_quality=10) == []  # too low a quality to match
            # A restriction made while it runs arrives through the feed, with its fingerprints.
            after, _ = restricted("post-10", text=POST_TEXT)
            edited = POST_TEXT.replace("torches", "candles")
            hits = eventually(lambda: replica.match(text=edited, country="KZ"))
            assert [(m.kind, m.content_id, m.decision_id) for m in hits] == [("minhash", "post-10", after)]
            # A reversal takes them out again.
            with transaction(sessions) as s:
                for restriction in enforcement.for_decision(session=s, decision_id=before):
                    enforcement.end(session=s, actor="test", restriction=restriction, reason="reversed", now=utcnow())
            assert eventually(lambda: replica.match(image=copy) == [])
            assert replica.match(text=edited)
        finally:
            replica.close()
