"""A small real HTTP server on loopback that serves a sealed database's log as the public
endpoints will (docs/verifiable-log.md; /tmp interface of issue 16): the latest checkpoint
and proofs computed with docket.log from the stored hashes. It stands in for docket's own
endpoints, built on another branch, so that docket-verify's URL mode is tested over HTTP."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from docket.audit.log_models import LogCheckpoint
from docket.audit.sealer import hash_reader, tree_size
from docket.log import merkle

PREFIX = "/api/v1/log"


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


class _Handler(BaseHTTPRequestHandler):
    sessions: sessionmaker[Session]

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, media: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _problem(self, status: int, detail: str) -> None:
        self._send(status, json.dumps({"status": status, "detail": detail}).encode(), "application/problem+json")

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.calls.append(url.path)  # type: ignore[attr-defined]
        with self.sessions() as s:
            size = tree_size(session=s)
            read = hash_reader(s)
            if url.path == f"{PREFIX}/checkpoint":
                note = s.execute(select(LogCheckpoint.note).order_by(LogCheckpoint.size.desc()).limit(1)).scalar()
                if note is None:
                    return self._problem(404, "no checkpoint is signed yet")
                return self._send(200, note.encode(), "text/plain; charset=utf-8")
            try:
                if url.path == f"{PREFIX}/proofs/inclusion":
                    index, n = int(query["index"]), int(query["size"])
                    if n > size:
                        return self._problem(404, f"the log has {size} leaves")
                    if not 0 <= index < n:
                        return self._problem(422, "0 <= index < size")
                    proof = merkle.inclusion_proof(index, n, read)
                    body = {"index": index, "size": n, "leaf_hash": _b64(read([merkle.stored_hash_index(0, index)])[0]),
                            "hashes": [_b64(h) for h in proof]}
                    return self._send(200, json.dumps(body).encode(), "application/json")
                if url.path == f"{PREFIX}/proofs/consistency":
                    old, new = int(query["old"]), int(query["new"])
                    if new > size:
                        return self._problem(404, f"the log has {size} leaves")
                    if not 0 < old <= new:
                        return self._problem(422, "0 < old <= new")
                    proof = merkle.consistency_proof(old, new, read)
                    body = {"old": old, "new": new, "hashes": [_b64(h) for h in proof]}
                    return self._send(200, json.dumps(body).encode(), "application/json")
            except (KeyError, ValueError):
                return self._problem(422, "bad query")
        return self._problem(404, "no such endpoint")


@contextmanager
def serving(sessions: sessionmaker[Session]) -> Iterator[tuple[str, list[str]]]:
    """Serve the log of ``sessions``' database until the block ends; yield its base URL
    (``http://127.0.0.1:PORT/api/v1/log``) and the paths called so far."""
    handler = type("Handler", (_Handler,), {"sessions": sessions})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.calls = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}", server.calls  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
