"""The worker's job that reads the inbox's new documents into drafts: a text e-mail, a PDF
of the demo's letters, a scan read with OCR and a broken PDF, each read in a sandboxed
child; the proposal stored with its spans, the entry moved to ``draft``, an event without
the text; one unreadable file never stops the round; a document is read once, whoever
runs the round; and nothing becomes a request until a person confirms it."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from docket import store
from docket.documents import inbox
from docket.documents.models import InboxDraft, InboxExtraction
from docket.intake import drafts
from docket.intake.models import Request
from docket.store import utcnow
from tests.extraction import corpus
from tests.extraction.conftest import needs_tesseract
from tests.intake.drafting import BROKEN_PDF, LETTER, MINISTRY_EMAIL, email, entry, events, send

DEMO_PDF = Path(__file__).resolve().parents[2] / "src" / "docket" / "demo_letters" / "kz-misd-order.pdf"


def _requests(sessions: Any) -> int:
    with sessions() as s:
        return int(s.execute(select(func.count()).select_from(Request)).scalar_one())


def test_a_round_reads_an_email_a_pdf_and_a_broken_file_into_drafts(client: Any, sessions: Any, settings: Any,
                                                                     make_submitter: Any) -> None:
    ministry = make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                              email=MINISTRY_EMAIL)
    mail = send(client, ministry, email(), "order.eml", "message/rfc822")
    pdf = send(client, ministry, DEMO_PDF.read_bytes(), "kz-misd-order.pdf", "application/pdf")
    broken = send(client, ministry, BROKEN_PDF, "broken.pdf", "application/pdf")
    assert {entry(sessions, d).status for d in (mail, pdf, broken)} == {"unprocessed"}

    done = drafts.read_round(sessions, settings)
    assert sorted(done.read) == sorted([mail, pdf]) and [u["id"] for u in done.unreadable] == [broken]
    assert {entry(sessions, d).status for d in (mail, pdf, broken)} == {"draft"}
    with sessions() as s:
        read = s.get(InboxExtraction, mail)
        assert read is not None and read.error is None and read.extracted_at is not None
        assert "https://social.example/@aidos/1001" in read.text and read.languages == ["en"]
        assert read.paragraphs[1][2] == "en" and read.text[read.paragraphs[1][0]:].startswith("Ministry of")
        draft = s.get(InboxDraft, mail)
        assert draft is not None and draft.submitter_id == ministry.id  # the sender, by its address
        body = draft.proposed["body"]
        assert body["jurisdiction"] == "KZ" and body["items"] == [
            {"url": "https://social.example/@aidos/1001"}, {"url": "hxxps://social[.]example/@aidos/1002"}]
        assert body["order"]["number"] == "27-31-2026/45" and draft.body == body
        start, end = draft.proposed["spans"]["order.number"][0]
        assert read.text[start:end] == "27-31-2026/45"
        assert [a["written"] for a in draft.proposed["elsewhere"]] == ["https://misd.gov.kz/news/1"]
        pdf_read = s.get(InboxExtraction, pdf)
        assert pdf_read is not None and pdf_read.pages >= 1 and pdf_read.error is None and pdf_read.text
        failed = s.get(InboxExtraction, broken)
        assert failed is not None and failed.error and failed.text == ""
        empty = s.get(InboxDraft, broken)
        assert empty is not None and empty.body == {} and empty.submitter_id == ministry.id  # its API sender
    extracted = {e.subject: e.payload for e in events(sessions, "document:extracted")}
    assert set(extracted) == {f"document:{d}" for d in (mail, pdf, broken)}
    assert extracted[f"document:{broken}"]["error"] is True
    assert extracted[f"document:{mail}"]["languages"] == ["en"]
    assert "aidos" not in str(extracted) and "violence" not in str(extracted)  # counts, never the text
    assert _requests(sessions) == 0  # nothing reaches the queue without a person's confirmation

    again = drafts.read_round(sessions, settings)  # read once
    assert again.read == [] and again.unreadable == [] and len(events(sessions, "document:extracted")) == 3


def test_a_document_is_claimed_by_one_worker_and_a_dead_claim_is_taken_over(client: Any, sessions: Any,
                                                                             settings: Any, kz_ministry: Any) -> None:
    sent = send(client, kz_ministry, email(), "order.eml", "message/rfc822")
    now = utcnow()
    with store.transaction(sessions) as s:
        assert drafts.unread(session=s, now=now, settings=settings) == [sent]
        assert drafts.claim(session=s, document_id=sent, now=now, settings=settings)
    with store.transaction(sessions) as s:  # a second worker, meanwhile
        assert not drafts.claim(session=s, document_id=sent, now=now, settings=settings)
        assert drafts.unread(session=s, now=now, settings=settings) == []
    later = now + dt.timedelta(seconds=settings.extract_seconds + drafts.CLAIM_MARGIN + 1)
    with store.transaction(sessions) as s:  # the first one died: its claim goes stale
        assert drafts.unread(session=s, now=later, settings=settings) == [sent]
        assert drafts.claim(session=s, document_id=sent, now=later, settings=settings)
        assert not drafts.claim(session=s, document_id=sent, now=later, settings=settings)


def test_a_dismissed_entry_read_meanwhile_stays_dismissed(client: Any, sessions: Any, settings: Any,
                                                          kz_ministry: Any, make_user: Any) -> None:
    sent = send(client, kz_ministry, email(), "order.eml", "message/rfc822")
    with store.transaction(sessions) as s:
        assert drafts.claim(session=s, document_id=sent, now=utcnow(), settings=settings)
    alice = make_user("draft.alice@docket.test", "reviewer")
    with store.transaction(sessions) as s:
        inbox.dismiss(session=s, document_id=sent, user_id=alice.id, reason="Spam.", actor=f"user:{alice.id}")
    assert drafts.read_one(sessions, settings, sent) is None
    assert entry(sessions, sent).status == "dismissed"


def test_docket_inbox_extract_reads_one_round(client: Any, sessions: Any, settings: Any, kz_ministry: Any,
                                              monkeypatch: Any) -> None:
    import json

    from docket.cli import app

    sent = send(client, kz_ministry, email(), "order.eml", "message/rfc822")
    broken = send(client, kz_ministry, BROKEN_PDF, "broken.pdf", "application/pdf")
    monkeypatch.setenv("DOCKET_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(app, ["inbox", "extract", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output.strip().splitlines()[-1])  # (after the app's log lines)
    assert answer["read"] == [sent] and [u["id"] for u in answer["unreadable"]] == [broken]
    words = CliRunner().invoke(app, ["inbox", "extract"])
    assert words.exit_code == 0 and "0 documents read into drafts" in words.output


@needs_tesseract
def test_a_scan_is_read_with_ocr_into_a_draft(client: Any, sessions: Any, settings: Any, kz_ministry: Any) -> None:
    paragraphs = [p for p in LETTER.split("\n\n") if p.strip()][:4]
    scan = corpus.scan(paragraphs, "en", random.Random(7))
    sent = send(client, kz_ministry, scan, "scan.pdf", "application/pdf")
    done = drafts.read_round(sessions, settings)
    assert done.read == [sent]
    with sessions() as s:
        read = s.get(InboxExtraction, sent)
        assert read is not None and read.ocr_pages == 1 and "social.example" in read.text
        assert all(p[4] == "ocr" for p in read.paragraphs)
        draft = s.get(InboxDraft, sent)
        assert draft is not None and any("social.example/@aidos/1001" in i["url"]
                                         for i in draft.proposed["body"]["items"])


def test_a_draft_begun_by_hand_is_read_too_and_keeps_the_persons_body(client: Any, sessions: Any, settings: Any,
                                                                      kz_ministry: Any, make_user: Any) -> None:
    sent = send(client, kz_ministry, email(), "order.eml", "message/rfc822")
    alice = make_user("draft.alice@docket.test", "reviewer")
    with store.transaction(sessions) as s:
        changed = drafts.save(session=s, document_id=sent, body={"reason": "hate_speech"}, submitter_id=None,
                              user_id=alice.id, actor=f"user:{alice.id}")
    assert changed == ["reason"] and entry(sessions, sent).status == "draft"
    assert drafts.read_round(sessions, settings).read == [sent]
    with sessions() as s:
        draft = s.get(InboxDraft, sent)
        assert draft is not None and draft.body == {"reason": "hate_speech"} and draft.submitter_id is None
        assert draft.proposed["spans"]["order.number"]  # the letter's spans, beside the person's body
