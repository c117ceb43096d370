"""Report intake throughput: ``POST /api/v1/reports/batch`` against a bare durable insert.

The goal from the issue: at least 5,000 reports/s through the batch endpoint on SQLite
on a 2-core machine, with a realistic mix where 30% of reports hit content that already
has an open case; report the figure and the ratio to a bare durable insert of the same
rows. For each database engine (SQLite, PostgreSQL or both) this script:

1. makes a fresh database (a temporary directory for SQLite; a new database
   ``docket_bench_reports_<random>`` on the ``--pg-url`` server for PostgreSQL, dropped
   afterwards), runs ``docket db upgrade`` and creates a platform user and its token
   with the CLI,
2. starts ``docket serve`` (one uvicorn process on a free loopback port; rate limits
   lifted, the overdue job and the outbox worker off, log level WARNING),
3. sets up, untimed: registers content with ``POST /api/v1/content`` — half of the
   content that gets open cases, and a pool of ``--registered`` content ids that new
   reports draw from half of the time (the other half report content docket has never
   seen, which still opens a case) — then opens ``--open-cases`` cases, one report each
   through the batch endpoint, on the platform's rules (about 60%) or the law of a
   country (DE, FR, TR, KZ, IN, BR),
4. drives ``--concurrency`` clients, each posting batches of ``--batch`` reports in a
   loop, for a warm-up and then ``--seconds``. Each report: 30% name the content (and
   ground) of one of the open cases, so they join it; 70% name new content, so each
   opens a new case. Ten reasons with realistic weights, a distinct reporter id per
   report (``u-<random>``, so the limit of 20 reports a minute per reporter never
   applies), 60% verified reporters, 15% with name, e-mail and the good-faith statement
   (the DSA Art. 16 elements), a one-sentence explanation,
5. stops docket and checks the database: the rows in ``reports`` must equal the reports
   docket accepted (set-up, warm-up and measured), and the cases (items with a case key)
   the cases it said it opened,
6. starts ``bench/bare_reports_app.py`` on the same database — the same stack (FastAPI,
   uvicorn, ``docket.store.make_engine``, the per-request transaction ``docket.deps.Db``)
   with one route that takes the same batch body and inserts its rows, in one
   transaction, into a table with the same columns and indexes as ``reports`` — drives
   it the same way with the same bodies, and checks its row count,
7. prints accepted reports/s for both, the ratio docket / bare, latencies per batch,
   CPU use, and "goal >= 5,000 reports/s on SQLite: met/missed".

The rate counts accepted reports only, each batch weighted by the part of it that ran
inside the measured window (so a 1-second batch straddling an edge counts pro rata).

``--py-spy DIR`` also records a py-spy profile (raw, collapsed stacks) of the docket
server during the measured window into ``DIR/<engine>-docket.txt`` (``--py-spy-gil``:
only while holding the GIL); the profiler's sampling slows the server a little.

Figures, not assertions: the script exits 0 whether the goal is met or missed, 1 when a
run could not be made, 130 on Ctrl-C. Loopback only; every subprocess and database is
cleaned up on exit, error or Ctrl-C. Run it with the project's venv::

    .venv/bin/python bench/reports.py --engine sqlite --seconds 10
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/reports.py`` puts bench/ first on sys.path, where bench/queue.py would shadow
# the standard library's ``queue`` (which SQLAlchemy and asyncio import). Take it off.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import asyncio
import contextlib
import itertools
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import zlib
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from docket.store import make_engine

BARE_APP = Path(_BENCH_DIR) / "bare_reports_app.py"
DOCKET_MAIN = "from docket.cli import main; main()"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BATCH_PATH = "/api/v1/reports/batch"
BARE_PATH = "/bare/reports/batch"
GOAL_RATE = 5000.0  # reports/s on SQLite
MAX_BATCH = 500
WARMUP_SECONDS = 2.0
REQUEST_TIMEOUT = 120.0  # seconds; bounds how long a run can overshoot --seconds
STARTUP_TIMEOUT = 60.0
SETUP_BUDGET = 300.0  # seconds for registering content and opening the first cases
CLI_TIMEOUT = 120.0
SETUP_CONCURRENCY = 4
SAMPLE_ERRORS = 3
PLATFORM_EMAIL = "platform@bench.example"

SEED = 20240611
EXISTING_SHARE = 0.30  # reports on content that already has an open case
REGISTERED_SHARE = 0.5  # of content: registered with POST /api/v1/content beforehand
VERIFIED_SHARE = 0.6
ART16_SHARE = 0.15  # reports with name, e-mail and the good-faith statement
REASONS = {"hate_speech": 25, "bullying_harassment": 15, "fraud": 15, "defamation": 10,
           "adult_content": 10, "violence": 8, "copyright": 7, "privacy_security": 5,
           "child_safety": 3, "terrorist_content": 2}
GROUNDS: dict[str | None, int] = {None: 60, "DE": 12, "FR": 8, "TR": 6, "KZ": 5, "IN": 5,
                                  "BR": 4}
EXPLANATIONS = (
    "This post insults people for their religion and calls for them to be driven out.",
    "Someone is pretending to be me and asking my friends for money.",
    "The seller takes payment and never ships; several of us were cheated.",
    "These are my photos, posted without my consent.",
    "The video shows graphic violence and is being shared to frighten people.",
    "It repeats false claims about me that damage my reputation at work.",
)


# ----------------------------------------------------------------- the report mix


class ReportMix:
    """Reports in the benchmark's mix; the same seed gives the same reports in the same order."""

    def __init__(self, seed: int, open_cases: list[tuple[str, str | None]],
                 registered: list[str]) -> None:
        self._rng = random.Random(seed)
        self._open_cases = open_cases
        self._registered = deque(registered)
        self._new = itertools.count(1)
        self.kinds: Counter[str] = Counter()
        self._reasons, self._reason_weights = tuple(REASONS), tuple(REASONS.values())
        self._grounds, self._ground_weights = tuple(GROUNDS), tuple(GROUNDS.values())

    def ground(self) -> str | None:
        return self._rng.choices(self._grounds, weights=self._ground_weights)[0]

    def report(self, content_id: str | None = None, jurisdiction: str | None = None,
               kind: str | None = None) -> dict[str, Any]:
        """One report: on an open case (30%) or new content; or on ``content_id`` if given."""
        rng = self._rng
        if content_id is None:
            if self._open_cases and rng.random() < EXISTING_SHARE:
                content_id, jurisdiction = rng.choice(self._open_cases)
                kind = "open case"
            else:
                jurisdiction = self.ground()
                if self._registered and rng.random() < REGISTERED_SHARE:
                    content_id, kind = self._registered.popleft(), "new, registered"
                else:
                    content_id, kind = f"c-new-{next(self._new)}", "new, unregistered"
        self.kinds[kind or "set-up"] += 1
        reporter = rng.randrange(10**12)
        body: dict[str, Any] = {
            "content_id": content_id,
            "reason": rng.choices(self._reasons, weights=self._reason_weights)[0],
            "reporter_id": f"u-{reporter}",
            "reporter_verified": rng.random() < VERIFIED_SHARE,
            "explanation": rng.choice(EXPLANATIONS),
        }
        if jurisdiction:
            body["jurisdiction"] = jurisdiction
        if rng.random() < ART16_SHARE:
            body.update(reporter_name=f"Reporter {reporter}",
                        reporter_email=f"u{reporter}@mail.example", bona_fide=True)
        return body

    def batch(self, size: int) -> bytes:
        return orjson.dumps({"reports": [self.report() for _ in range(size)]})


def open_case_contents(count: int, seed: int) -> list[tuple[str, str | None]]:
    """The content (and ground) of the cases opened during set-up."""
    mix = ReportMix(seed + 1, [], [])
    return [(f"c-open-{k}", mix.ground()) for k in range(count)]


def registered_contents(open_cases: list[tuple[str, str | None]], pool: int) -> list[str]:
    """What set-up registers: every other open case's content, and the pool for new reports."""
    return [cid for k, (cid, _) in enumerate(open_cases) if k % 2 == 0] + [
        f"c-reg-{k}" for k in range(pool)]


def content_body(content_id: str) -> bytes:
    return orjson.dumps({
        "id": content_id, "url": f"https://social.example/p/{content_id}", "type": "post",
        "author_id": f"a-{zlib.crc32(content_id.encode()) % 100_000}", "language": "en",
        "text": "A post as the platform registers it, with a little text.",
    })


# ----------------------------------------------------------------- results


@dataclass
class LoadResult:
    """What one target did during one timed run."""

    target: str
    seconds: float  # the measured window
    batch: int
    accepted: float = 0.0  # accepted reports inside the window (batches pro rata)
    batches: int = 0  # batches that completed inside the window
    accepted_total: int = 0  # accepted in the whole run, warm-up included
    rejected_total: int = 0  # reports the answer rejected, whole run
    new_cases: int = 0  # accepted reports that opened a case, whole run
    joined: int = 0  # accepted reports that joined an existing case, whole run
    errors: int = 0  # batches that failed outright (not a 200), whole run
    error_kinds: Counter[str] = field(default_factory=Counter)
    error_samples: dict[str, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds per batch, in the window
    client_cpu: float | None = None
    server_cpu: float | None = None
    rows: int | None = None  # report rows in the database afterwards
    rows_expected: int | None = None
    cases: int | None = None  # case items in the database afterwards (docket only)
    cases_expected: int | None = None
    mix: dict[str, int] = field(default_factory=dict)
    log_problems: Counter[str] = field(default_factory=Counter)
    profile: str | None = None

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float | None:
        """The q-th quantile of batch latency in milliseconds (nearest rank)."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000

    def error(self, kind: str, detail: str) -> None:
        self.error_kinds[kind] += 1
        if len(self.error_samples) < SAMPLE_ERRORS and kind not in self.error_samples:
            self.error_samples[kind] = detail[:300]

    @property
    def rows_ok(self) -> bool | None:
        if self.rows is None or self.rows_expected is None:
            return None
        return self.rows == self.rows_expected and (
            self.cases is None or self.cases == self.cases_expected)

    def summary(self) -> dict[str, Any]:
        return {
            "reports_per_s": round(self.rate, 1), "accepted_in_window": round(self.accepted, 1),
            "batches_in_window": self.batches, "accepted_total": self.accepted_total,
            "rejected_total": self.rejected_total, "new_cases": self.new_cases,
            "joined_cases": self.joined, "errors": self.errors,
            "p50_ms": _round(self.percentile(0.50)), "p95_ms": _round(self.percentile(0.95)),
            "client_cpu": _round(self.client_cpu, 2), "server_cpu": _round(self.server_cpu, 2),
            "rows": self.rows, "rows_expected": self.rows_expected, "cases": self.cases,
            "cases_expected": self.cases_expected, "rows_ok": self.rows_ok, "mix": self.mix,
            "error_kinds": dict(self.error_kinds), "error_samples": self.error_samples,
            "log_problems": dict(self.log_problems), "profile": self.profile,
        }


@dataclass
class EngineResult:
    engine: str
    docket: LoadResult | None = None
    bare: LoadResult | None = None
    setup_seconds: float | None = None
    open_cases: int = 0
    registered: int = 0
    failure: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.docket is None or self.bare is None or not self.bare.rate:
            return None
        return self.docket.rate / self.bare.rate


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# ----------------------------------------------------------------- HTTP


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams, for one worker.

    It costs the load generator far less CPU per request than httpx, which matters on
    a machine with two CPUs shared with the server under test. It understands what
    uvicorn sends: a status line, headers, and a body with Content-Length or chunked;
    it reconnects after ``Connection: close`` or any error."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        parts = httpx.URL(base)
        self._host, self._port = parts.host, parts.port or 80
        self._headers = "".join(f"{k}: {v}\r\n" for k, v in {
            "Host": f"{self._host}:{self._port}", "Content-Type": "application/json",
            **headers}.items())
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                return await self._exchange(path, body)
        except BaseException:
            self.close()
            raise

    async def _exchange(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self._host, self._port,
                                                          limit=2**22)
        reader, writer = self._streams
        writer.write(f"POST {path} HTTP/1.1\r\n{self._headers}Content-Length: {len(body)}\r\n\r\n"
                     .encode() + body)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        fields = {name.strip().lower(): value.strip()
                  for name, _, value in (line.partition(":") for line in head[1:] if line)}
        if "content-length" in fields:
            payload = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append((await reader.readexactly(size + 2))[:-2])
            await reader.readuntil(b"\r\n")  # no trailers from uvicorn
            payload = b"".join(chunks)
        else:
            payload = await reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


TRANSPORT_ERRORS = (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    ValueError, IndexError)


async def register_content(base: str, token: str, ids: list[str]) -> None:
    """POST /api/v1/content for each id (a few connections at once); raises on any failure."""
    todo = deque(ids)
    failures: list[str] = []

    async def worker() -> None:
        conn = RawConnection(base, {"Authorization": f"Bearer {token}"})
        try:
            while todo and not failures:
                content_id = todo.popleft()
                status, payload = await conn.post("/api/v1/content", content_body(content_id))
                if status not in (200, 201):
                    failures.append(f"POST /api/v1/content {content_id}: HTTP {status}: "
                                    f"{payload[:300].decode(errors='replace')}")
        finally:
            conn.close()

    async with asyncio.timeout(SETUP_BUDGET), asyncio.TaskGroup() as tasks:
        for _ in range(SETUP_CONCURRENCY):
            tasks.create_task(worker())
    if failures:
        raise RuntimeError(failures[0])


async def open_cases(base: str, token: str, cases: list[tuple[str, str | None]],
                     mix: ReportMix, batch: int) -> int:
    """One report per case through the batch endpoint; returns the reports accepted."""
    conn = RawConnection(base, {"Authorization": f"Bearer {token}"})
    accepted = 0
    try:
        async with asyncio.timeout(SETUP_BUDGET):
            for start in range(0, len(cases), batch):
                chunk = cases[start:start + batch]
                body = orjson.dumps({"reports": [mix.report(cid, jur, "set-up")
                                                 for cid, jur in chunk]})
                status, payload = await conn.post(BATCH_PATH, body)
                if status != 200:
                    raise RuntimeError(f"opening cases: HTTP {status}: "
                                       f"{payload[:300].decode(errors='replace')}")
                answer = orjson.loads(payload)
                bad = [r for r in answer["results"]
                       if r["status"] != "accepted" or not r.get("new_case")]
                if bad:
                    raise RuntimeError(f"opening cases: {len(bad)} reports did not open a "
                                       f"case, e.g. {orjson.dumps(bad[0]).decode()[:300]}")
                accepted += int(answer["accepted"])
    finally:
        conn.close()
    return accepted


async def drive(base: str, path: str, headers: dict[str, str], mix: ReportMix,
                args: argparse.Namespace, target: str, pid: int,
                profile: Path | None = None) -> LoadResult:
    """``--concurrency`` clients post batches in a loop for the warm-up plus ``--seconds``."""
    result = LoadResult(target=target, seconds=args.seconds, batch=args.batch)
    start = time.perf_counter()
    window_start = start + WARMUP_SECONDS
    window_end = window_start + args.seconds

    async def worker() -> None:
        conn = RawConnection(base, headers)
        try:
            while time.perf_counter() < window_end:
                body = mix.batch(args.batch)
                began = time.perf_counter()
                try:
                    status, payload = await conn.post(path, body)
                except TRANSPORT_ERRORS as exc:
                    result.errors += 1
                    result.error(type(exc).__name__, str(exc))
                    continue
                ended = time.perf_counter()
                if status != 200:
                    result.errors += 1
                    result.error(f"HTTP {status}", payload.decode(errors="replace"))
                    continue
                answer = orjson.loads(payload)
                accepted = int(answer["accepted"])
                result.accepted_total += accepted
                for r in answer["results"]:
                    if r["status"] != "accepted":
                        result.rejected_total += 1
                        problem = r.get("problem") or {}
                        result.error(f"rejected {problem.get('status')} {problem.get('title')}",
                                     orjson.dumps(problem).decode())
                    elif r.get("new_case"):
                        result.new_cases += 1
                    elif "new_case" in r:
                        result.joined += 1
                overlap = min(ended, window_end) - max(began, window_start)
                if overlap > 0:
                    result.accepted += accepted * overlap / max(ended - began, 1e-9)
                if window_start <= ended <= window_end:
                    result.batches += 1
                    result.latencies.append(ended - began)
        finally:
            conn.close()

    async def meter() -> None:
        """Sample CPU use at the edges of the measured window; start the profiler."""
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        spy = start_py_spy(pid, profile, args) if profile else None
        try:
            t0, client0, server0 = time.perf_counter(), time.process_time(), cpu_seconds(pid)
            await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
            t1, client1, server1 = time.perf_counter(), time.process_time(), cpu_seconds(pid)
            result.client_cpu = (client1 - client0) / (t1 - t0)
            if server0 is not None and server1 is not None:
                result.server_cpu = (server1 - server0) / (t1 - t0)
        except BaseException:
            if spy is not None:
                stop(spy)
            raise
        if spy is not None:
            result.profile = await asyncio.to_thread(finish_py_spy, spy, profile)

    deadline = WARMUP_SECONDS + args.seconds + REQUEST_TIMEOUT + 30
    async with asyncio.timeout(deadline), asyncio.TaskGroup() as tasks:
        tasks.create_task(meter())
        for _ in range(args.concurrency):
            tasks.create_task(worker())
    result.mix = dict(mix.kinds)
    return result


# ----------------------------------------------------------------- profiler


def start_py_spy(pid: int, out: Path | None, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    spy = Path(sys.executable).with_name("py-spy")
    argv = [str(spy if spy.exists() else "py-spy"), "record", "-p", str(pid),
            "-d", str(max(1, round(args.seconds))), "-r", "100", "-f", "raw", "-o", str(out)]
    if args.py_spy_gil:
        argv.append("--gil")
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def finish_py_spy(spy: subprocess.Popen[bytes], out: Path | None) -> str:
    try:
        _, err = spy.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        stop(spy)
        return "py-spy did not finish"
    if spy.returncode != 0:
        return f"py-spy failed ({spy.returncode}): {err.decode(errors='replace')[-300:]}"
    return str(out)


# ----------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(database_url: str) -> dict[str, str]:
    """The environment for docket's CLI and servers: no inherited DOCKET_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update({
        "DOCKET_DATABASE_URL": database_url,
        "DOCKET_SECRET_KEY": secrets.token_urlsafe(48),
        "DOCKET_RATE_LIMITS": "*=1000000000",
        "DOCKET_PLATFORM_RATE_LIMIT": "1000000000",
        "DOCKET_DEADLINE_CHECK_SECONDS": "0",
        "DOCKET_RUN_WORKER": "false",
        "DOCKET_LOG_LEVEL": "WARNING",
        "BENCH_DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    })
    return env


def docket_cli(env: dict[str, str], cwd: Path, *args: str) -> dict[str, Any]:
    """Run ``docket ARGS --json`` and return the JSON it prints."""
    argv = [sys.executable, "-c", DOCKET_MAIN, *args, "--json"]
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=CLI_TIMEOUT)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"docket {' '.join(args)} failed ({done.returncode}): "
                           f"{(done.stdout + done.stderr).strip()[-800:]}")
    data: dict[str, Any] = orjson.loads(lines[-1])
    return data


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None where unavailable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def server(argv: list[str], env: dict[str, str], cwd: Path, port: int,
           log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server until the block ends; wait for its /healthz first."""
    with log.open("wb") as out:
        # A new session: Ctrl-C reaches only this script, which then stops the server itself.
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        url = f"http://127.0.0.1:{port}/healthz"
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode} before it was ready:"
                                   f"\n{tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {STARTUP_TIMEOUT:.0f} s:\n{tail(log)}")
            time.sleep(0.1)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGINT (uvicorn's graceful shutdown), then SIGTERM, then SIGKILL."""
    for sig, grace in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


_LOG_RECORD = re.compile(r"^(?:ERROR|CRITICAL|WARNING):|\s(?:ERROR|CRITICAL|WARNING)\s")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[ T][\d:.,]+\s*")
_EXCEPTION = re.compile(r"^[\s|+]*((?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Failure|"
                        r"Timeout|Violation|Exit|Interrupt|Warning)\b(?::.*)?)$")


def log_problems(log: Path) -> Counter[str]:
    """Warnings and errors a server logged, and the exceptions in its tracebacks."""
    found: Counter[str] = Counter()
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return found
    for line in lines:
        if _LOG_RECORD.search(line):
            found[f"log: {_TIMESTAMP.sub('', line.strip())[:200]}"] += 1
        elif match := _EXCEPTION.match(line):
            found[f"exception: {match.group(1)[:200]}"] += 1
    return found


# ----------------------------------------------------------------- databases


@contextlib.contextmanager
def fresh_database(engine: str, pg_url: str, workdir: Path) -> Iterator[str]:
    """A new, empty database for one engine, removed when the block ends."""
    if engine == "sqlite":
        yield f"sqlite:///{workdir / 'docket.db'}"
        return  # the file goes with workdir
    name = f"docket_bench_reports_{secrets.token_hex(6)}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def count(database_url: str, sql: str) -> int | None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    except Exception:
        return None
    finally:
        engine.dispose()


# ----------------------------------------------------------------- one engine


def run_engine(engine: str, args: argparse.Namespace) -> EngineResult:
    result = EngineResult(engine)
    workdir = Path(tempfile.mkdtemp(prefix=f"docket-bench-reports-{engine}-"))
    cases = open_case_contents(args.open_cases, SEED)
    registered = registered_contents(cases, args.registered)
    pool = registered[len(registered) - args.registered:]  # those not of an open case
    try:
        with fresh_database(engine, args.pg_url, workdir) as url:
            env = base_env(url)
            print(f"[{engine}] preparing a fresh database", flush=True)
            docket_cli(env, workdir, "db", "upgrade")
            docket_cli(env, workdir, "user", "add", "--email", PLATFORM_EMAIL,
                       "--role", "platform")
            token = docket_cli(env, workdir, "token", "create", "--user", PLATFORM_EMAIL)["token"]
            headers = {"Authorization": f"Bearer {token}"}

            port = free_port()
            base = f"http://127.0.0.1:{port}"
            argv = [sys.executable, "-c", DOCKET_MAIN, "serve", "--host", "127.0.0.1",
                    "--port", str(port)]
            log = workdir / "docket.log"
            with server(argv, env, workdir, port, log) as proc:
                began = time.perf_counter()
                print(f"[{engine}] set-up: registering {len(registered):,} contents, opening "
                      f"{len(cases):,} cases", flush=True)
                asyncio.run(register_content(base, token, registered))
                setup_mix = ReportMix(SEED + 2, [], [])
                opened = asyncio.run(open_cases(base, token, cases, setup_mix, args.batch))
                result.setup_seconds = time.perf_counter() - began
                result.open_cases, result.registered = len(cases), len(registered)
                print(f"[docket] {args.concurrency} clients, batches of {args.batch}, "
                      f"{WARMUP_SECONDS:g} s warm-up + {args.seconds:g} s", flush=True)
                profile = (Path(args.py_spy).resolve() / f"{engine}-docket.txt"
                           if args.py_spy else None)
                result.docket = asyncio.run(drive(
                    base, BATCH_PATH, headers, ReportMix(SEED, cases, pool), args, "docket",
                    proc.pid, profile))
            result.docket.log_problems = log_problems(log)
            result.docket.rows = count(url, "SELECT count(*) FROM reports")
            result.docket.rows_expected = opened + result.docket.accepted_total
            result.docket.cases = count(url, "SELECT count(*) FROM items "
                                             "WHERE case_key IS NOT NULL")
            result.docket.cases_expected = opened + result.docket.new_cases

            port = free_port()
            base = f"http://127.0.0.1:{port}"
            argv = [sys.executable, str(BARE_APP), "--host", "127.0.0.1", "--port", str(port)]
            log = workdir / "bare.log"
            print(f"[bare] {args.concurrency} clients, same bodies", flush=True)
            with server(argv, env, workdir, port, log) as proc:
                result.bare = asyncio.run(drive(
                    base, BARE_PATH, {}, ReportMix(SEED, cases, pool), args, "bare", proc.pid))
            result.bare.log_problems = log_problems(log)
            result.bare.rows = count(url, "SELECT count(*) FROM bench_bare_reports")
            result.bare.rows_expected = result.bare.accepted_total
    except (RuntimeError, OSError, subprocess.SubprocessError, httpx.HTTPError) as exc:
        result.failure = str(exc)
    except Exception as exc:  # e.g. the PostgreSQL server is unreachable
        result.failure = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


# ----------------------------------------------------------------- output


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def goal_met(results: list[EngineResult]) -> bool | None:
    sqlite = next((r for r in results if r.engine == "sqlite" and not r.failure), None)
    return None if sqlite is None or sqlite.docket is None else sqlite.docket.rate >= GOAL_RATE


def report(results: list[EngineResult], args: argparse.Namespace) -> None:
    print()
    print(f"{args.concurrency} clients, batches of {args.batch} reports, {args.seconds:g} s "
          f"measured after {WARMUP_SECONDS:g} s warm-up; {EXISTING_SHARE:.0%} of reports on "
          f"content with an open case ({args.open_cases:,} cases opened beforehand), the rest "
          "on new content; bare = the same bodies, one insert of the rows per batch")
    print()
    header = (f"{'engine':<11}{'target':<8}{'reports/s':>10}{'batches':>8}{'p50 ms':>9}"
              f"{'p95 ms':>9}{'accepted':>10}{'rejected':>9}{'new/joined':>13}{'rows':>9}"
              f"{'rows ok':>8}{'srv cpu':>8}{'cli cpu':>8}")
    print(header)
    print("-" * len(header))
    for r in results:
        if r.failure:
            print(f"{r.engine:<11}FAILED: {r.failure.splitlines()[0]}")
            continue
        for load in (r.docket, r.bare):
            if load is None:
                continue
            cases = f"{load.new_cases}/{load.joined}" if load.target == "docket" else "-"
            ok = "-" if load.rows_ok is None else "yes" if load.rows_ok else "NO"
            print(f"{r.engine:<11}{load.target:<8}{load.rate:>10.0f}{load.batches:>8}"
                  f"{_fmt(load.percentile(0.5), '.0f'):>9}{_fmt(load.percentile(0.95), '.0f'):>9}"
                  f"{load.accepted_total:>10}{load.rejected_total:>9}{cases:>13}"
                  f"{_fmt(load.rows, 'd'):>9}{ok:>8}{_pct(load.server_cpu):>8}"
                  f"{_pct(load.client_cpu):>8}")
    print()
    print(f"{'engine':<11}{'docket reports/s':>17}{'bare reports/s':>16}{'ratio':>8}")
    for r in results:
        if r.failure or r.docket is None or r.bare is None:
            print(f"{r.engine:<11}{'-':>17}{'-':>16}{'-':>8}")
            continue
        print(f"{r.engine:<11}{r.docket.rate:>17.0f}{r.bare.rate:>16.0f}"
              f"{_fmt(r.ratio, '.3f'):>8}")
    notes = list(_notes(results))
    if notes:
        print()
        for note in notes:
            print(f"note: {note}")
    print()
    for r in results:
        if r.failure:
            print(f"{r.engine}: failed:\n{r.failure}")
    met = goal_met(results)
    sqlite = next((r for r in results if r.engine == "sqlite" and r.docket), None)
    if met is None:
        print(f"goal >= {GOAL_RATE:,.0f} reports/s on SQLite: not measured")
    else:
        assert sqlite is not None and sqlite.docket is not None
        print(f"goal >= {GOAL_RATE:,.0f} reports/s on SQLite: {'met' if met else 'missed'} "
              f"({sqlite.docket.rate:,.0f} reports/s, ratio to bare "
              f"{_fmt(sqlite.ratio, '.3f')})")


def _notes(results: list[EngineResult]) -> Iterator[str]:
    for r in results:
        if r.failure:
            continue
        yield (f"{r.engine}: set-up (registering {r.registered:,} contents, opening "
               f"{r.open_cases:,} cases) took {_fmt(r.setup_seconds)} s")
        for load in (r.docket, r.bare):
            if load is None:
                continue
            where = f"{r.engine}/{load.target}"
            if load.target == "docket" and load.mix:
                total = sum(load.mix.values())
                parts = ", ".join(f"{k} {v / total:.0%}" for k, v in
                                  sorted(load.mix.items(), key=lambda kv: -kv[1]))
                yield f"{where}: {total:,} reports sent: {parts}"
            if load.errors:
                yield f"{where}: {load.errors} batches failed"
            for kind, n in load.error_kinds.most_common():
                yield f"{where}: {kind} x{n}; e.g. {load.error_samples.get(kind, '')[:200]}"
            if load.rows_ok is False:
                yield (f"{where}: {load.rows} report rows in the database, expected "
                       f"{load.rows_expected}"
                       + (f"; {load.cases} cases, expected {load.cases_expected}"
                          if load.cases is not None else ""))
            for line, n in load.log_problems.most_common(8):
                yield f"{where}: server {line} (x{n})"
            if load.profile:
                yield f"{where}: py-spy profile: {load.profile}"
            if load.client_cpu is not None and load.client_cpu > 0.5:
                yield (f"{where}: the load generator used {_pct(load.client_cpu)} of a CPU "
                       f"(server {_pct(load.server_cpu)}, {os.cpu_count()} CPUs)")


def json_summary(results: list[EngineResult], args: argparse.Namespace) -> dict[str, Any]:
    return {
        "seconds": args.seconds, "warmup_seconds": WARMUP_SECONDS,
        "concurrency": args.concurrency, "batch": args.batch, "cpus": os.cpu_count(),
        "existing_share": EXISTING_SHARE, "open_cases": args.open_cases,
        "registered": args.registered, "goal_reports_per_s": GOAL_RATE,
        "engines": {
            r.engine: {
                "docket": r.docket.summary() if r.docket else None,
                "bare": r.bare.summary() if r.bare else None,
                "ratio": _round(r.ratio, 4), "setup_seconds": _round(r.setup_seconds, 1),
                "failure": r.failure,
            } for r in results
        },
        "goal_met": goal_met(results),
    }


# ----------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure docket's report batch intake against a bare durable insert.")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per target")
    parser.add_argument("--concurrency", type=int, default=2, help="concurrent clients")
    parser.add_argument("--batch", type=int, default=MAX_BATCH,
                        help=f"reports per batch (1 to {MAX_BATCH})")
    parser.add_argument("--open-cases", type=int, default=2000,
                        help="cases opened before the run, which 30%% of reports join")
    parser.add_argument("--registered", type=int, default=2000,
                        help="content ids registered before the run for new reports to use")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="a PostgreSQL server to make a throw-away database on "
                             f"(default {DEFAULT_PG_URL})")
    parser.add_argument("--py-spy", metavar="DIR",
                        help="record a py-spy profile of docket during the measured window")
    parser.add_argument("--py-spy-gil", action="store_true",
                        help="with --py-spy: sample only the thread holding the GIL")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 3600 or args.concurrency < 1 or args.concurrency > 64:
        parser.error("--seconds must be in (0, 3600] and --concurrency in 1..64")
    if not 1 <= args.batch <= MAX_BATCH:
        parser.error(f"--batch must be between 1 and {MAX_BATCH}")
    if not 1 <= args.open_cases <= 1_000_000 or not 0 <= args.registered <= 1_000_000:
        parser.error("--open-cases must be in 1..1000000 and --registered in 0..1000000")
    if not args.pg_url.startswith(("postgresql://", "postgresql+psycopg://")):
        parser.error("--pg-url must be a postgresql:// or postgresql+psycopg:// URL")
    args.pg_url = args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
    host = make_url(args.pg_url).host
    if args.engine != "sqlite" and host not in (None, "", "127.0.0.1", "localhost", "::1"):
        parser.error("--pg-url must point at a loopback server")
    if args.py_spy:
        Path(args.py_spy).mkdir(parents=True, exist_ok=True)
    return args


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # run the same clean-up as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C raises KeyboardInterrupt even when started with SIGINT ignored (``cmd &``).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    results: list[EngineResult] = []
    try:
        for engine in engines:
            results.append(run_engine(engine, args))
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped and databases removed", file=sys.stderr)
        return 130
    report(results, args)
    if args.json:
        print(orjson.dumps(json_summary(results, args)).decode())
    return 1 if any(r.failure for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
