"""Sign-in timing: does a wrong password of a real account take as long as an unknown
e-mail, and what do the security headers cost a response?

(a) ``POST /sign-in`` through the whole app (in-process, Starlette's TestClient, the real
    argon2 parameters) for a wrong password of an existing account and for an e-mail
    that has no account, alternating, each attempt from a fresh client address (so none
    is throttled); then both again once their (address, account) pair is throttled.
    Reports the median, the 10th and 90th percentiles in ms, and the ratio of the medians.
(b) ``docket.web.headers.SecurityHeaders`` around a bare ASGI app that answers at once,
    against the bare app alone: microseconds per response.

Figures, not assertions (the tests check equal work structurally: one argon2 check and
the same SQL statements; tests/web/test_throttle.py). Run with the project's venv::

    .venv/bin/python bench/sign_in.py
    .venv/bin/python bench/sign_in.py --samples 60 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/docket_bench
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/sign_in.py`` puts bench/ first on sys.path, where bench/queue.py would
# shadow the standard library's ``queue``.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import asyncio
import logging
import re
import statistics
import tempfile
import time
from typing import Any

PASSWORD = "correct horse battery staple"
KNOWN, UNKNOWN = "ada@bench.example", "nob@bench.example"
SECRET = "bench-secret-0123456789abcdef-0123456789"


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return f"median {statistics.median(ordered):7.1f}  p10 {pick(0.1):7.1f}  p90 {pick(0.9):7.1f}"


def sign_in_timings(database_url: str, samples: int) -> None:
    from fastapi.testclient import TestClient

    from docket import schema, store
    from docket.app import create_app
    from docket.parties import service as parties
    from docket.settings import Settings

    logging.disable(logging.INFO)
    engine = store.make_engine(database_url)
    schema.upgrade(engine)
    with store.transaction(store.make_sessionmaker(engine)) as session:
        if parties.get_user_by_email(session=session, email=KNOWN) is None:
            parties.create_user(session=session, actor="bench", email=KNOWN, roles=["reviewer"],
                                password=PASSWORD)
    app = create_app(Settings(database_url=database_url, secret_key=SECRET, run_worker=False,
                              deadline_check_seconds=0), engine=engine)
    csrf = re.compile(r'name="csrf_token" value="([^"]+)"')
    run = time.time_ns()

    def attempt(address: str, email: str) -> tuple[int, float]:
        # No lifespan (no ``with``): nothing sign-in needs is started there.
        browser = TestClient(app, client=(address, 50000))
        token = csrf.search(browser.get("/sign-in").text).group(1)  # type: ignore[union-attr]
        start = time.perf_counter()
        response = browser.post("/sign-in", data={"email": email, "password": "wrong guess",
                                                  "csrf_token": token})
        return response.status_code, (time.perf_counter() - start) * 1000

    times: dict[tuple[str, int], list[float]] = {}
    for n in range(samples):  # alternate, so that a drift of the machine hits both alike
        for email in (KNOWN, UNKNOWN) if n % 2 else (UNKNOWN, KNOWN):
            status, ms = attempt(f"fresh-{run}-{n}-{email}", email)
            times.setdefault((email, status), []).append(ms)
    for email in (KNOWN, UNKNOWN):  # one pair each, failed four times: it waits 15 s
        for _ in range(4):
            attempt(f"blocked-{run}-{email}", email)
    for n in range(samples):
        for email in (KNOWN, UNKNOWN) if n % 2 else (UNKNOWN, KNOWN):
            status, ms = attempt(f"blocked-{run}-{email}", email)
            if status == 429:  # past the 15 s the attempt was checked: not a throttled one
                times.setdefault((email, status), []).append(ms)
    print(f"sign-in on {engine.dialect.name}, {samples} samples each, ms per POST /sign-in:")
    for status in (401, 429):
        known, unknown = times.get((KNOWN, status), []), times.get((UNKNOWN, status), [])
        if known and unknown:
            print(f"  {status} wrong password ({len(known):3d}): {_percentiles(known)}")
            print(f"  {status} unknown e-mail ({len(unknown):3d}): {_percentiles(unknown)}")
            print(f"  {status} ratio of medians (unknown / known): "
                  f"{statistics.median(unknown) / statistics.median(known):.3f}")
    engine.dispose()


def header_cost(calls: int) -> None:
    from docket.web.headers import SecurityHeaders

    async def bare(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"{}"})

    wrapped = SecurityHeaders(bare, https=False)
    scope = {"type": "http", "path": "/api/v1/visibility", "scheme": "http", "root_path": ""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        pass

    async def loop(app: Any) -> float:
        start = time.perf_counter()
        for _ in range(calls):
            await app(scope, receive, send)
        return (time.perf_counter() - start) / calls * 1e6

    best = {"bare": float("inf"), "with headers": float("inf")}
    for _ in range(5):
        best["bare"] = min(best["bare"], asyncio.run(loop(bare)))
        best["with headers"] = min(best["with headers"], asyncio.run(loop(wrapped)))
    print(f"security headers, best of 5 x {calls} calls, µs per response: bare "
          f"{best['bare']:.2f}, with headers {best['with headers']:.2f}, "
          f"cost {best['with headers'] - best['bare']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sign_in_timings(args.database_url or f"sqlite:///{tmp}/bench.db", args.samples)
    header_cost(args.calls)


if __name__ == "__main__":
    main()
