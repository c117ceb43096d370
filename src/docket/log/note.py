"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys.

A note is UTF-8 text ending in a newline, a blank line, then one line per signature::

    — <key name> <base64(4-byte key hash ‖ 64-byte Ed25519 signature)>

The signature covers the text, its final newline included. A key's hash is the first four
bytes of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key), 0x01 being Ed25519's type.

Keys are written as Go's ``golang.org/x/mod/sumdb/note`` writes them:

- verifier key: ``<name>+<8 hex digits: key hash>+<base64(0x01 ‖ 32-byte public key)>``;
- signing key: ``PRIVATE+KEY+<name>+<key hash>+<base64(0x01 ‖ 32-byte seed)>``.

Opening a note follows Go's ``note.Open``: no control characters but newlines, the
signatures after the last blank line, at most 100 of them; signatures by keys the
verifier does not know are set aside, a bad signature by a known key fails the note, and
at least one known key must have signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
SIGNATURE_PREFIX = "— "  # an em dash and a space
MAX_SIGNATURES = 100
_HEX8 = re.compile(r"^[0-9a-f]{8}$")


class NoteError(ValueError):
    """A key or a note is malformed, or a note's signatures do not verify."""


def key_hash(name: str, public_key: bytes) -> int:
    """The first four bytes, big-endian, of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public_key)."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def valid_name(name: str) -> bool:
    """A key name: not empty, no white space and no ``+``."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


@dataclass(frozen=True)
class Verifier:
    """A public key that checks one name's signatures."""

    name: str
    public_key: bytes

    @property
    def key_hash(self) -> int:
        return key_hash(self.name, self.public_key)

    @property
    def key(self) -> str:
        """The verifier key, as published: ``name+hash+base64(0x01 ‖ key)``."""
        encoded = base64.b64encode(bytes([ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_hash:08x}+{encoded}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        parts = vkey.strip().split("+", 2)  # base64 has '+' too
        if len(parts) != 3:
            raise NoteError("a verifier key is <name>+<key hash>+<key>")
        name, hash_hex, encoded = parts
        raw = _decode_key(name, hash_hex, encoded, "verifier")
        verifier = cls(name, raw)
        if verifier.key_hash != int(hash_hex, 16):
            raise NoteError(f"the verifier key's hash {hash_hex} is not its name's and key's")
        return verifier

    def verifies(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key that signs notes under ``name``."""

    name: str
    seed: bytes = field(repr=False)

    @classmethod
    def generate(cls, name: str) -> Signer:
        if not valid_name(name):
            raise NoteError(f"a key name has no white space and no '+': {name!r}")
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def parse(cls, skey: str) -> Signer:
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signing key is PRIVATE+KEY+<name>+<key hash>+<key>")
        name, hash_hex, encoded = parts[2:]
        signer = cls(name, _decode_key(name, hash_hex, encoded, "signing"))
        if signer.verifier.key_hash != int(hash_hex, 16):
            raise NoteError(f"the signing key's hash {hash_hex} is not its name's and key's")
        return signer

    @property
    def key(self) -> str:
        """The signing key, to keep secret: ``PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)``."""
        encoded = base64.b64encode(bytes([ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_hash:08x}+{encoded}"

    @property
    def verifier(self) -> Verifier:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return Verifier(self.name, public)

    def signature_line(self, text: bytes) -> str:
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(text)
        blob = self.verifier.key_hash.to_bytes(4, "big") + signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"


def _decode_key(name: str, hash_hex: str, encoded: str, kind: str) -> bytes:
    if not valid_name(name):
        raise NoteError(f"the {kind} key's name is not valid: {name!r}")
    if not _HEX8.match(hash_hex):
        raise NoteError(f"the {kind} key's hash is not 8 hex digits: {hash_hex!r}")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise NoteError(f"the {kind} key is not base64") from None
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError(f"the {kind} key is not an Ed25519 key (type 0x01 and 32 bytes)")
    return raw[1:]


def sign(text: str, *signers: Signer) -> str:
    """``text`` as a signed note: the text, a blank line, one signature line per signer."""
    _check_text(text)
    body = text.encode()
    return text + "\n" + "".join(signer.signature_line(body) for signer in signers)


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if "\n\n" in text or text.startswith("\n"):
        raise NoteError("a note's text has no blank line (one separates it from its signatures)")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("a note's text has no control characters but newlines")


@dataclass(frozen=True)
class Signature:
    name: str
    key_hash: int
    signature: bytes


@dataclass(frozen=True)
class Note:
    """An opened note: its text, the signatures that verified and the ones by unknown keys."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]


def open_note(message: bytes | str, verifiers: Iterable[Verifier]) -> Note:
    """Parse a signed note and check its signatures against ``verifiers``; raise
    :class:`NoteError` if it is malformed, a known key's signature is bad, or no known key
    signed it."""
    data = message.encode() if isinstance(message, str) else message
    try:
        decoded = data.decode()
    except UnicodeDecodeError:
        raise NoteError("a note is UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in decoded):
        raise NoteError("a note has no control characters but newlines")
    split = data.rfind(b"\n\n")
    if split < 0:
        raise NoteError("a note's signatures follow a blank line")
    text, block = data[:split + 1], data[split + 2:]
    if not block or not block.endswith(b"\n"):
        raise NoteError("a note ends with a signature line")
    known = {(v.name, v.key_hash): v for v in verifiers}
    verified: dict[tuple[str, int], Signature] = {}
    unverified: dict[bytes, Signature] = {}
    lines = block[:-1].split(b"\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note has at most {MAX_SIGNATURES} signatures")
    for line in lines:
        signature = _signature(line)
        verifier = known.get((signature.name, signature.key_hash))
        if verifier is None:
            unverified.setdefault(line, signature)
            continue
        if (signature.name, signature.key_hash) in verified:
            continue
        if not verifier.verifies(text, signature.signature):
            raise NoteError(f"the signature by {signature.name} ({signature.key_hash:08x}) does not verify")
        verified[signature.name, signature.key_hash] = signature
    if not verified:
        raise NoteError("no known key signed the note")
    return Note(text.decode(), tuple(verified.values()), tuple(unverified.values()))


def _signature(line: bytes) -> Signature:
    prefix = SIGNATURE_PREFIX.encode()
    if not line.startswith(prefix):
        raise NoteError("a signature line starts with '— '")
    name, _, encoded = line[len(prefix):].decode().partition(" ")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise NoteError("a signature is base64") from None
    if not valid_name(name) or not encoded or len(blob) < 5:
        raise NoteError("a signature line is '— <name> <base64 key hash and signature>'")
    return Signature(name, int.from_bytes(blob[:4], "big"), blob[4:])
