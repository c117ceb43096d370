"""The verifiable log at 10,000,000 leaves: sealing and signing, proofs over HTTP, verifying.

The goals from issue 16, measured in one run:

(a) sealing N new events and signing a checkpoint (N = 1, 1,000, 100,000) costs the same
    at a tenth of ``--leaves`` and at ``--leaves``: the time, and the stored hashes read
    (at most about 3·log₂ n, whatever the tree's size);
(b) inclusion proofs over HTTP, ``GET /api/v1/log/proofs/inclusion?index=&size=``, from
    ``docket serve`` (one process) -- goal: at least 5,000 proofs/s at 10,000,000 leaves --
    against a bare endpoint of the same framework that answers a constant proof of the same
    size (``bench/bare_log_app.py``), driven by the same load generator in the same run;
    the ratio docket / bare;
(c) ``verify_inclusion`` and ``verify_consistency`` (docket.log.merkle, what a verifier
    runs) per proof, against the time to make the same proofs from the database in this
    process (docket.audit.log_service).

The tree is built directly in a fresh database (a temporary SQLite file; for PostgreSQL a
new ``docket_bench_log_<random>`` database, dropped at the end): leaves with random nonces
and their stored hashes (docket.log.merkle.append_leaves) bulk-inserted through the store
(``docket.store.insert_rows``) a chunk per transaction, and the audit chain's head moved
to the last leaf, so that events recorded afterwards (through ``docket.audit.record_many``)
are the next leaves. The bulk leaves have no events behind them: sealing, signing and
proofs read only the leaves and the stored hashes.

The load generator is a separate process running a minimal HTTP/1.1 keep-alive client
on asyncio streams, ``--concurrency`` connections, a 1 s warm-up and ``--seconds``
measured, for ``--rounds`` rounds of docket then bare; the ratio is the median of the
rounds' ratios. Indexes are drawn uniformly over the tree; the size is the tree's.

Figures, not assertions: exit 0 whether the goals are met or missed, 1 when a run could
not be made, 130 on Ctrl-C. Run it with the project's venv::

    .venv/bin/python bench/log.py                        # SQLite, 10,000,000 leaves
    .venv/bin/python bench/log.py --leaves 100000 --seconds 3 --rounds 1
    .venv/bin/python bench/log.py --engine postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/log.py`` puts bench/ first on sys.path, where bench/queue.py would shadow
# the standard library's ``queue``. Take it off.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import asyncio
import contextlib
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

SCRIPT = os.path.abspath(__file__)
BARE_APP = os.path.join(_BENCH_DIR, "bare_log_app.py")
DOCKET_MAIN = "from docket.cli import main; main()"
GOAL_PROOFS = 5_000
CHUNK = 100_000  # leaves per bulk transaction
EVENT_CHUNK = 10_000  # events recorded per transaction before a seal
SEAL_COUNTS = (1, 1_000, 100_000)
WARMUP = 1.0
REQUEST_POOL = 20_000
STARTUP_TIMEOUT = 120.0
MIRROR_TIMEOUT = 600.0
ORIGIN = "bench.docket.test/log"


# ----------------------------------------------------------------- the database


@contextlib.contextmanager
def database(engine_name: str, pg_url: str) -> Iterator[str]:
    """A fresh database's URL, removed afterwards."""
    if engine_name == "sqlite":
        folder = tempfile.mkdtemp(prefix="docket-bench-log-")
        try:
            yield f"sqlite:///{folder}/log.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"docket_bench_log_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(pg_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def grow_tree(factory: Any, size: int, target: int) -> float:
    """Bulk-append leaves until the tree has ``target``; the seconds it took."""
    from sqlalchemy import update

    from docket import store
    from docket.audit.log_models import LogHash, LogLeaf
    from docket.audit.models import ChainHead
    from docket.audit.sealer import hash_reader
    from docket.log import merkle

    began = time.perf_counter()
    while size < target:
        count = min(CHUNK, target - size)
        nonces = secrets.token_bytes(16 * count)
        hashes = [merkle.leaf_hash(b"bench leaf %d" % (size + i) + nonces[16 * i:16 * i + 16])
                  for i in range(count)]
        with store.transaction(factory) as session:
            new = merkle.append_leaves(size, hashes, hash_reader(session))
            first = merkle.stored_hash_count(size)
            store.insert_rows(session, LogLeaf, [
                {"idx": size + i, "seq": size + i + 1, "nonce": nonces[16 * i:16 * i + 16], "hash": h}
                for i, h in enumerate(hashes)], returning=False)
            store.insert_rows(session, LogHash, [{"idx": first + i, "hash": h} for i, h in enumerate(new)],
                              returning=False)
            session.execute(update(ChainHead).values(seq=size + count))  # the next event is the next leaf
        size += count
        print(f"\r  building: {size:,} / {target:,} leaves", end="", flush=True)
    print()
    return time.perf_counter() - began


@dataclass
class SealCost:
    size: int
    events: int
    seal_seconds: float
    sign_seconds: float
    hashes_read: int
    statements: int


def seal_cost(engine: Any, signer: Any, events: int) -> SealCost:
    """Record ``events`` events, then time sealing them all and signing a checkpoint."""
    from sqlalchemy import event as sa_event

    from docket import audit, store
    from docket.audit.sealer import seal, sign_checkpoint, tree_size

    factory = store.make_sessionmaker(engine)  # a fresh runtime: no stale chain-head hint
    for start in range(0, events, EVENT_CHUNK):
        with store.transaction(factory) as session:
            audit.record_many(session=session, events=[
                audit.NewEvent("bench", "thing:done", f"thing:{i}", {"i": i, "text": "x" * 40})
                for i in range(start, min(events, start + EVENT_CHUNK))])
    with factory() as session:
        size = tree_size(session=session)
    counted = {"hashes": 0, "statements": 0}

    def count(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "log_hashes" in statement and statement.lstrip().upper().startswith("SELECT"):
            counted["statements"] += 1
            counted["hashes"] += len(parameters) if parameters else 0

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        began = time.perf_counter()
        while True:
            with store.transaction(factory) as session:
                if seal(session=session).added == 0:
                    break
        sealed = time.perf_counter()
        with store.transaction(factory) as session:
            sign_checkpoint(session=session, signer=signer)
        signed = time.perf_counter()
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    return SealCost(size, events, sealed - began, signed - sealed, counted["hashes"], counted["statements"])


# ----------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launch(name: str, argv: list[str], env: dict[str, str], workdir: Path) -> Server:
    import httpx

    log = workdir / f"{name}.log"
    port = int(argv[argv.index("--port") + 1])
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(name, proc, port, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        if time.monotonic() > deadline:
            stop(server)
            raise RuntimeError(f"{name} not ready after {STARTUP_TIMEOUT:.0f} s")
        time.sleep(0.1)


def stop(server: Server) -> None:
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if server.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            server.proc.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.proc.wait(grace)


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


# ----------------------------------------------------------------- load generator (child)


async def _drive(spec: dict[str, Any]) -> dict[str, Any]:
    """``concurrency`` keep-alive connections send the requests in turn; a 200 that completes
    in the measured window counts."""
    port, requests = int(spec["port"]), [r.encode("latin-1") for r in spec["requests"]]
    concurrency = int(spec["concurrency"])
    window_start = time.perf_counter() + float(spec["warmup"])
    window_end = window_start + float(spec["seconds"])
    ok, errors, sample, latencies = 0, 0, [], []

    async def worker(first: int) -> None:
        nonlocal ok, errors
        streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        i = first
        while (began := time.perf_counter()) < window_end:
            try:
                if streams is None:
                    streams = await asyncio.open_connection("127.0.0.1", port)
                reader, writer = streams
                writer.write(requests[i % len(requests)])
                i += concurrency
                head = await reader.readuntil(b"\r\n\r\n")
                lower = head.lower()
                at = lower.find(b"\r\ncontent-length:")
                body = await reader.readexactly(int(lower[at + 17:lower.index(b"\r\n", at + 2)]))
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                errors += 1
                if not sample:
                    sample.append(f"{type(exc).__name__}: {exc}")
                if streams is not None:
                    streams[1].close()
                    streams = None
                await asyncio.sleep(0.01)
                continue
            ended = time.perf_counter()
            if head[9:12] != b"200":
                errors += 1
                if not sample:
                    sample.append(head[9:12].decode() + " " + body[:300].decode(errors="replace"))
            elif window_start <= ended <= window_end:
                ok += 1
                latencies.append(ended - began)
        if streams is not None:
            streams[1].close()

    pid = int(spec["server_pid"])

    async def meter() -> float | None:
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        t0, c0 = time.perf_counter(), cpu_seconds(pid)
        await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
        t1, c1 = time.perf_counter(), cpu_seconds(pid)
        return None if c0 is None or c1 is None else (c1 - c0) / (t1 - t0)

    server_cpu, *_ = await asyncio.gather(meter(), *(worker(k) for k in range(concurrency)))
    latencies.sort()
    return {"rate": ok / float(spec["seconds"]), "errors": errors, "sample": sample[0] if sample else None,
            "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else None, "server_cpu": server_cpu}


def drive(server: Server, requests: list[bytes], args: argparse.Namespace) -> dict[str, Any]:
    spec = {"port": server.port, "requests": [r.decode("latin-1") for r in requests], "warmup": WARMUP,
            "seconds": args.seconds, "concurrency": args.concurrency, "server_pid": server.proc.pid}
    proc = subprocess.run([sys.executable, SCRIPT, "--drive"], input=orjson.dumps(spec), capture_output=True,
                          timeout=WARMUP + args.seconds + 120)
    lines = proc.stdout.decode().strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the load generator failed: {proc.stderr.decode()[-1500:]}")
    result: dict[str, Any] = orjson.loads(lines[-1])
    return result


def drive_main() -> int:
    spec = orjson.loads(sys.stdin.buffer.read())
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(_drive(spec))
    else:
        result = uvloop.run(_drive(spec))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    return 0


def request(path: str, port: int) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


# ----------------------------------------------------------------- the run


def wait_for_mirror(port: int, token: str, index: int, size: int) -> float:
    """Seconds until docket serve answers proofs of ``size`` from its copy of the stored
    hashes (its log job fills it a bounded number of hashes per round), as its metrics say."""
    import httpx

    began = time.monotonic()
    while time.monotonic() - began < MIRROR_TIMEOUT:
        httpx.get(f"http://127.0.0.1:{port}/api/v1/log/proofs/inclusion", params={"index": index, "size": size},
                  timeout=10).raise_for_status()
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {token}"},
                            timeout=10).text
        if any(line.startswith('docket_log_proofs_total{source="mirror"}') and float(line.split()[-1]) > 0
               for line in metrics.splitlines()):
            return time.monotonic() - began
        time.sleep(0.5)
    raise RuntimeError(f"docket serve's mirror did not hold the tree after {MIRROR_TIMEOUT:.0f} s")


def measure_http(url: str, size: int, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """(b): docket's inclusion proofs against the bare constant, ``--rounds`` times in turn."""
    import httpx

    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    metrics_token = secrets.token_urlsafe(24)
    env.update({"DOCKET_DATABASE_URL": url, "DOCKET_SECRET_KEY": secrets.token_urlsafe(48),
                "DOCKET_RUN_WORKER": "false", "DOCKET_LOG_LEVEL": "WARNING", "DOCKET_DEADLINE_CHECK_SECONDS": "0",
                "DOCKET_METRICS_TOKEN": metrics_token, "PYTHONUNBUFFERED": "1"})
    rng = random.Random(16)
    indexes = [rng.randrange(size) for _ in range(REQUEST_POOL)]
    docket = launch("docket", [sys.executable, "-c", DOCKET_MAIN, "serve", "--port", str(free_port())],
                    env, workdir)
    try:
        filled = wait_for_mirror(docket.port, metrics_token, indexes[0], size)
        print(f"  docket serve copied the tree's stored hashes into its mirror in {filled:.1f} s "
              "(the log job's rounds; proofs came from the database meanwhile)", flush=True)
        sample = httpx.get(f"http://127.0.0.1:{docket.port}/api/v1/log/proofs/inclusion",
                           params={"index": indexes[0], "size": size}, timeout=10)
        if sample.status_code != 200:
            raise RuntimeError(f"docket answered {sample.status_code}: {sample.text[:500]}")
        body = workdir / "proof.json"
        body.write_bytes(sample.content)
        bare = launch("bare", [sys.executable, BARE_APP, "--body-file", str(body), "--port", str(free_port())],
                      env, workdir)
        try:
            to_docket = [request(f"/api/v1/log/proofs/inclusion?index={i}&size={size}", docket.port)
                         for i in indexes]
            to_bare = [request(f"/bare?index={i}&size={size}", bare.port) for i in indexes]
            rounds = []
            for n in range(args.rounds):
                ours, theirs = drive(docket, to_docket, args), drive(bare, to_bare, args)
                rounds.append((ours, theirs))
                print(f"  round {n + 1}: docket {ours['rate']:,.0f} proofs/s (p50 {ours['p50_ms'] or 0:.2f} ms, "
                      f"server CPU {ours['server_cpu'] or 0:.0%}, {ours['errors']} errors), bare "
                      f"{theirs['rate']:,.0f}/s (server CPU {theirs['server_cpu'] or 0:.0%}); ratio "
                      f"{ours['rate'] / max(theirs['rate'], 1e-9):.2f}", flush=True)
                if ours["sample"]:
                    print(f"    docket error sample: {ours['sample']}")
        finally:
            stop(bare)
    finally:
        stop(docket)
    return {"bytes": len(sample.content), "hashes": len(sample.json()["hashes"]),
            "docket": statistics.median(r[0]["rate"] for r in rounds),
            "bare": statistics.median(r[1]["rate"] for r in rounds),
            "ratio": statistics.median(r[0]["rate"] / max(r[1]["rate"], 1e-9) for r in rounds)}


def measure_verify(engine: Any, size: int) -> dict[str, float]:
    """(c): making proofs from the database in this process, and verifying them."""
    from docket import store
    from docket.audit import log_service
    from docket.audit.sealer import hash_reader
    from docket.log import merkle

    rng = random.Random(9162)
    factory = store.make_sessionmaker(engine)
    with factory() as session:
        root = merkle.tree_hash(size, hash_reader(session))
        indexes = [rng.randrange(size) for _ in range(2000)]
        began = time.perf_counter()
        proofs = [log_service.inclusion(session=session, index=i, size=size) for i in indexes]
        made = (time.perf_counter() - began) / len(indexes)
        olds = [rng.randrange(1, size + 1) for _ in range(500)]
        consistency = [log_service.consistency(session=session, old=m, new=size) for m in olds]
        old_roots = [merkle.tree_hash(m, hash_reader(session)) for m in olds]
    began = time.perf_counter()
    for i, proof in zip(indexes, proofs, strict=True):
        merkle.verify_inclusion(proof.leaf_hash, i, size, proof.hashes, root)
    inclusion = (time.perf_counter() - began) / len(indexes)
    began = time.perf_counter()
    for m, old_root, proof in zip(olds, old_roots, consistency, strict=True):
        merkle.verify_consistency(m, size, old_root, root, proof)
    consistent = (time.perf_counter() - began) / len(olds)
    return {"make_inclusion_us": made * 1e6, "verify_inclusion_us": inclusion * 1e6,
            "verify_consistency_us": consistent * 1e6}


def run(engine_name: str, args: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy import text

    from docket import schema, store
    from docket.audit.sealer import tree_size
    from docket.log.note import Signer

    print(f"== {engine_name}: {args.leaves:,} leaves")
    signer = Signer.generate(ORIGIN)
    out: dict[str, Any] = {"engine": engine_name, "seal": []}
    with database(engine_name, args.pg_url) as url, tempfile.TemporaryDirectory() as work:
        engine = store.make_engine(url)
        try:
            schema.upgrade(engine)
            factory = store.make_sessionmaker(engine)
            size = 0
            for target in sorted({max(1, args.leaves // 10), args.leaves}):
                with factory() as session:
                    size = tree_size(session=session)
                took = grow_tree(factory, size, max(size, target))
                print(f"  built to {max(size, target):,} leaves in {took:.0f} s")
                for count in SEAL_COUNTS:
                    cost = seal_cost(engine, signer, count)
                    out["seal"].append(cost.__dict__)
                    print(f"  at {cost.size:,} leaves: {count:,} new events sealed in "
                          f"{cost.seal_seconds * 1e3:,.1f} ms "
                          f"({cost.seal_seconds / count * 1e6:,.0f} µs an event), checkpoint signed in "
                          f"{cost.sign_seconds * 1e3:.1f} ms; {cost.hashes_read} stored hashes read in "
                          f"{cost.statements} statements", flush=True)
            with factory() as session:
                size = tree_size(session=session)
            # The bulk load's aftermath out of the way, as on a server that has run a while:
            # SQLite's write-ahead log folded into the file, PostgreSQL's visibility map made.
            if engine_name == "sqlite":
                with engine.connect() as conn:  # outside a transaction, on the driver's connection
                    conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            else:
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE log_hashes"))
                    conn.execute(text("VACUUM ANALYZE log_leaves"))
            out["verify"] = measure_verify(engine, size)
            v = out["verify"]
            print(f"  in process at {size:,} leaves: an inclusion proof made from the database in "
                  f"{v['make_inclusion_us']:.0f} µs; verify_inclusion {v['verify_inclusion_us']:.1f} µs, "
                  f"verify_consistency {v['verify_consistency_us']:.1f} µs", flush=True)
        finally:
            engine.dispose()
        http = measure_http(url, size, Path(work), args)
        out["http"] = http
        met = "met" if http["docket"] >= GOAL_PROOFS else "missed"
        print(f"  inclusion proofs over HTTP at {size:,} leaves ({http['hashes']} hashes, {http['bytes']} bytes): "
              f"docket {http['docket']:,.0f}/s, bare {http['bare']:,.0f}/s, ratio {http['ratio']:.2f} "
              f"(medians of {args.rounds}); goal >= {GOAL_PROOFS:,}/s: {met}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--drive"]:
        return drive_main()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--leaves", type=int, default=10_000_000)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args(argv)
    if args.leaves < 2:
        parser.error("--leaves must be at least 2")
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    try:
        results = [run(name, args) for name in engines]
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001  (a figure that cannot be made: say why, exit 1)
        print(f"bench/log.py: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(orjson.dumps(results).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
