"""Text out of DOCX and ODT files: the XML of the main part inside the ZIP, read with
defusedxml (no DTDs, no entities, nothing fetched). Macros, embedded objects, links and
images are never opened. The ZIP is read with care: a part whose declared size or whose
actual size passes :data:`MAX_PART_BYTES`, or that inflates more than
:data:`MAX_RATIO` times, is refused as a zip bomb."""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException, ElementTree

from docket.extraction.result import Block, Raw
from docket.extraction.text import clean

MAX_PART_BYTES = 32 * 1024 * 1024  # the document's XML, inflated
MAX_RATIO = 200  # inflated ÷ compressed: text compresses about 5–20 times, a bomb 1000s

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


class OfficeError(Exception):
    """The file is not a readable DOCX or ODT; the message says why."""


def read_docx(data: bytes) -> Raw:
    """The paragraphs of a DOCX's ``word/document.xml`` (tables' cells as paragraphs)."""
    root = _xml(data, "word/document.xml")
    blocks = []
    for paragraph in root.iter(f"{W}p"):
        parts: list[str] = []
        for node in paragraph.iter():
            if node.tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{W}tab":
                parts.append("\t")
            elif node.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
        text = clean("".join(parts))
        if text:
            blocks.append(Block(text))
    return Raw(blocks=blocks, pages=0)


def read_odt(data: bytes) -> Raw:
    """The paragraphs and headings of an ODT's ``content.xml``."""
    root = _xml(data, "content.xml")
    blocks = []
    for node in root.iter():
        if node.tag in (f"{TEXT}p", f"{TEXT}h"):
            text = clean(_odt_text(node))
            if text:
                blocks.append(Block(text))
    return Raw(blocks=blocks, pages=0)


def _odt_text(node: Element) -> str:
    parts = [node.text or ""]
    for child in node:
        if child.tag == f"{TEXT}s":
            parts.append(" " * min(int(child.get(f"{TEXT}c", "1") or 1), 100))
        elif child.tag == f"{TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{TEXT}line-break":
            parts.append("\n")
        elif child.tag not in (f"{TEXT}p", f"{TEXT}h"):  # nested paragraphs are read on their own
            parts.append(_odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _xml(data: bytes, name: str) -> Element:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                info = archive.getinfo(name)
            except KeyError:
                raise OfficeError(f"the file has no {name}") from None
            if info.file_size > MAX_PART_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1024):
                raise OfficeError(f"{name} would inflate to {info.file_size:,} bytes (a zip bomb?)")
            with archive.open(info) as part:
                xml = part.read(MAX_PART_BYTES + 1)  # never more, whatever the header claims
            if len(xml) > MAX_PART_BYTES:
                raise OfficeError(f"{name} inflates past {MAX_PART_BYTES:,} bytes (a zip bomb?)")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise OfficeError(f"the file is a damaged ZIP archive ({exc})") from None
    try:
        root: Element = ElementTree.fromstring(xml, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise OfficeError(f"{name} is not well-formed XML ({type(exc).__name__}: {str(exc)[:100]})") from None
    return root
