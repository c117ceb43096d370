"""Logging, configured in one place: one handler on the root logger, text or one JSON
object per line (DOCKET_LOG_FORMAT), every record carrying the id of the request it was
logged for (``request_id``; None outside a request).

The id lives in a context variable that :class:`docket.ops.middleware.Observe`
sets for each request; Starlette copies the context into the threads that run sync
routes, so lines logged there carry it too."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import sys
from contextvars import ContextVar
from typing import Any, TextIO

import orjson

request_id: ContextVar[str | None] = ContextVar("docket_request_id", default=None)

# An incoming X-Request-ID is kept only when it is short and made of these characters
# (a proxy's or a load balancer's id); anything else could forge log lines or headers.
MAX_REQUEST_ID = 64
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Generated ids: this process's random prefix and a counter (unique across nodes and
# restarts without a call to the random source per request).
_PREFIX = os.urandom(6).hex()
_counter = itertools.count(1)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Attributes every LogRecord has; anything else on a record came in ``extra=`` and goes
# into the JSON object as it is (the access lines' method, path, status, duration_ms).
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message", "asctime", "request_id"}


def current_request_id() -> str | None:
    """The id of the request being answered, or None outside a request."""
    return request_id.get()


def new_request_id() -> str:
    return f"{_PREFIX}-{next(_counter):x}"


def accepted_request_id(value: bytes | str | None) -> str:
    """``value`` (an incoming X-Request-ID) if it is short and safe, else a new id."""
    if value:
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if _SAFE_ID.fullmatch(text):
            return text
    return new_request_id()


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record that passes (``-`` outside a request
    in text; null in JSON)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", None)
        record.request_id = rid or "-"
        try:
            return super().format(record)
        finally:
            record.request_id = rid


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: time (UTC, ISO 8601), level, logger,
    message, request_id, the record's extra fields, and ``error`` (the traceback) when
    the record carries an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["error"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(line, default=str).decode()


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (as logging's last resort
    does), so a test capturing stderr sees the lines."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure(*, level: str = "INFO", fmt: str = "text",
              stream: TextIO | None = None) -> logging.Handler:
    """Send every log record, docket's and its libraries' (uvicorn's included), through one
    handler on the root logger in format ``fmt`` (``text`` or ``json``); return it.
    Called again, it replaces the handler it installed before (tests build many apps)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "docket", False):
            root.removeHandler(old)
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    handler.docket = True  # type: ignore[attr-defined]
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs each request it makes at INFO: a line per webhook delivered, which the
    # outbox records already (failures are the worker's own warnings).
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
    return handler


def uvicorn_options() -> dict[str, Any]:
    """How ``docket serve`` runs uvicorn: its loggers left to propagate to docket's handler
    (no configuration of their own), its access log off (docket writes its own access
    lines, DOCKET_ACCESS_LOG), and only its warnings and errors."""
    return {"log_config": None, "access_log": False, "log_level": "warning"}
