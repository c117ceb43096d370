"""The public transparency site's pages over the million-item benchmark database.

Builds the database of bench/transparency.py (``--items`` decided items received in
2026-H1, bulk-loaded; see that file), starts the application on it in process (the ASGI
app through Starlette's test client: no network, no server), and times, ``--runs`` times
each, in the same run:

- the baseline: a static file (``GET /static/docket.css``), the cost of a request through
  the application's middleware and nothing else;
- ``GET /transparency`` (the current period: the whole period report, its checkpoint, the
  archive and the HTML);
- ``GET /transparency/2026-H1/countries/CC`` for the country with the most requests;
- ``GET /transparency/2026-H1/downloads/google-detailed.csv``.

Each page is timed two ways (issue 21, point 3), side by side:

- computed: no stored report for 2026-H1 (the rows of ``transparency_snapshots`` deleted
  before each request, outside the timing), so the page computes the period's report over
  a checkpoint of the log and stores it: what the first reader paid before the worker
  stored reports ahead (and what every process paid after each new event);
- stored: after one round of the worker's job (``TransparencyJobs``, timed too), the page
  reads the stored report.

It prints milliseconds per page (best and median of each way), the ratio of the two, and
each stored page's ratio to the baseline. Figures, not assertions: exit 0 whatever they
are, 1 when a run could not be made.

    .venv/bin/python bench/transparency_site.py --items 20000 --engine both      # a quick look
    .venv/bin/python bench/transparency_site.py --items 1000000 --engine both    # the issue's size
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import importlib.util
import json
import statistics
import time
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete

from docket.app import create_app
from docket.jobs import TransparencyJobs
from docket.schema import upgrade
from docket.settings import Settings
from docket.store import make_engine, transaction
from docket.transparency.models import TransparencySnapshot


def _database_builder() -> Any:
    """bench/transparency.py as a module (bench/ is no package): its loader and databases."""
    spec = importlib.util.spec_from_file_location("bench_transparency", os.path.join(_BENCH_DIR, "transparency.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _time(client: TestClient, path: str, runs: int, before: Any = None) -> list[float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:200]}")
    return times


def run_engine(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    builder = _database_builder()
    result: dict[str, Any] = {"engine": kind, "items": args.items}
    with builder.fresh_database(kind, args.pg_url) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            started = time.perf_counter()
            result["rows"] = builder.load(engine, args.items, lambda n: print(
                f"\r  {kind}: loaded {n:,} items", end="", file=sys.stderr, flush=True))
            result["load_seconds"] = round(time.perf_counter() - started, 1)
            print(file=sys.stderr)
        finally:
            engine.dispose()
        # The worker's rounds only when the bench runs one (timed): none in the background.
        settings = Settings(database_url=url, transparency_seconds=0)
        with TestClient(create_app(settings)) as client:
            factory = client.app.state.sessionmaker  # type: ignore[attr-defined]

            def forget() -> None:
                with transaction(factory) as session:
                    session.execute(delete(TransparencySnapshot))

            rows = client.get("/transparency/2026-H1/downloads/requests.json").json()
            by_country: Counter[str] = Counter()
            for row in rows:
                by_country[row["jurisdiction"]] += int(row["requests"])
            country = by_country.most_common(1)[0][0]
            pages = {"baseline: GET /static/docket.css": "/static/docket.css",
                     "GET /transparency": "/transparency",
                     f"GET /transparency/2026-H1/countries/{country}": f"/transparency/2026-H1/countries/{country}",
                     "GET …/downloads/google-detailed.csv": "/transparency/2026-H1/downloads/google-detailed.csv"}
            computed = {name: [round(t, 1) for t in _time(client, path, args.runs, None if path.startswith("/static")
                                                          else forget)] for name, path in pages.items()}
            forget()
            started = time.perf_counter()
            done = TransparencyJobs(factory, settings).run_once()
            result["worker_round_ms"] = round((time.perf_counter() - started) * 1000, 1)
            result["worker_round"] = done
            stored = {name: [round(t, 1) for t in _time(client, path, args.runs)] for name, path in pages.items()}
            result["pages"] = {name: {"computed": computed[name], "stored": stored[name]} for name in pages}
    return result


def show(result: dict[str, Any]) -> None:
    print(f"\n{result['engine']}: {result['items']:,} decided items in 2026-H1, loaded in {result['load_seconds']} s; "
          f"the worker's round stored {result['worker_round']} in {result['worker_round_ms']:.1f} ms")
    base = min(next(iter(result["pages"].values()))["stored"])
    print(f"  {'':50} {'computed: best':>15} {'median':>9}   {'stored: best':>13} {'median':>9}   "
          f"{'computed/stored':>15}   {'stored/baseline':>15}")
    for name, both in result["pages"].items():
        computed, stored = both["computed"], both["stored"]
        print(f"  {name:50} {min(computed):12.1f} ms {statistics.median(computed):9.1f}   "
              f"{min(stored):10.1f} ms {statistics.median(stored):9.1f}   "
              f"{min(computed) / min(stored):14.0f}×   {min(stored) / base:14.0f}×")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--items", type=int, default=1_000_000, help="decided items to load (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed requests of each page (default 3)")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    args = parser.parse_args(argv)
    results = []
    for kind in ("sqlite", "postgresql") if args.engine == "both" else (args.engine,):
        try:
            results.append(run_engine(kind, args))
        except Exception as exc:  # a run that could not be made: say why, go on with the next
            results.append({"engine": kind, "failure": f"{type(exc).__name__}: {exc}"})
            print(f"\n{kind}: could not run: {results[-1]['failure']}")
            continue
        if not args.json:
            show(results[-1])
    if args.json:
        print(json.dumps({"results": results}))
    return 1 if any("failure" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
