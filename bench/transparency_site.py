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

The pages keep a period's report for as long as the log has not moved (no event
appended), as on a desk at rest: the first request of a page computes, the others read
what it computed. It prints milliseconds per page (the first, best and median) and each page's ratio to the baseline.
Figures, not assertions: exit 0 whatever they are, 1 when a run could not be made.

    .venv/bin/python bench/transparency_site.py --items 1000000 --engine sqlite
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

from docket.app import create_app
from docket.schema import upgrade
from docket.settings import Settings
from docket.store import make_engine


def _database_builder() -> Any:
    """bench/transparency.py as a module (bench/ is no package): its loader and databases."""
    spec = importlib.util.spec_from_file_location("bench_transparency", os.path.join(_BENCH_DIR, "transparency.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _time(client: TestClient, path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
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
        with TestClient(create_app(Settings(database_url=url))) as client:
            rows = client.get("/transparency/2026-H1/downloads/requests.json").json()
            by_country: Counter[str] = Counter()
            for row in rows:
                by_country[row["jurisdiction"]] += int(row["requests"])
            country = by_country.most_common(1)[0][0]
            pages = {"baseline: GET /static/docket.css": "/static/docket.css",
                     "GET /transparency": "/transparency",
                     f"GET /transparency/2026-H1/countries/{country}": f"/transparency/2026-H1/countries/{country}",
                     "GET …/downloads/google-detailed.csv": "/transparency/2026-H1/downloads/google-detailed.csv"}
            result["pages"] = {name: [round(t, 1) for t in _time(client, path, args.runs)]
                               for name, path in pages.items()}
    return result


def show(result: dict[str, Any]) -> None:
    print(f"\n{result['engine']}: {result['items']:,} decided items in 2026-H1, loaded in {result['load_seconds']} s")
    base = min(next(iter(result["pages"].values())))
    for name, times in result["pages"].items():
        print(f"  {name:55} first {times[0]:9.1f} ms   best {min(times):9.1f} ms   median "
              f"{statistics.median(times):9.1f} ms   {min(times) / base:8.0f}× the baseline")


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
