"""``docket worker|outbox|holds``: delivering notices, the outbox and gag-order holds."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import typer
from rich.table import Table

from docket import cli_base as base

# Each command imports what it needs when it runs: `docket --help`, and the worker, do not
# load the whole application (twice the start-up time).
JsonOpt = base.JsonOpt
outbox_app: typer.Typer = typer.Typer(help="The outbox of notices and webhooks.", no_args_is_help=True)
holds_app: typer.Typer = typer.Typer(help="Gag-order holds on notices to authors.", no_args_is_help=True)


# ---------------------------------------------------------------- outbox
# ``docket worker`` (docket.cli registers it as a top-level command).
def worker(
    once: Annotated[bool, typer.Option("--once", help="deliver what is due, then exit")] = False,
    parent: Annotated[int | None, typer.Option(
        "--parent", hidden=True, help="stop when the process with this id (docket serve) is gone")] = None,
) -> None:
    """Deliver the outbox (notices by e-mail, signed webhooks) until stopped; meanwhile read
    the inbox's new documents into drafts (every DOCKET_EXTRACT_POLL_SECONDS) and store the
    published periods' transparency reports (every DOCKET_TRANSPARENCY_SECONDS) and look for
    copies of newly restricted content among the content registered before
    (every DOCKET_COPY_SCAN_SECONDS)."""
    from docket import store
    from docket.jobs import CopyScanJobs, ExtractJobs, TransparencyJobs
    from docket.notices.worker import OutboxWorker
    from docket.ops import logs
    from docket.settings import get_settings

    settings = get_settings()
    logs.configure(level=settings.log_level, fmt=settings.log_format)
    engine = store.make_engine(settings.database_url)
    base.require_schema(engine, settings)
    runner = OutboxWorker(store.make_sessionmaker(engine), settings)
    if once:
        total = 0
        while (done := runner.run_once()):
            total += done
        base.console.print(f"{total} messages tried")
        return
    import os

    if parent is not None:
        _stop_without(parent, runner)
    extracting = ExtractJobs(runner.factory, settings)
    reporting = TransparencyJobs(runner.factory, settings)
    scanning = CopyScanJobs(runner.factory, settings)
    import signal

    # Ctrl-C, SIGTERM, or ``docket serve`` stopping it: the round under way finishes (a
    # KeyboardInterrupt raised inside a query would leave the round half done and log its
    # trace), then the loop ends.
    for stopping in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stopping, lambda *_: runner.halt())
    try:
        # Before the handlers above were in place, Ctrl-C raised; that ends it cleanly too.
        with contextlib.suppress(KeyboardInterrupt):
            extracting.start()
            reporting.start()
            scanning.start()
            # Flushed: under ``docket serve`` (or any pipe) the line would wait in a buffer.
            base.console.print(f"docket worker started (process {os.getpid()}): delivering the outbox, "
                               "reading the inbox (Ctrl-C to stop)", soft_wrap=True)
            base.console.file.flush()
            runner.run_forever()
    finally:
        scanning.stop()
        reporting.stop()
        extracting.stop()


def _stop_without(parent: int, runner: Any) -> None:
    """Stop ``runner`` once the process ``parent`` is gone (this one is then adopted by
    another), so that a server killed outright leaves no worker behind."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        runner.stop()

    threading.Thread(target=watch, name="docket-parent-watch", daemon=True).start()


@outbox_app.command("list")
def outbox_list(
    status: Annotated[str | None, typer.Option(help="pending, held, sent, dead or cancelled")] = None,
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List outbox messages."""
    from sqlalchemy import select

    from docket.outbox.models import OutboxMessage

    with base.unit_of_work(as_json) as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if status:
            query = query.where(OutboxMessage.status == status)
        rows: list[dict[str, Any]] = [{"id": m.id, "kind": m.kind, "channel": str(m.channel), "recipient": m.recipient,
                 "status": str(m.status), "attempts": m.attempts, "last_error": m.last_error,
                 "next_attempt_at": m.next_attempt_at, "sent_at": m.sent_at}
                for m in session.execute(query).scalars()]
    table = Table("id", "kind", "to", "status", "tries", "error")
    for r in rows:
        table.add_row(str(r["id"]), r["kind"], r["recipient"], r["status"], str(r["attempts"]),
                      (r["last_error"] or "")[:60])
    base.emit(as_json, {"messages": rows}, table)


@outbox_app.command("retry")
def outbox_retry(ids: Annotated[list[int] | None, typer.Argument(help="message ids (default: every dead one)")] = None,
                 as_json: JsonOpt = False) -> None:
    """Put dead messages back in the queue."""
    from docket import audit
    from docket.notices.worker import retry
    from docket.store import utcnow

    with base.unit_of_work(as_json) as session:
        count = retry(session=session, ids=ids or None, now=utcnow())
        audit.record(session=session, actor=base.actor(), action="outbox:retried", subject="outbox",
                     payload={"ids": ids or "all dead", "count": count})
    base.emit(as_json, {"retried": count}, f"{count} messages queued again")


@holds_app.command("list")
def holds_list(as_json: JsonOpt = False) -> None:
    """List gag-order holds, the next review first."""
    from docket.notices.service import list_holds

    with base.unit_of_work(as_json) as session:
        rows: list[dict[str, Any]] = [
            {"id": h.id, "request_id": h.request_id, "status": h.status, "legal_reason": h.legal_reason,
             "review_at": h.review_at, "ends_at": h.ends_at} for h in list_holds(session=session)]
    table = Table("id", "request", "status", "review by", "legal reason")
    for r in rows:
        table.add_row(str(r["id"]), str(r["request_id"]), r["status"], f"{r['review_at']:%Y-%m-%d}",
                      r["legal_reason"][:60])
    base.emit(as_json, {"holds": rows}, table)


@holds_app.command("release")
def holds_release(hold_id: Annotated[int, typer.Argument(help="the hold's id")],
                  reason: Annotated[str, typer.Option(help="why the notice may go out now")],
                  as_json: JsonOpt = False) -> None:
    """Lift a hold; its notices go out."""
    from docket.errors import NotFound
    from docket.notices.models import NoticeHold
    from docket.notices.service import release_hold
    from docket.store import utcnow

    with base.unit_of_work(as_json) as session:
        hold = session.get(NoticeHold, hold_id)
        if hold is None:
            raise NotFound(f"no hold {hold_id}")
        count = release_hold(session=session, hold=hold, actor=base.actor(), reason=reason, now=utcnow())
    base.emit(as_json, {"hold": hold_id, "released": count}, f"hold {hold_id} lifted; {count} notices released")
