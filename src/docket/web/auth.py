"""Who may see a page: dependencies that read the session cookie.

``MaybeUser`` for public pages (the header shows who is signed in), ``PageUser`` for any
signed-in person, ``page_permission(P)`` for pages behind an API permission (the same
``Permission`` table as the API, so a page never grants more than the API would),
``PortalUser`` for people of a submitter. Not signed in: 303 to /sign-in?next=…;
signed in without the right: a 403 page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from docket.errors import Forbidden
from docket.parties.auth import Permission
from docket.store import begin_readonly, transaction
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
    with factory() as session:
        begin_readonly(session)
        user = sessions.load(session=session, token=token, now=now)
    if user is not None and (user.last_seen_at is None
                             or user.last_seen_at < now - dt.timedelta(minutes=1)):
        with transaction(factory) as session:
            sessions.touch(session=session, session_id=user.session_id, now=now)
    return user


async def maybe_user(request: Request) -> SignedIn | None:
    if not hasattr(request.state, "user"):
        request.state.user = await run_in_threadpool(_load, request)
    user: SignedIn | None = request.state.user
    return user


def _next(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/sign-in?next={quote(target, safe='')}"


async def page_user(request: Request) -> SignedIn:
    user = await maybe_user(request)
    if user is None:
        raise SignInRequired(_next(request))
    return user


def page_permission(permission: Permission) -> Callable[..., object]:
    """A dependency: a signed-in person whose roles grant ``permission``."""

    async def dependency(request: Request) -> SignedIn:
        user = await page_user(request)
        if not user.principal.can(permission):
            raise Forbidden("your account may not open this page")
        return user

    return dependency


async def portal_user(request: Request) -> SignedIn:
    user = await page_user(request)
    if user.principal.submitter_id is None:
        raise Forbidden("the portal is for the people of a requesting organisation")
    return user


MaybeUser = Annotated[SignedIn | None, Depends(maybe_user)]
PageUser = Annotated[SignedIn, Depends(page_user)]
PortalUser = Annotated[SignedIn, Depends(portal_user)]
