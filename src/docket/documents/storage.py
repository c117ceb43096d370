"""Where documents' bytes live: one copy per distinct content, named by its SHA-256 — in
the database (``document_blobs.content``, the default, on both engines), in files of a
directory (DOCKET_DOCUMENT_DIR), or as objects in an S3-compatible bucket
(DOCKET_DOCUMENT_S3_URL), for deployments whose documents would swell the database.
Each distinct content has its row in ``document_blobs`` either way (its size, and NULL
content when a file or an object holds it), so documents reference it and reads find it
wherever it was written: rows with content in the database, rows without in the one
place outside it that is configured (docs/operations.md, "Documents")."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docket import runtime
from docket.documents.models import Blob
from docket.errors import DocketError
from docket.settings import Settings

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
log = logging.getLogger("docket.documents")

# Bounds on each call to the bucket, so that a slow or unreachable service costs a request
# at most about S3_ATTEMPTS × (connect + read) seconds, then a 503, never a hung worker.
S3_CONNECT_TIMEOUT_SECONDS = 5.0
S3_READ_TIMEOUT_SECONDS = 30.0
S3_ATTEMPTS = 3  # in all, the first try included (botocore's "standard" retries, with backoff)


class Unavailable(DocketError):
    """A document's content cannot be stored or read back as it was stored: its file or
    object is gone or altered, the bucket's service fails or cannot be reached, or no
    setting names the place outside the database that holds it."""

    status, title, slug = 503, "Document unavailable", "document-unavailable"


class Blobs:
    """The content store of one configuration: the database, ``directory``, or ``bucket``."""

    def __init__(self, directory: str | None = None, *, bucket: Bucket | None = None) -> None:
        if directory and bucket is not None:
            raise ValueError("documents' content goes to a directory or a bucket, not both")
        self.directory = Path(directory) if directory else None
        self.bucket = bucket

    @classmethod
    def of(cls, settings: Settings) -> Blobs:
        return cls(settings.document_dir, bucket=Bucket.of(settings))

    @property
    def outside(self) -> bool:
        """Whether new content is kept outside the database."""
        return self.directory is not None or self.bucket is not None

    def put(self, session: Session, *, sha256: str, data: bytes) -> bool:
        """Keep ``data`` (whose hash is ``sha256``) unless the same content is kept already;
        True if this call added it. In the caller's transaction; a file is written (and
        synced) or an object stored before the row that names it, so a committed row always
        has its file or object; :class:`Unavailable` when the bucket cannot take it."""
        _check(sha256)
        if session.get(Blob, sha256) is not None:
            return False
        if self.bucket is not None:
            self.bucket.put(session, sha256=sha256, data=data)
        elif self.directory is not None:
            _write_file(self.directory, sha256, data)
        # A savepoint, so that a concurrent upload of the same bytes that stored them first
        # (the primary key) undoes only this insert: both documents share its blob.
        try:
            with session.begin_nested():
                session.add(Blob(sha256=sha256, size=len(data),
                                 content=None if self.outside else data))
        except IntegrityError:
            return False
        return True

    def get(self, session: Session, *, sha256: str) -> bytes:
        """The content named ``sha256``, checked against its hash."""
        _check(sha256)
        row = session.execute(select(Blob.content, Blob.size).where(Blob.sha256 == sha256)).one_or_none()
        content, size = row if row is not None else (None, None)
        if content is None and self.bucket is not None:
            content = self.bucket.get(session, sha256=sha256, size=size)
        elif content is None:
            content = self._read_file(sha256)
        if hashlib.sha256(content).hexdigest() != sha256:
            raise Unavailable(f"the stored content {sha256} does not match its hash; restore it from a backup")
        return bytes(content)

    def _read_file(self, sha256: str) -> bytes:
        if self.directory is None:
            raise Unavailable(f"the content {sha256} is kept outside the database, and neither "
                              "DOCKET_DOCUMENT_DIR nor DOCKET_DOCUMENT_S3_URL is set")
        try:
            return (self.directory / sha256).read_bytes()
        except OSError as exc:
            raise Unavailable(f"the content {sha256} cannot be read from DOCKET_DOCUMENT_DIR "
                              f"({exc.strerror or type(exc).__name__})") from None


@dataclass(frozen=True)
class Bucket:
    """Content as objects of an S3-compatible bucket, one per distinct content, named
    ``prefix`` + its SHA-256. The client is boto3's, imported only when a bucket is used
    (the ``s3`` extra), and kept in the application's runtime."""

    name: str
    prefix: str = ""
    endpoint: str | None = None
    region: str | None = None

    @classmethod
    def of(cls, settings: Settings) -> Bucket | None:
        location = settings.document_bucket
        if location is None:
            return None
        return cls(*location, endpoint=settings.document_s3_endpoint, region=settings.document_s3_region)

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256}"

    def put(self, session: Session, *, sha256: str, data: bytes) -> None:
        """Store ``data`` as the object named by ``sha256`` unless it is there already (an
        object is never rewritten). The SHA-256 and MD5 go along in the request's headers,
        so the service refuses bytes that were altered on the way, or that are not the
        content the name says."""
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.key(sha256)
        try:
            client = self._client(session)
            try:
                there = client.head_object(Bucket=self.name, Key=key)
            except ClientError as exc:
                if _status(exc) != 404:
                    raise
            else:
                if there.get("ContentLength") != len(data):
                    self._failed("put", key, "an object of another size holds the name")
                    raise Unavailable(f"the stored content {sha256} does not match its hash; "
                                      "restore it from a backup")
                return
            client.put_object(
                Bucket=self.name, Key=key, Body=data, ContentType="application/octet-stream",
                ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(),
                ContentMD5=base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode())
        except (BotoCoreError, ClientError) as exc:
            self._failed("put", key, exc)
            raise Unavailable(f"the content {sha256} cannot be stored in the bucket of DOCKET_DOCUMENT_S3_URL "
                              f"({_reason(exc)})") from None

    def get(self, session: Session, *, sha256: str, size: int | None) -> bytes:
        """The object named by ``sha256`` (its hash is checked by the caller); an object whose
        length is not ``size`` is refused before its bytes are read."""
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.key(sha256)
        try:
            got = self._client(session).get_object(Bucket=self.name, Key=key)
            body = got["Body"]
            if size is not None and got.get("ContentLength") != size:
                body.close()
                self._failed("get", key, f"{got.get('ContentLength')} bytes where {size} were stored")
                raise Unavailable(f"the stored content {sha256} does not match its hash; restore it from a backup")
            return bytes(body.read())
        except (BotoCoreError, ClientError) as exc:
            self._failed("get", key, exc)
            if isinstance(exc, ClientError) and _status(exc) == 404:
                raise Unavailable(f"the content {sha256} is missing from the bucket of DOCKET_DOCUMENT_S3_URL; "
                                  "restore it from a backup") from None
            raise Unavailable(f"the content {sha256} cannot be read from the bucket of DOCKET_DOCUMENT_S3_URL "
                              f"({_reason(exc)})") from None

    def _client(self, session: Session) -> Any:
        """The application's client for this bucket's service, made on first use."""
        clients = runtime.of(session).s3_clients
        client = clients.get((self.endpoint, self.region))
        if client is None:
            client = clients[(self.endpoint, self.region)] = _s3_client(self.endpoint, self.region)
        return client

    def _failed(self, action: str, key: str, reason: object) -> None:
        # The problem the caller gets names the hash only; the operator's log names the object.
        log.warning("document %s failed for s3://%s/%s: %s", action, self.name, key, reason)


def _s3_client(endpoint: str | None, region: str | None) -> Any:
    """A boto3 S3 client with bounded timeouts and retries. Credentials come from boto3's
    usual chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE and the shared files, a web identity,
    the instance's role), never from docket's settings. A service of one's own is
    addressed by path (``endpoint/bucket/key``), which every S3-compatible one accepts."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=S3_CONNECT_TIMEOUT_SECONDS, read_timeout=S3_READ_TIMEOUT_SECONDS,
        retries={"total_max_attempts": S3_ATTEMPTS, "mode": "standard"},
        # The SHA-256 docket sends is the checksum; no extra CRC in a chunked body, which
        # some S3-compatible services do not read. Reads are checked against the name.
        request_checksum_calculation="when_required", response_checksum_validation="when_required",
        s3={"addressing_style": "path"} if endpoint else None, user_agent_extra="docket")
    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region, config=config)


def _status(exc: Any) -> int | None:
    """The HTTP status of a botocore ClientError."""
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None


def _reason(exc: Exception) -> str:
    """A short reason: the service's error code, or the kind of connection failure."""
    code = getattr(exc, "response", {}).get("Error", {}).get("Code")
    return str(code) if code else type(exc).__name__


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
