"""Starting real ``docket`` processes and servers for end-to-end tests; lifting the audit
log's append-only triggers where a test must rewrite it."""

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
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from docket.store import transaction

# The tables migration 0015 makes append-only, and its triggers' names.
APPEND_ONLY = ("events", "log_leaves", "log_hashes", "log_checkpoints")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def docket_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from docket.cli import main; main()", *args]


# The demo builds months of history before it answers: about 30 s alone, up to 75 s seen on
# 2 cores under the whole suite's load. A readiness wait, not a performance figure
# (bench/ measures start-up).
DEMO_START_SECONDS = 180


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
def append_only_lifted(conn: Connection | Session, verbs: tuple[str, ...] = ("update", "delete")) -> Iterator[None]:
    """The append-only triggers (migration 0015) off for the rest of ``conn``'s transaction,
    as the tables' owner can turn them off, and on again before it commits: what the
    tests' cleanup needs, and what a test that plays someone rewriting history does.
    Nobody else ever sees them off (PostgreSQL's ALTER TABLE and SQLite's DDL are
    transactional). On SQLite only ``verbs``' triggers are lifted (the cleanup deletes
    only: fewer schema changes)."""
    dialect = (conn if isinstance(conn, Connection) else conn.get_bind()).dialect.name
    if dialect == "postgresql":
        for table in APPEND_ONLY:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
        yield
        for table in APPEND_ONLY:
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))
        return
    names = [f"{t}_append_only_{verb}" for t in APPEND_ONLY for verb in verbs]
    saved = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ("
                              + ", ".join(f"'{n}'" for n in names) + ") ORDER BY name")).scalars().all()
    for name in names:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    yield
    for sql in saved:
        conn.execute(text(sql))


@contextmanager
def tampering(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction with the append-only triggers off: for a test that plays somebody
    with the owner's rights rewriting the audit log or the verifiable log in the database."""
    with transaction(sessions) as session, append_only_lifted(session):
        yield session


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
