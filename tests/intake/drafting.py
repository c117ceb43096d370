"""Letters for the drafts' tests: an e-mail from the Kazakh ministry (its sender known by
its address), a broken PDF, and helpers to send them to the inbox and read them."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from docket.audit.models import Event
from docket.documents.models import InboxEntry

MINISTRY_EMAIL = "orders@misd.gov.kz"
LETTER = "\n\n".join([
    "Ministry of Information and Social Development of the Republic of Kazakhstan",
    "Our ref.: MISD-2026/77",
    "By decision No. 27-31-2026/45 of 1 December 2026 the Ministry requests, under Article 9 of the Law on "
    "Online Platforms, that access to the following materials be restricted in the Republic of Kazakhstan "
    "within 24 hours of receipt:",
    "1. https://social.example/@aidos/1001\n2. hxxps://social[.]example/@aidos/1002",
    "The materials call for violence against an ethnic group <script>alert(1)</script>. The ministry's notice "
    "is also at https://misd.gov.kz/news/1 for reference.",
]) + "\n"
BROKEN_PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def email(text: str = LETTER, subject: str = "Order No. 27-31-2026/45") -> bytes:
    """The letter as an e-mail from the ministry."""
    message = EmailMessage()
    message["From"] = f"Ministry <{MINISTRY_EMAIL}>"
    message["To"] = "legal@platform.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{hashlib.sha256((text + subject).encode()).hexdigest()[:16]}@misd.gov.kz>"
    message.set_content(text)
    return bytes(message)


def send(client: Any, who: Any, data: bytes, name: str, media: str) -> int:
    """Send a document to the inbox through the API; its id."""
    sent = client.post("/api/v1/documents", headers=who.headers, files={"file": (name, data, media)})
    assert sent.status_code == 201, sent.text
    return int(sent.json()["id"])


def entry(sessions: Any, document_id: int) -> InboxEntry:
    with sessions() as s:
        found = s.get(InboxEntry, document_id)
        assert found is not None
        return found


def events(sessions: Any, action: str) -> list[Event]:
    with sessions() as s:
        return list(s.scalars(select(Event).where(Event.action == action).order_by(Event.seq)))
