"""Real receivers on loopback for tests of notice delivery: an SMTP server and a webhook endpoint.

Both run in a background thread of the test process, bind a free port on 127.0.0.1 (so they
work under pytest-xdist), are context managers, and are thread-safe to read while deliveries
arrive::

    with SmtpReceiver() as smtp:
        config = SmtpConfig.from_url(smtp.url, sender="docket@example.org")
        send_email(config, message_id="n1", to="a@example.org", ...)
        [message] = smtp.wait_for(1)          # email.message.EmailMessage, policy=default

    with WebhookReceiver() as hooks:
        post_webhook(hooks.url, hooks.secret, msg_id="n1", event_type="t", payload={})
        [(headers, body)] = hooks.wait_for(1)  # lower-cased headers, parsed JSON body

``wait_for`` raises TimeoutError (with what did arrive) rather than hanging.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from docket.notices.delivery import new_webhook_secret, verify

LOOPBACK = "127.0.0.1"


def _wait(condition: threading.Condition, ready: Any, timeout: float, what: Any) -> None:
    """Wait on `condition` until `ready()`; TimeoutError naming `what()` when it never is."""
    deadline = time.monotonic() + timeout
    with condition:
        while not ready():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(what())
            condition.wait(left)


# ------------------------------------------------------------------------------------------ SMTP


@dataclass(frozen=True)
class ReceivedEmail:
    """One message as the SMTP server took it: envelope and parsed content."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes  # exactly as received over SMTP (CRLF line ends)
    login: str | None  # the user name it authenticated as, if it did
    connection: int = 0  # which SMTP session carried it: 1 for the first the server saw, ...

    @property
    def message_id(self) -> str | None:
        value = self.message["Message-ID"]
        return None if value is None else str(value).strip()


class _FreePortController(Controller):
    """aiosmtpd's threaded Controller, bound to port 0 (the OS picks a free port).

    aiosmtpd 1.4 cannot take port=0 as is: after binding it connects to ``self.port`` to
    check the server answers. Binding here and reading the port back fixes that.
    """

    async def _bind(self) -> Any:
        server = await self.loop.create_server(
            self._factory_invoker, host=self.hostname, port=0, ssl=self.ssl_context
        )
        self.port = server.sockets[0].getsockname()[1]
        return server

    def _create_server(self) -> Any:
        return self._bind()


@dataclass
class _SmtpHandler:
    """aiosmtpd handler hooks; all state lives in the owning SmtpReceiver."""

    receiver: SmtpReceiver
    reject: dict[str, str] = field(default_factory=dict)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.receiver.credentials and not session.authenticated:
            return "530 5.7.0 Authentication required"
        limit = self.receiver.messages_per_connection
        if limit is not None and self.receiver._carried(session) >= limit:
            return "421 4.7.0 Too many messages in this session, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.reject.get(address.lower())
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):  # only with decode_data=True, which we do not use
            raw = raw.encode("utf-8", "surrogateescape")
        # Wire lines end in CRLF; store them with "\n", as a local delivery agent (mbox, Maildir)
        # does, so that every text part decodes with "\n" line ends. `raw` keeps the wire bytes.
        message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        login = session.auth_data if session.authenticated else None  # what _authenticate gave
        item = ReceivedEmail(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            message=message,  # type: ignore[arg-type]
            raw=raw,
            login=login if isinstance(login, str) else None,
            connection=self.receiver._connection(session),
        )
        failure = self.receiver._take_failure(item)
        if failure is not None:
            return failure
        stall = self.receiver._take_stall()
        if stall is not None:
            if stall:  # taken: the message is the server's now, but the sender never hears so
                self.receiver._record(item)
            await self.receiver._stalled()
            return "250 2.0.0 Message accepted late" if stall else "451 4.3.0 Stalled"
        self.receiver._record(item)
        return "250 2.0.0 Message accepted for delivery"


class SmtpReceiver:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts.

    - ``reject``: recipient address -> SMTP reply for RCPT TO, e.g.
      ``{"gone@example.org": "550 5.1.1 No such user"}`` (a permanent refusal) or
      ``"450 4.2.1 Mailbox busy"`` (a temporary one). Addresses compare case-insensitively.
    - ``credentials``: user -> password. When given, AUTH (PLAIN, LOGIN) is offered on the
      plain connection and MAIL FROM without a successful login is refused with 530.
    - ``fail_next(n, reply)``: answer DATA of the next ``n`` messages with ``reply`` (default
      ``451 4.3.0 Try again later``) instead of accepting them, to test retries; what they
      were is kept in ``refused``.
    - ``stall(after=n, accept=True)``: answer nothing to the DATA that comes when ``n``
      messages have been accepted, until ``release()`` (or ``stop()``): the sender hangs
      there, to be killed in the middle of a round. With ``accept`` the stalled message is
      kept (in ``received``) as a server that took it but whose "250" never arrived would
      keep it; ``wait_stalled()`` waits for the moment.

    - ``messages_per_connection``: after this many accepted messages in one SMTP session,
      answer MAIL FROM with ``421`` (as servers that limit a session do); None: no limit.

    STARTTLS and implicit TLS are not offered. Each received message says which SMTP
    session carried it (``connection``); ``connections`` counts the sessions that did.

    Reading: ``received`` (envelope + message), ``messages`` (parsed ``EmailMessage`` objects,
    ``policy=email.policy.default``), ``message_ids``, ``messages_to(addr)``,
    ``unique_by_message_id()``, ``wait_for(n, timeout)``.
    """

    def __init__(
        self,
        *,
        reject: Mapping[str, str] | None = None,
        credentials: Mapping[str, str] | None = None,
        messages_per_connection: int | None = None,
    ) -> None:
        self.credentials = dict(credentials or {})
        self.messages_per_connection = messages_per_connection
        self._sessions = 0  # SMTP sessions numbered so far
        self._handler = _SmtpHandler(self, {a.lower(): r for a, r in (reject or {}).items()})
        self._condition = threading.Condition()
        self._received: list[ReceivedEmail] = []
        self._failures: list[str] = []
        self.failed = 0  # DATA commands answered from fail_next()
        self.refused: list[ReceivedEmail] = []  # ... and what those messages were
        self._stall: tuple[int, bool] | None = None  # (after how many accepted, keep it)
        self._is_stalled = False
        self._release = threading.Event()
        kwargs: dict[str, Any] = {}
        if self.credentials:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        self._controller = _FreePortController(
            self._handler,
            hostname=LOOPBACK,
            port=0,
            server_hostname="smtp.docket.test",  # else aiosmtpd asks DNS for our FQDN
            **kwargs,
        )
        self._running = False

    # lifecycle
    def start(self) -> SmtpReceiver:
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._release.set()  # a stalled DATA ends, so the server's loop can stop
            self._controller.stop()

    def __enter__(self) -> SmtpReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return LOOPBACK

    @property
    def port(self) -> int:
        if not self._running:
            raise RuntimeError("the SMTP receiver is not running")
        return int(self._controller.port)

    @property
    def url(self) -> str:
        """``smtp://127.0.0.1:PORT``, ready for ``SmtpConfig.from_url``."""
        return f"smtp://{LOOPBACK}:{self.port}"

    # control
    def fail_next(self, n: int, reply: str = "451 4.3.0 Try again later") -> None:
        """Answer DATA of the next `n` messages with `reply` (a 4xx or 5xx line)."""
        with self._condition:
            self._failures.extend([reply] * n)

    def stall(self, *, after: int, accept: bool = True) -> None:
        """Stall the DATA that comes when `after` messages have been accepted (see the class)."""
        with self._condition:
            self._stall = (after, accept)
            self._release.clear()

    def wait_stalled(self, timeout: float = 5.0) -> None:
        """Block until a DATA is stalled; TimeoutError (saying how many arrived) otherwise."""
        _wait(
            self._condition,
            lambda: self._is_stalled,
            timeout,
            lambda: f"no DATA stalled within {timeout}s; {len(self._received)} e-mail(s) arrived",
        )

    def release(self) -> None:
        """Let a stalled DATA end (with 250 when its message was kept, else 451)."""
        self._release.set()

    def reject_recipient(self, address: str, reply: str = "550 5.1.1 No such user") -> None:
        """From now on, answer RCPT TO `address` with `reply`."""
        self._handler.reject[address.lower()] = reply

    # reading
    @property
    def received(self) -> list[ReceivedEmail]:
        with self._condition:
            return list(self._received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [item.message for item in self.received]

    @property
    def message_ids(self) -> list[str | None]:
        """The Message-ID of each accepted message, in arrival order (repeats included)."""
        return [item.message_id for item in self.received]

    @property
    def connections(self) -> int:
        """How many SMTP sessions carried the accepted messages."""
        return len({item.connection for item in self.received})

    def messages_to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope recipients (RCPT TO) include `address` (case-insensitive)."""
        wanted = address.lower()
        return [
            item.message
            for item in self.received
            if any(rcpt.lower() == wanted for rcpt in item.rcpt_tos)
        ]

    def unique_by_message_id(self) -> dict[str | None, EmailMessage]:
        """Message-ID -> the first message received with it, in arrival order: what a mail
        client that drops duplicates by Message-ID would show. Its length is the count of
        distinct messages; ``len(messages) - len(unique_by_message_id())`` is the duplicates."""
        unique: dict[str | None, EmailMessage] = {}
        for item in self.received:
            unique.setdefault(item.message_id, item.message)
        return unique

    def wait_for(self, n: int, timeout: float = 5.0) -> list[EmailMessage]:
        """Block until at least `n` messages were accepted; return all of them.

        Raises TimeoutError (saying how many did arrive) after `timeout` seconds.
        """
        _wait(
            self._condition,
            lambda: len(self._received) >= n,
            timeout,
            lambda: f"expected {n} e-mail(s) within {timeout}s, got {len(self._received)}",
        )
        return self.messages

    # called from the server thread
    def _record(self, item: ReceivedEmail) -> None:
        with self._condition:
            self._received.append(item)
            self._condition.notify_all()

    def _take_failure(self, item: ReceivedEmail) -> str | None:
        with self._condition:
            if not self._failures:
                return None
            self.failed += 1
            self.refused.append(item)
            return self._failures.pop(0)

    def _connection(self, session: Any) -> int:
        """The number of the SMTP session ``session`` (aiosmtpd makes one per connection)."""
        with self._condition:
            number = getattr(session, "docket_number", None)
            if number is None:
                self._sessions += 1
                number = session.docket_number = self._sessions
            return int(number)

    def _carried(self, session: Any) -> int:
        number = self._connection(session)
        return sum(item.connection == number for item in self.received)

    def _take_stall(self) -> bool | None:
        """Whether to keep the message now arriving, when it is the one to stall; else None."""
        with self._condition:
            if self._stall is None or len(self._received) != self._stall[0]:
                return None
            keep = self._stall[1]
            self._stall = None
            return keep

    async def _stalled(self) -> None:
        with self._condition:
            self._is_stalled = True
            self._condition.notify_all()
        while not self._release.is_set():  # the server's event loop must not block
            await asyncio.sleep(0.02)
        with self._condition:
            self._is_stalled = False

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode("utf-8", "replace")
            password = auth_data.password.decode("utf-8", "replace")
            if user in self.credentials and self.credentials[user] == password:
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)


# -------------------------------------------------------------------------------------- webhooks


class Delivery(NamedTuple):
    """One accepted webhook: lower-cased request headers and the parsed JSON body."""

    headers: dict[str, str]
    body: Any


class _WebhookHandler(BaseHTTPRequestHandler):
    server: _WebhookServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

    def do_POST(self) -> None:  # noqa: N802
        receiver = self.server.receiver
        length = self.headers.get("content-length")
        if length is None or not length.isdigit():
            self.close_connection = True  # the unread body would desync the connection
            self._answer(411, b"content-length required")
            return
        body = self.rfile.read(int(length))
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, text = receiver._handle(self.path, headers, body)
        self._answer(status, text)

    def _answer(self, status: int, text: bytes) -> None:
        self.send_response(status)
        if status == 204:
            self.end_headers()
            return
        self.send_header("content-type", "text/plain; charset=utf-8")
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass


class _WebhookServer(ThreadingHTTPServer):
    daemon_threads = True
    receiver: WebhookReceiver


class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 that takes Standard Webhooks like a careful receiver.

    Each POST (any path) is answered, in this order:

    1. the status given to ``fail_next(n, status)``, while such failures are left (the request
       is not verified or recorded: a retry of it can still be accepted); counted in ``failed``;
    2. 400 when ``verify(secret, headers, body)`` fails (counted in ``rejected``);
    3. 409 when its ``webhook-id`` was accepted before (counted in ``duplicates``);
    4. 204, and ``(headers, json body)`` is appended to ``deliveries``.

    ``secret`` defaults to a fresh ``whsec_`` secret; ``requests`` counts every POST and
    ``attempt_ids`` lists their webhook-ids.
    """

    def __init__(self, secret: str | None = None, *, tolerance: int = 300) -> None:
        self.secret = secret or new_webhook_secret()
        self.tolerance = tolerance
        self.requests = 0
        self.failed = 0
        self.rejected = 0
        self.duplicates = 0
        self.rejections: list[str] = []  # why each rejected request failed verification
        self._deliveries: list[Delivery] = []
        self._seen: set[str] = set()
        self._attempt_ids: list[str] = []
        self._failures: list[int] = []
        self._condition = threading.Condition()
        self._server: _WebhookServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> WebhookReceiver:
        server = _WebhookServer((LOOPBACK, 0), _WebhookHandler)
        server.receiver = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="webhook-receiver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the webhook receiver is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/webhook`` (any path is accepted)."""
        return f"http://{LOOPBACK}:{self.port}/webhook"

    # control
    def fail_next(self, n: int, status: int = 500) -> None:
        """Answer the next `n` requests with `status` before looking at them."""
        with self._condition:
            self._failures.extend([status] * n)

    # reading
    @property
    def deliveries(self) -> list[Delivery]:
        with self._condition:
            return list(self._deliveries)

    @property
    def ids(self) -> list[str]:
        """The webhook-id of each accepted delivery, in arrival order."""
        return [d.headers["webhook-id"] for d in self.deliveries]

    @property
    def attempt_ids(self) -> list[str]:
        """The webhook-id of every POST, in arrival order: failed, refused and duplicates too."""
        with self._condition:
            return list(self._attempt_ids)

    def wait_for(self, n: int, timeout: float = 5.0) -> list[Delivery]:
        """Block until at least `n` deliveries were accepted; return all of them.

        Raises TimeoutError (saying how many arrived, and why others were refused) after
        `timeout` seconds.
        """
        _wait(
            self._condition,
            lambda: len(self._deliveries) >= n,
            timeout,
            lambda: (
                f"expected {n} webhook(s) within {timeout}s, got {len(self._deliveries)} "
                f"(failed {self.failed}, rejected {self.rejections}, "
                f"duplicates {self.duplicates})"
            ),
        )
        return self.deliveries

    # called from the server's request threads
    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self._condition:
            self.requests += 1
            self._attempt_ids.append(headers.get("webhook-id", ""))
            if self._failures:
                self.failed += 1
                status = self._failures.pop(0)
                self._condition.notify_all()
                return status, f"told to fail with {status}".encode()
        try:
            verify(self.secret, headers, body, tolerance=self.tolerance)
            parsed = json.loads(body)
        except ValueError as exc:  # also json.JSONDecodeError
            with self._condition:
                self.rejected += 1
                self.rejections.append(str(exc))
                self._condition.notify_all()
            return 400, f"rejected: {exc}".encode()
        with self._condition:
            msg_id = headers["webhook-id"]
            if msg_id in self._seen:
                self.duplicates += 1
                self._condition.notify_all()
                return 409, b"duplicate webhook-id"
            self._seen.add(msg_id)
            self._deliveries.append(Delivery(headers, parsed))
            self._condition.notify_all()
        return 204, b""
