"""A witness of a docket log: keeps every checkpoint it accepted, and accepts a new one only
if the log proves that it extends the last one held (``docket log witness``).

A log that rewrote its history must either show a witness a checkpoint that no
consistency proof links to the one it holds (a fork), or a smaller tree (a rollback), or
sign with another key: each is an alarm with an exit code of its own (:class:`Outcome`).
The witness needs no database and no trust in the log beyond its verifier key, which it
is given or pins on its first run.

The state directory holds ``verifier-key`` (the pinned key), ``checkpoints/<size>`` (every
checkpoint accepted, the signed note byte for byte, the size as 20 digits), ``latest`` (a
copy of the largest) and ``lock``. Every file is written atomically (a temporary file,
fsync, rename), and a run holds ``lock`` throughout, so a run from cron that overlaps the
previous one stops at once instead of racing it.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

import httpx

from docket.log import merkle
from docket.log.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from docket.log.note import NoteError, Verifier

TIMEOUT = 30.0
SIZE_DIGITS = 20


class Outcome(IntEnum):
    """The witness's exit codes (docs/verifiable-log.md, "Witnesses")."""

    ok = 0  # a new checkpoint accepted, or the same one as held
    local = 1  # the state directory cannot be used, or a bad --verifier-key
    unreachable = 3  # the log did not answer, or not with a checkpoint or a proof
    bad_signature = 4  # the checkpoint is malformed or not signed by the log's key
    key_changed = 5  # the log's key is not the one pinned
    rollback = 6  # the log's tree is smaller than the checkpoint held
    fork = 7  # another root at the size held, or a consistency proof that fails
    busy = 8  # another run holds the state directory


class WitnessError(Exception):
    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message


@dataclass(frozen=True)
class Witnessed:
    status: str  # "first" (nothing was held), "new" (a larger tree, proved consistent), "same"
    checkpoint: Checkpoint
    held: Checkpoint | None  # what was held before this run

    def as_dict(self) -> dict[str, Any]:
        return {"ok": True, "status": self.status, "size": self.checkpoint.size,
                "root": base64.b64encode(self.checkpoint.root).decode(),
                "held_size": None if self.held is None else self.held.size}


def witness(url: str, state: Path, verifier_key: str | None = None, *,
            client: httpx.Client | None = None) -> Witnessed:
    """Fetch the latest checkpoint of the log whose API base is ``url`` (e.g.
    ``https://docket.example.org/api/v1/log``), check it against what ``state`` holds, and
    keep it; raise :class:`WitnessError` on anything but a checkpoint that extends the
    one held."""
    base = url.rstrip("/").removesuffix("/checkpoint")  # the checkpoint's own URL names the same log
    given = _parse_key(verifier_key) if verifier_key is not None else None
    try:
        state.mkdir(parents=True, exist_ok=True)
        (state / "checkpoints").mkdir(exist_ok=True)
    except OSError as exc:
        raise WitnessError(Outcome.local, f"cannot use the state directory {state}: {exc.strerror}") from None
    own = client is None
    http = client if client is not None else httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    try:
        with _locked(state):
            return _witness(base, state, given, http)
    finally:
        if own:
            http.close()


def _witness(base: str, state: Path, given: Verifier | None, http: httpx.Client) -> Witnessed:
    verifier = _verifier(base, state, given, http)
    note = _get(http, f"{base}/checkpoint", "the latest checkpoint").content
    try:
        latest = open_checkpoint(note, verifier)
    except CheckpointError as exc:
        served = _served_key(base, http)
        if served is not None and served != verifier.key:
            raise WitnessError(Outcome.key_changed, f"the log's key is now {served}, not the pinned "
                                                    f"{verifier.key}: {exc}") from None
        raise WitnessError(Outcome.bad_signature, f"the latest checkpoint does not verify: {exc}") from None
    held = _held(state, verifier)
    if held is None:
        _keep(state, latest, note)
        return Witnessed("first", latest, None)
    if latest.size < held.size:
        raise WitnessError(Outcome.rollback, f"rollback: the log's latest checkpoint has {latest.size} leaves, "
                                             f"fewer than the {held.size} of the checkpoint held")
    if latest.size == held.size:
        if latest.root != held.root:
            raise WitnessError(Outcome.fork, f"fork: two roots for the tree of {held.size} leaves, "
                                             f"{_b64(held.root)} held and {_b64(latest.root)} served")
        return Witnessed("same", latest, held)
    if held.size > 0:
        proof = _consistency(http, base, held.size, latest.size)
        try:
            merkle.verify_consistency(held.size, latest.size, held.root, latest.root, proof)
        except merkle.ProofError as exc:
            raise WitnessError(Outcome.fork, f"fork: the tree of {latest.size} leaves is not proved to extend "
                                             f"the one of {held.size} held: {exc}") from None
    _keep(state, latest, note)
    return Witnessed("new", latest, held)


def _parse_key(text: str) -> Verifier:
    try:
        return Verifier.parse(text)
    except NoteError as exc:
        raise WitnessError(Outcome.local, f"the verifier key: {exc}") from None


def _verifier(base: str, state: Path, given: Verifier | None, http: httpx.Client) -> Verifier:
    """The key to hold the log to: the pinned one, which ``given`` must equal; else
    ``given``, or the log's own on the first run, pinned from then on."""
    path = state / "verifier-key"
    try:
        pinned_text = path.read_text()
    except FileNotFoundError:
        pinned_text = None
    except OSError as exc:
        raise WitnessError(Outcome.local, f"cannot read {path}: {exc.strerror}") from None
    if pinned_text is not None:
        try:
            pinned = Verifier.parse(pinned_text)
        except NoteError as exc:
            raise WitnessError(Outcome.local, f"{path}: {exc}") from None
        if given is not None and given.key != pinned.key:
            raise WitnessError(Outcome.key_changed, f"the key given, {given.key}, is not the one pinned in "
                                                    f"{path}, {pinned.key}")
        return pinned
    if given is None:
        answer = _get(http, f"{base}/key", "the log's verifier key").text
        try:
            given = Verifier.parse(answer)
        except NoteError as exc:
            raise WitnessError(Outcome.bad_signature, f"the log's verifier key is malformed: {exc}") from None
    _write(path, (given.key + "\n").encode())
    return given


def _served_key(base: str, http: httpx.Client) -> str | None:
    """The key the log serves now, if it answers with one."""
    try:
        return Verifier.parse(_get(http, f"{base}/key", "the log's verifier key").text).key
    except (WitnessError, NoteError):
        return None


def _held(state: Path, verifier: Verifier) -> Checkpoint | None:
    """The largest checkpoint held, opened again with the pinned key."""
    sizes = sorted(p.name for p in (state / "checkpoints").iterdir()
                   if len(p.name) == SIZE_DIGITS and p.name.isdigit())
    if not sizes:
        return None
    path = state / "checkpoints" / sizes[-1]
    try:
        return open_checkpoint(path.read_bytes(), verifier)
    except CheckpointError as exc:
        raise WitnessError(Outcome.local, f"the checkpoint held in {path} does not verify: {exc}") from None


def _keep(state: Path, checkpoint: Checkpoint, note: bytes) -> None:
    _write(state / "checkpoints" / f"{checkpoint.size:0{SIZE_DIGITS}d}", note)
    _write(state / "latest", note)


def _consistency(http: httpx.Client, base: str, old: int, new: int) -> list[bytes]:
    what = f"a consistency proof from {old} to {new} leaves"
    answer = _get(http, f"{base}/proofs/consistency", what, params={"old": old, "new": new})
    try:
        body = answer.json()
        if body.get("old") != old or body.get("new") != new or not isinstance(body.get("hashes"), list):
            raise ValueError("not the proof asked for")
        return [base64.b64decode(h, validate=True) for h in body["hashes"]]
    except (ValueError, TypeError, AttributeError, binascii.Error) as exc:
        raise WitnessError(Outcome.unreachable, f"the log's answer is not {what}: {exc}") from None


def _get(http: httpx.Client, url: str, what: str, params: dict[str, int] | None = None) -> httpx.Response:
    try:
        # Not from a cache: a witness must see what the log says now.
        answer = http.get(url, params=params, headers={"Cache-Control": "no-cache"})
    except httpx.HTTPError as exc:
        raise WitnessError(Outcome.unreachable, f"cannot reach {url} for {what}: {exc}") from None
    if answer.status_code != 200:
        raise WitnessError(Outcome.unreachable, f"{url} answered {answer.status_code} when asked for {what}")
    return answer


def _write(path: Path, data: bytes) -> None:
    """Write ``path`` atomically: a reader sees the old file or the whole new one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise WitnessError(Outcome.local, f"cannot write {path}: {exc.strerror}") from None


@contextmanager
def _locked(state: Path) -> Iterator[None]:
    try:
        fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WitnessError(Outcome.local, f"cannot open {state / 'lock'}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WitnessError(Outcome.busy, f"another witness run holds {state}") from None
        yield
    finally:
        os.close(fd)


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()
