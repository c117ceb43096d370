"""The baseline for ``bench/log.py``: an endpoint that answers a constant inclusion proof.

``GET /bare?index=I&size=N`` answers the bytes of the file given with ``--body-file`` (an
inclusion proof docket served, so the answer is the same size) as ``application/json``,
without reading a database. It runs on the same stack and the same server settings as
``docket serve``: FastAPI, one uvicorn process started with ``uvicorn.run(app, host=...,
port=..., log_level="warning")``. What it leaves out is everything docket does for a
proof: the query parameters' validation, the session and its transaction, the one query
that reads the stored hashes, building the audit path, base64, docket's middlewares.

Run it on its own with::

    .venv/bin/python bench/bare_log_app.py --body-file /tmp/proof.json --port 8003
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/bare_log_app.py`` puts bench/ first on sys.path, where bench/queue.py would
# shadow the standard library's ``queue`` (which SQLAlchemy and asyncio import). Take it off.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response


def create_app(body: bytes) -> FastAPI:
    app = FastAPI(title="docket bench: bare log proof", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok"}

    @app.get("/bare")
    async def bare() -> Response:
        return Response(body, media_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a constant inclusion proof.")
    parser.add_argument("--body-file", required=True, help="the JSON answer to serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8003)
    args = parser.parse_args()

    import uvicorn

    with open(args.body_file, "rb") as f:
        body = f.read()
    # The same call `docket serve` makes: one process, uvicorn's default loop and parser.
    uvicorn.run(create_app(body), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
