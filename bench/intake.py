"""Intake throughput: docket's ``POST /api/v1/requests`` against a bare one-insert endpoint.

For each database engine (SQLite, PostgreSQL or both) this script:

1. makes a fresh database (a temporary directory for SQLite; a new database
   ``docket_bench_<random>`` on the ``--pg-url`` server for PostgreSQL, dropped afterwards),
2. runs ``docket db upgrade`` and creates a government submitter and its token with the CLI,
3. starts ``docket serve`` (one uvicorn process and the outbox worker process it starts,
   rate limits lifted, log level WARNING),
   warms up for about a second and then drives ``--concurrency`` HTTP clients, each
   posting requests of 5 items (distinct URLs) in a loop, for ``--seconds``,
4. stops docket, starts ``bench/bare_app.py`` (the same stack — FastAPI, uvicorn,
   ``docket.store.make_engine``, the per-request transaction ``docket.deps.Db`` — with one
   route that does one durable insert per request) on the same database, and drives it
   the same way with the same body,
5. repeats 3 and 4 ``--rounds`` times (default 1), each round on the same database, and
6. prints the rates, the ratio docket / bare (with several rounds, the median of the
   rounds' ratios: the machine's speed may drift between rounds, less within one),
   latencies and errors, and the CPU each request cost the server, the outbox worker and
   the local PostgreSQL.

The goal from the issue is a ratio of at least 0.5 on SQLite and on PostgreSQL. The
script exits 0 whether the goal is met or missed; it exits 1 when a run could not be
made (a server did not start, the database could not be created, ...), 130 on Ctrl-C.

Only loopback traffic; every subprocess and database is cleaned up on exit, error or
Ctrl-C. Run it with the project's venv::

    .venv/bin/python bench/intake.py --engine sqlite --seconds 5
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/intake.py`` puts bench/ first on sys.path, where bench/queue.py would shadow
# the standard library's ``queue`` (which SQLAlchemy and asyncio import). Take it off.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import asyncio
import contextlib
import itertools
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from docket.store import make_engine

BARE_APP = Path(_BENCH_DIR) / "bare_app.py"
DOCKET_MAIN = "from docket.cli import main; main()"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ITEMS_PER_REQUEST = 5
GOAL_RATIO = 0.5
WARMUP_SECONDS = 1.0
REQUEST_TIMEOUT = 30.0  # seconds; bounds how long a run can overshoot --seconds
STARTUP_TIMEOUT = 60.0
SAMPLE_ERRORS = 3

_sequence = itertools.count(1)  # one counter for the whole run: every URL is distinct


# ----------------------------------------------------------------- requests


def request_body(n: int) -> dict[str, Any]:
    """A complete government request with 5 items; ``n`` makes its URLs unique."""
    return {
        "jurisdiction": "KZ",
        "reference": f"bench-{n}",
        "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2"}],
        "reason": "hate_speech",
        "explanation": (
            "The listed posts call for violence against an ethnic group and are unlawful "
            "under the cited provision; we ask that they be restricted in Kazakhstan."
        ),
        "items": [
            {"url": f"https://social.example/@user{n % 1000}/{n * ITEMS_PER_REQUEST + i}"}
            for i in range(ITEMS_PER_REQUEST)
        ],
    }


def body_size() -> int:
    return len(orjson.dumps(request_body(10**6)))


# ----------------------------------------------------------------- results


@dataclass
class LoadResult:
    """What one target did during one timed run."""

    target: str
    seconds: float  # the measured window
    ok: int = 0  # 201s completed inside the measured window
    ok_total: int = 0  # 201s in the whole run, warm-up included (for the durability check)
    errors: int = 0  # anything but a 201, warm-up included
    error_samples: dict[str, str] = field(default_factory=dict)
    error_kinds: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # seconds, measured window only
    client_cpu: float | None = None  # share of one CPU used by this script while measuring
    server_cpu: float | None = None  # share of one CPU used by the server while measuring
    # CPU milliseconds per request completed in the window, by component (server, outbox
    # worker, the local PostgreSQL's processes): what each request costs the machine.
    cpu_ms: dict[str, float] = field(default_factory=dict)
    rows: int | None = None  # rows found in the database afterwards
    log_problems: Counter[str] = field(default_factory=Counter)
    profile: str | None = None  # where --py-spy wrote the server's profile

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float | None:
        """The q-th quantile of latency in milliseconds (nearest rank)."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))
        return ordered[index] * 1000

    def summary(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "ok_total": self.ok_total, "errors": self.errors,
            "rate": round(self.rate, 1),
            "p50_ms": _round(self.percentile(0.50)), "p95_ms": _round(self.percentile(0.95)),
            "client_cpu": _round(self.client_cpu, 2), "server_cpu": _round(self.server_cpu, 2),
            "cpu_ms_per_request": {k: round(v, 2) for k, v in self.cpu_ms.items()},
            "rows": self.rows, "error_kinds": dict(self.error_kinds),
            "error_samples": self.error_samples, "log_problems": dict(self.log_problems),
            "profile": self.profile,
        }


@dataclass
class EngineResult:
    engine: str
    # One (docket, bare) pair per round, measured one after the other (--rounds).
    rounds: list[tuple[LoadResult, LoadResult]] = field(default_factory=list)
    failure: str | None = None

    def loads(self) -> Iterator[LoadResult]:
        for pair in self.rounds:
            yield from pair

    @property
    def ratios(self) -> list[float]:
        return [docket.rate / bare.rate for docket, bare in self.rounds if bare.rate]

    @property
    def ratio(self) -> float | None:
        """The median of the rounds' ratios: each round compares docket with the bare
        insert measured right after it, so a drift of the machine's speed between rounds
        does not skew it."""
        return statistics.median(self.ratios) if self.ratios else None

    def median_rate(self, which: int) -> float | None:
        rates = [pair[which].rate for pair in self.rounds]
        return statistics.median(rates) if rates else None

    @property
    def goal_met(self) -> bool:
        return self.ratio is not None and self.ratio >= GOAL_RATIO


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# ----------------------------------------------------------------- load


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client for one worker, on asyncio streams.

    It costs the load generator a small fraction of what httpx does per request, so on
    a machine with few CPUs the clients take less CPU away from the server under test.
    It understands exactly what uvicorn sends: a status line, headers, and a body with
    Content-Length or chunked; it reconnects after ``Connection: close`` or any error.
    """

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = httpx.URL(url)
        self._host, self._port = parts.host, parts.port or 80
        lines = [f"POST {parts.raw_path.decode()} HTTP/1.1", f"Host: {self._host}:{self._port}",
                 *(f"{k}: {v}" for k, v in headers.items())]
        self._head = ("\r\n".join(lines) + "\r\nContent-Length: ").encode()
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, body: bytes) -> tuple[int, str]:
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                return await self._exchange(body)
        except BaseException:
            self.close()
            raise

    async def _exchange(self, body: bytes) -> tuple[int, str]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self._host, self._port)
        reader, writer = self._streams
        writer.write(self._head + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        fields = {name.strip().lower(): value.strip()
                  for name, _, value in (line.partition(":") for line in head[1:] if line)}
        if "content-length" in fields:
            payload = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            payload = b""
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                payload += (await reader.readexactly(size + 2))[:-2]
            await reader.readuntil(b"\r\n")  # no trailers from uvicorn
        else:
            payload = await reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, payload.decode(errors="replace")

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


Post = Callable[[bytes], Awaitable[tuple[int, str]]]


@contextlib.asynccontextmanager
async def posters(
    client: str, url: str, headers: dict[str, str], concurrency: int,
) -> AsyncIterator[list[Post]]:
    """One ``post(body) -> (status, text)`` per worker, for the chosen client."""
    headers = {**headers, "Content-Type": "application/json"}
    if client == "raw":
        connections = [RawConnection(url, headers) for _ in range(concurrency)]
        try:
            yield [c.post for c in connections]
        finally:
            for c in connections:
                c.close()
        return
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT) as http:

        async def post(body: bytes) -> tuple[int, str]:
            response = await http.post(url, content=body, headers=headers)
            return response.status_code, response.text

        yield [post] * concurrency


async def drive(
    url: str, *, headers: dict[str, str], concurrency: int, warmup: float, seconds: float,
    target: str, server_cpu: Callable[[], float | None], client: str = "httpx",
    profile: Callable[[], Callable[[], str]] | None = None,
    components: Callable[[], dict[str, float]] | None = None,
) -> LoadResult:
    """``concurrency`` clients post in a loop for ``warmup`` + ``seconds``.

    A request counts for the rate if it completes inside the measured window, wherever
    it started; latencies are those of the same requests. ``profile``, if given, starts a
    profiler at the window's start and returns what ends it (its answer: the profile's path).
    """
    result = LoadResult(target=target, seconds=seconds)
    start = time.perf_counter()
    window_start, window_end = start + warmup, start + warmup + seconds

    async def worker(post: Post) -> None:
        while (began := time.perf_counter()) < window_end:
            body = orjson.dumps(request_body(next(_sequence)))
            status: int | None
            try:
                status, detail = await post(body)
            except (httpx.HTTPError, OSError, TimeoutError, asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError, ValueError, IndexError) as exc:
                status, detail = None, f"{type(exc).__name__}: {exc}"
            ended = time.perf_counter()
            if status == 201:
                result.ok_total += 1
                if window_start <= ended <= window_end:
                    result.ok += 1
                    result.latencies.append(ended - began)
                continue
            result.errors += 1
            kind = str(status) if status is not None else detail.split(":", 1)[0]
            result.error_kinds[kind] += 1
            if len(result.error_samples) < SAMPLE_ERRORS and kind not in result.error_samples:
                result.error_samples[kind] = detail[:300]

    async def meter() -> None:
        """Sample CPU use at the edges of the measured window; run the profiler in it."""
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        finish = profile() if profile is not None else None
        t0, client0, server0 = time.perf_counter(), time.process_time(), server_cpu()
        parts0 = components() if components is not None else {}
        await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
        t1, client1, server1 = time.perf_counter(), time.process_time(), server_cpu()
        parts1 = components() if components is not None else {}
        result.client_cpu = (client1 - client0) / (t1 - t0)
        done = max(1, result.ok)
        result.cpu_ms = {name: 1000 * (parts1[name] - parts0[name]) / done
                         for name in parts1 if name in parts0}
        if server0 is not None and server1 is not None:
            result.server_cpu = (server1 - server0) / (t1 - t0)
        if finish is not None:
            result.profile = await asyncio.to_thread(finish)

    deadline = warmup + seconds + REQUEST_TIMEOUT + 10
    async with (
        posters(client, url, headers, concurrency) as posts,
        asyncio.timeout(deadline),
        asyncio.TaskGroup() as tasks,
    ):
        tasks.create_task(meter())
        for post in posts:
            tasks.create_task(worker(post))
    return result


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
        "DOCKET_LOG_LEVEL": "WARNING",
        "BENCH_DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    })
    return env


def docket_cli(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run ``docket ARGS --json`` and return the JSON it prints."""
    argv = [sys.executable, "-c", DOCKET_MAIN, *args, "--json"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"docket {' '.join(args)} failed ({done.returncode}): "
                           f"{(done.stdout + done.stderr).strip()[-800:]}")
    data: dict[str, Any] = orjson.loads(lines[-1])
    return data


def postgres_cpu_seconds() -> float:
    """User + system CPU time of this machine's PostgreSQL processes (Linux /proc; the
    server, its backends and background workers, while they live)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if not (entry / "cmdline").read_bytes().startswith(b"postgres"):
                continue
        except OSError:
            continue
        total += cpu_seconds(int(entry.name)) or 0.0
    return total


def cpu_components(server_pid: int, worker_pid: int | None, postgres: bool) -> dict[str, float]:
    """CPU seconds so far of the server, the outbox worker process (``worker_pid``, or
    the one `docket serve` started) and the local PostgreSQL, for the per-request breakdown."""
    parts = {"server": cpu_seconds(server_pid) or 0.0}
    workers = [worker_pid] if worker_pid is not None else children(server_pid)
    if workers:
        parts["worker"] = sum(cpu_seconds(pid) or 0.0 for pid in workers)
    if postgres:
        parts["postgres"] = postgres_cpu_seconds()
    return parts


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2:].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None where unavailable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def server(
    argv: list[str], env: dict[str, str], port: int, log: Path,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server until the block ends; wait for its /healthz first."""
    with log.open("wb") as out:
        # A new session: Ctrl-C reaches only this script, which then stops the server itself.
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_ready(proc, f"http://127.0.0.1:{port}/healthz", log)
        yield proc
    finally:
        stop(proc)


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before it was ready:\n"
                               f"{tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server not ready after {STARTUP_TIMEOUT:.0f} s:\n{tail(log)}")


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
_HEX_ID = re.compile(r"\b[0-9a-f]{16,}\b")
_EXCEPTION = re.compile(r"^[\s|+]*((?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Failure|"
                        r"Timeout|Violation|Exit|Interrupt|Warning)\b(?::.*)?)$")


def log_problems(log: Path) -> Counter[str]:
    """Warnings and errors a server logged, and the exceptions in its tracebacks.

    Servers run at log level WARNING, so a clean run logs nothing at all.
    """
    found: Counter[str] = Counter()
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return found
    for line in lines:
        if _LOG_RECORD.search(line):
            message = _HEX_ID.sub("<id>", _TIMESTAMP.sub("", line.strip()))
            found[f"log: {message[:200]}"] += 1
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
    name = f"docket_bench_{secrets.token_hex(6)}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                try:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                except Exception:  # PostgreSQL before 13 has no FORCE
                    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE datname = :name"), {"name": name})
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


def count_rows(database_url: str, table: str) -> int | None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    except Exception:
        return None
    finally:
        engine.dispose()


# ----------------------------------------------------------------- one engine


def run_engine(engine: str, args: argparse.Namespace) -> EngineResult:
    result = EngineResult(engine)
    workdir = Path(tempfile.mkdtemp(prefix=f"docket-bench-{engine}-"))
    try:
        with fresh_database(engine, args.pg_url, workdir) as url:
            env = base_env(url)
            print(f"[{engine}] preparing a fresh database", flush=True)
            docket_cli(env, "db", "upgrade")
            submitter = docket_cli(env, "submitter", "add", "--name", "Bench Ministry",
                                   "--kind", "government_agency", "--country", "KZ",
                                   "--email", "bench@ministry.example")["submitter"]["id"]
            token = docket_cli(env, "token", "create", "--submitter", str(submitter))["token"]

            for number in range(1, args.rounds + 1):
                label = "" if args.rounds == 1 else f"#{number}"
                docket = measure_docket(engine, url, env, workdir, args, token, label)
                port = free_port()
                argv = [sys.executable, str(BARE_APP), "--host", "127.0.0.1", "--port", str(port)]
                before = count_rows(url, "bench_bare") or 0
                bare = measure(f"bare{label}", argv, env, port, workdir / f"bare{label}.log", args,
                               path="/bare", headers={})
                bare.rows = (count_rows(url, "bench_bare") or 0) - before
                result.rounds.append((docket, bare))
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        result.failure = str(exc)
    except Exception as exc:  # e.g. the PostgreSQL server is unreachable
        result.failure = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def measure_docket(engine: str, url: str, env: dict[str, str], workdir: Path,
                   args: argparse.Namespace, token: str, label: str) -> LoadResult:
    """One measured run of ``docket serve`` (and the worker the chosen layout needs)."""
    port = free_port()
    argv = [sys.executable, "-c", DOCKET_MAIN, "serve", "--host", "127.0.0.1", "--port", str(port)]
    # The acknowledgements go to the run's own folder, removed with it (not the current
    # directory's docket-mail).
    serve_env, worker = {**env, "DOCKET_MAIL_DIR": str(workdir / "mail"),
                         "DOCKET_LOG_SEAL_SECONDS": str(args.log_seal_seconds)}, None
    if args.worker == "separate":
        # The outbox worker as a `docket worker` of its own, beside a server told not to
        # start one.
        serve_env = {**serve_env, "DOCKET_RUN_WORKER": "false"}
        worker = subprocess.Popen(
            [sys.executable, "-c", DOCKET_MAIN, "worker"], env=serve_env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    before = count_rows(url, "requests") or 0
    try:
        docket = measure(
            f"docket{label}", argv, serve_env, port, workdir / f"docket{label}.log", args,
            path="/api/v1/requests", headers={"Authorization": f"Bearer {token}"},
            profile=(Path(args.py_spy).resolve() / f"{engine}-docket{label}.txt"
                     if args.py_spy else None),
            worker_pid=worker.pid if worker is not None else None,
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    docket.rows = (count_rows(url, "requests") or 0) - before
    return docket


def measure(
    target: str, argv: list[str], env: dict[str, str], port: int, log: Path,
    args: argparse.Namespace, *, path: str, headers: dict[str, str], profile: Path | None = None,
    worker_pid: int | None = None,
) -> LoadResult:
    print(f"[{target}] serving on 127.0.0.1:{port}; {args.concurrency} clients for "
          f"{WARMUP_SECONDS:.0f} s warm-up + {args.seconds:g} s", flush=True)
    with server(argv, env, port, log) as proc:
        outcome = asyncio.run(drive(
            f"http://127.0.0.1:{port}{path}", headers=headers, concurrency=args.concurrency,
            warmup=WARMUP_SECONDS, seconds=args.seconds, target=target,
            server_cpu=lambda: cpu_seconds(proc.pid), client=args.client,
            profile=(lambda: py_spy(proc.pid, profile, args)) if profile else None,
            components=lambda: cpu_components(proc.pid, worker_pid, "postgresql" in env["BENCH_DATABASE_URL"]),
        ))
    outcome.log_problems = log_problems(log)
    return outcome


def py_spy(pid: int, out: Path, args: argparse.Namespace) -> Callable[[], str]:
    """Start py-spy on ``pid`` for ``--seconds`` (raw collapsed stacks into ``out``); return
    what waits for it and answers the profile's path or what went wrong."""
    exe = Path(sys.executable).with_name("py-spy")
    argv = [str(exe if exe.exists() else "py-spy"), "record", "-p", str(pid),
            "-d", str(max(1, round(args.seconds))), "-r", "100", "-f", "raw", "-o", str(out)]
    if args.py_spy_gil:
        argv.append("--gil")
    spy = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, start_new_session=True)

    def finish() -> str:
        try:
            _, err = spy.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            stop(spy)
            return "py-spy did not finish"
        if spy.returncode != 0:
            return f"py-spy failed ({spy.returncode}): {err.decode(errors='replace')[-300:]}"
        return str(out)

    return finish


# ----------------------------------------------------------------- output


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def report(results: list[EngineResult], args: argparse.Namespace) -> None:
    print()
    print(f"{args.concurrency} {args.client} clients, {args.seconds:g} s measured after "
          f"{WARMUP_SECONDS:g} s warm-up, {ITEMS_PER_REQUEST} items and ~{body_size()} bytes "
          "per request")
    print()
    header = (f"{'engine':<11}{'target':<10}{'ok':>8}{'req/s':>10}{'items/s':>10}{'p50 ms':>9}"
              f"{'p95 ms':>9}{'errors':>8}{'rows':>9}{'srv cpu':>9}{'cli cpu':>9}")
    print(header)
    print("-" * len(header))
    for r in results:
        if r.failure:
            print(f"{r.engine:<11}FAILED: {r.failure.splitlines()[0]}")
            continue
        for load in r.loads():
            items = load.rate * ITEMS_PER_REQUEST if load.target.startswith("docket") else None
            print(f"{r.engine:<11}{load.target:<10}{load.ok:>8}{load.rate:>10.1f}{_fmt(items):>10}"
                  f"{_fmt(load.percentile(0.5)):>9}{_fmt(load.percentile(0.95)):>9}"
                  f"{load.errors:>8}{_fmt(load.rows, 'd'):>9}{_pct(load.server_cpu):>9}"
                  f"{_pct(load.client_cpu):>9}")
    print()
    print("CPU ms per request (what each request costs the machine; postgres: every local "
          "PostgreSQL process)")
    for r in results:
        for load in r.loads():
            if load.cpu_ms:
                parts = ", ".join(f"{name} {ms:.2f}" for name, ms in load.cpu_ms.items())
                print(f"{r.engine:<11}{load.target:<10}{parts}, total {sum(load.cpu_ms.values()):.2f}")
    print()
    median = " (medians of the rounds)" if args.rounds > 1 else ""
    print(f"{'engine':<11}{'docket req/s':>13}{'items/s':>10}{'bare ins/s':>12}{'ratio':>8}  goal{median}")
    for r in results:
        docket_rate, bare_rate = r.median_rate(0), r.median_rate(1)
        if r.failure or docket_rate is None or bare_rate is None:
            print(f"{r.engine:<11}{'-':>13}{'-':>10}{'-':>12}{'-':>8}  not measured")
            continue
        rounds = (" (rounds: " + ", ".join(f"{x:.2f}" for x in r.ratios) + ")"
                  if len(r.rounds) > 1 else "")
        print(f"{r.engine:<11}{docket_rate:>13.1f}{docket_rate * ITEMS_PER_REQUEST:>10.1f}"
              f"{bare_rate:>12.1f}{_fmt(r.ratio, '.2f'):>8}  "
              f"{'met' if r.goal_met else 'missed'}{rounds}")
    notes = list(_notes(results))
    if notes:
        print()
        for note in notes:
            print(f"note: {note}")
    print()
    for r in results:
        if not r.failure:
            print(f"{r.engine}: goal ratio >= {GOAL_RATIO}: {'met' if r.goal_met else 'missed'}"
                  f" ({_fmt(r.ratio, '.2f')})")
        else:
            print(f"{r.engine}: failed:\n{r.failure}")
    measured = [r for r in results if not r.failure]
    if measured:
        met = all(r.goal_met for r in measured)
        print(f"goal ratio >= {GOAL_RATIO}: {'met' if met else 'missed'}")


def _notes(results: list[EngineResult]) -> Iterator[str]:
    """Errors, lost rows, log problems and a saturated load generator, in words."""
    for r in results:
        for load in r.loads():
            where = f"{r.engine}/{load.target}"
            if load.errors:
                kinds = ", ".join(f"{k} x{n}" for k, n in load.error_kinds.most_common())
                yield f"{where}: {load.errors} errors ({kinds})"
                for kind, sample in load.error_samples.items():
                    yield f"{where}: e.g. {kind}: {sample}"
            if load.rows is not None and load.rows < load.ok_total:
                yield (f"{where}: {load.ok_total} answers were 201 but only {load.rows} rows are "
                       f"in the database")
            for line, n in load.log_problems.most_common(8):
                yield f"{where}: server {line} (x{n})"
            if load.profile:
                yield f"{where}: py-spy profile: {load.profile}"
            if load.client_cpu is None:
                continue
            busy = load.client_cpu + (load.server_cpu or 0.0)
            if load.client_cpu > 0.5 or busy > 0.8 * (os.cpu_count() or 1):
                yield (f"{where}: the load generator used {_pct(load.client_cpu)} of a CPU "
                       f"(server {_pct(load.server_cpu)}, {os.cpu_count()} CPUs); this rate may "
                       f"be limited by the client, not the server (try --client raw)")


def json_summary(results: list[EngineResult], args: argparse.Namespace) -> dict[str, Any]:
    measured = [r for r in results if not r.failure]
    return {
        "seconds": args.seconds, "warmup_seconds": WARMUP_SECONDS,
        "concurrency": args.concurrency, "client": args.client, "cpus": os.cpu_count(),
        "items_per_request": ITEMS_PER_REQUEST,
        "body_bytes": body_size(), "goal_ratio": GOAL_RATIO,
        "engines": {
            r.engine: {
                "rounds": [{"docket": docket.summary(), "bare": bare.summary(),
                            "ratio": _round(docket.rate / bare.rate if bare.rate else None, 3)}
                           for docket, bare in r.rounds],
                "docket_rate": _round(r.median_rate(0)), "bare_rate": _round(r.median_rate(1)),
                "docket_items_per_s":
                    _round(r.median_rate(0) * ITEMS_PER_REQUEST) if r.rounds else None,
                "ratio": _round(r.ratio, 3), "goal_met": r.goal_met, "failure": r.failure,
            } for r in results
        },
        "goal_met": bool(measured) and all(r.goal_met for r in measured),
    }


# ----------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure docket's intake rate against a bare one-insert endpoint.")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per target")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure docket, then the bare insert, this many times in turn; "
                             "the ratio is the median of the rounds' ratios")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="a PostgreSQL server to make a throw-away database on "
                             f"(default {DEFAULT_PG_URL})")
    parser.add_argument("--client", choices=("httpx", "raw"), default="httpx",
                        help="the load generator: httpx.AsyncClient (default), or a minimal "
                             "HTTP/1.1 client on asyncio streams that uses far less CPU")
    parser.add_argument("--worker", choices=("serve", "separate"), default="serve",
                        help="the outbox worker as `docket serve` runs it (a process it starts; "
                             "the default) or as a `docket worker` this script starts beside "
                             "`DOCKET_RUN_WORKER=false docket serve`")
    parser.add_argument("--log-seal-seconds", type=float, default=1.0,
                        help="DOCKET_LOG_SEAL_SECONDS for docket serve: 1 (the default, as docket "
                             "serve runs) seals new events into the verifiable log every second; "
                             "0 turns the log's job off, to see what it costs")
    parser.add_argument("--py-spy", metavar="DIR",
                        help="record a py-spy profile of docket during the measured window "
                             "into DIR/<engine>-docket.txt")
    parser.add_argument("--py-spy-gil", action="store_true",
                        help="with --py-spy: sample only the thread holding the GIL")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.concurrency < 1 or args.rounds < 1:
        parser.error("--seconds must be > 0, --concurrency and --rounds >= 1")
    if not args.pg_url.startswith(("postgresql://", "postgresql+psycopg://")):
        parser.error("--pg-url must be a postgresql:// or postgresql+psycopg:// URL")
    args.pg_url = args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
    if args.py_spy:
        Path(args.py_spy).mkdir(parents=True, exist_ok=True)
    return args


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # run the same clean-up as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
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
