"""The rolled-back fixtures' promise: what a test writes through ``session``, or through
``sessions`` in a test marked ``rolled_back``, is never committed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from docket.parties import service as parties
from docket.parties.models import Submitter, User
from docket.store import READONLY, transaction


def _parties_seen_from_outside(engine) -> int:
    with engine.connect().execution_options(**READONLY) as other:  # SQLite: no write lock
        return other.scalar(select(func.count()).select_from(User))


def test_what_a_rolled_back_test_commits_stays_inside_it(session, engine) -> None:
    parties.create_user(session=session, actor="test", email="ida@docket.test", roles=["reviewer"])
    session.commit()  # ends a savepoint, not the test's transaction
    assert session.scalar(select(func.count()).select_from(User)) == 1
    assert _parties_seen_from_outside(engine) == 0


@pytest.mark.rolled_back
def test_a_rolled_back_tests_sessions_and_people_stay_inside_it(sessions, kz_ministry, engine) -> None:
    with transaction(sessions) as s:  # commits a savepoint of the test's one connection
        parties.create_user(session=s, actor="test", email="ida@docket.test", roles=["reviewer"])
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 1
        assert s.get(Submitter, kz_ministry.id) is not None
    assert _parties_seen_from_outside(engine) == 0
    with engine.connect().execution_options(**READONLY) as other:
        assert other.scalar(select(func.count()).select_from(Submitter)) == 0
