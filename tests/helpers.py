"""Starting real ``docket`` processes for end-to-end tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def docket_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from docket.cli import main; main()", *args]


@contextmanager
def running_server(*args: str, env: dict[str, str], cwd: str, timeout: float = 60,
                   port: int | None = None) -> Iterator[tuple[str, list[str]]]:
    """Run ``docket serve`` until the block ends; yield its base URL and (later) its output."""
    port = port or free_port()
    out: list[str] = []
    proc = subprocess.Popen(
        docket_command("serve", "--port", str(port), *args),
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"docket serve exited: {proc.stdout.read() if proc.stdout else ''}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("docket serve did not come up")
            time.sleep(0.1)
        yield base, out
    finally:
        proc.terminate()
        try:
            stdout, _ = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, _ = proc.communicate()
        out.append(stdout or "")
