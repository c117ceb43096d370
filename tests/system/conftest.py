"""Fixtures of the source packages that the whole-application tests here drive."""

from tests.enforcement.conftest import restrict  # noqa: F401  (a fixture: test_processes.py)
