"""Fixtures the store's tests share with intake's: the store's group commit writes requests."""

from tests.intake.conftest import body  # noqa: F401  (a fixture: test_group_commit.py)
