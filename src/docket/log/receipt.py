"""Receipts: what docket recorded about a case, provable by its holder without docket.

A receipt (``"format": "docket-receipt/1"``) is one event's leaf in the verifiable log::

    {"format": "docket-receipt/1", "origin": "docket.example.org/log", "leaf_index": 41,
     "leaf_data": "{\\"commitments\\":{…},\\"format\\":\\"docket-leaf/2\\",\\"seq\\":42}",
     "disclosed": {"action": {"value": "request:received", "salt": "<hex>"}, …},
     "checkpoint": "<signed note>" | null, "inclusion": {"size": N, "hashes": [b64, …]} | null,
     "verifier_key": "<vkey>", "log_url": "https://docket.example.org/api/v1/log" | null}

``leaf_data`` is the leaf's exact bytes (docket.log.leaf), ``disclosed`` the fields its
holder may read, each with the salt that opens its commitment; the nonce is never in a
receipt. ``checkpoint`` is the latest signed checkpoint when its tree holds the leaf, with
the inclusion proof at its size; both are null until one is signed, and a verifier then
asks the log (``log_url``) for the latest checkpoint and the proof at its size.

:func:`verify` checks a receipt: the disclosed fields against the leaf data, the leaf's
inclusion under a checkpoint signed by the log's key, and, given a later checkpoint, that
the later tree extends the receipt's (a consistency proof from the log). It reads nothing
itself: the log's answers come through a :class:`LogSource` (docket.log.verify_cli's
asks over HTTP). Each way of failing is its own exception, with its own exit code.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from docket.log import leaf, merkle
from docket.log.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from docket.log.note import NoteError, Verifier

FORMAT = "docket-receipt/1"
_KEYS = {"format", "origin", "leaf_index", "leaf_data", "disclosed", "checkpoint", "inclusion",
         "verifier_key", "log_url"}


class ReceiptProblem(Exception):
    """A receipt does not verify; ``code`` is docket-verify's exit status for it."""

    code = 1
    what = "unusable"


class Malformed(ReceiptProblem):
    """The receipt, a checkpoint or a key cannot be read."""

    code, what = 1, "malformed"


class Forged(ReceiptProblem):
    """A disclosed field (or the leaf data itself) is not what the log committed to."""

    code, what = 3, "forged"


class NotIncluded(ReceiptProblem):
    """The leaf is not in the tree the checkpoint signed."""

    code, what = 4, "not included"


class BadSignature(ReceiptProblem):
    """A checkpoint is not signed by the log's key."""

    code, what = 5, "bad signature"


class Inconsistent(ReceiptProblem):
    """A later checkpoint does not extend the receipt's: the log was rewritten or cut back."""

    code, what = 6, "inconsistent"


class Unreachable(ReceiptProblem):
    """The log, needed to finish the check, could not be reached."""

    code, what = 7, "unreachable"


class LogRefused(Exception):
    """The log answered, and refused what was asked (a size it does not have)."""


class LogSource(Protocol):
    """The log's public endpoints (docs/verifiable-log.md), as a verifier reaches them.
    Raise :class:`Unreachable` when the log cannot be reached, :class:`LogRefused` when it
    answers with a refusal."""

    def checkpoint(self) -> bytes: ...

    def inclusion(self, index: int, size: int) -> list[bytes]: ...

    def consistency(self, old: int, new: int) -> list[bytes]: ...


def make(*, origin: str, leaf_index: int, leaf_data: bytes, disclosed: Mapping[str, Any],
         checkpoint: str | None, inclusion: tuple[int, Sequence[bytes]] | None,
         verifier_key: str | None, log_url: str | None) -> dict[str, Any]:
    """A receipt as JSON-ready data."""
    return {
        "format": FORMAT, "origin": origin, "leaf_index": leaf_index, "leaf_data": leaf_data.decode(),
        "disclosed": dict(disclosed), "checkpoint": checkpoint,
        "inclusion": None if inclusion is None else {
            "size": inclusion[0], "hashes": [base64.b64encode(h).decode() for h in inclusion[1]]},
        "verifier_key": verifier_key, "log_url": log_url,
    }


@dataclass(frozen=True)
class Receipt:
    origin: str
    leaf_index: int
    leaf_data: bytes
    disclosed: dict[str, Any]
    checkpoint: str | None
    inclusion_size: int | None
    inclusion: tuple[bytes, ...]
    verifier_key: str | None
    log_url: str | None


def parse(data: Any) -> Receipt:
    """A receipt from its JSON (parsed); :class:`Malformed` if it is not one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Malformed(f"not a receipt (its format is not {FORMAT!r})")
    if set(data) != _KEYS:
        raise Malformed(f"a receipt has exactly the keys {', '.join(sorted(_KEYS))}")
    index, text, disclosed = data["leaf_index"], data["leaf_data"], data["disclosed"]
    if type(index) is not int or index < 0:
        raise Malformed("the receipt's leaf_index is a whole number")
    if not isinstance(text, str) or not isinstance(disclosed, dict):
        raise Malformed("the receipt's leaf_data is a string and disclosed an object")
    if not isinstance(data["origin"], str) or not data["origin"]:
        raise Malformed("the receipt's origin is a string")
    for key in ("checkpoint", "verifier_key", "log_url"):
        if data[key] is not None and not isinstance(data[key], str):
            raise Malformed(f"the receipt's {key} is a string or null")
    size: int | None = None
    hashes: tuple[bytes, ...] = ()
    if data["inclusion"] is not None:
        proof = data["inclusion"]
        if not isinstance(proof, dict) or set(proof) != {"size", "hashes"} or type(proof["size"]) is not int \
                or not isinstance(proof["hashes"], list):
            raise Malformed("the receipt's inclusion is {\"size\": N, \"hashes\": [...]}")
        size, hashes = proof["size"], tuple(_hash(h) for h in proof["hashes"])
    if (data["checkpoint"] is None) != (data["inclusion"] is None):
        raise Malformed("a receipt has a checkpoint and an inclusion proof, or neither")
    return Receipt(data["origin"], index, text.encode(), disclosed, data["checkpoint"], size, hashes,
                   data["verifier_key"], data["log_url"])


def _hash(value: Any) -> bytes:
    try:
        digest = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except binascii.Error:
        digest = b""
    if len(digest) != merkle.HASH_SIZE:
        raise Malformed(f"a proof's hash is {merkle.HASH_SIZE} bytes in standard base64")
    return digest


def open_signed(note: bytes | str, verifier: Verifier, what: str) -> Checkpoint:
    """A checkpoint the log's key signed; :class:`BadSignature` otherwise."""
    try:
        return open_checkpoint(note, verifier)
    except CheckpointError as exc:
        raise BadSignature(f"{what}: {exc}") from None


def verifier_for(receipt: Receipt, key: str | None) -> tuple[Verifier, bool]:
    """The verifier to check the receipt's checkpoints with: ``key`` if given, else the
    receipt's own (second value True: taken from the receipt, which proves less)."""
    chosen = key if key is not None else receipt.verifier_key
    if chosen is None:
        raise Malformed("the receipt names no verifier key: give the log's key")
    try:
        verifier = Verifier.parse(chosen)
    except NoteError as exc:
        raise Malformed(f"the verifier key: {exc}") from None
    if verifier.name != receipt.origin:
        raise BadSignature(f"the key is for the log {verifier.name!r}, the receipt for {receipt.origin!r}")
    return verifier, key is None


@dataclass
class Verified:
    """What a receipt proved."""

    seq: int
    leaf_index: int
    disclosed: dict[str, Any]
    size: int  # the size of the tree the leaf was shown to be in
    later: int | None = None  # the size of the later checkpoint shown to extend it
    notes: list[str] = field(default_factory=list)


def verify(receipt: Receipt, verifier: Verifier, *, later: bytes | str | None = None,
           log: LogSource | None = None) -> Verified:
    """Check ``receipt`` (see the module's docstring); raise a :class:`ReceiptProblem`."""
    try:
        opened = leaf.parse(receipt.leaf_data)
        leaf.check_disclosed(opened, receipt.disclosed)
    except leaf.LeafError as exc:
        raise Forged(str(exc)) from None
    if opened.seq != receipt.leaf_index + 1:
        raise Forged(f"leaf {receipt.leaf_index} seals event {receipt.leaf_index + 1}, "
                     f"but the leaf data is event {opened.seq}'s")
    digest = merkle.leaf_hash(receipt.leaf_data)
    result = Verified(opened.seq, receipt.leaf_index,
                      {name: shown["value"] for name, shown in receipt.disclosed.items()}, 0)
    if receipt.checkpoint is not None:
        signed = open_signed(receipt.checkpoint, verifier, "the receipt's checkpoint")
        if receipt.inclusion_size != signed.size:
            raise Malformed(f"the inclusion proof is for size {receipt.inclusion_size}, "
                            f"the checkpoint's is {signed.size}")
        proof = list(receipt.inclusion)
    else:
        if log is None:
            raise Unreachable("the receipt has no checkpoint yet, and no log to ask for one (give --log)")
        try:
            latest = log.checkpoint()
        except LogRefused as exc:
            raise NotIncluded(f"the receipt has no checkpoint yet, and the log has none signed ({exc})") from None
        signed = open_signed(latest, verifier, "the log's latest checkpoint")
        if signed.size <= receipt.leaf_index:
            raise NotIncluded(f"the log's latest checkpoint holds {signed.size} leaves, not leaf "
                              f"{receipt.leaf_index}: not sealed into a signed tree yet, or cut back")
        proof = _ask(lambda: log.inclusion(receipt.leaf_index, signed.size),
                     f"the log has no proof for leaf {receipt.leaf_index} at size {signed.size}", NotIncluded)
        result.notes.append(f"the receipt had no checkpoint: checked against the log's latest, of size {signed.size}")
    _included(digest, receipt.leaf_index, signed, proof)
    result.size = signed.size
    if later is not None:
        other = open_signed(later, verifier, "the later checkpoint")
        _consistent(signed, other, log, digest, receipt.leaf_index)
        result.later = other.size
        if other.size < signed.size:
            result.notes.append(f"the other checkpoint ({other.size} leaves) is older than the receipt's "
                                f"({signed.size}); the receipt's extends it")
    return result


def _included(digest: bytes, index: int, signed: Checkpoint, proof: Sequence[bytes]) -> None:
    try:
        merkle.verify_inclusion(digest, index, signed.size, proof, signed.root)
    except merkle.ProofError as exc:
        raise NotIncluded(f"leaf {index} is not in the tree of {signed.size} leaves the checkpoint "
                          f"signed: {exc}") from None


def _consistent(receipts: Checkpoint, other: Checkpoint, log: LogSource | None, digest: bytes, index: int) -> None:
    """The two checkpoints are of one log: the larger tree extends the smaller, and the log
    still has the receipt's tree."""
    old, new = sorted((receipts, other), key=lambda c: c.size)
    if old.size == new.size:
        if old.root != new.root:
            raise Inconsistent(f"two checkpoints of size {old.size} with different roots: the log was "
                               "rewritten (a fork)")
        return
    if log is None:
        raise Unreachable(f"no log to ask for the proof that size {new.size} extends size {old.size} (give --log)")
    if old.size == 0:  # every tree extends the empty one; but does the log still hold the leaf?
        path = _ask(lambda: log.inclusion(index, new.size),
                    f"the log no longer has a tree of {new.size} leaves: it was cut back", Inconsistent)
        try:
            merkle.verify_inclusion(digest, index, new.size, path, new.root)
        except merkle.ProofError as exc:
            raise Inconsistent(f"the log no longer holds leaf {index} in its tree of {new.size}: {exc}") from None
        return
    proof = _ask(lambda: log.consistency(old.size, new.size),
                 f"the log cannot prove that its tree of {new.size} leaves extends the one of {old.size}: "
                 "it no longer has that tree (the log was cut back or rewritten)", Inconsistent)
    try:
        merkle.verify_consistency(old.size, new.size, old.root, new.root, proof)
    except merkle.ProofError as exc:
        raise Inconsistent(f"the tree of {new.size} leaves does not extend the tree of {old.size}: {exc}") from None


def _ask(call: Any, refused: str, problem: type[ReceiptProblem]) -> list[bytes]:
    try:
        return list(call())
    except LogRefused as exc:
        raise problem(f"{refused} ({exc})") from None
