"""The child process that reads one file: ``python -m docket.extraction.readers CONFIG``
with the file's bytes on its standard input and :class:`~docket.extraction.result.Raw`
as JSON on its standard output. It runs under the limits of
:mod:`docket.documents.sandbox`; everything here trusts nothing in the file."""

from __future__ import annotations

import io
import json
import sys
import time
import warnings

from PIL import Image, UnidentifiedImageError

from docket.documents import detect, sandbox
from docket.extraction import ocr
from docket.extraction.mail import read_mail
from docket.extraction.office import OfficeError, read_docx, read_odt
from docket.extraction.pdf import PDFError, read_pdf
from docket.extraction.result import Budget, Raw
from docket.extraction.text import MAX_CHARS, decode, html_text, paragraphs

IMAGES = frozenset({detect.PNG, detect.JPEG, detect.TIFF, detect.WEBP})
READ = frozenset({detect.PDF, detect.EML, detect.DOCX, detect.ODT, "text/plain", "text/html", *IMAGES})


class ReadError(Exception):
    """The file cannot be read at all; the message says why, for people."""


def read(data: bytes, media_type: str, budget: Budget, source: str = "body") -> Raw:
    """What one file says (an attachment's ``source`` is ``attachment:<name>``)."""
    media_type = media_type.split(";")[0].strip().lower()
    try:
        if media_type == detect.PDF:
            return read_pdf(data, budget, source=source)
        if media_type == detect.EML:
            return read_mail(data, budget, source=source, read=read)
        if media_type == detect.DOCX:
            return _sourced(read_docx(data), source)
        if media_type == detect.ODT:
            return _sourced(read_odt(data), source)
        if media_type in IMAGES:
            return _image(data, budget, source)
        if media_type in ("text/plain", "text/html"):
            text, guessed = decode(data)
            if media_type == "text/html":
                text = html_text(text)
            return Raw(blocks=paragraphs(text, source=source), warnings=[guessed] if guessed else [])
    except (PDFError, OfficeError, ReadError) as exc:
        if source == "body":
            raise ReadError(str(exc)) from None
        return Raw(warnings=[f"{source.removeprefix('attachment:')}: {exc}"])
    words = detect.ALLOWED.get(media_type) or detect.detect(data).words
    if source == "body":
        raise ReadError(f"no text is read from {words}")
    return Raw(warnings=[f"{source.removeprefix('attachment:')}: no text is read from {words}"])


def _sourced(raw: Raw, source: str) -> Raw:
    for block in raw.blocks:
        block.source = source
    return raw


def _image(data: bytes, budget: Budget, source: str) -> Raw:
    """Each frame of an image, read with OCR (the first ``budget.ocr_pages``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # refuse, do not just warn
            image = Image.open(io.BytesIO(data))
            frames = int(getattr(image, "n_frames", 1))
            raw = Raw(pages=frames)
            ocr_source = "ocr" if source == "body" else source
            for frame in range(frames):
                if budget.ocr_pages <= 0 or budget.pages <= 0:
                    raw.warnings.append(f"{_where(source)}only {frame} of {frames} images were read with OCR "
                                        "(the page limit was reached)")
                    break
                budget.ocr_pages -= 1
                budget.pages -= 1
                image.seek(frame)
                image.load()
                try:
                    raw.blocks.extend(ocr.read(image, page=frame + 1, source=ocr_source,
                                               packs=budget.ocr_languages, deadline=budget.deadline))
                    raw.ocr_pages += 1
                except ocr.OCRError as exc:
                    raw.warnings.append(f"{_where(source)}image {frame + 1} could not be read with OCR: {exc}")
            return raw
    except UnidentifiedImageError:
        raise ReadError("the image could not be read: its format was not recognised or it is damaged") from None
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise ReadError(f"the image could not be read ({type(exc).__name__}: {str(exc)[:120]})") from None


def _where(source: str) -> str:
    return "" if source == "body" else f"{source.removeprefix('attachment:')}: "


def _cut(raw: Raw) -> Raw:
    """At most :data:`MAX_CHARS` characters in all."""
    kept, total = [], 0
    for block in raw.blocks:
        if total + len(block.text) > MAX_CHARS:
            raw.warnings.append(f"the text was cut after {total:,} characters")
            break
        kept.append(block)
        total += len(block.text)
    raw.blocks = kept
    return raw


def main(argv: list[str]) -> int:
    sandbox.limit()
    config = json.loads(argv[0])
    data = sys.stdin.buffer.read()
    budget = Budget(pages=int(config["max_pages"]), ocr_pages=int(config["max_ocr_pages"]),
                    ocr_languages=str(config["ocr_languages"]),
                    deadline=time.monotonic() + float(config["seconds"]))
    try:
        raw = read(data, str(config["media_type"]), budget)
    except ReadError as exc:
        sys.stderr.write(f"ReadError: {exc}\n")
        return 2
    sys.stdout.write(json.dumps(_cut(raw).to_json(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
