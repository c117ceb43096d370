"""The two delivery channels of the outbox worker: e-mail over SMTP and signed webhooks.

Both are plain synchronous functions with no global state. Each either returns (the notice was
handed over) or raises :class:`DeliveryError`, whose ``permanent`` flag tells the worker whether
a retry can help:

==========================================  =========================================
outcome                                     result
==========================================  =========================================
SMTP: accepted                              ``send_email`` returns ``None``
SMTP: 5xx on the recipient or on DATA       ``DeliveryError(permanent=True)``
SMTP: 4xx, connection error, timeout, TLS,  ``DeliveryError(permanent=False)``
login or sender refused (our side's setup)
webhook: 2xx                                ``post_webhook`` returns the status
webhook: 409 (receiver saw this id before)  delivered: returns 409
webhook: 408, 429, 5xx, 3xx, network error  ``DeliveryError(permanent=False)``
webhook: any other 4xx                      ``DeliveryError(permanent=True)``
==========================================  =========================================

Idempotency: the id of an outbox message (``outbox.message_id``, written with the row)
travels with every attempt, as the e-mail's ``Message-ID: <{id}@docket>`` (and
``X-Docket-Message-Id``) and as the webhook's ``webhook-id``, so a receiver that sees a
retry of something it already has can drop it.

Webhooks follow Standard Webhooks (https://www.standardwebhooks.com/): the signature is
``v1,`` + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")), where the
secret is ``whsec_`` + base64(key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import smtplib
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import orjson

from docket.notices import mime
from docket.notices.addresses import Resolver, UnsafeAddress, check_host, system_resolver

__all__ = [
    "DeliveryError",
    "SmtpConfig",
    "SmtpConnection",
    "new_webhook_secret",
    "post_webhook",
    "send_email",
    "sign",
    "verify",
]


class DeliveryError(Exception):
    """A delivery that failed; `permanent` True means retrying cannot help (e.g. SMTP 5xx on a
    recipient, webhook 4xx other than 408/409/429)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __reduce__(self) -> tuple[Any, ...]:  # keep `permanent` across pickling (worker pools)
        return (_rebuild_delivery_error, (self.message, self.permanent))

    def __repr__(self) -> str:
        return f"DeliveryError({self.message!r}, permanent={self.permanent})"


def _rebuild_delivery_error(message: str, permanent: bool) -> DeliveryError:
    return DeliveryError(message, permanent=permanent)


# --------------------------------------------------------------------------------------- e-mail

_SECURITY = ("none", "starttls", "tls")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
# The message itself is written by docket.notices.mime: a 7-bit clean multipart/alternative
# (quoted-printable or base64 bodies, RFC 2047 headers) with CRLF line ends, sent as is.


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to hand e-mail over. Build it directly or with :meth:`from_url`."""

    host: str
    port: int
    username: str | None
    password: str | None
    security: str  # "none" | "starttls" | "tls"
    sender: str  # From address, e.g. "Docket <notices@example.org>"
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not self.host:
            raise ValueError("SMTP host is empty")
        if not 0 < self.port < 65536:
            raise ValueError(f"SMTP port {self.port} is out of range 1-65535")
        if self.security not in _SECURITY:
            raise ValueError(f"SMTP security must be one of {_SECURITY}, not {self.security!r}")
        if not self.sender or not mime.envelope_address(self.sender):
            raise ValueError(f"SMTP sender {self.sender!r} is not an e-mail address")
        if self.password is not None and not self.username:
            raise ValueError("an SMTP password was given without a user name")
        if not self.timeout > 0:
            raise ValueError("SMTP timeout must be positive")

    @classmethod
    def from_url(cls, url: str, *, sender: str) -> SmtpConfig:
        """Parse ``smtp://[user[:password]@]host[:port][?starttls=true]`` (port 25 by default;
        ``starttls=true`` upgrades with STARTTLS) or ``smtps://[user[:password]@]host[:port]``
        (implicit TLS, port 465 by default). User and password are percent-decoded.

        Raises ValueError, naming what is wrong, on anything else.
        """
        if not isinstance(url, str) or not url.strip():
            raise ValueError("SMTP URL is empty")
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps"):
            raise ValueError(
                f"SMTP URL must start with smtp:// or smtps://, got {parts.scheme or 'no'} scheme"
            )
        if not parts.netloc:
            raise ValueError("SMTP URL has no host (expected smtp://host[:port])")
        host = parts.hostname
        if not host:
            raise ValueError("SMTP URL has no host (expected smtp://host[:port])")
        try:
            explicit_port = parts.port
        except ValueError as exc:
            raise ValueError(f"SMTP URL has an invalid port: {exc}") from None
        if explicit_port == 0:
            raise ValueError("SMTP URL has port 0")
        if parts.path not in ("", "/"):
            raise ValueError(f"SMTP URL may not have a path ({parts.path!r})")
        if parts.fragment:
            raise ValueError("SMTP URL may not have a fragment")

        security = "tls" if scheme == "smtps" else "none"
        for key, value in parse_qsl(parts.query, keep_blank_values=True, strict_parsing=False):
            if key.lower() != "starttls":
                raise ValueError(f"unknown SMTP URL option {key!r} (only starttls is known)")
            flag = value.strip().lower()
            if flag in _TRUE:
                if scheme == "smtps":
                    raise ValueError(
                        "starttls=true makes no sense with smtps:// (already implicit TLS)"
                    )
                security = "starttls"
            elif flag in _FALSE:
                pass
            else:
                raise ValueError(f"starttls must be true or false, not {value!r}")

        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        if password is not None and not username:
            raise ValueError("SMTP URL has a password but no user name")
        port = explicit_port or (465 if scheme == "smtps" else 25)
        return cls(
            host=host,
            port=port,
            username=username,
            password=password,
            security=security,
            sender=sender,
        )

    def __repr__(self) -> str:  # never print the password
        password = None if self.password is None else "***"
        return (
            f"SmtpConfig(host={self.host!r}, port={self.port}, username={self.username!r}, "
            f"password={password!r}, security={self.security!r}, sender={self.sender!r}, "
            f"timeout={self.timeout})"
        )


def send_email(
    config: SmtpConfig,
    *,
    message_id: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    headers: dict[str, str] | None = None,
    attachments: Sequence[mime.Attachment] = (),
) -> None:
    """Send one e-mail: ``multipart/alternative`` (text + html), or ``text/plain`` without html.

    ``message_id`` is the outbox message's id; it becomes ``Message-ID: <{message_id}@docket>``
    and ``X-Docket-Message-Id: {message_id}``, the same on every retry. It must be a dot-atom
    (letters, digits, ``.-_+=`` and the like; no spaces, ``@`` or ``<>``): ValueError otherwise,
    as for ``headers`` whose names are not field names, would replace one of the headers
    written here or are address fields (Cc, Bcc, Reply-To...). Extra header values are text.
    The message is composed by :func:`docket.notices.mime.compose`.

    Raises DeliveryError(permanent=True) when the recipient or the message is refused with a
    5xx reply, when ``to`` is not one e-mail address, or when a header value (subject, ``to``,
    extra headers) holds a line break or NUL; DeliveryError(permanent=False) for
    4xx replies, connection errors, timeouts, TLS failures, a refused login or sender (a fix
    on our side makes a retry succeed). Several e-mails in a row: :class:`SmtpConnection`.
    """
    with SmtpConnection(config) as connection:
        connection.send(message_id=message_id, to=to, subject=subject, text=text, html=html,
                        headers=headers, attachments=attachments)


class SmtpConnection:
    """One SMTP session for several e-mails in a row (the outbox worker's round): connect,
    TLS and login once, not for every message. :meth:`send` is :func:`send_email`.

    The first send connects; :meth:`close` (or the end of a ``with`` block) says QUIT. A
    refused recipient or message leaves the session usable (smtplib sends RSET); any other
    failure closes it and the next send connects again. When the server has ended a session
    that already carried a message (it disconnected, or answered 421: idle time, a limit of
    messages per connection), the message is tried once more on a new connection."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: smtplib.SMTP | None = None
        self.connections = 0  # sessions opened so far

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _close_quietly(client)

    def send(
        self,
        *,
        message_id: str,
        to: str,
        subject: str,
        text: str,
        html: str | None,
        headers: dict[str, str] | None = None,
        attachments: Sequence[mime.Attachment] = (),
    ) -> None:
        """Send one e-mail on this session (see :func:`send_email`)."""
        mime.check_message_id(message_id)
        mime.check_header_names(headers)
        sender = mime.envelope_address(self.config.sender)
        recipient = mime.envelope_address(to)
        if sender is None:  # pragma: no cover - SmtpConfig checks it
            raise ValueError(f"sender {self.config.sender!r} is not an e-mail address")
        if recipient is None:
            raise DeliveryError(f"recipient {to!r} is not an e-mail address", permanent=True)
        try:
            message = mime.compose(
                sender=self.config.sender,
                to=to,
                subject=subject,
                text=text,
                html=html,
                message_id=message_id,
                headers=headers,
                attachments=attachments,
            )
        except (ValueError, TypeError) as exc:  # e.g. CR/LF in a header value
            raise DeliveryError(f"cannot build the e-mail: {exc}", permanent=True) from exc
        # An address that is not ASCII needs SMTPUTF8 (a server without it: a temporary failure).
        options = () if sender.isascii() and recipient.isascii() else ("SMTPUTF8",)
        if self._client is not None:
            try:
                self._client.sendmail(sender, [recipient], message, mail_options=options)
                return
            except (OSError, smtplib.SMTPException) as exc:
                if not _session_ended(exc):
                    raise self._failed(exc, recipient) from exc
                self.close()  # not this message's fault: once more, on a new connection
        try:
            self._connect().sendmail(sender, [recipient], message, mail_options=options)
        except (OSError, smtplib.SMTPException) as exc:
            raise self._failed(exc, recipient) from exc

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=_tls_context()
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        self._client = client  # from here on, close() ends it
        self.connections += 1
        client.ehlo()
        if config.security == "starttls":
            client.starttls(context=_tls_context())
            client.ehlo()
        if config.username:
            _login(client, config.username, config.password or "")
        return client

    def _failed(self, exc: BaseException, recipient: str) -> DeliveryError:
        """The DeliveryError for ``exc``; the session is closed unless only this message was
        refused (smtplib then sent RSET, and the next message can follow)."""
        if not isinstance(exc, _REFUSALS):
            self.close()
        where = f"{self.config.host}:{self.config.port}"
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            code, reply = next(iter(exc.recipients.values()), (0, b""))
            return DeliveryError(
                f"SMTP server {where} refused recipient {recipient}: {code} {_text(reply)}",
                permanent=500 <= code < 600,
            )
        if isinstance(exc, smtplib.SMTPDataError):
            return DeliveryError(
                f"SMTP server {where} refused the message: {exc.smtp_code} {_text(exc.smtp_error)}",
                permanent=500 <= exc.smtp_code < 600,
            )
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return DeliveryError(
                f"SMTP login to {where} as {self.config.username!r} failed: "
                f"{exc.smtp_code} {_text(exc.smtp_error)}"
            )
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return DeliveryError(
                f"SMTP server {where} refused sender {exc.sender}: "
                f"{exc.smtp_code} {_text(exc.smtp_error)}"
            )
        if isinstance(exc, smtplib.SMTPResponseException):
            return DeliveryError(
                f"SMTP server {where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
            )
        if isinstance(exc, TimeoutError):
            return DeliveryError(f"SMTP server {where} timed out after {self.config.timeout}s")
        # refused, reset, TLS, not supported...
        return DeliveryError(f"SMTP delivery to {where} failed: {exc!r}")


# Refusals of one message, after which smtplib has reset the session for the next one.
_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


def _session_ended(exc: BaseException) -> bool:
    """Whether ``exc`` says the server ended the session (rather than refused a message)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    return isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError)


@cache
def _tls_context() -> ssl.SSLContext:
    """The system's default TLS settings, loaded once (loading the CA store costs milliseconds)."""
    return ssl.create_default_context()


def _login(client: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib's login, plus AUTH PLAIN in UTF-8 (RFC 4616) for non-ASCII credentials, which
    smtplib cannot encode."""
    if username.isascii() and password.isascii():
        client.login(username, password)
        return
    client.ehlo_or_helo_if_needed()
    if "PLAIN" not in client.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError("server offers no AUTH PLAIN for UTF-8 credentials")
    token = b"\0" + username.encode("utf-8") + b"\0" + password.encode("utf-8")
    code, reply = client.docmd("AUTH", "PLAIN " + base64.b64encode(token).decode("ascii"))
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def _close_quietly(client: smtplib.SMTP) -> None:
    """QUIT after the message was accepted or the attempt failed; its errors change nothing."""
    try:
        if client.sock is not None:
            client.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        client.close()


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    return str(reply)


# -------------------------------------------------------------------------------------- webhooks

_SECRET_PREFIX = "whsec_"


def new_webhook_secret() -> str:
    """A fresh secret: ``whsec_`` + base64 of 32 random bytes."""
    return _SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _secret_key(secret: str) -> bytes:
    """The key bytes of ``whsec_<base64>`` (the prefix may be left off; padding may be missing)."""
    if not isinstance(secret, str):
        raise ValueError("webhook secret must be a string")
    encoded = secret[len(_SECRET_PREFIX) :] if secret.startswith(_SECRET_PREFIX) else secret
    encoded = encoded.strip()
    encoded += "=" * (-len(encoded) % 4)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("webhook secret is not whsec_ followed by base64") from None
    if not key:
        raise ValueError("webhook secret is empty")
    return key


def _signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value: ``v1,<base64 HMAC-SHA256>``."""
    if not msg_id:
        raise ValueError("msg_id is empty")
    digest = _signature(_secret_key(secret), msg_id, int(timestamp), bytes(body))
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int = 300,
    now: int | None = None,
) -> None:
    """Check a received webhook; returns None when it is authentic.

    ``headers`` may be any mapping with ``items()`` (names are matched case-insensitively).
    Raises ValueError when webhook-id, webhook-timestamp or webhook-signature is missing, the
    timestamp is not an integer or is more than ``tolerance`` seconds from ``now`` (either way),
    or no ``v1`` signature in the space-separated header matches (constant-time compare).
    """
    lowered = {str(name).lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id")
    raw_timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    missing = [
        name
        for name, value in (
            ("webhook-id", msg_id),
            ("webhook-timestamp", raw_timestamp),
            ("webhook-signature", signatures),
        )
        if not value
    ]
    if missing:
        raise ValueError(f"missing webhook header(s): {', '.join(missing)}")
    assert msg_id is not None and raw_timestamp is not None and signatures is not None
    text = raw_timestamp.strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"webhook-timestamp {raw_timestamp!r} is not a Unix time in seconds")
    timestamp = int(text)
    current = int(time.time()) if now is None else int(now)
    if timestamp < current - tolerance:
        raise ValueError("webhook-timestamp is too old")
    if timestamp > current + tolerance:
        raise ValueError("webhook-timestamp is too far in the future")

    expected = _signature(_secret_key(secret), msg_id, timestamp, bytes(body))
    matched = False
    for candidate in signatures.split(" "):
        version, _, encoded = candidate.partition(",")
        if version != "v1" or not encoded:
            continue
        try:
            given = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        # Check every candidate (no early exit): the time taken does not depend on which matched.
        matched |= hmac.compare_digest(expected, given)
    if not matched:
        raise ValueError("no matching webhook signature")


_TRANSIENT_4XX = {408, 429}
_DUPLICATE = 409
_ERROR_EXCERPT = 300  # bytes of a failing receiver's answer quoted in the DeliveryError


def post_webhook(
    url: str,
    secret: str,
    *,
    msg_id: str,
    event_type: str,
    payload: dict[str, Any],
    timestamp: int | None = None,
    timeout: float = 10.0,
    client: httpx.Client | None = None,
    allow_private: bool = False,
    resolve: Resolver = system_resolver,
) -> int:
    """POST one signed event; returns the HTTP status when it counts as delivered.

    The body is the JSON of ``{"type": event_type, "timestamp": "<ISO 8601 UTC>",
    "data": payload}`` (``payload`` must be serialisable by orjson: TypeError otherwise), sent
    with ``webhook-id: msg_id``, ``webhook-timestamp``, ``webhook-signature``,
    ``content-type: application/json`` and ``user-agent: docket``. ``timestamp`` (Unix seconds)
    defaults to now and is the same in the header and the body. ``timeout`` applies to this
    request, also when a shared ``client`` is given (which is then left open).

    2xx returns the status, and so does 409: a receiver that answers 409 to a webhook-id it has
    already seen is telling us the earlier attempt arrived. 408, 429, 5xx, 3xx (redirects are
    not followed) and network errors raise DeliveryError(permanent=False); other 4xx raise
    DeliveryError(permanent=True). A URL that is not http(s)://host... raises ValueError.

    The host is resolved once (``resolve``) and the request goes to that address, with the
    name in ``Host`` and in TLS (SNI and the certificate check): a loopback, private,
    link-local, metadata or other non-public address raises DeliveryError(permanent=True)
    unless ``allow_private`` (see :mod:`docket.notices.addresses`); a name that does not
    resolve, DeliveryError(permanent=False).
    """
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ValueError(f"invalid webhook URL {url!r}: {exc}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise ValueError(f"webhook URL must be http:// or https:// with a host, not {url!r}")
    if not msg_id:
        raise ValueError("msg_id is empty")

    sent_at = int(time.time()) if timestamp is None else int(timestamp)
    when = datetime.fromtimestamp(sent_at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = orjson.dumps({"type": event_type, "timestamp": when, "data": payload})
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(sent_at),
        "webhook-signature": sign(secret, msg_id=msg_id, timestamp=sent_at, body=body),
        "content-type": "application/json",
        "user-agent": "docket",
    }

    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        address = check_host(target.host, port, allow_private=allow_private, resolve=resolve)
    except UnsafeAddress as exc:
        raise DeliveryError(f"webhook {_safe(target)} refused: {exc}", permanent=True) from None
    except (OSError, UnicodeError) as exc:
        raise DeliveryError(f"webhook {_safe(target)}: {target.host} does not resolve ({exc})") from None
    # Connect to the address just checked, never to a second lookup's answer; the name
    # still goes in Host and in TLS (SNI, and the certificate is checked against it).
    headers["host"] = target.netloc.decode("ascii").rpartition("@")[2]
    pinned = target.copy_with(host=address)
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}

    own_client = client is None
    http = httpx.Client(timeout=timeout, follow_redirects=False) if own_client else client
    assert http is not None
    try:
        request = http.build_request("POST", pinned, content=body, headers=headers, timeout=timeout,
                                     extensions=extensions)
        response = http.send(request, stream=True, follow_redirects=False)
        try:
            status = response.status_code
            excerpt = b"" if 200 <= status < 300 or status == _DUPLICATE else _excerpt(response)
        finally:
            response.close()
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"webhook {_safe(target)} timed out after {timeout}s") from exc
    except httpx.HTTPError as exc:  # connect errors, resets, protocol errors
        raise DeliveryError(f"webhook {_safe(target)} failed: {exc!r}") from exc
    finally:
        if own_client:
            http.close()

    if 200 <= status < 300 or status == _DUPLICATE:
        return status
    detail = f"webhook {_safe(target)} answered {status}"
    if excerpt:
        detail += f": {excerpt.decode('utf-8', 'replace')}"
    permanent = 400 <= status < 500 and status not in _TRANSIENT_4XX
    raise DeliveryError(detail, permanent=permanent)


def _excerpt(response: httpx.Response) -> bytes:
    """The start of a failing receiver's answer, read without loading all of it."""
    taken = b""
    try:
        for chunk in response.iter_bytes():
            taken += chunk
            if len(taken) >= _ERROR_EXCERPT:
                break
    except httpx.HTTPError:
        pass
    return taken[:_ERROR_EXCERPT].strip()


def _safe(url: httpx.URL) -> str:
    """The URL without user info or query (which may carry tokens), for error messages."""
    return str(url.copy_with(userinfo=b"", query=None, fragment=None))
