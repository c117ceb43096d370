"""The child process that reads outside files: its limits hold, a timeout ends it and
everything it started, and its last words come back."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from docket.documents import sandbox

LIMITS = sandbox.Limits(seconds=20, memory_bytes=1024 * 1024 * 1024, cpu_seconds=10)


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on the child's import path for a module the test writes."""
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return tmp_path


def test_the_child_gets_the_bytes_and_answers(module: Path) -> None:
    (module / "echo_child.py").write_text(
        "import sys\nfrom docket.documents import sandbox\nsandbox.limit()\n"
        "sys.stdout.buffer.write(sys.stdin.buffer.read()[::-1])\n")
    assert sandbox.run("echo_child", [], b"abc", LIMITS) == b"cba"


def test_its_last_words_say_what_went_wrong(module: Path) -> None:
    (module / "failing_child.py").write_text("raise ValueError('the cross-reference table is broken')\n")
    with pytest.raises(sandbox.SandboxError, match="^the cross-reference table is broken$") as raised:
        sandbox.run("failing_child", [], b"", LIMITS)
    assert not raised.value.timeout


def test_memory_past_the_limit_ends_the_child(module: Path) -> None:
    (module / "greedy_child.py").write_text(
        "from docket.documents import sandbox\nsandbox.limit()\nhoard = bytearray(2 * 1024 ** 3)\n")
    with pytest.raises(sandbox.SandboxError, match="MemoryError"):
        sandbox.run("greedy_child", [], b"", sandbox.Limits(20, 512 * 1024 * 1024, 10))


def test_a_timeout_ends_the_child_and_what_it_started(module: Path) -> None:
    (module / "hanging_child.py").write_text(
        "import subprocess, sys, time\n"
        "helper = subprocess.Popen(['sleep', '60'])\n"
        f"open({str(module / 'helper.pid')!r}, 'w').write(str(helper.pid))\n"
        "time.sleep(60)\n")
    started = time.monotonic()
    with pytest.raises(sandbox.SandboxError, match="longer than 3 s") as raised:
        sandbox.run("hanging_child", [], b"", sandbox.Limits(3, 1024 ** 3, 10))
    assert raised.value.timeout
    assert time.monotonic() - started < 10
    helper = int((module / "helper.pid").read_text())
    for _ in range(50):
        if not _running(helper):
            break
        time.sleep(0.1)
    assert not _running(helper), "the program the child started outlived it"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's bookkeeping is left
