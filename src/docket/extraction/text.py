"""Text out of bytes and markup: a plain-text file's encoding, an HTML part's words, and
the cutting of text into paragraphs. Pure functions, used in the child process."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from docket.extraction.result import Block

MAX_CHARS = 2_000_000  # characters kept from one file; more is cut, with a warning

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_BLANK = re.compile(r"\n[ \t]*\n\s*")


def decode(data: bytes) -> tuple[str, str | None]:
    """The text of a plain-text file and a warning when its encoding was guessed.

    A byte-order mark is believed; then UTF-8, which is what nearly every sender writes and
    which fails loudly on anything else; then charset-normalizer's best guess (windows-1251
    for an old Russian letter, GBK for a Chinese one); last windows-1252, which reads any
    byte, so the text is never lost, only perhaps garbled — the warning says so."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace"), f"the text is not UTF-8; read as {best.encoding}"
    return data.decode("cp1252", errors="replace"), "the text's encoding was not recognised; read as windows-1252"


def clean(text: str) -> str:
    """Line ends as ``\\n``, no control or direction-changing characters, no trailing
    spaces, no runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def paragraphs(text: str, *, page: int | None = None, source: str = "body") -> list[Block]:
    """``text`` cut at blank lines."""
    return [Block(part, page, source) for part in (p.strip() for p in _BLANK.split(clean(text))) if part]


# ---------------------------------------------------------------- HTML
_SKIP = {"script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe"}
_BLOCK = {"p", "div", "section", "article", "header", "footer", "blockquote", "pre", "table",
          "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "address", "center", "form"}
_LINE = {"br", "li", "tr", "dt", "dd", "caption"}
_CELL = {"td", "th"}
_URL_LIKE = re.compile(r"^\s*(?:h(?:tt|xx)ps?|www\.)", re.IGNORECASE)


class _Words(HTMLParser):
    """The words of an HTML document as a reader sees them: blocks as paragraphs, table
    cells apart, no scripts or styles; a link's address after its words when the words
    are not the address (an authority's e-mail links the post "here")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.links: list[str | None] = []
        self.link_words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.out.append("\n\n")
        elif tag in _LINE:
            self.out.append("\n")
        elif tag in _CELL:
            self.out.append("\t")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
            self.link_words = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _LINE or tag in _BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.out.append("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            words = "".join(self.link_words).strip()
            if href and _URL_LIKE.match(href) and href.strip() != words and not _URL_LIKE.match(words):
                self.out.append(f" ({href.strip()})")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.links:
            self.link_words.append(data)
        self.out.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_text(html: str) -> str:
    """The readable text of ``html`` (see :class:`_Words`); never runs or fetches anything."""
    parser = _Words()
    parser.feed(html[:MAX_CHARS * 2])
    parser.close()
    text = "".join(parser.out)
    return "\n".join(line.strip(" ") for line in text.split("\n"))
