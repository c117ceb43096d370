"""Visibility checks: docket's API and replica against bare baselines, at 1k and 1M restrictions.

The goals from the issue, measured in one run on the same server settings:

(a) single checks, ``GET /api/v1/visibility?content_id=&country=``, requests/s against a
    bare endpoint of the same framework (``bench/bare_visibility_app.py``: FastAPI, one
    uvicorn process, one dict look-up, the same JSON shape as orjson bytes in a
    ``Response``) -- goal: docket / bare >= 0.8;
(b) batch checks, ``POST /api/v1/visibility`` with 1000 pairs per call, checks/s on one
    worker -- goal: >= 200,000 checks/s;
(c) ``RestrictionReplica.is_visible`` calls/s in this process, against a bare loop of
    ``dict.get`` over the same keys in the same run -- goal: replica / dict >= 0.5;
(d) (a), (b) and (c) with 1,000 and with 1,000,000 active restrictions (``--sizes``) --
    goal: no more than 10% slower at the larger size;
(e) memory per restricted item: the resident size a fresh process adds when
    ``RestrictionIndex.load`` takes N synthetic restrictions (``--memory-sizes``) -- goal:
    1,000,000 items in at most 100 MB; the figure at 10,000,000 is reported.

For each size the script makes a fresh SQLite database in a temporary directory
(``docket.schema.upgrade``), a platform user and token (``docket user add``/``token create``),
one effective decision (through docket's services) and N content restrictions
bulk-inserted with the driver's ``executemany`` (values in their stored form, through each
column type's bind processor): 70% one country (KZ, TR, RU, IN, DE, VN; legal demand), 20%
everywhere (policy), 10% two countries (local law), none with an end; ids
``post-<9 digits>``. It then starts ``docket serve`` and the bare app, each one uvicorn
process with the same settings, and drives each with the same load generator for the same
time: a separate process running a minimal HTTP/1.1 keep-alive client on asyncio streams
(uvloop when installed), ``--concurrency`` connections, a 1 s warm-up and ``--seconds``
measured. Queries are 50% restricted ids (drawn over all N) and 50% unrestricted ids, with
countries drawn from twelve (six restricting, six not); 200 of them are first checked to
get the same answers from docket (single and batch) and from the bare app. Then it starts
a ``RestrictionReplica`` against the server and times ``is_visible`` over 1,000,000
pre-built (id, country) pairs with the same mix, against ``d.get(id)`` on a plain dict of
the same restricted ids (best of three rounds each, alternating).

On a machine with two or more CPUs the servers are pinned to the first CPU and the load
generator to the others (``--no-pin`` to leave it to the scheduler). The script reports
the CPU used by the server, by the load generator and by the rest of the machine during
each measured window; when the rest of the machine (other processes: a test suite,
another benchmark) took more than a third of a CPU it measures again, up to ``--retries``
times, keeps the least disturbed attempt and flags the figure, naming the busiest other
processes. Rates swing a lot on a small shared VM: read the flags before the figures.

Figures, not assertions: exit status 0 whether goals are met or missed, 1 when a run could
not be made, 130 on Ctrl-C. Loopback only; servers, children and temporary directories
are cleaned up on exit, error or Ctrl-C. Run it with the project's venv::

    .venv/bin/python bench/visibility.py
    .venv/bin/python bench/visibility.py --sizes 1000 --seconds 3 --memory-sizes 1000000
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/visibility.py`` puts bench/ first on sys.path, where bench/queue.py would
# shadow the standard library's ``queue`` (imported by concurrent.futures, logging.handlers...).
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import asyncio
import contextlib
import gc
import random
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

DOCKET_MAIN = "from docket.cli import main; main()"
SCRIPT = os.path.abspath(__file__)
BARE_APP = os.path.join(_BENCH_DIR, "bare_visibility_app.py")
SEED = 20240611

GOAL_SINGLE_RATIO = 0.8
GOAL_BATCH_CHECKS = 200_000
GOAL_REPLICA_RATIO = 0.5
GOAL_SLOWDOWN = 0.10
GOAL_MEMORY_ITEMS = 1_000_000
GOAL_MEMORY_MB = 100.0  # MB = 10**6 bytes

BATCH = 1000
WARMUP = 1.0
GET_POOL = 20_000  # distinct single-check requests, cycled
BATCH_POOL = 16  # distinct 1000-pair bodies, cycled
REPLICA_PAIRS = 1_000_000
REPLICA_ROUNDS = 3
REQUEST_TIMEOUT = 30.0
# CPUs used by the rest of the machine during a measurement above which it is suspect.
OTHER_LOAD = 0.35
STARTUP_TIMEOUT = 180.0
CLI_TIMEOUT = 120.0
INSERT_CHUNK = 20_000

# The restriction mix, by n (see restriction()).
SINGLE = ("KZ", "TR", "RU", "IN", "DE", "VN")
DOUBLE = (["KZ", "RU"], ["DE", "TR"], ["IN", "VN"], ["RU", "TR"], ["DE", "KZ"])
MIX: list[tuple[list[str], str]] = (
    [([SINGLE[r % len(SINGLE)]], "legal_demand") for r in range(70)]
    + [(["*"], "policy")] * 20
    + [(DOUBLE[r % len(DOUBLE)], "local_law") for r in range(10)]
)
# Viewers' countries: the six that restrict and six that do not.
QUERY_COUNTRIES = SINGLE + ("US", "BR", "GB", "FR", "ID", "JP")
ID_BASE = 100_000_000  # ids are post-<9 digits>: restricted even, unrestricted odd


def restricted_id(n: int) -> str:
    return f"post-{ID_BASE + 2 * n}"


def unrestricted_id(m: int) -> str:
    return f"post-{ID_BASE + 2 * m + 1}"


def restriction(n: int) -> tuple[list[str], str]:
    """Scope and notice kind of restriction n: 70% one country, 20% global, 10% two countries.

    61 is prime to 100, so every 100 consecutive n hold the mix exactly, spread out."""
    return MIX[(n * 61) % 100]


def synthetic_rows(n: int) -> Iterator[dict[str, Any]]:
    """N index rows as the snapshot yields them (content restrictions without an end)."""
    for i in range(n):
        scope, kind = restriction(i)
        yield {
            "subject_kind": "content",
            "subject_id": restricted_id(i),
            "scope": scope,
            "notice_kind": kind,
            "ends_at": None,
        }


def query_pairs(rng: random.Random, size: int, count: int) -> list[tuple[str, str]]:
    """``count`` (content id, country): half restricted ids over all ``size``, half not."""
    pairs = []
    for _ in range(count):
        restricted = rng.random() < 0.5
        cid = restricted_id(rng.randrange(size)) if restricted else unrestricted_id(rng.randrange(10_000_000))
        pairs.append((cid, rng.choice(QUERY_COUNTRIES)))
    return pairs


# ----------------------------------------------------------------- results


@dataclass
class Load:
    """One load-generator run against one target."""

    target: str
    seconds: float = 0.0
    ok: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_sample: str | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    client_cpu: float | None = None  # share of one CPU
    server_cpu: float | None = None
    other_cpu: float | None = None  # the rest of the machine, in CPUs
    others: str = ""  # the busiest other processes meanwhile
    loop: str = ""
    failure: str | None = None

    @property
    def rate(self) -> float | None:
        return self.ok / self.seconds if self.ok and self.seconds else None


@dataclass
class SizeResult:
    size: int
    insert_seconds: float | None = None
    docket_start_seconds: float | None = None
    docket_rss_mb: float | None = None
    bare_rss_mb: float | None = None
    single: Load | None = None
    bare: Load | None = None
    batch: Load | None = None
    replica_load_seconds: float | None = None
    replica_rss_mb: float | None = None
    replica_rate: float | None = None
    dict_rate: float | None = None
    replica_restricted_rate: float | None = None
    replica_unrestricted_rate: float | None = None
    replica_cpu_share: float | None = None
    sanity: str | None = None
    server_log: list[str] = field(default_factory=list)
    failure: str | None = None

    @property
    def single_rate(self) -> float | None:
        return self.single.rate if self.single else None

    @property
    def single_ratio(self) -> float | None:
        docket, bare = self.single_rate, self.bare.rate if self.bare else None
        return docket / bare if docket and bare else None

    @property
    def batch_checks(self) -> float | None:
        rate = self.batch.rate if self.batch else None
        return rate * BATCH if rate else None

    @property
    def replica_ratio(self) -> float | None:
        return self.replica_rate / self.dict_rate if self.replica_rate and self.dict_rate else None


@dataclass
class MemoryResult:
    size: int
    added_bytes: int | None = None
    peak_added_bytes: int | None = None
    load_seconds: float | None = None
    groups: int | None = None
    failure: str | None = None

    @property
    def per_item(self) -> float | None:
        return self.added_bytes / self.size if self.added_bytes is not None else None


# ----------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None where unavailable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_table() -> dict[int, tuple[str, int, float]]:
    """Every process's (name, parent, CPU seconds), from /proc; empty where unavailable."""
    table: dict[int, tuple[str, int, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        with contextlib.suppress(OSError):  # the command line says more than "python"
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            name = (
                " ".join(os.path.basename(a.decode(errors="replace")) for a in argv[:4])[:60]
                or name
            )
        fields = stat[stat.rfind(")") + 2 :].split()
        with contextlib.suppress(ValueError, IndexError):
            cpu = (int(fields[11]) + int(fields[12])) / tick
            table[int(entry.name)] = (name, int(fields[1]), cpu)
    return table


def busiest_others(
    before: dict[int, tuple[str, int, float]],
    after: dict[int, tuple[str, int, float]],
    seconds: float,
    exclude: set[int],
) -> str:
    """The processes other than ours that used the most CPU between two process tables."""
    mine = {os.getpid(), *exclude}
    used: dict[str, float] = {}
    for pid, (name, parent, cpu) in after.items():
        if pid in mine or parent in mine:
            continue
        delta = cpu - before.get(pid, (name, parent, 0.0))[2]
        if delta > 0:
            used[name] = used.get(name, 0.0) + delta
    top = sorted(used.items(), key=lambda kv: -kv[1])[:3]
    return ", ".join(f"{name} {cpu / seconds:.0%}" for name, cpu in top if cpu / seconds >= 0.02)


def machine_busy() -> float | None:
    """CPU seconds the whole machine has spent busy (all CPUs, /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # up to steal; guest is in user


def status_kb(field_name: str, pid: int | str = "self") -> int | None:
    """A ``kB`` field of /proc/PID/status (VmRSS, VmHWM), or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def rss_mb(pid: int | str = "self") -> float | None:
    kb = status_kb("VmRSS", pid)
    return kb * 1024 / 1e6 if kb is not None else None


def base_env(database_url: str) -> dict[str, str]:
    """The environment for docket's CLI and servers: no inherited DOCKET_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKET_", "BENCH_"))}
    env.update(
        {
            "DOCKET_DATABASE_URL": database_url,
            "DOCKET_SECRET_KEY": secrets.token_urlsafe(48),
            "DOCKET_DEADLINE_CHECK_SECONDS": "0",
            # The platform's calls are counted as always, never refused: the bench asks far
            # more than the default's thousand a second with one token.
            "DOCKET_PLATFORM_RATE_LIMIT": "1000000000",
            "DOCKET_LOG_LEVEL": "WARNING",
            "BENCH_DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGINT (uvicorn's graceful shutdown), then SIGTERM, then SIGKILL."""
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)


def stop_all(servers: list[Server]) -> None:
    """Stop every server; one that will not stop (or an interruption) does not spare the others."""
    error: BaseException | None = None
    for server in servers:
        try:
            stop(server.proc)
        except BaseException as exc:  # noqa: BLE001  (Ctrl-C too: kill it, stop the rest, re-raise)
            with contextlib.suppress(OSError):
                server.proc.kill()
            error = error or exc
    if error is not None:
        raise error


def run_child(
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float,
    stdin: bytes | None = None,
) -> tuple[int, str, str]:
    """Run a child in its own session (Ctrl-C reaches only this script), killed on any exit."""
    proc = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{' '.join(argv[:4])}... did not finish in {timeout:.0f} s") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def docket_cli(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run ``docket ARGS --json`` and return the JSON it prints."""
    code, out, err = run_child(
        [sys.executable, "-c", DOCKET_MAIN, *args, "--json"], env=env, timeout=CLI_TIMEOUT
    )
    lines = out.strip().splitlines()
    if code != 0 or not lines:
        raise RuntimeError(f"docket {' '.join(args)} failed ({code}): {(out + err).strip()[-800:]}")
    data: dict[str, Any] = orjson.loads(lines[-1])
    return data


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def log_problems(log: Path) -> list[str]:
    """Lines a server logged beyond its start-up banner (it runs at WARNING)."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [
        line
        for line in lines
        if line.strip() and not line.startswith(("docket listening", "bare visibility:"))
    ]


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    started: float

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def launch(
    name: str, argv: list[str], env: dict[str, str], workdir: Path, cpus: set[int] | None
) -> Server:
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    if cpus:
        with contextlib.suppress(OSError):  # before it starts its threads, which inherit it
            os.sched_setaffinity(proc.pid, cpus)
    return Server(name, proc, int(argv[argv.index("--port") + 1]), log, time.perf_counter())


def wait_ready(server: Server) -> float:
    """Wait for ``GET /healthz``; return the seconds since launch."""
    import httpx

    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.proc.returncode}:\n{tail(server.log)}"
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                return time.perf_counter() - server.started
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{server.name} not ready after {STARTUP_TIMEOUT:.0f} s:\n{tail(server.log)}"
            )
        time.sleep(0.1)


# ----------------------------------------------------------------- database


def prepare_database(url: str, env: dict[str, str], size: int) -> tuple[str, float]:
    """Schema, a platform token and ``size`` restrictions; returns the token and the insert time."""
    import docket.models  # noqa: F401  (every table, so the models' foreign keys resolve)
    from docket.enforcement.models import Restriction
    from docket.intake import submission as intake
    from docket.intake.models import Channel
    from docket.intake.schemas import RequestCreate
    from docket.parties import service as parties
    from docket.review.models import Decision
    from docket.schema import upgrade
    from docket.settings import Settings
    from docket.store import make_engine, make_sessionmaker, transaction, utcnow

    engine = make_engine(url)
    try:
        upgrade(engine)
        docket_cli(env, "user", "add", "--email", "platform@bench.example", "--role", "platform")
        token = docket_cli(env, "token", "create", "--user", "platform@bench.example")["token"]
        # One effective decision for every restriction to point at (as tests/enforcement does).
        with transaction(make_sessionmaker(engine)) as s:
            submitter = parties.create_submitter(
                session=s, actor="bench", name="Bench Court", kind="court", country="KZ"
            )
            user = parties.create_user(
                session=s, actor="bench", email="decider@bench.example", roles=["legal"]
            )
            request = intake.submit(
                session=s,
                settings=Settings(database_url=url),
                submitter=submitter,
                data=RequestCreate(
                    jurisdiction="KZ",
                    reason="hate_speech",
                    explanation="bench",
                    legal_basis=[{"citation": "bench"}],
                    items=[{"url": "https://social.example/@bench/1"}],
                ),
                channel=Channel.api,
            ).request
            assert request is not None
            decision = Decision(
                item_id=request.items[0].id,
                outcome="restricted",
                scope=["KZ"],
                explanation="bench",
                from_state="rights_review",
                status="effective",
                decided_by=user.id,
            )
            s.add(decision)
            s.flush()
            decision_id = decision.id
        began = time.perf_counter()
        now = utcnow()
        table = Restriction.__table__
        columns = ("subject_kind", "subject_id", "scope", "notice_kind", "decision_id", "starts_at")
        with engine.begin() as conn:
            # The driver's executemany with values already in their stored form (each column
            # type's own bind processor, applied once per distinct value): several times
            # faster than a Core insert of dicts, which processes every value of every row.
            def stored(column: str, value: Any) -> Any:
                process = table.c[column].type.bind_processor(conn.dialect)
                return process(value) if process else value

            mix = [(stored("scope", scope), kind) for scope, kind in MIX]
            started = stored("starts_at", now)
            sql = (
                f"INSERT INTO {table.name} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            for start in range(0, size, INSERT_CHUNK):
                rows = []
                for n in range(start, min(size, start + INSERT_CHUNK)):
                    scope, kind = mix[(n * 61) % 100]  # as restriction(n)
                    rows.append(("content", restricted_id(n), scope, kind, decision_id, started))
                conn.exec_driver_sql(sql, rows)
        return token, time.perf_counter() - began
    finally:
        engine.dispose()


# ----------------------------------------------------------------- load generator (child)


async def _drive(spec: dict[str, Any]) -> dict[str, Any]:
    """``concurrency`` keep-alive connections send the requests in turn for warm-up + seconds.

    A response counts if it completes in the measured window with a 200. The client
    understands what uvicorn sends: a status line, headers and a Content-Length body."""
    host, port = "127.0.0.1", int(spec["port"])
    requests = [r.encode("latin-1") for r in spec["requests"]]
    concurrency, post = int(spec["concurrency"]), bool(spec["post"])
    start = time.perf_counter()
    window_start = start + float(spec["warmup"])
    window_end = window_start + float(spec["seconds"])
    ok, latencies = 0, []
    errors: dict[str, int] = {}
    sample: list[str] = []

    def error(kind: str, detail: str) -> None:
        errors[kind] = errors.get(kind, 0) + 1
        if not sample:
            sample.append(f"{kind}: {detail[:300]}")

    async def worker(first: int) -> None:
        nonlocal ok
        streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        i, count = first, len(requests)
        perf = time.perf_counter
        while (began := perf()) < window_end:
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):  # a timer, not a task per request
                    if streams is None:
                        streams = await asyncio.open_connection(host, port)
                    reader, writer = streams
                    writer.write(requests[i % count])
                    i += concurrency
                    if post:
                        await writer.drain()
                    head = await reader.readuntil(b"\r\n\r\n")
                    lower = head.lower()
                    at = lower.find(b"\r\ncontent-length:")
                    if at < 0:
                        raise ValueError(f"no content-length: {head[:200]!r}")
                    length = int(lower[at + 17 : lower.index(b"\r\n", at + 2)])
                    body = await reader.readexactly(length)
                if b"\r\nconnection: close" in lower:
                    writer.close()
                    streams = None
            except (
                OSError,
                TimeoutError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
                ValueError,
            ) as exc:
                error(type(exc).__name__, str(exc))
                if streams is not None:
                    streams[1].close()
                    streams = None
                await asyncio.sleep(0.01)
                continue
            ended = perf()
            if head[9:12] == b"200":
                if window_start <= ended <= window_end:
                    ok += 1
                    latencies.append(ended - began)
            else:
                error(head[9:12].decode(), body[:300].decode(errors="replace"))
        if streams is not None:
            streams[1].close()

    result: dict[str, Any] = {}

    async def meter() -> None:
        pid = int(spec["server_pid"])
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        t0, c0, s0, m0 = time.perf_counter(), time.process_time(), cpu_seconds(pid), machine_busy()
        await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
        t1, c1, s1, m1 = time.perf_counter(), time.process_time(), cpu_seconds(pid), machine_busy()
        result["client_cpu"] = (c1 - c0) / (t1 - t0)
        result["server_cpu"] = (s1 - s0) / (t1 - t0) if s0 is not None and s1 is not None else None
        if m0 is not None and m1 is not None and result["server_cpu"] is not None:
            # Everything else the machine did meanwhile: other processes, and the kernel's
            # share of loopback networking that was not charged to the two processes.
            busy = (m1 - m0) / (t1 - t0)
            result["other_cpu"] = max(0.0, busy - result["server_cpu"] - result["client_cpu"])

    await asyncio.gather(meter(), *(worker(k) for k in range(concurrency)))
    latencies.sort()
    result.update(
        {
            "seconds": window_end - window_start,
            "ok": ok,
            "errors": errors,
            "error_sample": sample[0] if sample else None,
            "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else None,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
            if latencies
            else None,
        }
    )
    return result


def drive_main() -> int:
    """The load generator's process: the spec on stdin, the result as JSON on stdout."""
    spec = orjson.loads(sys.stdin.buffer.read())
    if spec.get("cpus"):
        os.sched_setaffinity(0, set(spec["cpus"]))
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(_drive(spec))
        result["loop"] = "asyncio"
    else:
        result = uvloop.run(_drive(spec))
        result["loop"] = "uvloop"
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    return 0


def drive(
    target: str, server: Server, requests: list[bytes], *, post: bool, args: argparse.Namespace
) -> Load:
    """Run the load generator in its own process against ``server``."""
    load = Load(target)
    spec = {
        "port": server.port,
        "requests": [r.decode("latin-1") for r in requests],
        "post": post,
        "concurrency": args.concurrency,
        "warmup": WARMUP,
        "seconds": args.seconds,
        "server_pid": server.proc.pid,
        "cpus": args.client_cpus,
    }
    table0, began = process_table(), time.perf_counter()
    code, out, err = run_child(
        [sys.executable, SCRIPT, "--drive"],
        stdin=orjson.dumps(spec),
        timeout=WARMUP + args.seconds + REQUEST_TIMEOUT + 30,
    )
    load.others = busiest_others(
        table0, process_table(), time.perf_counter() - began, {server.proc.pid}
    )
    lines = out.strip().splitlines()
    if code != 0 or not lines:
        load.failure = f"load generator failed ({code}): {(out + err).strip()[-800:]}"
        return load
    data = orjson.loads(lines[-1])
    load.seconds, load.ok, load.error_kinds = data["seconds"], data["ok"], data["errors"]
    load.errors = sum(load.error_kinds.values())
    load.error_sample, load.p50_ms, load.p99_ms = (
        data["error_sample"],
        data["p50_ms"],
        data["p99_ms"],
    )
    load.client_cpu, load.server_cpu, load.loop = (
        data.get("client_cpu"),
        data.get("server_cpu"),
        data["loop"],
    )
    load.other_cpu = data.get("other_cpu")
    return load


def measured(tag: str, args: argparse.Namespace, *runs: Callable[[], Load]) -> tuple[Load, ...]:
    """Run ``runs`` in turn; again (up to ``--retries`` times) while other processes took
    much CPU meanwhile. Returns the attempt the rest of the machine disturbed least."""

    def disturbance(loads: tuple[Load, ...]) -> float:
        return max(load.other_cpu or 0.0 for load in loads)

    best: tuple[Load, ...] | None = None
    for attempt in range(1 + args.retries):
        loads = tuple(run() for run in runs)
        if best is None or disturbance(loads) < disturbance(best):
            best = loads
        if disturbance(loads) <= OTHER_LOAD or attempt == args.retries:
            break
        others = "; ".join(load.others for load in loads if load.others)
        print(
            f"{tag}    the rest of the machine used {disturbance(loads):.0%} of a CPU meanwhile"
            + (f" ({others})" if others else "")
            + "; measuring again",
            flush=True,
        )
        time.sleep(2.0)
    assert best is not None
    return best


def get_request(path: str, port: int, token: str, cid: str, country: str) -> bytes:
    return (
        f"GET {path}?content_id={cid}&country={country} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()


def post_request(path: str, port: int, token: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


# ----------------------------------------------------------------- memory (child)


def memory_main(size: int) -> int:
    """In a fresh process: resident size before and after loading ``size`` rows into the index."""
    from docket.enforcement.index import RestrictionIndex

    index = RestrictionIndex()
    gc.collect()
    before, hwm_before = status_kb("VmRSS"), status_kb("VmHWM")
    began = time.perf_counter()
    count = index.load(synthetic_rows(size), 0)
    seconds = time.perf_counter() - began
    gc.collect()
    after, hwm_after = status_kb("VmRSS"), status_kb("VmHWM")
    assert count == size and len(index) == size
    if before is None or after is None or hwm_before is None or hwm_after is None:
        raise SystemExit("no /proc/self/status here")
    sys.stdout.write(
        orjson.dumps(
            {
                "size": size,
                "added_bytes": (after - before) * 1024,
                "peak_added_bytes": (hwm_after - before) * 1024,
                "load_seconds": seconds,
                "groups": len(index._groups),
            }
        ).decode()
        + "\n"
    )
    return 0


def measure_memory(size: int) -> MemoryResult:
    result = MemoryResult(size)
    try:
        code, out, err = run_child(
            [sys.executable, SCRIPT, "--memory-child", str(size)], timeout=60 + size / 50_000
        )
    except RuntimeError as exc:
        result.failure = str(exc)
        return result
    lines = out.strip().splitlines()
    if code != 0 or not lines:
        result.failure = f"memory child failed ({code}): {(out + err).strip()[-800:]}"
        return result
    data = orjson.loads(lines[-1])
    result.added_bytes, result.peak_added_bytes = data["added_bytes"], data["peak_added_bytes"]
    result.load_seconds, result.groups = data["load_seconds"], data["groups"]
    return result


# ----------------------------------------------------------------- in-process


def _time_replica(is_visible: Any, pairs: list[tuple[str, str]]) -> float:
    began = time.perf_counter()
    for cid, country in pairs:
        is_visible(cid, country)
    return time.perf_counter() - began


def _time_dict(get: Any, pairs: list[tuple[str, str]]) -> float:
    began = time.perf_counter()
    for cid, _country in pairs:  # unpack both, as the replica loop does
        get(cid)
    return time.perf_counter() - began


def in_process(result: SizeResult, base: str, token: str, rng: random.Random, retries: int) -> None:
    """(c): a replica of the running server against a plain dict of the same keys."""
    from docket.client import RestrictionReplica

    gc.collect()
    rss0 = rss_mb()
    began = time.perf_counter()
    replica = RestrictionReplica(base, token, wait=2.0)
    try:
        replica.start(timeout=STARTUP_TIMEOUT)
        result.replica_load_seconds = time.perf_counter() - began
        gc.collect()
        rss1 = rss_mb()
        if rss0 is not None and rss1 is not None:
            result.replica_rss_mb = rss1 - rss0
        if len(replica.index) != result.size:
            raise RuntimeError(
                f"the replica holds {len(replica.index)} restrictions, expected {result.size}"
            )
        plain = {restricted_id(n): True for n in range(result.size)}
        pairs = query_pairs(rng, result.size, REPLICA_PAIRS)
        # The same answers, to be sure both loops do what they claim.
        for cid, country in pairs[:2000]:
            if replica.is_visible(cid, country) is False and cid not in plain:
                raise RuntimeError(f"the replica hides {cid}, which is not restricted")
        is_visible, get = replica.is_visible, plain.get
        gc.collect()
        _time_replica(is_visible, pairs[:100_000])
        _time_dict(get, pairs[:100_000])
        replica_times, dict_times = [], []
        for attempt in range(1 + retries):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            for round_ in range(REPLICA_ROUNDS):
                if round_ % 2:
                    dict_times.append(_time_dict(get, pairs))
                    replica_times.append(_time_replica(is_visible, pairs))
                else:
                    replica_times.append(_time_replica(is_visible, pairs))
                    dict_times.append(_time_dict(get, pairs))
            # Near 1.0 unless something else took this process's CPU while it timed.
            share = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
            result.replica_cpu_share = max(share, result.replica_cpu_share or 0.0)
            if share >= 0.9 or attempt == retries:
                break
            print(f"    this process had a CPU {share:.0%} of the time; timing again", flush=True)
        result.replica_rate = len(pairs) / min(replica_times)
        result.dict_rate = len(pairs) / min(dict_times)
        # Where the time goes: the two halves of the mix on their own.
        restricted = [p for p in pairs if p[0] in plain][:200_000]
        unrestricted = [p for p in pairs if p[0] not in plain][:200_000]
        result.replica_restricted_rate = len(restricted) / min(
            _time_replica(is_visible, restricted) for _ in range(2)
        )
        result.replica_unrestricted_rate = len(unrestricted) / min(
            _time_replica(is_visible, unrestricted) for _ in range(2)
        )
        del plain, pairs, restricted, unrestricted
    finally:
        replica.close()


# ----------------------------------------------------------------- one size


def sanity_check(docket: Server, bare: Server, token: str, rng: random.Random, size: int) -> str:
    """Docket's and the bare app's answers agree on a sample (single and batch)."""
    import httpx

    pairs = query_pairs(rng, size, 200)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(headers=headers, timeout=REQUEST_TIMEOUT) as http:
        batch = http.post(
            f"{docket.base}/api/v1/visibility",
            content=orjson.dumps([{"content_id": c, "country": k} for c, k in pairs]),
            headers={"Content-Type": "application/json"},
        )
        if batch.status_code != 200:
            raise RuntimeError(
                f"POST /api/v1/visibility: HTTP {batch.status_code}: {batch.text[:300]}"
            )
        answers = batch.json()
        hidden = 0
        for (cid, country), answer in zip(pairs, answers, strict=True):
            one = http.get(
                f"{docket.base}/api/v1/visibility", params={"content_id": cid, "country": country}
            )
            base = http.get(f"{bare.base}/bare", params={"content_id": cid, "country": country})
            if one.status_code != 200 or base.status_code != 200:
                raise RuntimeError(
                    f"GET visibility: HTTP {one.status_code}/{base.status_code}: {one.text[:300]}"
                )
            a, b = one.json(), base.json()
            if a != answer or a["visible"] != b["visible"] or a["withheld_in"] != b["withheld_in"]:
                raise RuntimeError(
                    f"answers differ for {cid} in {country}: docket {a}, batch {answer}, bare {b}"
                )
            hidden += not a["visible"]
    return f"200 pairs agree (docket single = docket batch = bare); {hidden} hidden"


def run_size(size: int, args: argparse.Namespace) -> SizeResult:
    result = SizeResult(size)
    workdir = Path(tempfile.mkdtemp(prefix=f"docket-bench-visibility-{size}-"))
    servers: list[Server] = []
    rng = random.Random(SEED + size)
    tag = f"[{size:,}]"
    try:
        url = f"sqlite:///{workdir / 'docket.db'}"
        env = base_env(url)
        print(f"{tag} preparing a fresh database with {size:,} restrictions", flush=True)
        token, result.insert_seconds = prepare_database(url, env, size)
        print(
            f"{tag} inserted in {result.insert_seconds:.1f} s; "
            "starting docket serve and the bare app",
            flush=True,
        )
        dport, bport = free_port(), free_port()
        docket = launch(
            "docket",
            [
                sys.executable,
                "-c",
                DOCKET_MAIN,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(dport),
            ],
            env,
            workdir,
            args.server_cpus,
        )
        servers.append(docket)
        bare = launch(
            "bare",
            [sys.executable, BARE_APP, "--host", "127.0.0.1", "--port", str(bport)],
            env,
            workdir,
            args.server_cpus,
        )
        servers.append(bare)
        result.docket_start_seconds = wait_ready(docket)
        wait_ready(bare)
        result.docket_rss_mb, result.bare_rss_mb = rss_mb(docket.proc.pid), rss_mb(bare.proc.pid)
        result.sanity = sanity_check(docket, bare, token, rng, size)

        pairs = query_pairs(rng, size, GET_POOL)
        docket_gets = [get_request("/api/v1/visibility", dport, token, c, k) for c, k in pairs]
        bare_gets = [get_request("/bare", bport, token, c, k) for c, k in pairs]
        bodies = [
            orjson.dumps(
                [{"content_id": c, "country": k} for c, k in query_pairs(rng, size, BATCH)]
            )
            for _ in range(BATCH_POOL)
        ]
        posts = [post_request("/api/v1/visibility", dport, token, body) for body in bodies]

        print(f"{tag} (a) single checks: docket, then bare, {args.seconds:g} s each", flush=True)
        result.single, result.bare = measured(
            tag,
            args,
            lambda: drive("docket GET", docket, docket_gets, post=False, args=args),
            lambda: drive("bare GET", bare, bare_gets, post=False, args=args),
        )
        print(f"{tag} (b) batch checks: docket, {args.seconds:g} s", flush=True)
        (result.batch,) = measured(
            tag, args, lambda: drive("docket POST x1000", docket, posts, post=True, args=args)
        )
        stop(bare.proc)
        servers.remove(bare)
        result.server_log += [f"bare: {line}" for line in log_problems(bare.log)]

        print(f"{tag} (c) replica is_visible vs dict.get over {REPLICA_PAIRS:,} pairs", flush=True)
        in_process(result, docket.base, token, rng, args.retries)
        stop(docket.proc)
        servers.remove(docket)
        result.server_log += [f"docket: {line}" for line in log_problems(docket.log)]
    except Exception as exc:  # report and go on with the next size
        result.failure = f"{type(exc).__name__}: {exc}"
    finally:
        try:
            stop_all(servers)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return result


# ----------------------------------------------------------------- output


def _fmt(value: float | None, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else "met" if ok else "MISSED"


def slowdown(small: float | None, large: float | None) -> float | None:
    """How much slower the larger size is (0.1 = 10% fewer per second); negative = faster."""
    return 1 - large / small if small and large else None


def report(
    results: list[SizeResult], memory: list[MemoryResult], args: argparse.Namespace
) -> dict[str, Any]:
    print()
    for r in results:
        print(f"== {r.size:,} active restrictions " + "=" * 50)
        if r.failure:
            print(f"FAILED: {r.failure}")
            print()
            continue
        print(
            f"insert {_fmt(r.insert_seconds, '.1f')} s; "
            f"docket serve ready in {_fmt(r.docket_start_seconds, '.1f')} s,"
            f" RSS {_fmt(r.docket_rss_mb, '.0f')} MB (bare app {_fmt(r.bare_rss_mb, '.0f')} MB); "
            f"sanity: {r.sanity}"
        )
        header = (
            f"{'target':<20}{'per s':>11}{'checks/s':>11}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}"
            f"{'srv cpu':>9}{'cli cpu':>9}{'other':>7}"
        )
        print(header)
        print("-" * len(header))
        for load, per in ((r.single, 1), (r.bare, 1), (r.batch, BATCH)):
            if load is None:
                continue
            if load.failure:
                print(f"{load.target:<20}FAILED: {load.failure.splitlines()[0]}")
                continue
            checks = load.rate * per if load.rate else None
            print(
                f"{load.target:<20}{_fmt(load.rate):>11}{_fmt(checks):>11}"
                f"{_fmt(load.p50_ms, '.2f'):>8}"
                f"{_fmt(load.p99_ms, '.2f'):>8}{load.errors:>8}{_pct(load.server_cpu):>9}"
                f"{_pct(load.client_cpu):>9}{_pct(load.other_cpu):>7}"
            )
        print(
            f"{'replica is_visible':<20}{_fmt(r.replica_rate):>11}{_fmt(r.replica_rate):>11}"
            f"   (restricted ids only {_fmt(r.replica_restricted_rate)}/s, unrestricted only "
            f"{_fmt(r.replica_unrestricted_rate)}/s)"
        )
        print(f"{'bare dict.get loop':<20}{_fmt(r.dict_rate):>11}{_fmt(r.dict_rate):>11}")
        print(
            f"replica: snapshot loaded in {_fmt(r.replica_load_seconds, '.1f')} s, "
            f"RSS +{_fmt(r.replica_rss_mb, '.1f')} MB"
            + (
                f" ({r.replica_rss_mb * 1e6 / r.size:,.0f} bytes/restriction)"
                if r.replica_rss_mb is not None and r.size >= 100_000
                else ""
            )
        )
        print(
            f"(a) docket / bare single checks: {_fmt(r.single_ratio, '.2f')} "
            f"(goal >= {GOAL_SINGLE_RATIO}) "
            f"{_met(None if r.single_ratio is None else r.single_ratio >= GOAL_SINGLE_RATIO)}"
        )
        print(
            f"(b) batch checks/s: {_fmt(r.batch_checks)} (goal >= {GOAL_BATCH_CHECKS:,}) "
            f"{_met(None if r.batch_checks is None else r.batch_checks >= GOAL_BATCH_CHECKS)}"
        )
        print(
            f"(c) replica / dict.get: {_fmt(r.replica_ratio, '.2f')} "
            f"(goal >= {GOAL_REPLICA_RATIO}) "
            f"{_met(None if r.replica_ratio is None else r.replica_ratio >= GOAL_REPLICA_RATIO)}"
        )
        for load in (r.single, r.bare, r.batch):
            if load and load.errors:
                print(
                    f"note: {load.target}: {load.errors} errors {load.error_kinds}; "
                    f"e.g. {load.error_sample}"
                )
            if load and load.client_cpu is not None and load.client_cpu > 0.8:
                print(
                    f"note: {load.target}: the load generator used "
                    f"{_pct(load.client_cpu)} of a CPU; "
                    "the rate may be limited by the client"
                )
            if load and load.other_cpu is not None and load.other_cpu > OTHER_LOAD:
                print(
                    f"note: {load.target}: the rest of the machine used {_pct(load.other_cpu)} of "
                    "a CPU meanwhile (other processes?); this figure is not reliable, "
                    "run again on a quiet machine"
                    + (f" (busiest: {load.others})" if load.others else "")
                )
        if r.replica_cpu_share is not None and r.replica_cpu_share < 0.9:
            print(
                f"note: (c) this process had a CPU for only {_pct(r.replica_cpu_share)} "
                "of the timed loops "
                "(other processes?); the replica figures are not reliable"
            )
        for line in r.server_log[:10]:
            print(f"note: server logged: {line[:200]}")
        print()

    if memory:
        print(
            "== (e) memory: RestrictionIndex.load of N synthetic restrictions in a fresh process "
            "(RSS after - before; MB = 10^6 bytes)"
        )
        for m in memory:
            if m.failure:
                print(f"{m.size:>12,}  FAILED: {m.failure.splitlines()[0]}")
                continue
            assert m.added_bytes is not None and m.peak_added_bytes is not None
            print(
                f"{m.size:>12,}  +{m.added_bytes / 1e6:,.1f} MB  {m.per_item:,.1f} bytes/item  "
                f"(peak during load +{m.peak_added_bytes / 1e6:,.1f} MB; "
                f"load {_fmt(m.load_seconds, '.1f')} s; "
                f"{m.groups} groups)"
            )
        print()

    # ---------------------------------------------------------- summary
    print("== summary " + "=" * 60)
    goals: dict[str, Any] = {}
    measured = [r for r in results if not r.failure]
    for r in measured:
        goals[f"a_single_ratio_{r.size}"] = {
            "value": r.single_ratio,
            "goal": f">= {GOAL_SINGLE_RATIO}",
            "met": r.single_ratio is not None and r.single_ratio >= GOAL_SINGLE_RATIO,
        }
        goals[f"b_batch_checks_{r.size}"] = {
            "value": r.batch_checks,
            "goal": f">= {GOAL_BATCH_CHECKS}",
            "met": r.batch_checks is not None and r.batch_checks >= GOAL_BATCH_CHECKS,
        }
        goals[f"c_replica_ratio_{r.size}"] = {
            "value": r.replica_ratio,
            "goal": f">= {GOAL_REPLICA_RATIO}",
            "met": r.replica_ratio is not None and r.replica_ratio >= GOAL_REPLICA_RATIO,
        }
    for key, g in goals.items():
        print(f"{key:<28}{_fmt(g['value'], ',.2f'):>14}  goal {g['goal']:<10} {_met(g['met'])}")
    if len(measured) >= 2:
        small, large = min(measured, key=lambda r: r.size), max(measured, key=lambda r: r.size)
        for name, get in (
            ("a docket single req/s", lambda r: r.single_rate),
            ("b docket batch checks/s", lambda r: r.batch_checks),
            ("c replica is_visible/s", lambda r: r.replica_rate),
        ):
            slow = slowdown(get(small), get(large))
            key = f"d_slowdown_{name[0]}"
            goals[key] = {
                "value": slow,
                "goal": f"<= {GOAL_SLOWDOWN:.0%}",
                "met": slow is not None and slow <= GOAL_SLOWDOWN,
                "small": get(small),
                "large": get(large),
            }
            print(
                f"(d) {name}: {_fmt(get(small))} at {small.size:,} -> "
                f"{_fmt(get(large))} at {large.size:,}: "
                f"{_fmt(None if slow is None else slow * 100, '+.1f')}% slower "
                f"(goal <= {GOAL_SLOWDOWN:.0%}) "
                f"{_met(None if slow is None else slow <= GOAL_SLOWDOWN)}"
            )
        for name, get in (
            ("bare single req/s", lambda r: r.bare.rate if r.bare else None),
            ("bare dict.get/s", lambda r: r.dict_rate),
        ):
            slow = slowdown(get(small), get(large))
            print(
                f"    (context) {name}: "
                f"{_fmt(None if slow is None else slow * 100, '+.1f')}% slower at "
                f"{large.size:,}"
            )
    for m in memory:
        if m.failure or m.added_bytes is None:
            continue
        if m.size == GOAL_MEMORY_ITEMS:
            ok = m.added_bytes / 1e6 <= GOAL_MEMORY_MB
            goals["e_memory_1M_mb"] = {
                "value": m.added_bytes / 1e6,
                "goal": f"<= {GOAL_MEMORY_MB:g} MB",
                "met": ok,
            }
            print(
                f"(e) memory at {m.size:,}: +{m.added_bytes / 1e6:,.1f} MB "
                f"(goal <= {GOAL_MEMORY_MB:g} MB) "
                f"{_met(ok)}; {m.per_item:,.1f} bytes/item"
            )
        else:
            print(
                f"(e) memory at {m.size:,}: +{m.added_bytes / 1e6:,.1f} MB; "
                f"{m.per_item:,.1f} bytes/item"
            )
    return goals


def json_summary(
    results: list[SizeResult],
    memory: list[MemoryResult],
    goals: dict[str, Any],
    args: argparse.Namespace,
) -> dict[str, Any]:
    def load(run: Load | None) -> dict[str, Any] | None:
        if run is None:
            return None
        return {
            "rate": run.rate,
            "ok": run.ok,
            "seconds": run.seconds,
            "errors": run.error_kinds,
            "p50_ms": run.p50_ms,
            "p99_ms": run.p99_ms,
            "server_cpu": run.server_cpu,
            "client_cpu": run.client_cpu,
            "other_cpu": run.other_cpu,
            "others": run.others,
            "loop": run.loop,
            "failure": run.failure,
        }

    return {
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "sizes": {
            str(r.size): {
                "single": load(r.single),
                "bare": load(r.bare),
                "batch": load(r.batch),
                "single_ratio": r.single_ratio,
                "batch_checks": r.batch_checks,
                "replica_rate": r.replica_rate,
                "dict_rate": r.dict_rate,
                "replica_ratio": r.replica_ratio,
                "replica_restricted_rate": r.replica_restricted_rate,
                "replica_unrestricted_rate": r.replica_unrestricted_rate,
                "replica_cpu_share": r.replica_cpu_share,
                "replica_rss_mb": r.replica_rss_mb,
                "replica_load_seconds": r.replica_load_seconds,
                "docket_rss_mb": r.docket_rss_mb,
                "docket_start_seconds": r.docket_start_seconds,
                "insert_seconds": r.insert_seconds,
                "server_log": r.server_log[:10],
                "failure": r.failure,
            }
            for r in results
        },
        "memory": {
            str(m.size): {
                "added_bytes": m.added_bytes,
                "bytes_per_item": m.per_item,
                "peak_added_bytes": m.peak_added_bytes,
                "load_seconds": m.load_seconds,
                "failure": m.failure,
            }
            for m in memory
        },
        "goals": goals,
    }


# ----------------------------------------------------------------- main


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of integers") from None
    if any(not 1 <= s <= 100_000_000 for s in sizes):
        raise argparse.ArgumentTypeError("sizes must be between 1 and 100000000")
    return sizes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time docket's visibility checks (API single and batch, replica) "
        "against bare baselines."
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[1_000, 1_000_000],
        help="active restrictions per run, comma-separated (default 1000,1000000)",
    )
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="measured seconds per HTTP run (default 5)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=16, help="keep-alive connections (default 16)"
    )
    parser.add_argument(
        "--memory-sizes",
        type=_sizes,
        default=[1_000_000, 10_000_000],
        help="index sizes for the memory figure, each in a fresh process "
        "(default 1000000,10000000; '' for none)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="measure again up to this many times when other processes took much CPU (default 2)",
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="do not pin the servers to CPU 0 and the load generator to the other CPUs",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 0.5 <= args.seconds <= 600:
        parser.error("--seconds must be between 0.5 and 600")
    if not 1 <= args.concurrency <= 1000:
        parser.error("--concurrency must be between 1 and 1000")
    if not 0 <= args.retries <= 10:
        parser.error("--retries must be between 0 and 10")
    # Each server on a CPU of its own, the load generator on the rest: on a small machine the
    # scheduler otherwise moves them onto one CPU now and then, and rates swing by half.
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    args.server_cpus = {cpus[0]} if args.pin and len(cpus) >= 2 else None
    args.client_cpus = cpus[1:] if args.server_cpus else None
    return args


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # run the same clean-up as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.drive:
        return drive_main()
    if args.memory_child is not None:
        return memory_main(args.memory_child)
    signal.signal(signal.SIGTERM, _terminate)
    results: list[SizeResult] = []
    memory: list[MemoryResult] = []
    began = time.perf_counter()
    busy0 = machine_busy()
    time.sleep(1.0)
    busy1 = machine_busy()
    if busy0 is not None and busy1 is not None:
        print(
            f"the machine was {busy1 - busy0:.2f} CPUs busy in the second before the run"
            + (
                " -- other processes are running; the figures will be noisy"
                if busy1 - busy0 > OTHER_LOAD
                else ""
            ),
            flush=True,
        )
    try:
        for size in args.sizes:
            results.append(run_size(size, args))
        for size in args.memory_sizes:
            print(f"(e) memory: loading {size:,} restrictions into a fresh index", flush=True)
            memory.append(measure_memory(size))
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped and temporary directories removed", file=sys.stderr)
        return 130
    goals = report(results, memory, args)
    print(
        f"\n{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
        f"{args.concurrency} connections, "
        f"{WARMUP:g} s warm-up + {args.seconds:g} s per HTTP run; "
        f"whole run {time.perf_counter() - began:.0f} s"
    )
    if args.json:
        print(orjson.dumps(json_summary(results, memory, goals, args)).decode())
    failed = any(r.failure for r in results) or any(m.failure for m in memory)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
