"""``docket serve`` on a port of its own: the banner and the links name that port, and
Ctrl-C stops the server and its worker cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from docket.cli import listening_url, served_settings
from docket.settings import Settings
from tests.helpers import docket_command, free_port

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}


def _workers_of(folder: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and b"\0worker\0--parent\0" in (entry / "cmdline").read_bytes()
                    and (entry / "cwd").resolve() == folder.resolve()):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _until(condition, seconds: float = 240) -> None:  # a generous bound: a loaded machine
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "it did not happen"
        time.sleep(0.1)


def test_ctrl_c_stops_serve_and_its_worker_cleanly_and_links_name_the_port(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(docket_command("serve", "--port", str(port), "--demo"), env=_env(),
                            cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out: list[str] = []
    errors: list[str] = []
    readers = [threading.Thread(target=lambda: out.extend(proc.stdout or ()), daemon=True),
               threading.Thread(target=lambda: errors.extend(proc.stderr or ()), daemon=True)]
    for reader in readers:
        reader.start()
    try:
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        _until(up)
        _until(lambda: any("docket worker started" in line for line in out))
        assert len(_workers_of(tmp_path)) == 1
        # What it writes from here on (the demo's inbox is read meanwhile, and a document
        # that fails is logged with its trace: not this test's subject).
        seen = len(out), len(errors)
        proc.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends to serve
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for reader in readers:
            reader.join(timeout=10)
    printed, logged = "".join(out), "".join(errors)
    assert code == 0, logged
    stopping = "".join(out[seen[0]:]) + "".join(errors[seen[1]:])
    assert "Traceback" not in stopping and "KeyboardInterrupt" not in stopping, stopping
    assert not _workers_of(tmp_path)
    assert f"docket listening on http://127.0.0.1:{port}" in printed
    assert f"curl -s http://127.0.0.1:{port}/api/v1/me" in printed  # the demo's links too
    assert ":8000" not in printed


def test_links_use_the_address_served_unless_the_base_url_is_set() -> None:
    assert served_settings(Settings(), "127.0.0.1", 8123).base_url == "http://127.0.0.1:8123"
    assert served_settings(Settings(), "0.0.0.0", 9000).base_url == "http://127.0.0.1:9000"
    assert listening_url("::", 80) == "http://[::1]:80"
    assert listening_url("fe80::1", 8080) == "http://[fe80::1]:8080"
    chosen = Settings(base_url="https://docket.example.org")
    assert served_settings(chosen, "127.0.0.1", 8123).base_url == "https://docket.example.org"


def test_the_worker_says_it_started(tmp_path: Path) -> None:
    env = {**_env(), "DOCKET_DATABASE_URL": f"sqlite:///{tmp_path}/d.db"}
    proc = subprocess.Popen(docket_command("worker"), env=env, cwd=str(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith(f"docket worker started (process {proc.pid})")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
