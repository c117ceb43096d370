"""scripts/demo_letters.py writes the demo's letters and orders: the committed PDFs are
exactly what it writes (so a letter changed in the script is written again, not left
stale), and each is a PDF of its own text."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "demo_letters.py"


def load() -> object:
    spec = importlib.util.spec_from_file_location("demo_letters", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["demo_letters"] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_letters_are_what_the_script_writes(tmp_path: Path) -> None:
    letters = load()
    if not (letters.FONTS / "DejaVuSans.ttf").exists():  # type: ignore[attr-defined]
        pytest.skip("the DejaVu fonts are not installed (Debian: fonts-dejavu-core)")
    assert letters.main(["--out", str(tmp_path)]) == 0  # type: ignore[attr-defined]
    written = sorted(p.name for p in tmp_path.glob("*.pdf"))
    committed = sorted(p.name for p in letters.OUT.glob("*.pdf"))  # type: ignore[attr-defined]
    assert written == committed and len(written) == len(letters.LETTERS) + len(letters.SCANS) >= 6  # type: ignore[attr-defined]
    for name in written:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"%PDF-") and data == (letters.OUT / name).read_bytes(), name  # type: ignore[attr-defined]
