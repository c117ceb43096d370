"""docket.documents.page_images: a PDF's pages and a scan's frames drawn as PNGs in a child
process with limits, the same bytes every time; what cannot be drawn is a clear error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

import docket
from docket.documents import page_images
from tests.documents import samples

LETTERS = Path(docket.__file__).parent / "demo_letters"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_a_pdf_page_is_drawn_at_the_width_asked_for() -> None:
    order = (LETTERS / "de-lg-berlin-beschluss.pdf").read_bytes()
    assert page_images.page_count(order, "application/pdf") == 1
    drawn = page_images.render(order, "application/pdf", 0, width=600)
    width, height = png_size(drawn)
    assert width == 600 and 840 <= height <= 860  # A4's proportions
    assert page_images.render(order, "application/pdf", 0, width=600) == drawn  # the same bytes, the same image
    with pytest.raises(page_images.RenderError, match="has 1 pages"):
        page_images.render(order, "application/pdf", 1)


def test_each_frame_of_a_multi_page_scan_is_a_page() -> None:
    scan = io.BytesIO()
    frames = [Image.new("L", (400, 560), shade) for shade in (255, 200, 150)]
    frames[0].save(scan, format="TIFF", save_all=True, append_images=frames[1:])
    assert page_images.page_count(scan.getvalue(), "image/tiff") == 3
    width, height = png_size(page_images.render(scan.getvalue(), "image/tiff", 2))
    assert (width, height) == (400, 560)  # never drawn larger than it is
    big = io.BytesIO()
    Image.new("RGB", (3000, 1000), "white").save(big, format="PNG")
    assert png_size(page_images.render(big.getvalue(), "image/png", 0)) == (1000, 333)


@pytest.mark.parametrize(("data", "media_type", "words"), [
    (samples.PDF, "application/pdf", "could not be drawn: Failed to load document"),  # no pages at all
    (b"%PDF-1.4\n" + b"\x00" * 200, "application/pdf", "could not be drawn"),  # not a PDF inside
    (samples.TEXT, "text/plain", "not shown as page images"),
])
def test_what_cannot_be_drawn_is_a_clear_error(data: bytes, media_type: str, words: str) -> None:
    with pytest.raises(page_images.RenderError, match=words):
        page_images.render(data, media_type, 0)


def test_the_child_runs_under_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that takes too long costs the child, not the server: it is stopped."""
    monkeypatch.setattr(page_images, "TIMEOUT_SECONDS", 0.001)
    with pytest.raises(page_images.RenderError, match="took longer than"):
        page_images.render((LETTERS / "kz-misd-order.pdf").read_bytes(), "application/pdf", 0)
