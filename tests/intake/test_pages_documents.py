"""The portal's new-request form takes documents (a multipart form with its CSRF token and
one-time key), stored with the request through intake.submit, or not at all."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.documents import samples
from tests.documents.conftest import counts, events
from tests.intake.test_pages import AIGERIM, complete, n_requests, request_id
from tests.web.conftest import sign_in

_FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def official(web: Any, kz_ministry: Any, make_person: Any) -> Any:
    make_person(kz_ministry, AIGERIM, "Aigerim Nurlanovna")
    assert sign_in(web, AIGERIM).headers["location"] == "/portal"
    return kz_ministry


def _send(web: Any, files: list[tuple[str, tuple[str, bytes, str]]], **fields: str) -> Any:
    form = web.get("/portal/requests/new")
    assert 'enctype="multipart/form-data"' in form.text and 'type="file"' in form.text
    key, token = _FORM_KEY.search(form.text), _CSRF.search(form.text)
    assert key and token
    return web.post("/portal/requests", data={**complete(), **fields, "csrf_token": token.group(1),
                                              "form_key": key.group(1)},
                    files=files, follow_redirects=False)


def test_a_request_is_sent_with_its_documents(web: Any, sessions: Any, official: Any) -> None:
    sent = _send(web, [("documents", ("Приказ.pdf", samples.PDF, "application/pdf")),
                       ("documents", ("scan.png", samples.PNG, "image/png"))],
                 document_kind="order", document_language="ru")
    new = request_id(sent)
    page = web.get(f"/portal/requests/{new}").text
    assert "is received with 2 documents" in page
    assert "Приказ.pdf</a>" in page and "scan.png</a>" in page
    listed = web.get(f"/api/v1/requests/{new}/documents", headers=official.headers).json()["documents"]
    assert [(d["kind"], d["language"], d["media_type"]) for d in listed] == [
        ("order", "ru", "application/pdf"), ("order", "ru", "image/png")]
    [received] = events(sessions, "request:received")
    assert received.payload["channel"] == "portal"
    assert [e.actor for e in events(sessions, "document:added")] == [received.actor] * 2


def test_a_request_without_files_is_sent_as_before(web: Any, sessions: Any, official: Any) -> None:
    request_id(_send(web, [("documents", ("", b"", "application/octet-stream"))]))
    assert n_requests(sessions) == 1 and counts(sessions) == (0, 0)


def test_a_refused_file_keeps_the_form_and_stores_nothing(web: Any, sessions: Any, official: Any) -> None:
    shown = _send(web, [("documents", ("order.pdf", samples.HTML, "application/pdf"))])
    assert shown.status_code == 415
    assert "HTML or XML markup" in shown.text and "Choose the files again" in shown.text
    assert 'aria-invalid="true"' in shown.text
    assert complete()["reference"] in shown.text  # what was typed is kept
    assert n_requests(sessions) == 0 and counts(sessions) == (0, 0)
