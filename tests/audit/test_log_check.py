"""Tamper evidence with a checkpoint held outside the database (issue 16, deliverable 6,
as far as the log's core goes): on both engines, each rewrite of history below passes
``docket audit verify`` — the hash chain is rebuilt to agree — yet ``docket log verify``
with the checkpoint an outsider kept finds it. Rewrites that leave the log's tables
alone are found without any checkpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from typer.testing import CliRunner

from docket import audit, store
from docket.audit.log_check import check_log
from docket.audit.log_models import LogCheckpoint, LogHash, LogLeaf
from docket.audit.models import ChainHead, Event
from docket.audit.sealer import seal, sign_checkpoint
from docket.audit.service import GENESIS, event_hash, verify
from docket.cli import app as cli
from docket.log.checkpoint import Checkpoint
from docket.log.note import Signer
from docket.store import transaction
from tests.helpers import tampering

EVENTS = 12
Row = dict[str, Any]


@pytest.fixture
def held(sessions: Any) -> tuple[Signer, Checkpoint, str]:
    """A log of 12 events, sealed, and its checkpoint as an outsider keeps it."""
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i}) for i in range(EVENTS)])
    signer = Signer.generate("docket.test/log")
    seal_all(sessions)
    with transaction(sessions) as s:
        signed = sign_checkpoint(session=s, signer=signer)
    assert signed.checkpoint.size == EVENTS
    return signer, signed.checkpoint, signed.note


def seal_all(sessions: Any) -> None:
    while True:
        with transaction(sessions) as s:
            if seal(session=s).added == 0:
                return


def rewrite_history(sessions: Any, change: Callable[[list[Row]], list[Row]]) -> None:
    """What somebody who can write to the database does to rewrite history and hide it:
    change the events, renumber them and rebuild the hash chain and its head so that
    ``audit verify`` passes, then throw the log away and seal it again from the new
    events (new nonces, new stored hashes; the stored checkpoints go too)."""
    with tampering(sessions) as s:
        rows = [{"at": e.at, "actor": e.actor, "action": e.action, "subject": e.subject, "payload": e.payload}
                for e in s.scalars(select(Event).order_by(Event.seq))]
        rows = change(rows)
        for table in (LogCheckpoint, LogHash, LogLeaf, Event):
            s.execute(delete(table))
        prev = GENESIS
        for seq, row in enumerate(rows, start=1):
            digest = event_hash(seq=seq, prev_hash=prev, **row)
            s.execute(insert(store.table(Event)).values(seq=seq, prev_hash=prev, hash=digest, **row))
            prev = digest
        s.execute(update(ChainHead).where(ChainHead.id == 1).values(seq=len(rows), hash=prev))
    seal_all(sessions)
    with sessions() as s:
        assert verify(session=s).ok  # the chain alone sees nothing


def edited(rows: list[Row]) -> list[Row]:
    rows[4] = {**rows[4], "payload": {"i": 4, "note": "never happened"}}
    return rows


def swapped(rows: list[Row]) -> list[Row]:
    rows[3], rows[7] = rows[7], rows[3]
    return rows


def inserted(rows: list[Row]) -> list[Row]:
    return [*rows[:6], {**rows[6], "subject": "thing:secret", "payload": {"channel": "back door"}}, *rows[6:]]


def extended_after_edit(rows: list[Row]) -> list[Row]:
    """An edit hidden among enough new events that the log outgrows the checkpoint."""
    return edited(rows) + [{**rows[0], "subject": f"thing:new{i}"} for i in range(20)]


REWRITES: dict[str, Callable[[list[Row]], list[Row]]] = {
    "a field edited": edited,
    "the first event deleted": lambda rows: rows[1:],
    "a middle event deleted": lambda rows: rows[:5] + rows[6:],
    "the last event deleted": lambda rows: rows[:-1],
    "every event deleted": lambda rows: [],
    "an event inserted": inserted,
    "two events reordered": swapped,
    "an edit, then the log grown past the checkpoint": extended_after_edit,
}


@pytest.mark.parametrize("name", list(REWRITES))
def test_a_rewritten_history_is_found_by_the_held_checkpoint(sessions: Any, held: Any, name: str) -> None:
    signer, checkpoint, _ = held
    rewrite_history(sessions, REWRITES[name])
    with sessions() as s:
        assert check_log(session=s).ok  # the rewritten log agrees with itself
        result = check_log(session=s, held=[checkpoint])
    assert not result.ok
    assert "held outside" in (result.problem or "")
    assert ("cut back" if name in ("the last event deleted", "every event deleted", "the first event deleted",
                                   "a middle event deleted") else "rewritten") in (result.problem or "")


def test_a_truncated_log_with_its_head_moved_back(sessions: Any, held: Any) -> None:
    """The last events cut off, their leaves, hashes and checkpoints with them, and the
    chain's head moved back: audit verify passes; the held checkpoint says the log was cut."""
    _, checkpoint, _ = held
    with tampering(sessions) as s:
        last = s.execute(select(Event.hash).where(Event.seq == EVENTS - 3)).scalar_one()
        s.execute(delete(Event).where(Event.seq > EVENTS - 3))
        s.execute(update(ChainHead).where(ChainHead.id == 1).values(seq=EVENTS - 3, hash=last))
        for table in (LogCheckpoint, LogHash, LogLeaf):  # the log, sealed again from what is left
            s.execute(delete(table))
    seal_all(sessions)
    with sessions() as s:
        assert verify(session=s).ok and check_log(session=s).ok
        result = check_log(session=s, held=[checkpoint])
    assert not result.ok and "beyond the log's 9 leaves: the log was cut back" in (result.problem or "")


@pytest.mark.parametrize("tamper, problem", [
    (lambda s: s.execute(update(Event).where(Event.seq == 5).values(payload={"i": 99})),
     "event 5 is not the event sealed as leaf 4 (edited)"),
    (lambda s: s.execute(delete(Event).where(Event.seq == 5)),
     "event 5, sealed as leaf 4, is missing (deleted)"),
    (lambda s: s.execute(delete(LogLeaf).where(LogLeaf.idx == 4)),
     "leaf 4 is missing or out of order"),
    (lambda s: s.execute(update(LogHash).where(LogHash.idx == 10).values(hash=b"\x01" * 32)),
     "the stored hash 10"),
    (lambda s: s.execute(update(LogCheckpoint).values(root=b"\x01" * 32)),
     "the stored checkpoint of size 12 does not match the log"),
], ids=["event-edited", "event-deleted", "leaf-deleted", "stored-hash", "stored-checkpoint"])
def test_a_rewrite_that_leaves_the_log_alone_is_found_without_a_checkpoint(
        sessions: Any, held: Any, tamper: Callable[[Any], Any], problem: str) -> None:
    with tampering(sessions) as s:
        tamper(s)
    with sessions() as s:
        result = check_log(session=s)
    assert not result.ok and problem in (result.problem or "")


def test_docket_log_verify_with_a_held_checkpoint(sessions: Any, held: Any, tmp_path: Any) -> None:
    signer, _, note = held
    kept = tmp_path / "checkpoint.txt"
    kept.write_text(note)
    runner = CliRunner()
    args = ["log", "verify", "--checkpoint", str(kept), "--verifier-key", signer.verifier.key, "--json"]
    good = runner.invoke(cli, args)
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout) == {"ok": True, "leaves": EVENTS, "checkpoints_held": 1, "problem": None}
    rewrite_history(sessions, edited)
    bad = runner.invoke(cli, args)
    assert bad.exit_code == 1 and "held outside of size 12" in json.loads(bad.stdout)["problem"]
    human = runner.invoke(cli, args[:-1])
    assert human.exit_code == 1 and "log broken" in human.output
    forged = tmp_path / "forged.txt"
    forged.write_text(note.replace(f"\n{EVENTS}\n", "\n11\n"))
    refused = runner.invoke(cli, ["log", "verify", "--checkpoint", str(forged), "--verifier-key",
                                  signer.verifier.key, "--json"])
    assert refused.exit_code == 1 and "signature" in json.loads(refused.stdout)["error"]
