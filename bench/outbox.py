"""The outbox worker on its own: ``OutboxWorker`` draining acknowledgements, with nothing
else of docket competing for the machine.

For each engine and channel the script makes a fresh database, stores ``--messages``
complete one-item requests through intake's own functions (each puts its acknowledgement
e-mail in the outbox, as ``POST /api/v1/requests`` does), then drains the outbox with
``docket.notices.worker.OutboxWorker`` in this process, in rounds of 20 as ``docket
worker`` runs them, and prints:

- messages per second (wall clock);
- the worker's CPU per message, in ms (``time.thread_time`` of the draining thread: the
  SMTP server's thread is not counted; PostgreSQL's processes are not either);
- the transactions it committed per message.

On SQLite it also runs a writer in another process while the worker drains — one small
durable write transaction every 5 ms, as the API's writer would under load — and prints
how long that writer's transactions took (p50, p99, max), and the same without the
worker: what the worker's transactions make the API's writer wait for the write lock.

Channels: ``eml`` (no ``DOCKET_SMTP_URL``: ``.eml`` files, as ``bench/intake.py`` runs
docket) and ``smtp`` (an aiosmtpd server on loopback in this process, accepting all).

Compare two versions of docket by putting the other's ``src`` first::

    .venv/bin/python bench/outbox.py --engine sqlite --messages 2000 --runs 3
    PYTHONPATH=/elsewhere/docket/src .venv/bin/python bench/outbox.py ...
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# bench/queue.py would shadow the standard library's ``queue``: take bench/ off the path.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import contextlib
import json
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

import docket
from docket import schema, store
from docket.intake import submission as intake
from docket.intake.models import Channel
from docket.intake.schemas import RequestCreate
from docket.notices.worker import OutboxWorker
from docket.outbox.models import OutboxMessage, OutboxStatus
from docket.parties import service as parties
from docket.settings import Settings

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PROBE_PAUSE = 0.005  # seconds between the probe writer's transactions


def body(n: int) -> dict[str, Any]:
    return {"jurisdiction": "KZ", "reason": "hate_speech", "language": "ru",
            "reference": f"MISD-2026/{n}",
            "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
            "explanation": "The post calls for violence against an ethnic group.",
            "items": [{"url": f"https://social.example/@bench/{n}"}]}


@contextlib.contextmanager
def fresh_database(engine: str, pg_url: str, workdir: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{workdir}/outbox-bench-{uuid.uuid4().hex[:8]}.db"
        return
    name = f"docket_bench_outbox_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(pg_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load(factory: Any, settings: Settings, messages: int) -> None:
    """``messages`` requests of one submitter with an e-mail: one acknowledgement each."""
    with store.transaction(factory) as session:
        submitter = parties.create_submitter(
            session=session, actor="bench", name="Ministry of Information",
            kind="government_agency", country="KZ", email="requests@misd.example.kz")
    for start in range(0, messages, 500):
        with store.transaction(factory) as session:
            data = [RequestCreate.model_validate(body(n))
                    for n in range(start, min(messages, start + 500))]
            prepared = intake.prepare_many(session=session, settings=settings, submitter=submitter,
                                           data=data, channel=Channel.api, take_ids=True)
            intake.submit_many(session=session, prepared=prepared)


def start_probe(url: str) -> subprocess.Popen[str]:
    """The probe writer, started and writing."""
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--probe", url],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError("the probe writer did not start")
    return proc


def stop_probe(probe: subprocess.Popen[str]) -> dict[str, float]:
    out, _ = probe.communicate("stop\n", timeout=60)
    return dict(json.loads(out.strip().splitlines()[-1]))


def probe(url: str) -> None:
    """The probe writer (another process): durable write transactions until stdin says
    stop; prints their durations in ms (p50, p99, max) as JSON."""
    import threading

    engine = store.make_engine(url, pool_size=1, max_overflow=0)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    took: list[float] = []
    with engine.connect() as conn:
        print("ready", flush=True)
        while not stop.is_set():
            started = time.perf_counter()
            with conn.begin():  # BEGIN IMMEDIATE: waits for any other writer
                conn.execute(text("INSERT INTO bench_probe (at) VALUES (:at)"), {"at": started})
            took.append((time.perf_counter() - started) * 1000)
            time.sleep(PROBE_PAUSE)
    took.sort()
    print(json.dumps({"transactions": len(took), "p50": statistics.median(took),
                      "p99": took[int(len(took) * 0.99)], "max": took[-1]}))


def run(engine_name: str, channel: str, messages: int, pg_url: str,
        workdir: Path) -> dict[str, Any]:
    with contextlib.ExitStack() as stack, fresh_database(engine_name, pg_url, workdir) as url:
        engine = store.make_engine(url)
        stack.callback(engine.dispose)
        schema.upgrade(engine)
        factory = store.make_sessionmaker(engine)
        smtp_url = None
        if channel == "smtp":
            sink = stack.enter_context(_smtp_sink())
            smtp_url = f"smtp://127.0.0.1:{sink}"
        settings = Settings(database_url=url, secret_key="b" * 48, run_worker=False,
                            mail_dir=str(workdir / f"mail-{uuid.uuid4().hex[:8]}"),
                            smtp_url=smtp_url, base_url="http://127.0.0.1:8000")
        load(factory, settings, messages)
        result: dict[str, Any] = {"engine": engine_name, "channel": channel, "messages": messages}
        probing = engine_name == "sqlite"
        if probing:
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE bench_probe (id INTEGER PRIMARY KEY, at REAL)"))
            alone = start_probe(url)
            time.sleep(2)
            result["probe_alone"] = stop_probe(alone)
            writer = start_probe(url)
        commits = 0

        def counted(_conn: Any) -> None:
            nonlocal commits
            commits += 1

        event.listen(engine, "commit", counted)
        worker = OutboxWorker(factory, settings)
        started, cpu = time.perf_counter(), time.thread_time()
        while worker.run_once():
            pass
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - started
        worker.stop()
        if probing:
            result["probe_with_worker"] = stop_probe(writer)
        with factory() as session:
            sent = session.execute(select(func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.status == OutboxStatus.sent)).scalar_one()
        if sent != messages:
            raise RuntimeError(f"{sent} of {messages} messages were sent")
        result.update(seconds=wall, per_second=messages / wall, cpu_ms=cpu * 1000 / messages,
                      commits_per_message=commits / messages)
        return result


@contextlib.contextmanager
def _smtp_sink() -> Iterator[int]:
    """An SMTP server on loopback that accepts every message (aiosmtpd, a test dependency)."""
    import socket

    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    controller = Controller(Sink(), hostname="127.0.0.1", port=port, server_hostname="bench.test")
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--channel", choices=("eml", "smtp", "both"), default="both")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--json", action="store_true", help="print the results as JSON last")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe)
        return 0
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    channels = ("eml", "smtp") if args.channel == "both" else (args.channel,)
    print(f"docket from {os.path.dirname(docket.__file__)}", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory(prefix="docket-outbox-bench-") as tmp:
        for _ in range(args.runs):
            for engine_name in engines:
                for channel in channels:
                    result = run(engine_name, channel, args.messages, args.pg_url, Path(tmp))
                    results.append(result)
                    line = (f"{engine_name:10} {channel:4} {result['messages']:6} msgs "
                            f"{result['per_second']:8.1f}/s  worker cpu "
                            f"{result['cpu_ms']:.2f} ms/msg  commits/msg "
                            f"{result['commits_per_message']:.2f}")
                    if "probe_with_worker" in result:
                        alone, busy = result["probe_alone"], result["probe_with_worker"]
                        line += (f"  writer ms p50/p99/max alone {alone['p50']:.2f}/"
                                 f"{alone['p99']:.2f}/{alone['max']:.1f}, beside the worker "
                                 f"{busy['p50']:.2f}/{busy['p99']:.2f}/{busy['max']:.1f}")
                    print(line, flush=True)
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
