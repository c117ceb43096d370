"""The memory-mapped file of stored hashes (docket.log.hashfile): it only grows, by whole
hashes, in order; it keeps what it holds across opens; one process appends at a time."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from docket.log.hashfile import HashFile, HashFileBusy


def digests(start: int, count: int) -> list[bytes]:
    return [hashlib.sha256(b"%d" % i).digest() for i in range(start, start + count)]


def test_it_reads_what_was_appended_in_order() -> None:
    file = HashFile()
    assert file.count == 0 and file.path is None
    file.append(0, digests(0, 5))
    file.append(5, digests(5, 3))
    assert file.count == 8
    assert file.read([7, 0, 3]) == [digests(7, 1)[0], digests(0, 1)[0], digests(3, 1)[0]]
    assert file.read([]) == []
    for wrong in (8, -1):
        with pytest.raises(IndexError):
            file.read([wrong])
    file.close()


def test_an_append_that_skips_or_repeats_is_refused() -> None:
    file = HashFile()
    file.append(0, digests(0, 4))
    for first in (3, 5, 0):
        with pytest.raises(ValueError, match="the next is 4"):
            file.append(first, digests(first, 1))
    with pytest.raises(ValueError, match="32 bytes"):
        file.append(4, [b"short"])
    assert file.count == 4
    file.append(4, [])  # nothing to add is no append
    assert file.count == 4


def test_a_file_keeps_its_hashes_across_opens_and_drops_a_torn_write(tmp_path: Path) -> None:
    path = tmp_path / "log.hashes"
    file = HashFile(str(path))
    file.append(0, digests(0, 6))
    file.close()
    with path.open("ab") as raw:  # a process that died in the middle of an append
        raw.write(b"\x01" * 20)
    again = HashFile(str(path))
    assert again.count == 6 and os.path.getsize(path) == 6 * 32
    assert again.read([5]) == digests(5, 1)
    again.reset()
    assert again.count == 0 and os.path.getsize(path) == 0
    again.append(0, digests(10, 1))
    assert again.read([0]) == digests(10, 1)
    again.close()


def test_one_process_appends_to_a_file_at_a_time(tmp_path: Path) -> None:
    path = str(tmp_path / "log.hashes")
    first = HashFile(path)
    with pytest.raises(HashFileBusy, match="another process"):
        HashFile(path)
    first.close()
    HashFile(path).close()  # free again once closed


def test_a_reader_keeps_its_view_while_the_file_grows() -> None:
    file = HashFile()
    file.append(0, digests(0, 2))
    read = file.read
    for n in range(2, 200):
        file.append(n, digests(n, 1))
        assert read([0, n]) == [digests(0, 1)[0], digests(n, 1)[0]]
