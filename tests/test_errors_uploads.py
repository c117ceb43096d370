"""errors.BodyLimit's allowance for the routes that take documents: a multipart POST to
one of them may carry the documents' limits; every other route, and those routes with any
other body, keep DOCKET_MAX_BODY_BYTES."""

from __future__ import annotations

import json
from typing import Any

import pytest

from docket.errors import BodyLimit
from docket.settings import Settings
from tests.documents import samples
from tests.documents.conftest import REQUEST

SMALL = 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_body_bytes": SMALL, "document_max_bytes": 4 * SMALL,
                                       "request_documents_max_bytes": 8 * SMALL})


def _big_text() -> bytes:
    return ("Предписание. " * 120).encode()  # well over SMALL, under the documents' limit


def test_an_upload_route_takes_a_multipart_body_over_the_usual_limit(client: Any, kz_ministry: Any) -> None:
    text = _big_text()
    assert SMALL < len(text) < 4 * SMALL
    created = client.post("/api/v1/requests", headers=kz_ministry.headers,
                          data={"request": json.dumps(REQUEST)},
                          files=[("documents", ("order.txt", text, "text/plain"))])
    assert created.status_code == 201, created.text
    added = client.post(f"/api/v1/requests/{created.json()['id']}/documents", headers=kz_ministry.headers,
                        data={"kind": "translation"}, files={"file": ("t.txt", text, "text/plain")})
    assert added.status_code == 201, added.text


def test_every_other_route_keeps_the_usual_limit(client: Any, kz_ministry: Any, platform: Any) -> None:
    text = _big_text()
    for path, who in (("/api/v1/reports", platform), ("/api/v1/tokens", kz_ministry)):
        refused = client.post(path, headers=who.headers, files={"file": ("order.txt", text, "text/plain")})
        assert refused.status_code == 413, path
        assert f"limit of {SMALL} bytes" in refused.json()["detail"]
    # The upload routes too, with a body that is not multipart.
    as_json = client.post("/api/v1/requests", headers=kz_ministry.headers,
                          json={**REQUEST, "explanation": text.decode()})
    assert as_json.status_code == 413


def test_an_upload_route_s_body_over_the_documents_limits_is_refused_unread(client: Any, kz_ministry: Any) -> None:
    files = [("documents", (f"{n}.pdf", samples.PDF + b"%" * (4 * SMALL - 100), "application/pdf")) for n in range(3)]
    refused = client.post("/api/v1/requests", headers=kz_ministry.headers, data={"request": "{}"}, files=files)
    assert refused.status_code == 413
    assert f"limit of {8 * SMALL + SMALL} bytes" in refused.json()["detail"]


def test_only_multipart_posts_to_the_listed_paths_get_the_allowance() -> None:
    limit = BodyLimit(app=None, limit=10, uploads=(r"/api/v1/requests/\d+/documents",),  # type: ignore[arg-type]
                      upload_limit=100)

    def scope(method: str, path: str, content_type: bytes) -> dict[str, Any]:
        return {"type": "http", "method": method, "path": path, "headers": [(b"content-type", content_type)]}

    assert limit._upload(scope("POST", "/api/v1/requests/7/documents", b"multipart/form-data; boundary=x"))
    assert not limit._upload(scope("POST", "/api/v1/requests/7/documents/x", b"multipart/form-data; boundary=x"))
    assert not limit._upload(scope("POST", "/api/v1/requests/7/documents", b"application/json"))
    assert not limit._upload(scope("PUT", "/api/v1/requests/7/documents", b"multipart/form-data; boundary=x"))
    assert not limit._upload(scope("POST", "/api/v1/reports", b"multipart/form-data; boundary=x"))


def test_a_multipart_body_that_does_not_parse_is_a_422_naming_the_body(client: Any, kz_ministry: Any) -> None:
    broken = client.post("/api/v1/requests/1/documents", content=b"--x\r\nNone--x--\r\n", headers={
        **kz_ministry.headers, "Content-Type": "multipart/form-data; boundary=x"})
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"] == "body"
