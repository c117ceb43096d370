"""What backups and restores report: their results, their refusals and their progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

# What a long operation reports as it goes: (what it is doing, done so far, out of).
Progress = Callable[[str, int, int], None]


class Refused(Exception):
    """The operation did nothing (or, for a backup whose checks failed, wrote a copy
    it does not vouch for): ``message`` says why, ``details`` adds what a script needs."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


@dataclass(frozen=True)
class Audit:
    """What ``docket audit verify`` says about a database (or a copy of one)."""

    ok: bool
    events: int
    bad_event: int | None
    problem: str | None
    head_seq: int
    head_hash: str


@dataclass(frozen=True)
class BackupResult:
    engine: str
    path: str
    bytes: int
    pages: int | None  # SQLite's pages; None for a pg_dump archive
    events: int
    audit_head: dict[str, Any]  # {"seq": …, "hash": …} as the copy holds it
    integrity: str  # "ok", or what PRAGMA integrity_check (or pg_restore --list) found
    audit: dict[str, Any]  # the copy's audit verification, as ``docket audit verify --json``
    seconds: float

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and bool(self.audit["ok"])

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


@dataclass(frozen=True)
class RestoreResult:
    path: str  # the database restored
    source: str
    kept: str | None  # where the database it replaced went (None: there was none, or --no-keep)
    from_revision: str | None  # the backup's schema version
    to_revision: str | None  # the restored database's, after upgrading
    events: int
    audit: dict[str, Any]  # the restored database's audit verification
    seconds: float

    @property
    def ok(self) -> bool:
        return bool(self.audit["ok"])

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def audit_dict(audit: Audit) -> dict[str, Any]:
    """``audit`` as ``docket audit verify --json`` prints it, with the chain's head."""
    return {"ok": audit.ok, "events": audit.events, "bad_event": audit.bad_event,
            "problem": audit.problem, "head": {"seq": audit.head_seq, "hash": audit.head_hash}}
