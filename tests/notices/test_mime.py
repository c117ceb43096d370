"""docket.notices.mime: the composed e-mail reads back as the email package's own message did,
keeps every line within bounds and refuses header injection. Pure unit tests: no database.

Each message is read back with ``BytesParser(policy=email.policy.default)``: the headers from
the bytes as written (CRLF), the parts after turning CRLF into "\\n", as a local delivery
agent stores mail (and as tests/notices/receivers.py does), so that text decodes with "\\n".
"""

from __future__ import annotations

import base64
import email.policy
import re
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from docket.notices import mime
from docket.notices.render import render
from tests.notices.test_delivery import HTML, KAZAKH_SUBJECT, RUSSIAN_SUBJECT, SENDER, TEXT
from tests.notices.test_render import contexts

ENGLISH_SUBJECT = "Request MI-2025/88 received: we will answer within 24 hours"
ENGLISH_TEXT = "Hello,\n\nwe received your request of 3 items.\n\nKind regards,\nSocial Example\n"
EXTRA = {"X-Docket-Notice": "acknowledgement"}
# What str.splitlines() breaks on, and NUL: none may reach a header.
BREAKS = ["\r\n", "\n", "\r", "\x00", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
INJECTED = "Subject\r\nBcc: x@evil.example"

parse = BytesParser(policy=email.policy.default).parsebytes


def compose(**changes: Any) -> bytes:
    args: dict[str, Any] = {"sender": SENDER, "to": "aigerim@example.kz", "subject": "S", "text": "T",
                            "html": None, "message_id": "n-17", "headers": EXTRA}
    return mime.compose(**{**args, **changes})


def read(raw: bytes) -> EmailMessage:
    message = parse(raw.replace(b"\r\n", b"\n"))
    assert isinstance(message, EmailMessage)
    return message


def head_lines(raw: bytes) -> list[bytes]:
    head, _, _ = raw.partition(b"\r\n\r\n")
    return head.split(b"\r\n")


def encoded_words_are_whole(raw: bytes) -> bool:
    """RFC 2047: every encoded word is at most 75 characters and holds whole characters."""
    words = re.findall(rb"=\?utf-8\?b\?([A-Za-z0-9+/=]*)\?=", raw.partition(b"\r\n\r\n")[0])
    for word in words:
        if len(word) + 12 > 75:
            return False
        try:
            base64.b64decode(word, validate=True).decode("utf-8")
        except ValueError:  # binascii.Error, UnicodeDecodeError
            return False
    return True


def unfolded(raw: bytes, name: str) -> str:
    """The value of header ``name`` as written, its folds undone (CRLF removed)."""
    lines = head_lines(raw)
    start = next(i for i, line in enumerate(lines) if line.startswith(name.encode() + b":"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(b" ")), len(lines))
    return b"".join(lines[start:end]).decode()[len(name) + 1 :].lstrip(" ")


def reference(*, to: str, subject: str, text: str, html: str | None) -> EmailMessage:
    """The message as docket built it with the email package before: the oracle."""
    message = EmailMessage(policy=email.policy.default.clone(cte_type="7bit"))
    message["From"], message["To"], message["Subject"] = SENDER, to, subject
    message["Message-ID"], message["X-Docket-Message-Id"] = "<n-17@docket>", "n-17"
    for name, value in EXTRA.items():
        message[name] = value
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
        for part in message.iter_parts():
            del part["MIME-Version"]
    return read(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))


def shape(message: EmailMessage) -> list[tuple[str, str | None, str]]:
    parts = list(message.iter_parts()) if message.is_multipart() else [message]
    return [(p.get_content_type(), p.get_content_charset(), p.get_content()) for p in parts]


NOTICES = {lang: render("acknowledgement", lang, contexts()["acknowledgement"]) for lang in ("en", "ru", "kk")}
CASES = {
    "english": (ENGLISH_SUBJECT, ENGLISH_TEXT, "<p>Hello, <b>we received</b> your request.</p>"),
    "russian": (RUSSIAN_SUBJECT, TEXT, HTML),
    "kazakh": (KAZAKH_SUBJECT, TEXT, HTML),
    "both": (f"{RUSSIAN_SUBJECT} / {KAZAKH_SUBJECT}", TEXT, HTML),
    **{f"notice-{lang}": (n.subject, n.text, n.html) for lang, n in NOTICES.items()},
}


@pytest.mark.parametrize("with_html", [True, False], ids=["alternative", "plain"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("to", ["aigerim@example.kz", "Айгерім Сейітқызы <aigerim@example.kz>",
                                '"Doe, John" <john.doe@example.org>'])
def test_it_reads_back_as_the_email_package_built_it(case: str, with_html: bool, to: str) -> None:
    subject, text, html = CASES[case]
    html = html if with_html else None
    raw = compose(to=to, subject=subject, text=text, html=html)
    ours, theirs = read(raw), reference(to=to, subject=subject, text=text, html=html)

    for name in ("From", "To", "Subject", "Message-ID", "X-Docket-Message-Id", "X-Docket-Notice",
                 "MIME-Version", "Content-Type"):
        if name == "Content-Type" and with_html:  # the boundary is random
            assert ours.get_content_type() == theirs.get_content_type() == "multipart/alternative"
            continue
        assert str(ours[name]) == str(theirs[name]), name
    assert ours["To"].addresses == theirs["To"].addresses
    assert ours["From"].addresses[0].display_name == "Docket"
    assert ours["From"].addresses[0].addr_spec == "notices@docket.example"
    assert ours["Date"].datetime is not None
    assert ours["Subject"] == subject
    assert shape(ours) == shape(theirs)
    expected = [("text/plain", "utf-8", text if text.endswith("\n") else text + "\n")]
    if with_html:
        expected.append(("text/html", "utf-8", html if html.endswith("\n") else html + "\n"))
    assert shape(ours) == expected
    assert raw.isascii()  # 7-bit clean: survives any relay
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only
    assert len(ours.get_all("Subject")) == 1 and len(ours.get_all("To")) == 1


def test_a_long_subject_is_folded_and_unfolds_to_the_same_string() -> None:
    subjects = [
        " ".join([ENGLISH_SUBJECT] * 4),
        " ".join([RUSSIAN_SUBJECT, KAZAKH_SUBJECT] * 3),
        "Запрос MI-2025/88 получен: " + " ".join(["ответим в течение 24 часов"] * 5),
        "R-" + "7" * 120,  # one word longer than a line
        "Қ" * 200,
    ]
    for subject in subjects:
        raw = compose(subject=subject)
        assert unfolded(raw, "Subject") != head_lines(raw)[2].decode()[9:], subject  # folded
        assert all(len(line) <= 78 for line in head_lines(raw))
        assert read(raw)["Subject"] == subject
        assert parse(raw)["Subject"] == subject  # also read straight from the CRLF bytes
        assert encoded_words_are_whole(raw)


def test_plain_ascii_words_stay_readable() -> None:
    raw = compose(subject=f"Request MI-2025/88: {RUSSIAN_SUBJECT}")
    assert head_lines(raw)[2].startswith(b"Subject: Request MI-2025/88: =?utf-8?b?")


UNSAFE = "".join(BREAKS)
header_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters=UNSAFE)
fragments = st.sampled_from(["a", "ä", "Қ", " ", "  ", "=?", "?=", "=?utf-8?q?x?=", "\t", "😀", "e\u0301",
                             "R-2026/17", "x" * 90, "№"])
header_values = st.text(header_chars, max_size=200) | st.lists(fragments, max_size=30).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=header_values)
@example(value="0" * 62)  # one long plain word beside the header's name: it was left at 79 characters
@example(value="0" * 77 + " " + "1" * 77)
def test_any_header_value_reads_back_exactly(value: str) -> None:
    raw = compose(subject=value, headers={"X-Docket-Notice": value})
    message = parse(raw)
    assert message["Subject"] == value
    assert message["X-Docket-Notice"] == value
    assert all(len(line) <= 78 for line in head_lines(raw))
    assert encoded_words_are_whole(raw)


name_chars = st.characters(blacklist_categories=("Cs", "Zs", "Cc"), blacklist_characters=UNSAFE)
display_names = (st.lists(st.text(name_chars, min_size=1, max_size=12), min_size=1, max_size=8).map(" ".join)
                 | st.text(st.sampled_from(list('ab ,."\\()<>@;:[]Қä')), min_size=1, max_size=90)
                 .map(lambda s: " ".join(s.split())).filter(bool))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=display_names, addr=st.sampled_from(["a@b.c", "x.y+z@mail.example.kz"]))
def test_display_names_are_written_so_they_read_back(name: str, addr: str) -> None:
    written = str(Address(display_name=name, addr_spec=addr))
    given_name = slow_address_pair(written)[0]  # as the email package reads what was given
    raw = compose(sender=written, to=written)
    message = parse(raw)
    assert message["To"].addresses[0].addr_spec == message["From"].addresses[0].addr_spec == addr
    assert all(len(line) <= 78 for line in head_lines(raw))
    assert encoded_words_are_whole(raw)
    read_back = message["To"].addresses[0].display_name
    if given_name.isascii() or len(given_name.encode()) <= 45:
        assert read_back == given_name  # quoted, plain or one encoded word
    elif all(len(word.encode()) <= 20 for word in given_name.split(" ")):
        # Split after a space, not inside a word: Python's parser reads a doubled space.
        assert read_back.split() == given_name.split()
    if not (given_name.isascii() and given_name.isprintable()):
        # Encoded words, read as RFC 2047 says (Python's address parser adds a space where a
        # long name is split into several words; mail clients do not).
        phrase = unfolded(raw, "To").rsplit(" <", 1)[0]
        assert str(make_header(decode_header(phrase))) == given_name


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000)
       | st.lists(st.sampled_from(["a" * 1500, "Қ" * 700, "\n", "\r\n", "\r", " ", "=", ".", "--", "From x",
                                   "\x00", "\x0b", "\u2028", "—", "<p style=\"margin:0\">"]),
                  max_size=12).map("".join),
       html=st.none() | st.just("<p>" + "Сәлем " * 400 + "</p>") | st.just("x" * 5000))
def test_body_lines_stay_short_and_decode_to_the_text(text: str, html: str | None) -> None:
    raw = compose(text=text, html=html)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))  # what the encodings give
    assert b"\0" not in raw and raw.isascii()
    parts = shape(read(raw))
    # As set_content gives it: UTF-8 lines ("\r\n", "\r" or "\n" end one) joined with "\n".
    expected = [("text/plain", "utf-8", b"\n".join(text.encode().splitlines()).decode() + "\n")]
    if html is not None:
        expected.append(("text/html", "utf-8", html + "\n"))
    assert parts == expected


def test_a_seven_bit_part_holding_the_boundary_gets_another(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["0" * 24, "1" * 24])
    monkeypatch.setattr(mime.secrets, "token_hex", lambda n: next(drawn))
    text = f"Above\n--=_docket_{'0' * 24}\nbelow\n"
    raw = compose(text=text, html="<p>x</p>")
    assert f'boundary="=_docket_{"1" * 24}"'.encode() in raw
    assert shape(read(raw))[0][2] == text


# ------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize("where", ["subject", "to", "header value"])
@pytest.mark.parametrize("brk", BREAKS, ids=[repr(b) for b in BREAKS])
@pytest.mark.parametrize("tail", ["Bcc: x@evil.example", ""], ids=["injected", "at-the-end"])
def test_a_line_break_or_nul_in_a_header_value_is_refused(where: str, brk: str, tail: str) -> None:
    value = ("a@example.org" if where == "to" else "Subject") + brk + tail
    change = {"subject": {"subject": value}, "to": {"to": value},
              "header value": {"headers": {"X-Docket-Notice": value}}}[where]
    with pytest.raises(mime.HeaderError):
        compose(**change)


@pytest.mark.parametrize("name", ["Bad Name", "X:Y", "X\r\nBcc", "", "Ä", "X" * 77, "Bcc", "cc", "Reply-To",
                                  "Resent-To", "Sender", "Subject", "to", "Message-ID", "MIME-Version",
                                  "Content-Type", "Content-Disposition", "X-Docket-Message-Id"])
def test_bad_or_reserved_header_names_are_refused(name: str) -> None:
    with pytest.raises(mime.HeaderError):
        compose(headers={name: "x"})
    with pytest.raises(ValueError):
        mime.check_header_names({name: "x"})


@pytest.mark.parametrize("value", ["not an address", "", "a@b, c@d", "<a@b>, c@d", "a@", "@b", "a@b\x00c",
                                   'a"b@c'])
def test_the_recipient_and_the_sender_must_be_one_address(value: str) -> None:
    assert mime.envelope_address(value) is None
    with pytest.raises(mime.HeaderError):
        compose(to=value)
    with pytest.raises(mime.HeaderError):
        compose(sender=value)


@pytest.mark.parametrize("message_id", ["", "a b", "a@b", "<x>", "x\r\nBcc: evil@example.org", "a..b", "x" * 2000])
def test_the_message_id_must_be_a_dot_atom(message_id: str) -> None:
    with pytest.raises(mime.HeaderError, match="Message-ID"):
        compose(message_id=message_id)


# ----------------------------------------------------------------------------------- addresses


def slow_address(value: str) -> str | None:
    """What the email package reads as the one address in ``value``: the oracle."""
    try:
        message = EmailMessage(policy=email.policy.default)
        message["To"] = value
        addresses = message["To"].addresses
    except Exception:
        return None
    if len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        return None
    return str(addresses[0].addr_spec)


ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~"
plain_addresses = st.from_regex(rf"[{ATEXT}]+(\.[{ATEXT}]+)*@[{ATEXT}]+(\.[{ATEXT}]+)*", fullmatch=True)
near_misses = st.text(st.sampled_from(list('ab.@=?<> "\\()[],;:ä\t-Қ')), max_size=24)


@settings(max_examples=500, deadline=None)
@given(value=plain_addresses | near_misses)
def test_the_fast_address_path_accepts_what_the_email_package_accepts(value: str) -> None:
    assert mime.envelope_address(value) == slow_address(value)


def test_plain_and_named_addresses() -> None:
    assert mime.mailbox("aigerim@example.kz") == ("", "aigerim@example.kz")
    assert mime.mailbox(SENDER) == ("Docket", "notices@docket.example")
    assert mime.mailbox("Айгерім Сейітқызы <aigerim@example.kz>") == ("Айгерім Сейітқызы",
                                                                       "aigerim@example.kz")
    assert mime.mailbox("=?utf-8?q?x?=@example.org") == slow_address_pair("=?utf-8?q?x?=@example.org")


def slow_address_pair(value: str) -> tuple[str, str]:
    message = EmailMessage(policy=email.policy.default)
    message["To"] = value
    [address] = message["To"].addresses
    return address.display_name, address.addr_spec


@pytest.mark.parametrize("html", [None, "<p>Received.</p>"])
def test_an_attachment_makes_a_mixed_message_whose_body_reads_as_before(html: str | None) -> None:
    data = b'{"receipts": [{"format": "docket-receipt/1"}]}\n' * 20
    raw = compose(text=ENGLISH_TEXT, html=html, attachments=[
        mime.Attachment("receipt-request-12.json", "application/json", data)])
    message = read(raw)
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content() == ENGLISH_TEXT
    assert (message.get_body(preferencelist=("html",)) is not None) == (html is not None)
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "receipt-request-12.json" and attached.get_content_type() == "application/json"
    assert attached.get_content() == data
    assert all(len(line) <= mime.MAX_LINE for line in raw.split(b"\r\n")[len(head_lines(raw)):])
    # Without attachments, the message is what it always was.
    assert read(compose(text=ENGLISH_TEXT, html=html)).get_content_type() == (
        "text/plain" if html is None else "multipart/alternative")


@pytest.mark.parametrize("name, media", [("../etc/passwd", "application/json"), ('a"b.json', "application/json"),
                                         ("receipt.json", "application/json\r\nBcc: x@evil.example"), ("", "a/b")])
def test_an_attachment_cannot_smuggle_a_header(name: str, media: str) -> None:
    with pytest.raises(mime.HeaderError):
        mime.Attachment(name, media, b"{}")
