"""A generated corpus of notices with known answers, for the extraction tests and
``bench/extract.py``: the letters of ``letters.py`` written as the documents platforms
receive — plain e-mails, bilingual e-mails (the national language, then English), HTML
e-mails, PDFs with a text layer, scanned image-only PDFs (a page drawn, speckled and
turned a little), e-mails with the letter attached as a PDF, and DOCX files.

Eight authorities × seven kinds, ``per_kind`` notices each (``generate(per_kind=1)``: 56
documents in seven languages). The same arguments give the same documents. Needs fpdf2
(the test extra) and Debian's fonts-dejavu-core; the Chinese letters need a CJK font
(Debian's fonts-wqy-microhei) and are left out without one.

    from tests.extraction import corpus
    for document in corpus.generate(per_kind=1, kinds={"pdf", "scan"}):
        ...document.data, document.media_type, document.letter.answers...
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from docket.documents import detect

from .letters import TEMPLATES, Letter

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CJK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
KINDS = ("mail", "bilingual", "html", "pdf", "scan", "mail_pdf", "docx")
# The English version's paragraphs translate these paragraphs of the national version
# (the address list and the signature are not translated).
TRANSLATES = {0: 0, 1: 1, 2: 3}
MAIN = (0, 1, 3)  # the paragraphs whose language is checked
SCAN_DPI = 200
SENT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)  # fixed: the same bytes every run


@dataclass(frozen=True)
class Document:
    name: str  # e.g. "ru-rkn-03-scan.pdf"
    kind: str
    media_type: str
    data: bytes
    letter: Letter
    bilingual: bool  # whether the English version is in it

    def expected_languages(self) -> list[tuple[str, str]]:
        """(paragraph's opening words, its language) for the paragraphs checked."""
        found = [(self.letter.paragraphs[i], self.letter.language) for i in MAIN]
        if self.bilingual:
            found += [(text, "en") for text in self.letter.english]
        return [(_opening(text), language) for text, language in found]

    def expected_translations(self) -> list[tuple[str, str]]:
        """(English paragraph's opening words, its original's opening words)."""
        if not self.bilingual:
            return []
        return [(_opening(self.letter.english[e]), _opening(self.letter.paragraphs[o]))
                for e, o in TRANSLATES.items()]


def _opening(text: str) -> str:
    return " ".join(text.split())[:30]


def cjk_font() -> Path | None:
    """Debian's WenQuanYi Micro Hei, if installed."""
    return CJK if CJK.exists() else None


def generate(per_kind: int = 1, *, kinds: Iterable[str] = KINDS, templates: Iterable[str] | None = None,
             seed: int = 20261203) -> list[Document]:
    """The corpus (see the module's docstring)."""
    rng = random.Random(seed)
    documents = []
    chosen = list(templates) if templates is not None else list(TEMPLATES)
    for key in chosen:
        if key == "cn-mps" and cjk_font() is None:
            continue
        for kind in kinds:
            for copy in range(per_kind):
                n = KINDS.index(kind) * per_kind + copy
                letter = TEMPLATES[key](n)
                documents.append(_write(letter, kind, n, rng))
    return documents


def write(folder: Path, documents: Iterable[Document]) -> list[Path]:
    """Each document as a file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for document in documents:
        path = folder / document.name
        path.write_bytes(document.data)
        paths.append(path)
    return paths


def _write(letter: Letter, kind: str, n: int, rng: random.Random) -> Document:
    name = f"{letter.key}-{n:02d}-{kind}"
    bilingual = bool(letter.english) and kind in ("bilingual", "html", "mail_pdf")
    text = _paragraphs(letter, bilingual)
    if kind in ("mail", "bilingual"):
        return Document(f"{name}.eml", kind, detect.EML, _mail(letter, "\n\n".join(text)), letter, bilingual)
    if kind == "html":
        return Document(f"{name}.eml", kind, detect.EML, _mail(letter, None, html=_html(text)), letter, bilingual)
    if kind == "pdf":
        return Document(f"{name}.pdf", kind, detect.PDF, pdf(text, letter.language), letter, bilingual)
    if kind == "scan":
        return Document(f"{name}.pdf", kind, detect.PDF, scan(text, letter.language, rng), letter, bilingual)
    if kind == "mail_pdf":
        cover = (f"Please find attached our letter {letter.answers.order_number if letter.answers else ''}.\n\n"
                 "Kind regards")
        attached = pdf(text, letter.language)
        return Document(f"{name}.eml", kind, detect.EML,
                        _mail(letter, cover, attachment=(f"{letter.key}-{n:02d}.pdf", attached)), letter, bilingual)
    if kind == "docx":
        return Document(f"{name}.docx", kind, detect.DOCX, docx(text), letter, bilingual)
    raise ValueError(f"no kind {kind!r}")


def _paragraphs(letter: Letter, bilingual: bool) -> list[str]:
    if not bilingual:
        return list(letter.paragraphs)
    return [*letter.paragraphs, "English version", *letter.english]


# ---------------------------------------------------------------- e-mail
def _mail(letter: Letter, text: str | None, *, html: str | None = None,
          attachment: tuple[str, bytes] | None = None) -> bytes:
    message = EmailMessage(policy=default)
    message["From"] = letter.sender
    message["To"] = "Legal <legal@social.example>"
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = make_msgid(domain="gov.example")
    if html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text or "")
    if attachment is not None:
        message.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    return message.as_bytes()


def _html(paragraphs: list[str]) -> str:
    parts = ["<html><head><title>Notice</title><style>p { color: red }</style>"
             "<script>document.write('tracking')</script></head><body>"]
    for text in paragraphs:
        lines = text.split("\n")
        if lines[0].startswith("1. "):
            parts.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>")
        else:
            parts.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    parts.append("</body></html>")
    return "".join(parts)


# ---------------------------------------------------------------- PDF with a text layer
def pdf(paragraphs: list[str], language: str) -> bytes:
    """An A4 PDF with the paragraphs as text (fpdf2; DejaVu, or a CJK font for Chinese)."""
    from fpdf import FPDF

    document = FPDF(format="A4")
    document.set_creation_date(SENT)
    document.add_page()
    font = cjk_font() if language == "zh" else DEJAVU
    document.add_font("body", fname=str(font))
    document.set_font("body", size=10)
    for text in paragraphs:
        document.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        document.ln(5)
    return bytes(document.output())


# ---------------------------------------------------------------- scans
def scan(paragraphs: list[str], language: str, rng: random.Random) -> bytes:
    """The paragraphs drawn on an A4 page at 200 dpi, speckled, blurred a little and
    turned by up to 1.5°, saved as a PDF that holds only that image (no text layer)."""
    width, height = int(8.27 * SCAN_DPI), int(11.69 * SCAN_DPI)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(cjk_font() if language == "zh" else DEJAVU), 30)
    x, y, right = 160, 180, width - 160
    for text in paragraphs:
        for line in text.split("\n"):
            for piece in _wrap(line, font, right - x, cjk=language == "zh"):
                draw.text((x, y), piece, font=font, fill=20)
                y += 42
        y += 30
    for _ in range(1500):  # dust
        px, py = rng.randrange(width), rng.randrange(height)
        draw.point((px, py), fill=rng.randrange(80, 200))
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    page = page.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor=255)
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=SCAN_DPI)
    return out.getvalue()


def _wrap(line: str, font: ImageFont.FreeTypeFont, width: int, *, cjk: bool) -> list[str]:
    pieces: list[str] = []
    current = ""
    for word in (list(line) if cjk and not line.isascii() else line.split(" ")):
        joined = word if not current else (current + word if cjk and not line.isascii() else f"{current} {word}")
        if font.getlength(joined) > width and current:
            pieces.append(current)
            current = word
        else:
            current = joined
    return [*pieces, current]


# ---------------------------------------------------------------- DOCX
def docx(paragraphs: list[str]) -> bytes:
    """A minimal Word document with the paragraphs (lines broken with ``w:br``)."""
    body = "".join(
        "<w:p><w:r>" + "<w:br/>".join(f'<w:t xml:space="preserve">{xml_escape(line)}</w:t>'
                                      for line in text.split("\n")) + "</w:r></w:p>"
        for text in paragraphs)
    entries = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                               'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                               'vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/'
                               'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                               'wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"/>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                             f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 11, 20, 0, 0, 0)), text.encode())
    return out.getvalue()


# ---------------------------------------------------------------- scoring
def refanged(text: str, *, joined: bool = False) -> str:
    """``text`` with every word refanged (``hxxps://x[.]y`` → ``https://x.y``); ``joined``:
    with no whitespace at all, so that an address broken over two lines is whole again."""
    from docket.content.urls import refang

    return ("" if joined else " ").join(refang(word) for word in text.split())


def survives(address: str, text: str, *, joined: bool = False) -> bool:
    """Whether ``address`` (refanged) is in ``text`` once that is refanged."""
    return address in refanged(text, joined=joined)


def opening_matches(opening: str, paragraph: str) -> bool:
    """Whether ``paragraph`` starts with ``opening``, whitespace aside."""
    return "".join(paragraph.split()).startswith("".join(opening.split()))


def find_opening(opening: str, paragraphs: list[str]) -> int | None:
    """The index of the paragraph that starts with ``opening``; failing that (OCR misreads
    a letter here and there), of the first that starts with its first 12 characters."""
    for index, paragraph in enumerate(paragraphs):
        if opening_matches(opening, paragraph):
            return index
    short = "".join(opening.split())[:12]
    for index, paragraph in enumerate(paragraphs):
        if len(short) == 12 and "".join(paragraph.split()).startswith(short):
            return index
    return None
