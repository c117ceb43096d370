"""The Merkle tree (docket.log.merkle) against RFC 9162's definitions, computed the slow way:
roots, inclusion and consistency proofs made from the stored hashes equal the RFC's MTH,
PATH and PROOF for every size; every proof verifies; every change to a proof, a root, a
leaf, an index or a size fails it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.log import merkle
from docket.log.merkle import ProofError

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True)


# ---------------------------------------------------------------- RFC 9162, section 2.1, literally


def mth(leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, leaves[:k], whole) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


# ---------------------------------------------------------------- a log in memory


def stored(leaves: Sequence[bytes], batches: Sequence[int] = ()) -> list[bytes]:
    """The stored hashes of a log that received ``leaves`` in batches of the given sizes
    (then one by one)."""
    hashes: list[bytes] = []
    size = 0
    sizes = list(batches)
    while size < len(leaves):
        step = max(1, min(sizes.pop(0) if sizes else 1, len(leaves) - size))
        new = [merkle.leaf_hash(leaf) for leaf in leaves[size:size + step]]
        hashes += merkle.append_leaves(size, new, reader(hashes))
        size += step
        assert len(hashes) == merkle.stored_hash_count(size)
    return hashes


def reader(hashes: list[bytes]) -> merkle.HashReader:
    return lambda indexes: [hashes[i] for i in indexes]


def leaves_of(size: int) -> list[bytes]:
    return [b"leaf %d" % i for i in range(size)]


sizes = st.integers(min_value=1, max_value=300)


@BOUNDED
@given(size=st.integers(min_value=0, max_value=300),
       batches=st.lists(st.integers(min_value=1, max_value=70), max_size=8))
def test_roots_are_rfc_9162s_for_every_prefix(size: int, batches: list[int]) -> None:
    leaves = leaves_of(size)
    hashes = stored(leaves, batches)
    assert hashes == stored(leaves)  # the batches do not change what is stored
    for n in range(size + 1):
        assert merkle.tree_hash(n, reader(hashes)) == mth(leaves[:n])


def test_the_empty_tree_and_the_known_roots() -> None:
    assert merkle.tree_hash(0, reader([])).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    # RFC 6962's test vectors (certificate-transparency's merkle_tree_test): leaves "" and "\x00".
    two = stored([b"", b"\x00"])
    assert merkle.tree_hash(1, reader(two)).hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    assert merkle.tree_hash(2, reader(two)).hex() == (
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")


def test_stored_hash_index_round_trips() -> None:
    seen = set()
    for level in range(8):
        for n in range(200):
            index = merkle.stored_hash_index(level, n)
            assert merkle.split_stored_hash_index(index) == (level, n)
            seen.add(index)
    assert merkle.stored_hash_count(1) == 1 and merkle.stored_hash_count(2) == 3
    assert merkle.stored_hash_count(4) == 7 and merkle.stored_hash_count(5) == 8


def test_an_append_reads_only_the_old_trees_right_edge() -> None:
    """O(new + log n): appending to a tree of 1000 leaves reads ≤ log₂ 1000 + 1 old hashes."""
    hashes = stored(leaves_of(1000))
    asked: list[int] = []

    def counting(indexes: Sequence[int]) -> list[bytes]:
        asked.extend(indexes)
        return [hashes[i] for i in indexes]

    merkle.append_leaves(1000, [merkle.leaf_hash(b"x")] * 50, counting)
    assert 0 < len(asked) <= 10 + 1
    asked.clear()
    merkle.inclusion_proof(500, 1000, counting)
    merkle.consistency_proof(300, 1000, counting)
    assert len(asked) <= 4 * 10


@BOUNDED
@given(data=st.data(), size=sizes)
def test_inclusion_proofs_are_rfc_9162s_and_verify(data: st.DataObject, size: int) -> None:
    leaves = leaves_of(size)
    hashes = stored(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.inclusion_proof(index, size, reader(hashes))
    assert proof == path(index, leaves)
    edges: dict[tuple[int, int], bytes] = {}  # the right edge's hashes kept between proofs of a size
    for other in (index, size - 1 - index, index):
        assert merkle.inclusion_proof(other, size, reader(hashes), edges) == path(other, leaves)
    root = mth(leaves)
    merkle.verify_inclusion(merkle.leaf_hash(leaves[index]), index, size, proof, root)


@BOUNDED
@given(data=st.data(), size=sizes)
def test_consistency_proofs_are_rfc_9162s_and_verify(data: st.DataObject, size: int) -> None:
    leaves = leaves_of(size)
    hashes = stored(leaves)
    old = data.draw(st.integers(min_value=1, max_value=size))
    proof = merkle.consistency_proof(old, size, reader(hashes))
    assert proof == subproof(old, leaves, True)
    merkle.verify_consistency(old, size, mth(leaves[:old]), mth(leaves), proof)


def flips(proof: list[bytes]) -> list[list[bytes]]:
    """Every proof one change away: a bit flipped in each hash, a hash dropped, one added."""
    out = []
    for i, digest in enumerate(proof):
        out.append([*proof[:i], bytes([digest[0] ^ 1]) + digest[1:], *proof[i + 1:]])
        out.append(proof[:i] + proof[i + 1:])
        out.append([*proof[:i], digest, digest, *proof[i + 1:]])
    out.append([*proof, b"\x00" * 32])
    out.append([b"\x00" * 32, *proof])
    return out


@BOUNDED
@given(data=st.data(), size=st.integers(min_value=2, max_value=200))
def test_a_changed_inclusion_proof_fails(data: st.DataObject, size: int) -> None:
    leaves = leaves_of(size)
    hashes = stored(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.inclusion_proof(index, size, reader(hashes))
    leaf, root = merkle.leaf_hash(leaves[index]), mth(leaves)
    for bad in flips(proof):
        with pytest.raises(ProofError):
            merkle.verify_inclusion(leaf, index, size, bad, root)
    for other in {0, index - 1, index + 1, size - 1} - {index}:
        if 0 <= other < size:  # another leaf's place, or this leaf's proof for another leaf
            with pytest.raises(ProofError):
                merkle.verify_inclusion(leaf, other, size, proof, root)
            with pytest.raises(ProofError):
                merkle.verify_inclusion(merkle.leaf_hash(leaves[other]), index, size, proof, root)
    # A smaller tree's root. (A proof's shape depends on the size, and a larger size can
    # share it: the size is what a checkpoint signs beside the root.)
    for wrong_size in (size - 1, index):
        with pytest.raises(ProofError):
            merkle.verify_inclusion(leaf, index, wrong_size, proof, mth(leaves[:wrong_size]))
    with pytest.raises(ProofError):
        merkle.verify_inclusion(leaf, index, size, proof, mth(leaves[:-1]))
    with pytest.raises(ProofError):  # the leaf's data changed
        merkle.verify_inclusion(merkle.leaf_hash(leaves[index] + b"!"), index, size, proof, root)


@BOUNDED
@given(data=st.data(), size=st.integers(min_value=2, max_value=200))
def test_a_changed_consistency_proof_or_a_rewritten_log_fails(data: st.DataObject, size: int) -> None:
    leaves = leaves_of(size)
    hashes = stored(leaves)
    old = data.draw(st.integers(min_value=1, max_value=size - 1))
    proof = merkle.consistency_proof(old, size, reader(hashes))
    old_root, new_root = mth(leaves[:old]), mth(leaves)
    for bad in flips(proof):
        with pytest.raises(ProofError):
            merkle.verify_consistency(old, size, old_root, new_root, bad)
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, size, new_root, new_root, proof)
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, size, old_root, old_root, proof)
    # A log whose first `old` leaves were rewritten (one leaf edited, one dropped) cannot
    # prove it extends the checkpoint it had signed.
    where = data.draw(st.integers(min_value=0, max_value=old - 1))
    for rewritten in ([*leaves[:where], b"edited", *leaves[where + 1:]], leaves[:where] + leaves[where + 1:]):
        if len(rewritten) < old:
            continue
        forged = merkle.consistency_proof(old, len(rewritten), reader(stored(rewritten)))
        with pytest.raises(ProofError):
            merkle.verify_consistency(old, len(rewritten), old_root, mth(rewritten), forged)
    for wrong_old in {old - 1, old + 1} - {0, size}:
        with pytest.raises(ProofError):
            merkle.verify_consistency(wrong_old, size, mth(leaves[:wrong_old]), new_root, proof)


def test_same_size_consistency_and_bad_arguments() -> None:
    leaves = leaves_of(5)
    root = mth(leaves)
    merkle.verify_consistency(5, 5, root, root, [])
    with pytest.raises(ProofError, match="fork"):
        merkle.verify_consistency(5, 5, root, mth(leaves_of(4)), [])
    with pytest.raises(ProofError):
        merkle.verify_consistency(5, 5, root, root, [root])
    with pytest.raises(ProofError):
        merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root, [])
    with pytest.raises(ProofError):
        merkle.verify_consistency(6, 5, root, root, [])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(merkle.leaf_hash(leaves[0]), 0, 5, [b"short"], root)
    hashes = stored(leaves)
    with pytest.raises(ValueError):
        merkle.inclusion_proof(5, 5, reader(hashes))
    with pytest.raises(ValueError):
        merkle.consistency_proof(0, 5, reader(hashes))
    with pytest.raises(LookupError):
        merkle.tree_hash(5, lambda indexes: [])
