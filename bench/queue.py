"""Review-queue latency: ``GET /api/v1/queue`` with 100,000 open items, against the bare SQL.

The goal from the issue: ``GET /api/v1/queue`` stays under 50 ms median with 100,000
open items. For each database engine (SQLite, PostgreSQL or both) this script:

1. makes a fresh database (a temporary directory for SQLite; a new database
   ``docket_bench_queue_<random>`` on the ``--pg-url`` server for PostgreSQL, dropped
   afterwards), runs ``docket db upgrade`` and creates a submitter, a reviewer and the
   reviewer's token with the CLI,
2. bulk-loads ``--items`` open items (5 per request) with SQLAlchemy Core inserts through
   docket's models: six jurisdictions, five reasons (their severity classes read from the
   ``reasons`` table), about 2% emergencies, deadlines from one hour overdue to seven days
   ahead (``due_hour`` the hour the deadline falls in), received over the past week, about
   3% from a trusted flagger within its designation (``flag_rank`` 0), about a quarter of
   them cases with 1 to 25 distinct reporters (``crowd`` = -reporters); then ``ANALYZE``
   on PostgreSQL,
3. starts ``docket serve`` (one uvicorn process, rate limits lifted, the overdue job off),
   warms up, and times ``--requests`` sequential ``GET /api/v1/queue?limit=50`` calls with
   one keep-alive httpx client for each scenario: the whole queue, ``jurisdiction=KZ``,
   ``overdue=true``, the second page (``cursor=<next_cursor of the first>``) and the page
   in the middle of the queue (reached by following ``next_cursor`` with ``limit=200``),
4. times the baseline, the hand-written SQL for the same page run directly with
   SQLAlchemy on the same database (``docket.store.make_engine``, one read transaction per
   query, as docket opens for a GET), as many times::

       SELECT * FROM items WHERE queue_open = :open [AND <filter>]
       ORDER BY priority, severity, due_hour, flag_rank, crowd, received_at, id LIMIT 50

   (docket's queue order, ``QUEUE_ORDER`` in ``docket.review.service``, read through the
   index ``ix_items_queue`` or ``ix_items_queue_jurisdiction``; ``queue_open = :open``,
   bound to True, rather than a bare ``WHERE queue_open``: SQLite uses the queue index
   only for an equality; the later pages use a row-value comparison
   ``(priority, severity, due_hour, flag_rank, crowd, received_at, id) > (...)``, which
   both engines answer with an index range scan),
5. prints, per scenario, the API's median and p95, the SQL's median and p95 and the ratio
   API / SQL of the medians, and whether the goal (unfiltered queue, median < 50 ms) is
   met. It also checks that each API page holds the same items, in the same order, as
   the SQL's.

Figures, not assertions: the script exits 0 whether the goal is met or missed, 1 when a
run could not be made, 130 on Ctrl-C. Loopback only; every subprocess and database is
cleaned up on exit, error or Ctrl-C. ``--explain`` also prints the query plans of
docket's own queue query (captured from ``docket.review.service.queue``) and of the
baseline. Run it with the project's venv::

    .venv/bin/python bench/queue.py --engine sqlite --items 100000 --requests 200
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/queue.py`` puts bench/ first on sys.path, where this file would shadow
# the standard library's ``queue`` (imported by concurrent.futures, logging.handlers...).
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import contextlib
import datetime as dt
import functools
import math
import random
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import orjson
from sqlalchemy import bindparam, create_engine, event, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.sql.elements import TextClause

import docket.models  # noqa: F401  (every table, so the models' foreign keys resolve)
from docket.catalog.models import Reason
from docket.intake.models import Item, Request
from docket.store import READONLY, UTCDateTime, make_engine, make_sessionmaker, transaction, utcnow

DOCKET_MAIN = "from docket.cli import main; main()"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
GOAL_MS = 50.0
PAGE_SIZE = 50
WARMUP_REQUESTS = 20  # before the first scenario; each scenario adds a few of its own
SCENARIO_WARMUP = 3
WALK_LIMIT = 200  # the API's largest page; used to follow next_cursor to the middle page
SCENARIO_BUDGET = 120.0  # seconds per scenario and target; keeps a slow run bounded
REQUEST_TIMEOUT = 30.0
STARTUP_TIMEOUT = 60.0
CLI_TIMEOUT = 120.0

ITEMS_PER_REQUEST = 5
REQUESTS_PER_CHUNK = 1000  # 5000 items per insert
SEED = 20240611
JURISDICTIONS = {"KZ": 30, "TR": 20, "IN": 20, "DE": 10, "VN": 10, "BR": 10}  # weights
REASONS = ("hate_speech", "defamation", "government_criticism", "national_security",
           "child_safety")
EMERGENCY_SHARE = 0.02
TRUSTED_FLAGGER_SHARE = 0.03  # items with flag_rank 0: a trusted flagger within its designation
CROWD_SHARE = 0.25  # items that are cases with reporters (crowd < 0); the rest have crowd 0
MAX_REPORTERS = 25
HOUR = 3600.0

T = TypeVar("T")


# ----------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """One queue page: the API's query parameters and the baseline's extra condition."""

    name: str
    params: dict[str, str]
    sql_filter: str = ""  # appended to the baseline's WHERE clause
    start: str | None = None  # "page 2" or "middle": a page further down the unfiltered queue


# docket's queue order (QUEUE_ORDER) and the names the baseline binds a cursor's values to.
ORDER_COLUMNS = ("priority", "severity", "due_hour", "flag_rank", "crowd", "received_at", "id")
CURSOR_NAMES = ("p", "s", "h", "f", "c", "r", "i")
AFTER_CURSOR = (f"AND ({', '.join(ORDER_COLUMNS)}) > "
                f"({', '.join(':' + name for name in CURSOR_NAMES)})")
SCENARIOS = (
    Scenario("queue", {}),
    Scenario("jurisdiction=KZ", {"jurisdiction": "KZ"}, "AND jurisdiction = :jurisdiction"),
    Scenario("overdue=true", {"overdue": "true"}, "AND deadline_at < :now"),
    Scenario("page 2", {}, AFTER_CURSOR, start="page 2"),
    Scenario("middle page", {}, AFTER_CURSOR, start="middle"),
)


def start_rank(scenario: Scenario, items: int) -> int:
    """How many items of the unfiltered queue come before the scenario's page."""
    if scenario.start == "page 2":
        return PAGE_SIZE
    if scenario.start == "middle":  # a multiple of WALK_LIMIT, so the API can walk there
        return max(WALK_LIMIT, items // 2 // WALK_LIMIT * WALK_LIMIT)
    return 0


def baseline_sql(scenario: Scenario, prefix: str = "") -> TextClause:
    """The hand-written query for the scenario's page, timestamps bound as docket stores them."""
    sql = (f"{prefix}SELECT * FROM items WHERE queue_open = :open {scenario.sql_filter} "
           f"ORDER BY {', '.join(ORDER_COLUMNS)} LIMIT {PAGE_SIZE}")
    stamps = [bindparam(name, type_=UTCDateTime()) for name in ("now", "r")
              if re.search(rf":{name}\b", sql)]
    return text(sql).bindparams(*stamps)


def baseline_params(scenario: Scenario, cursor: tuple[Any, ...] | None) -> dict[str, Any]:
    params: dict[str, Any] = {"open": True, **scenario.params}
    if ":now" in scenario.sql_filter:
        params["now"] = utcnow()
    if scenario.start and cursor is not None:
        params.update(zip(CURSOR_NAMES, cursor, strict=True))
    return params


# ----------------------------------------------------------------- results


@dataclass
class Timing:
    """Latencies of one target on one scenario."""

    samples: list[float] = field(default_factory=list)  # seconds
    errors: Counter[str] = field(default_factory=Counter)
    error_sample: str | None = None
    budget_hit: bool = False

    def percentile(self, q: float) -> float | None:
        """The q-th quantile in milliseconds (nearest rank); the median for q = 0.5."""
        if not self.samples:
            return None
        if q == 0.5:
            return statistics.median(self.samples) * 1000
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] * 1000

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if self.error_sample is None:
            self.error_sample = f"{kind}: {detail[:300]}"

    def summary(self) -> dict[str, Any]:
        return {"runs": len(self.samples), "p50_ms": _round(self.percentile(0.5), 3),
                "p95_ms": _round(self.percentile(0.95), 3), "errors": dict(self.errors),
                "error_sample": self.error_sample, "budget_hit": self.budget_hit}


@dataclass
class ScenarioResult:
    scenario: Scenario
    api: Timing = field(default_factory=Timing)
    sql: Timing = field(default_factory=Timing)
    rows: int | None = None  # items on the API's page (the limit, unless the queue ends first)
    same_page: bool | None = None  # the API's page holds the SQL's items, in the same order
    plans: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        api, sql = self.api.percentile(0.5), self.sql.percentile(0.5)
        return api / sql if api is not None and sql else None


@dataclass
class EngineResult:
    engine: str
    items: int = 0
    load_seconds: float | None = None
    scenarios: list[ScenarioResult] = field(default_factory=list)
    server_log: list[str] = field(default_factory=list)
    failure: str | None = None

    @property
    def queue_median(self) -> float | None:
        return self.scenarios[0].api.percentile(0.5) if self.scenarios else None

    @property
    def goal_met(self) -> bool:
        median = self.queue_median
        return median is not None and median < GOAL_MS


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# ----------------------------------------------------------------- data


def fake_request(rng: random.Random, now: dt.datetime, submitter_id: int) -> dict[str, Any]:
    """A complete, open request: a weighted jurisdiction, one of five reasons, ~2% emergencies;
    ~3% from a trusted flagger within its designation (``flag_rank`` 0, for all its items)."""
    emergency = rng.random() < EMERGENCY_SHARE
    jurisdiction = rng.choices(tuple(JURISDICTIONS), weights=tuple(JURISDICTIONS.values()))[0]
    ahead = 24 * HOUR if emergency else 7 * 24 * HOUR
    deadline = now + dt.timedelta(seconds=rng.uniform(-HOUR, ahead))
    received = min(now - dt.timedelta(seconds=rng.uniform(0, 7 * 24 * HOUR)),
                   deadline - dt.timedelta(hours=1))
    hours = max(1, round((deadline - received).total_seconds() / HOUR))
    return {
        "submitter_id": submitter_id, "channel": "api", "jurisdiction": jurisdiction,
        "reference": None, "legal_basis": [], "reason": rng.choice(REASONS),
        "explanation": "Generated by bench/queue.py.", "requested_action": "restrict",
        "requested_scope": [jurisdiction], "confidential": False, "emergency": emergency,
        "emergency_explanation": "Imminent harm." if emergency else None, "bona_fide": True,
        "art16_notice": False, "status": "open", "missing": [], "received_at": received,
        "clock_started_at": received, "deadline_at": deadline,
        "clock_rule": {"hours": hours, "source": "default", "law": None, "emergency": emergency,
                       "restarts_on_clarification": False},
        "clarifications": 0,
        "_flag_rank": 0 if rng.random() < TRUSTED_FLAGGER_SHARE else 1,  # not a column
    }


def fake_item(request: dict[str, Any], request_id: int, position: int, n: int,
              now: dt.datetime, severity: int, reporters: int) -> dict[str, Any]:
    """An open item of ``request``, with the queue columns copied from it as intake does:
    ``severity`` is its reason's class, ``due_hour`` the hour its deadline falls in, and
    ``reporters`` the distinct reporters of the case (``crowd`` = -reporters)."""
    url = f"https://social.example/@user{n % 5000}/status/{n}"
    deadline: dt.datetime = request["deadline_at"]
    return {
        "request_id": request_id, "position": position, "content_id": None, "url": url,
        "normalized_url": url, "status": "received", "outcome": None,
        "created_at": request["received_at"], "jurisdiction": request["jurisdiction"],
        "reason": request["reason"], "priority": 0 if request["emergency"] else 1,
        "severity": severity, "due_hour": int(deadline.timestamp() // HOUR),
        "flag_rank": request["_flag_rank"], "crowd": -reporters,
        "report_count": reporters + (reporters // 3), "reporter_count": reporters,
        "deadline_at": deadline, "received_at": request["received_at"],
        "queue_open": True, "overdue": request["deadline_at"] < now, "assigned_to": None,
        "claim_expires_at": None, "policy_finding": None, "legal_finding": None,
        "rights_finding": None, "risk_flags": [], "decided_at": None, "scope": None,
    }


def fake_reporters(rng: random.Random) -> int:
    """Distinct reporters of an item: none for most, else 1 to 25, mostly few."""
    if rng.random() >= CROWD_SHARE:
        return 0
    return min(MAX_REPORTERS, 1 + int(rng.expovariate(1 / 3)))


def load_queue(url: str, *, submitter_id: int, items: int) -> int:
    """Insert ``items`` open items (5 per request) in one transaction; return the item count."""
    engine = make_engine(url)
    rng = random.Random(SEED)
    now = utcnow()
    made = 0
    try:
        with transaction(make_sessionmaker(engine)) as session:
            severities = {code: int(severity) for code, severity in session.execute(
                select(Reason.code, Reason.severity).where(Reason.code.in_(REASONS)))}
            if missing := sorted(set(REASONS) - set(severities)):
                raise RuntimeError(f"reasons not in the catalog: {', '.join(missing)}")
            while made < items:
                batch = [fake_request(rng, now, submitter_id) for _ in range(
                    min(REQUESTS_PER_CHUNK, math.ceil((items - made) / ITEMS_PER_REQUEST)))]
                ids = session.scalars(
                    insert(Request).returning(Request.id, sort_by_parameter_order=True),
                    [{k: v for k, v in r.items() if not k.startswith("_")} for r in batch],
                ).all()
                rows = []
                for request, request_id in zip(batch, ids, strict=True):
                    for position in range(min(ITEMS_PER_REQUEST, items - made)):
                        rows.append(fake_item(request, request_id, position, made, now,
                                              severities[request["reason"]], fake_reporters(rng)))
                        made += 1
                session.execute(insert(Item), rows)
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM items WHERE queue_open = :t"),
                                    {"t": True}).scalar_one())
    finally:
        engine.dispose()


# ----------------------------------------------------------------- timing


def time_runs(timing: Timing, runs: int, call: Callable[[], T],
              check: Callable[[T], object]) -> None:
    """Time ``runs`` sequential calls of ``call``, within the budget.

    ``check`` runs on each result after the clock stops and raises if it is wrong; a
    failed call counts as an error, not as a sample."""
    stop_at = time.monotonic() + SCENARIO_BUDGET
    for _ in range(runs):
        if time.monotonic() > stop_at:
            timing.budget_hit = True
            return
        began = time.perf_counter()
        try:
            value = call()
            elapsed = time.perf_counter() - began
            check(value)
        except (httpx.HTTPError, OSError, ValueError, RuntimeError) as exc:
            timing.error(type(exc).__name__, str(exc))
            continue
        timing.samples.append(elapsed)


def fetch_page(client: httpx.Client, params: dict[str, str],
               limit: int = PAGE_SIZE) -> httpx.Response:
    """One ``GET /api/v1/queue`` (the body read in full)."""
    return client.get("/api/v1/queue", params={"limit": str(limit), **params})


def check_page(response: httpx.Response, limit: int = PAGE_SIZE) -> dict[str, Any]:
    """The page in ``response``; raises unless it is a 200 with 1 to ``limit`` items."""
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")
    page: dict[str, Any] = orjson.loads(response.content)
    if not 0 < len(page["items"]) <= limit:
        raise RuntimeError(f"{len(page['items'])} items on the page, expected 1 to {limit}")
    return page


def get_page(client: httpx.Client, params: dict[str, str],
             limit: int = PAGE_SIZE) -> dict[str, Any]:
    return check_page(fetch_page(client, params, limit), limit)


def api_cursor(client: httpx.Client, rank: int) -> str:
    """The API's cursor after the first ``rank`` items, reached by following next_cursor."""
    limit = min(rank, WALK_LIMIT)
    stop_at = time.monotonic() + SCENARIO_BUDGET
    cursor: str | None = None
    for _ in range(rank // limit):
        if time.monotonic() > stop_at:
            raise RuntimeError(f"following next_cursor to item {rank:,} took over "
                               f"{SCENARIO_BUDGET:.0f} s")
        page = get_page(client, {"cursor": cursor} if cursor else {}, limit)
        cursor = page["next_cursor"]
        if len(page["items"]) < limit or not cursor:
            raise RuntimeError(f"the queue ended before item {rank:,}")
    assert cursor is not None
    return cursor


def time_api(client: httpx.Client, results: list[ScenarioResult], runs: int,
             items: int) -> dict[str, list[int]]:
    """Warm up, then time every scenario through the API; return the item ids of each page."""
    for _ in range(WARMUP_REQUESTS):
        get_page(client, {})
    pages: dict[str, list[int]] = {}
    for result in results:
        params = dict(result.scenario.params)
        try:
            if rank := start_rank(result.scenario, items):
                params["cursor"] = api_cursor(client, rank)
            for _ in range(SCENARIO_WARMUP):
                page = get_page(client, params)
        except (httpx.HTTPError, RuntimeError, ValueError) as exc:
            result.api.error(type(exc).__name__, f"before timing: {exc}")
            continue
        pages[result.scenario.name] = [item["id"] for item in page["items"]]
        result.rows = len(page["items"])
        time_runs(result.api, runs, functools.partial(fetch_page, client, params), check_page)
    return pages


def time_sql(engine: Engine, results: list[ScenarioResult], runs: int, items: int,
             api_pages: dict[str, list[int]]) -> None:
    """Time the baseline query of every scenario; compare its page with the API's."""

    def run(scenario: Scenario, cursor: tuple[Any, ...] | None) -> list[Any]:
        # One read transaction per query, as docket opens for each GET.
        with engine.connect().execution_options(**READONLY) as conn:
            return list(conn.execute(baseline_sql(scenario),
                                     baseline_params(scenario, cursor)).all())

    def check(rows: list[Any]) -> None:
        if not rows:
            raise RuntimeError("no rows")

    for _ in range(WARMUP_REQUESTS):
        run(SCENARIOS[0], None)
    for result in results:
        rank = start_rank(result.scenario, items)
        cursor = cursor_at(engine, rank) if rank else None
        ids = [row.id for row in run(result.scenario, cursor)]
        if result.scenario.name in api_pages:
            result.same_page = ids == api_pages[result.scenario.name]
        time_runs(result.sql, runs, functools.partial(run, result.scenario, cursor), check)


def cursor_at(engine: Engine, rank: int) -> tuple[Any, ...]:
    """The queue-order key (ORDER_COLUMNS) of the ``rank``-th item of the queue."""
    order = [getattr(Item, name) for name in ORDER_COLUMNS]
    query = (select(*order).where(Item.queue_open.is_(True))
             .order_by(*order).offset(rank - 1).limit(1))
    with engine.connect() as conn:
        return tuple(conn.execute(query).one())


# ----------------------------------------------------------------- plans


def docket_statement(engine: Engine, scenario: Scenario, items: int) -> tuple[str, Any]:
    """The SQL and parameters docket's queue service sends for ``scenario`` (for EXPLAIN)."""
    from docket.parties.auth import Principal
    from docket.parties.models import Role
    from docket.review import service

    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM items" in statement:
            captured.append((statement, parameters))

    after = None
    if rank := start_rank(scenario, items):
        *ints, r, i = cursor_at(engine, rank)
        after = (*(int(v) for v in ints), r, int(i))
    principal = Principal(token_id=0, user_id=0, roles=frozenset({Role.reviewer}))
    event.listen(engine, "before_cursor_execute", capture)
    try:
        with make_sessionmaker(engine)() as session:
            service.queue(session=session, principal=principal, now=utcnow(),
                          jurisdiction=scenario.params.get("jurisdiction"),
                          overdue=True if scenario.params.get("overdue") else None,
                          after=after, limit=PAGE_SIZE + 1)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    if not captured:
        raise RuntimeError("docket's queue query was not seen")
    return captured[-1]


def explain(engine: Engine, results: list[ScenarioResult], items: int) -> None:
    """Attach the plans of docket's queue query and of the baseline to each scenario."""
    pg = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
    for result in results:
        scenario = result.scenario
        rank = start_rank(scenario, items)
        cursor = cursor_at(engine, rank) if rank else None
        with engine.connect().execution_options(**READONLY) as conn:
            try:
                statement, params = docket_statement(engine, scenario, items)
                rows = conn.exec_driver_sql(prefix + statement, params).all()
                result.plans["docket"] = _plan_text(rows, pg)
            except Exception as exc:  # internals may change under us; the plan is optional
                result.plans["docket"] = f"(not available: {type(exc).__name__}: {exc})"
            rows = conn.execute(baseline_sql(scenario, prefix),
                                baseline_params(scenario, cursor)).all()
            result.plans["baseline"] = _plan_text(rows, pg)
            conn.rollback()


def _plan_text(rows: list[Any], pg: bool) -> str:
    return "\n".join(str(row[0]) if pg else f"{row[1]:>3} {row[2]:>3} {row[3]}" for row in rows)


# ----------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(database_url: str) -> dict[str, str]:
    """The environment for docket's CLI and server: no inherited DOCKET_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update({
        "DOCKET_DATABASE_URL": database_url,
        "DOCKET_SECRET_KEY": secrets.token_urlsafe(48),
        "DOCKET_RATE_LIMITS": "*=100000000",
        "DOCKET_DEADLINE_CHECK_SECONDS": "0",
        "DOCKET_LOG_LEVEL": "WARNING",
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


@contextlib.contextmanager
def docket_server(env: dict[str, str], workdir: Path, log: Path) -> Iterator[str]:
    """``docket serve`` on a free loopback port until the block ends; yields its base URL."""
    port = free_port()
    argv = [sys.executable, "-c", DOCKET_MAIN, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        # A new session: Ctrl-C reaches only this script, which then stops the server itself.
        proc = subprocess.Popen(argv, env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"docket serve exited with {proc.returncode}:\n{tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"docket serve not ready after {STARTUP_TIMEOUT:.0f} s:\n"
                                   f"{tail(log)}")
            time.sleep(0.1)
        yield base
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


def log_problems(log: Path) -> list[str]:
    """Lines the server logged beyond its start-up banner (it runs at WARNING)."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if line.strip() and not line.startswith("docket listening")]


# ----------------------------------------------------------------- databases


@contextlib.contextmanager
def fresh_database(engine: str, pg_url: str, workdir: Path) -> Iterator[str]:
    """A new, empty database for one engine, removed when the block ends."""
    if engine == "sqlite":
        yield f"sqlite:///{workdir / 'docket.db'}"
        return  # the file goes with workdir
    name = f"docket_bench_queue_{secrets.token_hex(6)}"
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


# ----------------------------------------------------------------- one engine


def run_engine(engine: str, args: argparse.Namespace) -> EngineResult:
    result = EngineResult(engine)
    result.scenarios = [ScenarioResult(s) for s in SCENARIOS]
    workdir = Path(tempfile.mkdtemp(prefix=f"docket-bench-queue-{engine}-"))
    try:
        with fresh_database(engine, args.pg_url, workdir) as url:
            env = base_env(url)
            print(f"[{engine}] preparing a fresh database", flush=True)
            docket_cli(env, workdir, "db", "upgrade")
            submitter = docket_cli(env, workdir, "submitter", "add", "--name", "Bench Ministry",
                                   "--kind", "government_agency", "--country", "KZ")
            docket_cli(env, workdir, "user", "add", "--email", "reviewer@bench.example",
                       "--role", "reviewer")
            token = docket_cli(env, workdir, "token", "create",
                               "--user", "reviewer@bench.example")["token"]

            print(f"[{engine}] loading {args.items:,} open items", flush=True)
            began = time.perf_counter()
            result.items = load_queue(url, submitter_id=submitter["submitter"]["id"],
                                      items=args.items)
            result.load_seconds = time.perf_counter() - began
            print(f"[{engine}] loaded {result.items:,} items in {result.load_seconds:.1f} s",
                  flush=True)

            log = workdir / "server.log"
            with docket_server(env, workdir, log) as base:
                print(f"[{engine}] timing {args.requests} GETs per scenario at {base}", flush=True)
                headers = {"Authorization": f"Bearer {token}"}
                with httpx.Client(base_url=base, headers=headers,
                                  timeout=REQUEST_TIMEOUT) as client:
                    api_pages = time_api(client, result.scenarios, args.requests, result.items)
            result.server_log = log_problems(log)

            print(f"[{engine}] timing the baseline SQL", flush=True)
            db = make_engine(url)
            try:
                time_sql(db, result.scenarios, args.requests, result.items, api_pages)
                if args.explain:
                    explain(db, result.scenarios, result.items)
            finally:
                db.dispose()
    except (RuntimeError, OSError, subprocess.SubprocessError, httpx.HTTPError) as exc:
        result.failure = str(exc)
    except Exception as exc:  # e.g. the PostgreSQL server is unreachable
        result.failure = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


# ----------------------------------------------------------------- output


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def report(results: list[EngineResult], args: argparse.Namespace) -> None:
    print()
    print(f"{args.requests} sequential GETs per scenario (one keep-alive httpx client) after "
          f"{WARMUP_REQUESTS} warm-up; limit={PAGE_SIZE}; baseline: the hand-written SQL, "
          "same runs")
    print()
    header = (f"{'engine':<11}{'scenario':<17}{'api p50':>9}{'api p95':>9}{'sql p50':>9}"
              f"{'sql p95':>9}{'api/sql':>9}{'rows':>6}  same page")
    print(header + "   (ms)")
    print("-" * len(header))
    for r in results:
        if r.failure:
            print(f"{r.engine:<11}FAILED: {r.failure.splitlines()[0]}")
            continue
        for s in r.scenarios:
            same = "-" if s.same_page is None else "yes" if s.same_page else "NO"
            print(f"{r.engine:<11}{s.scenario.name:<17}{_fmt(s.api.percentile(0.5)):>9}"
                  f"{_fmt(s.api.percentile(0.95)):>9}{_fmt(s.sql.percentile(0.5)):>9}"
                  f"{_fmt(s.sql.percentile(0.95)):>9}{_fmt(s.ratio, '.1f'):>9}"
                  f"{_fmt(s.rows, 'd'):>6}  {same}")
    notes = list(_notes(results))
    if notes:
        print()
        for note in notes:
            print(f"note: {note}")
    for r in results:
        for s in r.scenarios:
            for target, plan in s.plans.items():
                print(f"\n[{r.engine}] plan of {target} query, {s.scenario.name}:\n{plan}")
    print()
    for r in results:
        if r.failure:
            print(f"{r.engine}: failed:\n{r.failure}")
        else:
            print(f"{r.engine}: {r.items:,} open items; goal: median < {GOAL_MS:.0f} ms: "
                  f"{'met' if r.goal_met else 'missed'} ({_fmt(r.queue_median)} ms)")


def _notes(results: list[EngineResult]) -> Iterator[str]:
    for r in results:
        for s in r.scenarios:
            for target, timing in (("api", s.api), ("sql", s.sql)):
                where = f"{r.engine}/{s.scenario.name}/{target}"
                if timing.errors:
                    kinds = ", ".join(f"{k} x{n}" for k, n in timing.errors.most_common())
                    yield (f"{where}: {sum(timing.errors.values())} errors ({kinds}); "
                           f"e.g. {timing.error_sample}")
                if timing.budget_hit:
                    yield (f"{where}: stopped after {SCENARIO_BUDGET:.0f} s with "
                           f"{len(timing.samples)} runs")
            median = s.api.percentile(0.5)
            if s is not r.scenarios[0] and median is not None and median >= GOAL_MS:
                yield (f"{r.engine}/{s.scenario.name}: the API's median is {median:.1f} ms, over "
                       f"{GOAL_MS:.0f} ms (the goal names the unfiltered first page only)")
            if s.same_page is False:
                yield (f"{r.engine}/{s.scenario.name}: the API's page differs from the SQL's "
                       "(different order or filter)")
        for line in r.server_log[:10]:
            yield f"{r.engine}: server logged: {line[:200]}"


def json_summary(results: list[EngineResult], args: argparse.Namespace) -> dict[str, Any]:
    measured = [r for r in results if not r.failure]
    return {
        "requests": args.requests, "items": args.items, "limit": PAGE_SIZE,
        "goal_median_ms": GOAL_MS, "cpus": os.cpu_count(),
        "engines": {
            r.engine: {
                "items": r.items, "load_seconds": _round(r.load_seconds, 2),
                "scenarios": {
                    s.scenario.name: {"api": s.api.summary(), "sql": s.sql.summary(),
                                      "ratio": _round(s.ratio, 2), "rows": s.rows,
                                      "same_page": s.same_page}
                    for s in r.scenarios
                },
                "queue_median_ms": _round(r.queue_median, 3), "goal_met": r.goal_met,
                "server_log": r.server_log[:10], "failure": r.failure,
            } for r in results
        },
        "goal_met": bool(measured) and all(r.goal_met for r in measured),
    }


# ----------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time GET /api/v1/queue on a large generated queue against the bare SQL.")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--items", type=int, default=100_000, help="open items to generate")
    parser.add_argument("--requests", type=int, default=200,
                        help="timed GETs (and baseline queries) per scenario")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="a PostgreSQL server to make a throw-away database on "
                             f"(default {DEFAULT_PG_URL})")
    parser.add_argument("--explain", action="store_true",
                        help="also print the query plans of docket's query and the baseline")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args(argv)
    if not 2 * WALK_LIMIT <= args.items <= 10_000_000:
        parser.error(f"--items must be between {2 * WALK_LIMIT} and 10000000")
    if not 1 <= args.requests <= 100_000:
        parser.error("--requests must be between 1 and 100000")
    if not args.pg_url.startswith(("postgresql://", "postgresql+psycopg://")):
        parser.error("--pg-url must be a postgresql:// or postgresql+psycopg:// URL")
    args.pg_url = args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
    host = make_url(args.pg_url).host
    if args.engine != "sqlite" and host not in (None, "", "127.0.0.1", "localhost", "::1"):
        parser.error("--pg-url must point at a loopback server")
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
        print("\ninterrupted; server stopped and databases removed", file=sys.stderr)
        return 130
    report(results, args)
    if args.json:
        print(orjson.dumps(json_summary(results, args)).decode())
    return 1 if any(r.failure for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
