"""The process's copy of the log's stored hashes (docket.audit.log_mirror): it copies what
was sealed, a bounded number per round, answers the proofs the database would, and starts
over when it no longer agrees with the database."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from docket import audit
from docket.audit import log_service
from docket.audit.log_mirror import LogMirror
from docket.audit.sealer import seal
from docket.log import merkle
from docket.log.hashfile import HashFile
from docket.store import read_only, transaction


def grow(sessions: Any, count: int, start: int = 0) -> int:
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[
            audit.NewEvent("test", "thing:done", f"thing:{i}", {"i": i}) for i in range(start, start + count)])
    with transaction(sessions) as s:
        seal(session=s)
    return start + count


def test_it_copies_a_bounded_number_per_round_and_answers_what_the_database_does(sessions: Any) -> None:
    size = grow(sessions, 40)
    total = merkle.stored_hash_count(size)
    mirror = LogMirror()
    assert mirror.inclusion(0, 1) is None and mirror.consistency(1, 1) is None and mirror.leaf_hashes(0, 1) is None
    rounds = []
    while mirror.count < total:
        rounds.append(mirror.catch_up(sessions, limit=25))
    assert rounds == [25, 25, 25] + [total - 75] and mirror.catch_up(sessions) == 0
    with read_only(sessions) as db:
        for n in range(1, size + 1):
            for i in range(n):
                assert mirror.inclusion(i, n) == log_service.inclusion(session=db, index=i, size=n)
            for m in range(1, n + 1):
                assert mirror.consistency(m, n) == log_service.consistency(session=db, old=m, new=n)
        assert mirror.leaf_hashes(0, size) == log_service.leaf_hashes(session=db, start=0, end=size)
    assert mirror.inclusion(0, size + 1) is None  # not sealed: the caller asks the database
    size = grow(sessions, 5, size)
    assert mirror.catch_up(sessions) == merkle.stored_hash_count(size) - total
    assert mirror.covers(size) and not mirror.covers(size + 1)


def test_a_partly_filled_copy_covers_the_trees_it_holds(sessions: Any) -> None:
    size = grow(sessions, 16)
    mirror = LogMirror()
    mirror.catch_up(sessions, limit=merkle.stored_hash_count(9))
    assert mirror.covers(9) and not mirror.covers(10)
    assert mirror.inclusion(3, 9) is not None and mirror.inclusion(3, size) is None


def test_a_copy_of_another_log_is_started_over(sessions: Any, tmp_path: Path) -> None:
    path = str(tmp_path / "log.hashes")
    size = grow(sessions, 12)
    other = HashFile(path)  # a file left by another database (or one restored from a backup)
    other.append(0, [secrets.token_bytes(32) for _ in range(30)])
    other.close()
    mirror = LogMirror(path)
    assert mirror.count == 30
    mirror.catch_up(sessions)
    assert mirror.count == merkle.stored_hash_count(size)
    with read_only(sessions) as db:
        assert mirror.inclusion(5, size) == log_service.inclusion(session=db, index=5, size=size)
    mirror.close()
    kept = LogMirror(path)  # what was copied is kept across restarts, and still agrees
    assert kept.count == merkle.stored_hash_count(size) and kept.catch_up(sessions) == 0
    kept.close()


def test_a_second_process_on_the_same_file_keeps_its_own_copy(sessions: Any, tmp_path: Path) -> None:
    path = str(tmp_path / "log.hashes")
    size = grow(sessions, 7)
    first, second = LogMirror(path), LogMirror(path)
    assert first.file.path == path and second.file.path is None
    for mirror in (first, second):
        mirror.catch_up(sessions)
        assert mirror.covers(size)
    first.close()
    second.close()
