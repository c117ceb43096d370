"""The console's inbox: a reviewer sees the documents received without a request, adds
one (a file, or pasted text), opens its page, reads it on the reading page and dismisses
it with a reason; forms carry CSRF tokens; staff who do not take requests in, and
officials, do not reach it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from docket.documents.models import Document, InboxEntry
from tests.conftest import PASSWORD
from tests.documents import samples
from tests.documents.conftest import events
from tests.web.conftest import csrf_of, sign_in

ALICE, ERIN = "inbox.alice@docket.test", "inbox.erin@docket.test"


def _add(web: Any, *, files: dict[str, Any] | None = None, **form: str) -> Any:
    return web.post("/console/inbox", data={"csrf_token": csrf_of(web, "/console/inbox"), **form},
                    files=files, follow_redirects=False)


def _entries(sessions: Any) -> list[tuple[InboxEntry, Document]]:
    with sessions() as s:
        query = select(InboxEntry, Document).join(Document, Document.id == InboxEntry.document_id)
        return [(e, d) for e, d in s.execute(query.order_by(InboxEntry.document_id))]


def test_a_reviewer_adds_a_letter_reads_it_and_dismisses_it(web: Any, sessions: Any, make_user: Any) -> None:
    make_user(ALICE, "reviewer", password=PASSWORD)
    assert sign_in(web, ALICE).status_code == 303
    home = web.get("/console/inbox")
    assert home.status_code == 200 and 'href="/console/inbox"' in home.text
    assert "No open documents in the inbox." in home.text
    added = _add(web, files={"file": ("письмо.eml", samples.EML, "message/rfc822")}, document_language="ru")
    assert added.status_code == 303, added.text
    [(entry, document)] = _entries(sessions)
    assert added.headers["location"] == f"/console/inbox/{entry.document_id}"
    assert (entry.channel, entry.status, document.request_id, document.language) == ("console", "unprocessed",
                                                                                       None, "ru")
    assert entry.sender == "Ministry <orders@gov.example>" and entry.user_id is not None
    listed = web.get("/console/inbox").text
    assert f'data-inbox="{entry.document_id}"' in listed and "Ministry &lt;orders@gov.example&gt;" in listed
    page = web.get(f"/console/inbox/{entry.document_id}")
    assert page.status_code == 200 and f'href="/console/documents/{entry.document_id}/read"' in page.text
    assert '<pre class="letter-text" lang="ru">The order is attached.' in page.text  # the e-mail's text
    [shown] = events(sessions, "document:downloaded")
    assert shown.payload["as"] == "text" and shown.subject == f"document:{entry.document_id}"
    read = web.get(f"/console/documents/{entry.document_id}/read")
    assert read.status_code == 200 and f'href="/console/inbox/{entry.document_id}"' in read.text
    [received] = events(sessions, "document:received")
    assert received.subject == f"document:{entry.document_id}" and received.payload["channel"] == "console"

    refused = web.post(f"/console/inbox/{entry.document_id}/dismiss",
                       data={"csrf_token": csrf_of(web, f"/console/inbox/{entry.document_id}"), "reason": " "},
                       follow_redirects=True)
    assert "Not dismissed: say why the document is dismissed." in refused.text
    dismissed = web.post(f"/console/inbox/{entry.document_id}/dismiss", data={
        "csrf_token": csrf_of(web, f"/console/inbox/{entry.document_id}"),
        "reason": "A newsletter, not a request."}, follow_redirects=True)
    assert f"Document {entry.document_id} is dismissed." in dismissed.text
    assert f'data-inbox="{entry.document_id}"' not in dismissed.text
    assert f'data-inbox="{entry.document_id}"' in web.get("/console/inbox?status=dismissed").text
    shown = web.get(f"/console/inbox/{entry.document_id}").text
    assert "A newsletter, not a request." in shown and "/dismiss" not in shown
    [event] = events(sessions, "document:dismissed")
    assert event.payload == {"reason": "A newsletter, not a request."}
    again = web.post(f"/console/inbox/{entry.document_id}/dismiss", data={
        "csrf_token": csrf_of(web, "/console/inbox"), "reason": "Twice."}, follow_redirects=True)
    assert "is dismissed already" in again.text and len(events(sessions, "document:dismissed")) == 1


def test_pasted_text_is_stored_as_a_plain_text_letter(web: Any, sessions: Any, make_user: Any) -> None:
    make_user(ALICE, "reviewer", password=PASSWORD)
    sign_in(web, ALICE)
    text = "Прокуратура г. Алматы\r\nПрошу ограничить доступ к hxxps://social[.]example/@x/1"
    assert _add(web, text=text, title="Fax 3 December", document_language="ru").status_code == 303
    [(entry, document)] = _entries(sessions)
    assert (document.filename, document.media_type) == ("Fax 3 December.txt", "text/plain; charset=utf-8")
    assert document.size == len((text.replace("\r\n", "\n") + "\n").encode())
    page = web.get(f"/console/inbox/{entry.document_id}").text
    assert "Прошу ограничить доступ к hxxps://social[.]example/@x/1" in page


def test_a_refused_upload_says_why_and_stores_nothing(web: Any, sessions: Any, make_user: Any) -> None:
    make_user(ALICE, "reviewer", password=PASSWORD)
    sign_in(web, ALICE)
    refusals = [({"files": {"file": ("letter.pdf", samples.EXE, "application/pdf")}}, "a Windows program"),
                ({}, "choose a file or paste"),
                ({"files": {"file": ("a.pdf", samples.PDF, "application/pdf")}, "text": "and text"}, "not both"),
                ({"text": "x", "document_language": "russian"}, "unknown language")]
    for form, why in refusals:
        sent = _add(web, **form)
        assert sent.status_code == 303 and sent.headers["location"] == "/console/inbox"
        shown = web.get("/console/inbox").text
        assert "Nothing was added to the inbox" in shown and why in shown, why
    assert _entries(sessions) == []


def test_forms_need_their_csrf_token(web: Any, sessions: Any, make_user: Any) -> None:
    make_user(ALICE, "reviewer", password=PASSWORD)
    sign_in(web, ALICE)
    forged = web.post("/console/inbox", data={"text": "forged"}, follow_redirects=False)
    assert forged.status_code == 403 and _entries(sessions) == []


def test_staff_who_do_not_take_requests_in_do_not_reach_it(web: Any, make_user: Any, kz_ministry: Any,
                                                           make_person: Any, client: Any) -> None:
    sent = client.post("/api/v1/documents", headers=kz_ministry.headers,
                       files={"file": ("letter.pdf", samples.PDF, "application/pdf")})
    document = sent.json()["id"]
    make_user(ERIN, "auditor", password=PASSWORD)
    sign_in(web, ERIN)
    assert 'href="/console/inbox"' not in web.get("/").text
    assert web.get("/console/inbox").status_code == 403
    assert web.get(f"/console/inbox/{document}").status_code == 403
    assert web.get(f"/console/documents/{document}/read").status_code == 404  # it reads requests, not the inbox
    assert re.search(r'data-problem="forbidden"', web.get("/console/inbox").text)


def test_the_console_menu_leads_to_the_inbox_for_those_who_may_use_it(web: Any, make_user: Any) -> None:
    """The console's own menu (under the header) names the inbox, marked as the page shown
    on the inbox itself, for a reviewer; not for a local representative, who may not use it."""
    make_user(ALICE, "reviewer", password=PASSWORD)
    assert sign_in(web, ALICE).status_code == 303
    menu = re.compile(r'<nav aria-label="Console" class="subnav">(.*?)</nav>', re.S)
    [on_inbox] = menu.findall(web.get("/console/inbox").text)
    assert '<a href="/console/inbox" aria-current="page">Inbox</a>' in on_inbox
    [on_queue] = menu.findall(web.get("/console").text)
    assert '<a href="/console/inbox">Inbox</a>' in on_queue
    web.cookies.clear()
    make_user("inbox.dana@docket.test", "local_representative", password=PASSWORD, jurisdictions=("KZ",))
    assert sign_in(web, "inbox.dana@docket.test").status_code == 303
    [theirs] = menu.findall(web.get("/console").text)
    assert "/console/inbox" not in theirs
