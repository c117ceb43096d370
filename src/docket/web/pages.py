"""Pages every visitor meets: the home page, sign-in and sign-out, static files, and the
HTML error page. The areas (console, portal, public pages, admin) live with their
domains, in each package's ``pages.py``."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from docket.parties import service as parties
from docket.parties.models import User
from docket.store import read_only, transaction
from docket.web import i18n, sessions, throttle
from docket.web.auth import MaybeUser, SignInRequired
from docket.web.client import client_address
from docket.web.forms import Form
from docket.web.render import SESSION_COOKIE, flash, page, redirect

router = APIRouter(include_in_schema=False)
log = logging.getLogger("docket.sign_in")
STATIC = Path(__file__).parent / "static"
FAVICON = (STATIC / "favicon.svg").read_bytes()


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site (no scheme, no host, no '//'): no open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def home_for(user: sessions.SignedIn | None) -> str:
    if user is None:
        return "/"
    if user.is_person_of_submitter:
        return "/portal"
    if user.can("queue:read"):
        return "/console"
    if user.can("parties:write"):
        return "/admin"
    if user.can("audit:read"):
        return "/audit"
    return "/transparency" if user.is_staff else "/"


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, user: MaybeUser) -> Response:
    """The front page: what docket is, and where each kind of visitor goes. Who: anyone."""
    return page(request, "home.html", title="Home")


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, user: MaybeUser,
                       next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    """The sign-in form. Who: anyone."""
    return page(request, "sign_in.html", {"next": safe_next(next, ""), "values": {}},
                title="Sign in")


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, form: Form) -> Response:
    """Check the password, open a session, go on to ``next``. Who: anyone (failed attempts
    are throttled per address and account: ``web.throttle``; a throttled attempt is the
    form again with 429 and Retry-After)."""
    email = str(form.get("email") or "").strip()[:254]
    password = str(form.get("password") or "")[:1000]
    target = safe_next(str(form.get("next") or ""), "")
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "enter your e-mail address"
    if not password:
        errors["password"] = "enter your password"
    if errors:
        return page(request, "sign_in.html", {"errors": errors, "values": {"email": email},
                                              "next": target}, status=422, title="Sign in")
    keys = throttle.keys_for(secret=request.app.state.settings.secret_key,
                             address=client_address(request), email=email)

    clock = request.app.state.clock

    def attempt() -> tuple[str | None, str, int]:
        factory = request.app.state.sessionmaker
        # Counted in a transaction of its own, before the password check: the counters'
        # rows stay locked only for that short moment, not for argon2's.
        with transaction(factory) as db:
            admitted = throttle.admit(session=db, keys=keys, now=clock.now())
        if admitted.retry_after:
            log.info("sign-in throttled: address %s, %d s", keys.address[:16], admitted.retry_after)
            return None, sessions.throttled_message(admitted.retry_after), admitted.retry_after
        with transaction(factory) as db:
            try:
                return sessions.sign_in(session=db, email=email, password=password, keys=keys,
                                        attempt=admitted, now=clock.now(),
                                        user_agent=request.headers.get("user-agent", "")), "", 0
            except sessions.SignInFailed as failed:
                return None, failed.message, 0

    token, failure, retry_after = await run_in_threadpool(attempt)
    if token is None:
        response: Response = page(request, "sign_in.html",
                        {"errors": {"form": failure}, "values": {"email": email}, "next": target},
                        status=429 if retry_after else 401, title="Sign in")
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response
    with read_only(request.app.state.sessionmaker) as db:
        signed = await run_in_threadpool(sessions.load, session=db, token=token,
                                         now=clock.now())
    request.state.user = signed
    flash(request, f"Signed in as {signed.name or signed.email}." if signed else "Signed in.")
    response = redirect(request, target or home_for(signed))
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=str(request.app.state.settings.base_url).startswith("https://"),
                        max_age=sessions.SESSION_HOURS * 3600)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, form: Form) -> Response:
    """End this browser's session. Who: anyone signed in."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        def revoke() -> None:
            with transaction(request.app.state.sessionmaker) as db:
                sessions.sign_out(session=db, token=token, now=request.app.state.clock.now())
        await run_in_threadpool(revoke)
    request.state.user = None
    flash(request, "You are signed out.")
    response = redirect(request, "/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/favicon.ico")
async def favicon() -> Response:
    """The site's icon, for browsers that ask for /favicon.ico whatever the page says (the
    pages link /static/favicon.svg). Who: anyone."""
    return Response(FAVICON, media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.post("/language")
async def choose_language(request: Request, user: MaybeUser, form: Form) -> Response:
    """Read pages in another language: saved for a person signed in, kept in a cookie for a
    visitor; back to the page it was chosen on. Who: anyone."""
    chosen = str(form.get("lang") or "")
    back = safe_next(str(form.get("next") or ""), "/")
    if chosen not in i18n.LANGUAGES:
        flash(request, "Choose a language from the list.", "error")
        return redirect(request, back)
    if user is not None:
        def save() -> None:
            with transaction(request.app.state.sessionmaker) as db:
                found = db.get(User, user.user_id)
                if found is not None:
                    parties.set_language(session=db, actor=f"user:{user.user_id}", user=found, language=chosen)
        await run_in_threadpool(save)
        request.state.user = replace(user, language=chosen)
    request.state.lang = chosen
    response = redirect(request, back)
    response.set_cookie(i18n.COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", path="/",
                        secure=str(request.app.state.settings.base_url).startswith("https://"))
    return response


def _html_error(request: Request, status: int, title: str, detail: str, slug: str) -> Response:
    return page(request, "error.html", {"status": status, "heading": title, "detail": detail,
                                        "problem": slug}, status=status, title=title)


def install(app: FastAPI, routers: list[APIRouter]) -> None:
    """Mount the web: static files, the pages (``routers``: these and each area's, from
    ``docket.app.page_routers``), sign-in redirects and HTML error pages."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.html_error = _html_error

    @app.exception_handler(SignInRequired)
    async def _sign_in_required(request: Request, exc: SignInRequired) -> Response:
        return redirect(request, exc.next_url)

    for pages in routers:
        app.include_router(pages)
