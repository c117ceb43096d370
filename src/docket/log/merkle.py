"""An append-only Merkle tree (RFC 9162, section 2.1) kept as stored hashes, and its proofs.

Hashing is Certificate Transparency's: a leaf's hash is SHA-256(0x00 ‖ data), an interior
node's SHA-256(0x01 ‖ left ‖ right), and a tree of n leaves splits at the largest power of
two below n. The hash of the empty tree is SHA-256 of nothing (RFC 9162).

**Storage.** Every hash the tree will ever need sits in one dense sequence, in the order
of Crosby and Wallach's "Efficient Data Structures for Tamper-Evident Logging" (section
3.3), as Go's ``golang.org/x/mod/sumdb/tlog`` stores it: leaf n's hash, then the hashes
of the complete subtrees that leaf completes, bottom up. :func:`stored_hash_index` maps a
node (level, n) — the n-th complete subtree of 2^level leaves — to its place in that
sequence. A log keeps the sequence (a table keyed by the index), appends to it as leaves
arrive (:func:`append_leaves`: the new hashes and at most log₂ n old ones read), and
answers roots and proofs for any size by reading at most about 2·log₂ n stored hashes:
the tree is never recomputed.

**Proofs.** Inclusion proofs (RFC 9162's audit path) and consistency proofs are made from
the stored hashes by the recursion of RFC 9162 section 2.1.3.1 and 2.1.4.1 (the layout of
Go's ``tlog``, whose proofs are RFC 6962's). They are checked by the iterative algorithms
of sections 2.1.3.2 and 2.1.4.2, written separately, which need no storage at all:
:func:`verify_inclusion`, :func:`verify_consistency`.

Go's ``tlog`` is an independent implementation of the same formats; tests/log checks
that it accepts these proofs (tests/log/goverify).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, MutableMapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# Reads the stored hashes at the given indexes (see stored_hash_index), in that order.
HashReader = Callable[[Sequence[int]], Sequence[bytes]]


class ProofError(ValueError):
    """A proof does not prove what it was given to prove."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ data): the hash of one leaf."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right): the hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


# ---------------------------------------------------------------- the stored hashes


def stored_hash_index(level: int, n: int) -> int:
    """Where the hash of node (level, n) sits in the stored sequence: the node covering
    leaves [n·2^level, (n+1)·2^level) is written right after the leaf that completes it."""
    last = ((n + 1) << level) - 1  # the last leaf under the node, which completes it
    # Leaf x is written after x + x/2 + x/4 + … earlier hashes, which is 2x - popcount(x).
    return 2 * last - last.bit_count() + level


def split_stored_hash_index(index: int) -> tuple[int, int]:
    """The node (level, n) stored at ``index``: the inverse of :func:`stored_hash_index`."""
    n = index // 2  # stored_hash_index(0, n) < 2n, so the leaf is in [index/2, index/2 + log₂ index]
    at = stored_hash_index(0, n)
    while True:
        after = at + 1 + _trailing_ones(n)  # leaf n adds 1 + (the subtrees it completes) hashes
        if after > index:
            break
        n, at = n + 1, after
    level = index - at
    return level, n >> level


def stored_hash_count(size: int) -> int:
    """How many hashes a tree of ``size`` leaves stores."""
    if size == 0:
        return 0
    return stored_hash_index(0, size - 1) + 1 + _trailing_ones(size - 1)


def _trailing_ones(n: int) -> int:
    return ((n ^ (n + 1)).bit_length() - 1)


def append_leaves(size: int, leaf_hashes: Sequence[bytes], read: HashReader) -> list[bytes]:
    """The hashes to store, from index ``stored_hash_count(size)`` on, when the leaves
    with ``leaf_hashes`` are appended to a tree of ``size`` leaves.

    Reads at most log₂ size + 1 old hashes, in one call (the roots of the old tree's
    complete subtrees, its right edge); everything else is computed from the new leaves,
    so an append of k leaves costs O(k + log size) hash work."""
    edge = _subtree_indexes(0, size, [])
    stored = dict(zip(edge, _read(read, edge), strict=True))
    out: list[bytes] = []
    next_index = stored_hash_count(size)
    for n, digest in enumerate(leaf_hashes, start=size):
        _check_hash(digest)
        new = [digest]
        for level in range(_trailing_ones(n)):  # each trailing 1 bit completes a subtree
            digest = node_hash(stored[stored_hash_index(level, (n >> level) - 1)], digest)
            new.append(digest)
        for offset, value in enumerate(new):
            stored[next_index + offset] = value
        next_index += len(new)
        out.extend(new)
    return out


# ---------------------------------------------------------------- roots and proofs


def tree_hash(size: int, read: HashReader) -> bytes:
    """The root hash of the tree's first ``size`` leaves (at most log₂ size + 1 reads)."""
    if size < 0:
        raise ValueError("a tree's size cannot be negative")
    if size == 0:
        return EMPTY_ROOT
    indexes = _subtree_indexes(0, size, [])
    root, rest = _subtree_hash(0, size, list(_read(read, indexes)))
    assert not rest
    return root


def inclusion_proof(index: int, size: int, read: HashReader,
                    edges: MutableMapping[tuple[int, int], bytes] | None = None) -> list[bytes]:
    """The audit path that leaf ``index`` is in the tree of ``size`` leaves (RFC 9162
    2.1.3.1), sibling hashes from the leaf up, read in one call.

    Made bottom up, as the verifier of 2.1.3.2 walks it (fn = the node on the path, sn = the
    tree's last node at that level): a left sibling is always a complete subtree, one
    stored hash; a right sibling is one too, except the tree's last node at its level,
    which covers the leaves up to ``size`` and is made from the complete subtrees there.
    Those right-edge hashes are the same for every proof in a tree of that size: given
    ``edges``, they are kept there by (first leaf, size) and not computed again."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    indexes: list[int] = []
    edge = -1  # where in the path the right edge's hash goes, if it is in it
    edge_lo, edge_hash, edge_indexes = size, None, []
    fn, sn, level = index, size - 1, 0
    while sn:
        if fn & 1:
            indexes.append(stored_hash_index(level, fn - 1))
        elif fn == sn:  # no right sibling here: go up to where the path has a left one
            while not fn & 1:
                fn, sn, level = fn >> 1, sn >> 1, level + 1
            indexes.append(stored_hash_index(level, fn - 1))
        elif fn + 1 == sn and (sn + 1) << level != size:  # the right edge, not a complete subtree
            edge, edge_lo = len(indexes), sn << level
            edge_hash = None if edges is None else edges.get((edge_lo, size))
            if edge_hash is None:
                edge_indexes = _subtree_indexes(edge_lo, size, [])
        else:
            indexes.append(stored_hash_index(level, fn + 1))
        fn, sn, level = fn >> 1, sn >> 1, level + 1
    if edge < 0:
        return list(_read(read, indexes))
    hashes = list(_read(read, indexes + edge_indexes))
    if edge_hash is None:
        edge_hash, _ = _subtree_hash(edge_lo, size, hashes[len(indexes):])
        if edges is not None:
            edges[(edge_lo, size)] = edge_hash
    return [*hashes[:edge], edge_hash, *hashes[edge:len(indexes)]]


def consistency_proof(old_size: int, new_size: int, read: HashReader) -> list[bytes]:
    """The proof that the tree of ``new_size`` leaves extends the one of ``old_size``
    (RFC 9162 2.1.4.1)."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    indexes = _tree_proof_indexes(0, new_size, old_size, [])
    proof, rest = _tree_proof(0, new_size, old_size, list(_read(read, indexes)))
    assert not rest
    return proof


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2): where RFC 9162 splits n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtree_indexes(lo: int, hi: int, need: list[int]) -> list[int]:
    """The stored hashes that make up leaves [lo, hi): its complete subtrees, largest first."""
    while lo < hi:
        level = (hi - lo).bit_length() - 1  # the largest power of two ≤ hi - lo
        need.append(stored_hash_index(level, lo >> level))
        lo += 1 << level
    return need


def _subtree_hash(lo: int, hi: int, hashes: list[bytes]) -> tuple[bytes, list[bytes]]:
    """The hash of leaves [lo, hi) from the front of ``hashes`` (as _subtree_indexes lists
    them); returns it and the hashes left over."""
    count = (hi - lo).bit_count()  # as many complete subtrees as 1 bits in the width
    digest = hashes[count - 1]
    for i in range(count - 2, -1, -1):
        digest = node_hash(hashes[i], digest)
    return digest, hashes[count:]


def _tree_proof_indexes(lo: int, hi: int, old: int, need: list[int]) -> list[int]:
    if old == hi:
        return need if lo == 0 else _subtree_indexes(lo, hi, need)
    k = _split(hi - lo)
    if old <= lo + k:
        return _subtree_indexes(lo + k, hi, _tree_proof_indexes(lo, lo + k, old, need))
    return _tree_proof_indexes(lo + k, hi, old, _subtree_indexes(lo, lo + k, need))


def _tree_proof(lo: int, hi: int, old: int, hashes: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    if old == hi:
        if lo == 0:
            return [], hashes  # the verifier holds the old root
        digest, hashes = _subtree_hash(lo, hi, hashes)
        return [digest], hashes
    k = _split(hi - lo)
    if old <= lo + k:
        proof, hashes = _tree_proof(lo, lo + k, old, hashes)
        other, hashes = _subtree_hash(lo + k, hi, hashes)
    else:
        other, hashes = _subtree_hash(lo, lo + k, hashes)
        proof, hashes = _tree_proof(lo + k, hi, old, hashes)
    return [*proof, other], hashes


def _read(read: HashReader, indexes: list[int]) -> Sequence[bytes]:
    if not indexes:
        return []
    hashes = read(indexes)
    if len(hashes) != len(indexes):
        raise LookupError(f"asked for {len(indexes)} stored hashes, got {len(hashes)}")
    return hashes


def _check_hash(digest: bytes) -> None:
    if len(digest) != HASH_SIZE:
        raise ValueError(f"a hash is {HASH_SIZE} bytes, not {len(digest)}")


# ---------------------------------------------------------------- verification (no storage)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that ``proof`` shows the leaf hash ``leaf`` at ``index`` in the tree of
    ``size`` leaves whose root is ``root`` (RFC 9162 2.1.3.2); raise :class:`ProofError`
    if it does not."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} cannot be in a tree of {size} leaves")
    fn, sn, digest = index, size - 1, leaf
    for sibling in proof:
        _check_proof_hash(sibling)
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            digest = node_hash(sibling, digest)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            digest = node_hash(digest, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    if digest != root:
        raise ProofError(f"leaf {index} is not in the tree of {size} leaves with that root")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> None:
    """Check that ``proof`` shows the tree of ``new_size`` leaves with root ``new_root``
    extends the one of ``old_size`` with ``old_root`` (RFC 9162 2.1.4.2): same leaves, in
    the same order, with more after them. Raise :class:`ProofError` if it does not."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to {new_size}")
    for digest in proof:
        _check_proof_hash(digest)
    if old_size == new_size:
        if proof:
            raise ProofError("a tree's proof of consistency with itself is empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}: a fork")
        return
    path = list(proof)
    if not path:
        raise ProofError("the consistency proof is empty")
    if old_size & (old_size - 1) == 0:  # the old tree is a complete subtree: its root starts the path
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    old, new = path[0], path[0]
    for digest in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            old, new = node_hash(digest, old), node_hash(digest, new)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            new = node_hash(new, digest)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if old != old_root:
        raise ProofError(f"the tree of {new_size} leaves does not start with the tree of {old_size} "
                         "with that root: the log was rewritten")
    if new != new_root:
        raise ProofError(f"the consistency proof does not lead to the root of the tree of {new_size}")


def _check_proof_hash(digest: bytes) -> None:
    if len(digest) != HASH_SIZE:
        raise ProofError(f"a proof's hash is {HASH_SIZE} bytes, not {len(digest)}")
