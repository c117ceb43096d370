"""The draft page: the letter as read beside the proposed request — its text escaped,
each paragraph with its language, the proposed values' spans marked and linked — every
field editable; saving records the fields changed; confirming sends the request through
the one intake path (channel ``document``) with the document attached, shows intake's
refusal next to the fields and stores nothing then; a draft that repeats an earlier notice
says so; a file that cannot be read shows why, and the request is written by hand."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from docket.documents.models import Document, InboxDraft
from docket.intake import drafts
from docket.intake.models import Request
from tests.conftest import PASSWORD
from tests.intake.drafting import BROKEN_PDF, MINISTRY_EMAIL, email, entry, events, send
from tests.web.conftest import csrf_of, sign_in

ALICE = "drafts.alice@docket.test"


def _ready(client: Any, sessions: Any, settings: Any, make_submitter: Any, make_user: Any,
           data: bytes | None = None) -> tuple[Any, int]:
    ministry = make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                              email=MINISTRY_EMAIL)
    sent = send(client, ministry, data or email(), "order.eml", "message/rfc822")
    drafts.read_round(sessions, settings)
    make_user(ALICE, "reviewer", password=PASSWORD)
    assert sign_in(client, ALICE).status_code == 303
    return ministry, sent


def _form(page: str) -> dict[str, Any]:
    """The draft form's values as the browser would send them (inputs, textareas, selected
    options, checked boxes)."""
    form: dict[str, Any] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        tag = re.search(r'<input[^>]*name="' + re.escape(name) + r'"[^>]*value="' + re.escape(value) + '"[^>]*>',
                        page)
        assert tag is not None
        if 'type="checkbox"' in tag.group(0) and " checked" not in tag.group(0):
            continue
        form.setdefault(name, []).append(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page, re.S):
        form[name] = [value]
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.findall(r'<option value="([^"]*)" selected>', options)
        form[name] = chosen or [""]
    unescape = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&#34;": '"', "&#39;": "'"}
    out: dict[str, Any] = {}
    for name, values in form.items():
        clean = []
        for v in values:
            for k, r in unescape.items():
                v = v.replace(k, r)
            clean.append(v)
        out[name] = clean if len(clean) > 1 else clean[0]
    return out


def _requests(sessions: Any) -> list[Request]:
    with sessions() as s:
        return list(s.scalars(select(Request).order_by(Request.id)))


def test_the_draft_shows_the_letter_marked_beside_the_proposed_request(client: Any, sessions: Any, settings: Any,
                                                                      make_submitter: Any, make_user: Any) -> None:
    ministry, sent = _ready(client, sessions, settings, make_submitter, make_user)
    listed = client.get("/console/inbox").text
    assert f'href="/console/inbox/{sent}/draft"' in listed
    assert f'href="/console/inbox/{sent}/draft"' in client.get(f"/console/inbox/{sent}").text
    page = client.get(f"/console/inbox/{sent}/draft")
    assert page.status_code == 200
    html = page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html  # escaped
    assert '<div class="paragraph" lang="en"' in html
    marks = dict(re.findall(r'<mark id="span-(\d+)">([^<]*)</mark>', html))
    assert "27-31-2026/45" in marks.values() and "https://social.example/@aidos/1001" in marks.values()
    [number] = re.findall(r'href="#span-(\d+)" data-span-of="order.number"', html)
    assert marks[number] == "27-31-2026/45"  # the order's number links to where the letter says it
    assert f'<option value="{ministry.id}" selected>' in html  # the sender matched by its address
    assert 'name="order_number" type="text" value="27-31-2026/45"' in html
    assert 'name="add_item" value="https://misd.gov.kz/news/1"' in html  # listed apart, can be moved in
    entry_page, draft_page = events(sessions, "document:downloaded")  # reading the text is recorded
    assert draft_page.payload["as"] == "text" and draft_page.subject == f"document:{sent}"


def test_edits_are_saved_and_audited_and_confirming_sends_the_request_through_intake(
        client: Any, sessions: Any, settings: Any, make_submitter: Any, make_user: Any) -> None:
    ministry, sent = _ready(client, sessions, settings, make_submitter, make_user)
    page = client.get(f"/console/inbox/{sent}/draft").text
    form = _form(page)
    assert form["jurisdiction"] == "KZ" and form["submitter_id"] == str(ministry.id)
    form.update(reason="hate_speech", explanation="Calls for violence against an ethnic group.",
                add_item="https://misd.gov.kz/news/1", citation_0="Law on Online Platforms, Art. 9")
    saved = client.post(f"/console/inbox/{sent}/draft", data=form, follow_redirects=True)
    assert saved.status_code == 200 and "The draft is saved" in saved.text
    [changed] = events(sessions, "draft:changed")
    assert set(changed.payload["fields"]) >= {"reason", "explanation", "items"}
    with sessions() as s:
        draft = s.get(InboxDraft, sent)
        assert draft is not None and draft.body["reason"] == "hate_speech" and draft.updated_by is not None
        assert {"url": "https://misd.gov.kz/news/1"} in draft.body["items"]
    assert _requests(sessions) == []  # saved, not sent

    again = _form(client.get(f"/console/inbox/{sent}/draft").text)
    assert again["reason"] == "hate_speech" and "https://misd.gov.kz/news/1" in again["items"]
    again["items"] = "\n".join(line for line in again["items"].splitlines() if "misd.gov.kz" not in line)
    again["csrf_token"] = csrf_of(client, f"/console/inbox/{sent}/draft")
    confirmed = client.post(f"/console/inbox/{sent}/draft/confirm", data=again, follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text
    [request] = _requests(sessions)
    assert confirmed.headers["location"] == f"/console/requests/{request.id}"
    assert (request.channel, request.submitter_id, request.jurisdiction) == ("document", ministry.id, "KZ")
    assert request.order_number == "27-31-2026/45"
    assert entry(sessions, sent).status == "confirmed" and entry(sessions, sent).request_id == request.id
    with sessions() as s:
        document = s.get(Document, sent)
        assert document is not None and document.request_id == request.id
    [received] = events(sessions, "request:received")
    assert received.payload["channel"] == "document"
    [done] = events(sessions, "draft:confirmed")
    assert done.payload == {"request": request.id, "submitter": ministry.id}
    shown = client.get(f"/console/requests/{request.id}")
    assert shown.status_code == 200 and "order.eml" in shown.text  # the document, attached
    kept = client.get(f"/console/inbox/{sent}/draft").text  # kept as confirmed, and no repeat of itself
    assert "data-repeats" not in kept and "Confirm: send it" not in kept and f"request {request.id}" in kept
    twice = client.post(f"/console/inbox/{sent}/draft/confirm", data=again, follow_redirects=True)
    assert "Not confirmed" in twice.text and len(_requests(sessions)) == 1


def test_intakes_refusal_is_shown_on_the_form_and_nothing_is_stored(client: Any, sessions: Any, settings: Any,
                                                                    make_submitter: Any, make_user: Any) -> None:
    _, sent = _ready(client, sessions, settings, make_submitter, make_user)
    form = _form(client.get(f"/console/inbox/{sent}/draft").text)
    form.update(jurisdiction="", items="not an address", submitter_id="")
    refused = client.post(f"/console/inbox/{sent}/draft/confirm", data=form)
    assert refused.status_code == 422
    assert 'id="f-jurisdiction-error"' in refused.text and 'id="f-items-error"' in refused.text
    assert "not an address" in refused.text  # the form as sent
    form.update(jurisdiction="KZ", items="https://social.example/@aidos/1001", order_date="3 December")
    bad_date = client.post(f"/console/inbox/{sent}/draft/confirm", data=form)
    assert bad_date.status_code == 422 and 'id="f-order_date-error"' in bad_date.text
    form.update(order_date="2026-12-01")
    for nobody in ("", "99999999999999999999", "12345678"):
        no_sender = client.post(f"/console/inbox/{sent}/draft/confirm", data={**form, "submitter_id": nobody})
        assert no_sender.status_code == 422 and 'id="f-submitter_id-error"' in no_sender.text
    assert _requests(sessions) == [] and entry(sessions, sent).status == "draft"
    assert events(sessions, "draft:confirmed") == [] and events(sessions, "request:received") == []


def test_a_draft_that_repeats_an_earlier_notice_says_so(client: Any, sessions: Any, settings: Any,
                                                       make_submitter: Any, make_user: Any) -> None:
    ministry, sent = _ready(client, sessions, settings, make_submitter, make_user)
    earlier = client.post("/api/v1/requests", headers=ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "legal_basis": [{"law": "kz-online-platforms-9"}],
        "explanation": "Calls for violence.", "items": [{"url": "https://social.example/@other/9"}],
        "order": {"number": "27-31-2026/45"}})
    assert earlier.status_code == 201, earlier.text
    same_items = client.post("/api/v1/requests", headers=ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "legal_basis": [{"law": "kz-online-platforms-9"}],
        "explanation": "Calls for violence.", "items": [{"url": "https://social.example/@aidos/1002"},
                                                        {"url": "https://social.example/@aidos/1001/"}]})
    assert same_items.status_code == 201, same_items.text
    html = client.get(f"/console/inbox/{sent}/draft").text
    first, second = earlier.json()["id"], same_items.json()["id"]
    assert f'data-repeats="{first}"' in html and f'href="/console/requests/{first}"' in html
    assert "has the same order number (27-31-2026/45)" in html
    assert f'data-repeats="{second}"' in html and "has the same addresses" in html


def test_a_file_that_cannot_be_read_shows_why_and_is_drafted_by_hand(client: Any, sessions: Any, settings: Any,
                                                                     make_submitter: Any, make_user: Any) -> None:
    ministry = make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                              email=MINISTRY_EMAIL)
    broken = send(client, ministry, BROKEN_PDF, "broken.pdf", "application/pdf")
    make_user(ALICE, "reviewer", password=PASSWORD)
    sign_in(client, ALICE)
    pending = client.get(f"/console/inbox/{broken}/draft")
    assert pending.status_code == 200 and 'data-extraction="pending"' in pending.text
    drafts.read_round(sessions, settings)
    shown = client.get(f"/console/inbox/{broken}")
    assert shown.status_code == 200 and 'data-extraction="error"' in shown.text
    assert "The file could not be read" in shown.text
    page = client.get(f"/console/inbox/{broken}/draft")
    assert page.status_code == 200 and 'data-extraction="error"' in page.text and "<mark" not in page.text
    form = _form(page.text)
    form.update(reason="hate_speech", jurisdiction="KZ", items="https://social.example/@aidos/1001",
                law_0="kz-online-platforms-9", explanation="Calls for violence.")
    confirmed = client.post(f"/console/inbox/{broken}/draft/confirm", data=form, follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text
    [request] = _requests(sessions)
    assert request.channel == "document" and request.submitter_id == ministry.id
    with sessions() as s:
        assert s.execute(select(func.count()).select_from(Document).where(
            Document.request_id == request.id)).scalar_one() == 1


def test_a_citation_the_catalog_lacks_is_kept_as_written_with_a_suggestion(
        client: Any, sessions: Any, settings: Any, make_submitter: Any, make_user: Any) -> None:
    letter = ("Landeskriminalamt Berlin\n\nWe request that https://social.example/@x/5 be withheld in Germany "
              "under § 130 StGB.\n")
    _, sent = _ready(client, sessions, settings, make_submitter, make_user, data=email(letter, subject="Hinweis"))
    html = client.get(f"/console/inbox/{sent}/draft").text
    assert 'name="citation_0" value="§ 130 StGB"' in html
    assert 'data-suggest="0">Suggest adding this law' in html and "docket law add" in html
