"""One pure ASGI middleware around the whole application (security headers and 500s
included): it gives every request an id (X-Request-ID, in and out, and on every log
line), times it into the latency histogram by route template, and writes the access
line when DOCKET_ACCESS_LOG is on. Its cost per request is measured by bench/metrics.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from time import perf_counter
from typing import Any

from fastapi import FastAPI
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docket.ops.logs import accepted_request_id, request_id
from docket.ops.metrics import Metrics

access = logging.getLogger("docket.access")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no route answered: an unknown path, or refused before routing


class Observe:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, routes: Callable[[], list[Any]],
                 access_log: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes
        self.access_log = access_log
        self._by_endpoint: dict[Any, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value
                break
        rid = accepted_request_id(incoming)
        # Not reset afterwards: each request runs in a task of its own, and the server's
        # own line about an exception that escaped the app comes after this returns.
        request_id.set(rid)
        header = (b"x-request-id", rid.encode())
        status = 500  # what the client gets if the app fails before answering
        root = scope.get("root_path", "")

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*(message.get("headers") or ()), header]
            await send(message)

        start = perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = perf_counter() - start
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.metrics.observe(method, self.route_of(scope, root), status, seconds)
            if self.access_log and access.isEnabledFor(logging.INFO):
                duration_ms = round(seconds * 1000, 2)
                method, path = scope["method"], scope["path"]
                if not path.isprintable():  # a decoded %0A must not start a forged line
                    path = path.encode("unicode_escape").decode("ascii")
                access.info("%s %s %d %.2f ms", method, path, status, duration_ms, extra={
                    "method": method, "path": path, "status": status, "duration_ms": duration_ms})

    def route_of(self, scope: Scope, root: str) -> str:
        """The template of the route that answered (``/api/v1/items/{item_id}``), never the
        path itself: ids must not become label values."""
        path = getattr(scope.get("route"), "path", None)
        if isinstance(path, str):
            return path
        mounted = str(scope.get("root_path", ""))
        if mounted != root and mounted.startswith(root):  # a mount (the static files)
            return mounted[len(root):] + "/{path}"
        endpoint = scope.get("endpoint")
        if endpoint is not None:  # the documentation pages: plain Starlette routes
            if self._by_endpoint is None:
                self._by_endpoint = {r.endpoint: r.path for r in self.routes()
                                     if isinstance(r, Route)}
            return self._by_endpoint.get(endpoint, UNMATCHED)
        return UNMATCHED


def install(app: FastAPI, *, metrics: Metrics, access_log: bool) -> None:
    """Wrap the whole of ``app`` (everything docket.web.headers wraps, too) in Observe."""
    build = app.build_middleware_stack

    def build_observed() -> ASGIApp:
        return Observe(build(), metrics=metrics, routes=lambda: app.routes, access_log=access_log)

    app.build_middleware_stack = build_observed  # type: ignore[method-assign]
