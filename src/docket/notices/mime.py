"""One notice e-mail as bytes, written directly: the outbox worker sends thousands of them.

The ``email`` package's modern policy parses every header it is given and renders the message
through a generator; for docket's fixed shape that cost more than rendering the notice. This
module writes the same message with string templates instead:

- ``multipart/alternative`` (``text/plain`` then ``text/html``), or ``text/plain`` alone
  without html; both UTF-8, in a 7-bit transfer encoding (``7bit`` for short ASCII lines,
  else quoted-printable or base64, whichever is shorter), so the message survives any relay;
  a part decodes to its text with "\\n" line ends and a final "\\n", as ``set_content`` made it;
- CRLF line ends throughout (RFC 5322), ready for ``smtplib.SMTP.sendmail`` and as an .eml file;
- header values as RFC 2047 encoded words where they are not plain ASCII words; header lines
  folded to at most 78 characters (only Message-ID and a very long address, which cannot be
  folded, may be longer, and never beyond 998).

Safety, as the modern policy gave it and a little more: a header value with a line break
(anything ``str.splitlines`` breaks on) or a NUL is refused, so a subject, recipient or extra
header can never add a header (``Bcc:``) of its own; header names must be RFC 5322 field names;
address fields (Cc, Bcc, Reply-To, ...) cannot be smuggled in as extra headers (``sendmail``
would not strip a Bcc line as ``send_message`` did); sender and recipient must each be exactly
one address. Every refusal is a :class:`HeaderError` (a ValueError).
"""

from __future__ import annotations

import base64
import binascii
import email.policy
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from functools import lru_cache

__all__ = [
    "Attachment",
    "HeaderError",
    "RESERVED_HEADERS",
    "check_header_names",
    "check_message_id",
    "compose",
    "envelope_address",
    "mailbox",
]

MAX_LINE = 78  # RFC 5322 2.1.1: a line SHOULD be no longer (without its CRLF)
HARD_LINE = 998  # ... and MUST be no longer
CRLF = "\r\n"


class HeaderError(ValueError):
    """A header name or value that cannot be written into the message safely."""


# RFC 5322 atext; a dot-atom is atext separated by single dots.
_ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+"
_DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
# The plain address of nearly every recipient; anything else goes through the email package.
_PLAIN_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*")
# A display name that needs no quoting: atoms separated by single spaces.
_PLAIN_PHRASE = re.compile(rf"{_ATEXT}(?: {_ATEXT})*")
# RFC 5322 field name: printable ASCII except ":".
_FIELD_NAME = re.compile(r"[!-9;-~]{1,76}")
# What str.splitlines() breaks on (the modern policy refused a value it split), and NUL.
_UNSAFE = re.compile("[\x00\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

# Headers compose() writes itself; `headers=` may not replace them.
RESERVED_HEADERS = frozenset({
    "from", "to", "subject", "date", "message-id", "x-docket-message-id", "mime-version",
    "content-type", "content-transfer-encoding",
})
# Fields that take addresses: extra headers are unstructured text, and a Bcc line would be
# sent as written (sendmail, unlike send_message, does not strip it).
_ADDRESS_HEADERS = frozenset({
    "sender", "reply-to", "cc", "bcc", "resent-from", "resent-sender", "resent-to", "resent-cc",
    "resent-bcc", "return-path", "disposition-notification-to",
})


# ------------------------------------------------------------------------------------ addresses


def mailbox(value: str) -> tuple[str, str] | None:
    """(display name, addr-spec) of the one address in ``'Name <a@b>'`` or ``'a@b'``, or None."""
    if not isinstance(value, str) or _UNSAFE.search(value):
        return None
    # Fast path: a bare dot-atom address, which the parser below returns unchanged ("=?" would
    # start an encoded word there, so such values take the slow path).
    if _PLAIN_ADDRESS.fullmatch(value) and "=?" not in value:
        return "", value
    return _parse_mailbox(value)


@lru_cache(maxsize=512)
def _parse_mailbox(value: str) -> tuple[str, str] | None:
    """The email package's reading of ``value``: slow, so only for what the fast path leaves."""
    try:
        message = EmailMessage(policy=email.policy.default)
        message["To"] = value
        addresses = message["To"].addresses
    except Exception:  # the header parser raises several types on garbage
        return None
    if len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        return None
    addr_spec = str(addresses[0].addr_spec)
    if _UNSAFE.search(addr_spec) or _UNSAFE.search(addresses[0].display_name):
        return None
    return addresses[0].display_name, addr_spec


def envelope_address(value: str) -> str | None:
    """The bare addr-spec in 'Name <a@b>' or 'a@b', or None when there is not exactly one."""
    found = mailbox(value)
    return None if found is None else found[1]


@lru_cache(maxsize=64)
def _address_header(name: str, value: str) -> str:
    """``name: value`` for one mailbox (cached: the sender is the same on every message)."""
    found = mailbox(value)
    if found is None:
        raise HeaderError(f"{name} {value!r} is not one e-mail address")
    display, addr_spec = found
    lines = [name + ":"]
    if not display:
        _place(lines, addr_spec)
        return _checked(CRLF.join(lines) + CRLF)
    if _PLAIN_PHRASE.fullmatch(display) and "=?" not in display:
        for word in display.split(" "):
            _place(lines, word)
    elif display.isascii() and display.isprintable():  # specials: a quoted string
        quoted = '"' + display.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for word in quoted.split(" "):  # folding inside a quoted string keeps its spaces
            _place(lines, word)
    else:  # not ASCII: encoded words ("b" is allowed in a phrase)
        _place_encoded(lines, display, phrase=True)
    _place(lines, f"<{addr_spec}>")
    return _checked(CRLF.join(lines) + CRLF)


# -------------------------------------------------------------------------------------- headers


def check_message_id(message_id: str) -> None:
    """Refuse a message id that cannot stand left of the "@" in a Message-ID (a dot-atom)."""
    if not isinstance(message_id, str) or not _DOT_ATOM.fullmatch(message_id) \
            or len(message_id) > HARD_LINE - 40:
        raise HeaderError(f"message_id {message_id!r} cannot stand in a Message-ID")


def check_header_names(headers: Mapping[str, str] | None) -> None:
    """Refuse extra header names that are not field names, or that name a header written here
    or an address field."""
    for name in headers or {}:
        if not isinstance(name, str) or not _FIELD_NAME.fullmatch(name):
            raise HeaderError(f"{name!r} is not a header name")
        lowered = name.lower()
        if lowered in RESERVED_HEADERS or lowered.startswith("content-"):
            raise HeaderError(f"header {name!r} is set by docket and may not be replaced")
        if lowered in _ADDRESS_HEADERS or lowered.startswith("resent-"):
            raise HeaderError(f"header {name!r} takes addresses, which extra headers cannot carry")


def _unstructured(name: str, value: str) -> str:
    """``name: value`` as folded lines: plain ASCII words as they are, runs of other words as
    encoded words (whitespace between two encoded words is dropped by readers, so a run keeps
    its inner spaces inside the encoding)."""
    if not isinstance(value, str):
        raise HeaderError(f"{name} must be a string, not {type(value).__name__}")
    if _UNSAFE.search(value):
        raise HeaderError(f"{name} may not contain a line break or NUL: {value!r}")
    if value.isascii() and len(value) + len(name) + 2 <= MAX_LINE and value.isprintable() \
            and "=?" not in value and value == value.strip(" ") and "  " not in value:
        return f"{name}: {value}{CRLF}"  # the common case: short plain ASCII
    lines = [name + ":"]
    words = value.split(" ")
    if not value:
        return f"{name}: {CRLF}"
    if "" in words:  # leading, trailing or repeated spaces: kept inside the encoding
        _place_encoded(lines, value)
        return _checked(CRLF.join(lines) + CRLF)
    run: list[str] = []
    for word in words:
        # A plain word goes as it is where it fits: on a line of its own at worst, or beside
        # the header's name when it comes first. Otherwise it is encoded, which can be folded.
        room = MAX_LINE - 1 if run or " " in lines[-1] else MAX_LINE - len(lines[-1]) - 1
        if word.isascii() and word.isprintable() and "=?" not in word and len(word) <= room:
            if run:
                _place_encoded(lines, " ".join(run))
                run = []
            _place(lines, word)
        else:
            run.append(word)
    if run:
        _place_encoded(lines, " ".join(run))
    return _checked(CRLF.join(lines) + CRLF)


def _place(lines: list[str], token: str) -> None:
    """Add `` token`` to the last line, or fold it onto a new line when it would not fit."""
    # A line without a space holds only the header name: the first token always goes there;
    # whitespace alone may not make a line.
    if len(lines[-1]) + 1 + len(token) > MAX_LINE and " " in lines[-1] and token:
        lines.append(" " + token)
    else:
        lines[-1] += " " + token


_EW_OVERHEAD = len("=?utf-8?b??=")
_EW_MAX_BYTES = (75 - _EW_OVERHEAD) // 4 * 3  # RFC 2047: an encoded word has at most 75 chars


def _place_encoded(lines: list[str], text: str, *, phrase: bool = False) -> None:
    """Add ``text`` as UTF-8 base64 encoded words, each filling what is left of its line and
    never splitting a character.

    RFC 2047 readers join adjacent encoded words as they are. Python's address parser puts a
    space between them, so in a ``phrase`` (display name) a word ends after a space where it
    can: Python then reads a doubled space, not a word cut in two. (A display name of up to
    45 bytes is one encoded word, read the same by both.)"""
    data = text.encode("utf-8")
    start = 0
    while start < len(data):
        room = MAX_LINE - len(lines[-1]) - 1
        end = _word_end(data, start, (min(room, 75) - _EW_OVERHEAD) // 4 * 3, phrase=phrase,
                        fresh=" " not in lines[-1])
        if end == start:  # nothing (in a phrase: no whole word) fits here: on a new line
            lines.append("")
            end = _word_end(data, start, _EW_MAX_BYTES, phrase=phrase, fresh=True)
        chunk = base64.b64encode(data[start:end]).decode("ascii")
        lines[-1] += f" =?utf-8?b?{chunk}?="
        start = end


def _word_end(data: bytes, start: int, size: int, *, phrase: bool, fresh: bool) -> int:
    """Where the encoded word from ``start`` of at most ``size`` bytes ends: on a whole
    character; in a phrase after a space, or (on a line of its own) where it must."""
    if size <= 0:
        return start
    end = _char_end(data, start, start + size)
    if not phrase or end >= len(data):
        return end
    space = data.rfind(b" ", start, end)
    if space > start:
        return space + 1
    return end if fresh else start


def _char_end(data: bytes, start: int, end: int) -> int:
    """``end``, moved back so that data[start:end] ends on a whole UTF-8 character."""
    if end >= len(data):
        return len(data)
    while end > start and data[end] & 0xC0 == 0x80:  # a continuation byte
        end -= 1
    return end


def _checked(header: str) -> str:
    if any(len(line) > HARD_LINE for line in header.split(CRLF)):
        raise HeaderError(f"header line longer than {HARD_LINE} characters: {header[:80]!r}...")
    return header


# ----------------------------------------------------------------------------------------- body


def _body(text: str) -> tuple[str, bytes]:
    """(Content-Transfer-Encoding, encoded body with CRLF line ends) of one UTF-8 text part."""
    if not isinstance(text, str):
        raise HeaderError(f"a body part must be a string, not {type(text).__name__}")
    lines = text.encode("utf-8").splitlines()
    if all(len(line) <= MAX_LINE for line in lines):
        joined = b"\r\n".join(lines) + b"\r\n"
        if joined.isascii() and b"\0" not in joined:
            return "7bit", joined
    normal = b"\n".join(lines) + b"\n"
    # Quoted-printable spends 3 characters on each byte it escapes, base64 4 on every 3 bytes:
    # quoted-printable (readable) while it is the shorter, that is below ~1 escape in 6 bytes.
    if (len(normal) - len(normal.translate(None, _QP_ESCAPED))) * 6 < len(normal):
        return "quoted-printable", binascii.b2a_qp(normal, istext=True).replace(b"\n", b"\r\n")
    encoded = base64.b64encode(normal)
    return "base64", b"\r\n".join(  # 76 characters a line, as the email package writes them
        [encoded[i : i + 76] for i in range(0, len(encoded), 76)]) + b"\r\n"


# The bytes quoted-printable escapes (b2a_qp: lines stay at most 76 characters).
_QP_ESCAPED = bytes([*range(0, 9), *range(11, 32), ord("="), *range(127, 256)])


def _part(subtype: str, text: str) -> tuple[str, bytes]:
    cte, body = _body(text)
    return (f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: {cte}{CRLF}"), body


# -------------------------------------------------------------------------------------- message


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail (a receipt): its name, a plain token like
    ``receipt-request-12.json``, its media type, and its bytes (sent in base64)."""

    filename: str
    content_type: str
    data: bytes

    def __post_init__(self) -> None:
        if not _FILENAME.fullmatch(self.filename):
            raise HeaderError(f"an attachment's name is letters, digits, '.', '-' and '_': {self.filename!r}")
        if not _MEDIA_TYPE.fullmatch(self.content_type):
            raise HeaderError(f"{self.content_type!r} is not a media type")


_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")
_MEDIA_TYPE = re.compile(r"[a-z]{1,20}/[a-z0-9.+-]{1,40}")


def compose(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """The e-mail as bytes: From, To, Subject, Date, ``Message-ID: <{message_id}@docket>``,
    X-Docket-Message-Id, the extra ``headers``, MIME-Version, then the body; with
    ``attachments``, a ``multipart/mixed`` of the body and each file, in base64.

    ``message_id`` must be a dot-atom; ``sender`` and ``to`` one address each (a display name
    may be given). Raises :class:`HeaderError` on anything that
    cannot be written safely. The bytes are ASCII unless an address itself is not.
    """
    check_message_id(message_id)
    check_header_names(headers)
    head = [
        _address_header("From", sender),
        _address_header("To", to),
        _unstructured("Subject", subject),
        f"Date: {formatdate(usegmt=True)}{CRLF}",
        f"Message-ID: <{message_id}@docket>{CRLF}",
        f"X-Docket-Message-Id: {message_id}{CRLF}",
    ]
    for name, value in (headers or {}).items():
        head.append(_unstructured(name, value))
    head.append(f"MIME-Version: 1.0{CRLF}")
    content_headers, content = _content(text, html)
    if not attachments:
        return "".join(head).encode("utf-8") + content_headers.encode("ascii") + b"\r\n" + content
    files = [(attachment, _base64_lines(attachment.data)) for attachment in attachments]
    boundary = _boundary(content, *(data for _, data in files))
    delimiter = f"--{boundary}{CRLF}".encode("ascii")
    parts = [delimiter, content_headers.encode("ascii"), b"\r\n", content, b"\r\n"]
    for attachment, data in files:
        # Folded, so that no line is longer than 78 characters (the name is at most 60).
        parts += [delimiter, (f'Content-Type: {attachment.content_type};{CRLF} name="{attachment.filename}"{CRLF}'
                              f'Content-Disposition: attachment;{CRLF} filename="{attachment.filename}"{CRLF}'
                              f"Content-Transfer-Encoding: base64{CRLF}").encode("ascii"),
                  b"\r\n", data, b"\r\n"]
    mixed = f'Content-Type: multipart/mixed;{CRLF} boundary="{boundary}"{CRLF}'
    return b"".join(("".join(head).encode("utf-8"), mixed.encode("ascii"), b"\r\n", *parts,
                     f"--{boundary}--{CRLF}".encode("ascii")))


def _content(text: str, html: str | None) -> tuple[str, bytes]:
    """(Content-Type and transfer encoding headers, body) of the text, or of the text and
    html as ``multipart/alternative``."""
    plain_headers, plain = _part("plain", text)
    if html is None:
        return plain_headers, plain
    html_headers, markup = _part("html", html)
    boundary = _boundary(plain, markup)
    delimiter = f"--{boundary}{CRLF}".encode("ascii")
    return f'Content-Type: multipart/alternative;{CRLF} boundary="{boundary}"{CRLF}', b"".join((
        delimiter, plain_headers.encode("ascii"), b"\r\n", plain, b"\r\n",
        delimiter, html_headers.encode("ascii"), b"\r\n", markup, b"\r\n",
        f"--{boundary}--{CRLF}".encode("ascii"),
    ))


def _base64_lines(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"\r\n".join([encoded[i : i + 76] for i in range(0, len(encoded), 76)]) + b"\r\n"


def _boundary(*bodies: bytes) -> str:
    """A random boundary found in no body ("=_" cannot occur in quoted-printable or base64;
    a 7bit body is checked)."""
    while True:
        boundary = "=_docket_" + secrets.token_hex(12)
        marker = b"--" + boundary.encode("ascii")
        if not any(marker in body for body in bodies):
            return boundary
