"""A leaf's data: the event's ``seq`` in clear and every other field as a salted commitment.

The leaf data of an event commits to each of its fields separately, so that a receipt can
show its holder some fields (each with its salt) and keep the others hidden, while the
leaf's hash stays what the log signed::

    {"commitments":{"action":"<hex>","actor":"<hex>","at":"<hex>","payload.outcome":"<hex>",…,
     "subject":"<hex>"},"format":"docket-leaf/2","seq":42}

- The fields: ``action``, ``actor``, ``at`` (the time as the chain writes it,
  ``2026-12-03T05:00:00.000000Z``), ``subject``, and each top-level key ``k`` of the
  payload as ``payload.k`` (an empty payload: no ``payload.`` fields).
- ``salt(f) = HMAC-SHA256(key=nonce, msg=UTF-8 of f)``, from the leaf's 16-byte nonce,
  which stays in the database: one salt discloses one field and nothing else.
- ``commitment(f) = SHA-256(salt(f) ‖ canonical JSON of f's value)``, in lower-case hex.
- Canonical JSON (:func:`canonical`): keys sorted by code point, no white space, UTF-8,
  only ``"``, ``\\`` and control characters escaped (``\\n``-style where JSON has a short
  form, else ``\\u00xx``), integers in decimal, no NaN or infinity: what Python's
  ``json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
  allow_nan=False)`` writes. The leaf data itself is written the same way.

Nothing here reads a database: the sealer (docket.audit.sealer), ``docket log verify`` and
``docket-verify`` all use these functions, so there is one definition of the format.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FORMAT = "docket-leaf/2"
EVENT_FIELDS = ("action", "actor", "at", "subject")
PAYLOAD_PREFIX = "payload."
SALT_BYTES = 32
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class LeafError(ValueError):
    """Leaf data is malformed, or a disclosed field does not match its commitment."""


# Made once: json.dumps with these options would build an encoder on every call, and the
# sealer encodes every field of every event.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_quote: Callable[[str], str] = json.encoder.encode_basestring  # what the encoder itself writes a string with


def canonical(value: Any) -> bytes:
    """``value``'s canonical JSON, UTF-8 (see the module's docstring)."""
    kind = type(value)
    if kind is str:  # most fields: what the encoder writes for a string, without its overhead
        return _quote(value).encode()
    if kind is int:
        return b"%d" % value
    try:
        return _ENCODER.encode(value).encode()
    except (TypeError, ValueError) as exc:
        raise LeafError(f"a field's value is not plain JSON: {exc}") from None


def event_fields(*, action: str, actor: str, at: str, subject: str,
                 payload: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an event a leaf commits to, by name (``payload.<key>`` for each key of
    the payload). ``at`` is the time as the chain writes it."""
    fields: dict[str, Any] = {"action": action, "actor": actor, "at": at, "subject": subject}
    for key, value in payload.items():
        fields[PAYLOAD_PREFIX + str(key)] = value
    return fields


def salt(nonce: bytes, name: str) -> bytes:
    """HMAC-SHA256(key=nonce, msg=name): the salt of one field."""
    return _Salts(nonce)(name)


_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))


class _Salts:
    """HMAC-SHA256 under one key for many messages: RFC 2104 with the padded keys' hash
    states made once (a field's salt then costs two SHA-256 copies, about a third of
    ``hmac.digest``'s time; the sealer salts every field of every event)."""

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        padded = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(padded.translate(_IPAD))
        self._outer = hashlib.sha256(padded.translate(_OPAD))

    def __call__(self, name: str) -> bytes:
        inner = self._inner.copy()
        inner.update(name.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def commitment(salt_: bytes, value: Any) -> str:
    """SHA-256(salt ‖ canonical JSON of value), hex: what the leaf data holds for a field."""
    return hashlib.sha256(salt_ + canonical(value)).hexdigest()


def leaf_data(*, seq: int, fields: Mapping[str, Any], nonce: bytes) -> bytes:
    """The leaf data of event ``seq`` whose fields (:func:`event_fields`) are ``fields``."""
    salts = _Salts(nonce)
    # canonical() of {"commitments": {...}, "format": FORMAT, "seq": seq}, written directly
    # (the commitments are hex and need no escaping; tests/log/test_leaf.py holds the two equal).
    inner = ",".join(f'{_quote(name)}:"{commitment(salts(name), fields[name])}"'
                     for name in sorted(fields))
    return f'{{"commitments":{{{inner}}},"format":"{FORMAT}","seq":{int(seq)}}}'.encode()


def disclose(*, fields: Mapping[str, Any], nonce: bytes, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The fields ``names`` (those the event has) with their values and salts, for a
    receipt: ``{name: {"value": …, "salt": "<hex>"}}``."""
    salts = _Salts(nonce)
    return {name: {"value": fields[name], "salt": salts(name).hex()}
            for name in sorted(set(names)) if name in fields}


@dataclass(frozen=True)
class Leaf:
    """Leaf data, read: the event's ``seq`` and its fields' commitments."""

    seq: int
    commitments: dict[str, str]


def parse(data: bytes | str) -> Leaf:
    """Read leaf data; raise :class:`LeafError` unless it is this format, written canonically."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        parsed = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise LeafError("the leaf data is not JSON") from None
    if not isinstance(parsed, dict) or set(parsed) != {"commitments", "format", "seq"}:
        raise LeafError("the leaf data has exactly the keys commitments, format and seq")
    if parsed["format"] != FORMAT:
        raise LeafError(f"the leaf data's format is {parsed['format']!r}, not {FORMAT!r}")
    seq, commitments = parsed["seq"], parsed["commitments"]
    if type(seq) is not int or seq < 1:
        raise LeafError("the leaf data's seq is a positive integer")
    if not isinstance(commitments, dict) or not all(
            isinstance(v, str) and _HEX64.match(v) for v in commitments.values()):
        raise LeafError("the leaf data's commitments are 64 hex digits each")
    if canonical(parsed) != raw:
        raise LeafError("the leaf data is not written canonically")
    return Leaf(seq, commitments)


def check_disclosed(leaf: Leaf, disclosed: Mapping[str, Any]) -> None:
    """Check each disclosed field (``{"value", "salt"}``) against the leaf's commitment to
    it; raise :class:`LeafError` naming the first that does not match."""
    for name, shown in disclosed.items():
        if not isinstance(shown, Mapping) or set(shown) != {"value", "salt"}:
            raise LeafError(f"the disclosed field {name!r} has a value and a salt")
        expected = leaf.commitments.get(name)
        if expected is None:
            raise LeafError(f"the leaf commits to no field {name!r}")
        try:
            salt_ = bytes.fromhex(shown["salt"]) if isinstance(shown["salt"], str) else b""
        except ValueError:
            salt_ = b""
        if len(salt_) != SALT_BYTES:
            raise LeafError(f"the salt of {name!r} is {SALT_BYTES} bytes in hex")
        if not hmac.compare_digest(commitment(salt_, shown["value"]), expected):
            raise LeafError(f"the field {name!r} is not the value the log committed to")
