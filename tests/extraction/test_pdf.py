"""PDFs: the text layer in paragraphs with their pages, page limits, damaged files."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pypdfium2 as pdfium

from docket.documents import detect
from docket.extraction.result import Extraction

from . import corpus

Read = Callable[..., Extraction]


def _blank_pages(count: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(count):
        document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_paragraphs_keep_their_page(read: Read) -> None:
    first = corpus.pdf(["Первая страница: требование Роскомнадзора об ограничении доступа."], "ru")
    second = corpus.pdf(["Second page: the English version of the demand, for information."], "en")
    merged = pdfium.PdfDocument(first)
    merged.import_pages(pdfium.PdfDocument(second))
    out = io.BytesIO()
    merged.save(out)
    extraction = read(out.getvalue(), detect.PDF)
    assert [(p.page, p.source, p.language) for p in extraction.paragraphs] == [(1, "body", "ru"), (2, "body", "en")]
    assert (extraction.pages, extraction.ocr_pages, extraction.warnings) == (2, 0, [])


def test_ten_thousand_pages_are_read_up_to_the_page_limit(read: Read) -> None:
    data = _blank_pages(10_000)
    started = time.monotonic()
    extraction = read(data, detect.PDF, extract_max_pages=50)
    assert extraction.error is None
    assert extraction.pages == 10_000
    assert extraction.warnings == ["only the first 50 of 10000 pages were read"]
    assert extraction.ocr_pages == 0  # blank pages cost no OCR
    assert time.monotonic() - started < 30


def test_a_truncated_pdf_gives_a_clear_error(read: Read) -> None:
    [document] = corpus.generate(kinds=["pdf"], templates=["ru-rkn"])
    for cut in (len(document.data) // 2, len(document.data) - 200, 100):
        extraction = read(document.data[:cut], detect.PDF)
        assert extraction.error is not None
        assert extraction.error.startswith("the file could not be read: the PDF could not be opened ("), cut
        assert (extraction.text, extraction.paragraphs, extraction.ocr_pages) == ("", [], 0)
