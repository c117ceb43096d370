"""Documents on the pages: the portal's request page lists a request's documents and adds
one (a form with CSRF, like every other), the console's item page lists them with an
upload form for staff; downloads from either are attachments, within the same reach as
the API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

import docket
from tests.conftest import PASSWORD
from tests.documents import samples
from tests.documents.conftest import counts, events
from tests.web.conftest import csrf_of, sign_in

AIGERIM = "aigerim@misd.example.kz"


def _documents_csrf(web: Any, page: str) -> str:
    """The CSRF token of the page's form that adds a document."""
    html = web.get(page).text
    form = re.search(r'action="[^"]+/documents" enctype="multipart/form-data".*?name="csrf_token" value="([^"]+)"',
                     html, flags=re.S)
    assert form, f"no document form on {page}"
    return form.group(1)


def test_an_official_adds_a_document_in_the_portal(web: Any, sessions: Any, kz_ministry: Any, make_person: Any,
                                                   kz_request: int) -> None:
    make_person(kz_ministry, AIGERIM)
    assert sign_in(web, AIGERIM).status_code == 303
    page = f"/portal/requests/{kz_request}"
    assert "No documents yet." in web.get(page).text
    sent = web.post(f"{page}/documents", data={"csrf_token": _documents_csrf(web, page), "document_kind": "order",
                                                "document_language": "kk"},
                    files={"file": ("Бұйрық.pdf", samples.PDF, "application/pdf")}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"{page}#documents"
    shown = web.get(page).text
    assert "is added to request" in shown
    link = re.search(r'<a href="(/portal/documents/(\d+))" download>Бұйрық.pdf</a>', shown)
    assert link, shown
    got = web.get(link.group(1))
    assert got.status_code == 200 and got.content == samples.PDF
    assert got.headers["content-disposition"].startswith("attachment; ")
    [added] = events(sessions, "document:added")
    assert added.payload["kind"] == "order" and added.payload["language"] == "kk"
    assert added.actor.startswith("user:") and len(events(sessions, "document:downloaded")) == 1


def test_a_portal_upload_without_the_form_s_token_is_refused(web: Any, sessions: Any, kz_ministry: Any,
                                                             make_person: Any, kz_request: int) -> None:
    make_person(kz_ministry, AIGERIM)
    sign_in(web, AIGERIM)
    refused = web.post(f"/portal/requests/{kz_request}/documents", data={"document_kind": "order"},
                       files={"file": ("order.pdf", samples.PDF, "application/pdf")}, follow_redirects=False)
    assert refused.status_code == 403
    assert counts(sessions) == (0, 0)


def test_a_refused_file_is_named_on_the_portal_page(web: Any, sessions: Any, kz_ministry: Any, make_person: Any,
                                                    kz_request: int) -> None:
    make_person(kz_ministry, AIGERIM)
    sign_in(web, AIGERIM)
    page = f"/portal/requests/{kz_request}"
    sent = web.post(f"{page}/documents", data={"csrf_token": _documents_csrf(web, page)},
                    files={"file": ("order.pdf", samples.EXE, "application/pdf")}, follow_redirects=False)
    assert sent.status_code == 303
    shown = web.get(page).text
    assert "The document was not added" in shown and "Windows program" in shown
    assert counts(sessions) == (0, 0)


def test_another_organisation_s_person_finds_nothing(web: Any, client: Any, kz_ministry: Any, de_court: Any,
                                                     make_person: Any, kz_request: int, upload: Any) -> None:
    document = upload(kz_ministry, kz_request, samples.PDF).json()
    make_person(de_court, "richter@lg-berlin.example")
    sign_in(web, "richter@lg-berlin.example")
    assert web.get(f"/portal/documents/{document['id']}").status_code == 404
    token = csrf_of(web, "/portal")
    refused = web.post(f"/portal/requests/{kz_request}/documents", data={"csrf_token": token},
                       files={"file": ("order.pdf", samples.PDF, "application/pdf")}, follow_redirects=False)
    assert refused.status_code == 404


def test_the_item_page_shows_the_documents_and_takes_more(web: Any, sessions: Any, make_user: Any, kz_ministry: Any,
                                                          kz_request: int, upload: Any) -> None:
    upload(kz_ministry, kz_request, samples.PDF, name="Приказ.pdf")
    item = web.get(f"/api/v1/requests/{kz_request}", headers=kz_ministry.headers).json()["items"][0]["id"]
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    web.cookies = httpx.Cookies()
    sign_in(web, "alice@docket.test")
    page = f"/console/items/{item}"
    shown = web.get(page).text
    assert 'id="documents-heading">Documents</h2>' in shown
    link = re.search(r'<a href="(/console/documents/\d+)" download>Приказ.pdf</a>', shown)
    assert link, shown
    got = web.get(link.group(1))
    assert got.status_code == 200 and got.content == samples.PDF and got.headers["content-type"] == "application/pdf"
    sent = web.post(f"/console/requests/{kz_request}/documents",
                    data={"csrf_token": _documents_csrf(web, page), "back": page, "document_kind": "translation",
                          "document_language": "en"},
                    files={"file": ("translation.txt", samples.TEXT, "text/plain")}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"{page}#documents"
    assert "translation.txt</a>" in web.get(page).text
    assert counts(sessions) == (2, 2)
    [_, staff] = events(sessions, "document:added")
    assert staff.actor.startswith("user:") and staff.payload["kind"] == "translation"


def test_a_local_representative_of_another_country_finds_nothing(web: Any, make_user: Any, kz_ministry: Any,
                                                                 kz_request: int, upload: Any) -> None:
    document = upload(kz_ministry, kz_request, samples.PDF).json()
    make_user("jonas@docket.test", "local_representative", jurisdictions=("DE",), password=PASSWORD)
    sign_in(web, "jonas@docket.test")
    assert web.get(f"/console/documents/{document['id']}").status_code == 404


def test_a_reviewer_reads_an_order_as_page_images(web: Any, sessions: Any, make_user: Any, kz_ministry: Any,
                                                  kz_request: int, upload: Any) -> None:
    """The console draws a PDF's pages on the server; reading them is audited as a
    download; a type without pages is offered as a download only."""
    order = (Path(docket.__file__).parent / "demo_letters" / "kz-misd-order.pdf").read_bytes()
    pdf = upload(kz_ministry, kz_request, order, name="Предписание.pdf").json()
    text = upload(kz_ministry, kz_request, samples.TEXT, name="note.txt", kind="translation").json()
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    web.cookies = httpx.Cookies()
    sign_in(web, "alice@docket.test")
    listed = web.get(f"/console/requests/{kz_request}").text
    assert f'href="/console/documents/{pdf["id"]}/read">Read the pages</a>' in listed
    assert f'/console/documents/{text["id"]}/read"' not in listed
    reading = web.get(f"/console/documents/{pdf['id']}/read")
    assert reading.status_code == 200
    assert f'src="/console/documents/{pdf["id"]}/pages/1" alt="Page 1 of 1 of Предписание.pdf"' in reading.text
    image = web.get(f"/console/documents/{pdf['id']}/pages/1")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG") and image.headers["x-content-type-options"] == "nosniff"
    assert web.get(f"/console/documents/{pdf['id']}/pages/2").status_code == 404
    assert [e.payload.get("as") for e in events(sessions, "document:downloaded")] == ["page_images"]
    plain = web.get(f"/console/documents/{text['id']}/read")
    assert plain.status_code == 200 and "is not shown as pages: download the file" in plain.text
    assert web.get(f"/console/documents/{text['id']}/pages/1").status_code == 404
