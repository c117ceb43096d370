"""Admin pages: the overview, submitters with their people and API tokens, staff users
with their roles. Every change goes through ``parties.service`` (audited there), with the
same permission the JSON API asks for (``parties:write``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from docket.bounds import Id
from docket.catalog import service as catalog
from docket.catalog.models import RequesterKind
from docket.catalog.pages import country_options
from docket.deps import Db
from docket.errors import DocketError, NotFound
from docket.notices.pages import outbox_counts
from docket.parties import service
from docket.parties.auth import Permission
from docket.parties.models import ApiToken, Role, Submitter, User
from docket.web import render, throttle
from docket.web.auth import signed_in
from docket.web.forms import Form, as_list, field_errors, filled, service_errors
from docket.web.pages import safe_next
from docket.web.sessions import SignedIn

router = APIRouter(include_in_schema=False)
render.add_template_package("docket.parties")

Admin = Annotated[SignedIn, Depends(signed_in(permission=Permission.parties_write))]


# ---------------------------------------------------------------- helpers shared by admin pages
def kind_options() -> list[tuple[str, str]]:
    return [(k.value, k.value.replace("_", " ")) for k in RequesterKind]


def slowed(request: Request, db: Session, users: Iterable[User]) -> dict[int, Any]:
    """{user id: until when} for the accounts some address must wait to try again."""
    secret = request.app.state.settings.secret_key
    keys = {throttle.account_key(secret=secret, email=u.email): u.id for u in users}
    until = throttle.slowed_until(session=db, accounts=keys, now=request.app.state.clock.now())
    return {keys[key]: when for key, when in until.items()}


def _email(value: str | None) -> str | None:
    if value is not None and ("@" not in value or any(c.isspace() for c in value)):
        raise ValueError("an e-mail address, e.g. someone@example.org")
    return value


# ---------------------------------------------------------------- form input
class SubmitterForm(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    country: str = Field(max_length=2)
    email: str | None = Field(default=None, max_length=254)
    verified: bool = False

    _check_email = field_validator("email")(_email)


class PersonForm(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    password: str

    _check_email = field_validator("email")(_email)


class UserForm(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    role: list[str] = Field(default_factory=list, max_length=len(Role))
    jurisdiction: list[str] = Field(default_factory=list, max_length=300)
    password: str | None = None

    _check_email = field_validator("email")(_email)


class TokenForm(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str = Field(default="", max_length=120)


# ---------------------------------------------------------------- overview
@router.get("/admin", response_class=HTMLResponse)
def overview(request: Request, db: Db, who: Admin) -> Response:
    """Where administrators start: counts and links to every admin page. Who: admin."""
    def count(rows: Subquery) -> int:
        return db.scalar(select(func.count()).select_from(rows)) or 0

    by_status = outbox_counts(db)
    figures = {
        "submitters": count(select(Submitter.id).subquery()),
        "staff": count(select(User.id).where(User.submitter_id.is_(None)).subquery()),
        "people": count(select(User.id).where(User.submitter_id.is_not(None)).subquery()),
        "open": by_status.get("pending", 0) + by_status.get("held", 0),
        "dead": by_status.get("dead", 0),
    }
    return render.page(request, "admin/overview.html", {"figures": figures}, title="Administration")


# ---------------------------------------------------------------- submitters
def _submitter(db: Session, submitter_id: int) -> Submitter:
    submitter = service.get_submitter(session=db, submitter_id=submitter_id)
    if submitter is None:
        raise NotFound(f"no submitter {submitter_id}")
    return submitter


@router.get("/admin/submitters", response_class=HTMLResponse)
def submitters(request: Request, db: Db, who: Admin) -> Response:
    """Every organisation that sends requests. Who: admin."""
    people = {sid: n for sid, n in db.execute(
        select(User.submitter_id, func.count()).where(User.submitter_id.is_not(None))
        .group_by(User.submitter_id))}
    tokens = {sid: n for sid, n in db.execute(
        select(ApiToken.submitter_id, func.count())
        .where(ApiToken.submitter_id.is_not(None), ApiToken.revoked_at.is_(None))
        .group_by(ApiToken.submitter_id))}
    names = dict(country_options(db))
    return render.page(request, "admin/submitters.html", {
        "submitters": service.list_submitters(session=db), "people": people, "tokens": tokens,
        "countries": names}, title="Submitters")


def _submitter_form(request: Request, db: Session, values: dict[str, Any], errors: dict[str, str],
                    status: int = 200) -> Response:
    return render.page(request, "admin/submitter_new.html", {
        "values": values, "errors": errors, "kinds": kind_options(),
        "countries": country_options(db)}, status=status, title="New submitter")


@router.get("/admin/submitters/new", response_class=HTMLResponse)
def new_submitter_page(request: Request, db: Db, who: Admin) -> Response:
    """The form for a new submitter. Who: admin."""
    return _submitter_form(request, db, {}, {})


@router.post("/admin/submitters/new", response_class=HTMLResponse)
def new_submitter(request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Register an organisation (``parties.service.create_submitter``, audited). Who: admin."""
    fields = ("name", "kind", "country", "email", "verified")
    try:
        data = SubmitterForm.model_validate(filled(form))
        made = service.create_submitter(session=db, actor=who.principal.actor, name=data.name,
                                        kind=data.kind, country=data.country, email=data.email,
                                        verified=data.verified)
    except ValidationError as exc:
        return _submitter_form(request, db, form, field_errors(exc), 422)
    except DocketError as exc:
        db.rollback()
        return _submitter_form(request, db, form, service_errors(exc, fields), exc.status)
    render.flash(request, f"Submitter {made.name} added. Now add the people who sign in for it.")
    return render.redirect(request, f"/admin/submitters/{made.id}")


def _submitter_page(request: Request, db: Session, submitter: Submitter, *, status: int = 200,
                    **context: Any) -> Response:
    values = {"name": submitter.name, "kind": str(submitter.kind), "country": submitter.country,
              "email": submitter.email or "", "verified": submitter.verified}
    people = service.list_people(session=db, submitter_id=submitter.id)
    return render.page(request, "admin/submitter.html", {
        "submitter": submitter, "self_values": values, "self_errors": {}, "person_values": {},
        "person_errors": {}, "token_values": {}, "token_errors": {}, "people": people,
        "tokens": service.list_tokens(session=db, submitter_id=submitter.id),
        "kinds": kind_options(), "countries": country_options(db),
        "slowed": slowed(request, db, people),
        "country_name": catalog.country_name, **context}, status=status, title=submitter.name)


@router.get("/admin/submitters/{submitter_id}", response_class=HTMLResponse)
def submitter_page(submitter_id: Id, request: Request, db: Db, who: Admin) -> Response:
    """One submitter: its details, its people and its API tokens. Who: admin."""
    return _submitter_page(request, db, _submitter(db, submitter_id))


@router.post("/admin/submitters/{submitter_id}", response_class=HTMLResponse)
def edit_submitter(submitter_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Change a submitter's details (``update_submitter``, audited). Who: admin."""
    submitter = _submitter(db, submitter_id)
    fields = ("name", "kind", "country", "email", "verified")
    try:
        data = SubmitterForm.model_validate(filled(form))
        changes = service.update_submitter(session=db, actor=who.principal.actor, submitter=submitter,
                                           name=data.name, kind=data.kind, country=data.country,
                                           email=data.email, verified=data.verified)
    except (ValidationError, DocketError) as exc:
        db.rollback()
        errors = field_errors(exc) if isinstance(exc, ValidationError) else service_errors(exc, fields)
        return _rerender(request, db, submitter_id, self_values=form, self_errors=errors, status=422)
    render.flash(request, "Saved." if changes else "Nothing changed.")
    return render.redirect(request, f"/admin/submitters/{submitter_id}")


def _rerender(request: Request, db: Session, submitter_id: int, *, status: int, **context: Any) -> Response:
    return _submitter_page(request, db, _submitter(db, submitter_id), status=status, **context)


@router.post("/admin/submitters/{submitter_id}/people", response_class=HTMLResponse)
def add_person(submitter_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Add a person of the submitter who signs in to the portal (``create_person``,
    audited). Who: admin."""
    submitter = _submitter(db, submitter_id)
    try:
        data = PersonForm.model_validate(filled(form, "person_"))
        person = service.create_person(session=db, actor=who.principal.actor, submitter=submitter,
                                       email=data.email, name=data.name, password=data.password)
    except (ValidationError, DocketError) as exc:
        db.rollback()
        errors = (field_errors(exc, "person_") if isinstance(exc, ValidationError)
                  else service_errors(exc, ("email", "name", "password"), "person_email", "person_"))
        return _rerender(request, db, submitter_id, person_values=form, person_errors=errors,
                         status=422 if isinstance(exc, ValidationError) else exc.status)
    render.flash(request, f"{person.email} can now sign in to the portal for {submitter.name}.")
    return render.redirect(request, f"/admin/submitters/{submitter_id}")


@router.post("/admin/submitters/{submitter_id}/tokens", response_class=HTMLResponse)
def add_submitter_token(submitter_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Make an API token for the submitter; the page shows it once (``create_token``,
    audited). Who: admin."""
    submitter = _submitter(db, submitter_id)
    try:
        data = TokenForm.model_validate(filled(form, "token_"))
    except ValidationError as exc:
        return _rerender(request, db, submitter_id, token_values=form,
                         token_errors=field_errors(exc, "token_"), status=422)
    token, plain = service.create_token(session=db, actor=who.principal.actor, submitter=submitter,
                                        name=data.name)
    # Shown in this answer only (not through a redirect), never stored: docket keeps its hash.
    return _rerender(request, db, submitter_id, new_token={"id": token.id, "plain": plain},
                     status=201)


@router.post("/admin/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(token_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Revoke an API token at once (``revoke_token``, audited). Who: admin."""
    token = service.get_token(session=db, token_id=token_id)
    if token is None:
        raise NotFound(f"no token {token_id}")
    back = (f"/admin/submitters/{token.submitter_id}" if token.submitter_id is not None
            else f"/admin/users/{token.user_id}")
    try:
        service.revoke_token(session=db, actor=who.principal.actor, token_id=token_id)
        request.app.state.principal_cache.forget_when_committed(db, token.token_hash)
    except DocketError as exc:
        db.rollback()
        render.flash(request, exc.detail, "error")
    else:
        render.flash(request, f"Token {token.prefix}… is revoked; calls with it now fail.")
    return render.redirect(request, back)


# ---------------------------------------------------------------- users (staff and people)
def _user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def role_options() -> list[tuple[str, str]]:
    return [(r.value, r.value.replace("_", " ")) for r in Role]


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, db: Db, who: Admin) -> Response:
    """Staff users and platform service accounts with their roles. Who: admin."""
    rows = db.scalars(select(User).where(User.submitter_id.is_(None)).order_by(User.id)).all()
    return render.page(request, "admin/users.html", {
        "users": rows, "slowed": slowed(request, db, rows), "country_name": catalog.country_name},
        title="Users")


def _user_form(request: Request, db: Session, values: dict[str, Any], errors: dict[str, str],
               status: int = 200) -> Response:
    return render.page(request, "admin/user_new.html", {
        "values": values, "errors": errors, "roles": role_options(),
        "countries": country_options(db), "country_name": catalog.country_name},
        status=status, title="New user")


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user_page(request: Request, db: Db, who: Admin) -> Response:
    """The form for a new staff user. Who: admin."""
    return _user_form(request, db, {}, {})


@router.post("/admin/users/new", response_class=HTMLResponse)
def new_user(request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Add a staff user with roles (``create_user``, audited). Who: admin."""
    values = {**form, "role": as_list(form.get("role")), "jurisdiction": as_list(form.get("jurisdiction"))}
    fields = ("email", "name", "role", "jurisdiction", "password")
    try:
        data = UserForm.model_validate(filled(values))
        if not data.password and set(data.role) != {Role.platform.value}:
            return _user_form(request, db, values, {
                "password": "required (only a platform service account signs in with tokens alone)"}, 422)
        made = service.create_user(session=db, actor=who.principal.actor, email=data.email,
                                   roles=data.role, jurisdictions=data.jurisdiction, name=data.name,
                                   password=data.password)
    except ValidationError as exc:
        return _user_form(request, db, values, field_errors(exc), 422)
    except DocketError as exc:
        db.rollback()
        return _user_form(request, db, values, service_errors(exc, fields, default="email"), exc.status)
    render.flash(request, f"User {made.email} added.")
    return render.redirect(request, f"/admin/users/{made.id}")


def _user_page(request: Request, db: Session, user: User, *, status: int = 200, **context: Any) -> Response:
    submitter = service.get_submitter(session=db, submitter_id=user.submitter_id) if user.submitter_id else None
    roles = {"role": sorted({str(r.role) for r in user.roles}),
             "jurisdiction": sorted({r.jurisdiction for r in user.roles if r.jurisdiction})}
    return render.page(request, "admin/user.html", {
        "account": user, "submitter": submitter, "slowed": slowed(request, db, [user]).get(user.id),
        "values": roles, "errors": {}, "password_errors": {}, "token_values": {}, "token_errors": {},
        "tokens": service.list_tokens(session=db, user_id=user.id) if submitter is None else [],
        "roles": role_options(), "countries": country_options(db),
        "country_name": catalog.country_name, **context},
        status=status, title=user.name or user.email)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_page(user_id: Id, request: Request, db: Db, who: Admin) -> Response:
    """One account: roles, lock-out, password, tokens. Who: admin."""
    return _user_page(request, db, _user(db, user_id))


@router.post("/admin/users/{user_id}/roles", response_class=HTMLResponse)
def set_roles(user_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Replace a staff user's roles and a local representative's countries (``set_roles``,
    audited). Who: admin."""
    user = _user(db, user_id)
    values = {"role": as_list(form.get("role")), "jurisdiction": as_list(form.get("jurisdiction"))}
    try:
        service.set_roles(session=db, actor=who.principal.actor, user=user, roles=values["role"],
                          jurisdictions=values["jurisdiction"])
    except DocketError as exc:
        db.rollback()
        return _user_page(request, db, _user(db, user_id), values=values,
                          errors=service_errors(exc, ("role", "jurisdiction"), default="role"),
                          status=exc.status)
    render.flash(request, "Roles saved. They apply from the user's next page or API call.")
    return render.redirect(request, f"/admin/users/{user_id}")


def _back(form: dict[str, Any], user: User) -> str:
    return safe_next(str(form.get("next") or ""), f"/admin/users/{user.id}")


@router.post("/admin/users/{user_id}/password", response_class=HTMLResponse)
def set_password(user_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Give an account a new password (``set_password``, audited). Who: admin."""
    user = _user(db, user_id)
    password = str(form.get("password") or "")
    try:
        service.set_password(session=db, actor=who.principal.actor, user=user, password=password)
    except DocketError as exc:
        db.rollback()
        return _user_page(request, db, _user(db, user_id), status=exc.status,
                          password_errors=service_errors(exc, ("password",), default="password"))
    render.flash(request, f"New password set for {user.email}; tell them through a separate channel.")
    return render.redirect(request, f"/admin/users/{user_id}")


@router.post("/admin/users/{user_id}/unlock", response_class=HTMLResponse)
def unlock(user_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Forget an account's failed sign-ins from every address, so nobody waits to try it
    again (``unlock``, audited). Who: admin."""
    user = _user(db, user_id)
    service.unlock(session=db, actor=who.principal.actor, user=user,
                   secret=request.app.state.settings.secret_key)
    render.flash(request, f"{user.email} is unlocked: sign-in attempts no longer wait.")
    return render.redirect(request, _back(form, user))


@router.post("/admin/users/{user_id}/deactivate", response_class=HTMLResponse)
def deactivate(user_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Deactivate an account: its sessions and tokens stop working (``set_active``,
    audited). Who: admin."""
    return _set_active(request, db, who, form, user_id, False)


@router.post("/admin/users/{user_id}/reactivate", response_class=HTMLResponse)
def reactivate(user_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Bring a deactivated account back (``set_active``, audited). Who: admin."""
    return _set_active(request, db, who, form, user_id, True)


def _set_active(request: Request, db: Session, who: SignedIn, form: dict[str, Any], user_id: int,
                active: bool) -> Response:
    user = _user(db, user_id)
    try:
        service.set_active(session=db, actor=who.principal.actor, user=user, active=active)
    except DocketError as exc:
        db.rollback()
        render.flash(request, exc.detail, "error")
    else:
        render.flash(request, f"{user.email} is {'active again' if active else 'deactivated'}.")
    return render.redirect(request, _back(form, user))


@router.post("/admin/users/{user_id}/tokens", response_class=HTMLResponse)
def add_user_token(user_id: Id, request: Request, db: Db, who: Admin, form: Form) -> Response:
    """Make an API token for a staff user or service account; shown once (``create_token``,
    audited). Who: admin."""
    user = _user(db, user_id)
    if user.submitter_id is not None:
        raise NotFound("a person of a submitter uses the submitter's tokens")
    try:
        data = TokenForm.model_validate(filled(form, "token_"))
    except ValidationError as exc:
        return _user_page(request, db, user, token_values=form,
                          token_errors=field_errors(exc, "token_"), status=422)
    token, plain = service.create_token(session=db, actor=who.principal.actor, user=user,
                                        name=data.name)
    return _user_page(request, db, user, new_token={"id": token.id, "plain": plain}, status=201)
