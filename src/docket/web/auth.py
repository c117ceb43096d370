"""Who may see a page: one dependency factory, :func:`signed_in`, that reads the session
cookie, as ``parties.auth.principal`` reads the API's token.

``signed_in(optional=True)`` for public pages (the header shows who is signed in; it is
``MaybeUser``), ``signed_in()`` for any signed-in person (``PageUser``),
``signed_in(permission=P)`` for pages behind an API permission (the same ``Permission``
table as the API, so a page never grants more than the API would),
``signed_in(portal=True)`` for people of a submitter (``PortalUser``). Not signed in: 303
to /sign-in?next=…; signed in without the right: a 403 page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Literal, overload
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from docket.errors import Forbidden
from docket.parties.auth import Permission
from docket.store import read_only, transaction
from docket.web import sessions
from docket.web.render import SESSION_COOKIE
from docket.web.sessions import SignedIn


class SignInRequired(Exception):
    """Handled by a 303 to the sign-in page, coming back to ``next_url`` afterwards."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def _load(request: Request) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    now = request.app.state.clock.now()
    with read_only(factory) as session:
        user = sessions.load(session=session, token=token, now=now)
    if user is not None and (user.last_seen_at is None
                             or user.last_seen_at < now - dt.timedelta(minutes=1)):
        with transaction(factory) as session:
            sessions.touch(session=session, session_id=user.session_id, now=now)
    return user


def _next(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/sign-in?next={quote(target, safe='')}"


UserDependency = Callable[[Request], Awaitable[SignedIn]]
OptionalUserDependency = Callable[[Request], Awaitable[SignedIn | None]]
_DEPENDENCIES: dict[tuple[bool, Permission | None, bool], OptionalUserDependency] = {}


@overload
def signed_in(*, optional: Literal[False] = False, permission: Permission | None = None,
              portal: bool = False) -> UserDependency: ...
@overload
def signed_in(*, optional: Literal[True]) -> OptionalUserDependency: ...
def signed_in(*, optional: bool = False, permission: Permission | None = None,
              portal: bool = False) -> UserDependency | OptionalUserDependency:
    """The dependency that says who is looking at a page, from the session cookie. Use it
    as ``Annotated[SignedIn, Depends(signed_in(...))]``.

    - ``optional``: None when nobody is signed in, for pages anyone may open; it cannot
      be combined with the other options.
    - ``permission``: the person's roles must grant it (a 403 page otherwise).
    - ``portal``: the person must act for a submitter (a 403 page otherwise).

    Without ``optional``, nobody signed in is a 303 to /sign-in?next=… (this page). The
    session is read once per request whatever the options (``request.state.user``), and
    the same options give the same function, so FastAPI calls it once per request however
    many dependencies ask for it."""
    key = (optional, permission, portal)
    found = _DEPENDENCIES.get(key)
    if found is None:
        if optional and (permission is not None or portal):
            raise ValueError("a page anyone may open asks for no permission and no submitter")
        found = _DEPENDENCIES[key] = _dependency(optional=optional, permission=permission,
                                                 portal=portal)
    return found


async def _user(request: Request, *, optional: bool, permission: Permission | None,
                portal: bool) -> SignedIn | None:
    """The person looking at ``request`` as ``signed_in(...)`` with these options finds
    them.

    A module function rather than the dependency's own body, as in ``parties.auth``: the
    dependencies are built when the routes are declared, and mutation testing switches a
    mutant on only in code called after that."""
    if not hasattr(request.state, "user"):
        request.state.user = await run_in_threadpool(_load, request)
    user: SignedIn | None = request.state.user
    if user is None:
        if optional:
            return None
        raise SignInRequired(_next(request))
    if permission is not None and not user.principal.can(permission):
        raise Forbidden("your account may not open this page")
    if portal and user.principal.submitter_id is None:
        raise Forbidden("the portal is for the people of a requesting organisation")
    return user


def _dependency(*, optional: bool, permission: Permission | None,
                portal: bool) -> OptionalUserDependency:
    async def user(request: Request) -> SignedIn | None:
        return await _user(request, optional=optional, permission=permission, portal=portal)

    options = ", ".join(f"{name}={value}" for name, value in (
        ("optional", optional), ("permission", permission and permission.value), ("portal", portal)) if value)
    user.__name__ = user.__qualname__ = f"signed_in({options})"
    return user


MaybeUser = Annotated[SignedIn | None, Depends(signed_in(optional=True))]
PageUser = Annotated[SignedIn, Depends(signed_in())]
PortalUser = Annotated[SignedIn, Depends(signed_in(portal=True))]
