"""The ``docket`` command. Admin commands take ``--json`` and then print one JSON object."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from docket import schema, store
from docket.audit.cli import log_app
from docket.cli_base import JsonOpt, actor, console, emit, err, fail, require_schema, unit_of_work
from docket.documents import cli as documents_cli
from docket.matching.cli import copies_app
from docket.notices import cli as notices_cli
from docket.ops import cli as ops_cli
from docket.parties import cli as parties_cli
from docket.settings import Settings, SettingsError, get_settings
from docket.transparency.cli import export_app, transparency_app
from docket.transparency.cli import report as transparency_report

# Each command imports what it needs when it runs: `docket --help`, and the worker, do not
# load the whole application (twice the start-up time).
app = typer.Typer(help="docket: one global process for requests to restrict content.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
law_app = typer.Typer(help="Laws and statutory clocks in the catalog.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit chain.", no_args_is_help=True)
deadlines_app = typer.Typer(help="Statutory deadlines.", no_args_is_help=True)
flagger_app = typer.Typer(help="Trusted-flagger designations (DSA Art. 22).", no_args_is_help=True)
kind_app = typer.Typer(help="Requester kinds in the catalog: which count as governments in every report.",
                       no_args_is_help=True)


# ---------------------------------------------------------------- serve
def listening_url(host: str, port: int) -> str:
    """The address ``docket serve --host HOST --port PORT`` is reached at on this machine
    (every address, 0.0.0.0 or ::, is reached at the loopback one)."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def served_settings(settings: Settings, host: str, port: int) -> Settings:
    """``settings`` for ``docket serve``: links in notices, receipts and pages use
    DOCKET_BASE_URL, or, when it is not set, the address this server listens on."""
    if "base_url" in settings.model_fields_set:
        return settings
    return settings.model_copy(update={"base_url": listening_url(host, port)})


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="fill an empty database with a demo")] = False,
) -> None:
    """Run docket: the API and the pages and, unless DOCKET_RUN_WORKER=false, the outbox
    worker in a process of its own that this one starts, restarts and stops (Ctrl-C stops both).
    Links use DOCKET_BASE_URL, by default the address it listens on."""
    import uvicorn

    from docket.app import create_app
    from docket.ops import logs

    settings = served_settings(get_settings(), host, port)
    engine = store.make_engine(settings.database_url)
    require_schema(engine, settings)
    if demo:
        from docket.demo import demo_log_key, load_demo

        with store.transaction(store.make_sessionmaker(engine)) as session:
            summary = load_demo(session=session, base_url=settings.base_url, settings=settings)
        console.print(summary, soft_wrap=True)  # whole lines: the curl commands stay copyable
        if not settings.log_key_file:  # the demo signs its log's checkpoints too
            # Made once, named after the address of that first start; kept afterwards, so a
            # later start on another port does not rename the log (its origin is the key's).
            key = demo_log_key(base_url=settings.base_url, folder=Path.cwd())
            settings = settings.model_copy(update={"log_key_file": str(key)})
    address = listening_url(host, port)
    links = "" if settings.base_url == address else f"; links use {settings.base_url}"
    console.print(f"docket listening on {address}  (API docs at {address}/docs{links}; Ctrl-C stops it)",
                  soft_wrap=True)
    worker = None
    if settings.run_worker:
        from docket.notices.supervisor import WorkerProcess

        # Not in this process's threads: rendering e-mails would share the API's GIL. The
        # worker signs the appeal links in notices, so it gets this process's key, even
        # one generated for this run, and the base URL its links start with.
        settings = settings.with_secret()
        worker = WorkerProcess(env={**os.environ, "DOCKET_SECRET_KEY": settings.secret_key,
                                    "DOCKET_BASE_URL": settings.base_url})
        worker.start()
        settings = settings.model_copy(update={"run_worker": False})
    try:
        # No proxy_headers: uvicorn would take X-Forwarded-For from any local peer; docket
        # believes it only from DOCKET_TRUSTED_PROXIES (docket.web.client).
        # Logging: uvicorn's own lines go through docket's handler, in its format
        # (docket.ops.logs), and docket writes the access lines. Uvicorn handles Ctrl-C
        # (SIGINT) and SIGTERM itself: it stops serving, runs the lifespan's shutdown and
        # returns; the worker is stopped after it.
        uvicorn.run(create_app(settings, engine=engine), host=host, port=port, proxy_headers=False,
                    **logs.uvicorn_options())
    finally:
        if worker is not None:
            worker.stop()


# ---------------------------------------------------------------- db
@db_app.command("upgrade")
def db_upgrade(as_json: JsonOpt = False) -> None:
    """Create or update the schema to the latest version and add missing catalog defaults."""
    settings = get_settings()
    engine = store.make_engine(settings.database_url)
    try:
        before = store.current_revision(engine)
        schema.upgrade(engine)
        after = store.current_revision(engine)
    finally:
        engine.dispose()
    emit(as_json, {"from": before, "to": after, "engine": engine.dialect.name},
          f"schema {before or '(empty)'} → {after} on {engine.dialect.name}")


@db_app.command("current")
def db_current(as_json: JsonOpt = False) -> None:
    """Show the schema version of the database."""
    settings = get_settings()
    engine = store.make_engine(settings.database_url)
    try:
        current, head = store.current_revision(engine), store.head_revision(engine)
    finally:
        engine.dispose()
    emit(as_json, {"current": current, "head": head, "up_to_date": current == head},
          f"schema {current or '(empty)'} (latest {head})")


# ---------------------------------------------------------------- law
@law_app.command("list")
def law_list(
    jurisdiction: Annotated[str | None, typer.Option(help="only laws in force in this country")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the laws in the catalog with their statutory clocks."""
    from docket.catalog import service

    with unit_of_work(as_json) as session:
        laws = [service.law_dict(x) for x in service.list_laws(session=session, applies_in=jurisdiction)]
    # The id whole on one line (it is what other commands take), the citation last and
    # wrapped: the table fits 80 columns (a pipe's width too) and the terminal's width.
    table = Table()
    widest = max((len(law["id"]) for law in laws), default=2)
    table.add_column("id", min_width=widest, overflow="fold")
    table.add_column("in", no_wrap=True)
    table.add_column("clock", max_width=12)
    table.add_column("sign-off", no_wrap=True)
    # A citation without spaces (Chinese, say) would otherwise widen the table past the
    # terminal, which then cuts every line: it folds into what the other columns leave, or,
    # in a terminal too narrow for it, is left to --json.
    rest = console.width - (widest + 2 + 12 + len("sign-off") + 22)  # 22: borders and padding
    cited = rest >= 12
    if cited:
        table.add_column("citation", overflow="fold", max_width=rest)
    for law in laws:
        clock = f"{law['clock_hours']} h" if law["clock_hours"] else "default"
        if law["emergency_clock_hours"]:
            clock += f" ({law['emergency_clock_hours']} h urgent)"
        table.add_row(law["id"], law["applies_in"], clock, "local rep" if law["local_rep_signoff"] else "",
                      *([law["citation"]] if cited else []))
    if not as_json and laws:
        table.caption = "default: the jurisdiction's clock. --json gives every field."
    emit(as_json, {"laws": laws}, table)


@law_app.command("add")
def law_add(
    id: Annotated[str, typer.Option("--id", help="a short stable id, e.g. kz-mass-media-2")],
    jurisdiction: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code, or EU")],
    citation: Annotated[str, typer.Option(help="the provision as it is cited")],
    title: Annotated[str, typer.Option(help="what the law is about")],
    clock_hours: Annotated[int | None, typer.Option(help="statutory clock in hours")] = None,
    emergency_clock_hours: Annotated[int | None, typer.Option(help="clock for emergencies")] = None,
    clock_basis: Annotated[str | None, typer.Option(help="how the law words the clock")] = None,
    local_rep_signoff: Annotated[bool, typer.Option(
        "--local-rep-signoff", help="restrictions need the local representative's sign-off")] = False,
    no_clock_restart: Annotated[bool, typer.Option(
        "--no-clock-restart", help="the clock does not restart on clarification")] = False,
    url: Annotated[str | None, typer.Option(
        "--url", help="the official publisher's page of the law (http or https)")] = None,
    text: Annotated[str | None, typer.Option(
        "--text", help="an excerpt of the law's text: a sentence or two")] = None,
    text_file: Annotated[Path | None, typer.Option(
        "--text-file", help="read the excerpt from this UTF-8 file instead", dir_okay=False)] = None,
    automated_copies: Annotated[bool, typer.Option(
        "--automated-copies", help="the law requires automated action: copies of content restricted under it "
                                   "are decided at once, as automated decisions")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a law to the catalog (an audited change)."""
    from docket.catalog import service

    if text is not None and text_file is not None:
        raise fail("give the excerpt with --text or --text-file, not both", as_json=as_json)
    if text_file is not None:
        try:
            text = text_file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"cannot read the excerpt from {text_file}: {exc}", as_json=as_json) from exc
    with unit_of_work(as_json) as session:
        law = service.add_law(
            session=session, actor=actor(), id=id, applies_in=jurisdiction, citation=citation,
            title=title, clock_hours=clock_hours, emergency_clock_hours=emergency_clock_hours,
            clock_basis=clock_basis, local_rep_signoff=local_rep_signoff,
            clock_restarts_on_clarification=not no_clock_restart, official_url=url, excerpt=text,
            automated_copies=automated_copies,
        )
        data = service.law_dict(law)
    emit(as_json, {"law": data}, f"added law {data['id']} ({data['applies_in']})")


# ---------------------------------------------------------------- requester kinds
@kind_app.command("list")
def kind_list(as_json: JsonOpt = False) -> None:
    """List the requester kinds with their place: a government or not, a legal basis required or not."""
    from docket.catalog import service

    with unit_of_work(as_json) as session:
        kinds = [service.kind_dict(k) for k in service.list_kinds(session=session)]
    table = Table("kind", "label", "government", "cites a law")
    for k in kinds:
        table.add_row(k["code"], k["label"], "yes" if k["government"] else "no",
                      "yes" if k["legal_basis_required"] else "no")
    emit(as_json, {"kinds": kinds}, table)


@kind_app.command("set")
def kind_set(
    code: Annotated[str, typer.Argument(help="the kind, e.g. national_cert")],
    government: Annotated[bool | None, typer.Option(
        "--government/--not-government", help="counted as a government in every report")] = None,
    legal_basis: Annotated[bool | None, typer.Option(
        "--legal-basis/--no-legal-basis", help="its requests must cite a legal basis")] = None,
    label: Annotated[str | None, typer.Option(help="how reports name the kind")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a requester kind's place in the catalog (an audited change): the reports, the
    DSA and Lumen exports and the completeness check follow it."""
    from docket.catalog import service

    with unit_of_work(as_json) as session:
        data = service.kind_dict(service.set_kind(session=session, actor=actor(), code=code, government=government,
                                                  legal_basis_required=legal_basis, label=label))
    emit(as_json, {"kind": data}, f"{data['code']}: government {'yes' if data['government'] else 'no'}, "
                                  f"legal basis {'required' if data['legal_basis_required'] else 'not required'}")


# ---------------------------------------------------------------- audit
@audit_app.command("verify")
def audit_verify(as_json: JsonOpt = False) -> None:
    """Check the whole audit chain; exit 1 and name the first bad event if it was tampered with."""
    from docket.audit import service

    with unit_of_work(as_json) as session:
        total = service.count_events(session=session)
        if as_json or not sys.stderr.isatty():
            result = service.verify(session=session)
        else:
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("verifying", total=total)
                result = service.verify(session=session, progress=lambda n: progress.advance(task, n))
    data = {"ok": result.ok, "events": result.count, "bad_event": result.bad_seq, "problem": result.problem}
    if result.ok:
        emit(as_json, data, f"audit chain intact: {result.count} events")
        return
    emit(as_json, data)
    if not as_json:
        where = f" at event {result.bad_seq}" if result.bad_seq is not None else ""
        err.print(f"[red]audit chain broken{where}:[/red] {result.problem}")
    raise typer.Exit(1)


# ---------------------------------------------------------------- deadlines
@deadlines_app.command("check")
def deadlines_check(as_json: JsonOpt = False) -> None:
    """Mark items past their deadline as overdue (one audit event each); serve runs this every minute."""
    from docket.jobs import check_deadlines

    settings = get_settings()
    engine = store.make_engine(settings.database_url)
    try:
        require_schema(engine, settings)
        marked = check_deadlines(store.make_sessionmaker(engine))
    finally:
        engine.dispose()
    emit(as_json, {"overdue": len(marked), "items": marked}, f"{len(marked)} items newly overdue")


@flagger_app.command("designate")
def flagger_designate(
    submitter: Annotated[int, typer.Option(help="the trusted flagger's submitter id")],
    body: Annotated[str, typer.Option(help="the designating body, e.g. a Digital Services Coordinator")],
    reason: Annotated[list[str], typer.Option(help="a reason in its area (repeat)")],
    jurisdiction: Annotated[list[str], typer.Option(help="a country in its area (repeat)")],
    valid_from: Annotated[str, typer.Option(help="YYYY-MM-DD")],
    valid_to: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: open-ended)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Designate a trusted flagger for reasons and jurisdictions (an audited catalog change)."""
    import datetime as dt

    from docket.errors import Unprocessable
    from docket.intake.user_report_api import DesignationCreate, designate

    def day(value: str) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        except ValueError:
            raise Unprocessable(f"not a date: {value!r} (use YYYY-MM-DD)") from None

    with unit_of_work(as_json) as session:
        d = designate(session=session, actor=actor(), data=DesignationCreate(
            submitter_id=submitter, designating_body=body, reasons=reason, jurisdictions=jurisdiction,
            valid_from=day(valid_from), valid_to=day(valid_to) if valid_to else None))
        data = {"id": d.id, "submitter_id": d.submitter_id, "reasons": d.reasons, "jurisdictions": d.jurisdictions}
    emit(as_json, {"designation": data}, f"designation {data['id']}: {data['reasons']} in {data['jurisdictions']}")


# Commands kept with their domains (their shared helpers are in docket.cli_base).

app.command()(notices_cli.worker)
# One command, not a group: its help then shows no subcommands it does not have.
app.command("report")(transparency_report)
app.command()(ops_cli.backup)
app.command()(ops_cli.restore)
for _name, _group in (
    ("db", db_app), ("law", law_app), ("kind", kind_app), ("submitter", parties_cli.submitter_app),
    ("user", parties_cli.user_app),
    ("person", parties_cli.person_app), ("token", parties_cli.token_app), ("audit", audit_app),
    ("log", log_app),
    ("deadlines", deadlines_app), ("outbox", notices_cli.outbox_app), ("holds", notices_cli.holds_app),
    ("flagger", flagger_app), ("export", export_app), ("transparency", transparency_app),
    ("mail", documents_cli.mail_app), ("inbox", documents_cli.inbox_app), ("copies", copies_app),
):
    app.add_typer(_group, name=_name)


def main() -> None:
    """Entry point: settings errors become one line and exit status 2."""
    try:
        get_settings()
    except SettingsError as exc:
        sys.stderr.write(f"docket: {exc}\n")
        raise SystemExit(2) from None
    try:
        app()
    except KeyboardInterrupt:  # Ctrl-C outside a command's own handling: no traceback
        sys.stderr.write("docket: interrupted\n")
        raise SystemExit(130) from None
