"""The API documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served by docket
itself: the viewers' built files come from the ``fastapi-offline`` package (no CDN, so
the pages work without internet), and each page starts its viewer from a static script
(docket.web.static/apidocs), never an inline one, so the pages run under a strict policy
(docket.web.headers.Documentation). docs/api.md, "Documentation", says how the files are
updated."""

from __future__ import annotations

from html import escape
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"  # the viewers' own files, as the package ships them
VENDOR = Path(fastapi_offline.__file__).parent / "static"
SWAGGER, REDOC = "/docs", "/redoc"
PATHS = (SWAGGER, REDOC)

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{styles}</head>
<body>
<main><div id="{element}" data-openapi="{openapi}"></div></main>
{scripts}</body>
</html>
"""


_VIEWERS = {
    SWAGGER: ("Swagger UI", "swagger-ui", [f"{ASSETS}/swagger-ui.css", "/static/apidocs/apidocs.css"],
              [f"{ASSETS}/swagger-ui-bundle.js", "/static/apidocs/swagger-init.js"]),
    REDOC: ("ReDoc", "redoc", ["/static/apidocs/apidocs.css"],
            [f"{ASSETS}/redoc.standalone.js", "/static/apidocs/redoc-init.js"]),
}


def html(app: FastAPI, path: str, root: str = "") -> str:
    """The page at ``path`` (one of PATHS) of ``app`` served under the root path ``root``."""
    viewer, element, styles, scripts = _VIEWERS[path]
    return _PAGE.format(
        title=escape(f"{app.title} API — {viewer}"), element=element,
        openapi=escape(f"{root}{app.openapi_url or '/openapi.json'}"),
        styles="".join(f'<link rel="stylesheet" href="{escape(root + href)}">\n' for href in styles),
        scripts="".join(f'<script src="{escape(root + src)}"></script>\n' for src in scripts))


@router.get(SWAGGER)
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI: every operation, with "Authorize" (a bearer token) and "Try it out"."""
    return HTMLResponse(html(request.app, SWAGGER, request.scope.get("root_path", "")))


@router.get(REDOC)
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc: the same document as one long, searchable reference page."""
    return HTMLResponse(html(request.app, REDOC, request.scope.get("root_path", "")))


def install(app: FastAPI) -> None:
    """Add the two pages and the viewers' files to ``app`` (built without FastAPI's own
    documentation pages, which load the viewers from a CDN)."""
    app.mount(ASSETS, StaticFiles(directory=VENDOR), name="docs-assets")
    app.include_router(router)
