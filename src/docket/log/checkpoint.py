"""C2SP checkpoints (https://c2sp.org/tlog-checkpoint): what a log signs about its tree.

The body is three lines and optional extension lines, each ending in a newline::

    <origin>
    <tree size, decimal>
    <root hash, standard base64 with padding>
    [extension lines]

signed as a C2SP signed note (:mod:`docket.log.note`). The origin names the log (a URL
without its scheme, e.g. ``docket.example.org/log``) and is the signing key's name, so a
verifier that knows the key knows which log it is reading.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from docket.log.merkle import HASH_SIZE
from docket.log.note import NoteError, Signer, Verifier, open_note, sign

_SIZE = re.compile(r"^(0|[1-9][0-9]*)$")


class CheckpointError(ValueError):
    """A checkpoint is malformed, unsigned by the expected key, or for another log."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or any(c.isspace() for c in self.origin):
            raise CheckpointError(f"a checkpoint's origin is one word: {self.origin!r}")
        if self.size < 0:
            raise CheckpointError("a checkpoint's tree size is not negative")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError(f"a checkpoint's root hash is {HASH_SIZE} bytes")
        if any(not line or "\n" in line for line in self.extensions):
            raise CheckpointError("a checkpoint's extension lines are not empty and are one line each")

    @property
    def body(self) -> str:
        """The note text: the origin, size and root lines, then the extension lines."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """The checkpoint whose note text is ``body``."""
        if not body.endswith("\n"):
            raise CheckpointError("a checkpoint ends with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("a checkpoint has an origin, a tree size and a root hash line")
        origin, size, root, *extensions = lines
        if not _SIZE.match(size):
            raise CheckpointError(f"a checkpoint's tree size is a decimal number: {size!r}")
        try:
            digest = base64.b64decode(root, validate=True)
        except binascii.Error:
            raise CheckpointError("a checkpoint's root hash is base64") from None
        return cls(origin, int(size), digest, tuple(extensions))

    def sign(self, signer: Signer) -> str:
        """The signed checkpoint, signed by ``signer``, whose name must be the origin."""
        if signer.name != self.origin:
            raise CheckpointError(f"the key {signer.name!r} does not sign for the log {self.origin!r}")
        return sign(self.body, signer)


def open_checkpoint(message: bytes | str, verifier: Verifier,
                    also: Iterable[Verifier] = ()) -> Checkpoint:
    """The checkpoint in a signed note, which ``verifier`` (the log's key, named as its
    origin) must have signed; cosignatures by ``also`` (witnesses) are checked if present."""
    try:
        note = open_note(message, [verifier, *also])
    except NoteError as exc:
        raise CheckpointError(f"the checkpoint's signature: {exc}") from None
    if not any(s.name == verifier.name and s.key_hash == verifier.key_hash for s in note.verified):
        raise CheckpointError(f"the log's key {verifier.name} did not sign the checkpoint")
    checkpoint = Checkpoint.parse(note.text)
    if checkpoint.origin != verifier.name:
        raise CheckpointError(f"the checkpoint is for {checkpoint.origin!r}, not {verifier.name!r}")
    return checkpoint
