"""Text out of an e-mail (``.eml``), in the child process: its From and Subject as header
lines, its text (the plain-text part preferred, else the HTML part's words), then each
attachment — PDFs, images, office files, text, forwarded messages — read by the reader
for its type, found from its bytes (never the name or the type the sender claims)."""

from __future__ import annotations

import binascii
import quopri
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesParser

from docket.documents import detect
from docket.extraction.result import Block, Budget, Raw
from docket.extraction.text import decode, html_text, paragraphs

MAX_DEPTH = 4  # messages inside messages inside …
MAX_ATTACHMENTS = 50

Reader = Callable[[bytes, str, Budget, str], Raw]


def read_mail(data: bytes, budget: Budget, *, source: str, read: Reader) -> Raw:
    """The paragraphs of the message and its attachments; ``read`` reads an attachment."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)  # policy.default makes EmailMessage objects
    return _message(message, budget, source=source, read=read)


def _message(message: EmailMessage, budget: Budget, *, source: str, read: Reader) -> Raw:
    raw = Raw()
    headers = [f"{name}: {' '.join(str(message[name]).split())}" for name in ("From", "Subject")
               if message[name] is not None]
    if headers:
        raw.blocks.append(Block("\n".join(headers), None, source))
    body = _body(message)
    if body is not None:
        raw.blocks.extend(paragraphs(_part_text(body), source=source))
    attachments = list(_attachments(message, body))
    if len(attachments) > MAX_ATTACHMENTS:
        raw.warnings.append(f"only the first {MAX_ATTACHMENTS} of {len(attachments)} attachments were read")
    prefix = "" if source == "body" else source.removeprefix("attachment:") + "/"
    for number, part in enumerate(attachments[:MAX_ATTACHMENTS], start=1):
        name = prefix + _name(part, number)
        raw.add(_attachment(part, name, budget, read))
    return raw


def _attachment(part: Message, name: str, budget: Budget, read: Reader) -> Raw:
    where = f"attachment:{name}"
    if part.get_content_type() == "message/rfc822":
        inner = _forwarded(part)
        if not isinstance(inner, EmailMessage):
            return Raw(warnings=[f"{name}: the attached message could not be read"])
        if budget.depth >= MAX_DEPTH:
            return Raw(warnings=[f"{name}: messages nested deeper than {MAX_DEPTH} were not read"])
        budget.depth += 1
        try:
            return _message(inner, budget, source=where, read=read)
        finally:
            budget.depth -= 1
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        return Raw(warnings=[f"{name}: the attachment is empty"])
    found = detect.detect(payload)
    if part.get_content_maintype() == "text" and found.media_type in ("text/html", "application/octet-stream"):
        # A text attachment in a declared charset (windows-1251, GBK) or an HTML one.
        return Raw(blocks=paragraphs(_part_text(part), source=where))
    if found.media_type == detect.EML and budget.depth >= MAX_DEPTH:
        return Raw(warnings=[f"{name}: messages nested deeper than {MAX_DEPTH} were not read"])
    budget.depth += 1
    try:
        return read(payload, found.media_type, budget, where)
    finally:
        budget.depth -= 1


def _forwarded(part: Message) -> Message | None:
    """The message inside a message/rfc822 part. Some clients send it base64-encoded,
    which the parser leaves as a message with no headers and the encoded text as body."""
    inner = part.get_payload(0) if part.is_multipart() else None
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding in ("base64", "quoted-printable") and isinstance(inner, Message):
        encoded = inner.get_payload()
        if not isinstance(encoded, str):
            return None
        try:
            raw = encoded.encode("ascii", errors="ignore")
            decoded = binascii.a2b_base64(raw) if encoding == "base64" else quopri.decodestring(raw)
        except (binascii.Error, ValueError):
            return None
        inner = BytesParser(policy=policy.default).parsebytes(decoded)
    return inner if isinstance(inner, Message) else None


def _body(message: EmailMessage) -> EmailMessage | None:
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, ValueError, LookupError):
        return None
    return body if isinstance(body, EmailMessage) else None


def _attachments(message: EmailMessage, body: Message | None) -> list[Message]:
    """Every part that is not the body or an alternative of it, nested multiparts opened
    (but not forwarded messages: their parts are read with them), in order."""
    found: list[Message] = []
    stack: list[Iterator[Message]] = [message.iter_parts()]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        kind = child.get_content_type()
        if child is body or kind == "multipart/alternative":
            continue
        if isinstance(child, MIMEPart) and child.is_multipart() and kind != "message/rfc822":
            stack.append(child.iter_parts())
        elif child.get_content_maintype() == "text" and child.get_filename() is None \
                and child.get_content_disposition() != "attachment":
            continue  # an inline text part (a footer, a signature), not a document
        else:
            found.append(child)
    return found


def _name(part: Message, number: int) -> str:
    name = part.get_filename()
    if not name and part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0) if part.is_multipart() else None
        subject = inner.get("Subject") if isinstance(inner, Message) else None
        name = f"{subject}.eml" if subject else None
    return detect.display_name(name or f"part-{number}").replace("/", "_")


def _part_text(part: Message) -> str:
    """A text part's words, in its declared charset or else a guessed one; HTML as text."""
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else None
    except (LookupError, UnicodeError, ValueError):
        content = None
    if not isinstance(content, str):
        payload = part.get_payload(decode=True)
        content = decode(payload)[0] if isinstance(payload, bytes) else ""
    return html_text(content) if part.get_content_subtype() == "html" else content
