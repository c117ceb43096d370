"""The demo's inbox: ``docket serve --demo`` starts with letters waiting to become
requests — two e-mails as the mailbox takes them (a bilingual Kazakh/English one whose
link is defanged, a German prosecutor's) and an order a regulator sent as it is."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.demo import load_demo
from docket.documents.models import Document, InboxEntry
from docket.documents.service import content
from docket.settings import Settings


def test_the_demo_starts_with_letters_in_the_inbox(session: Session, settings: Settings) -> None:
    said = load_demo(session=session, base_url="http://testserver", settings=settings)
    assert "3 letters wait in the inbox" in said and "/console/inbox" in said
    rows = session.execute(select(InboxEntry, Document).join(Document, Document.id == InboxEntry.document_id)
                           .order_by(InboxEntry.document_id)).all()
    assert [(e.channel, e.status, d.request_id, d.media_type) for e, d in rows] == [
        ("mail", "unprocessed", None, "message/rfc822"), ("mail", "unprocessed", None, "message/rfc822"),
        ("api", "unprocessed", None, "application/pdf")]
    kz = rows[0][0]
    assert kz.subject == "Қолжетімділікті шектеу туралы сұрау / Request to restrict access, No. 12-04/3317"
    assert kz.sender is not None and kz.sender.endswith("<requests@misd.example.kz>")
    letter = content(session=session, settings=settings, document=rows[0][1]).decode()
    assert "hxxps://social[.]example/@steppe_voice/90412" in letter and "Dear colleagues" in letter
    assert rows[2][0].submitter_id is not None and rows[2][1].uploaded_by.startswith("submitter:")
