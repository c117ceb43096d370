"""``extract``: the text of one document, read safely.

The file is read in a child process (:mod:`docket.extraction.readers`, through
:mod:`docket.documents.sandbox`) under an address-space limit, a CPU limit and a
wall-clock timeout, so a hostile PDF can neither hang nor crash the worker; whatever goes
wrong comes back as an :class:`~docket.extraction.result.Extraction` whose ``error``
says why, never as an exception. The paragraphs' languages are told here, in the
calling process, where lingua's models stay loaded between documents."""

from __future__ import annotations

import json
import math
from collections import Counter

from docket.documents import sandbox
from docket.extraction import languages as lang
from docket.extraction.readers import READ
from docket.extraction.result import Extraction, Paragraph, Raw
from docket.settings import Settings

SHARE = 0.05  # a language with less of the text than this is not named among the document's


def extract(data: bytes, media_type: str, *, settings: Settings) -> Extraction:
    """The text of ``data`` (of ``media_type``, as :func:`docket.documents.detect.detect`
    found it), in paragraphs with their sources, pages, languages and translations."""
    kind = media_type.split(";")[0].strip().lower()
    if kind not in READ:
        return failed(f"no text is read from files of type {kind}")
    if len(data) > settings.document_max_bytes:
        return failed(f"the file is larger than {settings.document_max_bytes:,} bytes")
    config = {"media_type": kind, "max_pages": settings.extract_max_pages,
              "max_ocr_pages": settings.extract_max_ocr_pages, "ocr_languages": settings.ocr_languages,
              "seconds": settings.extract_seconds}
    limits = sandbox.Limits(settings.extract_seconds, settings.extract_memory_mb * 1024 * 1024,
                            math.ceil(settings.extract_seconds))
    try:
        answer = sandbox.run("docket.extraction.readers", [json.dumps(config)], data, limits)
        raw = Raw.from_json(json.loads(answer))
    except sandbox.SandboxError as exc:
        if exc.timeout:
            return failed(f"reading the file took longer than {settings.extract_seconds:g} s")
        return failed(f"the file could not be read: {exc.words}")
    except (ValueError, TypeError) as exc:  # the child's answer was cut short or is not JSON
        return failed(f"the file could not be read: {exc}")
    return assemble(raw, languages=settings.extract_languages.split(","))


def assemble(raw: Raw, *, languages: list[str]) -> Extraction:
    """Number the paragraphs, tell their languages and link the translations."""
    texts = [block.text for block in raw.blocks]
    found = lang.detect_all(texts, [code for code in languages if lang.supported(code)])
    links = lang.link_translations(found, texts, [block.source for block in raw.blocks])
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    at = 0
    for block, language, link in zip(raw.blocks, found, links, strict=True):
        if parts:
            parts.append("\n\n")
            at += 2
        parts.append(block.text)
        paragraphs.append(Paragraph(at, at + len(block.text), language, block.page, block.source, link))
        at += len(block.text)
    shares: Counter[str] = Counter()
    for paragraph in paragraphs:
        if paragraph.language is not None:
            shares[paragraph.language] += paragraph.end - paragraph.start
    total = sum(shares.values())
    named = [code for code, size in shares.most_common() if size >= SHARE * total]
    return Extraction("".join(parts), paragraphs, raw.pages, raw.ocr_pages, named, raw.warnings)


def failed(error: str) -> Extraction:
    """An extraction of nothing, saying why."""
    return Extraction("", [], 0, 0, [], [], error=error)
