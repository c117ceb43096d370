"""Reading page images with Tesseract (Debian's ``tesseract-ocr`` and its language packs),
in the child process.

Tesseract reads best with the packs of the page's script only: all seven packs at once
take three times as long and read worse. So each page is first given to Tesseract's
script detection (``--psm 0``), and then read with the packs of that script — always with
English too, since the addresses in a Cyrillic or Chinese letter are in Latin letters
(without it ``hxxps://social[.]example`` comes out in Cyrillic). A page whose script is
not told is read with every configured pack."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from PIL import Image

from docket.extraction.result import Block
from docket.extraction.text import paragraphs

DPI = 300  # what Tesseract is trained on
# A script (as Tesseract's OSD names it) → the packs that read it, best first.
SCRIPT_PACKS = {
    "Cyrillic": ("rus", "kaz", "ukr", "eng"),
    "Han": ("chi_sim", "chi_tra", "eng"),
    "Latin": ("eng", "deu", "spa", "tur", "fra", "por", "vie", "ind"),
    "Arabic": ("ara", "urd", "eng"),
    "Hangul": ("kor", "eng"),
    "Devanagari": ("hin", "eng"),
}
# What Tesseract makes of addresses, defanged or not: "[.J", "[.1", "(.}", "ldotl" for the
# brackets, "https: //" for the scheme. Put back so that the address reads as written.
_DEFANG_FIXES = ((re.compile(r"\[\.[J1l|]"), "[.]"), (re.compile(r"\(\.[}\]]"), "(.)"),
                 (re.compile(r"\[:[J1l|]"), "[:]"),
                 (re.compile(r"(?<=[a-z0-9])[\[l|(]dot[\]l|)J](?=[a-z0-9])"), "[dot]"),
                 (re.compile(r"\b(h(?:tt|xx)ps?) ?(:|\[:\]) +//", re.IGNORECASE), r"\1\2//"))


class OCRError(Exception):
    """Tesseract is missing, failed or ran out of time."""


def available() -> bool:
    """Whether the ``tesseract`` program is installed."""
    return shutil.which("tesseract") is not None


def read(image: Image.Image, *, page: int | None, source: str, packs: str, deadline: float) -> list[Block]:
    """The paragraphs of one page image."""
    if not available():
        raise OCRError("OCR is not installed (Debian's tesseract-ocr)")
    allowed = packs.split("+")
    with tempfile.TemporaryDirectory(prefix="docket-ocr-") as folder:
        path = Path(folder) / "page.png"
        _prepare(image).save(path, format="PNG")
        script = _script(path, deadline)
        chosen = [p for p in SCRIPT_PACKS.get(script or "", ()) if p in allowed] or allowed
        if "eng" in allowed and "eng" not in chosen:
            chosen.append("eng")
        text = _tesseract([str(path), "stdout", "-l", "+".join(chosen), "--dpi", str(DPI)], deadline)
    for pattern, fixed in _DEFANG_FIXES:
        text = pattern.sub(fixed, text)
    return paragraphs(text, page=page, source=source)


def _prepare(image: Image.Image) -> Image.Image:
    """Grey, and scaled up when small (a phone's photo of a letter, a thumbnail): Tesseract
    wants letters about 20–30 pixels tall."""
    grey = image.convert("L")
    if grey.width < 1600:
        factor = min(1600 / max(grey.width, 1), 4.0)
        grey = grey.resize((int(grey.width * factor), int(grey.height * factor)), Image.Resampling.LANCZOS)
    return grey


def _script(path: Path, deadline: float) -> str | None:
    try:
        found = _tesseract([str(path), "stdout", "--psm", "0", "-l", "osd", "--dpi", str(DPI)], deadline)
    except OCRError:
        return None  # too few letters to tell, or no "osd" pack: read with every pack
    match = re.search(r"^Script: (\w+)", found, re.MULTILINE)
    return match.group(1) if match else None


def _tesseract(argv: list[str], deadline: float) -> str:
    left = deadline - time.monotonic()
    if left <= 1:
        raise OCRError("no time was left for OCR")
    try:
        done = subprocess.run(["tesseract", *argv], capture_output=True, timeout=left)
    except subprocess.TimeoutExpired:
        raise OCRError("OCR ran out of time") from None
    if done.returncode != 0:
        words = done.stderr.decode(errors="replace").strip().splitlines()
        raise OCRError(f"OCR failed: {(words or ['no message'])[-1][:160]}")
    return done.stdout.decode("utf-8", errors="replace")
