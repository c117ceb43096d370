"""The auditor's desk: the audit log with its filters, chain verification, exports of a
period, and the verifiable log's checkpoints. Who: ``audit:read`` (auditors, admins, a
local representative who is also an auditor) — the same permission as
``GET /api/v1/audit/events``; the whole log, as there.

Nothing here writes: verification and exports read in read-only transactions."""

from __future__ import annotations

import binascii
import csv
import datetime as dt
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from docket.audit import log_service, service
from docket.audit.log_check import check_log
from docket.audit.models import Event
from docket.audit.receipts import identity
from docket.bounds import Seq
from docket.deps import Db
from docket.parties.auth import Permission
from docket.store import read_only
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form
from docket.web.i18n import Translate, gettext_for, tr, translator
from docket.web.sessions import SignedIn

router = APIRouter(include_in_schema=False)
render.add_template_package("docket.audit")

Auditor = Annotated[SignedIn, Depends(signed_in(permission=Permission.audit_read))]

PAGE_SIZE = 50
EXPORT_BATCH = 2000
# The page verifies in the request, bounded: about 25 µs an event in Python (reading and
# hashing), so 200,000 events take a few seconds. A longer log is verified with the CLI
# (``docket audit verify``, ``docket log verify``), which shows its progress.
VERIFY_LIMIT = 200_000
EXPORT_FIELDS = ("seq", "leaf_index", "at", "actor", "action", "subject", "payload", "prev_hash", "hash")
_SUBJECT_RECEIPTS = {"request": "/api/v1/requests/{}/receipt"}


@dataclass(frozen=True)
class Filters:
    """What the log page and the export are asked for; ``errors`` names any bad field."""

    subject: str
    action: str
    actor: str
    since: dt.date | None
    until: dt.date | None
    errors: dict[str, str]

    @property
    def since_at(self) -> dt.datetime | None:
        return None if self.since is None else dt.datetime.combine(self.since, dt.time(), dt.UTC)

    @property
    def until_at(self) -> dt.datetime | None:  # the day given is included
        return None if self.until is None else dt.datetime.combine(self.until, dt.time(), dt.UTC) + dt.timedelta(days=1)

    def query(self, **more: Any) -> str:
        values = {"subject": self.subject, "action": self.action, "actor": self.actor,
                  "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else "", **more}
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _day(value: str, field: str, errors: dict[str, str], _: Translate) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[field] = _("a date as YYYY-MM-DD, e.g. 2026-06-30")
        return None


def filters(
    request: Request,
    subject: Annotated[str, Query(max_length=120)] = "",
    action: Annotated[str, Query(max_length=80)] = "",
    actor: Annotated[str, Query(max_length=120)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
) -> Filters:
    """The filters from the query string; a bad date is named, not a failure."""
    errors: dict[str, str] = {}
    _ = translator(request)
    first, last = _day(since, "since", errors, _), _day(until, "until", errors, _)
    if first and last and last < first:
        errors["until"] = _("must not be before the first day")
    return Filters(subject.strip(), action.strip(), actor.strip(), first, last, errors)


Filtered = Annotated[Filters, Depends(filters)]


def _events(db: Session, f: Filters, *, after: int, limit: int) -> list[Event]:
    return list(service.list_events(session=db, subject=f.subject or None, action=f.action or None,
                                    actor=f.actor or None, since=f.since_at, until=f.until_at,
                                    after=after, limit=limit))


def _b64(digest: bytes) -> str:
    return binascii.b2a_base64(digest, newline=False).decode()


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, db: Db, who: Auditor, f: Filtered,
              after: Annotated[Seq, Query()] = 0) -> Response:
    """The audit log, in chain order, filtered, a page at a time (``after`` the last event
    shown). Each event with its hash, its leaf in the verifiable log and a link to its
    inclusion proof. Who: audit:read."""
    events = [] if f.errors else _events(db, f, after=after, limit=PAGE_SIZE + 1)
    more, events = len(events) > PAGE_SIZE, events[:PAGE_SIZE]
    leaves = log_service.leaf_indexes(session=db, seqs=[e.seq for e in events])
    state = log_service.state(session=db)
    # Proofs against the latest signed checkpoint, so that they check against a signed
    # root; without one (no signing key), against the sealed tree.
    proof_size = state.checkpoint_size or state.tree_size
    rows = []
    for e in events:
        idx = leaves.get(e.seq)
        kind, _, number = e.subject.partition(":")
        receipt = _SUBJECT_RECEIPTS[kind].format(number) if kind in _SUBJECT_RECEIPTS and number.isdigit() else None
        rows.append({"event": e, "leaf": idx, "receipt": receipt,
                     "proof": (f"/api/v1/log/proofs/inclusion?index={idx}&size={proof_size}"
                               if idx is not None and idx < proof_size else None)})
    return render.page(request, "audit/log.html", {
        "rows": rows, "f": f, "errors": f.errors, "state": state,
        "next": f"/audit?{f.query(after=events[-1].seq)}" if more else None,
        "first": f"/audit?{f.query()}" if after else None,
        "export_csv": f"/audit/export?{f.query(format='csv')}",
        "export_jsonl": f"/audit/export?{f.query(format='jsonl')}",
        "verify_limit": VERIFY_LIMIT,
    }, title=tr(request, "Audit log"))


@dataclass(frozen=True)
class Checked:
    ok: bool
    message: str


def verify_all(db: Session, _: Translate | None = None) -> Checked:
    """The hash chain, then the verifiable log recomputed from the events (and every
    checkpoint stored), timed; refused beyond :data:`VERIFY_LIMIT` events. ``_``: the
    reader's language (English by default)."""
    _ = _ or gettext_for("en")
    total = service.count_events(session=db)
    if total > VERIFY_LIMIT:
        return Checked(False, _("The log has %(total)s events, more than the %(limit)s this page checks in one "
                                "request: run 'docket audit verify' and 'docket log verify' on the server.",
                                total=format(total, ","), limit=format(VERIFY_LIMIT, ",")))
    started = time.perf_counter()
    chain = service.verify(session=db)
    if not chain.ok:
        return Checked(False, _("Audit chain broken at event %(seq)s: %(problem)s (%(took)s s).",
                                seq=chain.bad_seq, problem=chain.problem,
                                took=format(time.perf_counter() - started, ".2f")))
    tree = check_log(session=db)
    took = format(time.perf_counter() - started, ".2f")
    if not tree.ok:
        return Checked(False, _("Audit chain intact (%(count)s events), but the verifiable log is not: "
                                "%(problem)s (%(took)s s).", count=chain.count, problem=tree.problem, took=took))
    return Checked(True, _("Audit chain intact: %(count)s events; the verifiable log's %(size)s leaves and its "
                           "stored checkpoints agree with them. Checked in %(took)s s.",
                           count=chain.count, size=tree.size, took=took))


@router.post("/audit/verify")
async def verify(request: Request, who: Auditor, form: Form) -> Response:
    """Verify the chain and the verifiable log now; the result and its time come back as a
    message on the log page (post / redirect / get). Who: audit:read."""
    _ = translator(request)

    def run() -> Checked:
        with read_only(request.app.state.read_sessionmaker) as db:
            return verify_all(db, _)

    result = await run_in_threadpool(run)
    render.flash(request, result.message, "success" if result.ok else "error")
    return render.redirect(request, "/audit")


def _export_lines(request: Request, f: Filters, fmt: str) -> Iterator[bytes]:
    """The events the filters select, in chain order, read a batch at a time."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_FIELDS)
        yield buffer.getvalue().encode()
    after = 0
    while True:
        with read_only(request.app.state.read_sessionmaker) as db:
            events = _events(db, f, after=after, limit=EXPORT_BATCH)
            leaves = log_service.leaf_indexes(session=db, seqs=[e.seq for e in events])
            rows = [{"seq": e.seq, "leaf_index": leaves.get(e.seq),
                     "at": e.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "actor": e.actor,
                     "action": e.action, "subject": e.subject, "payload": e.payload,
                     "prev_hash": e.prev_hash, "hash": e.hash} for e in events]
        if not rows:
            return
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow([orjson.dumps(row["payload"], option=orjson.OPT_SORT_KEYS).decode()
                                 if name == "payload" else ("" if row[name] is None else row[name])
                                 for name in EXPORT_FIELDS])
            yield buffer.getvalue().encode()
        else:
            yield b"".join(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) + b"\n" for row in rows)
        after = events[-1].seq


@router.get("/audit/export", response_class=Response)
def export(request: Request, who: Auditor, f: Filtered,
           format: Annotated[str, Query(pattern="^(csv|jsonl)$")] = "jsonl") -> Response:
    """The events the filters select (a period: ``since`` and ``until``), as CSV or JSON
    lines, every field and the leaf index, so the chain can be checked again outside.
    Who: audit:read."""
    if f.errors:
        return render.page(request, "audit/log.html", {
            "rows": [], "f": f, "errors": f.errors, "state": None, "verify_limit": VERIFY_LIMIT,
        }, status=422, title=tr(request, "Audit log"))
    span = f"{f.since or 'start'}_{f.until or 'now'}"
    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    return StreamingResponse(_export_lines(request, f, format), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="docket-audit_{span}.{format}"',
        "Cache-Control": "no-store"})


@router.get("/audit/log", response_class=HTMLResponse)
def checkpoints(request: Request, db: Db, who: Auditor) -> Response:
    """The verifiable log: its size, the events not sealed yet, the latest signed
    checkpoints, the verifier key and how witnesses and receipt holders check it.
    Who: audit:read."""
    settings = request.app.state.settings
    log = identity(settings)
    signer = request.app.state.log_signer
    recent = log_service.recent_checkpoints(session=db, limit=10)
    return render.page(request, "audit/checkpoints.html", {
        "state": log_service.state(session=db),
        "origin": signer.verifier.name if signer is not None else log.origin,
        "verifier_key": signer.verifier.key if signer is not None else log.verifier_key,
        "log_url": log.log_url,
        "latest_note": recent[0].note if recent else None,
        "checkpoints": [{"size": c.size, "root": _b64(bytes(c.root)), "signed_at": c.signed_at} for c in recent],
    }, title=tr(request, "Verifiable log"))
