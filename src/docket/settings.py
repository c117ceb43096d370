"""docket's settings, read once from the environment (prefix ``DOCKET_``).

Every secret can also come from a file: ``DOCKET_SECRET_KEY_FILE=/run/secrets/key``.
A bad value stops start-up with one line that names the variable and what it accepts.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_SECRET_FIELDS = ("secret_key", "database_url", "metrics_token", "mail_imap_password")
# Values a bad-setting message does not repeat either: an operator may have pasted a
# credential into them by mistake (the mailbox's URL may carry its password).
_NOT_ECHOED = (*_SECRET_FIELDS, "document_s3_url", "document_s3_endpoint", "mail_imap_url")


class SettingsError(Exception):
    """A setting has a value docket cannot use; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCKET_", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite:///docket.db",
        description="an SQLAlchemy URL: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
    )
    secret_key: str = Field(
        default="",
        description="at least 32 characters; signs sessions and appeal links",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="the public http(s) URL docket is reached at, used in links",
    )
    max_body_bytes: int = Field(
        default=4 * 1024 * 1024, ge=1024, le=512 * 1024 * 1024,
        description="an integer number of bytes between 1024 and 536870912",
    )
    document_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, le=1024 * 1024 * 1024,
        description="the largest document a request may carry, in bytes (1..1073741824)",
    )
    request_documents_max_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1, le=4 * 1024 * 1024 * 1024,
        description="the most bytes of documents one request may carry in all (1..4294967296)",
    )
    document_dir: str | None = Field(
        default=None,
        description="a directory for documents' content, one file per distinct content named by its "
                    "SHA-256; unset: the content is kept in the database",
    )
    document_s3_url: str | None = Field(
        default=None,
        description="s3://BUCKET or s3://BUCKET/PREFIX: an S3-compatible bucket for documents' content, one "
                    "object per distinct content named PREFIX/SHA-256 (not with DOCKET_DOCUMENT_DIR; "
                    "credentials from the standard AWS environment, never here)",
    )
    document_s3_endpoint: str | None = Field(
        default=None,
        description="the http(s) URL of an S3-compatible service (MinIO, Ceph, Garage…); unset: AWS S3",
    )
    document_s3_region: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        description="the bucket's region, e.g. eu-central-1; unset: from the AWS environment (AWS_REGION)",
    )
    extract_max_pages: int = Field(
        default=50, ge=1, le=10_000,
        description="pages of a document whose text is read (the rest are named in a warning) (1..10000)",
    )
    extract_max_ocr_pages: int = Field(
        default=10, ge=0, le=1000,
        description="scanned pages (and images) of a document read with OCR; 0: no OCR (0..1000)",
    )
    extract_seconds: float = Field(
        default=120.0, gt=0, le=3600,
        description="wall-clock seconds one document's text extraction may take, OCR included (0..3600)",
    )
    extract_memory_mb: int = Field(
        default=1536, ge=256, le=65536,
        description="the address space, in MiB, of the process that reads one document (256..65536)",
    )
    transparency_seconds: int = Field(
        default=300, ge=0, le=86_400,
        description="seconds between the worker's rounds that store the published periods' transparency reports "
                    "and check them again after new events; 0 turns them off (the site then computes a period's "
                    "report on its first visit) (0..86400)",
    )
    copy_scan_seconds: int = Field(
        default=30, ge=0, le=86_400,
        description="seconds between the worker's rounds that look for copies of newly restricted content among "
                    "the content registered before (docket.matching.scan); 0 turns them off (docket copies scan "
                    "runs one by hand) (0..86400)",
    )
    extract_poll_seconds: int = Field(
        default=10, ge=0, le=86_400,
        description="seconds between the worker's rounds that read the inbox's new documents into drafts; "
                    "0 turns them off (docket inbox extract reads by hand) (0..86400)",
    )
    extract_languages: str = Field(
        default="ru,kk,zh,tr,de,es,en,fr,pt,ko,vi,id,hi,ur,ar,uk",
        description="ISO 639-1 codes, comma-separated: the languages paragraphs are told apart among",
    )
    ocr_languages: str = Field(
        default="eng,rus,kaz,chi_sim,tur,deu,spa",
        description="Tesseract's language packs OCR may use, '+'- or comma-separated (each must be installed)",
    )
    default_clock_hours: int = Field(
        default=7 * 24, ge=1, le=24 * 365,
        description="hours for a jurisdiction without a clock in the catalog (1..8760)",
    )
    emergency_clock_hours: int = Field(
        default=24, ge=1, le=24 * 365,
        description="hours for an emergency where the catalog knows no clock (1..8760)",
    )
    rate_limits: str = Field(
        default="*=600",
        description="requests per minute per token, by submitter kind: '*=600,user=60'",
    )
    platform_rate_limit: int = Field(
        default=60_000, ge=1, le=1_000_000_000,
        description="calls a minute per token of a user with the platform role (1..1000000000); "
                    "a batch call counts as one",
    )
    trusted_proxies: str = Field(
        default="",
        description="comma-separated addresses or networks of reverse proxies whose X-Forwarded-For "
                    "is believed, e.g. '10.0.0.0/8,fd00::/8'; empty: forwarding headers are ignored",
    )
    anonymous_new_cases_per_minute: int = Field(
        default=60, ge=1, le=100_000,
        description="new cases anonymous reports may open a minute, all together (1..100000); "
                    "beyond it they still join open cases",
    )
    claim_minutes: int = Field(
        default=30, ge=1, le=24 * 60,
        description="minutes a reviewer's claim on an item lasts (1..1440)",
    )
    deadline_check_seconds: int = Field(
        default=60, ge=0, le=3600,
        description="seconds between overdue checks in docket serve; 0 turns them off (0..3600)",
    )
    unknown_country: Literal["fail_closed", "fail_open"] = Field(
        default="fail_closed",
        description="fail_closed (hidden if restricted anywhere) or fail_open, for a viewer whose country is unknown",
    )
    feed_poll_seconds: float = Field(
        default=0.2, gt=0, le=10,
        description="seconds between checks of the restriction feed by each process (0..10]",
    )
    match_pdq_distance: int = Field(
        default=31, ge=0, le=128,
        description="the largest Hamming distance at which a PDQ hash matches a restricted image's (0..128)",
    )
    match_pdq_quality: int = Field(
        default=50, ge=0, le=100,
        description="PDQ hashes of lower quality are neither banked nor matched (0..100)",
    )
    match_text_similarity: float = Field(
        default=0.85, gt=0, le=1,
        description="the least estimated Jaccard similarity at which text matches restricted text's (0..1]",
    )
    token_cache_seconds: int = Field(
        default=10, ge=0, le=300,
        description="seconds the visibility routes trust a checked token without the database (0..300)",
    )
    token_cache_entries: int = Field(
        default=10_000, ge=1, le=1_000_000,
        description=("tokens the visibility routes' cache holds; when full it starts again"
                     " empty (1..1000000)"),
    )
    max_concurrent_requests: int = Field(
        default=30, ge=1, le=1000,
        description="API calls a process works on at once; more wait their turn (1..1000)",
    )
    platform_name: str = Field(default="Social Example", max_length=100,
                               description="the platform's name, as notices show it")
    platform_hosts: str = Field(
        default="social.example,www.social.example,*.pages.social.example",
        description="the platform's hosts, comma-separated: its own ('social.example'), whose home and "
                    "search pages are not content, and '*.' patterns for its users' own sites "
                    "('*.pages.social.example'), where every address is content",
    )
    data_requests_referral: str = Field(
        default="https://social.example/legal/law-enforcement", min_length=1, max_length=500,
        description="where requests for user data (disclosure, preservation) are to be sent: the platform's "
                    "law-enforcement channel (an address or URL); docket records such requests, refers "
                    "them there and never acts on them",
    )
    home_country: str = Field(
        default="IE", pattern=r"^[A-Z]{2}$",
        description="the platform's home country (ISO code): where reports under its rules are filed",
    )
    smtp_url: str | None = Field(
        default=None,
        description=("smtp://[user[:password]@]host[:port][?starttls=true] or smtps://…; "
                     "unset: e-mails go to DOCKET_MAIL_DIR"),
    )
    mail_from: str = Field(default="docket@localhost", description="the From address of notices")
    mail_dir: str = Field(default="docket-mail", description="folder for .eml files when no SMTP server is set")
    mail_imap_url: str | None = Field(
        default=None,
        description="the mailbox whose letters come into the inbox: imaps://USER@HOST[:PORT]/FOLDER, or "
                    "imap://USER@HOST[:PORT]/FOLDER?starttls=true; TLS only; unset: no mailbox",
    )
    mail_imap_password: str = Field(default="", description="the mailbox user's password (or _FILE)")
    mail_imap_ca_file: str | None = Field(
        default=None,
        description="a PEM file of the CA that signed the mail server's certificate; unset: the system's CAs",
    )
    mail_poll_seconds: int = Field(
        default=60, ge=0, le=86_400,
        description="seconds between docket serve's polls of the mailbox, when one is set; 0 turns them off "
                    "(0..86400)",
    )
    appeal_window_days: int = Field(default=183, ge=1, le=3650,
                                    description="days an appeal stays open after the notice (1..3650)")
    appeal_decide_days: int = Field(default=14, ge=1, le=365,
                                    description="days to decide an appeal once filed: its deadline, the order "
                                                "of the appeals queue (1..365)")
    run_worker: bool = Field(
        default=True, description="true: docket serve starts the outbox worker, a process of its own",
    )
    outbox_max_attempts: int = Field(default=8, ge=1, le=100, description="tries before a message is dead (1..100)")
    outbox_backoff_seconds: float = Field(default=2.0, gt=0, le=3600, description="first retry delay in seconds")
    outbox_max_backoff_seconds: float = Field(default=3600.0, gt=0, le=86400, description="longest retry delay")
    outbox_lease_seconds: float = Field(default=60.0, gt=0, le=3600,
                                        description="seconds a worker holds a message it is sending")
    outbox_poll_seconds: float = Field(default=1.0, gt=0, le=60, description="seconds between outbox checks")
    log_key_file: str | None = Field(
        default=None,
        description="the path of the verifiable log's signing key, which `docket log keygen` writes",
    )
    checkpoint_seconds: int = Field(
        default=60, ge=1, le=86_400,
        description="seconds at least between two checkpoints docket serve signs, when the log grew (1..86400)",
    )
    log_seal_seconds: float = Field(
        default=1.0, ge=0, le=60,
        description="seconds between docket serve's rounds sealing new audit events into the log; "
                    "0 turns sealing off (0..60)",
    )
    log_mirror_file: str | None = Field(
        default=None,
        description="a file docket serve keeps a copy of the log's stored hashes in, to answer proofs "
                    "without the database; kept across restarts (unset: a temporary file per process)",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="one of DEBUG, INFO, WARNING, ERROR"
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="text (one readable line per record) or json (one JSON object per line)"
    )
    webhooks_allow_private: bool = Field(
        default=False,
        description="true: webhooks may go to loopback, private, link-local and other non-public addresses "
                    "(for development only; never on a real network)",
    )
    access_log: bool = Field(default=False, description="true: one log line per HTTP request (docket.access)")
    metrics_token: str = Field(
        default="",
        description="a bearer token of at least 32 printable ASCII characters that may read /metrics "
                    "(for Prometheus); unset: only admins and auditors may",
    )

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: Any) -> Any:
        # DOCKET_X_FILE wins over nothing, never over an explicit DOCKET_X.
        if not isinstance(data, dict):
            return data
        for name in _SECRET_FIELDS:
            path = os.environ.get(f"DOCKET_{name.upper()}_FILE")
            if path and not data.get(name) and not os.environ.get(f"DOCKET_{name.upper()}"):
                try:
                    data[name] = Path(path).read_text().strip()
                except OSError as exc:
                    raise ValueError(f"cannot read DOCKET_{name.upper()}_FILE: {exc}") from exc
        return data

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        scheme = value.split(":", 1)[0]
        if scheme not in ("sqlite", "postgresql", "postgresql+psycopg") or "://" not in value:
            raise ValueError("must be sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
        if scheme == "postgresql":
            value = "postgresql+psycopg" + value[len("postgresql"):]
        return value

    @field_validator("secret_key")
    @classmethod
    def _check_secret_key(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("must be at least 32 characters")
        return value

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: str) -> str:
        if value and (len(value) < 32 or not all("!" <= c <= "~" for c in value)):
            raise ValueError("must be at least 32 printable ASCII characters, without spaces")
        return value

    @field_validator("rate_limits")
    @classmethod
    def _check_rate_limits(cls, value: str) -> str:
        parse_rate_limits(value)
        return value

    @property
    def rate_limit_per_kind(self) -> dict[str, int]:
        return parse_rate_limits(self.rate_limits)

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: str) -> str:
        try:
            parse_networks(value)
        except ValueError as exc:
            raise ValueError(f"must be IP addresses or networks separated by commas ({exc})") from None
        return value

    @property
    def trusted_networks(self) -> tuple[Any, ...]:
        return parse_networks(self.trusted_proxies)

    @field_validator("platform_hosts")
    @classmethod
    def _check_platform_hosts(cls, value: str) -> str:
        parse_hosts(value)  # its ValueError names the entry
        return value

    @property
    def hosts(self) -> Hosts:
        """:attr:`platform_hosts`, parsed."""
        return parse_hosts(self.platform_hosts)

    @field_validator("extract_languages")
    @classmethod
    def _check_extract_languages(cls, value: str) -> str:
        codes = [c.strip().lower() for c in value.split(",") if c.strip()]
        if not codes or any(not re.fullmatch(r"[a-z]{2}", c) for c in codes):
            raise ValueError("must be two-letter ISO 639-1 codes, comma-separated, e.g. 'ru,kk,en'")
        return ",".join(codes)

    @field_validator("ocr_languages")
    @classmethod
    def _check_ocr_languages(cls, value: str) -> str:
        packs = [c.strip() for c in re.split(r"[+,]", value) if c.strip()]
        if not packs or any(not re.fullmatch(r"[a-z]{3}(?:_[a-z]+)?", c) for c in packs):
            raise ValueError("must be Tesseract language packs, e.g. 'eng+rus+chi_sim'")
        return "+".join(packs)

    @field_validator("document_dir")
    @classmethod
    def _check_document_dir(cls, value: str | None) -> str | None:
        if value and os.path.exists(value) and not os.path.isdir(value):
            raise ValueError("must be a directory (it is created if missing)")
        return value or None

    @field_validator("document_s3_url")
    @classmethod
    def _check_document_s3_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        parse_s3_url(value)  # its ValueError says what is wrong
        if info.data.get("document_dir"):
            raise ValueError("cannot be set with DOCKET_DOCUMENT_DIR: documents' content goes to one place; "
                             "unset one of them")
        try:
            import boto3  # noqa: F401  (only asked for here: docket without the s3 extra runs)
        except ImportError:
            raise ValueError("needs an S3 client: install docket with its s3 extra, "
                             "pip install 'docket[s3]'") from None
        return value

    @property
    def document_bucket(self) -> tuple[str, str] | None:
        """:attr:`document_s3_url` as (bucket, key prefix), or None when unset."""
        return parse_s3_url(self.document_s3_url) if self.document_s3_url else None

    @field_validator("document_s3_endpoint")
    @classmethod
    def _check_document_s3_endpoint(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("must be an http(s) URL with a host, e.g. https://minio.internal:9000")
        if parts.username or parts.password:
            raise ValueError("must not carry credentials: they come from the AWS environment "
                             "(AWS_ACCESS_KEY_ID, AWS_PROFILE…)")
        return value.rstrip("/")

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("must be smtp://host[:port] or smtps://host[:port]")
        return value or None

    @field_validator("mail_imap_url")
    @classmethod
    def _check_mail_imap_url(cls, value: str | None) -> str | None:
        if value:
            parse_imap_url(value)  # its ValueError says what is wrong
        return value or None

    @field_validator("mail_imap_ca_file")
    @classmethod
    def _check_mail_imap_ca_file(cls, value: str | None) -> str | None:
        if value and not os.path.isfile(value):
            raise ValueError("must be a readable PEM file")
        return value or None

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL with a host, e.g. https://docket.example.org")
        return value.rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_secret(self) -> Settings:
        """Return these settings with a secret key, generating one for this process if unset."""
        if self.secret_key:
            return self
        return self.model_copy(update={"secret_key": secrets.token_urlsafe(48)})


def parse_rate_limits(value: str) -> dict[str, int]:
    """'*=600,user=60' → {'*': 600, 'user': 60}; raises ValueError on anything else."""
    limits: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        kind, _, number = part.partition("=")
        if not kind.strip() or not number.strip().isdigit() or int(number) < 1:
            raise ValueError("must be KIND=N pairs with N >= 1, e.g. '*=600,user=60'")
        limits[kind.strip()] = int(number)
    if "*" not in limits:
        raise ValueError("must set the default for every kind, '*=N'")
    return limits


_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_KEY_PREFIX = re.compile(r"[A-Za-z0-9!_.*'()/-]*")


def parse_s3_url(value: str) -> tuple[str, str]:
    """'s3://docs/docket/blobs' → ('docs', 'docket/blobs/'); ValueError on anything else. The
    prefix keeps to the characters S3 names safe, so an object's name never needs escaping."""
    parts = urlsplit(value)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment or "?" in value:
        raise ValueError("must be s3://BUCKET or s3://BUCKET/PREFIX")
    if "@" in parts.netloc:
        raise ValueError("must not carry credentials: they come from the AWS environment "
                         "(AWS_ACCESS_KEY_ID, AWS_PROFILE…)")
    if not _BUCKET.fullmatch(parts.netloc) or ".." in parts.netloc:
        raise ValueError("must name a bucket of 3 to 63 lowercase letters, digits, dots and hyphens")
    prefix = parts.path.strip("/")
    if not _KEY_PREFIX.fullmatch(prefix) or "//" in prefix or any(p in (".", "..") for p in prefix.split("/")):
        raise ValueError("must have a prefix of letters, digits and !_.*'()- between single slashes")
    return parts.netloc, f"{prefix}/" if prefix else ""


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment, turning a validation error into one clear line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        described = Settings.model_fields.get(field)
        accepts = described.description if described and described.description else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        got = error.get("input")
        line = f"DOCKET_{field.upper()}: {message}"
        if accepts and accepts not in line:
            line += f" (accepts {accepts})"
        if isinstance(got, str | int) and field not in _NOT_ECHOED:
            line += f"; got {got!r}"
        raise SettingsError(line) from None
    except ValueError as exc:  # from the secret-file reader
        raise SettingsError(str(exc)) from None


@dataclass(frozen=True)
class Hosts:
    """The platform's hosts (``DOCKET_PLATFORM_HOSTS``): its own (``social.example``), whose
    home, search and feed pages are not content, and patterns for its users' own sites
    (``*.pages.social.example``), where every address — the site's root too — is content."""

    own: frozenset[str]
    user_sites: tuple[str, ...]  # suffixes: ".pages.social.example"

    def user_site(self, host: str) -> bool:
        """Whether ``host`` is a user's own site (a listed own host never is)."""
        host = host.lower().rstrip(".")
        return host not in self.own and any(host.endswith(suffix) for suffix in self.user_sites)


@lru_cache(maxsize=16)
def parse_hosts(value: str) -> Hosts:
    """'social.example, *.pages.social.example' → :class:`Hosts`; ValueError on anything else."""
    own: set[str] = set()
    sites: list[str] = []
    for part in filter(None, (p.strip().lower().rstrip(".") for p in value.split(","))):
        name = part.removeprefix("*.")
        if not _HOST.fullmatch(name) or "*" in name:
            raise ValueError(f"{part!r} is not a host name or a '*.' pattern")
        if part.startswith("*."):
            sites.append("." + name)
        else:
            own.add(name)
    return Hosts(frozenset(own), tuple(sites))


_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def parse_networks(value: str) -> tuple[Network, ...]:
    """'10.0.0.1, 192.168.0.0/16, fd00::/8' → networks; raises ValueError on anything else."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class ImapUrl:
    host: str
    port: int
    user: str
    password: str
    folder: str
    starttls: bool


def parse_imap_url(value: str) -> ImapUrl:
    """``imaps://user@host[:port][/FOLDER]`` or ``imap://user@host[:port][/FOLDER]?starttls=true``;
    ValueError (saying what is wrong) for anything else, plain IMAP without STARTTLS too."""
    parts = urlsplit(value)
    starttls = parse_qs(parts.query).get("starttls", [""])[0].lower() in ("true", "1", "yes")
    if parts.scheme not in ("imaps", "imap"):
        raise ValueError("must be imaps://user@host[:port]/FOLDER (or imap://…?starttls=true)")
    if parts.scheme == "imap" and not starttls:
        raise ValueError("plain IMAP would send the password in the clear: use imaps:// or imap://…?starttls=true")
    if not parts.hostname or not parts.username:
        raise ValueError("must name the user and the host: imaps://user@host:993/INBOX")
    try:
        port = parts.port or (993 if parts.scheme == "imaps" else 143)
    except ValueError:
        raise ValueError("the port must be a number between 1 and 65535") from None
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapUrl(host=parts.hostname, port=port, user=unquote(parts.username),
                   password=unquote(parts.password or ""), folder=folder, starttls=parts.scheme == "imap")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (with a secret key)."""
    return load_settings().with_secret()
