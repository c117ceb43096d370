"""docket.store's ids taken beforehand (PostgreSQL): distinct, ascending, never reused."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from docket import store
from docket.intake.models import Item, Request


def test_ids_taken_beforehand_are_distinct_ascending_and_apart_from_the_sequence(sessions) -> None:
    with sessions() as s:
        if s.get_bind().dialect.name != "postgresql":
            assert store.take_ids(s, [(Item, 3)]) is None  # SQLite: RETURNING gives them
            return
    taken: list[list[int]] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            for _ in range(40):
                with sessions() as s:
                    requests, items = store.take_ids(s, [(Request, 1), (Item, 7)])
                    taken.append(items)
                    taken.append(requests)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(ids == sorted(ids) for ids in taken)
    items = [i for ids in taken if len(ids) == 7 for i in ids]
    assert len(items) == len(set(items)) == 6 * 40 * 7
    with sessions() as s:  # what the sequence hands out next was never handed out here
        fresh = s.execute(text("SELECT nextval(pg_get_serial_sequence('items', 'id'))")).scalar_one()
    assert fresh > max(items)


@pytest.mark.rolled_back
@pytest.mark.parametrize("n", [1, 600])
def test_a_take_larger_than_a_block_still_gets_all_its_ids(sessions, n) -> None:
    with sessions() as s:
        if s.get_bind().dialect.name != "postgresql":
            pytest.skip("ids are taken beforehand on PostgreSQL only")
        [ids] = store.take_ids(s, [(Item, n)])
    assert len(ids) == len(set(ids)) == n and ids == sorted(ids)
