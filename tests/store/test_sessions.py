"""docket.store.write_and_commit on the engine under test: it stores all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from docket import audit, store
from docket.audit.models import Event
from docket.intake.models import Item


def _events(sessions) -> int:
    with sessions() as s:
        return s.execute(select(func.count()).select_from(Event)).scalar_one()


def _event(subject: str) -> audit.NewEvent:
    return audit.NewEvent(actor="test", action="thing:done", subject=subject, payload={"n": 1})


def test_the_writes_and_their_events_are_committed_together(sessions) -> None:
    session = sessions()
    with store.write_and_commit(session):
        audit.record_many(session=session, events=[_event("thing:1"), _event("thing:2")])
    session.close()
    assert _events(sessions) == 2
    with sessions() as s:
        assert audit.verify(session=s).ok


def test_a_statement_the_database_refuses_stores_nothing(sessions) -> None:
    session = sessions()
    orphan = {"position": 0, "url": "https://social.example/x", "status": "received",
              "jurisdiction": "KZ", "reason": "hate_speech", "request_id": 987654}
    with pytest.raises(DBAPIError), store.write_and_commit(session):  # no request 987654: refused
        audit.record_many(session=session, events=[_event("thing:1")])
        store.insert_rows(session, Item, [orphan], returning=False)
    session.close()
    assert _events(sessions) == 0
    # The connection went back to the pool usable: the next write works.
    session = sessions()
    with store.write_and_commit(session):
        audit.record_many(session=session, events=[_event("thing:2")])
    session.close()
    assert _events(sessions) == 1


def test_an_exception_in_the_block_stores_nothing(sessions) -> None:
    session = sessions()
    with pytest.raises(RuntimeError), store.write_and_commit(session):
        audit.record_many(session=session, events=[_event("thing:1")])
        raise RuntimeError("the change failed")
    session.close()
    assert _events(sessions) == 0
    with sessions() as s:
        assert audit.verify(session=s).ok


def test_writes_too_large_for_one_statement_are_still_one_transaction(sessions) -> None:
    from docket.content.models import Content
    from docket.store import utcnow

    now = utcnow()
    rows = [{"id": f"post-{i}", "url": f"https://social.example/p/{i}", "normalized_url": f"https://social.example/p/{i}",
             "type": "post", "author_id": "a", "registered_at": now, "updated_at": now} for i in range(10_000)]
    session = sessions()
    with store.write_and_commit(session):  # 70,000 parameters: over PostgreSQL's 65,535 for one statement
        store.insert_rows(session, Content, rows, returning=False)
        audit.record_many(session=session, events=[_event("content:bulk")])
    session.close()
    with sessions() as s:
        assert s.execute(select(func.count()).select_from(Content)).scalar_one() == 10_000
    assert _events(sessions) == 1


def test_a_write_that_would_escape_the_statement_is_refused(sessions) -> None:
    from docket.content.models import Content

    session = sessions()
    if session.get_bind().dialect.name != "postgresql":
        session.close()
        pytest.skip("on SQLite the block is an ordinary transaction")
    row = {"id": "post-1", "url": "https://social.example/p/1", "type": "post"}
    with pytest.raises(RuntimeError), store.write_and_commit(session):
        store.insert_rows(session, Content, [row], returning=True)  # would need a result
    session.close()
    with sessions() as s:
        assert s.execute(select(func.count()).select_from(Content)).scalar_one() == 0
