"""Where documents' bytes live: one copy per distinct content, named by its SHA-256 — in
the database (``document_blobs.content``, the default, on both engines), or in files of
a directory (DOCKET_DOCUMENT_DIR) for deployments whose documents would swell the
database. Each distinct content has its row in ``document_blobs`` either way (its size,
and NULL content when the file holds it), so documents reference it and reads find it
wherever it was written, after the setting changed too."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docket.documents.models import Blob
from docket.errors import DocketError
from docket.settings import Settings

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Unavailable(DocketError):
    """A document's content cannot be read back as it was stored: its file is gone or
    altered (the directory store), or the setting that names its directory is unset."""

    status, title, slug = 503, "Document unavailable", "document-unavailable"


class Blobs:
    """The content store of one configuration: the database, or ``directory``."""

    def __init__(self, directory: str | None = None) -> None:
        self.directory = Path(directory) if directory else None

    @classmethod
    def of(cls, settings: Settings) -> Blobs:
        return cls(settings.document_dir)

    def put(self, session: Session, *, sha256: str, data: bytes) -> bool:
        """Keep ``data`` (whose hash is ``sha256``) unless the same content is kept already;
        True if this call added it. In the caller's transaction; a file is written (and
        synced) before the row that names it, so a committed row always has its file."""
        _check(sha256)
        if session.get(Blob, sha256) is not None:
            return False
        if self.directory is not None:
            _write_file(self.directory, sha256, data)
        # A savepoint, so that a concurrent upload of the same bytes that stored them first
        # (the primary key) undoes only this insert: both documents share its blob.
        try:
            with session.begin_nested():
                session.add(Blob(sha256=sha256, size=len(data),
                                 content=None if self.directory is not None else data))
        except IntegrityError:
            return False
        return True

    def get(self, session: Session, *, sha256: str) -> bytes:
        """The content named ``sha256``, checked against its hash."""
        _check(sha256)
        content = session.execute(select(Blob.content).where(Blob.sha256 == sha256)).scalar_one_or_none()
        if content is None:
            content = self._read_file(sha256)
        if hashlib.sha256(content).hexdigest() != sha256:
            raise Unavailable(f"the stored content {sha256} does not match its hash; restore it from a backup")
        return bytes(content)

    def _read_file(self, sha256: str) -> bytes:
        if self.directory is None:
            raise Unavailable(f"the content {sha256} is kept in a directory, and DOCKET_DOCUMENT_DIR is not set")
        try:
            return (self.directory / sha256).read_bytes()
        except OSError as exc:
            raise Unavailable(f"the content {sha256} cannot be read from DOCKET_DOCUMENT_DIR "
                              f"({exc.strerror or type(exc).__name__})") from None


def _check(sha256: str) -> None:
    """A hash, never anything that could name another path."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")


def _write_file(directory: Path, sha256: str, data: bytes) -> None:
    """Write ``data`` as ``directory/sha256``, atomically: a temporary file in the same
    directory, synced, renamed over the name, then the directory synced, so that a crash
    leaves either no file or the whole one. The same name always holds the same bytes, so
    two writers racing both succeed."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / sha256
    if target.exists():
        return
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{sha256}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    folder = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
