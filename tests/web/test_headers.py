"""Security headers on every response: each page of the web (found from the routers, so a
new page is checked without being listed here), the JSON API, static files, the API
documentation, and errors of every kind (404, 403, 422, 413, 429, 500)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

import docket
from docket.app import page_routers
from docket.settings import Settings
from docket.web.headers import PAGE_POLICY
from tests.intake.conftest import KZ_BODY
from tests.web.conftest import PASSWORD, csrf_of, sign_in

ADA = "ada@docket.example"
AIGERIM = "aigerim@misd.example.kz"
EVERYWHERE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (d.split() for d in policy.split(";") if d.strip())}


def assert_secure(response: Any, policy: str | None = None) -> None:
    """The headers every response carries, and ``policy`` as its CSP when given."""
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, (where, name)
    permissions = response.headers.get("permissions-policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, (where, feature)
    csp = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "'unsafe-inline'" not in directives(csp).get("script-src", []), where
    assert response.headers.get_list("content-security-policy") == [csp], where  # only one
    assert "strict-transport-security" not in response.headers, where  # plain http here
    if policy is not None:
        assert csp == policy, where


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# A real one-page order (the demo's), so that the console can draw its page.
ORDER_PDF = (Path(docket.__file__).parent / "demo_letters" / "de-lg-berlin-beschluss.pdf").read_bytes()

def hash_of(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


@pytest.fixture
def people(web: TestClient, app: Any, make_user: Any, kz_ministry: Any,
           make_person: Any, platform: Any) -> Iterator[dict[str, Any]]:
    """Ada (every staff role) in ``web``, Aigerim (an official of the ministry) in a second
    browser, and a request of the ministry with its items."""
    make_user(ADA, "admin", "reviewer", "legal", "rights", "auditor", password=PASSWORD)
    assert sign_in(web, ADA).status_code == 303
    aigerim = make_person(kz_ministry, AIGERIM, "Aigerim")
    # The first item's content, with a thumbnail (the item page's previews).
    thumbnail = web.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1001", "url": KZ_BODY["items"][0]["url"], "type": "post", "previews": [{"data": PNG_1PX}]})
    assert thumbnail.status_code == 201, thumbnail.text
    template = web.post("/api/v1/explanation-templates", headers=lead_token(make_user),
                        json={"language": "en", "title": "T", "body": "B"})
    assert template.status_code == 201, template.text
    sent = web.post("/api/v1/requests", json=KZ_BODY, headers=kz_ministry.headers)
    assert sent.status_code == 201, sent.text
    document = web.post(f"/api/v1/requests/{sent.json()['id']}/documents", headers=kz_ministry.headers,
                        files={"file": ("order.pdf", ORDER_PDF, "application/pdf")}, data={"kind": "order"})
    assert document.status_code == 201, document.text
    letter = web.post("/api/v1/documents", headers=kz_ministry.headers,  # a letter in the inbox
                      files={"file": ("letter.pdf", ORDER_PDF, "application/pdf")})
    assert letter.status_code == 201, letter.text
    with TestClient(app, raise_server_exceptions=False) as portal:
        assert sign_in(portal, AIGERIM).status_code == 303
        yield {"staff": web, "portal": portal, "ids": {
            "request_id": sent.json()["id"], "item_id": sent.json()["items"][0]["id"],
            "submitter_id": kz_ministry.id, "user_id": aigerim.id, "document_id": document.json()["id"],
            "page": 1, "inbox_id": letter.json()["id"], "template_id": template.json()["id"]}}


PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4IScHAAK2AQU0pnWqAAAAAElFTkSuQmCC"


def lead_token(make_user: Any) -> dict[str, str]:
    """A lead's token, for the explanation template the templates' pages show."""
    return dict(make_user("lena@docket.test", "lead").headers)


def page_paths() -> list[str]:
    """Every GET route of every page router."""
    return sorted({route.path for pages in page_routers() for route in pages.routes
                   if "GET" in getattr(route, "methods", ())})


def test_every_page_sends_the_headers_and_needs_no_inline_style_or_script(
        people: dict[str, Any]) -> None:
    paths = page_paths()
    assert {"/", "/sign-in", "/console", "/portal", "/admin", "/report", "/appeal"} <= set(paths)
    statuses = {}
    for template in paths:
        ids = people["ids"]
        # The inbox's pages name a document of the inbox, the others a request's.
        path = template.format(**{**ids, "document_id": ids["inbox_id"]} if template.startswith("/console/inbox/")
                               else ids)
        browser = people["portal"] if path.startswith("/portal") else people["staff"]
        response = browser.get(path)
        statuses[template] = response.status_code
        if template.endswith(("/receipt", "/documents/{document_id}", "/audit/export", ".csv")):  # a download
            assert response.headers["content-disposition"].startswith("attachment"), path
            assert response.headers["x-content-type-options"] == "nosniff", path
            continue
        if template == "/favicon.ico":  # the site's icon
            assert response.headers["content-type"] == "image/svg+xml", path
            assert response.headers["x-content-type-options"] == "nosniff", path
            continue
        if template.endswith(("/pages/{page}", "/previews/{page}")):  # an image, not a page
            assert response.headers["content-type"] == "image/png", path
            assert response.headers["x-content-type-options"] == "nosniff", path
            continue
        assert response.headers["content-type"].startswith("text/html"), path
        assert_secure(response, PAGE_POLICY)
        html = response.text
        # The policy allows this site's stylesheets and static scripts: nothing inline would work.
        assert "<style" not in html and "style=" not in html, path
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        assert all(re.fullmatch(r' src="/static/[a-z]+\.js\?v=[^"]+" defer', attrs) and not body.strip()
                   for attrs, body in scripts), (path, scripts)
        assert re.search(r"\son[a-z]+=", html) is None, path  # no event handler attributes
    # Only the pages that need a signed link (a report's receipt, an appeal) are not found.
    assert {p for p, status in statuses.items() if status != 200} == {"/report/sent", "/appeal"}


def test_the_answers_to_forms_carry_the_headers(web: TestClient, make_user: Any) -> None:
    make_user(ADA, "admin", password=PASSWORD)
    signed_in = sign_in(web, ADA)  # 303 to the console
    assert signed_in.status_code == 303
    assert_secure(signed_in)
    web.cookies.clear()
    assert_secure(web.post("/sign-in", data={"email": ADA}), PAGE_POLICY)  # 403: no CSRF token
    wrong = [sign_in(web, ADA, "wrong") for _ in range(5)]
    assert [r.status_code for r in wrong] == [401, 401, 401, 401, 429]
    for response in wrong:
        assert_secure(response, PAGE_POLICY)
    sign_in_first = web.get("/console", follow_redirects=False)
    assert sign_in_first.status_code == 303
    assert_secure(sign_in_first)


def test_the_api_static_files_and_errors_carry_the_headers(
        client: TestClient, app: Any, kz_ministry: Any, reviewer_alice: Any,
        settings: Settings) -> None:
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    @app.get("/boom-page")
    def boom_page() -> None:
        raise RuntimeError("boom")

    api = [
        client.get("/healthz"),
        client.get("/openapi.json"),
        client.get("/api/v1/me", headers=kz_ministry.headers),  # 200
        client.get("/api/v1/me"),  # 401
        client.get("/api/v1/queue", headers=kz_ministry.headers),  # 403
        client.get("/api/v1/no-such-route"),  # 404
        client.post("/api/v1/requests", content=b"{not json", headers=kz_ministry.headers),  # 422
        client.post("/api/v1/requests", content=b"x" * (settings.max_body_bytes + 1),
                    headers=kz_ministry.headers),  # 413, from the body-limit middleware
        client.get("/api/v1/boom"),  # 500
        client.get("/api/v1/visibility", params={"content_id": "post-1", "country": "KZ"},
                   headers=reviewer_alice.headers),
        client.get("/static/docket.css"),
    ]
    assert [r.status_code for r in api] == [200, 200, 200, 401, 403, 404, 422, 413, 500,
                                            api[9].status_code, 200]
    for response in api:
        assert_secure(response, API_POLICY)
    pages = [client.get("/no-such-page"), client.get("/static/no-such-file.css"),
             client.get("/sign-in", params={"next": "/" * 600}), client.get("/boom-page")]
    assert [r.status_code for r in pages] == [404, 404, 422, 500]
    for response in pages:
        assert_secure(response, PAGE_POLICY)


def test_the_transparency_report_allows_exactly_its_own_stylesheet(client: TestClient) -> None:
    report = client.get("/transparency")
    assert report.status_code == 200
    assert_secure(report)
    policy = directives(report.headers["content-security-policy"])
    styles = re.findall(r"<style>(.*?)</style>", report.text, re.S)
    assert styles and policy["style-src"] == [hash_of(css) for css in styles]
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy
    assert "<script" not in report.text and "style=" not in report.text


def test_the_api_documentation_may_run_exactly_what_it_loads(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert_secure(page)
        policy = directives(page.headers["content-security-policy"])
        # Served by docket itself: its own files only, no inline script, no other site.
        assert "<script>" not in page.text, path
        scripts = re.findall(r'<script src="([^"]+)"', page.text)
        assert scripts and all(src.startswith("/") for src in scripts), path
        assert policy["script-src"] == ["'self'"], path
        for href in re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', page.text):
            assert href.startswith("/") and "'self'" in policy["style-src"], path
        assert policy["connect-src"] == ["'self'"], path  # the OpenAPI document
        assert "font-src" not in policy, path
        for src in scripts:
            assert client.get(src).status_code == 200, src


@pytest.mark.parametrize("base_url, over, sent", [
    ("https://docket.example", "http://testserver", True),  # TLS ends at a proxy in front
    ("http://testserver", "https://testserver", True),  # the request itself came over https
    ("http://testserver", "http://testserver", False),
])
def test_strict_transport_security_only_over_https(settings: Settings, engine: Any,
                                                   base_url: str, over: str, sent: bool) -> None:
    from docket.app import create_app

    app = create_app(settings.model_copy(update={"base_url": base_url}), engine=engine)
    app.state.owns_engine = False
    with TestClient(app, base_url=over) as browser:
        for response in (browser.get("/sign-in"), browser.get("/healthz")):
            hsts = response.headers.get("strict-transport-security")
            assert (hsts == "max-age=31536000; includeSubDomains") if sent else hsts is None


def test_a_page_sets_no_header_twice(web: TestClient) -> None:
    csrf_of(web, "/sign-in")
    response = web.get("/sign-in")
    names = [name.lower() for name, _ in response.headers.multi_items()
             if name.lower() != "set-cookie"]
    assert len(names) == len(set(names)), names
