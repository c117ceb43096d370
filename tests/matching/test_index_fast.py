"""The fast indexes answer as brute force does, across interleaved adds and removes, and
while a writer changes them under concurrent queries."""

from __future__ import annotations

import threading

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docket.matching import fingerprints as fp
from docket.matching.index import PdqIndex, TextIndex

# Within this distance PdqIndex finds every hash (pigeonhole: 5 tables probed to 2 bits).
GUARANTEED = 14


def _flip(value: bytes, bits: list[int]) -> bytes:
    number = int.from_bytes(value, "big")
    for bit in set(bits):
        number ^= 1 << bit
    return number.to_bytes(32, "big")


def _brute(stored: dict[int, bytes], query: bytes, limit: int) -> list[tuple[int, int]]:
    found = [(key, fp.hamming(value, query)) for key, value in stored.items()]
    return sorted(((k, d) for k, d in found if d <= limit), key=lambda kd: (kd[1], kd[0]))


# Operations: ("add", key, base, flips) adds base hash `base` with bits flipped; ("remove", key).
_operation = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 60), st.integers(0, 3), st.lists(st.integers(0, 255), max_size=40)),
    st.tuples(st.just("remove"), st.integers(0, 60)),
    st.tuples(st.just("bulk"), st.integers(0, 10_000), st.integers(1, 3000)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=st.lists(_operation, min_size=1, max_size=25), seed=st.integers(0, 2**32 - 1),
       query_flips=st.lists(st.lists(st.integers(0, 255), max_size=40), min_size=1, max_size=6))
def test_pdq_index_answers_like_brute_force(operations: list[tuple], seed: int,
                                            query_flips: list[list[int]]) -> None:
    rng = np.random.default_rng(seed)
    bases = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)) for _ in range(4)]
    index = PdqIndex(scan_below=64)  # segments of 64 rows and more have tables
    stored: dict[int, bytes] = {}
    for operation in operations:
        if operation[0] == "add":
            _, key, base, flips = operation
            value = _flip(bases[base], flips)
            index.add(key, value)
            stored[key] = value
        elif operation[0] == "remove":
            index.remove(operation[1])
            stored.pop(operation[1], None)
        else:  # many random hashes at once (segments with tables), some near the bases
            _, first, count = operation
            keys = list(range(1000 + first, 1000 + first + count))
            values = [bytes(v) for v in rng.integers(0, 256, (count, 32), dtype=np.uint8)]
            for n in range(0, count, 7):
                values[n] = _flip(bases[n % 4], rng.integers(0, 256, int(rng.integers(0, 32))).tolist())
            index.add_many(keys, values)
            stored.update(zip(keys, values, strict=True))
    assert len(index) == len(stored)
    queries = [_flip(bases[n % 4], flips) for n, flips in enumerate(query_flips)]
    answers = index.query_many(queries)
    for query, answer in zip(queries, answers, strict=True):
        expected = _brute(stored, query, 31)
        assert answer == index.query(query)
        # Every match is true (its distance is the real one); none within GUARANTEED is missed,
        # and beyond it nearly none (the tables are probabilistic there).
        assert set(answer) <= set(expected)
        assert [m for m in answer if m[1] <= GUARANTEED] == [m for m in expected if m[1] <= GUARANTEED]
        assert len(expected) - len(answer) <= max(1, len(expected) // 20)
        # Beyond 31 bits the index scans: exactly brute force.
        assert index.query(query, 40) == _brute(stored, query, 40)


def test_pdq_index_finds_copies_at_31_bits_nearly_always_and_never_a_false_match() -> None:
    rng = np.random.default_rng(7)
    hashes = rng.integers(0, 256, (50_000, 32), dtype=np.uint8)
    index = PdqIndex()
    index.add_many(list(range(len(hashes))), [bytes(h) for h in hashes])
    sources = rng.integers(0, len(hashes), 2000)
    copies = [_flip(bytes(hashes[s]), rng.choice(256, 31, replace=False).tolist()) for s in sources]
    answers = index.query_many(copies)
    found = np.mean([any(k == s for k, _ in a) for a, s in zip(answers, sources.tolist(), strict=True)])
    assert found >= 0.99
    for answer, copy in zip(answers, copies, strict=True):
        assert all(d == fp.hamming(bytes(hashes[k]), copy) <= 31 for k, d in answer)
    randoms = index.query_many([bytes(h) for h in rng.integers(0, 256, (2000, 32), dtype=np.uint8)])
    assert all(a == [] for a in randoms)


def test_pdq_index_adds_to_a_built_index_without_rebuilding_it() -> None:
    rng = np.random.default_rng(3)
    index = PdqIndex()
    index.add_many(list(range(100_000)), [bytes(h) for h in rng.integers(0, 256, (100_000, 32), dtype=np.uint8)])
    first = index._snapshot[1][0]
    added = [bytes(h) for h in rng.integers(0, 256, (1000, 32), dtype=np.uint8)]
    index.add_many(list(range(100_000, 101_000)), added)
    assert index._snapshot[1][0] is first  # the big segment is kept as it was
    assert index.query(added[5]) == [(100_005, 0)]
    index.remove(100_005)
    index.remove(17)
    assert index.query(added[5]) == [] and len(index) == 100_998


def test_queries_while_a_writer_adds_and_removes_see_whole_changes() -> None:
    rng = np.random.default_rng(11)
    index = PdqIndex(scan_below=256)
    base = [bytes(h) for h in rng.integers(0, 256, (20_000, 32), dtype=np.uint8)]
    index.add_many(list(range(len(base))), base)
    probe = base[123]
    stop = threading.Event()
    errors: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            answer = index.query(probe)
            # Key 123 is replaced by the same hash over and over: always exactly one match.
            if answer != [(123, 0)]:
                errors.append(repr(answer))

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        for n in range(300):
            index.add(123, probe)  # replace: the old row's tombstone and the new row in one step
            index.add_many(list(range(50_000 + 10 * n, 50_000 + 10 * n + 10)),
                           [bytes(h) for h in rng.integers(0, 256, (10, 32), dtype=np.uint8)])
            index.remove(50_000 + 10 * n + 3)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert errors == []
    assert len(index) == 20_000 + 300 * 9


_WORDS = [f"word{n}" for n in range(400)]


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(_WORDS[:60]), min_size=3, max_size=40), min_size=1, max_size=30),
       removed=st.sets(st.integers(0, 29)), threshold=st.sampled_from([0.5, 0.8, 0.85, 0.95]))
def test_text_index_answers_like_brute_force(texts: list[list[str]], removed: set[int], threshold: float) -> None:
    index = TextIndex()
    signatures = {key: fp.minhash(" ".join(words)) for key, words in enumerate(texts)}
    for key, signature in signatures.items():
        index.add(key, signature)
    for key in removed:
        index.remove(key)
        signatures.pop(key, None)
    assert len(index) == len(signatures)
    for words in texts[:5]:
        query = fp.minhash(" ".join(words[:-1] + ["word399"]))
        expected = sorted(((k, fp.similarity(query, s)) for k, s in signatures.items()
                           if fp.similarity(query, s) >= threshold), key=lambda ks: (-ks[1], ks[0]))
        answer = index.query(query, threshold)
        assert set(answer) <= set(expected)  # never a false match
        if threshold < 0.8:  # compared one by one: exact
            assert answer == expected
        else:  # banded: every pair at 0.85 is found with probability 0.997
            assert len(expected) - len(answer) <= max(1, len(expected) // 10)


def test_text_index_replaces_a_key_without_a_moment_where_it_is_missing() -> None:
    first = fp.minhash(" ".join(_WORDS[:50]))
    second = fp.minhash(" ".join(_WORDS[:49] + ["word399"]))
    index = TextIndex()
    index.add_many(list(range(2000)), [fp.minhash(" ".join(_WORDS[n % 300:n % 300 + 40] + [str(n)]))
                                       for n in range(2000)])
    index.add(7, first)
    stop = threading.Event()
    errors: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            keys = [k for k, _ in index.query(first, 0.85)]
            if keys != [7]:
                errors.append(repr(keys))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(2000):
            index.add(7, second)  # similar to `first` above 0.85: always found
            index.add(7, first)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert fp.similarity(first, second) >= 0.85


def test_text_index_returns_each_key_once_when_buckets_are_shared() -> None:
    # Keys 1-3 hold one text (every band's bucket a tuple), key 4 a near copy (some buckets
    # shared with them, others its own): each key once, best first, as brute force.
    text = _WORDS[100:160]
    near = fp.minhash(" ".join(text[:-1] + ["word399"]))
    same = fp.minhash(" ".join(text))
    index = TextIndex()
    index.add_many([1, 2, 3, 4], [same, same, same, near])
    index.add(5, fp.minhash(" ".join(_WORDS[200:260])))
    answer = index.query(near, 0.85)
    assert answer == sorted(((k, fp.similarity(near, s)) for k, s in [(1, same), (2, same), (3, same), (4, near)]),
                            key=lambda ks: (-ks[1], ks[0]))
    assert answer[0] == (4, 1.0)
    index.remove(2)
    assert [k for k, _ in index.query(same, 0.85)] == [1, 3, 4]
