"""The leaf data format (docket.log.leaf): a salted commitment per field, rebuilt here from
docs/verifiable-log.md alone (hashlib and hmac, no docket code) and checked against
docket's; disclosed fields open their commitments and nothing else."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docket.log import leaf, merkle

NONCE = bytes(range(16))
EVENT = {"action": "request:received", "actor": "submitter:7", "at": "2026-12-03T05:00:00.000000Z",
         "subject": "request:19", "payload": {"jurisdiction": "KZ", "items": [31, 32]}}


def fields_of(event: dict[str, Any]) -> dict[str, Any]:
    return leaf.event_fields(action=event["action"], actor=event["actor"], at=event["at"],
                             subject=event["subject"], payload=event["payload"])


def by_the_book(seq: int, event: dict[str, Any], nonce: bytes) -> bytes:
    """The leaf data as docs/verifiable-log.md describes it, written out by hand."""
    def canonical(value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ",".join(f"{canonical(k)}:{canonical(value[k])}" for k in sorted(value)) + "}"
        if isinstance(value, list):
            return "[" + ",".join(canonical(v) for v in value) + "]"
        if isinstance(value, str):
            short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
            return '"' + "".join(short.get(c, f"\\u{ord(c):04x}" if ord(c) < 0x20 else c) for c in value) + '"'
        if value is True or value is False or value is None:
            return {True: "true", False: "false", None: "null"}[value]
        return str(int(value))

    named = {name: event[name] for name in ("action", "actor", "at", "subject")}
    named.update({f"payload.{k}": v for k, v in event["payload"].items()})
    commitments = {}
    for name, value in named.items():
        salt = hmac.new(nonce, name.encode(), hashlib.sha256).digest()
        commitments[name] = hashlib.sha256(salt + canonical(value).encode()).hexdigest()
    return canonical({"commitments": commitments, "format": "docket-leaf/2", "seq": seq}).encode()


def test_the_documented_example_is_what_docket_writes() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "verifiable-log.md").read_text()
    data = leaf.leaf_data(seq=42, fields=fields_of(EVENT), nonce=NONCE)
    assert data == by_the_book(42, EVENT, NONCE)
    assert data.decode() in doc
    assert merkle.leaf_hash(data).hex() in doc
    assert leaf.salt(NONCE, "payload.jurisdiction").hex() in doc
    assert re.search(r"nonce `000102030405060708090a0b0c0d0e0f`", doc)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@given(payload=st.dictionaries(st.text(max_size=12), json_values, max_size=6), text=st.text(),
       seq=st.integers(1, 2**40), nonce=st.binary(min_size=16, max_size=16))
def test_any_event_is_written_as_the_page_says(payload: dict[str, Any], text: str, seq: int, nonce: bytes) -> None:
    event = {**EVENT, "actor": text, "payload": payload}
    data = leaf.leaf_data(seq=seq, fields=fields_of(event), nonce=nonce)
    assert data == by_the_book(seq, event, nonce)
    parsed = leaf.parse(data)
    shown = leaf.disclose(fields=fields_of(event), nonce=nonce, names=fields_of(event))
    leaf.check_disclosed(parsed, shown)  # every field opens its own commitment


def test_a_disclosed_field_opens_its_commitment_and_hides_the_others() -> None:
    fields = fields_of(EVENT)
    data = leaf.leaf_data(seq=42, fields=fields, nonce=NONCE)
    assert b"KZ" not in data and b"submitter:7" not in data and NONCE.hex().encode() not in data
    shown = leaf.disclose(fields=fields, nonce=NONCE, names=["action", "payload.jurisdiction", "no.such"])
    assert sorted(shown) == ["action", "payload.jurisdiction"]
    assert shown["payload.jurisdiction"]["value"] == "KZ"
    parsed = leaf.parse(data)
    leaf.check_disclosed(parsed, shown)
    # Another nonce, the same event: other commitments (a leaf hash tells nothing of the event).
    assert leaf.leaf_data(seq=42, fields=fields, nonce=bytes(16)) != data


@pytest.mark.parametrize("change, problem", [
    (lambda d: {**d, "payload.jurisdiction": {**d["payload.jurisdiction"], "value": "DE"}}, "not the value"),
    (lambda d: {**d, "payload.jurisdiction": {**d["payload.jurisdiction"], "salt": d["action"]["salt"]}},
     "not the value"),
    (lambda d: {**d, "payload.jurisdiction": {**d["payload.jurisdiction"], "salt": "00"}}, "32 bytes"),
    (lambda d: {**d, "payload.notes": {"value": "x", "salt": "00" * 32}}, "no field 'payload.notes'"),
    (lambda d: {**d, "action": {"value": "request:received"}}, "a value and a salt"),
], ids=["value", "another-fields-salt", "short-salt", "unknown-field", "no-salt"])
def test_a_forged_disclosure_is_refused(change: Any, problem: str) -> None:
    fields = fields_of(EVENT)
    parsed = leaf.parse(leaf.leaf_data(seq=42, fields=fields, nonce=NONCE))
    shown = leaf.disclose(fields=fields, nonce=NONCE, names=["action", "payload.jurisdiction"])
    with pytest.raises(leaf.LeafError, match=problem):
        leaf.check_disclosed(parsed, change(shown))


@pytest.mark.parametrize("data, problem", [
    (b"not json", "not JSON"),
    (b'{"commitments":{},"format":"docket-leaf/1","seq":1}', "format"),
    (b'{"commitments":{},"format":"docket-leaf/2","seq":0}', "positive"),
    (b'{"commitments":{"a":"00"},"format":"docket-leaf/2","seq":1}', "64 hex"),
    (b'{"seq":1,"format":"docket-leaf/2","commitments":{}}', "canonically"),
    (b'{"commitments":{},"format":"docket-leaf/2","seq":1,"x":1}', "exactly the keys"),
])
def test_malformed_leaf_data_is_refused(data: bytes, problem: str) -> None:
    with pytest.raises(leaf.LeafError, match=problem):
        leaf.parse(data)


def test_canonical_json_refuses_what_json_cannot_say() -> None:
    with pytest.raises(leaf.LeafError):
        leaf.canonical(float("nan"))
    assert leaf.canonical({"b": "é\n", "a": [1, None]}) == json.dumps(
        {"a": [1, None], "b": "é\n"}, separators=(",", ":"), ensure_ascii=False).encode()


@given(key=st.binary(max_size=100), name=st.text(max_size=30))
def test_a_salt_is_hmac_sha256_of_the_name_under_the_nonce(key: bytes, name: str) -> None:
    assert leaf.salt(key, name) == hmac.new(key, name.encode(), hashlib.sha256).digest()
