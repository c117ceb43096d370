"""The ``docket`` command. Admin commands take ``--json`` and then print one JSON object."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.orm import Session

from docket import db as database
from docket.errors import DocketError
from docket.settings import Settings, SettingsError, get_settings

app = typer.Typer(help="docket: one global process for requests to restrict content.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
law_app = typer.Typer(help="Laws and statutory clocks in the catalog.", no_args_is_help=True)
submitter_app = typer.Typer(help="Organisations that send requests.", no_args_is_help=True)
user_app = typer.Typer(help="Staff users and platform service accounts.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit chain.", no_args_is_help=True)
deadlines_app = typer.Typer(help="Statutory deadlines.", no_args_is_help=True)
outbox_app = typer.Typer(help="The outbox of notices and webhooks.", no_args_is_help=True)
holds_app = typer.Typer(help="Gag-order holds on notices to authors.", no_args_is_help=True)
flagger_app = typer.Typer(help="Trusted-flagger designations (DSA Art. 22).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(law_app, name="law")
app.add_typer(submitter_app, name="submitter")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(deadlines_app, name="deadlines")
app.add_typer(outbox_app, name="outbox")
app.add_typer(holds_app, name="holds")
app.add_typer(flagger_app, name="flagger")

console = Console()
err = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object")]


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _emit(as_json: bool, data: dict[str, Any], human: str | Table | None = None) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(data, default=str).decode() + "\n")
    elif human is not None:
        console.print(human)


def _fail(message: str, code: int = 1, as_json: bool = False) -> typer.Exit:
    if as_json:
        sys.stdout.write(orjson.dumps({"error": message}).decode() + "\n")
    else:
        err.print(f"[red]docket:[/red] {message}")
    return typer.Exit(code)


@contextmanager
def _session(as_json: bool = False, *, upgrade: bool = False) -> Iterator[Session]:
    """A unit of work for one command; domain errors become one clear line and exit 1."""
    settings = get_settings()
    engine = database.make_engine(settings.database_url)
    try:
        if upgrade:
            database.upgrade(engine)
        else:
            _require_schema(engine, settings)
        with database.transaction(database.make_sessionmaker(engine)) as session:
            yield session
    except DocketError as exc:
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors or [])
        raise _fail(exc.detail + (f" ({fields})" if fields else ""), 1, as_json) from None
    finally:
        engine.dispose()


def _require_schema(engine: Any, settings: Settings) -> None:
    current = database.current_revision(engine)
    if current != database.head_revision(engine):
        if settings.is_sqlite:
            database.upgrade(engine)  # the embedded default keeps itself up to date
            return
        raise _fail(
            f"the database schema is at {current or 'nothing'}, not the latest; "
            "run 'docket db upgrade' first"
        )


# ---------------------------------------------------------------- serve
@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="fill an empty database with a demo")] = False,
) -> None:
    """Run the API (and, later, the pages and the outbox worker) in one process."""
    import uvicorn

    from docket.app import create_app

    settings = get_settings()
    engine = database.make_engine(settings.database_url)
    _require_schema(engine, settings)
    if demo:
        from docket.demo import load_demo

        with database.transaction(database.make_sessionmaker(engine)) as session:
            summary = load_demo(session=session, base_url=settings.base_url, settings=settings)
        console.print(summary, soft_wrap=True)  # whole lines: the curl commands stay copyable
    console.print(f"docket listening on http://{host}:{port}  (API docs at /docs)")
    uvicorn.run(create_app(settings, engine=engine), host=host, port=port, log_level="warning")


# ---------------------------------------------------------------- db
@db_app.command("upgrade")
def db_upgrade(as_json: JsonOpt = False) -> None:
    """Create or update the schema to the latest version and add missing catalog defaults."""
    settings = get_settings()
    engine = database.make_engine(settings.database_url)
    try:
        before = database.current_revision(engine)
        database.upgrade(engine)
        after = database.current_revision(engine)
    finally:
        engine.dispose()
    _emit(as_json, {"from": before, "to": after, "engine": engine.dialect.name},
          f"schema {before or '(empty)'} → {after} on {engine.dialect.name}")


@db_app.command("current")
def db_current(as_json: JsonOpt = False) -> None:
    """Show the schema version of the database."""
    settings = get_settings()
    engine = database.make_engine(settings.database_url)
    try:
        current, head = database.current_revision(engine), database.head_revision(engine)
    finally:
        engine.dispose()
    _emit(as_json, {"current": current, "head": head, "up_to_date": current == head},
          f"schema {current or '(empty)'} (latest {head})")


# ---------------------------------------------------------------- law
@law_app.command("list")
def law_list(
    jurisdiction: Annotated[str | None, typer.Option(help="only laws in force in this country")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the laws in the catalog with their statutory clocks."""
    from docket.catalog import service

    with _session(as_json) as session:
        laws = [service.law_dict(x) for x in service.list_laws(session=session, applies_in=jurisdiction)]
    table = Table("id", "in", "citation", "clock", "emergency", "local rep")
    for law in laws:
        clock = f"{law['clock_hours']} h" if law["clock_hours"] else "default"
        emergency = f"{law['emergency_clock_hours']} h" if law["emergency_clock_hours"] else "-"
        table.add_row(law["id"], law["applies_in"], law["citation"], clock, emergency,
                      "sign-off" if law["local_rep_signoff"] else "")
    _emit(as_json, {"laws": laws}, table)


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
    as_json: JsonOpt = False,
) -> None:
    """Add a law to the catalog (an audited change)."""
    from docket.catalog import service

    with _session(as_json) as session:
        law = service.add_law(
            session=session, actor=_actor(), id=id, applies_in=jurisdiction, citation=citation,
            title=title, clock_hours=clock_hours, emergency_clock_hours=emergency_clock_hours,
            clock_basis=clock_basis, local_rep_signoff=local_rep_signoff,
            clock_restarts_on_clarification=not no_clock_restart,
        )
        data = service.law_dict(law)
    _emit(as_json, {"law": data}, f"added law {data['id']} ({data['applies_in']})")


# ---------------------------------------------------------------- submitter
@submitter_app.command("add")
def submitter_add(
    name: Annotated[str, typer.Option(help="the organisation's name")],
    kind: Annotated[str, typer.Option(help="court, government_agency, police, regulator, "
                                           "trusted_flagger, user or rights_holder")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code")],
    email: Annotated[str | None, typer.Option(help="contact e-mail")] = None,
    verified: Annotated[bool, typer.Option("--verified", help="identity checked")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Register an organisation that may send requests."""
    from docket.parties import service

    with _session(as_json) as session:
        s = service.create_submitter(session=session, actor=_actor(), name=name, kind=kind,
                                     country=country, email=email, verified=verified)
        data = {"id": s.id, "name": s.name, "kind": s.kind, "country": s.country,
                "email": s.email, "verified": s.verified}
    _emit(as_json, {"submitter": data}, f"submitter {data['id']}: {name} ({data['kind']}, {data['country']})")


@submitter_app.command("list")
def submitter_list(as_json: JsonOpt = False) -> None:
    """List submitters."""
    from docket.parties import service

    with _session(as_json) as session:
        rows = [{"id": s.id, "name": s.name, "kind": str(s.kind), "country": s.country,
                 "verified": s.verified} for s in service.list_submitters(session=session)]
    table = Table("id", "name", "kind", "country", "verified")
    for r in rows:
        table.add_row(str(r["id"]), r["name"], r["kind"], r["country"], "yes" if r["verified"] else "")
    _emit(as_json, {"submitters": rows}, table)


# ---------------------------------------------------------------- user
@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Option(help="sign-in e-mail")],
    role: Annotated[list[str], typer.Option(help="admin, reviewer, legal, rights, "
                                                 "local_representative, auditor or platform")],
    jurisdiction: Annotated[list[str] | None, typer.Option(
        help="country of a local_representative (repeat for several)")] = None,
    name: Annotated[str, typer.Option(help="display name")] = "",
    password: Annotated[str | None, typer.Option(
        help="sign-in password (default: a random one, printed once)",
        envvar="DOCKET_NEW_USER_PASSWORD")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a staff user or a platform service account."""
    import secrets

    from docket.parties import service
    from docket.parties.models import Role

    generated = None
    if password is None and Role.platform.value not in role:
        password = generated = secrets.token_urlsafe(12)
    with _session(as_json) as session:
        u = service.create_user(session=session, actor=_actor(), email=email, roles=role,
                                jurisdictions=jurisdiction or [], name=name, password=password)
        data: dict[str, Any] = {"id": u.id, "email": u.email,
                                "roles": sorted({r.role for r in u.roles}),
                                "jurisdictions": sorted({r.jurisdiction for r in u.roles if r.jurisdiction})}
    if generated:
        data["password"] = generated
    extra = f"; password: {generated}" if generated else ""
    _emit(as_json, {"user": data}, f"user {data['id']}: {data['email']} {data['roles']}{extra}")


@user_app.command("list")
def user_list(as_json: JsonOpt = False) -> None:
    """List users and their roles."""
    from sqlalchemy import select

    from docket.parties.models import User

    with _session(as_json) as session:
        rows = [{"id": u.id, "email": u.email, "active": u.active,
                 "roles": sorted({f"{r.role}:{r.jurisdiction}" if r.jurisdiction else str(r.role)
                                  for r in u.roles})}
                for u in session.execute(select(User).order_by(User.id)).scalars()]
    table = Table("id", "email", "roles", "active")
    for r in rows:
        table.add_row(str(r["id"]), r["email"], ", ".join(r["roles"]), "yes" if r["active"] else "no")
    _emit(as_json, {"users": rows}, table)


@user_app.command("unlock")
def user_unlock(email: Annotated[str, typer.Argument(help="the account's e-mail")],
                as_json: JsonOpt = False) -> None:
    """Lift a sign-in lock-out (after five wrong passwords) before it runs out."""
    from docket.errors import NotFound
    from docket.parties import service

    with _session(as_json) as session:
        user = service.get_user_by_email(session=session, email=email)
        if user is None:
            raise NotFound(f"no user {email}")
        service.unlock(session=session, actor=_actor(), user=user)
        data = {"id": user.id, "email": user.email}
    _emit(as_json, {"unlocked": data}, f"{data['email']} may sign in again")


# ---------------------------------------------------------------- person (of a submitter)
person_app = typer.Typer(help="People of a submitter: officials who sign in to the portal.",
                         no_args_is_help=True)
app.add_typer(person_app, name="person")


@person_app.command("add")
def person_add(
    submitter: Annotated[int, typer.Option(help="the submitter's id")],
    email: Annotated[str, typer.Option(help="sign-in e-mail")],
    name: Annotated[str, typer.Option(help="display name")] = "",
    password: Annotated[str | None, typer.Option(
        help="sign-in password (default: a random one, printed once)",
        envvar="DOCKET_NEW_USER_PASSWORD")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add an official who signs in to the portal and acts for a submitter."""
    import secrets

    from docket.errors import NotFound
    from docket.parties import service

    generated = None
    if password is None:
        password = generated = secrets.token_urlsafe(12)
    with _session(as_json) as session:
        owner = service.get_submitter(session=session, submitter_id=submitter)
        if owner is None:
            raise NotFound(f"no submitter {submitter}")
        person = service.create_person(session=session, actor=_actor(), submitter=owner,
                                       email=email, name=name, password=password)
        data: dict[str, Any] = {"id": person.id, "email": person.email, "submitter_id": owner.id}
    if generated:
        data["password"] = generated
    extra = f"; password: {generated}" if generated else ""
    _emit(as_json, {"person": data}, f"person {data['id']}: {data['email']} of submitter {submitter}{extra}")


@person_app.command("list")
def person_list(submitter: Annotated[int, typer.Option(help="the submitter's id")],
                as_json: JsonOpt = False) -> None:
    """List the people of a submitter."""
    from docket.parties import service

    with _session(as_json) as session:
        rows = [{"id": p.id, "email": p.email, "name": p.name, "active": p.active,
                 "locked_until": p.locked_until}
                for p in service.list_people(session=session, submitter_id=submitter)]
    table = Table("id", "email", "name", "active", "locked until")
    for r in rows:
        table.add_row(str(r["id"]), r["email"], r["name"], "yes" if r["active"] else "no",
                      str(r["locked_until"] or ""))
    _emit(as_json, {"people": rows}, table)


# ---------------------------------------------------------------- token
@token_app.command("create")
def token_create(
    submitter: Annotated[int | None, typer.Option(help="the submitter's id")] = None,
    user: Annotated[str | None, typer.Option(help="the user's e-mail")] = None,
    name: Annotated[str, typer.Option(help="a label for the token")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Make an API token for a submitter or a user; it is shown once."""
    from docket.parties import service

    if (submitter is None) == (user is None):
        raise _fail("give exactly one of --submitter ID or --user EMAIL", 2, as_json)
    with _session(as_json) as session:
        owner: dict[str, Any] = {}
        if submitter is not None:
            owner["submitter"] = service.get_submitter(session=session, submitter_id=submitter)
            if owner["submitter"] is None:
                raise _fail(f"no submitter {submitter}", 1, as_json)
        else:
            owner["user"] = service.get_user_by_email(session=session, email=user or "")
            if owner["user"] is None:
                raise _fail(f"no user {user}", 1, as_json)
        token, plain = service.create_token(session=session, actor=_actor(), name=name, **owner)
        data = {"id": token.id, "token": plain, "prefix": token.prefix,
                "submitter_id": token.submitter_id, "user_id": token.user_id}
    _emit(as_json, data, f"token {data['id']}: {plain}\n(shown once; docket keeps only its hash)")


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="the token's id")], as_json: JsonOpt = False) -> None:
    """Revoke an API token at once."""
    from docket.parties import service

    with _session(as_json) as session:
        token = service.revoke_token(session=session, actor=_actor(), token_id=token_id)
        data = {"id": token.id, "revoked_at": token.revoked_at}
    _emit(as_json, data, f"token {token_id} revoked")


@token_app.command("list")
def token_list(as_json: JsonOpt = False) -> None:
    """List tokens (never their values)."""
    from docket.parties import service

    with _session(as_json) as session:
        rows = [{"id": t.id, "prefix": t.prefix, "name": t.name, "submitter_id": t.submitter_id,
                 "user_id": t.user_id, "revoked_at": t.revoked_at}
                for t in service.list_tokens(session=session)]
    table = Table("id", "prefix", "name", "owner", "revoked")
    for r in rows:
        owner = f"submitter {r['submitter_id']}" if r["submitter_id"] else f"user {r['user_id']}"
        table.add_row(str(r["id"]), r["prefix"] + "…", r["name"], owner, str(r["revoked_at"] or ""))
    _emit(as_json, {"tokens": rows}, table)


# ---------------------------------------------------------------- audit
@audit_app.command("verify")
def audit_verify(as_json: JsonOpt = False) -> None:
    """Check the whole audit chain; exit 1 and name the first bad event if it was tampered with."""
    from docket.audit import service

    with _session(as_json) as session:
        total = service.count_events(session=session)
        if as_json or not sys.stderr.isatty():
            result = service.verify(session=session)
        else:
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("verifying", total=total)
                result = service.verify(session=session, progress=lambda n: progress.advance(task, n))
    data = {"ok": result.ok, "events": result.count, "bad_event": result.bad_seq, "problem": result.problem}
    if result.ok:
        _emit(as_json, data, f"audit chain intact: {result.count} events")
        return
    _emit(as_json, data)
    if not as_json:
        err.print(f"[red]audit chain broken at event {result.bad_seq}:[/red] {result.problem}")
    raise typer.Exit(1)


# ---------------------------------------------------------------- deadlines
@deadlines_app.command("check")
def deadlines_check(as_json: JsonOpt = False) -> None:
    """Mark items past their deadline as overdue (one audit event each); serve runs this every minute."""
    from docket.jobs import check_deadlines

    settings = get_settings()
    engine = database.make_engine(settings.database_url)
    try:
        _require_schema(engine, settings)
        marked = check_deadlines(database.make_sessionmaker(engine))
    finally:
        engine.dispose()
    _emit(as_json, {"overdue": len(marked), "items": marked}, f"{len(marked)} items newly overdue")


# ---------------------------------------------------------------- outbox
@app.command()
def worker(once: Annotated[bool, typer.Option("--once", help="deliver what is due, then exit")] = False) -> None:
    """Deliver the outbox (notices by e-mail, signed webhooks) until stopped."""
    from docket.notices.worker import OutboxWorker

    settings = get_settings()
    engine = database.make_engine(settings.database_url)
    _require_schema(engine, settings)
    runner = OutboxWorker(database.make_sessionmaker(engine), settings)
    if once:
        total = 0
        while (done := runner.run_once()):
            total += done
        console.print(f"{total} messages tried")
        return
    console.print("docket worker: delivering the outbox (Ctrl-C to stop)")
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        pass


@outbox_app.command("list")
def outbox_list(
    status: Annotated[str | None, typer.Option(help="pending, held, sent, dead or cancelled")] = None,
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List outbox messages."""
    from sqlalchemy import select

    from docket.notices.models import OutboxMessage

    with _session(as_json) as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if status:
            query = query.where(OutboxMessage.status == status)
        rows = [{"id": m.id, "kind": m.kind, "channel": str(m.channel), "recipient": m.recipient,
                 "status": str(m.status), "attempts": m.attempts, "last_error": m.last_error,
                 "next_attempt_at": m.next_attempt_at, "sent_at": m.sent_at}
                for m in session.execute(query).scalars()]
    table = Table("id", "kind", "to", "status", "tries", "error")
    for r in rows:
        table.add_row(str(r["id"]), r["kind"], r["recipient"], r["status"], str(r["attempts"]),
                      (r["last_error"] or "")[:60])
    _emit(as_json, {"messages": rows}, table)


@outbox_app.command("retry")
def outbox_retry(ids: Annotated[list[int] | None, typer.Argument(help="message ids (default: every dead one)")] = None,
                 as_json: JsonOpt = False) -> None:
    """Put dead messages back in the queue."""
    from docket import audit
    from docket.db import utcnow
    from docket.notices.worker import retry

    with _session(as_json) as session:
        count = retry(session=session, ids=ids or None, now=utcnow())
        audit.record(session=session, actor=_actor(), action="outbox:retried", subject="outbox",
                     payload={"ids": ids or "all dead", "count": count})
    _emit(as_json, {"retried": count}, f"{count} messages queued again")


@holds_app.command("list")
def holds_list(as_json: JsonOpt = False) -> None:
    """List gag-order holds, the next review first."""
    from docket.notices.service import list_holds

    with _session(as_json) as session:
        rows = [{"id": h.id, "request_id": h.request_id, "status": h.status, "legal_reason": h.legal_reason,
                 "review_at": h.review_at, "ends_at": h.ends_at} for h in list_holds(session=session)]
    table = Table("id", "request", "status", "review by", "legal reason")
    for r in rows:
        table.add_row(str(r["id"]), str(r["request_id"]), r["status"], f"{r['review_at']:%Y-%m-%d}", r["legal_reason"][:60])
    _emit(as_json, {"holds": rows}, table)


@holds_app.command("release")
def holds_release(hold_id: Annotated[int, typer.Argument(help="the hold's id")],
                  reason: Annotated[str, typer.Option(help="why the notice may go out now")],
                  as_json: JsonOpt = False) -> None:
    """Lift a hold; its notices go out."""
    from docket.db import utcnow
    from docket.errors import NotFound
    from docket.notices.models import NoticeHold
    from docket.notices.service import release_hold

    with _session(as_json) as session:
        hold = session.get(NoticeHold, hold_id)
        if hold is None:
            raise NotFound(f"no hold {hold_id}")
        count = release_hold(session=session, hold=hold, actor=_actor(), reason=reason, now=utcnow())
    _emit(as_json, {"hold": hold_id, "released": count}, f"hold {hold_id} lifted; {count} notices released")


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
    from docket.intake.report_api import DesignationCreate, designate

    def day(value: str) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        except ValueError:
            raise Unprocessable(f"not a date: {value!r} (use YYYY-MM-DD)") from None

    with _session(as_json) as session:
        d = designate(session=session, actor=_actor(), data=DesignationCreate(
            submitter_id=submitter, designating_body=body, reasons=reason, jurisdictions=jurisdiction,
            valid_from=day(valid_from), valid_to=day(valid_to) if valid_to else None))
        data = {"id": d.id, "submitter_id": d.submitter_id, "reasons": d.reasons, "jurisdictions": d.jurisdictions}
    _emit(as_json, {"designation": data}, f"designation {data['id']}: {data['reasons']} in {data['jurisdictions']}")


report_app = typer.Typer(help="Transparency reports.", invoke_without_command=True)
app.add_typer(report_app, name="report")
from docket.transparency.cli import export_app  # noqa: E402  (its commands use the helpers above)

app.add_typer(export_app, name="export")


@report_app.callback()
def report(
    period: Annotated[str | None, typer.Option(help="2026, 2026-H1, 2026-Q3 or 2026-11")] = None,
    start: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD, the first day")] = None,
    to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD, the last day (included)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv (a directory of files) | json | html")] = "json",
    out: Annotated[str | None, typer.Option("--out", help="file (json, html) or directory (csv)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the transparency report for a period."""
    from pathlib import Path

    from docket.db import utcnow
    from docket.errors import Unprocessable
    from docket.transparency import aggregates, render
    from docket.transparency.periods import resolve

    with _session(as_json) as session:
        if fmt not in ("csv", "json", "html"):
            raise Unprocessable(f"unknown format {fmt!r} (csv, json or html)")
        if out is None:
            raise Unprocessable("say where to write the report with --out PATH")
        chosen = resolve(period=period, start=start, to=to)
        data = aggregates.report(session=session, period=chosen, now=utcnow())
    written = render.write(data, fmt, Path(out))
    totals = data["totals"]
    _emit(as_json, {"period": data["period"], "format": fmt, "files": [str(p) for p in written],
                    "requests": totals["requests"], "items": totals["items"]},
          f"{chosen.label}: {totals['requests']} requests, {totals['items']} items → {out}")


def main() -> None:
    """Entry point: settings errors become one line and exit status 2."""
    try:
        get_settings()
    except SettingsError as exc:
        sys.stderr.write(f"docket: {exc}\n")
        raise SystemExit(2) from None
    app()
