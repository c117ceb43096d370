"""``docket log witness`` against a real docket served over HTTP on loopback (uvicorn in a
thread): it keeps each checkpoint that the log proves extends the one held, and exits
with its own code on a rollback, a fork made by rewriting the database's stored hashes and
signing again, a bad signature, a changed key, an unreachable log and a busy state
directory. On both engines."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from typer.testing import CliRunner

from docket import audit
from docket.app import create_app
from docket.audit.log_models import LogCheckpoint, LogHash, LogLeaf
from docket.audit.sealer import seal, sign_checkpoint
from docket.cli import app as cli
from docket.log import merkle
from docket.log.note import Signer
from docket.settings import Settings
from docket.store import transaction
from tests.helpers import free_port, serving, tampering

ORIGIN = "docket.test/log"


def grow(sessions: Any, signer: Signer, count: int, start: int) -> str:
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i}) for i in range(start, start + count)])
    with transaction(sessions) as s:
        seal(session=s)
    with transaction(sessions) as s:
        return sign_checkpoint(session=s, signer=signer).note


def rewrite_leaf(sessions: Any, signer: Signer, index: int) -> None:
    """What an administrator hiding an edit would do: give leaf ``index`` another hash,
    rebuild every stored hash from the leaves, throw the checkpoints away and sign anew."""
    with tampering(sessions) as s:
        s.execute(update(LogLeaf).where(LogLeaf.idx == index).values(hash=hashlib.sha256(b"edited").digest()))
        leaves = [bytes(h) for h in s.scalars(select(LogLeaf.hash).order_by(LogLeaf.idx))]
        stored: list[bytes] = []
        for n, digest in enumerate(leaves):
            stored.extend(merkle.append_leaves(n, [digest], lambda idx: [stored[i] for i in idx]))
        s.execute(delete(LogHash))
        s.execute(insert(LogHash), [{"idx": i, "hash": h} for i, h in enumerate(stored)])
        s.execute(delete(LogCheckpoint))
    with transaction(sessions) as s:
        sign_checkpoint(session=s, signer=signer)


@pytest.fixture
def signer() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture
def log_url(settings: Settings, engine: Any, sessions: Any, signer: Signer, tmp_path: Path) -> Iterator[str]:
    key = tmp_path / "log.key"
    key.write_text(signer.key + "\n")
    app = create_app(Settings(**{**settings.model_dump(), "log_key_file": str(key)}), engine=engine)
    app.state.owns_engine = False
    with serving(app) as base:
        yield f"{base}/api/v1/log"


def run(url: str, state: Path, *more: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["log", "witness", url, "--state", str(state), "--json", *more])
    return result.exit_code, json.loads(result.stdout)


def held(state: Path) -> list[int]:
    return sorted(int(p.name) for p in (state / "checkpoints").iterdir())


def test_a_witness_follows_the_log_and_raises_the_alarm_on_rollback_and_fork(
        log_url: str, sessions: Any, signer: Signer, tmp_path: Path) -> None:
    state = tmp_path / "witness"
    at5 = grow(sessions, signer, 5, 0)
    code, out = run(log_url, state)
    assert code == 0 and out["status"] == "first" and out["size"] == 5 and out["held_size"] is None
    assert (state / "verifier-key").read_text() == signer.verifier.key + "\n"  # pinned on the first run
    assert (state / "checkpoints" / f"{5:020d}").read_text() == at5 == (state / "latest").read_text()

    assert run(log_url, state)[1]["status"] == "same"
    grow(sessions, signer, 4, 5)
    code, out = run(log_url, state)
    assert code == 0 and out["status"] == "new" and (out["size"], out["held_size"]) == (9, 5)
    assert held(state) == [5, 9]

    # Rollback: the log serves an older checkpoint than the witness holds.
    with tampering(sessions) as s:
        s.execute(delete(LogCheckpoint).where(LogCheckpoint.size == 9))
    code, out = run(log_url, state)
    assert code == 6 and out["outcome"] == "rollback" and "5 leaves" in out["error"]

    # A fork at the size held: leaf 2 rewritten, the stored hashes rebuilt, signed again.
    rewrite_leaf(sessions, signer, 2)
    code, out = run(log_url, state)
    assert code == 7 and out["outcome"] == "fork" and "two roots for the tree of 9 leaves" in out["error"]

    # The same fork hidden behind growth: no consistency proof links it to what is held.
    grow(sessions, signer, 3, 9)
    code, out = run(log_url, state)
    assert code == 7 and out["outcome"] == "fork" and "not proved to extend the one of 9" in out["error"]
    assert held(state) == [5, 9]  # nothing kept from a forked log

    # A witness that starts now sees one consistent log: the rewrite shows only to those
    # who held a checkpoint before it.
    fresh = tmp_path / "late"
    assert run(log_url, fresh)[0] == 0


def test_bad_signatures_and_changed_keys_are_alarms(log_url: str, sessions: Any, signer: Signer,
                                                    tmp_path: Path) -> None:
    grow(sessions, signer, 3, 0)
    state = tmp_path / "witness"
    assert run(log_url, state, "--verifier-key", signer.verifier.key)[0] == 0
    other = Signer.generate(ORIGIN)
    code, out = run(log_url, state, "--verifier-key", other.verifier.key)
    assert code == 5 and out["outcome"] == "key_changed"
    code, out = run(log_url, tmp_path / "other", "--verifier-key", other.verifier.key)
    assert code == 5 and "the log's key is now" in out["error"]

    grow(sessions, signer, 2, 3)
    with tampering(sessions) as s:  # one character of the signature changed
        note = s.scalar(select(LogCheckpoint.note).where(LogCheckpoint.size == 5))
        assert note is not None
        flipped = note[:-10] + ("A" if note[-10] != "A" else "B") + note[-9:]
        s.execute(update(LogCheckpoint).where(LogCheckpoint.size == 5).values(note=flipped))
    code, out = run(log_url, state)
    assert code == 4 and out["outcome"] == "bad_signature"
    assert held(state) == [3]


def test_an_unreachable_log_and_a_busy_state_directory(log_url: str, sessions: Any, signer: Signer,
                                                       tmp_path: Path) -> None:
    state = tmp_path / "witness"
    code, out = run(log_url, state)  # nothing signed yet: the log answers 404
    assert code == 3 and out["outcome"] == "unreachable" and "404" in out["error"]
    code, out = run(f"http://127.0.0.1:{free_port()}/api/v1/log", state)
    assert code == 3 and "cannot reach" in out["error"]
    grow(sessions, signer, 2, 0)
    fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another run (from cron) still working
        code, out = run(log_url, state)
        assert code == 8 and out["outcome"] == "busy"
    finally:
        os.close(fd)
    assert run(log_url, state)[0] == 0
