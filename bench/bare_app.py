"""The baseline for ``bench/intake.py``: one endpoint that does one durable insert per request.

``POST /bare`` parses a JSON body shaped like a docket request (the same item list),
inserts one row into ``bench_bare`` and answers 201 once the transaction has
committed. It runs on the same stack as docket: FastAPI, uvicorn (one process),
docket's own ``make_engine``/``make_sessionmaker`` (SQLite in WAL mode with
``BEGIN IMMEDIATE``, or a PostgreSQL pool) and docket's per-request transaction
dependency ``docket.deps.Db``, which commits before the response is sent. What it
leaves out is everything docket does on top: authentication, rate limits, catalog
checks, URL normalisation, content look-ups, the clock, the audit chain.

Run it on its own with::

    .venv/bin/python bench/bare_app.py --database-url sqlite:////tmp/bare.db --port 8001

or under uvicorn with the URL in ``BENCH_DATABASE_URL``::

    BENCH_DATABASE_URL=sqlite:////tmp/bare.db .venv/bin/python -m uvicorn --factory \\
        bench.bare_app:app_from_env --port 8001 --log-level warning
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/bare_app.py`` puts bench/ first on sys.path, where bench/queue.py would shadow
# the standard library's ``queue`` (which SQLAlchemy and asyncio import). Take it off.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, status
from pydantic import BaseModel, Field
from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert
from sqlalchemy.engine import Engine

from docket.deps import Db
from docket.runtime import Runtime
from docket.store import UTCDateTime, make_engine, make_sessionmaker, utcnow

DATABASE_URL_ENV = "BENCH_DATABASE_URL"

metadata = MetaData()

bench_bare = Table(
    "bench_bare",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


class BareItem(BaseModel):
    url: str = Field(max_length=2048)


class BareBody(BaseModel):
    """The shape of a docket request body, without docket's checks."""

    jurisdiction: str = Field(max_length=2)
    legal_basis: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    reason: str = Field(max_length=40)
    explanation: str | None = Field(default=None, max_length=10_000)
    items: list[BareItem] = Field(min_length=1, max_length=1000)


def create_app(database_url: str, *, engine: Engine | None = None) -> FastAPI:
    """The bare app on ``database_url``; creates ``bench_bare`` on start-up if missing."""
    engine = engine or make_engine(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        metadata.create_all(engine)
        yield
        engine.dispose()

    app = FastAPI(title="docket bench: bare insert", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.runtime = runtime = Runtime()  # as create_app: docket.deps.Db reads it
    app.state.sessionmaker = make_sessionmaker(engine, runtime)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "database": engine.dialect.name}

    @app.post("/bare", status_code=status.HTTP_201_CREATED)
    def bare(body: BareBody, db: Db) -> dict[str, Any]:
        """One row, committed (by ``Db``) before the 201 is sent."""
        result = db.execute(
            insert(bench_bare).values(body=body.model_dump(mode="json"), created_at=utcnow())
        )
        return {"id": result.inserted_primary_key[0], "items": len(body.items)}

    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: the database URL comes from ``BENCH_DATABASE_URL``."""
    url = os.environ.get(DATABASE_URL_ENV)
    if not url:
        raise SystemExit(f"bare_app: set {DATABASE_URL_ENV} to an SQLAlchemy URL")
    return create_app(url)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the bare one-insert endpoint.")
    parser.add_argument("--database-url", default=os.environ.get(DATABASE_URL_ENV),
                        help=f"SQLAlchemy URL (default: ${DATABASE_URL_ENV})")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    if not args.database_url:
        parser.error(f"give --database-url or set {DATABASE_URL_ENV}")

    import uvicorn

    # The same call `docket serve` makes: one process, uvicorn's default loop and parser.
    uvicorn.run(create_app(args.database_url), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
