"""docket's verifiable log read by a second, independent implementation: Go's
golang.org/x/mod/sumdb/note and sumdb/tlog (tests/log/goverify/main.go). Go must accept
docket's keys, signed checkpoints, inclusion and consistency proofs unchanged, refuse the
tampered ones, and docket must read Go's keys and notes.

Needs Go and the x/mod sources (Debian: ``apt-get install golang-go
golang-golang-x-mod-dev``, as .ci/run does); built offline in GOPATH mode. Skipped without
Go, except on CI (CI=true), where it fails."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from docket import audit
from docket.audit.log_models import LogLeaf
from docket.audit.models import Event
from docket.audit.sealer import hash_reader, leaf_data, seal, sign_checkpoint
from docket.log import merkle
from docket.log.checkpoint import Checkpoint, open_checkpoint
from docket.log.note import Signer, Verifier, open_note, sign
from docket.store import transaction

GOPATH = Path("/usr/share/gocode")
SOURCE = Path(__file__).parent / "goverify" / "main.go"
ORIGIN = "docket.example.org/log"


@pytest.fixture(scope="module")
def goverify(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None:
        reason = "Go is not installed (apt-get install golang-go golang-golang-x-mod-dev)"
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(reason + " (CI=true: the second implementation must run on CI)", pytrace=False)
        pytest.skip(reason)
    if not (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir():
        pytest.fail(f"Go is installed but golang.org/x/mod is not under {GOPATH} "
                    "(apt-get install golang-golang-x-mod-dev)")
    out = tmp_path_factory.mktemp("goverify")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(out), "GOPATH": str(GOPATH), "GO111MODULE": "off",
           "GOFLAGS": "", "GOCACHE": str(out / "cache"), "GOPROXY": "off", "CGO_ENABLED": "0"}
    subprocess.run([go, "build", "-o", str(out / "goverify"), str(SOURCE)], env=env, check=True,
                   capture_output=True, timeout=300)
    return out / "goverify"


def go(binary: Path, *args: str, stdin: str) -> str:
    done = subprocess.run([str(binary), *args], input=stdin, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


class Log:
    """A log in memory, as docket keeps it: leaves, stored hashes, signed checkpoints."""

    def __init__(self, size: int, signer: Signer) -> None:
        self.leaves = [merkle.leaf_hash(b'{"seq":%d,"nonce":"..."}' % i) for i in range(size)]
        self.hashes = merkle.append_leaves(0, self.leaves, self.read)
        self.signer = signer

    def read(self, indexes: Any) -> list[bytes]:
        return [self.hashes[i] for i in indexes]

    def checkpoint(self, size: int) -> str:
        return Checkpoint(self.signer.name, size, merkle.tree_hash(size, self.read)).sign(self.signer)

    def inclusion(self, index: int, size: int) -> dict[str, Any]:
        return {"index": index, "size": size, "leaf": b64(self.leaves[index]),
                "proof": [b64(h) for h in merkle.inclusion_proof(index, size, self.read)]}

    def consistency(self, old: int, new: int) -> dict[str, Any]:
        return {"old": old, "new": new,
                "proof": [b64(h) for h in merkle.consistency_proof(old, new, self.read)]}


def verdicts(binary: Path, log: Log, **request: Any) -> dict[str, list[dict[str, Any]]]:
    body = {"vkey": log.signer.verifier.key, "leaves": [b64(h) for h in log.leaves], "checkpoints": [],
            "inclusion": [], "consistency": [], **request}
    return json.loads(go(binary, "verify", stdin=json.dumps(body)))  # type: ignore[no-any-return]


def oks(results: list[dict[str, Any]]) -> list[bool]:
    return [r["ok"] for r in results]


def test_go_accepts_every_checkpoint_and_proof(goverify: Path) -> None:
    log = Log(70, Signer.generate(ORIGIN))
    sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 33, 64, 70]
    inclusion = [log.inclusion(i, size) for size in sizes for i in range(size)]
    consistency = [log.consistency(old, new) for new in sizes for old in sizes if old <= new]
    result = verdicts(goverify, log, checkpoints=[log.checkpoint(s) for s in sizes],
                      inclusion=inclusion, consistency=consistency)
    assert all(oks(result["checkpoints"])), result["checkpoints"]
    assert len(result["inclusion"]) == len(inclusion) and all(oks(result["inclusion"]))
    assert len(result["consistency"]) == len(consistency) and all(oks(result["consistency"]))


def test_go_refuses_what_docket_refuses(goverify: Path) -> None:
    signer = Signer.generate(ORIGIN)
    log = Log(21, signer)
    good = [log.checkpoint(13), log.checkpoint(21)]
    flipped = bytes([log.leaves[0][0] ^ 1]) + log.leaves[0][1:]
    stranger = Signer.generate(ORIGIN)
    checkpoints = [
        *good,
        good[1].replace("\n21\n", "\n20\n"),  # edited after signing
        Checkpoint(ORIGIN, 19, flipped).sign(signer),  # signed, but not this log's root of 19
        Checkpoint(ORIGIN, 18, merkle.tree_hash(18, log.read)).sign(stranger),  # another key
        sign(Checkpoint("other.example/log", 17, merkle.tree_hash(17, log.read)).body,
             Signer("other.example/log", signer.seed), signer),  # another origin
    ]
    inclusion = log.inclusion(5, 21)
    consistency = log.consistency(13, 21)
    bad_inclusion = [
        {**inclusion, "leaf": b64(flipped)},
        {**inclusion, "index": 6},
        {**inclusion, "proof": inclusion["proof"][:-1]},
        {**inclusion, "proof": [inclusion["proof"][1], inclusion["proof"][0], *inclusion["proof"][2:]]},
    ]
    bad_consistency = [{**consistency, "proof": consistency["proof"][1:]},
                       {**consistency, "proof": [*consistency["proof"], consistency["proof"][0]]}]
    result = verdicts(goverify, log, checkpoints=checkpoints, inclusion=[inclusion, *bad_inclusion],
                      consistency=[consistency, *bad_consistency])
    assert oks(result["checkpoints"]) == [True, True, False, False, False, False], result
    assert oks(result["inclusion"]) == [True] + [False] * len(bad_inclusion)
    assert oks(result["consistency"]) == [True] + [False] * len(bad_consistency)
    for change in bad_inclusion:  # docket's own verifier agrees
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(base64.b64decode(change["leaf"]), change["index"], 21,
                                    [base64.b64decode(h) for h in change["proof"]],
                                    merkle.tree_hash(21, log.read))


def test_docket_reads_gos_keys_and_notes(goverify: Path) -> None:
    skey, vkey = go(goverify, "keygen", ORIGIN, stdin="").splitlines()
    signer = Signer.parse(skey)
    assert signer.key == skey and signer.verifier.key == vkey
    log = Log(9, signer)  # a checkpoint docket signs with Go's key, which Go verifies
    assert oks(verdicts(goverify, log, checkpoints=[log.checkpoint(9)])["checkpoints"]) == [True]
    text = Checkpoint(ORIGIN, 9, merkle.tree_hash(9, log.read)).body
    signed_by_go = go(goverify, "sign", skey, stdin=text)
    assert signed_by_go == sign(text, signer)  # Ed25519 is deterministic: the same bytes
    assert open_checkpoint(signed_by_go, Verifier.parse(vkey)).size == 9
    assert open_note(signed_by_go, [Verifier.parse(vkey)]).text == text


def test_go_checks_a_sealed_log_from_its_leaf_data(goverify: Path, sessions: Any) -> None:
    """Events sealed in the database (both engines) and a checkpoint signed there: Go hashes
    each leaf's data itself (tlog.RecordHash), builds its own tree, and agrees with the
    checkpoint's root and with the proofs docket reads from its stored hashes."""
    signer = Signer.generate(ORIGIN)
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i, "text": "ünïcode ✓"}) for i in range(19)])
    with transaction(sessions) as s:
        seal(session=s, limit=11)
        first = sign_checkpoint(session=s, signer=signer)
    with transaction(sessions) as s:
        seal(session=s)
        second = sign_checkpoint(session=s, signer=signer)
    with sessions() as s:
        events = {e.seq: e for e in s.scalars(select(Event))}
        data = [leaf_data(events[leaf.seq], leaf.nonce) for leaf in s.scalars(select(LogLeaf).order_by(LogLeaf.idx))]
        read = hash_reader(s)
        inclusion = [{"index": i, "size": size, "leaf": b64(merkle.leaf_hash(data[i])),
                      "proof": [b64(h) for h in merkle.inclusion_proof(i, size, read)]}
                     for size in (11, 19) for i in range(size)]
        consistency = [{"old": 11, "new": 19, "proof": [b64(h) for h in merkle.consistency_proof(11, 19, read)]}]
    body = {"vkey": signer.verifier.key, "leaf_data": [b64(d) for d in data],
            "checkpoints": [first.note, second.note], "inclusion": inclusion, "consistency": consistency}
    result = json.loads(go(goverify, "verify", stdin=json.dumps(body)))
    assert oks(result["checkpoints"]) == [True, True], result["checkpoints"]
    assert all(oks(result["inclusion"])) and len(result["inclusion"]) == 30
    assert oks(result["consistency"]) == [True]
