"""The verifiable log's public endpoints (docket.audit.log_api): anyone, without a token,
reads the checkpoints, the verifier key, and proofs that verify against them with the
verifier's own code (docket.log.merkle.verify_*), on both engines."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from docket import audit
from docket.app import create_app
from docket.audit.log_models import LogCheckpoint, LogLeaf
from docket.audit.sealer import seal, sign_checkpoint
from docket.log import merkle
from docket.log.checkpoint import Checkpoint, open_checkpoint
from docket.log.note import Signer, Verifier
from docket.settings import Settings
from docket.store import transaction

ORIGIN = "docket.test/log"
LOG = "/api/v1/log"


def grow(sessions: Any, signer: Signer, count: int, start: int) -> str:
    """Record ``count`` events, seal them and sign a checkpoint; its signed note."""
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i}) for i in range(start, start + count)])
    with transaction(sessions) as s:
        seal(session=s)
    with transaction(sessions) as s:
        return sign_checkpoint(session=s, signer=signer).note


@pytest.fixture
def signer() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture
def log_client(settings: Settings, engine: Any, sessions: Any, signer: Signer,
               tmp_path: Path) -> Iterator[TestClient]:
    """The app with a signing key (its log job off: the tests seal and sign themselves)."""
    key = tmp_path / "log.key"
    key.write_text(signer.key + "\n")
    app = create_app(Settings(**{**settings.model_dump(), "log_key_file": str(key)}), engine=engine)
    app.state.owns_engine = False
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def b64(items: list[str]) -> list[bytes]:
    return [base64.b64decode(h, validate=True) for h in items]


def test_anyone_reads_checkpoints_and_proofs_that_verify(log_client: TestClient, sessions: Any,
                                                         signer: Signer) -> None:
    first = grow(sessions, signer, 13, 0)
    second = grow(sessions, signer, 8, 13)
    key = log_client.get(f"{LOG}/key")
    assert key.status_code == 200 and key.headers["content-type"] == "text/plain; charset=utf-8"
    assert key.text == signer.verifier.key + "\n"
    verifier = Verifier.parse(key.text)

    latest = log_client.get(f"{LOG}/checkpoint")
    assert latest.status_code == 200 and latest.text == second
    assert latest.headers["content-type"] == "text/plain; charset=utf-8"
    assert latest.headers["cache-control"] == "public, max-age=10"
    at13 = log_client.get(f"{LOG}/checkpoints/13")
    assert at13.text == first and "immutable" in at13.headers["cache-control"]
    old, new = open_checkpoint(at13.content, verifier), open_checkpoint(latest.content, verifier)
    assert (old.size, new.size) == (13, 21)

    with sessions() as s:
        stored = [bytes(h) for h in s.scalars(select(LogLeaf.hash).order_by(LogLeaf.idx))]
    for tree in (old, new):
        for index in range(tree.size):
            proof = log_client.get(f"{LOG}/proofs/inclusion", params={"index": index, "size": tree.size})
            assert proof.status_code == 200 and "immutable" in proof.headers["cache-control"]
            body = proof.json()
            assert (body["index"], body["size"]) == (index, tree.size)
            leaf = base64.b64decode(body["leaf_hash"])
            assert leaf == stored[index]
            merkle.verify_inclusion(leaf, index, tree.size, b64(body["hashes"]), tree.root)

    consistency = log_client.get(f"{LOG}/proofs/consistency", params={"old": 13, "new": 21}).json()
    assert (consistency["old"], consistency["new"]) == (13, 21)
    merkle.verify_consistency(13, 21, old.root, new.root, b64(consistency["hashes"]))
    same = log_client.get(f"{LOG}/proofs/consistency", params={"old": 21, "new": 21}).json()
    assert same["hashes"] == []
    for size in range(1, 21):  # every earlier size, proved against the latest checkpoint
        body = log_client.get(f"{LOG}/proofs/consistency", params={"old": size, "new": 21}).json()
        root = merkle.tree_hash(size, lambda idx: _stored_hashes(sessions, idx))
        merkle.verify_consistency(size, 21, root, new.root, b64(body["hashes"]))

    page = log_client.get(f"{LOG}/leaves", params={"start": 0, "end": 21}).json()
    assert page == {"start": 0, "end": 21, "hashes": [base64.b64encode(h).decode() for h in stored]}
    tail = log_client.get(f"{LOG}/leaves", params={"start": 20, "end": 21}).json()
    assert b64(tail["hashes"]) == stored[20:]


def fill_mirror(client: TestClient) -> None:
    """One round of the log jobs (sealing, signing, the mirror), as docket serve runs them."""
    app: Any = client.app
    app.state.log_jobs.run_once()
    assert app.state.log_mirror.count > 0


def proofs_answered(client: TestClient, source: str) -> float:
    app: Any = client.app
    return app.state.metrics.registry.get_sample_value("docket_log_proofs_total", {"source": source}) or 0.0


LANE_QUERIES = [
    *(f"proofs/inclusion?index={i}&size={n}" for n in (1, 2, 7, 8, 13, 21) for i in range(n)),
    *(f"proofs/consistency?old={m}&new={n}" for n in (1, 8, 13, 21) for m in range(1, n + 1)),
    "leaves?start=0&end=21", "leaves?start=20&end=21", "leaves?start=3&end=9",
    # what the lane leaves to the route: its answers must be the route's too
    "proofs/inclusion?size=21&index=4", "proofs/inclusion?index=004&size=21", "proofs/inclusion?index=4&size=21&x=1",
    "proofs/inclusion?index=%34&size=21", "proofs/inclusion?index=4&index=5&size=21",
]


def test_the_mirror_answers_the_databases_proofs_byte_for_byte(log_client: TestClient, sessions: Any,
                                                                signer: Signer) -> None:
    """Proofs come from the process's copy of the stored hashes once the log jobs filled it
    (the fast lane, docket.audit.log_api.LogLane), the same bytes and headers as from the
    database; a tree the copy does not hold yet is still answered, from the database."""
    grow(sessions, signer, 13, 0)
    grow(sessions, signer, 8, 13)
    fields = ("content-type", "content-length", "cache-control", "x-content-type-options")

    def answers() -> list[tuple[int, bytes, list[str | None]]]:
        out = []
        for query in LANE_QUERIES:
            answer = log_client.get(f"{LOG}/{query}")
            out.append((answer.status_code, answer.content, [answer.headers.get(f) for f in fields]))
        return out

    from_database = answers()
    assert proofs_answered(log_client, "mirror") == 0
    assert all(status == 200 for status, _, _ in from_database)
    fill_mirror(log_client)
    before = proofs_answered(log_client, "database")
    assert answers() == from_database
    assert proofs_answered(log_client, "mirror") >= len(LANE_QUERIES) - 5
    assert proofs_answered(log_client, "database") == before

    grow(sessions, signer, 3, 21)  # sealed after the mirror's last round
    answer = log_client.get(f"{LOG}/proofs/inclusion", params={"index": 22, "size": 24})
    assert answer.status_code == 200 and proofs_answered(log_client, "database") == before + 1
    new = open_checkpoint(log_client.get(f"{LOG}/checkpoint").content, signer.verifier)
    body = answer.json()
    merkle.verify_inclusion(base64.b64decode(body["leaf_hash"]), 22, 24, b64(body["hashes"]), new.root)


def _stored_hashes(sessions: Any, indexes: Any) -> list[bytes]:
    from docket.audit.sealer import hash_reader

    with sessions() as s:
        return list(hash_reader(s)(indexes))


def test_a_one_leaf_tree_proves_its_leaf_with_no_hashes(log_client: TestClient, sessions: Any,
                                                        signer: Signer) -> None:
    note = grow(sessions, signer, 1, 0)
    checkpoint = Checkpoint.parse(note[:note.index("\n\n") + 1])
    body = log_client.get(f"{LOG}/proofs/inclusion", params={"index": 0, "size": 1}).json()
    assert body["hashes"] == [] and base64.b64decode(body["leaf_hash"]) == checkpoint.root


@pytest.mark.parametrize(("path", "params", "status", "field"), [
    ("proofs/inclusion", {"index": -1, "size": 5}, 422, "index"),
    ("proofs/inclusion", {"index": "one", "size": 5}, 422, "index"),
    ("proofs/inclusion", {"index": 1.5, "size": 5}, 422, "index"),
    ("proofs/inclusion", {"index": 5, "size": 5}, 422, "index"),
    ("proofs/inclusion", {"index": 0, "size": 0}, 422, "index"),
    ("proofs/inclusion", {"size": 5}, 422, "index"),
    ("proofs/inclusion", {"index": 0, "size": 2**70}, 422, "size"),
    ("proofs/inclusion", {"index": 0, "size": 9}, 404, None),
    ("proofs/inclusion", {"index": 2**62 - 1, "size": 2**62}, 404, None),
    ("proofs/consistency", {"old": 0, "new": 5}, 422, "old"),
    ("proofs/consistency", {"old": 5, "new": 4}, 422, "old"),
    ("proofs/consistency", {"old": 2, "new": -3}, 422, "new"),
    ("proofs/consistency", {"old": 2, "new": 9}, 404, None),
    ("proofs/consistency", {"old": 9, "new": 9}, 404, None),
    ("leaves", {"start": 0, "end": 0}, 422, "end"),
    ("leaves", {"start": 5, "end": 3}, 422, "end"),
    ("leaves", {"start": -1, "end": 3}, 422, "start"),
    ("leaves", {"start": 0, "end": 1001}, 422, "end"),
    ("leaves", {"start": 0, "end": 9}, 404, None),
    ("leaves", {"start": 8, "end": 9}, 404, None),
    ("checkpoints/7", {}, 404, None),
    ("checkpoints/-1", {}, 404, None),
    ("checkpoints/seven", {}, 404, None),
    ("checkpoints/99999999999999999999", {}, 404, None),
])
@pytest.mark.parametrize("mirrored", [False, True], ids=["database", "mirror"])
def test_bad_parameters_are_problems(log_client: TestClient, sessions: Any, signer: Signer, mirrored: bool,
                                     path: str, params: dict[str, Any], status: int, field: str | None) -> None:
    grow(sessions, signer, 8, 0)  # a tree of 8 leaves, signed at 8
    if mirrored:  # the fast lane passes every one of these on to the route
        fill_mirror(log_client)
    answer = log_client.get(f"{LOG}/{path}", params=params)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "cache-control" not in answer.headers
    if field is not None:
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    elif not path.startswith("checkpoints/"):
        assert answer.json()["tree_size"] == 8 and "8 leaves" in answer.json()["detail"]


def test_nothing_signed_yet_is_a_404(log_client: TestClient, sessions: Any) -> None:
    answer = log_client.get(f"{LOG}/checkpoint")
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
    with sessions() as s:
        assert s.scalars(select(LogCheckpoint)).all() == []
