"""Page images of a document, made on the server so that a reviewer reads the order next
to the request without opening the file: each page of a PDF (pypdfium2, PDFium's
renderer) and each frame of an image (Pillow: PNG, JPEG, TIFF, WebP) as a PNG of a fixed
width. Nothing else is rendered: text, e-mails and office files are downloaded.

The files come from outside, so the rendering never runs in the server's process: a
child process (``python -m docket.documents.page_images``, through
:mod:`docket.documents.sandbox`) gets the bytes on its standard input, under limits on
memory and CPU time and a wall-clock timeout, and writes the PNG (or the page count) on
its standard output. A file that crashes PDFium, never ends or
asks for gigabytes costs that child, not docket. Images above Pillow's decompression
bomb limit are refused, and a page is drawn at most ``MAX_HEIGHT`` pixels tall.

The images are the same for the same bytes: given the content's SHA-256, the page counts
and the last images drawn are kept in this process (``CACHE_BYTES`` at most), so a
reviewer paging back and forth, or a second reviewer, does not start a child again.
"""

from __future__ import annotations

import io
import json
import sys
import threading
from collections import OrderedDict

from docket.documents import sandbox

RENDERED = frozenset({"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp"})
WIDTH = 1000  # pixels: readable on a laptop beside the request, about 110 dpi for A4
MAX_HEIGHT = 6000  # pixels: a page taller than six A4s is drawn cut
MAX_PAGES = 200  # pages shown at most (a longer file is downloaded for the rest)
TIMEOUT_SECONDS = 20.0
MEMORY_BYTES = 1024 * 1024 * 1024  # the child's address space
CPU_SECONDS = 15
CACHE_BYTES = 64 * 1024 * 1024  # images kept in this process


class RenderError(Exception):
    """The file could not be drawn (broken, too big, too slow); the message says which."""


def renders(media_type: str) -> bool:
    """Whether documents of ``media_type`` are shown as page images."""
    return media_type in RENDERED


def page_count(data: bytes, media_type: str, *, sha256: str | None = None) -> int:
    """How many pages (frames, for images) the file has, at most MAX_PAGES."""
    key = None if sha256 is None else (sha256, "pages")
    found = _cache.get(key)
    if found is None:
        found = _child(data, ["count", media_type])
        _cache.put(key, found)
    return min(int(json.loads(found)["pages"]), MAX_PAGES)


def render(data: bytes, media_type: str, page: int, *, width: int = WIDTH, sha256: str | None = None) -> bytes:
    """Page ``page`` (from 0) of the file as a PNG ``width`` pixels wide."""
    if not 0 <= page < MAX_PAGES:
        raise RenderError(f"page {page + 1} is not shown (at most {MAX_PAGES})")
    key = None if sha256 is None else (sha256, f"{page}:{width}")
    found = _cache.get(key)
    if found is None:
        found = _child(data, ["page", media_type, str(page), str(width)])
        _cache.put(key, found)
    return found


class _Cache:
    """The last results, by (content hash, what), up to ``CACHE_BYTES``; for every thread."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self.entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str] | None) -> bytes | None:
        if key is None:
            return None
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, str] | None, value: bytes) -> None:
        if key is None or len(value) > self.limit:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = value
            self.held += len(value)
            while self.held > self.limit:
                _, dropped = self.entries.popitem(last=False)
                self.held -= len(dropped)


_cache = _Cache(CACHE_BYTES)


def _child(data: bytes, argv: list[str]) -> bytes:
    if argv[1] not in RENDERED:
        raise RenderError(f"{argv[1]} is not shown as page images")
    try:
        return sandbox.run("docket.documents.page_images", argv, data,
                           sandbox.Limits(TIMEOUT_SECONDS, MEMORY_BYTES, CPU_SECONDS))
    except sandbox.SandboxError as exc:
        if exc.timeout:
            raise RenderError(f"drawing the page took longer than {TIMEOUT_SECONDS:.0f} s") from None
        raise RenderError(f"the file could not be drawn: {exc.words}") from None


# ---------------------------------------------------------------- in the child process


def _count(data: bytes, media_type: str) -> int:
    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        return len(pdfium.PdfDocument(data))
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return int(getattr(image, "n_frames", 1))


def _draw(data: bytes, media_type: str, page: int, width: int) -> bytes:
    from PIL import Image

    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        if page >= len(document):
            raise RenderError(f"the file has {len(document)} pages")
        sheet = document[page]
        scale = width / max(sheet.get_width(), 1.0)
        scale = min(scale, MAX_HEIGHT / max(sheet.get_height(), 1.0))
        image = sheet.render(scale=scale).to_pil()
    else:
        image = Image.open(io.BytesIO(data))
        frames = int(getattr(image, "n_frames", 1))
        if page >= frames:
            raise RenderError(f"the file has {frames} pages")
        image.seek(page)
        image = image.convert("RGB")
        image.thumbnail((width, MAX_HEIGHT))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()


def main(argv: list[str]) -> int:
    sandbox.limit()
    data = sys.stdin.buffer.read()
    command, media_type = argv[0], argv[1]
    if command == "count":
        sys.stdout.write(json.dumps({"pages": _count(data, media_type)}))
    else:
        sys.stdout.buffer.write(_draw(data, media_type, int(argv[2]), int(argv[3])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
