"""``docket submitter|user|person|token``: the parties, as admin commands (``--json`` on each)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from docket import cli_base as base

# Each command imports what it needs when it runs: `docket --help`, and the worker, do not
# load the whole application (twice the start-up time).
JsonOpt = base.JsonOpt
submitter_app: typer.Typer = typer.Typer(help="Organisations that send requests.", no_args_is_help=True)
user_app: typer.Typer = typer.Typer(help="Staff users and platform service accounts.", no_args_is_help=True)
person_app: typer.Typer = typer.Typer(help="People of a submitter: officials who sign in to the portal.",
                         no_args_is_help=True)
token_app: typer.Typer = typer.Typer(help="API tokens.", no_args_is_help=True)


# ---------------------------------------------------------------- submitter
@submitter_app.command("add")
def submitter_add(
    name: Annotated[str, typer.Option(help="the organisation's name")],
    kind: Annotated[str, typer.Option(help="court, government_agency, police, regulator, trusted_flagger, "
                                           "user, rights_holder, industry_association, national_cert or "
                                           "internet_governance")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code")],
    email: Annotated[str | None, typer.Option(help="contact e-mail")] = None,
    verified: Annotated[bool, typer.Option("--verified", help="identity checked")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Register an organisation that may send requests."""
    from docket.parties import service
    from docket.parties.schemas import SubmitterCreate

    with base.unit_of_work(as_json) as session:
        checked = SubmitterCreate(name=name, email=email)
        s = service.create_submitter(session=session, actor=base.actor(), name=checked.name,
                                     kind=kind, country=country, email=checked.email,
                                     verified=verified)
        data = {"id": s.id, "name": s.name, "kind": s.kind, "country": s.country,
                "email": s.email, "verified": s.verified}
    base.emit(as_json, {"submitter": data}, f"submitter {data['id']}: {name} ({data['kind']}, {data['country']})")


@submitter_app.command("list")
def submitter_list(as_json: JsonOpt = False) -> None:
    """List submitters."""
    from docket.parties import service

    with base.unit_of_work(as_json) as session:
        rows: list[dict[str, Any]] = [{"id": s.id, "name": s.name, "kind": str(s.kind), "country": s.country,
                 "verified": s.verified} for s in service.list_submitters(session=session)]
    table = Table("id", "name", "kind", "country", "verified")
    for r in rows:
        table.add_row(str(r["id"]), r["name"], r["kind"], r["country"], "yes" if r["verified"] else "")
    base.emit(as_json, {"submitters": rows}, table)


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
    from docket.parties.schemas import PersonCreate

    generated = None
    if password is None and Role.platform.value not in role:
        password = generated = secrets.token_urlsafe(12)
    with base.unit_of_work(as_json) as session:
        checked = PersonCreate(email=email, name=name)
        u = service.create_user(session=session, actor=base.actor(), email=checked.email,
                                roles=role, jurisdictions=jurisdiction or [], name=checked.name,
                                password=password)
        data: dict[str, Any] = {"id": u.id, "email": u.email,
                                "roles": sorted({r.role for r in u.roles}),
                                "jurisdictions": sorted({r.jurisdiction for r in u.roles if r.jurisdiction})}
    if generated:
        data["password"] = generated
    extra = f"; password: {generated}" if generated else ""
    base.emit(as_json, {"user": data}, f"user {data['id']}: {data['email']} {data['roles']}{extra}")


@user_app.command("list")
def user_list(as_json: JsonOpt = False) -> None:
    """List users and their roles."""
    from sqlalchemy import select

    from docket.parties.models import User

    with base.unit_of_work(as_json) as session:
        rows: list[dict[str, Any]] = [{"id": u.id, "email": u.email, "active": u.active,
                 "roles": sorted({f"{r.role}:{r.jurisdiction}" if r.jurisdiction else str(r.role)
                                  for r in u.roles})}
                for u in session.execute(select(User).order_by(User.id)).scalars()]
    table = Table("id", "email", "roles", "active")
    for r in rows:
        table.add_row(str(r["id"]), r["email"], ", ".join(r["roles"]), "yes" if r["active"] else "no")
    base.emit(as_json, {"users": rows}, table)


@user_app.command("unlock")
def user_unlock(email: Annotated[str, typer.Argument(help="the account's e-mail")],
                as_json: JsonOpt = False) -> None:
    """Forget an account's failed sign-ins, so no address waits to try it again."""
    from docket.errors import NotFound, Unprocessable
    from docket.parties import service
    from docket.settings import get_settings

    secret = get_settings().secret_key
    with base.unit_of_work(as_json) as session:
        if not secret:
            raise Unprocessable("set DOCKET_SECRET_KEY to the server's key: the sign-in "
                                "counters are kept under it")
        user = service.get_user_by_email(session=session, email=email)
        if user is None:
            raise NotFound(f"no user {email}")
        cleared = service.unlock(session=session, actor=base.actor(), user=user, secret=secret)
        data = {"id": user.id, "email": user.email, "cleared": cleared}
    base.emit(as_json, {"unlocked": data}, f"{data['email']}: sign-in attempts no longer wait")


# ---------------------------------------------------------------- person (of a submitter)
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
    from docket.parties.schemas import PersonCreate

    generated = None
    if password is None:
        password = generated = secrets.token_urlsafe(12)
    with base.unit_of_work(as_json) as session:
        checked = PersonCreate(email=email, name=name)
        owner = service.get_submitter(session=session, submitter_id=submitter)
        if owner is None:
            raise NotFound(f"no submitter {submitter}")
        person = service.create_person(session=session, actor=base.actor(), submitter=owner,
                                       email=checked.email, name=checked.name, password=password)
        data: dict[str, Any] = {"id": person.id, "email": person.email, "submitter_id": owner.id}
    if generated:
        data["password"] = generated
    extra = f"; password: {generated}" if generated else ""
    base.emit(as_json, {"person": data}, f"person {data['id']}: {data['email']} of submitter {submitter}{extra}")


@person_app.command("list")
def person_list(submitter: Annotated[int, typer.Option(help="the submitter's id")],
                as_json: JsonOpt = False) -> None:
    """List the people of a submitter."""
    from docket.parties import service

    with base.unit_of_work(as_json) as session:
        rows: list[dict[str, Any]] = [{"id": p.id, "email": p.email, "name": p.name, "active": p.active}
                for p in service.list_people(session=session, submitter_id=submitter)]
    table = Table("id", "email", "name", "active")
    for r in rows:
        table.add_row(str(r["id"]), r["email"], r["name"], "yes" if r["active"] else "no")
    base.emit(as_json, {"people": rows}, table)


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
    from docket.parties.schemas import TokenCreate

    if (submitter is None) == (user is None):
        raise base.fail("give exactly one of --submitter ID or --user EMAIL", 2, as_json)
    with base.unit_of_work(as_json) as session:
        label = TokenCreate(name=name).name
        owner: dict[str, Any] = {}
        if submitter is not None:
            owner["submitter"] = service.get_submitter(session=session, submitter_id=submitter)
            if owner["submitter"] is None:
                raise base.fail(f"no submitter {submitter}", 1, as_json)
        else:
            owner["user"] = service.get_user_by_email(session=session, email=user or "")
            if owner["user"] is None:
                raise base.fail(f"no user {user}", 1, as_json)
        token, plain = service.create_token(session=session, actor=base.actor(), name=label,
                                            **owner)
        data = {"id": token.id, "token": plain, "prefix": token.prefix,
                "submitter_id": token.submitter_id, "user_id": token.user_id}
    base.emit(as_json, data, f"token {data['id']}: {plain}\n(shown once; docket keeps only its hash)")


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="the token's id")], as_json: JsonOpt = False) -> None:
    """Revoke an API token at once."""
    from docket.parties import service

    with base.unit_of_work(as_json) as session:
        token = service.revoke_token(session=session, actor=base.actor(), token_id=token_id)
        data = {"id": token.id, "revoked_at": token.revoked_at}
    base.emit(as_json, data, f"token {token_id} revoked")


@token_app.command("list")
def token_list(as_json: JsonOpt = False) -> None:
    """List tokens (never their values)."""
    from docket.parties import service

    with base.unit_of_work(as_json) as session:
        rows: list[dict[str, Any]] = [{"id": t.id, "prefix": t.prefix, "name": t.name, "submitter_id": t.submitter_id,
                 "user_id": t.user_id, "revoked_at": t.revoked_at}
                for t in service.list_tokens(session=session)]
    table = Table("id", "prefix", "name", "owner", "revoked")
    for r in rows:
        owner = f"submitter {r['submitter_id']}" if r["submitter_id"] else f"user {r['user_id']}"
        table.add_row(str(r["id"]), r["prefix"] + "…", r["name"], owner, str(r["revoked_at"] or ""))
    base.emit(as_json, {"tokens": rows}, table)
