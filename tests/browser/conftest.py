"""Real-browser tests: the real app served over HTTP on loopback, driven by Debian's
Chromium through Playwright (sync API). See docs/browser-tests.md.

Fixtures
  browser        a headless Chromium (/usr/bin/chromium; never a downloaded one), one per
                 package run
  live_server    the app on 127.0.0.1:<free port> for this test, on the test database
                 (fresh in-memory state: rate limits, visibility index)
  start_server   start_server(**settings) → another LiveServer with changed settings
                 (e.g. run_worker=True, smtp_url=smtp.url); stopped after the test
  page           a Page on live_server at 1440 × 900 (relative URLs: page.goto("/report"))
  new_page       new_page(server=None, width=1440) → a Page in a fresh browser context
                 (its own cookies: a second person signed in side by side)
  screenshot     screenshot(page, "name") → PNGs at 1440 and 360 px wide
Helpers (import from tests.browser.conftest): tab_to, sign_in_with_keyboard, h1_count,
scroll_width, focus_outline, axe_violations (axe-core's WCAG 2.1 A/AA rules on the page).

Chromium missing: on CI (CI=true) every browser test fails; elsewhere they are skipped
with the reason."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import Engine

from docket.settings import Settings

CHROMIUM = "/usr/bin/chromium"
WIDE, NARROW = 1440, 360
HEIGHT = 900
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT_MS = 10_000  # fail in seconds, not after Playwright's 30 s default


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="package")
def chromium_path() -> str:
    """Debian's Chromium; fail on CI when it is missing, skip elsewhere."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (f"Chromium is not installed at {CHROMIUM}: install Debian's package "
              "(apt-get install -y chromium); browsers are never downloaded")
    if on_ci():
        pytest.fail(reason + " (CI=true: browser tests must run on CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for the browser tests of a package run.

    Package scope, not session: while sync Playwright runs it marks the main thread's
    event loop as running, which would break asyncio.run() in tests that follow; leaving
    the package stops it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    """A running docket app: its base URL, the app (for app.state) and its settings."""

    url: str
    app: Any
    settings: Settings
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def client(self, party: Any = None) -> httpx.Client:
        """An HTTP client for the API of this server (with ``party``'s token if given)."""
        headers = party.headers if party is not None else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)


@pytest.fixture
def start_server(engine: Engine, sessions: Any,
                 settings: Settings) -> Iterator[Callable[..., LiveServer]]:
    """start_server(**settings_overrides) → a LiveServer on the test database.

    ``base_url`` is the server's own address, so links in notices lead back to it. The
    database is emptied after the test (the ``sessions`` fixture), after the servers stop."""
    from docket.app import create_app

    started: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        live = Settings(**{**settings.model_dump(), "base_url": url, **overrides})
        app = create_app(live, engine=engine)
        app.state.owns_engine = False
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                                  name=f"docket-live-{port}")
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the live server on {url} did not start")
            time.sleep(0.01)
        running = LiveServer(url, app, live, server, thread)
        started.append(running)
        return running

    yield start
    for running in reversed(started):
        running.stop()


@pytest.fixture
def live_server(start_server: Callable[..., LiveServer]) -> LiveServer:
    """The app on a free loopback port for this test."""
    return start_server()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """new_page(server=None, width=1440) → a Page in a fresh context (own cookies)."""
    contexts: list[Any] = []

    def make(server: LiveServer | None = None, width: int = WIDE) -> Any:
        context = browser.new_context(base_url=(server or live_server).url,
                                      viewport={"width": width, "height": HEIGHT})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A Page on ``live_server``, 1440 px wide."""
    return new_page()


@pytest.fixture
def screenshot(tmp_path: Path) -> Callable[[Any, str], list[Path]]:
    """screenshot(page, name): full-page PNGs at 1440 px (``name.png``) and 360 px
    (``name-360.png``); into docs/screenshots/ when DOCKET_SCREENSHOTS=1, else tmp_path."""
    wanted = os.environ.get("DOCKET_SCREENSHOTS") == "1"
    folder = SCREENSHOTS if wanted else tmp_path / "screenshots"

    def shoot(page: Any, name: str) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        before = page.viewport_size or {"width": WIDE, "height": HEIGHT}
        paths = []
        for width, suffix in ((WIDE, ""), (NARROW, "-360")):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            path = folder / f"{name}{suffix}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled", caret="initial")
            paths.append(path)
        page.set_viewport_size(before)
        return paths

    return shoot


# ---------------------------------------------------------------------------- helpers


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus (as a keyboard user)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"{selector} was not reached with {limit} presses of Tab")


def sign_in_with_keyboard(page: Any, email: str, password: str) -> None:
    """Open /sign-in, Tab to each field, type, and press Enter; wait for the next page."""
    page.goto("/sign-in")
    tab_to(page, "#f-email")
    page.keyboard.type(email)
    tab_to(page, "#f-password")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def h1_count(page: Any) -> int:
    return int(page.locator("h1").count())


def scroll_width(page: Any) -> int:
    """The document's width: more than the viewport means the body scrolls sideways."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def focus_outline(page: Any) -> str:
    """The computed outline style of the focused element ('none' = focus not shown)."""
    return str(page.evaluate("getComputedStyle(document.activeElement).outlineStyle"))



# axe-core as the axe-playwright-python wheel ships it (a test dependency; nothing fetched).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now, one line each
    (rule, impact, the first offending elements); an empty list is a pass."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Injected as text: a page's Content-Security-Policy forbids inline scripts, and
        # Playwright's evaluate runs outside it.
        page.evaluate(script.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
            for v in result["violations"]]
