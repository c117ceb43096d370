"""The ``session`` fixture's promise: what a test writes there is never committed."""

from __future__ import annotations

from sqlalchemy import func, select

from docket.parties import service as parties
from docket.parties.models import User
from docket.store import READONLY


def _parties_seen_from_outside(engine) -> int:
    with engine.connect().execution_options(**READONLY) as other:  # SQLite: no write lock
        return other.scalar(select(func.count()).select_from(User))


def test_what_a_rolled_back_test_commits_stays_inside_it(session, engine) -> None:
    parties.create_user(session=session, actor="test", email="ida@docket.test", roles=["reviewer"])
    session.commit()  # ends a savepoint, not the test's transaction
    assert session.scalar(select(func.count()).select_from(User)) == 1
    assert _parties_seen_from_outside(engine) == 0
