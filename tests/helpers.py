"""Starting real ``docket`` processes and servers for end-to-end tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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
    # Read the output as it comes: a server that logs more than a pipe holds (64 KiB)
    # would otherwise block on its next log line.
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                reader.join(timeout=5)
                raise RuntimeError(f"docket serve exited: {''.join(lines)}")
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
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=15)
        out.append("".join(lines))


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` (its lifespan included) with uvicorn on a free loopback port, in a
    thread of this process, until the block ends; yield its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="docket-serving")
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on {url} did not start")
            time.sleep(0.01)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
