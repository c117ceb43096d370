"""extract(): every kind of document of the generated corpus is read with its addresses
intact, paragraphs that index the text, and nothing a file does can crash the caller."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from docket.documents import detect
from docket.extraction.result import Extraction

from . import corpus

Read = Callable[..., Extraction]
TEXT_KINDS = ("mail", "bilingual", "html", "pdf", "mail_pdf", "docx")


@pytest.mark.parametrize("kind", TEXT_KINDS)
def test_every_kind_of_notice_is_read_with_its_addresses(read: Read, kind: str) -> None:
    for document in corpus.generate(kinds=[kind], templates=["ru-rkn", "tr-btk"]):
        extraction = read(document.data, document.media_type)
        assert extraction.error is None, extraction.error
        answers = document.letter.answers
        assert answers is not None
        for address in answers.platform_addresses + answers.other_addresses:
            # One address in three is broken over two lines, as narrow columns do.
            assert corpus.survives(address, extraction.text, joined=True), (document.name, address)
        assert document.letter.language in extraction.languages
        assert answers.order_number in " ".join(extraction.text.split())


def test_paragraphs_index_the_text_in_order(read: Read) -> None:
    [document] = corpus.generate(kinds=["bilingual"], templates=["es-gc"])
    extraction = read(document.data, document.media_type)
    ends = 0
    for paragraph in extraction.paragraphs:
        assert paragraph.start >= ends and paragraph.end > paragraph.start
        assert extraction.text[paragraph.start:paragraph.end].strip() == extraction.text[paragraph.start:paragraph.end]
        ends = paragraph.end
    assert ends == len(extraction.text)
    assert extraction.languages == ["es", "en"]  # the most written first


def test_a_type_with_no_text_is_named(read: Read) -> None:
    extraction = read(b"GIF89a....", "image/gif")
    assert extraction.error == "no text is read from files of type image/gif"
    assert (extraction.text, extraction.paragraphs) == ("", [])


def test_a_file_over_the_size_limit_is_not_read(read: Read) -> None:
    extraction = read(b"x" * 2000, detect.TEXT, document_max_bytes=1000)
    assert extraction.error == "the file is larger than 1,000 bytes"


def test_reading_past_the_time_limit_gives_up_and_says_so(read: Read) -> None:
    [document] = corpus.generate(kinds=["pdf"], templates=["de-lg"])
    extraction = read(document.data, document.media_type, extract_seconds=0.01)
    assert extraction.error == "reading the file took longer than 0.01 s"
    assert extraction.paragraphs == []


def test_a_damaged_file_gives_a_clear_error_not_a_crash(read: Read) -> None:
    extraction = read(b"%PDF-1.7\n" + b"\x00garbage" * 100, detect.PDF)
    assert extraction.error is not None
    assert extraction.error.startswith("the file could not be read: the PDF could not be opened")
