"""The security headers as Chromium obeys them: another site cannot show a docket page in a
frame, and docket's own pages break none of their policies (styles load, nothing refused)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.browser.conftest import sign_in_with_keyboard
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def other_site() -> Iterator[Callable[[str], str]]:
    """other_site(html) → the URL of a page with ``html`` on another origin (another port
    on loopback), as a site that wants to frame docket would serve it."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="other-site", daemon=True)
    thread.start()

    def serve(html: str) -> str:
        path = f"/page{len(pages)}.html"
        pages[path] = html.encode()
        return f"http://127.0.0.1:{server.server_address[1]}{path}"

    yield serve
    server.shutdown()
    server.server_close()


def refusals(page: Any) -> list[str]:
    """Collect what Chromium reports on the console about refused content (CSP) and about
    the headers themselves (an unknown Permissions-Policy feature, say)."""
    seen: list[str] = []
    words = ("Content Security Policy", "Refused", "Permissions-Policy", "Permissions Policy")
    page.on("console", lambda message: seen.append(message.text)
            if any(word in message.text for word in words) else None)
    return seen


def test_another_site_cannot_show_a_docket_page_in_a_frame(
        page: Any, live_server: Any, other_site: Callable[[str], str]) -> None:
    own = other_site("<!doctype html><title>Prize</title><p id=prize>You won</p>")
    framing = other_site(
        f'<!doctype html><title>Win a prize</title><h1>Click below</h1>'
        f'<iframe id="own" src="{own}"></iframe>'
        f'<iframe id="docket" src="{live_server.url}/sign-in" width="800" height="600"></iframe>')
    seen = refusals(page)
    with page.expect_event("console", lambda m: "frame-ancestors" in m.text):
        page.goto(framing)
    # Frames work on that site (its own page shows)…
    own_frame = page.locator("#own").element_handle().content_frame()
    assert own_frame.locator("#prize").inner_text() == "You won"
    # …but Chromium puts its error page where docket's sign-in page would have been.
    docket_frame = page.locator("#docket").element_handle().content_frame()
    assert docket_frame.url == "chrome-error://chromewebdata/"
    assert docket_frame.locator("#f-password").count() == 0
    assert any("frame-ancestors 'none'" in text for text in seen), seen


def test_docket_pages_break_none_of_their_own_policies(
        page: Any, live_server: Any, make_user: Any, kz_ministry: Any, make_person: Any) -> None:
    make_user("ada@docket.example", "admin", "reviewer", password=PASSWORD)
    seen = refusals(page)
    for path in ("/", "/sign-in", "/report", "/withheld", "/transparency"):
        page.goto(path)
    # Each area's stylesheet (moved out of the pages) is applied.
    page.goto("/withheld")
    assert page.evaluate("getComputedStyle(document.querySelector('.picker')).display") == "grid"
    sign_in_with_keyboard(page, "ada@docket.example", PASSWORD)
    for path in ("/console", "/console/appeals", "/admin", "/admin/users"):
        page.goto(path)
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.admin-nav ul')).display") == "flex"
    page.goto("/console/appeals")
    width = page.evaluate("getComputedStyle(document.querySelector('#f-status')).maxWidth")
    assert width == "224px"  # 14rem, from docket.css rather than a style attribute
    assert seen == []
