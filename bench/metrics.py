"""What the request-id/metrics middleware (docket.ops.middleware.Observe) costs
each request.

It builds docket's application on a fresh SQLite database with a platform token, then
calls the application's ASGI stack directly (no server, no sockets: only the
application's own cost is measured) with ``GET /api/v1/visibility`` -- docket's hottest
and cheapest route (an in-memory look-up, the token from the in-memory cache) -- in
three variants, in turns within the same run:

  baseline   the stack below Observe (everything docket runs, minus the middleware)
  observed   the whole stack as served: request id, latency histogram
  + access   the whole stack with DOCKET_ACCESS_LOG on, the JSON lines to a null stream

Each round times ``--requests`` calls of each variant; the figure per variant is the
median of ``--rounds`` rounds, in µs per request, and the ratio is against the baseline
of the same run. Usage::

    .venv/bin/python bench/metrics.py [--requests 20000] [--rounds 7]
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/metrics.py`` puts bench/ first on sys.path, where bench/queue.py would shadow
# the standard library's ``queue`` (which SQLAlchemy and asyncio import). Take it off.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import asyncio
import io
import statistics
import tempfile
import time
from typing import Any

from docket import schema, store
from docket.app import create_app
from docket.ops import logs
from docket.ops.middleware import Observe
from docket.parties import service as parties
from docket.settings import Settings


def _app(url: str, engine: Any, *, access_log: bool) -> Any:
    settings = Settings(database_url=url, secret_key="b" * 40, run_worker=False,
                        access_log=access_log, log_format="json", token_cache_seconds=300,
                        platform_rate_limit=1_000_000_000)  # counted, never refused
    app = create_app(settings, engine=engine)
    logs.configure(level="INFO", fmt="json", stream=io.StringIO())  # lines made, not kept
    return app


async def _time(app: Any, stack: Any, token: str, n: int) -> float:
    """Seconds for ``n`` calls of ``stack``."""
    headers = [(b"authorization", f"Bearer {token}".encode()), (b"host", b"bench")]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"status {message['status']}")

    start = time.perf_counter()
    for i in range(n):
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": "/api/v1/visibility",
                 "raw_path": b"/api/v1/visibility", "root_path": "",
                 "query_string": f"content_id=post-{i % 1000}&country=KZ".encode(),
                 "headers": headers, "client": ("127.0.0.1", 5000), "server": ("bench", 80),
                 "app": app}  # as FastAPI.__call__ sets it
        await stack(scope, receive, send)
    return time.perf_counter() - start


async def main(requests: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        engine = store.make_engine(url)
        schema.upgrade(engine)
        with store.transaction(store.make_sessionmaker(engine)) as s:
            user = parties.create_user(session=s, actor="bench", email="platform@bench.example",
                                       roles=["platform"])
            _, token = parties.create_token(session=s, actor="bench", user=user)
        plain, with_access = _app(url, engine, access_log=False), _app(url, engine, access_log=True)
        observed, logged = plain.build_middleware_stack(), with_access.build_middleware_stack()
        assert isinstance(observed, Observe) and isinstance(logged, Observe)
        variants = {"baseline": (plain, observed.app), "observed": (plain, observed),
                    "+ access": (with_access, logged)}
        for app, stack in variants.values():  # warm up: the token cache, the label cache
            await _time(app, stack, token, 2000)
        took: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, (app, stack) in variants.items():
                took[name].append(await _time(app, stack, token, requests) / requests * 1e6)
        engine.dispose()
        # The middleware alone, around an app that answers at once: its own cost, with
        # little of the machine's noise.
        async def empty(scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        alone = Observe(empty, metrics=plain.state.metrics, routes=lambda: [], access_log=False)
        bare: dict[str, list[float]] = {"empty app": [], "Observe(empty app)": []}
        for _ in range(rounds):
            for name, stack in (("empty app", empty), ("Observe(empty app)", alone)):
                seconds = await _time(plain, stack, token, requests * 5)
                bare[name].append(seconds / requests / 5 * 1e6)
    _table(f"GET /api/v1/visibility through docket's stack, {requests} calls x {rounds} rounds",
           took, "baseline")
    _table(f"an empty ASGI app, {requests * 5} calls x {rounds} rounds", bare, "empty app")


def _table(title: str, took: dict[str, list[float]], baseline: str) -> None:
    print(f"\n{title} (µs per request; median and best of the rounds)")
    print(f"{'variant':<20}{'median':>8}{'ratio':>7}{'added':>7}{'best':>8}{'ratio':>7}{'added':>7}")
    base, base_best = statistics.median(took[baseline]), min(took[baseline])
    for name, values in took.items():
        median, best = statistics.median(values), min(values)
        print(f"{name:<20}{median:>8.1f}{median / base:>7.3f}{median - base:>7.1f}"
              f"{best:>8.1f}{best / base_best:>7.3f}{best - base_best:>7.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.rounds))
