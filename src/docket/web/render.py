"""Rendering pages: one Jinja2 environment over every package's templates, flash messages
and the CSRF token every form carries.

CSRF: each browser gets a random ``docket_csrf`` cookie (SameSite=Strict, HttpOnly). A
form carries HMAC(secret, cookie), or, when signed in, HMAC(secret, session's own secret),
so a token from another browser or an earlier session does not pass. ``check_csrf`` runs
on every POST from a form (``web.forms.form_data``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from docket import __version__
from docket.web import i18n

CSRF_COOKIE = "docket_csrf"
FLASH_COOKIE = "docket_flash"
SESSION_COOKIE = "docket_session"

# Every package with pages keeps its templates in its own ``templates/`` folder; names
# are prefixed by area (``console/queue.html``) so they never collide.
env = Environment(
    loader=ChoiceLoader([
        PackageLoader("docket.web", "templates"),
    ]),
    autoescape=select_autoescape(["html"]),
    # Pages render with the reader's ``_`` (web.i18n); this English one is for the rest
    # (macros imported without context).
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True, lstrip_blocks=True,
)


env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]


# Counts the menu shows beside a link (the appeals waiting for me), registered by the area
# that knows them (appeals.queue_pages); asked for only by the pages that show the link.
_MENU_COUNTS: dict[str, Callable[[Request], int | None]] = {}


def add_menu_count(name: str, count: Callable[[Request], int | None]) -> None:
    """Let the menu show ``count(request)`` beside the link ``name``."""
    _MENU_COUNTS[name] = count


def add_template_package(package: str, folder: str = "templates") -> None:
    """Let ``package``'s own templates be found (call at import of its pages module)."""
    loader = env.loader
    assert isinstance(loader, ChoiceLoader)
    extra = PackageLoader(package, folder)
    if all(getattr(existing, "package_name", None) != package for existing in loader.loaders):
        loader.loaders = [*loader.loaders, extra]


def _secret(request: Request) -> bytes:
    return str(request.app.state.settings.secret_key).encode()


def _sign(request: Request, value: str) -> str:
    return hmac.new(_secret(request), value.encode(), hashlib.sha256).hexdigest()


def csrf_seed(request: Request) -> str:
    """What this browser's CSRF token is derived from (set on the response if new)."""
    user = getattr(request.state, "user", None)
    if user is not None:
        return f"s:{user.csrf_token}"
    seed = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if not seed:
        seed = secrets.token_urlsafe(24)
        request.state.new_csrf_cookie = seed
    return f"c:{seed}"


def csrf_token(request: Request) -> str:
    return _sign(request, csrf_seed(request))


def check_csrf(request: Request, submitted: str | None) -> bool:
    if not submitted:
        return False
    user = getattr(request.state, "user", None)
    seeds = []
    if user is not None:
        seeds.append(f"s:{user.csrf_token}")
    if request.cookies.get(CSRF_COOKIE):
        seeds.append(f"c:{request.cookies[CSRF_COOKIE]}")
    return any(hmac.compare_digest(_sign(request, seed), submitted) for seed in seeds)


def _secure(request: Request) -> bool:
    return str(request.app.state.settings.base_url).startswith("https://")


def finish(request: Request, response: Response) -> Response:
    """Set the cookies a page needs (new CSRF seed, flash consumed)."""
    new = getattr(request.state, "new_csrf_cookie", None)
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict",
                            secure=_secure(request), path="/")
    if getattr(request.state, "flash_consumed", False):
        response.delete_cookie(FLASH_COOKIE, path="/")
    pending = getattr(request.state, "flash_pending", None)
    if pending:
        body = base64.urlsafe_b64encode(orjson.dumps(pending)).decode()
        response.set_cookie(FLASH_COOKIE, f"{body}.{_sign(request, body)}", httponly=True,
                            samesite="lax", secure=_secure(request), path="/", max_age=300)
    return response


def flash(request: Request, message: str, kind: str = "success") -> None:
    """Show ``message`` on the next page this browser loads (post / redirect / get)."""
    pending = getattr(request.state, "flash_pending", None) or []
    pending.append({"kind": kind, "message": message})
    request.state.flash_pending = pending


def _flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw or "." not in raw:
        return []
    body, signature = raw.rsplit(".", 1)
    if not hmac.compare_digest(_sign(request, body), signature):
        return []
    request.state.flash_consumed = True
    try:
        items = orjson.loads(base64.urlsafe_b64decode(body))
    except ValueError:
        return []
    return [i for i in items if isinstance(i, dict)][:10]


def page(request: Request, template: str, context: dict[str, Any] | None = None, *,
         status: int = 200, title: str | None = None) -> HTMLResponse:
    """Render ``template`` with what every page needs: the signed-in user, the CSRF
    token, flash messages, the platform's name and the version."""
    settings = request.app.state.settings
    lang = i18n.language(request)
    values = {
        "request": request,
        "lang": lang, "_": i18n.template_gettext(lang), "page_languages": i18n.NAMES,
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "flashes": _flashes(request),
        "platform_name": settings.platform_name,
        "version": __version__,
        "title": title,
        "menu_count": lambda name: _MENU_COUNTS[name](request) if name in _MENU_COUNTS else None,
        "errors": {},
        "values": {},
    }
    values.update(context or {})
    html = env.get_template(template).render(**values)
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return finish(request, response)  # type: ignore[return-value]


def redirect(request: Request, url: str) -> Response:
    """303 See Other: the G of post / redirect / get."""
    return finish(request, RedirectResponse(url, status_code=303))
