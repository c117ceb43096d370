"""Scans and photos read with Tesseract: a page with no text layer, an image, and the
limit on pages read with OCR. A page or two each (a second or more per page)."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import default

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from docket.documents import detect
from docket.extraction.result import Extraction

from . import corpus
from .conftest import needs_tesseract

Read = Callable[..., Extraction]
pytestmark = [pytest.mark.ocr, needs_tesseract]


def test_a_scanned_notice_is_read_with_ocr(read: Read) -> None:
    [document] = corpus.generate(kinds=["scan"], templates=["ru-rkn"])
    extraction = read(document.data, document.media_type)
    assert extraction.error is None
    assert (extraction.pages, extraction.ocr_pages, extraction.warnings) == (1, 1, [])
    assert {(p.source, p.page) for p in extraction.paragraphs} == {("ocr", 1)}
    assert extraction.languages == ["ru"]
    answers = document.letter.answers
    assert answers is not None
    for address in answers.platform_addresses:
        assert corpus.survives(address, extraction.text, joined=True), address
    assert answers.order_number in extraction.text


def test_a_photo_of_a_letter_is_read_with_ocr(read: Read) -> None:
    image = Image.new("RGB", (900, 260), "white")
    font = ImageFont.truetype(str(corpus.DEJAVU), 28)
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "Landgericht Berlin, Beschluss 27 O 412/26", font=font, fill="black")
    draw.text((40, 110), "https://social.example/@berlin_watch/55102", font=font, fill="black")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    extraction = read(out.getvalue(), detect.JPEG)
    assert (extraction.pages, extraction.ocr_pages) == (1, 1)
    assert "Landgericht Berlin, Beschluss 27 O 412/26" in extraction.text
    assert "https://social.example/" in extraction.text  # "@" and "_" in a small photo: not reliably
    assert {p.source for p in extraction.paragraphs} == {"ocr"}


def test_scanned_pages_past_the_ocr_limit_are_named_not_read(read: Read) -> None:
    page = corpus.scan(["Erste Seite des Beschlusses des Landgerichts Berlin."], "de", random.Random(1))
    merged = pdfium.PdfDocument(page)
    merged.import_pages(pdfium.PdfDocument(page))
    out = io.BytesIO()
    merged.save(out)
    extraction = read(out.getvalue(), detect.PDF, extract_max_ocr_pages=1)
    assert (extraction.pages, extraction.ocr_pages) == (2, 1)
    assert extraction.warnings == ["page 2 has no text layer and was not read with OCR "
                                   "(the OCR page limit was reached)"]
    assert extraction.text == "Erste Seite des Beschlusses des Landgerichts Berlin."


def test_a_scan_attached_to_an_e_mail_is_read_as_that_attachment(read: Read) -> None:
    image = Image.new("L", (1200, 200), 255)
    font = ImageFont.truetype(str(corpus.DEJAVU), 40)
    ImageDraw.Draw(image).text((40, 60), "Beschluss 27 O 412/26 vom 18.11.2026", font=font, fill=0)
    scanned = io.BytesIO()
    image.save(scanned, format="PNG")
    message = EmailMessage(policy=default)
    message["From"] = "Landgericht Berlin <poststelle@lg-berlin.justiz.example>"
    message["Subject"] = "Beschluss"
    message.set_content("Anbei der Beschluss.")
    message.add_attachment(scanned.getvalue(), maintype="image", subtype="png", filename="beschluss.png")
    extraction = read(message.as_bytes(), detect.EML)
    last = extraction.paragraphs[-1]
    assert (last.source, last.page) == ("attachment:beschluss.png", 1)
    assert extraction.text[last.start:last.end] == "Beschluss 27 O 412/26 vom 18.11.2026"
    assert (extraction.pages, extraction.ocr_pages) == (1, 1)
