"""The command line as a person reads it: flags shown as flags, help that lists only what
exists, tables that fit the terminal."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import docket_command

pytestmark = pytest.mark.slow


def run(*args: str, columns: int = 100, tmp_path: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env["COLUMNS"] = str(columns)
    if tmp_path is not None:
        env["DOCKET_DATABASE_URL"] = f"sqlite:///{tmp_path}/d.db"
    done = subprocess.run(docket_command(*args), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("command", [("serve",), ("worker",), ("kind", "set"), ("law", "list"), ("report",)])
def test_flags_are_shown_without_a_value(command: tuple[str, ...]) -> None:
    shown = run(*command, "--help")
    assert "<bool>" not in shown
    assert "--help " in shown


def test_report_help_shows_no_subcommands() -> None:
    shown = run("report", "--help")
    assert "COMMAND" not in shown and "Commands" not in shown
    assert "--period" in shown


@pytest.mark.parametrize("columns", [80, 60, 120])
def test_law_list_fits_the_terminal_with_whole_ids(tmp_path: Path, columns: int) -> None:
    laws = json.loads(run("law", "list", "--json", tmp_path=tmp_path))["laws"]
    table = run("law", "list", columns=columns, tmp_path=tmp_path)
    assert max(len(line) for line in table.splitlines()) <= columns
    for law in laws:
        assert f" {law['id']} " in table
