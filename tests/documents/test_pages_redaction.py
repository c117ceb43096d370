"""On the console's request page, staff mark a document as holding personal data (a form
with CSRF, like every other) and add a redacted copy of it; the portal shows the mark but
offers neither."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.conftest import PASSWORD
from tests.documents import samples
from tests.documents.conftest import events
from tests.web.conftest import csrf_of, sign_in


def test_staff_mark_a_document_and_add_a_redacted_copy_on_the_console(
        web: Any, client: Any, sessions: Any, make_user: Any, make_person: Any, kz_ministry: Any,
        kz_request: int, upload: Any) -> None:
    order = upload(kz_ministry, kz_request, samples.PDF, name="Приказ.pdf", kind="court_decision").json()
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    sign_in(web, "alice@docket.test")
    page = f"/console/requests/{kz_request}"
    shown = web.get(page).text
    toggle = re.search(rf'action="/console/documents/{order["id"]}/personal-data".*?name="csrf_token" '
                       r'value="([^"]+)".*?name="personal_data" value="yes".*?Mark as holding personal data', shown,
                       flags=re.S)
    assert toggle, shown
    sent = web.post(f"/console/documents/{order['id']}/personal-data", follow_redirects=False,
                    data={"csrf_token": toggle.group(1), "back": page, "personal_data": "yes"})
    assert sent.status_code == 303 and sent.headers["location"] == f"{page}#documents"
    shown = web.get(page).text
    assert "is marked as holding personal data" in shown and "Holds personal data" in shown
    assert 'name="personal_data" value="no"' in shown
    [marked] = events(sessions, "document:marked")
    assert marked.payload["personal_data"] is True and marked.actor.startswith("user:")
    # Without the form's token, nothing changes.
    refused = web.post(f"/console/documents/{order['id']}/personal-data", follow_redirects=False,
                       data={"personal_data": "no"})
    assert refused.status_code == 403 and len(events(sessions, "document:marked")) == 1
    # The redacted copy: chosen from the originals, it takes the original's kind.
    assert f'<option value="{order["id"]}" selected>Приказ.pdf (Court decision, holds personal data)' in shown
    added = web.post(f"/console/requests/{kz_request}/documents", follow_redirects=False,
                     data={"csrf_token": csrf_of(web, page), "back": page, "redacts": str(order["id"]),
                           "document_language": "ru"},
                     files={"file": ("Приказ (redacted).png", samples.PNG, "image/png")})
    assert added.status_code == 303
    shown = web.get(page).text
    assert "is added as a redacted copy of “Приказ.pdf”" in shown
    assert "A redacted copy of “Приказ.pdf”" in shown
    documents = client.get(f"/api/v1/requests/{kz_request}/documents", headers=kz_ministry.headers).json()
    copy = documents["documents"][1]
    assert (copy["redacts"], copy["kind"], copy["language"]) == (order["id"], "court_decision", "ru")
    # A copy of a copy is refused, with the reason on the page.
    again = web.post(f"/console/requests/{kz_request}/documents", follow_redirects=False,
                     data={"csrf_token": csrf_of(web, page), "back": page, "redacts": str(copy["id"])},
                     files={"file": ("again.png", samples.PNG, "image/png")})
    assert again.status_code == 303 and "is itself a redacted copy" in web.get(page).text
    # The portal shows the mark; it offers neither the toggle nor a redacted copy.
    make_person(kz_ministry, "aigerim@misd.example.kz")
    web.cookies = httpx.Cookies()
    sign_in(web, "aigerim@misd.example.kz")
    portal = web.get(f"/portal/requests/{kz_request}").text
    assert "Holds personal data" in portal and "personal-data" not in portal and 'name="redacts"' not in portal
    sneaked = web.post(f"/portal/requests/{kz_request}/documents", follow_redirects=False,
                       data={"csrf_token": csrf_of(web, "/portal"), "redacts": str(order["id"])},
                       files={"file": ("mine.png", samples.PNG, "image/png")})
    assert sneaked.status_code == 303 and "only staff add a redacted copy" in web.get(
        f"/portal/requests/{kz_request}").text
    assert len(client.get(f"/api/v1/requests/{kz_request}/documents",
                          headers=kz_ministry.headers).json()["documents"]) == 2
