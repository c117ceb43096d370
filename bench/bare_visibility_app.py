"""The baseline for ``bench/visibility.py``: one visibility answer from one dict look-up.

``GET /bare?content_id=ID&country=CC`` looks ``content_id`` up in a plain dict of the
restricted content ids (loaded once at start-up from the ``restrictions`` table of the
database in ``BENCH_DATABASE_URL``) and answers with the same JSON shape as docket's
``GET /api/v1/visibility``, serialized the same way (``orjson.dumps`` bytes in a
``Response``)::

    {"content_id", "country", "visible", "withheld_in", "notice": {"kind", "text"} | null, "rule"}

A found entry carries its precomputed answer fields; the only work per request besides
the look-up is a membership test of ``country`` in that entry's scope, so answers match
docket's for the benchmark's queries (content restrictions without an end, known
countries) and the responses are the same size. It runs on the same stack and the same
server settings as ``docket serve``: FastAPI, one uvicorn process started with
``uvicorn.run(app, host=..., port=..., log_level="warning")`` (uvicorn's default loop
and HTTP parser). What it leaves out is everything docket does on top: the bearer token
check, the permission dependency, docket's middlewares and error handlers, country
validation, the ``lang`` parameter, expiry, and account restrictions.

Run it on its own with::

    .venv/bin/python bench/bare_visibility_app.py \\
        --database-url sqlite:////tmp/docket.db --port 8002
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/bare_visibility_app.py`` puts bench/ first on sys.path, where bench/queue.py
# would shadow the standard library's ``queue`` (which SQLAlchemy and asyncio import). Take it off.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import json
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import text

from docket.enforcement.withheld import notice_text
from docket.store import make_engine

DATABASE_URL_ENV = "BENCH_DATABASE_URL"
JSON = "application/json"

# content id -> (scope, withheld_in, notice): the fields of a "withheld" answer.
Entry = tuple[frozenset[str], list[str] | str, dict[str, str]]


def load_restricted(database_url: str) -> dict[str, Entry]:
    """Every active content restriction in the database, as a plain dict.

    Entries are shared by every id with the same scope and notice kind."""
    engine = make_engine(database_url)
    entries: dict[tuple[str, str], Entry] = {}
    restricted: dict[str, Entry] = {}
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT subject_id, scope, notice_kind FROM restrictions "
                    "WHERE subject_kind = 'content' AND ended_at IS NULL"
                )
            )
            for subject_id, scope, kind in rows:
                key = (scope if isinstance(scope, str) else json.dumps(scope), kind)
                entry = entries.get(key)
                if entry is None:
                    codes = json.loads(key[0])
                    withheld: list[str] | str = "global" if "*" in codes else sorted(codes)
                    where = None if withheld == "global" else withheld[0]
                    entry = entries[key] = (
                        frozenset(codes),
                        withheld,
                        {
                            "kind": kind,
                            "text": notice_text(kind, country=where, withheld_in=withheld),
                        },
                    )
                restricted[subject_id] = entry
    finally:
        engine.dispose()
    return restricted


def create_app(restricted: dict[str, Entry]) -> FastAPI:
    app = FastAPI(
        title="docket bench: bare visibility", docs_url=None, redoc_url=None, openapi_url=None
    )
    get = restricted.get

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "restricted": len(restricted)}

    @app.get("/bare")
    async def bare(request: Request) -> Response:
        params = request.query_params
        content_id, country = params.get("content_id"), params.get("country")
        entry = get(content_id)  # type: ignore[arg-type]
        if entry is None:
            answer = {
                "content_id": content_id,
                "country": country,
                "visible": True,
                "withheld_in": [],
                "notice": None,
                "rule": "country",
            }
        else:
            scope, withheld, notice = entry
            hidden = withheld == "global" or country in scope
            answer = {
                "content_id": content_id,
                "country": country,
                "visible": not hidden,
                "withheld_in": withheld,
                "notice": notice if hidden else None,
                "rule": "country",
            }
        return Response(orjson.dumps(answer), media_type=JSON)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the bare one-look-up visibility endpoint.")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(DATABASE_URL_ENV),
        help=f"SQLAlchemy URL of a docket database (default: ${DATABASE_URL_ENV})",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    args = parser.parse_args()
    if not args.database_url:
        parser.error(f"give --database-url or set {DATABASE_URL_ENV}")

    import uvicorn

    restricted = load_restricted(args.database_url)
    print(f"bare visibility: {len(restricted)} restricted content ids", flush=True)
    # The same call `docket serve` makes: one process, uvicorn's default loop and parser.
    uvicorn.run(create_app(restricted), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
