"""The baseline for ``bench/reports.py``: the same report batches, one bare durable insert.

``POST /bare/reports/batch`` takes the body docket's ``POST /api/v1/reports/batch``
takes (``{"reports": [...up to 500...]}``), validates each report's fields with a plain
pydantic model, inserts one row per report into ``bench_bare_reports`` — a table with
the same columns and indexes as docket's ``reports`` (without the foreign key to
``items``) — in one transaction, and answers once it has committed with the same shape
of answer (``accepted`` and one result per report with its new id).

It runs on the same stack as docket: FastAPI, uvicorn (one process), docket's own
``make_engine``/``make_sessionmaker`` (SQLite in WAL mode, ``synchronous=FULL``,
``BEGIN IMMEDIATE``, or a PostgreSQL pool) and docket's per-request transaction
dependency ``docket.deps.Db``, which commits before the response is sent. What it
leaves out is everything docket does on top: authentication, rate limits, catalog
checks, suspensions, finding or opening the case, counting reporters, the audit chain
(``item_id`` is 0 on every row).

Run it on its own with::

    .venv/bin/python bench/bare_reports_app.py --database-url sqlite:////tmp/bare.db --port 8001
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/bare_reports_app.py`` puts bench/ first on sys.path, where bench/queue.py
# would shadow the standard library's ``queue`` (which SQLAlchemy and asyncio import).
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, Index, MetaData, Table, insert
from sqlalchemy.engine import Engine

from docket.deps import Db
from docket.intake.models import Report
from docket.runtime import Runtime
from docket.store import make_engine, make_sessionmaker, utcnow

DATABASE_URL_ENV = "BENCH_DATABASE_URL"
TABLE = "bench_bare_reports"

metadata = MetaData()


def _copy_of_reports() -> Table:
    """``reports``' columns (names, types, nullability) and indexes, without foreign keys."""
    source = Report.__table__
    table = Table(TABLE, metadata, *(
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
        for c in source.columns
    ))
    for index in source.indexes:
        Index(index.name.replace("reports", TABLE) if index.name else None,
              *(table.c[c.name] for c in index.columns), unique=index.unique)
    return table


bench_bare_reports = _copy_of_reports()


class BareReport(BaseModel):
    """The fields of docket's ``ReportIn``, with length limits and nothing more."""

    model_config = ConfigDict(extra="forbid")

    content_id: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=2048)
    reason: str = Field(min_length=1, max_length=40)
    jurisdiction: str | None = Field(default=None, max_length=2)
    explanation: str | None = Field(default=None, max_length=10_000)
    reporter_id: str | None = Field(default=None, max_length=100)
    reporter_verified: bool = False
    reporter_name: str | None = Field(default=None, max_length=200)
    reporter_email: str | None = Field(default=None, max_length=254)
    bona_fide: bool = False


class BareBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reports: list[BareReport] = Field(min_length=1, max_length=500)


def create_app(database_url: str, *, engine: Engine | None = None) -> FastAPI:
    """The bare app on ``database_url``; creates ``bench_bare_reports`` on start-up if missing."""
    engine = engine or make_engine(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        metadata.create_all(engine)
        yield
        engine.dispose()

    app = FastAPI(title="docket bench: bare report insert", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.runtime = runtime = Runtime()  # as create_app: docket.deps.Db reads it
    app.state.sessionmaker = make_sessionmaker(engine, runtime)
    statement = insert(bench_bare_reports).returning(bench_bare_reports.c.id,
                                                     sort_by_parameter_order=True)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "database": engine.dialect.name}

    @app.post("/bare/reports/batch")
    def bare_batch(body: BareBatch, db: Db) -> dict[str, Any]:
        """All rows in one insert, committed (by ``Db``) before the answer is sent."""
        now = utcnow()
        rows = [{
            "item_id": 0, "channel": "api", "reporter_key": f"user:{r.reporter_id}",
            "reporter_name": r.reporter_name, "reporter_email": r.reporter_email,
            "reporter_verified": r.reporter_verified, "reason": r.reason,
            "jurisdiction": r.jurisdiction.upper() if r.jurisdiction else None,
            "explanation": r.explanation, "bona_fide": r.bona_fide,
            "art16_notice": bool(r.explanation and r.reporter_name and r.reporter_email
                                 and r.bona_fide),
            "received_at": now,
        } for r in body.reports]
        ids = db.execute(statement, rows).scalars().all()
        return {"accepted": len(ids), "results": [
            {"index": i, "status": "accepted", "report_id": report_id,
             "reference": f"R-{report_id}"} for i, report_id in enumerate(ids)
        ]}

    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: the database URL comes from ``BENCH_DATABASE_URL``."""
    url = os.environ.get(DATABASE_URL_ENV)
    if not url:
        raise SystemExit(f"bare_reports_app: set {DATABASE_URL_ENV} to an SQLAlchemy URL")
    return create_app(url)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the bare report-batch insert endpoint.")
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
