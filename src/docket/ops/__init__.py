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

from pathlib import Path

from sqlalchemy.engine import make_url

from docket.ops.results import Audit, BackupResult, Progress, Refused, RestoreResult, audit_dict

__all__ = ["Audit", "BackupResult", "Progress", "Refused", "RestoreResult", "audit_dict", "backup", "restore"]


def backup(*, database_url: str, target: Path, force: bool = False, pg_dump: bool = False,
           progress: Progress | None = None) -> BackupResult:
    """Back the database up to ``target`` and check the copy (see the module's docstring)."""
    if _is_sqlite(database_url):
        if pg_dump:
            raise Refused("--pg-dump is for PostgreSQL; this database is SQLite")
        # The backends are imported here, not at the top: every module that logs imports
        # this package (errors imports ops.logs), and the backends import the schema, the
        # catalog and the audit chain, which import errors: a cycle at import time.
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
