"""Every report states the checkpoint of the log it was computed over, and its figures are
those of the log at exactly that size, also while others write (docket.transparency.checkpoints);
on both engines."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from docket.audit.models import Event
from docket.cli import app as cli
from docket.log.checkpoint import open_checkpoint
from docket.log.note import Signer
from docket.settings import get_settings
from docket.store import transaction
from tests.transparency.test_replay import PERIOD, figures, report

ORIGIN = "docket.test/log"


@pytest.fixture
def signer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Signer]:
    """The log's signing key in DOCKET_LOG_KEY_FILE."""
    key = Signer.generate(ORIGIN)
    path = tmp_path / "log.key"
    path.write_text(key.key + "\n")
    monkeypatch.setenv("DOCKET_LOG_KEY_FILE", str(path))
    get_settings.cache_clear()
    yield key
    monkeypatch.delenv("DOCKET_LOG_KEY_FILE")
    get_settings.cache_clear()


def events(sessions: Any) -> int:
    with transaction(sessions) as s:
        return int(s.execute(select(func.count()).select_from(Event)).scalar_one())


def test_every_format_states_the_signed_checkpoint(signer: Signer, client: Any, sessions: Any, kz_ministry: Any,
                                                   send: Any, tmp_path: Path) -> None:
    # (The key is configured before the application is built: ``signer`` comes first.)
    send(kz_ministry)
    r = client.get("/api/v1/transparency/report", params={"period": "2026-H1"})
    assert r.status_code == 200, r.text
    log = r.json()["log"]
    # Every event is in the tree the report names but the period's publication, recorded
    # after its figures were computed (docket.transparency.snapshots); the log signed a
    # checkpoint at that size.
    size = events(sessions) - 1
    assert log["size"] == size and log["signed"] is True
    checkpoint = open_checkpoint(log["checkpoint"], signer.verifier)
    assert checkpoint.size == size and log["root"] in log["checkpoint"]
    page = client.get("/transparency", params={"period": "2026-H1"}).text
    assert f"tree size <strong>{size}</strong>" in page and log["checkpoint"] in page
    assert f"docket report --at {size}" in page
    # The same figures from the log alone.
    again = CliRunner().invoke(cli, ["report", "--period", "2026-H1", "--at", str(size), "--json"])
    assert again.exit_code == 0, again.output
    assert figures(json.loads(again.stdout)) == figures(r.json())
    # CSV: beside the figures, the log's size and root, and the signed checkpoint (the CLI
    # computes over the whole log: the publication's event is in it).
    size += 1
    out = CliRunner().invoke(cli, ["report", *PERIOD, "--format", "csv", "--out", str(tmp_path / "csv"), "--json"])
    assert out.exit_code == 0, out.output
    csv_log = (tmp_path / "csv" / "log.csv").read_text().splitlines()
    assert csv_log[0] == "figure,value" and csv_log[1] == f"tree_size,{size}"
    assert open_checkpoint((tmp_path / "csv" / "log-checkpoint.txt").read_text(), signer.verifier).size == size
    # An export: a file beside the receiver's files.
    art15 = CliRunner().invoke(cli, ["export", "art15", *PERIOD, "--out", str(tmp_path / "art15"), "--json"])
    assert art15.exit_code == 0, art15.output
    beside = json.loads((tmp_path / "art15" / "log-checkpoint.json").read_text())["log"]
    assert beside["size"] == size and open_checkpoint(beside["checkpoint"], signer.verifier).size == size


def test_without_a_key_the_report_states_the_unsigned_tree(client: Any, kz_ministry: Any, send: Any,
                                                          sessions: Any) -> None:
    send(kz_ministry)
    log = client.get("/api/v1/transparency/report", params={"period": "2026-H1"}).json()["log"]
    # Every event but the period's publication, recorded after its figures were computed.
    assert log["size"] == events(sessions) - 1 and log["signed"] is False and log["checkpoint"] is None
    assert "No checkpoint was signed" in client.get("/transparency", params={"period": "2026-H1"}).text


def test_the_figures_are_the_logs_at_its_size_while_others_write(client: Any, kz_ministry: Any,
                                                                  send: Any) -> None:
    # Requests arrive all the while reports are made: each report's figures must be those of
    # the log at the size it states, not of a later state of the tables.
    stop, sent, failed = threading.Event(), threading.Condition(), []
    count = [0]

    def keep_sending() -> None:
        try:
            while not stop.is_set():
                send(kz_ministry)
                with sent:
                    count[0] += 1
                    sent.notify_all()
        except BaseException as exc:  # seen by the test, not lost in the thread
            failed.append(exc)
            with sent:
                sent.notify_all()

    writer = threading.Thread(target=keep_sending)
    writer.start()
    made = []
    try:
        for _ in range(4):
            with sent:  # one more request at least since the last report (the log grew)
                target = count[0] + 1
                sent.wait_for(lambda target=target: count[0] >= target or bool(failed))  # type: ignore[misc]
            made.append(report())
    finally:
        stop.set()
        writer.join()
    assert not failed, failed
    assert len({m["log"]["size"] for m in made}) == 4
    for one in made:
        assert figures(report("--at", str(one["log"]["size"]))) == figures(one)
