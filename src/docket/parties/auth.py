"""Authentication and authorization: one dependency factory, :func:`principal`, that
every API route uses to know its caller, and :func:`require` built on it.

``Authorization: Bearer <token>``. A missing, unknown or revoked token is a 401;
a role without the permission is a 403. Record-level rules (a submitter sees only
its own records, as 404 otherwise) live in ``docket.access``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Literal, overload

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from docket.clock import SYSTEM, Clock
from docket.errors import Forbidden, Unauthenticated
from docket.parties import service
from docket.parties.models import STAFF_ROLES, ApiToken, Role, Submitter, User, UserRole
from docket.store import read_only


class Permission(StrEnum):
    audit_read = "audit:read"
    catalog_write = "catalog:write"
    parties_read = "parties:read"
    parties_write = "parties:write"
    requests_submit = "requests:submit"
    requests_read_all = "requests:read_all"
    queue_read = "queue:read"
    review = "review"
    content_write = "content:write"
    content_read = "content:read"
    visibility_read = "visibility:read"
    webhooks_manage = "webhooks:manage"
    holds_manage = "holds:manage"
    outbox_admin = "outbox:admin"
    metrics_read = "metrics:read"
    # The inbox of documents received that belong to no request yet (docket.documents.inbox):
    # reading them, uploading to it, dismissing; the reviewers, who take requests in.
    inbox = "inbox"
    # The desk's lead: assign items to a person or a team, take one over, manage teams.
    assign = "assign"
    # The desk's dashboard (backlog, clocks, throughput, appeals and reversals).
    dashboard_read = "dashboard:read"
    # Explanation templates for decisions (docket.review.explanations): writing them.
    templates_write = "templates:write"


# Who may do what. No entry names a particular submitter or country: the same
# rules for everybody (the local representative's countries come from its role).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(
        {Permission.audit_read, Permission.catalog_write, Permission.parties_read,
         Permission.parties_write, Permission.requests_read_all, Permission.queue_read,
         Permission.content_read, Permission.outbox_admin, Permission.metrics_read,
         Permission.dashboard_read, Permission.templates_write}
    ),
    Role.reviewer: frozenset(
        {Permission.requests_read_all, Permission.queue_read, Permission.review,
         Permission.content_read, Permission.parties_read, Permission.inbox}
    ),
    Role.legal: frozenset(
        {Permission.requests_read_all, Permission.queue_read, Permission.review,
         Permission.content_read, Permission.parties_read, Permission.holds_manage}
    ),
    Role.rights: frozenset(
        {Permission.requests_read_all, Permission.queue_read, Permission.review,
         Permission.content_read, Permission.parties_read}
    ),
    Role.local_representative: frozenset(
        {Permission.requests_read_all, Permission.queue_read, Permission.review,
         Permission.content_read}
    ),
    Role.lead: frozenset(
        {Permission.requests_read_all, Permission.queue_read, Permission.review,
         Permission.content_read, Permission.parties_read, Permission.assign,
         Permission.dashboard_read, Permission.templates_write}
    ),
    Role.auditor: frozenset(
        {Permission.audit_read, Permission.requests_read_all, Permission.parties_read,
         Permission.content_read, Permission.metrics_read}
    ),
    Role.platform: frozenset(
        {Permission.content_write, Permission.content_read, Permission.visibility_read,
         Permission.webhooks_manage}
    ),
}
SUBMITTER_PERMISSIONS = frozenset({Permission.requests_submit})


@dataclass(frozen=True)
class Principal:
    """Who is calling: a submitter's token or a user's token."""

    token_id: int
    submitter_id: int | None = None
    submitter_kind: str | None = None
    user_id: int | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    # Jurisdictions of a local_representative role.
    jurisdictions: frozenset[str] = field(default_factory=frozenset)

    @property
    def actor(self) -> str:
        return f"submitter:{self.submitter_id}" if self.submitter_id else f"user:{self.user_id}"

    @property
    def is_submitter(self) -> bool:
        return self.submitter_id is not None

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def permissions(self) -> frozenset[Permission]:
        if self.is_submitter:
            return SUBMITTER_PERMISSIONS
        granted: set[Permission] = set()
        for role in self.roles:
            granted |= ROLE_PERMISSIONS[role]
        return frozenset(granted)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthenticated(
            "send an API token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="docket"'},
        )
    return value.strip()


def _invalid_token() -> Unauthenticated:
    return Unauthenticated(
        "the token is unknown or revoked",
        headers={"WWW-Authenticate": 'Bearer realm="docket", error="invalid_token"'},
    )


_TOKEN_OWNER = (
    select(ApiToken.id, ApiToken.submitter_id, Submitter.kind, ApiToken.user_id, User.active)
    .outerjoin(Submitter, Submitter.id == ApiToken.submitter_id)
    .outerjoin(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)
_ROLES = select(UserRole.role, UserRole.jurisdiction).where(UserRole.user_id == bindparam("user_id"))


def principal_for(session: Session, plain: str) -> Principal | None:
    """The principal a token stands for, or None if it is unknown, revoked or deactivated.

    Plain rows, no ORM objects: every API call runs this."""
    row = session.execute(_TOKEN_OWNER, {"token_hash": service.hash_token(plain)}).first()
    if row is None:
        return None
    token_id, submitter_id, kind, user_id, active = row
    if submitter_id is not None:
        return Principal(token_id=token_id, submitter_id=submitter_id, submitter_kind=str(kind))
    if not active or user_id is None:  # a person's token of a deactivated account
        return None
    return user_principal(session, user_id=user_id, token_id=token_id)


def user_principal(session: Session, *, user_id: int, token_id: int = 0) -> Principal:
    """A person's principal from their roles (and a local representative's countries): the
    same for an API token and a web session (``token_id`` 0), so a page never grants
    more than the API would."""
    roles = session.execute(_ROLES, {"user_id": user_id}).all()
    return Principal(
        token_id=token_id, user_id=user_id, roles=frozenset(Role(r.role) for r in roles),
        jurisdictions=frozenset(r.jurisdiction for r in roles
                                if r.role == Role.local_representative and r.jurisdiction),
    )


class SubmitterTokens:
    """Submitters' tokens this application has seen, for intake's hot path: the dependency
    answers from here without a query or a hop to the thread pool, and the route then
    confirms the token in the read transaction it opens anyway (:func:`confirm_submitter`),
    so a revoked token, whichever process revoked it, is refused at the next call."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: dict[str, Principal] = {}
        self._max = max_entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token_hash: str) -> Principal | None:
        return self._entries.get(token_hash)

    def put(self, token_hash: str, principal: Principal) -> None:
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[token_hash] = principal

    def forget(self, token_hash: str) -> None:
        self._entries.pop(token_hash, None)


class PrincipalCache:
    """The tokens one application has checked, built once in ``create_app`` and kept as
    ``app.state.principal_cache`` (so two applications in one process never share it).

    Checked tokens are trusted for ``ttl`` seconds by ``principal(cached=True)``, so hot
    routes (visibility) need no database: a revoked token, a deactivated account or a
    changed role is seen on these routes after at most ``ttl`` seconds (by ``clock``).
    ``submitters`` holds submitters' tokens for ``principal(route_confirms=True)``. Each
    keeps at most ``max_entries`` tokens; when full it starts again empty (tokens are then
    checked again)."""

    def __init__(self, factory: sessionmaker[Session], ttl: float, *,
                 max_entries: int = 10_000, clock: Clock = SYSTEM) -> None:
        self.factory, self.ttl, self.max_entries, self.clock = factory, ttl, max_entries, clock
        self._entries: dict[str, tuple[float, Principal | None]] = {}
        self.submitters = SubmitterTokens(max_entries)

    def __len__(self) -> int:
        return len(self._entries)

    def cached(self, plain: str) -> tuple[bool, Principal | None]:
        entry = self._entries.get(service.hash_token(plain))
        if entry is not None and entry[0] > self.clock.monotonic():
            return True, entry[1]
        return False, None

    def load(self, plain: str) -> Principal | None:
        with read_only(self.factory) as session:
            principal = principal_for(session, plain)
        if self.ttl > 0:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[service.hash_token(plain)] = (self.clock.monotonic() + self.ttl,
                                                        principal)
        return principal

    def forget(self, token_hash: str) -> None:
        """Drop a token from both caches: the next call with it is checked again."""
        self._entries.pop(token_hash, None)
        self.submitters.forget(token_hash)

    def forget_when_committed(self, session: Session, token_hash: str) -> None:
        """Drop the token once ``session`` commits (a revocation in it), so this application
        refuses it at the next call instead of trusting its cache for up to ``ttl``
        seconds. Not before the commit: a call in between would read the token as still
        valid and cache it again. Other processes see it within ``ttl`` seconds."""
        event.listen(session, "after_commit", lambda _session: self.forget(token_hash), once=True)

    def check(self, plain: str) -> Principal | None:
        """The token looked up now (nothing cached), in a short read-only transaction of
        its own: the call's own transaction (and on SQLite its write lock) starts only when
        the route first needs the database."""
        with read_only(self.factory) as session:
            return principal_for(session, plain)


Dependency = Callable[[Request], Awaitable[Principal]]
OptionalDependency = Callable[[Request], Awaitable[Principal | None]]
_DEPENDENCIES: dict[tuple[bool, bool, bool], OptionalDependency] = {}


@overload
def principal(*, cached: bool = False, optional: Literal[False] = False,
              route_confirms: bool = False) -> Dependency: ...
@overload
def principal(*, cached: bool = False, optional: Literal[True],
              route_confirms: bool = False) -> OptionalDependency: ...
def principal(*, cached: bool = False, optional: bool = False,
              route_confirms: bool = False) -> Dependency | OptionalDependency:
    """The dependency that says who is calling, from ``Authorization: Bearer <token>``:
    a 401 with RFC 6750's ``WWW-Authenticate`` when the token is missing, unknown, revoked
    or its account deactivated. Use it as ``Annotated[Principal, Depends(principal(...))]``.

    - ``optional``: None without an Authorization header, for routes anyone may call (the
      public report form, an author's appeal); with one the token must be valid, as
      everywhere.
    - ``cached``: from the application's cache when it checked the token less than
      ``DOCKET_TOKEN_CACHE_SECONDS`` ago, with no database (see :class:`PrincipalCache`).
    - ``route_confirms``: a submitter's token this application has seen is answered from
      memory; the route must confirm it with :func:`confirm_submitter` in its first read
      transaction (401 there if it was revoked since). Other tokens are checked now.

    Without ``cached`` or ``route_confirms`` the token is checked on every call. The same
    options give the same function, so FastAPI resolves the caller once per request however
    many dependencies ask for it."""
    key = (cached, optional, route_confirms)
    found = _DEPENDENCIES.get(key)
    if found is None:
        if cached and route_confirms:
            raise ValueError("a cached caller is never confirmed by the route")
        found = _DEPENDENCIES[key] = _dependency(cached=cached, optional=optional,
                                                 route_confirms=route_confirms)
    return found


async def _caller(request: Request, *, cached: bool, optional: bool,
                  route_confirms: bool) -> Principal | None:
    """The caller of ``request`` as ``principal(...)`` with these options finds it.

    A module function rather than the dependency's own body: the dependencies are built
    once, when the routes are declared, and mutation testing switches a mutant on only in
    code called after that (docs/development.md)."""
    if optional and not request.headers.get("authorization"):
        return None
    plain = _bearer(request)
    cache: PrincipalCache = request.app.state.principal_cache
    found: Principal | None
    if cached:
        hit, found = cache.cached(plain)
        if not hit:
            found = await run_in_threadpool(cache.load, plain)
    elif route_confirms:
        token_hash = service.hash_token(plain)
        found = cache.submitters.get(token_hash)
        if found is None:
            found = await run_in_threadpool(cache.check, plain)
            if found is not None and found.submitter_id is not None:
                cache.submitters.put(token_hash, found)
    else:
        found = await run_in_threadpool(cache.check, plain)
    if found is None:
        raise _invalid_token()
    if Role.platform in found.roles:
        _count_platform_call(request, found)
    return found


def _count_platform_call(request: Request, principal: Principal) -> None:
    """Take the call from the bucket of a platform's token (``DOCKET_PLATFORM_RATE_LIMIT`` a
    minute, a 429 with Retry-After over it): here, where every API route finds its caller,
    so no route the platform may call is left out. Submitters' tokens are limited by
    ``docket.intake.api.rate_limited``; people's sessions never come here. FastAPI finds
    the caller once per call (see :func:`principal`), so a call counts once; a route
    finding it in two ways (cached and not) would count it twice, which
    tests/parties/test_auth_rate_limit.py catches."""
    request.app.state.ratelimiter.hit(f"token:{principal.token_id}",
                                      request.app.state.settings.platform_rate_limit)


# The OpenAPI document's security scheme ("Authorize" in /docs): FastAPI names it on every
# operation whose caller dependency depends on it. Only for the document: it refuses
# nothing (auto_error off), _caller checks the token. An optional caller names its own
# scheme, which docket.openapi turns into "bearer, or nothing".
BEARER = HTTPBearer(scheme_name="bearer", bearerFormat="docket API token", auto_error=False,
                    description="An API token: `Authorization: Bearer <token>` (docs/api.md, "
                                "Authentication). Tokens are made with `POST /api/v1/tokens`, "
                                "`docket token create` or on the admin pages.")
BEARER_OPTIONAL = HTTPBearer(scheme_name="bearerOptional", auto_error=False)
Token = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
MaybeToken = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER_OPTIONAL)]


def _dependency(*, cached: bool, optional: bool, route_confirms: bool) -> OptionalDependency:
    async def needs_token(request: Request, _token: Token = None) -> Principal | None:
        return await _caller(request, cached=cached, optional=optional, route_confirms=route_confirms)

    async def may_take_token(request: Request, _token: MaybeToken = None) -> Principal | None:
        return await _caller(request, cached=cached, optional=optional, route_confirms=route_confirms)

    caller = may_take_token if optional else needs_token

    options = [name for name, on in (("cached", cached), ("optional", optional),
                                     ("route_confirms", route_confirms)) if on]
    caller.__name__ = caller.__qualname__ = f"principal({', '.join(f'{o}=True' for o in options)})"
    return caller


CurrentPrincipal = Annotated[Principal, Depends(principal())]
CachedPrincipal = Annotated[Principal, Depends(principal(cached=True))]
OptionalPrincipal = Annotated[Principal | None, Depends(principal(optional=True))]


@dataclass(frozen=True)
class ConfirmedSubmitter:
    """A submitter whose token was checked in the caller's transaction: who it is, its
    kind, and where its acknowledgements go."""

    id: int
    kind: str
    email: str | None
    country: str


_CONFIRM = (
    select(Submitter.id, Submitter.kind, Submitter.email, Submitter.country)
    .join(ApiToken, ApiToken.submitter_id == Submitter.id)
    .where(ApiToken.id == bindparam("token_id"), ApiToken.token_hash == bindparam("token_hash"),
           ApiToken.revoked_at.is_(None))
)


def confirm_submitter(session: Session, request: Request,
                      principal: Principal) -> ConfirmedSubmitter:
    """The submitter of ``principal``'s token, read in ``session``; a 401, as from any
    caller dependency, if the token was revoked since ``principal(route_confirms=True)``
    saw it."""
    token_hash = service.hash_token(_bearer(request))
    seen: SubmitterTokens = request.app.state.principal_cache.submitters
    row = session.connection().execute(_CONFIRM, {"token_id": principal.token_id,
                                                  "token_hash": token_hash}).first()
    if row is None:
        seen.forget(token_hash)
        raise _invalid_token()
    if str(row.kind) != principal.submitter_kind:  # the submitter changed kind meanwhile
        seen.forget(token_hash)
    return ConfirmedSubmitter(row.id, str(row.kind), row.email, row.country)


def _permitted(principal: Principal, permission: Permission) -> Principal:
    """``principal`` if it has ``permission``; 403 otherwise. (Outside :func:`require`'s
    closure, built when the routes are declared, for the reason :func:`_caller` gives.)"""
    if not principal.can(permission):
        raise Forbidden(f"this call needs the '{permission.value}' permission")
    return principal


def require(permission: Permission, *, cached: bool = False) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets the call through only with ``permission`` (403 otherwise);
    the caller is found by ``principal(cached=cached)``."""

    async def check(principal: CurrentPrincipal) -> Principal:
        return _permitted(principal, permission)

    async def check_cached(principal: CachedPrincipal) -> Principal:
        return _permitted(principal, permission)

    chosen = check_cached if cached else check
    chosen.__name__ = f"require_{permission.name}"
    return chosen
