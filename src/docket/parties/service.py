"""Create and find submitters, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from docket import audit
from docket.catalog import service as catalog
from docket.catalog.models import RequesterKind
from docket.errors import Conflict, NotFound, Unprocessable
from docket.parties.models import ApiToken, Role, Submitter, User, UserRole
from docket.store import rowcount, utcnow
from docket.web import throttle

TOKEN_PREFIX = "dkt_"
# Long passphrases beat complex short ones (NIST SP 800-63B); the sign-in form reads 1000.
MIN_PASSWORD, MAX_PASSWORD = 12, 200
_hasher = PasswordHasher()


def hash_token(token: str) -> str:
    """Tokens are 256 random bits, so one SHA-256 is enough (no slow hash needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_country(session: Session, code: str, field: str) -> str:
    code = code.upper()
    if catalog.get_jurisdiction(session=session, code=code) is None:
        raise Unprocessable(
            f"unknown country {code!r}",
            errors=[{"field": field, "message": "an ISO 3166-1 alpha-2 code, e.g. KZ"}],
        )
    return code


def create_submitter(
    *, session: Session, actor: str, name: str, kind: RequesterKind | str, country: str,
    email: str | None = None, verified: bool = False,
) -> Submitter:
    """Register an organisation that may send requests (audited)."""
    try:
        kind = RequesterKind(kind)
    except ValueError:
        raise Unprocessable(
            f"unknown requester kind {kind!r}",
            errors=[{"field": "kind", "message": "one of " + ", ".join(k.value for k in RequesterKind)}],
        ) from None
    submitter = Submitter(
        name=name, kind=kind, country=_check_country(session, country, "country"),
        email=email, verified=verified,
    )
    session.add(submitter)
    session.flush()
    audit.record(
        session=session, actor=actor, action="submitter:created",
        subject=f"submitter:{submitter.id}",
        payload={"name": name, "kind": kind.value, "country": submitter.country, "verified": verified},
    )
    return submitter


def get_submitter(*, session: Session, submitter_id: int) -> Submitter | None:
    return session.get(Submitter, submitter_id)


def list_submitters(*, session: Session) -> Sequence[Submitter]:
    return session.execute(select(Submitter).order_by(Submitter.id)).scalars().all()


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def _check_roles(
    session: Session, roles: Iterable[Role | str], jurisdictions: Iterable[str]
) -> tuple[list[Role], list[str]]:
    """Parse roles and a local representative's countries, or say which field is wrong."""
    try:
        parsed = [Role(r) for r in roles]
    except ValueError as exc:
        raise Unprocessable(
            str(exc), errors=[{"field": "role", "message": "one of " + ", ".join(r.value for r in Role)}]
        ) from None
    if not parsed:
        raise Unprocessable("a user needs a role", errors=[{"field": "role", "message": "required"}])
    codes = [_check_country(session, c, "jurisdiction") for c in jurisdictions]
    if Role.local_representative in parsed and not codes:
        raise Unprocessable(
            "a local representative needs the jurisdictions it answers for",
            errors=[{"field": "jurisdiction", "message": "required for local_representative"}],
        )
    if codes and Role.local_representative not in parsed:
        raise Unprocessable(
            "jurisdictions apply only to the local_representative role",
            errors=[{"field": "jurisdiction", "message": "only with the local_representative role"}],
        )
    return parsed, codes


def _role_rows(roles: list[Role], codes: list[str]) -> list[UserRole]:
    rows: list[UserRole] = []
    for role in dict.fromkeys(roles):
        if role is Role.local_representative:
            rows.extend(UserRole(role=role, jurisdiction=c) for c in dict.fromkeys(codes))
        else:
            rows.append(UserRole(role=role))
    return rows


def check_new_password(password: str) -> None:
    """A new password is long enough to resist guessing, and short enough to type in."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Unprocessable(
            "the password is too short" if len(password) < MIN_PASSWORD else "the password is too long",
            errors=[{"field": "password",
                     "message": f"between {MIN_PASSWORD} and {MAX_PASSWORD} characters"}],
        )


def create_user(
    *, session: Session, actor: str, email: str, roles: Iterable[Role | str],
    jurisdictions: Iterable[str] = (), name: str = "", password: str | None = None,
) -> User:
    """Add a staff user or a platform service account with its roles (audited).

    ``jurisdictions`` are the countries of a ``local_representative`` role.
    """
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Unprocessable("invalid e-mail", errors=[{"field": "email", "message": "an e-mail address"}])
    if get_user_by_email(session=session, email=email) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    parsed, codes = _check_roles(session, roles, jurisdictions)
    if password is not None:
        check_new_password(password)
    user = User(email=email, name=name, password_hash=hash_password(password) if password else None)
    user.roles.extend(_role_rows(parsed, codes))
    session.add(user)
    session.flush()
    audit.record(
        session=session, actor=actor, action="user:created", subject=f"user:{user.id}",
        payload={
            "email": email,
            "roles": sorted({r.value for r in parsed}),
            "jurisdictions": sorted(set(codes)),
        },
    )
    return user


def create_person(
    *, session: Session, actor: str, submitter: Submitter, email: str, name: str = "",
    password: str | None = None,
) -> User:
    """Add a person of a submitter (an official of an agency) who signs in to the portal
    and acts as that submitter; audited. A person has no staff role."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Unprocessable("invalid e-mail", errors=[{"field": "email", "message": "an e-mail address"}])
    if get_user_by_email(session=session, email=email) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    if password is not None:
        check_new_password(password)
    user = User(email=email, name=name, submitter_id=submitter.id,
                password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor, action="user:created", subject=f"user:{user.id}",
                 payload={"email": email, "submitter": submitter.id, "roles": []})
    return user


def list_people(*, session: Session, submitter_id: int) -> Sequence[User]:
    return session.scalars(select(User).where(User.submitter_id == submitter_id)
                           .order_by(User.id)).all()


def unlock(*, session: Session, actor: str, user: User, secret: str) -> int:
    """Forget the failed sign-ins counted on an account, from every address, so nobody
    waits to try it again (audited); ``secret`` is the server's, which keys the counters.
    Returns how many counters were cleared."""
    cleared = throttle.clear_account(session=session,
                                     account=throttle.account_key(secret=secret, email=user.email))
    audit.record(session=session, actor=actor, action="user:unlocked", subject=f"user:{user.id}",
                 payload={"cleared": cleared})
    return cleared


def set_password(*, session: Session, actor: str, user: User, password: str) -> None:
    """Give an account a new password (audited)."""
    check_new_password(password)
    user.password_hash = hash_password(password)
    audit.record(session=session, actor=actor, action="user:password_set", subject=f"user:{user.id}")


def set_language(*, session: Session, actor: str, user: User, language: str | None) -> None:
    """Save the language a person reads pages in (audited)."""
    user.language = language
    audit.record(session=session, actor=actor, action="user:language_set", subject=f"user:{user.id}",
                 payload={"language": language})


def _is_last_admin(session: Session, user: User) -> bool:
    """Whether ``user`` is the only active admin left (who else could fix a mistake?)."""
    admins = session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.admin, User.active.is_(True))
    ).all()
    return set(admins) == {user.id}


def set_active(*, session: Session, actor: str, user: User, active: bool) -> None:
    """Deactivate an account (its sessions and tokens stop working at once) or bring it
    back (audited). The last active admin stays."""
    if user.active == active:
        raise Conflict(f"user {user.id} is already {'active' if active else 'deactivated'}")
    if not active and _is_last_admin(session, user):
        raise Conflict("this is the last active admin; make another admin first")
    user.active = active
    audit.record(session=session, actor=actor, subject=f"user:{user.id}",
                 action="user:reactivated" if active else "user:deactivated")


def set_roles(
    *, session: Session, actor: str, user: User, roles: Iterable[Role | str],
    jurisdictions: Iterable[str] = (),
) -> None:
    """Replace a staff user's roles (and a local representative's countries); audited.
    The last active admin keeps the admin role."""
    if user.submitter_id is not None:
        raise Unprocessable("a person of a submitter has no staff roles",
                            errors=[{"field": "role", "message": "not for a submitter's people"}])
    parsed, codes = _check_roles(session, roles, jurisdictions)
    if Role.admin not in parsed and user.active and _is_last_admin(session, user):
        raise Conflict("this is the last active admin; make another admin first",
                       errors=[{"field": "role", "message": "keep admin"}])
    before = sorted(f"{r.role}:{r.jurisdiction}" if r.jurisdiction else str(r.role) for r in user.roles)
    user.roles.clear()
    session.flush()  # the old rows go before the new ones meet the unique constraint
    user.roles.extend(_role_rows(parsed, codes))
    session.flush()
    audit.record(session=session, actor=actor, action="user:roles_set", subject=f"user:{user.id}",
                 payload={"before": before, "roles": sorted({r.value for r in parsed}),
                          "jurisdictions": sorted(set(codes))})


def update_submitter(
    *, session: Session, actor: str, submitter: Submitter, name: str, kind: RequesterKind | str,
    country: str, email: str | None, verified: bool,
) -> dict[str, list[object]]:
    """Change a submitter's details (audited with what changed); returns the changes."""
    try:
        kind = RequesterKind(kind)
    except ValueError:
        raise Unprocessable(
            f"unknown requester kind {kind!r}",
            errors=[{"field": "kind", "message": "one of " + ", ".join(k.value for k in RequesterKind)}],
        ) from None
    wanted = {"name": name, "kind": kind, "country": _check_country(session, country, "country"),
              "email": email, "verified": verified}
    changes = {k: [getattr(submitter, k), v] for k, v in wanted.items() if getattr(submitter, k) != v}
    for key, (_old, new) in changes.items():
        setattr(submitter, key, new)
    if changes:
        audit.record(session=session, actor=actor, action="submitter:updated",
                     subject=f"submitter:{submitter.id}",
                     payload=changes)
    return changes


def create_token(
    *, session: Session, actor: str, submitter: Submitter | None = None,
    user: User | None = None, name: str = "", secret: str | None = None,
) -> tuple[ApiToken, str]:
    """Make a new token; the plain token is returned once and never stored."""
    if submitter is not None and user is None:
        owner = f"submitter:{submitter.id}"
    elif user is not None and submitter is None:
        owner = f"user:{user.id}"
    else:
        raise ValueError("a token belongs to exactly one submitter or user")
    plain = secret or TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        token_hash=hash_token(plain), prefix=plain[:12], name=name,
        submitter_id=submitter.id if submitter else None, user_id=user.id if user else None,
    )
    session.add(token)
    session.flush()
    audit.record(
        session=session, actor=actor, action="token:created", subject=f"token:{token.id}",
        payload={"owner": owner, "name": name, "prefix": token.prefix},
    )
    return token, plain


def get_token(*, session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def find_active_token(*, session: Session, plain: str) -> ApiToken | None:
    """The unrevoked token with this value, or None; its owner comes in the same query."""
    return session.execute(
        select(ApiToken)
        .options(joinedload(ApiToken.submitter), joinedload(ApiToken.user).joinedload(User.roles))
        .where(ApiToken.token_hash == hash_token(plain), ApiToken.revoked_at.is_(None))
    ).unique().scalar_one_or_none()


def list_tokens(
    *, session: Session, submitter_id: int | None = None, user_id: int | None = None
) -> Sequence[ApiToken]:
    """Tokens, oldest first, of a submitter or a user (all without either: the CLI)."""
    query = select(ApiToken).order_by(ApiToken.id)
    if submitter_id is not None:
        query = query.where(ApiToken.submitter_id == submitter_id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return session.execute(query).scalars().all()


def revoke_token(*, session: Session, actor: str, token_id: int) -> ApiToken:
    """Revoke a token (audited); revoking twice is a conflict."""
    token = get_token(session=session, token_id=token_id)
    if token is None:
        raise NotFound(f"no token {token_id}")
    # Conditional update: of two concurrent revocations only one records the event.
    done = rowcount(session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ))
    if not done:
        raise Conflict(f"token {token_id} is already revoked")
    session.refresh(token)
    audit.record(session=session, actor=actor, action="token:revoked", subject=f"token:{token.id}")
    return token
