"""DOCX and ODT: paragraphs from the XML inside the ZIP, and no zip bomb or XML trick
gets through."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from docket.documents import detect
from docket.extraction.result import Extraction

from ..documents import samples
from . import corpus

Read = Callable[..., Extraction]


def _with_document_xml(xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(samples.DOCX)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            copy.writestr(info.filename, xml if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()


def test_a_docx_gives_its_paragraphs_and_line_breaks(read: Read) -> None:
    data = corpus.docx(["Landgericht Berlin, Beschluss 27 O 412/26 vom 18.11.2026.",
                        "1. https://social.example/@berlin_watch/55102\n2. hxxps://social[.]example/@kiez_info/7"])
    extraction = read(data, detect.DOCX)
    assert extraction.text == ("Landgericht Berlin, Beschluss 27 O 412/26 vom 18.11.2026.\n\n"
                               "1. https://social.example/@berlin_watch/55102\n2. hxxps://social[.]example/@kiez_info/7")
    assert [p.source for p in extraction.paragraphs] == ["body", "body"]


def test_an_odt_gives_its_headings_and_paragraphs(read: Read) -> None:
    content = (b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
               b'office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               b'<text:h>BESCHLUSS</text:h><text:p>Der Antragsgegnerin wird<text:s text:c="2"/>untersagt,'
               b'<text:line-break/>die Behauptung zu verbreiten.</text:p></office:text></office:body>'
               b'</office:document-content>')
    data = samples._zip([("mimetype", detect.ODT.encode()), ("content.xml", content)])
    extraction = read(data, detect.ODT)
    assert extraction.text == "BESCHLUSS\n\nDer Antragsgegnerin wird  untersagt,\ndie Behauptung zu verbreiten."


def test_a_zip_bomb_is_refused_before_it_is_inflated(read: Read) -> None:
    bomb = _with_document_xml(b"<w:document>" + b" " * 20_000_000 + b"</w:document>")
    assert len(bomb) < 100_000
    extraction = read(bomb, detect.DOCX)
    assert extraction.error is not None
    assert "(a zip bomb?)" in extraction.error
    assert extraction.error.startswith("the file could not be read: word/document.xml would inflate to 20,000,")


def test_xml_entities_are_refused(read: Read) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
              b'<w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>')
    extraction = read(_with_document_xml(laughs), detect.DOCX)
    assert extraction.error is not None
    assert extraction.error.startswith("the file could not be read: word/document.xml is not well-formed XML "
                                       "(DTDForbidden")


def test_a_damaged_zip_is_named(read: Read) -> None:
    extraction = read(samples.DOCX[:60], detect.DOCX)
    assert extraction.error is not None
    assert extraction.error.startswith("the file could not be read: the file is a damaged ZIP archive")
