"""The replica client against the reference model (tests/enforcement/index_model.py).

The replica is driven through the calls a platform makes: ``bootstrap`` (the
snapshot), ``poll`` (one page of the change feed), ``is_visible``, ``check``,
``cursor`` and ``wait_for``. It talks HTTP to a stand-in for docket that serves the
model's snapshot and feed in the API's formats (NDJSON with the cursor first; pages
of changes), through the replica's ``transport`` parameter. The stand-in may serve
short pages, and may serve changes the replica has already applied again, as a
reconnect or a caching proxy would; the replica must neither lose nor repeat one.
"""

from __future__ import annotations

import httpx
import orjson
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from docket.client import RestrictionReplica
from tests.enforcement.index_model import DocketSide, compare, questions

BOUNDED = settings(max_examples=150, stateful_step_count=30, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow])
TOKEN = "platform-token"


class ReplicaMachine(DocketSide):
    def __init__(self) -> None:
        super().__init__()
        self.page = 1000  # the most changes the stand-in serves in one page
        self.resend = 0  # how many already-applied changes it serves again, once
        self.replicas = {mode: RestrictionReplica(
            "http://docket.test", TOKEN, unknown_country=mode, wait=0, clock=self.clock,
            transport=httpx.MockTransport(self.serve)) for mode in ("fail_closed", "fail_open")}

    def teardown(self) -> None:
        for replica in self.replicas.values():
            replica.close()

    # ------------------------------------------------------------ the stand-in for docket
    def serve(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        if request.url.path == "/api/v1/restrictions/snapshot":
            cursor, rows = self.server.snapshot()
            lines = [orjson.dumps({"cursor": cursor}), *(orjson.dumps(row) for row in rows)]
            return httpx.Response(200, content=b"\n".join(lines) + b"\n",
                                  headers={"content-type": "application/x-ndjson"})
        # The restricted bank (the model's content has no fingerprints: an empty bank).
        if request.url.path == "/api/v1/match/bank/snapshot":
            return httpx.Response(200, content=orjson.dumps({"cursor": self.server.snapshot()[0]}) + b"\n",
                                  headers={"content-type": "application/x-ndjson"})
        if request.url.path == "/api/v1/match/bank":
            return httpx.Response(200, content=orjson.dumps({"entries": []}))
        assert request.url.path == "/api/v1/restrictions/changes", request.url
        after, limit = int(request.url.params["after"]), int(request.url.params["limit"])
        start = max(0, after - self.resend)
        changes = self.server.changes_after(start, min(limit, self.page + after - start))
        return httpx.Response(200, content=orjson.dumps({
            "changes": changes, "next_cursor": changes[-1]["cursor"] if changes else after}))

    # ------------------------------------------------------------ the replica's side
    @rule()
    def bootstrap(self) -> None:
        cursor, rows = self.server.snapshot()
        for replica in self.replicas.values():
            assert replica.bootstrap() == len(rows)
        self.reader.load(cursor)

    @rule(page=st.sampled_from([1, 2, 3, 1000]), resend=st.sampled_from([0, 0, 1, 3]))
    def poll(self, page: int, resend: int) -> None:
        """One long-poll: the next page of changes, perhaps with some already applied."""
        self.page, self.resend = page, min(resend, self.reader.cursor)
        new = min(page, self.server.cursor - self.reader.cursor)
        for replica in self.replicas.values():
            assert replica.poll() == new + self.resend
        self.page, self.resend = 1000, 0
        self.reader.read_to(self.reader.cursor + new)

    # ------------------------------------------------------------ every answer
    @invariant()
    def answers_match_the_model(self) -> None:
        for mode, replica in self.replicas.items():
            assert replica.cursor == self.reader.cursor
            assert len(replica.index) == self.reader.subjects()
            assert replica.wait_for(self.reader.cursor, timeout=0)
            assert not replica.wait_for(self.reader.cursor + 1, timeout=0)
            for question in questions():
                content_id, country, author_id = question
                compare(replica.check(content_id, country, author_id),
                        replica.is_visible(content_id, country, author_id),
                        self.reader.expect(content_id, country, author_id, mode), question)


ReplicaMachine.TestCase.settings = BOUNDED
test_the_replica_answers_as_the_model_does = ReplicaMachine.TestCase
