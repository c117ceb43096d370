"""Crash safety of intake: ``docket serve`` and its outbox worker killed with SIGKILL again
and again while clients submit requests with idempotency keys. Afterwards every 201 a
client saw is stored with its items and its ``request:received`` event, every key
replays the same answer, nothing was stored twice, and ``docket audit verify`` passes."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from docket.audit.models import Event
from docket.intake.models import Item, Request
from tests.conftest import SECRET
from tests.helpers import docket_command, free_port

pytestmark = pytest.mark.slow

KILLS = 3
CLIENTS = 6
# 201s each life of the server must have given before it is killed (so that every kill
# lands in the middle of intake), and the most it may give (which bounds the test).
BEFORE_KILL, LIFE = 2 * CLIENTS, 60
TIMEOUT = 90  # seconds for anything to happen on a loaded machine; never reached when well


@dataclass
class Call:
    """One submission: its key and body, and the 201's body once a client saw one."""

    key: str
    body: dict[str, Any]
    answer: dict[str, Any] | None = None


class Server:
    """``docket serve`` on a fixed port, started and killed again and again."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd, self.port = env, cwd, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        with (self.cwd / f"serve-{self.starts}.log").open("wb") as log:
            self.proc = subprocess.Popen(docket_command("serve", "--port", str(self.port)),
                                         env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT)
        self.starts += 1
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert self.proc.poll() is None, f"docket serve exited: {self.log()}"
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "docket serve did not come up"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the server and its outbox worker, and wait until neither is left."""
        assert self.proc is not None
        workers = _children(self.proc.pid)
        self.proc.kill()
        for pid in workers:
            _kill(pid)
        self.proc.wait(TIMEOUT)
        # A worker it was starting at that moment, and anything it had not exited yet.
        deadline = time.monotonic() + TIMEOUT
        while left := [pid for pid in workers + _workers_of(self.proc.pid) if _alive(pid)]:
            for pid in left:
                _kill(pid)
            assert time.monotonic() < deadline, f"processes left behind: {left}"
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server as an operator does (it stops its worker)."""
        if self.proc is not None and self.proc.poll() is None:
            pid = self.proc.pid
            self.proc.terminate()
            try:
                self.proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
            deadline = time.monotonic() + TIMEOUT
            while [p for p in _workers_of(pid) if _alive(p)] and time.monotonic() < deadline:
                time.sleep(0.1)
            for p in _workers_of(pid):
                _kill(p)

    def log(self) -> str:
        return (self.cwd / f"serve-{self.starts - 1}.log").read_text(errors="replace")


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command's name: state, parent, ... ([] if gone)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _children(pid: int) -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _stat(entry.name)[1:2] == [str(pid)]]


def _workers_of(pid: int) -> list[int]:
    """The ``docket worker --parent PID`` processes of server ``pid`` (Linux /proc)."""
    marker = f"\0worker\0--parent\0{pid}\0".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    # A zombie has exited: only its parent has not read its status yet.
    return _stat(pid)[:1] not in ([], ["Z"])


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


class Clients:
    """Threads that submit requests with fresh keys until stopped. A call that got no
    answer (the server died under it) is kept as unknown and its thread waits for the
    server to be up again."""

    def __init__(self, server: Server, token: str) -> None:
        self.server, self.token = server, token
        self.up, self.stopping = threading.Event(), threading.Event()
        self.lock = threading.Lock()
        self.answered: list[Call] = []
        self.unknown: list[Call] = []
        self.refused: list[str] = []  # anything else: none is expected
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                        for n in range(CLIENTS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.up.set()
        for thread in self.threads:
            thread.join(TIMEOUT)

    def count(self) -> int:
        with self.lock:
            return len(self.answered)

    def post(self, http: httpx.Client, call: Call) -> httpx.Response:
        return http.post(f"{self.server.base}/api/v1/requests", json=call.body,
                         headers={"Authorization": f"Bearer {self.token}",
                                  "Idempotency-Key": call.key})

    def _run(self, n: int) -> None:
        with httpx.Client(timeout=TIMEOUT) as http:
            for seq in itertools.count():
                self.up.wait()
                if self.stopping.is_set():
                    return
                call = Call(uuid.uuid4().hex, body(f"{n}-{seq}"))
                try:
                    response = self.post(http, call)
                except httpx.TransportError:
                    response = None
                with self.lock:
                    if response is not None and response.status_code == 201:
                        call.answer = response.json()
                        self.answered.append(call)
                    elif response is None or response.status_code >= 500:
                        self.unknown.append(call)
                    else:
                        self.refused.append(f"{response.status_code} {response.text[:300]}")
                if response is None:
                    time.sleep(0.05)  # the server is down: wait until the main thread sees it


def body(tag: str) -> dict[str, Any]:
    return {"jurisdiction": "KZ", "reason": "hate_speech", "language": "ru",
            "reference": f"MISD-2026/{tag}",
            "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
            "explanation": "The post calls for violence against an ethnic group.",
            "items": [{"url": f"https://social.example/@crash/{tag}-{k}"} for k in range(2)]}


@pytest.fixture
def server_env(database_url, tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(DOCKET_DATABASE_URL=database_url, DOCKET_SECRET_KEY=SECRET,
               DOCKET_RATE_LIMITS="*=1000000000", DOCKET_DEADLINE_CHECK_SECONDS="0",
               DOCKET_MAIL_DIR=str(tmp_path / "mail"), DOCKET_OUTBOX_POLL_SECONDS="0.2",
               DOCKET_OUTBOX_LEASE_SECONDS="1")
    return env


def test_intake_survives_sigkill_of_the_server_and_its_worker(
    server_env, tmp_path, sessions, make_submitter
) -> None:
    kz = make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                        email="requests@misd.example.kz")
    server = Server(server_env, tmp_path)
    clients = Clients(server, kz.token)
    clients.start()
    try:
        for _ in range(KILLS):
            server.start()
            clients.up.set()
            # Killed at a random moment once intake is under way (and before too long).
            seen = clients.count()
            deadline = time.monotonic() + TIMEOUT
            while clients.count() < seen + BEFORE_KILL:
                assert time.monotonic() < deadline, f"no 201s from this server: {server.log()}"
                time.sleep(0.01)
            wait_until = time.monotonic() + random.uniform(0, 0.5)
            while time.monotonic() < wait_until and clients.count() < seen + LIFE:
                time.sleep(0.005)
            clients.up.clear()  # threads whose call fails now wait for the next start
            server.kill()
        server.start()
        clients.up.set()
        seen, deadline = clients.count(), time.monotonic() + TIMEOUT
        while clients.count() < seen + BEFORE_KILL:
            assert time.monotonic() < deadline, f"no 201s after the last start: {server.log()}"
            time.sleep(0.01)
        clients.stop()
        assert clients.refused == []
        with httpx.Client(timeout=TIMEOUT) as http:
            # Every call whose outcome was unknown, again with its key: stored now, or
            # stored before the kill and answered from the key.
            for call in clients.unknown:
                again = clients.post(http, call)
                assert again.status_code == 201, again.text
                call.answer = again.json()
            calls = clients.answered + clients.unknown
            # Every key answers what it answered first.
            for call in calls:
                replay = clients.post(http, call)
                assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
                assert replay.json() == call.answer
    finally:
        clients.stop()
        server.stop()
    assert not _workers_of(server.proc.pid)  # type: ignore[union-attr]

    with sessions() as s:
        stored = {row.id: row for row in s.execute(select(Request)).scalars()}
        items: dict[int, list[int]] = {}
        for item in s.execute(select(Item).order_by(Item.id)).scalars():
            items.setdefault(item.request_id, []).append(item.id)
        events = s.execute(select(Event).where(Event.action == "request:received")).scalars()
        received = {event.subject: event.payload for event in events}
        recorded = s.execute(select(func.count()).select_from(Event)
                             .where(Event.action == "request:received")).scalar_one()
    answers = {call.answer["id"]: call.answer for call in calls if call.answer is not None}
    # Each key stored one request (no retry made a second), and each is what its 201 said,
    # with its items and one request:received event naming them.
    assert len(answers) == len(calls) and set(stored) == set(answers)
    for request_id, answer in answers.items():
        assert stored[request_id].reference == answer["reference"]
        assert items[request_id] == [item["id"] for item in answer["items"]]
        assert received[f"request:{request_id}"]["items"] == items[request_id]
    assert recorded == len(received) == len(stored)

    verify = subprocess.run(docket_command("audit", "verify", "--json"), env=server_env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert json.loads(verify.stdout)["ok"] is True
