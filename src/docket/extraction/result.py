"""What extraction gives: the document's text, cut into paragraphs that say where each
came from (the body, an attachment, OCR), which page, which language, and which other
paragraph it translates. Pure data: frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """``text[start:end]`` of an :class:`Extraction`.

    ``source`` is ``"body"`` (an e-mail's own text, or the whole of any other file),
    ``"attachment:<name>"`` (a file attached to an e-mail; nested ones as
    ``attachment:<outer>/<inner>``) or ``"ocr"`` (read from a page image of the document
    itself; an attachment's OCR keeps the attachment's source). ``page`` counts from 1 in
    the file the paragraph came from (None for text without pages). ``translation_of`` is
    the index, in :attr:`Extraction.paragraphs`, of the paragraph this one translates (a
    bilingual letter's English version points at the national language's original)."""

    start: int
    end: int
    language: str | None
    page: int | None
    source: str
    translation_of: int | None = None


@dataclass(frozen=True)
class Extraction:
    """The text of one document.

    ``pages`` is how many pages the document and its attachments have (read or not);
    ``ocr_pages`` how many of them were read with OCR; ``languages`` the paragraphs'
    languages, the most written first; ``warnings`` what was left out or guessed (pages
    past the limit, an attachment that could not be read, an encoding guessed).
    ``error`` is set when nothing could be read at all (a broken file, a timeout): then
    ``text`` is empty and the message says why, in words for the document's page."""

    text: str
    paragraphs: list[Paragraph]
    pages: int
    ocr_pages: int
    languages: list[str]
    warnings: list[str]
    error: str | None = None

    def paragraph_text(self, index: int) -> str:
        """The text of paragraph ``index``."""
        paragraph = self.paragraphs[index]
        return self.text[paragraph.start:paragraph.end]


@dataclass
class Block:
    """A paragraph as a reader found it, before the paragraphs are numbered and their
    languages told (in the child process; sent to the parent as JSON)."""

    text: str
    page: int | None = None
    source: str = "body"


@dataclass
class Raw:
    """What the child process read from one file."""

    blocks: list[Block] = field(default_factory=list)
    pages: int = 0
    ocr_pages: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(self, other: Raw) -> None:
        """Take in what was read from an attachment."""
        self.blocks.extend(other.blocks)
        self.pages += other.pages
        self.ocr_pages += other.ocr_pages
        self.warnings.extend(other.warnings)

    def to_json(self) -> dict[str, object]:
        return {"blocks": [[b.text, b.page, b.source] for b in self.blocks], "pages": self.pages,
                "ocr_pages": self.ocr_pages, "warnings": self.warnings}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Raw:
        blocks = data.get("blocks")
        warnings = data.get("warnings")
        pages, ocr_pages = data.get("pages"), data.get("ocr_pages")
        if not (isinstance(blocks, list) and isinstance(warnings, list) and isinstance(pages, int)
                and isinstance(ocr_pages, int)):
            raise ValueError("the reader's answer is not in the expected shape")
        return cls([Block(str(text), page if isinstance(page, int) else None, str(source))
                    for text, page, source in blocks], pages, ocr_pages, [str(w) for w in warnings])


@dataclass
class Budget:
    """What is left to spend on one file and its attachments (in the child process): pages
    read, pages read with OCR, the time; and how deep attachments are nested."""

    pages: int
    ocr_pages: int
    ocr_languages: str
    deadline: float  # time.monotonic() by which reading must end
    depth: int = 0
