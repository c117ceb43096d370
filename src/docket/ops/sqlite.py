"""Backup and restore of an SQLite deployment, with SQLite's online backup API.

**Consistent while serving.** The copy is read in one read transaction held from the
first page to the last: in WAL mode a reader sees one snapshot and never blocks a
writer, so ``docket serve`` carries on writing while the copy is taken, and the copy
is the database as it was at one commit. (Without the held snapshot SQLite's backup
starts over whenever another connection writes between two of its steps, which on a
busy server may be for ever.)

**Beside the database** SQLite keeps ``<db>-wal`` and ``<db>-shm`` (in the snapshot
the backup reads; a restore leaves none behind) and docket keeps ``<db>-limits``, the
rate-limit buckets (docket.ratelimit). The buckets are not backed up and a restore
leaves them as they are: they hold only how full each bucket is, which refills within
a minute, and a missing file is created empty.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from docket import schema, store
from docket.ops.checks import audit_of, known_revision
from docket.ops.results import Audit, BackupResult, Progress, Refused, RestoreResult, audit_dict
from docket.store.sqlite import BUSY_TIMEOUT

PAGES_PER_STEP = 1024  # pages copied between two progress reports (4 MiB at 4 KiB a page)
_HEADER = b"SQLite format 3\x00"
_DOCKET_TABLES = {"alembic_version", "events", "audit_head"}


def database_path(database_url: str) -> Path:
    """The file an ``sqlite:///PATH`` URL names (relative to the working directory)."""
    name = make_url(database_url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise Refused(f"docket backs up an SQLite file, not {database_url!r}")
    return Path(name).absolute()


def backup(*, database_url: str, target: Path, force: bool = False,
           progress: Progress | None = None, pages_per_step: int = PAGES_PER_STEP) -> BackupResult:
    """Copy the database to ``target`` (atomically: a temporary file renamed when complete)
    while it is in use, then check the copy: ``PRAGMA integrity_check`` and the audit chain."""
    started = time.monotonic()
    source, target = database_path(database_url), target.absolute()
    if not source.is_file():
        raise Refused(f"there is no database at {source}")
    if target.exists():
        if not force:
            raise Refused(f"{target} exists; give --force to overwrite it")
        if target.samefile(source):
            raise Refused(f"{target} is the database itself")
    if not target.parent.is_dir():
        raise Refused(f"there is no directory {target.parent}")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        pages = copy(source, partial, progress=progress, pages_per_step=pages_per_step)
        integrity, audit = check(partial, progress=progress)
        _fsync(partial)
        if force:
            os.replace(partial, target)
        else:
            try:  # a link never overwrites: a file that appeared meanwhile is kept
                os.link(partial, target)
            except FileExistsError:
                raise Refused(f"{target} exists; give --force to overwrite it") from None
        _fsync(target.parent)
    finally:
        _remove(partial)
    return BackupResult(
        engine="sqlite", path=str(target), bytes=target.stat().st_size, pages=pages,
        events=audit.events, audit_head={"seq": audit.head_seq, "hash": audit.head_hash},
        integrity=integrity, audit=audit_dict(audit), seconds=round(time.monotonic() - started, 3))


def restore(*, database_url: str, source: Path, keep: bool = True,
            progress: Progress | None = None) -> RestoreResult:
    """Replace the database with the backup ``source``: the backup is copied beside the
    database and checked there first (integrity, docket's schema at a known version, the
    audit chain), upgraded if it is older, and only then swapped in. The database it
    replaces is kept as ``<db>.before-restore-<time>`` unless ``keep`` is false."""
    started = time.monotonic()
    target, source = database_path(database_url), source.absolute()
    if not source.is_file():
        raise Refused(f"there is no file {source}")
    if target.exists() and target.samefile(source):
        raise Refused(f"{source} is the database itself")
    with source.open("rb") as f:
        if f.read(len(_HEADER)) != _HEADER:
            raise Refused(f"{source} is not an SQLite database")
    if not target.exists() and Path(f"{target}-wal").exists():
        # SQLite would replay that log into the restored file.
        raise Refused(f"{target}-wal is left from a database that is gone; move it away first")
    made_directory = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    restored = False
    try:
        copy(source, staging, progress=progress)
        from_revision = _refuse_unless_restorable(source, staging, progress)
        engine = store.make_engine(f"sqlite:///{staging}")
        try:
            if from_revision != store.head_revision(engine):
                schema.upgrade(engine)
            to_revision = store.current_revision(engine)
        finally:
            engine.dispose()
        _single_file(staging)
        kept = _swap(staging, target, keep=keep)
        restored = True
    finally:
        _remove(staging)
        if made_directory and not restored:
            with contextlib.suppress(OSError):  # a refused restore leaves nothing behind
                target.parent.rmdir()
    integrity, audit = check(target, progress=progress)
    if integrity != "ok":  # cannot be, for a file that passed before it was renamed
        raise Refused(f"the restored database failed PRAGMA integrity_check: {integrity}")
    return RestoreResult(
        path=str(target), source=str(source), kept=str(kept) if kept else None,
        from_revision=from_revision, to_revision=to_revision, events=audit.events,
        audit=audit_dict(audit), seconds=round(time.monotonic() - started, 3))


def copy(source: Path, destination: Path, *, progress: Progress | None = None,
         pages_per_step: int = PAGES_PER_STEP) -> int:
    """Copy the SQLite database ``source`` to a new file ``destination`` (one journal-mode
    DELETE file) from one snapshot, with the online backup API; return its pages."""
    destination.unlink(missing_ok=True)
    with _connect(source) as src, _connect(destination) as dst:
        src.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        # The snapshot: a read transaction, begun by its first read, held to the end.
        src.execute("BEGIN")
        try:
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise Refused(f"{source} is not a readable SQLite database: {exc}") from None

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress("copying pages", total - remaining, total)

        src.backup(dst, pages=pages_per_step, progress=step)
        src.execute("ROLLBACK")
        # The copy says WAL as its source did; one self-contained file is what a backup is.
        dst.execute("PRAGMA journal_mode = DELETE")
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
    return pages


def check(path: Path, *, progress: Progress | None = None) -> tuple[str, Audit]:
    """``PRAGMA integrity_check`` and the audit chain of the database file ``path``, read
    without writing to it: ("ok", the audit) or what the integrity check found."""
    with _reading(path) as engine, engine.connect() as conn:
        found = [str(row[0]) for row in conn.execute(text("PRAGMA integrity_check(20)"))]
        integrity = "ok" if found == ["ok"] else "; ".join(found)
        if not set(inspect(conn).get_table_names()) >= _DOCKET_TABLES:
            raise Refused(f"{path} is an SQLite database but not docket's")
        with Session(bind=conn) as session:
            return integrity, audit_of(session=session, progress=progress)


def _refuse_unless_restorable(source: Path, staging: Path, progress: Progress | None) -> str | None:
    """The schema version of the backup (copied to ``staging``); refuse a backup that is
    damaged, not docket's, from a newer docket, or whose audit chain does not verify."""
    with _reading(staging) as engine:
        try:
            tables = set(inspect(engine).get_table_names())
        except sqlite3.DatabaseError as exc:
            raise Refused(f"{source} is not a readable SQLite database: {exc}") from None
        if not tables >= _DOCKET_TABLES:
            raise Refused(f"{source} is an SQLite database but not docket's")
        revision = store.current_revision(engine)
        if not known_revision(engine, revision):
            raise Refused(f"{source} has schema version {revision}, which this docket does not "
                          f"know (it knows up to {store.head_revision(engine)}): restore it "
                          "with the docket that made it, or a newer one")
    integrity, audit = check(staging, progress=progress)
    if integrity != "ok":
        raise Refused(f"{source} is damaged (PRAGMA integrity_check: {integrity})")
    if not audit.ok:
        raise Refused(f"the audit chain in {source} is broken at event {audit.bad_event}: "
                      f"{audit.problem}; nothing was restored", audit=audit_dict(audit))
    return revision


def _swap(staging: Path, target: Path, *, keep: bool) -> Path | None:
    """Put ``staging`` in ``target``'s place, keeping the old file unless ``keep`` is
    false; refuse while another process has the database open (docket serve, a worker)."""
    if not target.exists():
        os.replace(staging, target)
        _fsync(target.parent)
        return None
    kept = None
    with _connect(target, timeout=0) as live:
        try:
            # Leaving WAL mode needs the only connection to the file: any other process
            # that has it open (each holds the WAL's shared memory) makes this fail. It
            # also folds the WAL into the file, so that the file alone is the database.
            live.execute("PRAGMA journal_mode = DELETE").fetchone()
            live.execute("BEGIN EXCLUSIVE")  # and nobody opens it until it has moved
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise Refused(f"{target} is in use (docket serve or docket worker has it open): "
                          "stop them, then restore") from None
        if keep:  # a second name for the old file; the database's name is never missing
            kept = _kept_name(target)
            os.link(target, kept)
        os.replace(staging, target)
        _fsync(target.parent)
        live.execute("ROLLBACK")
    return kept


def _kept_name(target: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    number = 1
    while kept.exists():
        kept = target.with_name(f"{target.name}.before-restore-{stamp}-{number}")
        number += 1
    return kept


def _single_file(path: Path) -> None:
    """Fold ``path``'s WAL into it and leave it in journal mode DELETE (no side files)."""
    with _connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()


@contextlib.contextmanager
def _connect(path: Path, timeout: float = 30.0) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[Engine]:
    """An engine that opens ``path`` read-only (a check never changes what it checks)."""
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True),
                           poolclass=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def _remove(path: Path) -> None:
    """Delete the database file ``path`` and whatever SQLite kept beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
