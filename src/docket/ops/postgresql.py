"""Backup and restore of a PostgreSQL deployment: ``pg_dump`` and ``pg_restore``.

docket prints the commands (with no password in them: libpq takes it from
``PGPASSWORD`` or ``~/.pgpass``); ``docket backup --pg-dump FILE`` runs the dump
itself, from a snapshot it exports and verifies the audit chain in, so the archive and
the verified chain are the same state of the database.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from docket import store
from docket.ops.checks import audit_of
from docket.ops.results import BackupResult, Progress, Refused, audit_dict


def commands(*, database_url: str, file: Path) -> list[str]:
    """The documented route, as shell commands: dump; create a fresh database
    ``<name>_restored``; restore into it; upgrade its schema; verify its audit chain."""
    url = make_url(database_url).set(password=None)
    fresh = f"{url.database}_restored"
    docket_fresh = _render(url.set(drivername="postgresql+psycopg", database=fresh))
    q = shlex.quote
    return [
        f"pg_dump --format=custom --file={q(str(file))} --dbname={q(_libpq(url))}",
        f"createdb --template=template0 --maintenance-db={q(_libpq(url))} {q(fresh)}",
        "pg_restore --clean --if-exists --no-owner --exit-on-error "
        f"--dbname={q(_libpq(url.set(database=fresh)))} {q(str(file))}",
        f"DOCKET_DATABASE_URL={q(docket_fresh)} docket db upgrade",
        f"DOCKET_DATABASE_URL={q(docket_fresh)} docket audit verify",
    ]


def dump(*, database_url: str, target: Path, force: bool = False,
         progress: Progress | None = None) -> BackupResult:
    """Run ``pg_dump --format=custom`` into ``target`` (a temporary file renamed when
    complete) and verify the audit chain in the snapshot it dumped."""
    started = time.monotonic()
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        raise Refused("pg_dump and pg_restore are not on PATH (install PostgreSQL's client "
                      "programs, of the server's version or newer)",
                      commands=commands(database_url=database_url, file=target))
    target = target.absolute()
    if target.exists() and not force:
        raise Refused(f"{target} exists; give --force to overwrite it")
    if not target.parent.is_dir():
        raise Refused(f"there is no directory {target.parent}")
    url = make_url(database_url)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    engine = store.make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        with store.read_snapshot(engine) as conn:
            # pg_dump reads the snapshot this transaction exported, so the chain verified
            # below is the one in the archive.
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            if progress is not None:
                progress("pg_dump", 0, 1)
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}",
                  f"--dbname={_libpq(url.set(password=None))}"], env, "pg_dump")
            if progress is not None:
                progress("pg_dump", 1, 1)
            with Session(bind=conn) as session:
                audit = audit_of(session=session, progress=progress)
        listed = subprocess.run([pg_restore, "--list", str(partial)], capture_output=True,
                                text=True, check=False)
        integrity = ("ok" if listed.returncode == 0
                     else f"pg_restore --list: {listed.stderr.strip()}")
        if force:
            os.replace(partial, target)
        else:  # a link never overwrites: a file that appeared meanwhile is kept
            os.link(partial, target)
    except FileExistsError:
        raise Refused(f"{target} exists; give --force to overwrite it") from None
    finally:
        partial.unlink(missing_ok=True)
        engine.dispose()
    return BackupResult(
        engine="postgresql", path=str(target), bytes=target.stat().st_size, pages=None,
        events=audit.events, audit_head={"seq": audit.head_seq, "hash": audit.head_hash},
        integrity=integrity, audit=audit_dict(audit), seconds=round(time.monotonic() - started, 3))


def _run(argv: list[str], env: dict[str, str], name: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Refused(f"{name} failed (exit {done.returncode}): {done.stderr.strip()}")


def _libpq(url: URL) -> str:
    """``url`` as libpq reads it (``postgresql://``, no driver name)."""
    return _render(url.set(drivername="postgresql"))


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)
