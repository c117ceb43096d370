"""Restricted content whose fingerprints change: every bank learns of them through the feed
(a ``refresh``), without a restart, and visibility is unchanged."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from typer.testing import CliRunner

from docket.cli import app as cli
from docket.client import RestrictionReplica
from docket.enforcement import service as enforcement
from docket.enforcement.index import RestrictionIndex
from docket.store import transaction, utcnow
from tests.helpers import serving
from tests.matching.conftest import b64, encoded, eventually, picture
from tests.matching.test_copies import visible


def test_new_fingerprints_of_restricted_content_are_matched_without_a_restart(
        client, platform, restricted, sessions) -> None:
    decision, _ = restricted("img-30", image=encoded(picture(30)))
    new_copy = b64(encoded(picture(31).resize((320, 240)), "JPEG", quality=60))

    def found() -> list[dict[str, Any]]:
        r = client.post("/api/v1/match", headers=platform.headers, json={"image": new_copy, "country": "KZ"})
        assert r.status_code == 200, r.text
        return r.json()["matches"]

    assert eventually(lambda: not visible(client, platform, "img-30", "KZ"))
    assert found() == []
    changes = client.get("/api/v1/restrictions/changes", headers=platform.headers, params={"after": 0}).json()
    before = changes["next_cursor"]
    # The platform replaces the content's image.
    r = client.post("/api/v1/content", headers=platform.headers,
                    json={"id": "img-30", "type": "image", "image": b64(encoded(picture(31)))})
    assert r.status_code == 200, r.text
    hits = eventually(found)
    assert [(m["content_id"], m["decision_id"], m["applies"]) for m in hits] == [("img-30", decision, True)]
    [change] = client.get("/api/v1/restrictions/changes", headers=platform.headers,
                          params={"after": before}).json()["changes"]
    assert (change["op"], change["subject_id"]) == ("refresh", "img-30")
    # Sent again unchanged: nothing more in the feed.
    r = client.post("/api/v1/content", headers=platform.headers,
                    json={"id": "img-30", "type": "image", "image": b64(encoded(picture(31)))})
    assert r.status_code == 200
    assert client.get("/api/v1/restrictions/changes", headers=platform.headers,
                      params={"after": change["cursor"]}).json()["changes"] == []

    # Visibility is unchanged, and the restriction's end lifts it (it was not held twice).
    assert not visible(client, platform, "img-30", "KZ") and visible(client, platform, "img-30", "DE")
    result = CliRunner().invoke(cli, ["log", "check-restrictions", "--json"])  # the feed served once
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["served"] == {"snapshot": 1, "feed": 1}
    with transaction(sessions) as s:
        for restriction in enforcement.for_decision(session=s, decision_id=decision):
            enforcement.end(session=s, actor="test", restriction=restriction, reason="reversed", now=utcnow())
    assert eventually(lambda: visible(client, platform, "img-30", "KZ"))
    assert eventually(lambda: found() == [])


def test_a_refresh_in_the_feed_changes_no_visibility() -> None:
    index = RestrictionIndex()
    start = {"op": "start", "restriction_id": 1, "subject_kind": "content", "subject_id": "img-30",
             "scope": ["KZ"], "notice_kind": "legal_demand", "ends_at": None}
    index.apply({**start, "cursor": 1})
    index.apply({**start, "cursor": 2, "op": "refresh"})
    assert not index.is_visible("img-30", "KZ") and index.cursor == 2
    index.apply({**start, "cursor": 3, "op": "end"})
    assert index.is_visible("img-30", "KZ")


def test_the_replica_takes_new_fingerprints_from_the_feed_and_still_lifts_the_restriction(
        app, platform, restricted, sessions) -> None:
    decision, _ = restricted("img-32", image=encoded(picture(32)))
    new_copy = encoded(picture(33).resize((320, 240)), "JPEG", quality=60)
    with serving(app) as base:
        replica = RestrictionReplica(base, platform.token, wait=1, max_backoff=0.5).start(timeout=20)
        try:
            assert replica.match(image=new_copy) == [] and not replica.is_visible("img-32", "KZ")
            with httpx.Client(base_url=base, headers=platform.headers) as http:
                r = http.post("/api/v1/content", json={"id": "img-32", "type": "image",
                                                       "image": b64(encoded(picture(33)))})
                assert r.status_code == 200, r.text
            hits = eventually(lambda: replica.match(image=new_copy, country="KZ"))
            assert [(m.content_id, m.decision_id, m.applies) for m in hits] == [("img-32", decision, True)]
            assert not replica.is_visible("img-32", "KZ")
            with transaction(sessions) as s:
                for restriction in enforcement.for_decision(session=s, decision_id=decision):
                    enforcement.end(session=s, actor="test", restriction=restriction, reason="reversed",
                                    now=utcnow())
            assert eventually(lambda: replica.is_visible("img-32", "KZ"))
            assert replica.match(image=new_copy) == []
        finally:
            replica.close()
