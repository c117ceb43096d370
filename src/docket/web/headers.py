"""Security headers on every response: pages, the JSON API, static files and errors.

- ``Content-Security-Policy``: pages load nothing but this site's stylesheets, images and
  static scripts (the console's keyboard shortcuts, web/static/desk.js: never inline);
  other responses (JSON, CSS, files) may load nothing. Every
  policy forbids framing (``frame-ancestors 'none'``), so no other site can put a docket
  page in a frame and trick a reviewer into clicking. A response that sets its own policy
  keeps it (the self-contained transparency report allows its one inline stylesheet, by
  hash). The API documentation pages (Swagger UI, ReDoc, docket.web.apidocs) get a policy
  of their own: exactly the scripts and stylesheets they load (this site's), computed from
  the page as rendered, and what the viewers need at run time.
- ``Referrer-Policy: no-referrer``: appeal links carry their token in the URL, which must
  not travel to any site a page links to.
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (for browsers older than
  ``frame-ancestors``), ``Cross-Origin-Opener-Policy: same-origin`` and a
  ``Permissions-Policy`` that turns off every powerful feature (no page needs one).
- ``Strict-Transport-Security`` when docket is served over https: DOCKET_BASE_URL is
  https, or the request came in over https.

One pure ASGI middleware around the whole application (ServerErrorMiddleware included,
so a 500 carries the headers too), with the header bytes built once: the visibility
route is a hot path."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docket.web import apidocs

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'")
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Features Chromium knows (an unknown one is an error on the console of every page).
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
    "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
    "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking"))
HSTS = "max-age=31536000; includeSubDomains"
COMMON = (
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", PERMISSIONS_POLICY),
)
# What Swagger UI and ReDoc need beyond their own files: the OpenAPI document (fetch),
# data: images in Swagger UI's stylesheet, styles both add at run time and ReDoc's search
# worker (a blob: URL). Nothing from another site: the pages work offline.
_DOCUMENTATION = {"connect-src": ["'self'"], "img-src": ["'self'", "data:"],
                  "style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}

Header = tuple[bytes, bytes]


def _encode(pairs: Any) -> list[Header]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]


def sha256_source(text: str) -> str:
    """A CSP hash source for an inline script or stylesheet: ``'sha256-…'``."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


class _Resources(HTMLParser):
    """What a page loads: inline scripts and styles, and the origins of its other files."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.sources: dict[str, list[str]] = {}
        self._inline: str | None = None  # "script-src" or "style-src" while inside one
        self._text: list[str] = []

    def _add(self, directive: str, source: str) -> None:
        sources = self.sources.setdefault(directive, [])
        if source not in sources:
            sources.append(source)

    def _origin(self, directive: str, url: str | None) -> None:
        parts = urlsplit(url or "")
        self._add(directive, f"{parts.scheme}://{parts.netloc}" if parts.netloc else "'self'")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        rel = (found.get("rel") or "").lower()
        if tag == "script" and found.get("src"):
            self._origin("script-src", found["src"])
        elif tag in ("script", "style"):
            self._inline, self._text = f"{tag}-src", []
        elif tag == "link" and "stylesheet" in rel:
            self._origin("style-src", found.get("href"))
        elif tag == "link" and "icon" in rel:
            self._origin("img-src", found.get("href"))

    def handle_data(self, data: str) -> None:
        if self._inline is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._inline is not None and tag in ("script", "style"):
            self._add(self._inline, sha256_source("".join(self._text)))
            self._inline = None


def documentation_policy(html: str) -> str:
    """The policy for an API documentation page: exactly the scripts, stylesheets and
    icons ``html`` loads (inline ones by hash), and what the viewers need at run time."""
    parser = _Resources()
    parser.feed(html)
    parser.close()
    sources = parser.sources
    for directive, extra in _DOCUMENTATION.items():
        for source in extra:
            if source not in sources.get(directive, []):
                sources.setdefault(directive, []).append(source)
    if "'unsafe-inline'" in sources["style-src"]:
        # A hash would switch 'unsafe-inline' off; the inline stylesheets are allowed anyway.
        sources["style-src"] = [s for s in sources["style-src"] if not s.startswith("'sha256-")]
    directives = [f"{name} {' '.join(values)}" for name, values in sources.items()]
    return "; ".join(["default-src 'none'", *directives, "form-action 'self'",
                      "frame-ancestors 'none'", "base-uri 'none'"])


class Documentation:
    """The documentation pages' policies, from each page as docket renders it (once per
    page and root path: the page names its files under the root path)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.paths = set(apidocs.PATHS)
        # A cheap first test for every request (the path may carry a root path before it).
        self.ends = tuple(self.paths)
        self._policies: dict[tuple[str, str], list[Header]] = {}

    async def policy(self, scope: Scope) -> list[Header] | None:
        root = scope.get("root_path", "")
        path = scope["path"]
        if root and path.startswith(root):
            path = path[len(root):]
        if path not in self.paths:
            return None
        found = self._policies.get((path, root))
        if found is None:
            found = self._policies[(path, root)] = _encode(
                [("content-security-policy", documentation_policy(await self._render(path, root)))])
        return found

    async def _render(self, path: str, root: str) -> str:
        return apidocs.html(self.app, path, root)


class SecurityHeaders:
    """Add the security headers to every HTTP response of ``app``."""

    def __init__(self, app: ASGIApp, *, https: bool, documentation: Documentation | None = None,
                 ) -> None:
        self.app = app
        self.https = https
        self.documentation = documentation
        # Built once: (HTML?, over https?, has its own policy?) → the headers to add.
        self._headers: dict[tuple[bool, bool, bool], list[Header]] = {}
        for html in (True, False):
            for secure in (True, False):
                for own_policy in (True, False):
                    pairs = list(COMMON)
                    if secure:
                        pairs.append(("strict-transport-security", HSTS))
                    if not own_policy:
                        pairs.append(("content-security-policy",
                                      PAGE_POLICY if html else OTHER_POLICY))
                    self._headers[(html, secure, own_policy)] = _encode(pairs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.https or scope.get("scheme") == "https"
        documentation = None
        if self.documentation is not None and scope["path"].endswith(self.documentation.ends):
            documentation = await self.documentation.policy(scope)
        table = self._headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                html = own_policy = False
                for name, value in headers:
                    if name == b"content-type":
                        html = value.startswith(b"text/html")
                    elif name == b"content-security-policy":
                        own_policy = True
                headers += table[(html, secure, own_policy or documentation is not None)]
                if documentation is not None and not own_policy:
                    headers += documentation
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, *, base_url: str) -> None:
    """Wrap the whole of ``app`` in SecurityHeaders.

    ``add_middleware`` would put it inside Starlette's ServerErrorMiddleware, whose 500
    responses would then go out without the headers; wrapping the built stack puts it
    outside everything."""
    build = app.build_middleware_stack
    https = base_url.startswith("https://")

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build(), https=https, documentation=Documentation(app))

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
