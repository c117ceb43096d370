"""The demo: a document held back for personal data — the Berlin court's decision, marked
by a legal reviewer, with its redacted copy, which the Lumen export sends in its place —
and letters waiting in the inbox to become requests: two e-mails as the mailbox takes
them (a bilingual Kazakh/English one whose link is defanged, a German prosecutor's) and
an order a regulator sent as it is."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import store
from docket.demo import LETTERS, load_demo
from docket.documents.models import Document, InboxDraft, InboxEntry, InboxExtraction
from docket.documents.service import content
from docket.documents.storage import Blobs
from docket.intake import drafts
from docket.settings import Settings
from docket.transparency import lumen
from tests.extraction.conftest import needs_tesseract


@pytest.mark.rolled_back
def test_the_demo_s_court_decision_goes_to_lumen_redacted(sessions: Any, settings: Any) -> None:
    with store.transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=settings)
    with store.transaction(sessions) as s:
        original, copy = s.execute(select(Document).where(Document.filename.like("de-lg-berlin-beschluss%"))
                                   .order_by(Document.id)).scalars()
        assert (original.personal_data, copy.personal_data, copy.redacts_id) == (True, False, original.id)
        assert copy.sha256 == hashlib.sha256((LETTERS / "de-lg-berlin-beschluss-geschwaerzt.pdf")
                                             .read_bytes()).hexdigest()
        notices = dict(lumen.notices(session=s, platform="Social Example", blobs=Blobs.of(settings)))
    [uploads] = [n["notice"]["file_uploads_attributes"] for key, n in notices.items()
                 if key == f"request-{original.request_id}"]
    assert [(u["kind"], u["file_name"]) for u in uploads] == [
        ("supporting", f"court_decision-{copy.id}-redacted.pdf")]
    data = base64.b64decode(uploads[0]["file"].removeprefix("data:application/pdf;base64,"), validate=True)
    assert hashlib.sha256(data).hexdigest() == copy.sha256


def test_the_demo_starts_with_letters_in_the_inbox(session: Session, settings: Settings) -> None:
    said = load_demo(session=session, base_url="http://testserver", settings=settings)
    assert "4 letters wait in the inbox" in said and "/console/inbox" in said
    rows = session.execute(select(InboxEntry, Document).join(Document, Document.id == InboxEntry.document_id)
                           .order_by(InboxEntry.document_id)).all()
    assert [(e.channel, e.status, d.request_id, d.media_type) for e, d in rows] == [
        ("mail", "unprocessed", None, "message/rfc822"), ("mail", "unprocessed", None, "message/rfc822"),
        ("api", "unprocessed", None, "application/pdf"), ("api", "unprocessed", None, "application/pdf")]
    kz = rows[0][0]
    assert kz.subject == "Қолжетімділікті шектеу туралы сұрау / Request to restrict access, No. 12-04/3317"
    assert kz.sender is not None and kz.sender.endswith("<requests@misd.example.kz>")
    letter = content(session=session, settings=settings, document=rows[0][1]).decode()
    assert "hxxps://social[.]example/@steppe_voice/90412" in letter and "Dear colleagues" in letter
    assert rows[2][0].submitter_id is not None and rows[2][1].uploaded_by.startswith("submitter:")


@needs_tesseract
def test_the_demo_s_letters_are_read_into_drafts_the_scan_with_ocr(sessions: Any, settings: Settings) -> None:
    with store.transaction(sessions) as s:
        load_demo(session=s, base_url="http://testserver", settings=settings)
    done = drafts.read_round(sessions, settings)
    assert len(done.read) == 4 and done.unreadable == []
    with sessions() as s:
        scan, draft = s.execute(
            select(InboxExtraction, InboxDraft).join(InboxDraft, InboxDraft.document_id == InboxExtraction.document_id)
            .join(Document, Document.id == InboxExtraction.document_id)
            .where(Document.filename == "ru-rkn-demand-scan.pdf")).one()
        assert scan.ocr_pages >= 1 and "ru" in scan.languages
        assert draft.proposed["body"]["jurisdiction"] == "RU" and draft.proposed["body"]["items"]
        assert s.execute(select(InboxEntry.status).distinct()).scalars().all() == ["draft"]
