"""``docket-verify``: receipts from a real sealed database (both engines), checked with no
database — offline against their own checkpoint, and over HTTP against a log served on
loopback (tests/log/logserver.py). Each way a receipt can fail has its exit status; and a
receipt taken earlier, with a later checkpoint, catches every rewrite of history
tests/audit/test_log_check.py makes (issue 16, deliverable 6, through receipts)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from docket import audit
from docket.audit.log_models import LogCheckpoint, LogHash, LogLeaf
from docket.audit.models import ChainHead, Event
from docket.audit.receipts import Holder, receipts_for
from docket.audit.sealer import leaf_data, sign_checkpoint
from docket.audit.service import verify as verify_chain
from docket.log import merkle
from docket.log.note import Signer
from docket.log.verify_cli import main
from docket.store import transaction
from tests.audit.test_log_check import EVENTS, REWRITES, held, rewrite_history, seal_all
from tests.helpers import tampering
from tests.log.logserver import serving

__all__ = ["held"]  # the fixture, from test_log_check
ORIGIN = "docket.test/log"


def take_receipt(sessions: Any, settings: Any, seq: int, folder: Path, name: str = "receipt.json") -> Path:
    """Event ``seq``'s receipt as an auditor (staff: every field) gets it, saved to a file."""
    with sessions() as s:
        event = s.execute(select(Event).where(Event.seq == seq)).scalar_one()
        found = receipts_for(s, events=[event], holder=Holder.staff, settings=settings)
    assert len(found.receipts) == 1, found
    path = folder / name
    path.write_text(json.dumps(found.as_json()))
    return path


def run(capsys: Any, *args: str) -> tuple[int, dict[str, Any]]:
    code = main([*map(str, args), "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def log_settings(settings: Any, held: Any, tmp_path: Path) -> Any:
    """Settings whose log key is the held log's signer (the receipts name its verifier key)."""
    signer, _, _ = held
    key = tmp_path / "log.key"
    key.write_text(signer.key + "\n")
    return settings.model_copy(update={"log_key_file": str(key)})


def test_a_receipt_verifies_offline_against_its_own_checkpoint(sessions: Any, held: Any, log_settings: Any,
                                                               tmp_path: Path, capsys: Any) -> None:
    signer, checkpoint, _ = held
    path = take_receipt(sessions, log_settings, 5, tmp_path)
    receipt = json.loads(path.read_text())["receipts"][0]
    assert receipt["leaf_index"] == 4 and receipt["inclusion"]["size"] == EVENTS
    assert receipt["verifier_key"] == signer.verifier.key and receipt["origin"] == ORIGIN
    code, report = run(capsys, path, "--key", signer.verifier.key)
    assert code == 0, report
    [entry] = report["receipts"]
    assert entry["seq"] == 5 and entry["size"] == EVENTS and report["warnings"] == []
    assert entry["disclosed"]["payload.i"] == 4 and entry["disclosed"]["subject"] == "thing:4"
    # The key from a file; then from the receipt itself, which proves less: said so.
    (tmp_path / "vkey").write_text(signer.verifier.key + "\n")
    assert run(capsys, path, "--key", tmp_path / "vkey")[0] == 0
    code, report = run(capsys, path)
    assert code == 0 and "taken from the receipt" in report["warnings"][0]


def test_the_console_script_runs_without_docket_beyond_docket_log(sessions: Any, held: Any, log_settings: Any,
                                                                   tmp_path: Path) -> None:
    """In a fresh interpreter that refuses to import docket's database side: exit 0, readable."""
    path = take_receipt(sessions, log_settings, 2, tmp_path)
    guard = ("import sys\n"
             "class Deny:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        bad = name.startswith(('sqlalchemy', 'docket.audit', 'docket.store', 'fastapi', 'orjson'))\n"
             "        if bad: raise ImportError('docket-verify must not import ' + name)\n"
             "sys.meta_path.insert(0, Deny())\n"
             "from docket.log.verify_cli import main\n"
             "raise SystemExit(main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", guard, str(path), "--key", held[0].verifier.key],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "receipt 1 (leaf 1): ok" in done.stdout and "thing:1" in done.stdout


def _edit(receipt: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    change(receipt)
    return receipt


@pytest.mark.parametrize("change, code, problem", [
    (lambda r: r["disclosed"]["payload.i"].update(value=5), 3, "forged: the field 'payload.i'"),
    (lambda r: r["disclosed"].update({"payload.note": {"value": "added", "salt": "00" * 32}}), 3, "forged"),
    (lambda r: r.update(leaf_data=r["leaf_data"].replace('"seq":5', '"seq":6')), 3, "forged"),
    (lambda r: r.update(leaf_index=5), 3, "forged: leaf 5 seals event 6"),
    (lambda r: r["inclusion"].update(hashes=r["inclusion"]["hashes"][1:]), 4, "not included"),
    (lambda r: r["inclusion"].update(hashes=list(reversed(r["inclusion"]["hashes"]))), 4, "not included"),
    (lambda r: r.update(checkpoint=r["checkpoint"].replace(f"\n{EVENTS}\n", "\n11\n")), 5, "bad signature"),
    (lambda r: r.update(format="docket-receipt/0"), 1, "malformed"),
    (lambda r: r.update(inclusion=None), 1, "malformed"),
], ids=["value", "added-field", "leaf-data", "index", "short-proof", "reordered-proof", "checkpoint-edited",
        "format", "proof-dropped"])
def test_each_forgery_has_its_exit_status(sessions: Any, held: Any, log_settings: Any, tmp_path: Path,
                                          capsys: Any, change: Any, code: int, problem: str) -> None:
    path = take_receipt(sessions, log_settings, 5, tmp_path)
    receipt = json.loads(path.read_text())["receipts"][0]
    path.write_text(json.dumps(_edit(receipt, change)))
    got, report = run(capsys, path, "--key", held[0].verifier.key)
    assert got == code, report
    assert report["receipts"][0]["problem"].startswith(problem), report


def test_a_checkpoint_signed_by_another_key_is_refused(sessions: Any, held: Any, log_settings: Any,
                                                       tmp_path: Path, capsys: Any) -> None:
    path = take_receipt(sessions, log_settings, 5, tmp_path)
    impostor = Signer.generate(ORIGIN)  # the same log's name, another key
    code, report = run(capsys, path, "--key", impostor.verifier.key)
    assert code == 5 and "bad signature" in report["receipts"][0]["problem"]
    elsewhere = Signer.generate("other.example/log")
    assert run(capsys, path, "--key", elsewhere.verifier.key)[0] == 5
    # The receipt's own key swapped for the impostor's, the checkpoint left: still refused.
    receipt = json.loads(path.read_text())["receipts"][0]
    path.write_text(json.dumps({**receipt, "verifier_key": impostor.verifier.key}))
    assert run(capsys, path)[0] == 5


def test_unreadable_input_and_usage(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    assert run(capsys, tmp_path / "bad.json")[0] == 1
    assert run(capsys, tmp_path / "missing.json")[0] == 1
    (tmp_path / "empty.json").write_text('{"receipts": []}')
    assert run(capsys, tmp_path / "empty.json")[0] == 1
    with pytest.raises(SystemExit) as usage:
        main([])
    assert usage.value.code == 2


def test_a_receipt_without_a_checkpoint_is_completed_from_the_log(sessions: Any, settings: Any, tmp_path: Path,
                                                                  capsys: Any) -> None:
    """Sealed but not yet signed: the receipt has no checkpoint; docket-verify asks the log
    (the receipt's log_url) for the latest checkpoint and the inclusion proof at its size."""
    signer = Signer.generate(ORIGIN)
    (tmp_path / "log.key").write_text(signer.key)
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i})
                                             for i in range(7)])
    seal_all(sessions)
    with serving(sessions) as (url, calls):
        live = settings.model_copy(update={"log_key_file": str(tmp_path / "log.key"),
                                           "base_url": url.removesuffix("/api/v1/log")})
        path = take_receipt(sessions, live, 3, tmp_path)
        receipt = json.loads(path.read_text())["receipts"][0]
        assert receipt["checkpoint"] is None and receipt["inclusion"] is None and receipt["log_url"] == url
        code, report = run(capsys, path, "--key", signer.verifier.key)
        assert code == 4 and "the log has none signed" in report["receipts"][0]["problem"]  # not yet
        with transaction(sessions) as s:
            sign_checkpoint(session=s, signer=signer)
        calls.clear()
        code, report = run(capsys, path, "--key", signer.verifier.key)
        assert code == 0, report
        assert report["receipts"][0]["size"] == 7 and "no checkpoint" in report["receipts"][0]["notes"][0]
        assert calls == ["/api/v1/log/checkpoint", "/api/v1/log/proofs/inclusion"]
    # The log gone: unreachable, and said so.
    code, report = run(capsys, path, "--key", signer.verifier.key)
    assert code == 7 and report["receipts"][0]["problem"].startswith("unreachable")


def test_a_later_checkpoint_by_url_or_file_is_checked_for_consistency(
        sessions: Any, held: Any, log_settings: Any, tmp_path: Path, capsys: Any) -> None:
    signer, _, first = held
    path = take_receipt(sessions, log_settings, 5, tmp_path)
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[audit.NewEvent("test", "thing:done", f"later:{i}", {"i": i})
                                             for i in range(9)])
    seal_all(sessions)
    with transaction(sessions) as s:
        later = sign_checkpoint(session=s, signer=signer).note
    with serving(sessions) as (url, calls):
        code, report = run(capsys, path, "--key", signer.verifier.key, "--checkpoint", f"{url}/checkpoint",
                           "--log", url)
        assert code == 0, report
        assert report["receipts"][0]["later"] == EVENTS + 9
        assert calls == ["/api/v1/log/checkpoint", "/api/v1/log/proofs/consistency"]
        (tmp_path / "later.txt").write_text(later)
        assert run(capsys, path, "--key", signer.verifier.key, "--checkpoint", tmp_path / "later.txt",
                   "--log", url)[0] == 0
        # The same checkpoint as the receipt's: nothing to ask.
        (tmp_path / "same.txt").write_text(first)
        assert run(capsys, path, "--key", signer.verifier.key, "--checkpoint", tmp_path / "same.txt")[0] == 0
    # A later checkpoint and no log to ask for the proof.
    code, report = run(capsys, path, "--key", signer.verifier.key, "--checkpoint", tmp_path / "later.txt",
                       "--log", url)
    assert code == 7


# ---------------------------------------------------------------- tamper evidence through receipts


def _later(sessions: Any, signer: Signer) -> str:
    """What the rewriter does last: sign the rewritten log with the log's own key."""
    with transaction(sessions) as s:
        return sign_checkpoint(session=s, signer=signer).note


@pytest.mark.parametrize("name", list(REWRITES))
def test_a_receipt_and_a_later_checkpoint_catch_a_rewritten_history(
        sessions: Any, held: Any, log_settings: Any, tmp_path: Path, capsys: Any, name: str) -> None:
    """The receipt of event 5 taken at the checkpoint of 12; then history rewritten (the
    chain rebuilt, the log sealed again and signed with the log's own key): the log's new
    latest checkpoint does not extend the receipt's."""
    signer, _, _ = held
    path = take_receipt(sessions, log_settings, 5, tmp_path)
    rewrite_history(sessions, REWRITES[name])
    _later(sessions, signer)
    with serving(sessions) as (url, _):
        code, report = run(capsys, path, "--key", signer.verifier.key, "--checkpoint", f"{url}/checkpoint",
                           "--log", url)
    assert code == 6, report
    assert report["receipts"][0]["problem"].startswith("inconsistent"), report


def test_a_receipt_catches_a_log_cut_short_with_its_head_moved_back(
        sessions: Any, held: Any, log_settings: Any, tmp_path: Path, capsys: Any) -> None:
    signer, _, _ = held
    path = take_receipt(sessions, log_settings, 5, tmp_path)
    with tampering(sessions) as s:
        last = s.execute(select(Event.hash).where(Event.seq == EVENTS - 3)).scalar_one()
        s.execute(delete(Event).where(Event.seq > EVENTS - 3))
        s.execute(update(ChainHead).where(ChainHead.id == 1).values(seq=EVENTS - 3, hash=last))
        for table in (LogCheckpoint, LogHash, LogLeaf):
            s.execute(delete(table))
    seal_all(sessions)
    _later(sessions, signer)
    with sessions() as s:
        assert verify_chain(session=s).ok
    with serving(sessions) as (url, _):
        code, report = run(capsys, path, "--key", signer.verifier.key, "--checkpoint", f"{url}/checkpoint",
                           "--log", url)
    assert code == 6 and "cut back" in report["receipts"][0]["problem"], report


def test_an_edited_field_is_caught_with_or_without_the_hashes_recomputed(
        sessions: Any, held: Any, log_settings: Any, tmp_path: Path, capsys: Any) -> None:
    """Event 5's payload edited in place, the log left alone: the receipt taken before
    still verifies (the log proves what was recorded) and one taken after does not; with
    the leaf hash and every later stored hash recomputed and the tree signed again, the
    receipt taken before and the new checkpoint disagree."""
    signer, _, _ = held
    before = take_receipt(sessions, log_settings, 5, tmp_path, "before.json")
    with tampering(sessions) as s:
        s.execute(update(Event).where(Event.seq == 5).values(payload={"i": 99}))
    after = take_receipt(sessions, log_settings, 5, tmp_path, "after.json")
    assert run(capsys, before, "--key", signer.verifier.key)[0] == 0
    code, report = run(capsys, after, "--key", signer.verifier.key)
    assert code == 4 and "not included" in report["receipts"][0]["problem"]
    # Now the rewriter recomputes the log from the edited events, keeping every nonce.
    with tampering(sessions) as s:
        leaves = s.execute(select(LogLeaf).order_by(LogLeaf.idx)).scalars().all()
        events = {e.seq: e for e in s.execute(select(Event)).scalars()}
        hashes = [merkle.leaf_hash(leaf_data(events[x.seq], x.nonce)) for x in leaves]
        for x, digest in zip(leaves, hashes, strict=True):
            x.hash = digest
        s.execute(delete(LogHash))
        s.execute(delete(LogCheckpoint))
        s.flush()
        stored = merkle.append_leaves(0, hashes, lambda _: [])
        s.add_all([LogHash(idx=i, hash=h) for i, h in enumerate(stored)])
    _later(sessions, signer)
    rewritten = take_receipt(sessions, log_settings, 5, tmp_path, "rewritten.json")
    assert run(capsys, rewritten, "--key", signer.verifier.key)[0] == 0  # the new log agrees with itself
    with serving(sessions) as (url, _):
        code, report = run(capsys, before, "--key", signer.verifier.key, "--checkpoint", f"{url}/checkpoint",
                           "--log", url)
    assert code == 6, report  # a fork: two roots for the same size


def test_a_receipt_without_a_checkpoint_catches_a_rewritten_log(
        sessions: Any, settings: Any, tmp_path: Path, capsys: Any) -> None:
    """Taken after sealing, before any checkpoint; history rewritten and signed: the leaf is
    not in the only tree the log now signs."""
    signer = Signer.generate(ORIGIN)
    (tmp_path / "log.key").write_text(signer.key)
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i})
                                             for i in range(EVENTS)])
    seal_all(sessions)
    with serving(sessions) as (url, _):
        live = settings.model_copy(update={"log_key_file": str(tmp_path / "log.key"),
                                           "base_url": url.removesuffix("/api/v1/log")})
        path = take_receipt(sessions, live, 5, tmp_path)
        rewrite_history(sessions, REWRITES["a field edited"])
        _later(sessions, signer)
        code, report = run(capsys, path, "--key", signer.verifier.key)
    assert code == 4 and "not included" in report["receipts"][0]["problem"], report
