"""Operations: backing up and restoring docket's database (``docket backup`` and
``docket restore``, here), and the running service's logs and metrics
(:mod:`docket.ops.logs`, :mod:`docket.ops.middleware`, :mod:`docket.ops.metrics`,
``GET /metrics`` in :mod:`docket.ops.api`).

SQLite (:mod:`docket.ops.sqlite`): the online backup API copies one consistent snapshot
while ``docket serve`` keeps writing, and every copy is checked (``PRAGMA
integrity_check`` and the whole audit chain) before it is trusted. PostgreSQL
(:mod:`docket.ops.postgresql`): ``pg_dump`` and ``pg_restore``, which docket prints, or
runs for a backup when asked. The functions here pick the route by the database URL, so
their callers never test the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

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


def backup(*, database_url: str, target: Path, force: bool = False, pg_dump: bool = False,
           progress: Progress | None = None) -> BackupResult:
    """Back the database up to ``target`` and check the copy (see the module's docstring)."""
    if _is_sqlite(database_url):
        if pg_dump:
            raise Refused("--pg-dump is for PostgreSQL; this database is SQLite")
        from docket.ops import sqlite

        return sqlite.backup(database_url=database_url, target=target, force=force,
                             progress=progress)
    from docket.ops import postgresql

    if not pg_dump:
        raise Refused("PostgreSQL is backed up with pg_dump and restored with pg_restore "
                      "into a fresh database; run these (or docket backup --pg-dump FILE):",
                      commands=postgresql.commands(database_url=database_url, file=target))
    return postgresql.dump(database_url=database_url, target=target, force=force,
                           progress=progress)


def restore(*, database_url: str, source: Path, keep: bool = True,
            progress: Progress | None = None) -> RestoreResult:
    """Replace the database with the backup ``source`` once the backup has passed its checks."""
    if _is_sqlite(database_url):
        from docket.ops import sqlite

        return sqlite.restore(database_url=database_url, source=source, keep=keep,
                              progress=progress)
    from docket.ops import postgresql

    raise Refused("PostgreSQL is restored with pg_restore into a fresh database, then "
                  "upgraded and verified; run these, then point DOCKET_DATABASE_URL at it:",
                  commands=postgresql.commands(database_url=database_url, file=source)[1:])


def _is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"
