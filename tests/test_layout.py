"""The tests mirror the source tree file by file: a test of ``src/docket/<package>/<module>.py``
is ``tests/<package>/test_<module>.py``, and of ``src/docket/<module>.py`` is
``tests/test_<module>.py``. Where one module's tests are kept in several files, each is
``test_<module>_<aspect>.py`` (``intake/test_clock_table.py`` beside ``intake/test_clock.py``).
A test is filed under the module whose behaviour it checks, even when it drives that module
through the API, a page or a command. The exceptions are the places below, named one by one;
docs/development.md says why each is one."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SOURCE = ROOT / "src" / "docket"

# Folders of tests that check a behaviour across the whole application rather than one
# module, each through the API, pages or processes as a caller meets them.
CROSS_CUTTING = {
    "authorization": "every route × every kind of caller (the matrix and its table, routes.py)",
    "browser": "the pages in Chromium",
    "system": "bad input, faults, crashes, fuzzing, equal treatment, server processes, the store boundary",
}
# Tests of the tests' own code, and this check.
OWN = {"test_conftest.py": "tests/conftest.py's fixtures", "test_layout.py": "this check"}
# tests/scripts/test_<name>.py checks scripts/<name>.py.
SCRIPTS = "scripts"


def modules_in(folder: Path) -> set[str]:
    """The module names of one source folder (``__init__`` aside)."""
    return {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}


def names_a_module(stem: str, modules: Iterable[str]) -> bool:
    """``test_<module>`` or ``test_<module>_<aspect>`` for one of ``modules``."""
    name = stem.removeprefix("test_")
    return any(name == m or name.startswith(m + "_") for m in modules)


def misplaced(test_files: Iterable[Path], *, tests: Path = TESTS, source: Path = SOURCE,
              root: Path = ROOT) -> list[str]:
    """The test files (relative to ``tests``) that name no module where they are."""
    wrong = []
    for path in test_files:
        relative = path.relative_to(tests)
        parts = relative.parts
        if len(parts) > 1 and parts[0] in CROSS_CUTTING:
            continue
        if len(parts) == 1 and parts[0] in OWN:
            continue
        folder = root / SCRIPTS if parts[0] == SCRIPTS else source.joinpath(*parts[:-1])
        if not folder.is_dir() or not names_a_module(path.stem, modules_in(folder)):
            wrong.append(relative.as_posix())
    return sorted(wrong)


def test_every_test_file_names_the_module_it_tests() -> None:
    wrong = misplaced(TESTS.glob("**/test_*.py"))
    assert not wrong, (
        "each test file is tests/<package>/test_<module>[_<aspect>].py for "
        "src/docket/<package>/<module>.py (or lives in a folder of tests/test_layout.py's "
        f"exceptions); these name no module: {wrong}")


def test_every_exception_still_holds_tests() -> None:
    empty = [name for name in sorted(CROSS_CUTTING)
             if not list((TESTS / name).glob("**/test_*.py"))]
    assert not empty, f"exceptions with no tests left; drop them from tests/test_layout.py: {empty}"
    assert all((TESTS / name).exists() for name in OWN)


def test_the_check_sees_a_test_filed_away_from_its_module(tmp_path: Path) -> None:
    source, tests = tmp_path / "src" / "docket", tmp_path / "tests"
    for module in ("intake/clock.py", "intake/__init__.py", "errors.py"):
        (source / module).parent.mkdir(parents=True, exist_ok=True)
        (source / module).touch()
    files = [tests / name for name in (
        "intake/test_clock.py", "intake/test_clock_table.py", "test_errors.py",  # in place
        "system/test_anything.py", "test_conftest.py",                            # exceptions
        "intake/test_clocks.py",       # no module "clocks"
        "intake/test_errors.py",       # errors.py is not in intake
        "review/test_clock.py",        # no package "review"
        "test_intake.py",              # a package, not a module
        "intake/test___init__.py",     # a package's __init__ is not a module of its own
    )]
    assert misplaced(files, tests=tests, source=source, root=tmp_path) == [
        "intake/test___init__.py", "intake/test_clocks.py", "intake/test_errors.py",
        "review/test_clock.py", "test_intake.py"]
