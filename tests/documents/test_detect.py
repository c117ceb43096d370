"""The type of a file from its bytes alone, against the allow-list; the name it is shown under."""

from __future__ import annotations

import pytest

from docket.documents import detect
from tests.documents import samples


@pytest.mark.parametrize("name", sorted(samples.ALLOWED))
def test_each_allowed_type_is_told_from_its_bytes(name: str) -> None:
    data, media_type = samples.ALLOWED[name]
    found = detect.detect(data)
    assert (found.media_type, found.allowed) == (media_type, True)


@pytest.mark.parametrize(("data", "words"), [
    (samples.EXE, "Windows program"),
    (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8, "ELF"),
    (b"#!/bin/sh\nrm -rf /\n", "script"),
    (samples.HTML, "HTML"),
    (b"  <script>alert(1)</script>", "HTML"),
    (b"<?xml version='1.0'?><svg/>", "markup"),
    (b"GIF89a\x01\x00\x01\x00", "GIF"),
    (samples._zip([("payload.exe", samples.EXE)]), "ZIP archive"),
    (samples.docx("application/vnd.ms-word.document.macroEnabled.main+xml"), "macros"),
    (samples.odt(b"application/vnd.oasis.opendocument.spreadsheet"), "OpenDocument file of another kind"),
    (b"PK\x03\x04 not really a zip", "damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "OLE"),
    ("caf\u00e9".encode("latin-1"), "not UTF-8"),
    (b"text with a NUL \x00 inside", "binary"),
])
def test_anything_else_is_refused_and_named(data: bytes, words: str) -> None:
    found = detect.detect(data)
    assert not found.allowed
    assert words in found.words


def test_text_that_merely_starts_like_a_program_is_text() -> None:
    assert detect.detect(b"MZ is how the order's file begins in our register.\n").media_type == detect.TEXT


def test_an_e_mail_needs_its_headers_up_to_a_blank_line() -> None:
    assert detect.detect(b"From: a@b.example\nSubject: x\n\nbody").media_type == detect.EML
    assert detect.detect(b"From: a@b.example\n  folded\nSubject: x\n\nbody").media_type == detect.EML
    # A From line alone, or no blank line: text.
    assert detect.detect(b"From: a@b.example\nno header here\n\nbody").media_type == detect.TEXT
    assert detect.detect(b"From: a@b.example\nSubject: x\n").media_type == detect.TEXT


def test_a_zip_entry_is_read_only_up_to_its_limit() -> None:
    # A [Content_Types].xml that claims to be larger than any real one is not read at all.
    big = samples._zip([("[Content_Types].xml", b" " * (detect._ZIP_ENTRY_MAX + 1))])
    assert detect.detect(big).media_type == "application/zip"


@pytest.mark.parametrize(("given", "shown"), [
    ("order.pdf", "order.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\clerk\\Приказ № 17.pdf", "Приказ № 17.pdf"),
    ("evil\u202etxt.exe", "evil txt.exe"),
    ("line\r\nbreak\x00.pdf", "line break .pdf"),
    ("...hidden", "hidden"),
    ("", "document"),
    (None, "document"),
    ("/", "document"),
])
def test_a_file_name_is_cleaned_for_display(given: str | None, shown: str) -> None:
    assert detect.display_name(given) == shown


def test_a_long_name_keeps_its_extension() -> None:
    shown = detect.display_name("a" * 500 + ".pdf")
    assert len(shown) == detect.NAME_MAX and shown.endswith(".pdf")


def test_the_ascii_stand_in_keeps_what_it_can() -> None:
    assert detect.ascii_name("Приказ № 17.pdf") == "No 17.pdf"  # NFKD: № is N, o
    assert detect.ascii_name('Décision "finale".pdf') == "Decision _finale_.pdf"
