"""Settings for reading documents, and a mark for the tests that need Tesseract."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from docket.extraction import ocr
from docket.extraction.result import Extraction
from docket.extraction.service import extract
from docket.settings import Settings, load_settings

# OCR needs Debian's tesseract-ocr and its packs; on CI (CI=true) their absence fails the
# tests instead of skipping them, as for Chromium and Go.
needs_tesseract = pytest.mark.skipif(not ocr.available() and not os.environ.get("CI"),
                                     reason="tesseract-ocr is not installed")


@pytest.fixture
def reading() -> Settings:
    """The defaults, as a worker reading documents has them."""
    return load_settings()


@pytest.fixture
def read(reading: Settings) -> Callable[..., Extraction]:
    """read(data, media_type, **settings) → the extraction, with settings changed as given."""

    def run(data: bytes, media_type: str, **changes: Any) -> Extraction:
        settings = reading.model_copy(update=changes) if changes else reading
        return extract(data, media_type, settings=settings)

    return run
