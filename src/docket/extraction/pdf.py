"""Text out of PDFs, in the child process: the text layer with pdfminer.six, whose layout
analysis groups lines into paragraphs (text boxes); a page with no usable text layer (a
scan) is drawn with PDFium and read with OCR. PDFium also counts the pages, and its own
text layer stands in when pdfminer cannot parse the file at all."""

from __future__ import annotations

import io
import re
import time
from collections import defaultdict
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from docket.extraction import ocr
from docket.extraction.result import Block, Budget, Raw
from docket.extraction.text import clean, paragraphs

# Justified lines: wide gaps between words, which pdfminer would otherwise cut into boxes
# of their own (and write as runs of spaces).
LAYOUT: dict[str, Any] = {"char_margin": 8.0, "line_margin": 0.5, "word_margin": 0.2}
_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")
MIN_PAGE_CHARS = 20  # fewer letters than this on a page: a scan, read with OCR


class PDFError(Exception):
    """The file is not a PDF that can be opened; the message says why."""


def read_pdf(data: bytes, budget: Budget, *, source: str = "body") -> Raw:
    """The paragraphs of the first ``budget.pages`` pages (see the module's docstring)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PDFError(f"the PDF could not be opened ({exc})") from None
    total = len(document)
    raw = Raw(pages=total)
    limit = min(total, max(budget.pages, 0))
    budget.pages -= limit
    if limit < total:
        raw.warnings.append(f"{_where(source)}only the first {limit} of {total} pages were read")
    layer, trouble = _text_layer(data, limit)
    if trouble:
        raw.warnings.append(f"{_where(source)}the text layer was read by the fallback reader ({trouble})")
    ocr_source = "ocr" if source == "body" else source
    for number in range(limit):
        if time.monotonic() > budget.deadline:
            raw.warnings.append(f"{_where(source)}time ran out after page {number}")
            break
        texts = layer.get(number)
        if texts is None:  # pdfminer stopped before this page: PDFium's text instead
            texts = [b.text for b in paragraphs(document[number].get_textpage().get_text_range())]
        if sum(len(re.sub(r"\s", "", t)) for t in texts) >= MIN_PAGE_CHARS:
            raw.blocks.extend(Block(t, number + 1, source) for t in texts)
        elif _blank(document[number]):
            raw.blocks.extend(Block(t, number + 1, source) for t in texts)  # a few words, or none: no scan
        elif budget.ocr_pages <= 0:
            raw.warnings.append(f"{_where(source)}page {number + 1} has no text layer and was not read "
                                "with OCR (the OCR page limit was reached)")
        else:
            budget.ocr_pages -= 1
            try:
                image = _draw(document[number])
                raw.blocks.extend(ocr.read(image, page=number + 1, source=ocr_source,
                                           packs=budget.ocr_languages, deadline=budget.deadline))
                raw.ocr_pages += 1
            except ocr.OCRError as exc:
                raw.warnings.append(f"{_where(source)}page {number + 1} could not be read with OCR: {exc}")
    return raw


def _blank(page: pdfium.PdfPage) -> bool:
    """Whether the page holds no image and no drawing (text turned into outlines), and so
    nothing OCR could read: a blank page costs no OCR."""
    drawn = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH)
    return not any(found.type in drawn for found in page.get_objects(max_depth=2))


def _draw(page: pdfium.PdfPage) -> Image.Image:
    """The page at OCR's resolution, at most 6,000 pixels on its longer side."""
    scale = min(ocr.DPI / 72, 6000 / max(page.get_width(), page.get_height(), 1.0))
    image: Image.Image = page.render(scale=scale, grayscale=True).to_pil()
    return image


def _text_layer(data: bytes, pages: int) -> tuple[dict[int, list[str]], str | None]:
    """Each page's text boxes, by page number from 0; and, if pdfminer gave up part way,
    why (the pages it did not reach are left out)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    found: dict[int, list[str]] = defaultdict(list)
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data), maxpages=pages, laparams=LAParams(**LAYOUT))):
            found[number] = [text for element in page if isinstance(element, LTTextContainer)
                             if (text := _SPACES.sub(" ", clean(element.get_text())))]
    except Exception as exc:  # noqa: BLE001 — a hostile file makes pdfminer raise anything; PDFium reads on
        return dict(found), f"{type(exc).__name__}: {str(exc)[:120]}"
    return dict(found), None


def _where(source: str) -> str:
    return "" if source == "body" else f"{source.removeprefix('attachment:')}: "
