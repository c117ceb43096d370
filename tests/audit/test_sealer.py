"""Sealing audit events into the verifiable log's tree and signing checkpoints
(docket.audit.sealer, ``docket log keygen`` and ``docket log checkpoint``), on both engines."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from docket import audit
from docket.audit.log_models import LogCheckpoint, LogHash, LogLeaf
from docket.audit.models import Event
from docket.audit.sealer import SealError, hash_reader, leaf_data, seal, sign_checkpoint, tree_size
from docket.cli import app as cli
from docket.log import merkle
from docket.log.checkpoint import open_checkpoint
from docket.log.note import Signer, Verifier
from docket.settings import get_settings
from docket.store import transaction
from tests.helpers import tampering

ORIGIN = "docket.test/log"


def record(sessions: Any, count: int, start: int = 0) -> None:
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i, "text": "é ü"})
            for i in range(start, start + count)])


def seal_all(sessions: Any, limit: int = 10_000) -> int:
    while True:
        with transaction(sessions) as s:
            sealed = seal(session=s, limit=limit)
        if sealed.added == 0:
            return sealed.size


def root_of(leaf_hashes: list[bytes]) -> bytes:
    """RFC 9162's MTH over leaf hashes, the slow way."""
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = 1
    while k * 2 < len(leaf_hashes):
        k *= 2
    return hashlib.sha256(b"\x01" + root_of(leaf_hashes[:k]) + root_of(leaf_hashes[k:])).digest()


def test_every_event_becomes_one_leaf_in_seq_order(sessions: Any) -> None:
    record(sessions, 23)
    assert seal_all(sessions, limit=10) == 23  # in three transactions
    record(sessions, 14, start=23)
    assert seal_all(sessions, limit=4) == 37
    with sessions() as s:
        leaves = s.scalars(select(LogLeaf).order_by(LogLeaf.idx)).all()
        events = {e.seq: e for e in s.scalars(select(Event))}
        assert [(leaf.idx, leaf.seq) for leaf in leaves] == [(i, i + 1) for i in range(37)]
        assert len({leaf.nonce for leaf in leaves}) == 37 and {len(leaf.nonce) for leaf in leaves} == {16}
        for leaf in leaves:  # the leaf hash commits to the event's fields and the nonce
            data = json.loads(leaf_data(events[leaf.seq], leaf.nonce))
            assert data["seq"] == leaf.seq and data["format"] == "docket-leaf/2"
            assert sorted(data["commitments"]) == ["action", "actor", "at", "payload.i", "payload.text", "subject"]
            assert "é ü" not in leaf_data(events[leaf.seq], leaf.nonce).decode()  # committed, not shown
            assert leaf.nonce.hex() not in leaf_data(events[leaf.seq], leaf.nonce).decode()
            assert leaf.hash == merkle.leaf_hash(leaf_data(events[leaf.seq], leaf.nonce))
        hashes = [leaf.hash for leaf in leaves]
        read = hash_reader(s)
        # The stored hashes, appended in batches of 10 and 4, are those of the whole log at once.
        stored = s.scalars(select(LogHash.hash).order_by(LogHash.idx)).all()
        assert stored == _from_scratch(hashes)
        for size in (1, 10, 23, 36, 37):
            root = merkle.tree_hash(size, read)
            assert root == root_of(hashes[:size])
            for index in (0, size // 2, size - 1):
                merkle.verify_inclusion(hashes[index], index, size, merkle.inclusion_proof(index, size, read), root)


def _from_scratch(hashes: list[bytes]) -> list[bytes]:
    out: list[bytes] = []

    def read(indexes: Any) -> list[bytes]:
        return [out[i] for i in indexes]

    for n, digest in enumerate(hashes):
        out.extend(merkle.append_leaves(n, [digest], read))
    return out


def test_a_missing_event_stops_sealing(sessions: Any) -> None:
    record(sessions, 5)
    seal_all(sessions)
    record(sessions, 3, start=5)
    with tampering(sessions) as s:
        s.execute(delete(Event).where(Event.seq == 7))
    with pytest.raises(SealError, match="event 7 is missing"), transaction(sessions) as s:
        seal(session=s)
    with sessions() as s:
        assert tree_size(session=s) == 5


def test_checkpoints_are_signed_when_the_log_grew_and_kept(sessions: Any) -> None:
    signer = Signer.generate(ORIGIN)
    verifier = Verifier.parse(signer.verifier.key)
    with transaction(sessions) as s:
        empty = sign_checkpoint(session=s, signer=signer)
    assert empty.new and empty.checkpoint.size == 0 and empty.checkpoint.root == merkle.EMPTY_ROOT
    record(sessions, 6)
    seal_all(sessions)
    with transaction(sessions) as s:
        first = sign_checkpoint(session=s, signer=signer)
    with transaction(sessions) as s:
        again = sign_checkpoint(session=s, signer=signer)
    assert first.new and not again.new and again.note == first.note
    assert open_checkpoint(first.note, verifier) == first.checkpoint
    record(sessions, 5, start=6)
    seal_all(sessions)
    with transaction(sessions) as s:
        second = sign_checkpoint(session=s, signer=signer)
        proof = merkle.consistency_proof(6, 11, hash_reader(s))
    held = open_checkpoint(first.note, verifier)  # what an outsider kept
    latest = open_checkpoint(second.note, verifier)
    merkle.verify_consistency(held.size, latest.size, held.root, latest.root, proof)
    with sessions() as s:
        assert s.scalars(select(LogCheckpoint.size).order_by(LogCheckpoint.size)).all() == [0, 6, 11]


def test_a_rewritten_tree_is_not_signed(sessions: Any) -> None:
    signer = Signer.generate(ORIGIN)
    record(sessions, 5)
    seal_all(sessions)
    with transaction(sessions) as s:
        sign_checkpoint(session=s, signer=signer)
    record(sessions, 4, start=5)
    seal_all(sessions)
    with tampering(sessions) as s:  # the stored root of leaves 0..3, which size 5 was built on
        s.execute(update(LogHash).where(LogHash.idx == merkle.stored_hash_index(2, 0))
                  .values(hash=b"\x00" * 32))
    with pytest.raises(SealError, match="does not extend the checkpoint of 5"), transaction(sessions) as s:
        sign_checkpoint(session=s, signer=signer)


def test_concurrent_writers_and_sealers_seal_each_event_once(sessions: Any) -> None:
    """Events appended by four writers while two sealers run: every event is sealed
    exactly once, in seq order, with no gap."""
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(w: int) -> None:
        try:
            for i in range(15):
                record(sessions, 2, start=100 * w + 2 * i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    def sealer() -> None:
        try:
            while not stop.is_set():
                with transaction(sessions) as s:
                    seal(session=s, limit=7)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    writers = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    for thread in writers + sealers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in sealers:
        thread.join()
    assert not errors, errors
    assert seal_all(sessions) == 120
    with sessions() as s:
        assert s.execute(select(LogLeaf.idx, LogLeaf.seq).order_by(LogLeaf.idx)).all() == [
            (i, i + 1) for i in range(120)]


# ---------------------------------------------------------------- the commands


@pytest.fixture
def key_file(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    path = tmp_path / "log.key"
    monkeypatch.setenv("DOCKET_LOG_KEY_FILE", str(path))
    get_settings.cache_clear()
    yield path
    monkeypatch.delenv("DOCKET_LOG_KEY_FILE")
    get_settings.cache_clear()


def test_keygen_then_checkpoint(sessions: Any, key_file: Any) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["log", "keygen", "--origin", ORIGIN, "--json"])
    assert made.exit_code == 0, made.output
    verifier = Verifier.parse(json.loads(made.stdout)["verifier_key"])
    assert verifier.name == ORIGIN and os.stat(key_file).st_mode & 0o777 == 0o600
    assert Signer.parse(key_file.read_text()).verifier == verifier
    human = runner.invoke(cli, ["log", "keygen", "--origin", "other.example/log"])
    assert human.exit_code == 1 and "exists" in human.output
    key_file.unlink()
    human = runner.invoke(cli, ["log", "keygen", "--origin", "docket.example.org/a/long/path/log"])
    assert human.exit_code == 0
    assert Verifier.parse(human.stdout.splitlines()[-1]) == Signer.parse(key_file.read_text()).verifier
    key_file.unlink()
    made = runner.invoke(cli, ["log", "keygen", "--origin", ORIGIN, "--json"])
    verifier = Verifier.parse(json.loads(made.stdout)["verifier_key"])
    again = runner.invoke(cli, ["log", "keygen", "--json"])
    assert again.exit_code == 1 and "exists" in json.loads(again.stdout)["error"]
    assert Signer.parse(key_file.read_text()).verifier == verifier  # not overwritten

    record(sessions, 9)
    first = runner.invoke(cli, ["log", "checkpoint", "--json"])
    assert first.exit_code == 0, first.output
    out = json.loads(first.stdout)
    checkpoint = open_checkpoint(out["checkpoint"], verifier)
    assert (out["size"], out["new"], checkpoint.size) == (9, True, 9)
    unchanged = json.loads(runner.invoke(cli, ["log", "checkpoint", "--json"]).stdout)
    assert unchanged["new"] is False and unchanged["checkpoint"] == out["checkpoint"]
    human = runner.invoke(cli, ["log", "checkpoint"])
    assert human.exit_code == 0 and human.stdout == out["checkpoint"]  # the note, to keep as it is
    assert open_checkpoint(human.stdout, verifier).size == 9


def test_the_commands_need_a_key_file(sessions: Any, key_file: Any) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["log", "checkpoint", "--json"])
    assert missing.exit_code == 1 and "docket log keygen" in json.loads(missing.stdout)["error"]
    os.environ.pop("DOCKET_LOG_KEY_FILE")
    get_settings.cache_clear()
    unset = runner.invoke(cli, ["log", "keygen", "--json"])
    assert unset.exit_code == 1 and "DOCKET_LOG_KEY_FILE" in json.loads(unset.stdout)["error"]
    os.environ["DOCKET_LOG_KEY_FILE"] = str(key_file)
