"""Group commit (SQLite intake): requests of many calls in one transaction, each refused alone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from docket import audit
from docket.audit.models import Event
from docket.intake import submission
from docket.intake.models import Item, Request
from docket.intake.schemas import RequestCreate
from docket.outbox.models import OutboxMessage
from docket.parties.models import Submitter
from docket.settings import Settings
from docket.store import GroupCommit, transaction


def _prepared(sessions, submitter_id: int, body, n: int) -> list[submission.Prepared]:
    with sessions() as s:
        submitter = s.get(Submitter, submitter_id)
        return [submission.prepare(session=s, settings=Settings(), submitter=submitter, channel="api",
                                   data=RequestCreate(
            **body(reference=f"G-{i}", items=[{"url": f"https://social.example/@g/{i}-{k}"} for k in range(3)])))
            for i in range(n)]


def _writer(sessions) -> GroupCommit[submission.Prepared]:
    """The writer create_app starts on SQLite, on the test's sessions."""
    return GroupCommit(sessions, submission.store_batch, submission.forget_ids)


def _count(sessions, model) -> int:
    with sessions() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_waiting_requests_are_stored_in_one_transaction_with_their_events(sessions, make_submitter,
                                                                          body) -> None:
    ministry = make_submitter("Ministry of Information", "government_agency", "KZ", email="misd@gov.example")
    writer = _writer(sessions)
    prepared = _prepared(sessions, ministry.id, body, 12)
    waiting = [writer.submit(one) for one in prepared]  # all queued before the writer runs
    writer.start()
    try:
        for done in waiting:
            done.result(timeout=30)
    finally:
        writer.stop()
    assert writer.batches == 1
    assert _count(sessions, Request) == 12 and _count(sessions, Item) == 36
    assert _count(sessions, OutboxMessage) == 12  # the acknowledgements
    with sessions() as s:
        received = s.execute(select(Event.subject).where(Event.action == "request:received")
                             .order_by(Event.seq)).scalars().all()
        assert received == [f"request:{one.values['id']}" for one in prepared]
        assert audit.verify(session=s).ok
        # Each answer's ids are the stored ones, items in their order.
        for one in prepared:
            stored = s.execute(select(Item.id).where(Item.request_id == one.values["id"])
                               .order_by(Item.position)).scalars().all()
            assert stored == [values["id"] for values in one.item_values]


def test_a_request_the_database_refuses_fails_alone(sessions, kz_ministry, body) -> None:
    writer = _writer(sessions)
    good = _prepared(sessions, kz_ministry.id, body, 3)
    bad = _prepared(sessions, kz_ministry.id, body, 1)[0]
    bad.values["submitter_id"] = 987654  # no such submitter: the foreign key refuses it
    waiting = [writer.submit(one) for one in (good[0], bad, *good[1:])]
    writer.start()
    try:
        with pytest.raises(IntegrityError):
            waiting[1].result(timeout=30)
        for done in (waiting[0], *waiting[2:]):
            done.result(timeout=30)
    finally:
        writer.stop()
    assert _count(sessions, Request) == 3 and _count(sessions, Item) == 9
    with transaction(sessions) as s:
        assert audit.verify(session=s).ok
        assert s.execute(select(func.count()).select_from(Event)
                         .where(Event.action == "request:received")).scalar_one() == 3


def test_a_stopped_writer_refuses_rather_than_hangs(sessions, kz_ministry, body) -> None:
    writer = _writer(sessions)
    with pytest.raises(RuntimeError):
        writer.store(_prepared(sessions, kz_ministry.id, body, 1)[0])


def test_the_api_stores_requests_through_the_writer_on_sqlite_only(client, app, kz_ministry, body) -> None:
    writer = app.state.intake_writer
    if app.state.engine.dialect.name != "sqlite":
        assert writer is None  # PostgreSQL: one statement per request (store.write_and_commit)
        return
    before = writer.batches
    r = client.post("/api/v1/requests", json=body(), headers=kz_ministry.headers)
    assert r.status_code == 201
    assert writer.batches == before + 1
    assert client.get(f"/api/v1/requests/{r.json()['id']}", headers=kz_ministry.headers).json() == r.json()
