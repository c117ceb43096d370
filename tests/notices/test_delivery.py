"""Delivery channels against real receivers on loopback: SMTP (aiosmtpd) and HTTP webhooks."""

from __future__ import annotations

import base64
import email
import email.policy
import functools
import pickle
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import orjson
import pytest

from docket.notices.delivery import (
    DeliveryError,
    SmtpConfig,
    SmtpConnection,
    new_webhook_secret,
    send_email,
    sign,
    verify,
)
from docket.notices.delivery import post_webhook as _post_webhook
from tests.notices.receivers import SmtpReceiver, WebhookReceiver

# The receivers here listen on 127.0.0.1: allowed, as with DOCKET_WEBHOOKS_ALLOW_PRIVATE=true
# (tests/notices/test_addresses.py proves the refusal without it).
post_webhook = functools.partial(_post_webhook, allow_private=True)

SENDER = "Docket <notices@docket.example>"

RUSSIAN_SUBJECT = "Уведомление об ограничении доступа №42"
KAZAKH_SUBJECT = "Қолжетімділікті шектеу туралы хабарлама"
TEXT = (
    "Здравствуйте! Ваш запрос рассмотрен.\n"
    "Сәлеметсіз бе! Сұрауыңыз қаралды: ә, ғ, қ, ң, ө, ұ, ү, һ, і.\n"
    "Merhaba! Talebiniz incelendi: ğ, ş, ı, İ, ç, ö, ü.\n"
)
HTML = "<p>Здравствуйте! <b>Сәлеметсіз бе!</b> Merhaba — İstanbul.</p>"


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    with SmtpReceiver(reject={"gone@example.org": "550 5.1.1 No such user here"}) as receiver:
        yield receiver


@pytest.fixture
def hooks() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections (bound, never listening: no race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts TCP connections and then never says a word."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


# ------------------------------------------------------------------------ SmtpConfig.from_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, None, None, "none")),
        ("smtp://mail.example.org:2525", ("mail.example.org", 2525, None, None, "none")),
        ("smtp://relay@mail.example.org", ("mail.example.org", 25, "relay", None, "none")),
        (
            "smtp://user:pass@mail.example.org:587?starttls=true",
            ("mail.example.org", 587, "user", "pass", "starttls"),
        ),
        (
            "smtp://u%40example.org:p%3Aw%2Fd%40@mail.example.org?starttls=1",
            ("mail.example.org", 25, "u@example.org", "p:w/d@", "starttls"),
        ),
        ("smtp://mail.example.org?starttls=false", ("mail.example.org", 25, None, None, "none")),
        ("SMTP://Mail.Example.org/", ("mail.example.org", 25, None, None, "none")),
        ("smtps://mail.example.org", ("mail.example.org", 465, None, None, "tls")),
        ("smtps://u:p@mail.example.org:2465", ("mail.example.org", 2465, "u", "p", "tls")),
        ("smtp://[::1]:1025", ("::1", 1025, None, None, "none")),
        ("smtp://127.0.0.1:1025", ("127.0.0.1", 1025, None, None, "none")),
    ],
)
def test_smtp_config_from_url(url: str, expected: tuple[object, ...]) -> None:
    config = SmtpConfig.from_url(url, sender=SENDER)
    assert (config.host, config.port, config.username, config.password, config.security) == (
        expected
    )
    assert config.sender == SENDER
    assert config.timeout == 10.0


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("", "empty"),
        ("mail.example.org", "smtp:// or smtps://"),
        ("http://mail.example.org", "smtp:// or smtps://"),
        ("smtp+tls://mail.example.org", "smtp:// or smtps://"),
        ("smtp://", "no host"),
        ("smtp://:25", "no host"),
        ("smtp://mail.example.org:port", "invalid port"),
        ("smtp://mail.example.org:70000", "invalid port"),
        ("smtp://mail.example.org:0", "port 0"),
        ("smtp://mail.example.org/inbox", "path"),
        ("smtp://mail.example.org#x", "fragment"),
        ("smtp://mail.example.org?starttls=maybe", "starttls must be true or false"),
        ("smtp://mail.example.org?tls=true", "unknown SMTP URL option"),
        ("smtps://mail.example.org?starttls=true", "implicit TLS"),
        ("smtp://:secret@mail.example.org", "no user name"),
    ],
)
def test_smtp_config_from_url_rejects(url: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        SmtpConfig.from_url(url, sender=SENDER)


def test_smtp_config_checks_its_fields_and_hides_the_password() -> None:
    with pytest.raises(ValueError, match="not an e-mail address"):
        SmtpConfig.from_url("smtp://mail.example.org", sender="nobody")
    with pytest.raises(ValueError, match="security"):
        SmtpConfig("h", 25, None, None, "ssl", SENDER)
    with pytest.raises(ValueError, match="port"):
        SmtpConfig("h", 0, None, None, "none", SENDER)
    config = SmtpConfig.from_url("smtp://user:hunter2@mail.example.org", sender=SENDER)
    assert "hunter2" not in repr(config)


# --------------------------------------------------------------------------------- send_email


def test_email_arrives_with_both_parts_in_utf8_and_a_stable_message_id(
    smtp: SmtpReceiver,
) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    send_email(
        config,
        message_id="01J9ZQ4K7X-notice.17",
        to="Айгерім Сейітқызы <aigerim@example.kz>",
        subject=f"{RUSSIAN_SUBJECT} / {KAZAKH_SUBJECT}",
        text=TEXT,
        html=HTML,
        headers={"X-Docket-Notice-Kind": "decision", "Auto-Submitted": "auto-generated"},
    )
    [message] = smtp.wait_for(1)
    [received] = smtp.received

    assert received.mail_from == "notices@docket.example"
    assert received.rcpt_tos == ("aigerim@example.kz",)
    assert received.raw.isascii()  # 7-bit clean on the wire: survives any relay
    assert message["Subject"] == f"{RUSSIAN_SUBJECT} / {KAZAKH_SUBJECT}"
    assert message["To"].addresses[0].display_name == "Айгерім Сейітқызы"
    assert message["To"].addresses[0].addr_spec == "aigerim@example.kz"
    assert message["From"].addresses[0].addr_spec == "notices@docket.example"
    assert message["Message-ID"] == "<01J9ZQ4K7X-notice.17@docket>"
    assert message["X-Docket-Message-Id"] == "01J9ZQ4K7X-notice.17"
    assert message["X-Docket-Notice-Kind"] == "decision"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"] is not None

    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert parts[0].get_content() == TEXT  # exactly what was sent
    assert parts[1].get_content() == HTML + "\n"  # the email package ends text with a newline
    assert message.get_body(preferencelist=("plain",)) is parts[0]
    assert smtp.messages_to("AIGERIM@example.kz") == [message]
    assert smtp.messages_to("someone@example.kz") == []


def test_email_without_html_is_plain_text(smtp: SmtpReceiver) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    send_email(config, message_id="n1", to="a@example.org", subject="Hi", text="Hi", html=None)
    [message] = smtp.wait_for(1)
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == "Hi\n"


def test_retries_carry_the_same_message_id_so_the_receiver_can_drop_them(
    smtp: SmtpReceiver,
) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    for _ in range(3):
        send_email(config, message_id="n-7", to="a@example.org", subject="S", text="T", html="H")
    send_email(config, message_id="n-8", to="a@example.org", subject="S", text="T", html="H")
    smtp.wait_for(4)
    assert smtp.message_ids == ["<n-7@docket>"] * 3 + ["<n-8@docket>"]
    unique = smtp.unique_by_message_id()
    assert list(unique) == ["<n-7@docket>", "<n-8@docket>"]


def test_one_connection_carries_several_emails(smtp: SmtpReceiver) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    with SmtpConnection(config) as connection:
        for n in range(3):
            connection.send(message_id=f"n{n}", to="a@example.org", subject="S", text="T",
                            html=None)
    assert smtp.message_ids == ["<n0@docket>", "<n1@docket>", "<n2@docket>"]
    assert smtp.connections == 1 and connection.connections == 1


def test_a_refused_email_leaves_the_connection_to_the_next(smtp: SmtpReceiver) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    with SmtpConnection(config) as connection:
        connection.send(message_id="n1", to="a@example.org", subject="S", text="T", html=None)
        with pytest.raises(DeliveryError) as gone:
            connection.send(message_id="n2", to="gone@example.org", subject="S", text="T",
                            html=None)
        smtp.fail_next(1)  # 451 on DATA
        with pytest.raises(DeliveryError) as later:
            connection.send(message_id="n3", to="a@example.org", subject="S", text="T", html=None)
        connection.send(message_id="n4", to="a@example.org", subject="S", text="T", html=None)
    assert gone.value.permanent is True and later.value.permanent is False
    assert smtp.message_ids == ["<n1@docket>", "<n4@docket>"]
    assert [item.message_id for item in smtp.refused] == ["<n3@docket>"]
    assert smtp.connections == 1 and connection.connections == 1


def test_a_session_the_server_ends_is_opened_again_for_the_same_email() -> None:
    # Servers limit the messages of one session (answering 421, then closing).
    with SmtpReceiver(messages_per_connection=2) as smtp:
        config = SmtpConfig.from_url(smtp.url, sender=SENDER)
        with SmtpConnection(config) as connection:
            for n in range(5):
                connection.send(message_id=f"n{n}", to="a@example.org", subject="S", text="T",
                            html=None)
        assert smtp.message_ids == [f"<n{n}@docket>" for n in range(5)]
        assert [item.connection for item in smtp.received] == [1, 1, 2, 2, 3]
        assert connection.connections == 3


def test_a_server_gone_between_two_emails_fails_the_second_for_now() -> None:
    smtp = SmtpReceiver().start()
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    with SmtpConnection(config) as connection:
        connection.send(message_id="n1", to="a@example.org", subject="S", text="T", html=None)
        smtp.stop()
        with pytest.raises(DeliveryError) as caught:  # its session is gone; a new one is refused
            connection.send(message_id="n2", to="a@example.org", subject="S", text="T", html=None)
    assert caught.value.permanent is False
    assert "refused" in str(caught.value), caught.value  # by the new connection
    assert smtp.message_ids == ["<n1@docket>"]


def test_unreachable_smtp_server_is_a_temporary_failure(closed_port: int) -> None:
    config = SmtpConfig.from_url(f"smtp://127.0.0.1:{closed_port}", sender=SENDER)
    with pytest.raises(DeliveryError) as caught:
        send_email(config, message_id="n1", to="a@example.org", subject="S", text="T", html=None)
    assert caught.value.permanent is False
    assert f"127.0.0.1:{closed_port}" in str(caught.value)


def test_silent_smtp_server_times_out_as_a_temporary_failure(silent_port: int) -> None:
    config = SmtpConfig("127.0.0.1", silent_port, None, None, "none", SENDER, timeout=0.5)
    with pytest.raises(DeliveryError) as caught:
        send_email(config, message_id="n1", to="a@example.org", subject="S", text="T", html=None)
    # A server that never answers would hold the test forever without the timeout.
    assert caught.value.permanent is False
    assert "timed out" in str(caught.value)


def test_recipient_refused_with_5xx_is_permanent(smtp: SmtpReceiver) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    with pytest.raises(DeliveryError) as caught:
        send_email(config, message_id="n1", to="gone@example.org", subject="S", text="T", html=None)
    assert caught.value.permanent is True
    assert "550" in str(caught.value)
    assert smtp.received == []


def test_recipient_refused_with_4xx_is_temporary(smtp: SmtpReceiver) -> None:
    smtp.reject_recipient("busy@example.org", "450 4.2.1 Mailbox busy, try later")
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    with pytest.raises(DeliveryError) as caught:
        send_email(config, message_id="n1", to="busy@example.org", subject="S", text="T", html=None)
    assert caught.value.permanent is False
    assert "450" in str(caught.value)


def test_message_refused_at_data_4xx_then_retried_5xx(smtp: SmtpReceiver) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    smtp.fail_next(1)  # 451
    with pytest.raises(DeliveryError) as temporary:
        send_email(config, message_id="n1", to="a@example.org", subject="S", text="T", html=None)
    assert temporary.value.permanent is False
    send_email(config, message_id="n1", to="a@example.org", subject="S", text="T", html=None)
    assert len(smtp.wait_for(1)) == 1

    smtp.fail_next(1, "554 5.7.1 Message rejected as spam")
    with pytest.raises(DeliveryError) as permanent:
        send_email(config, message_id="n2", to="a@example.org", subject="S", text="T", html=None)
    assert permanent.value.permanent is True
    assert smtp.failed == 2


def test_login_when_a_username_is_configured() -> None:
    with SmtpReceiver(credentials={"docket": "pä:ss/wörd"}) as smtp:
        port = smtp.port
        good = SmtpConfig.from_url(
            f"smtp://docket:p%C3%A4%3Ass%2Fw%C3%B6rd@127.0.0.1:{port}", sender=SENDER
        )
        send_email(good, message_id="n1", to="a@example.org", subject="S", text="T", html=None)
        smtp.wait_for(1)
        assert [r.login for r in smtp.received] == ["docket"]

        # A wrong password or none at all is our configuration: retrying after a fix helps.
        wrong = SmtpConfig.from_url(f"smtp://docket:nope@127.0.0.1:{port}", sender=SENDER)
        anonymous = SmtpConfig.from_url(f"smtp://127.0.0.1:{port}", sender=SENDER)
        for config in (wrong, anonymous):
            with pytest.raises(DeliveryError) as caught:
                send_email(
                    config, message_id="n2", to="a@example.org", subject="S", text="T", html=None
                )
            assert caught.value.permanent is False
        assert len(smtp.received) == 1


def test_starttls_required_but_not_offered_is_a_temporary_failure(smtp: SmtpReceiver) -> None:
    config = SmtpConfig.from_url(f"{smtp.url}?starttls=true", sender=SENDER)
    with pytest.raises(DeliveryError) as caught:
        send_email(config, message_id="n1", to="a@example.org", subject="S", text="T", html=None)
    assert caught.value.permanent is False
    assert smtp.received == []


def test_implicit_tls_against_a_plain_server_is_a_temporary_failure(smtp: SmtpReceiver) -> None:
    config = SmtpConfig("127.0.0.1", smtp.port, None, None, "tls", SENDER, timeout=2)
    with pytest.raises(DeliveryError) as caught:
        send_email(config, message_id="n1", to="a@example.org", subject="S", text="T", html=None)
    assert caught.value.permanent is False


def test_bad_arguments(smtp: SmtpReceiver) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    for message_id in ("", "a b", "a@b", "<x>", "x\r\nBcc: evil@example.org"):
        with pytest.raises(ValueError, match="Message-ID"):
            send_email(
                config, message_id=message_id, to="a@example.org", subject="S", text="T", html=None
            )
    with pytest.raises(ValueError, match="may not be replaced"):
        send_email(
            config,
            message_id="n1",
            to="a@example.org",
            subject="S",
            text="T",
            html=None,
            headers={"message-id": "<other@x>"},
        )
    for to in ("not an address", "a@example.org\r\nBcc: evil@example.org", ""):
        with pytest.raises(DeliveryError) as caught:
            send_email(config, message_id="n1", to=to, subject="S", text="T", html=None)
        assert caught.value.permanent is True
    with pytest.raises(DeliveryError) as injected:
        send_email(
            config, message_id="n1", to="a@example.org", subject="S\r\nBcc: e@x", text="", html=None
        )
    assert injected.value.permanent is True
    assert smtp.received == []


def test_delivery_error_keeps_permanent_through_pickling() -> None:
    error = pickle.loads(pickle.dumps(DeliveryError("gone", permanent=True)))
    assert isinstance(error, DeliveryError)
    assert (str(error), error.permanent) == ("gone", True)
    assert DeliveryError("later").permanent is False


# ------------------------------------------------------------------------ signing and verifying

# The official Standard Webhooks test vector (standard-webhooks/standard-webhooks,
# libraries/python/tests/test_webhooks.py, test_sign_function; the same values appear in the
# other reference libraries).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _headers(msg_id: str, timestamp: int, signature: str) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def test_new_webhook_secret() -> None:
    secret = new_webhook_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert new_webhook_secret() != secret


def test_official_test_vector() -> None:
    signature = sign(VECTOR_SECRET, msg_id=VECTOR_ID, timestamp=VECTOR_TIMESTAMP, body=VECTOR_BODY)
    assert signature == VECTOR_SIGNATURE
    headers = _headers(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_SIGNATURE)
    verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TIMESTAMP + 10)
    # The secret without its prefix is the same key.
    verify(VECTOR_SECRET.removeprefix("whsec_"), headers, VECTOR_BODY, now=VECTOR_TIMESTAMP)
    # The library's "invalid signature" case: the last base64 character changed.
    bad = _headers(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_SIGNATURE[:-2] + "A=")
    with pytest.raises(ValueError, match="no matching"):
        verify(VECTOR_SECRET, bad, VECTOR_BODY, now=VECTOR_TIMESTAMP)


def test_sign_verify_round_trip_and_rejections() -> None:
    secret = new_webhook_secret()
    now = int(time.time())
    body = orjson.dumps({"data": {"text": "Сәлем, дүние"}})
    signature = sign(secret, msg_id="n-1", timestamp=now, body=body)
    assert signature.startswith("v1,")
    good = _headers("n-1", now, signature)

    verify(secret, good, body)
    verify(secret, httpx.Headers({k.upper(): v for k, v in good.items()}), body)  # any case

    with pytest.raises(ValueError, match="no matching"):
        verify(secret, good, body + b" ")  # tampered body
    with pytest.raises(ValueError, match="no matching"):
        verify(new_webhook_secret(), good, body)  # wrong secret
    with pytest.raises(ValueError, match="no matching"):
        verify(secret, {**good, "webhook-id": "n-2"}, body)  # id swapped
    with pytest.raises(ValueError, match="no matching"):
        verify(secret, {**good, "webhook-signature": "v2," + signature[3:]}, body)  # v2: unknown
    with pytest.raises(ValueError, match="no matching"):
        verify(secret, {**good, "webhook-signature": "v1,not*base64"}, body)

    # The tolerance is checked against the ``now`` given (the receiver's clock), so the
    # edges are exact: 300 s either way is accepted, 301 s is refused.
    for skew, verdict in ((-301, "too old"), (-300, None), (300, None), (301, "future")):
        at = now + skew
        stamped = _headers("n-1", at, sign(secret, msg_id="n-1", timestamp=at, body=body))
        if verdict is None:
            verify(secret, stamped, body, now=now)
        else:
            with pytest.raises(ValueError, match=verdict):
                verify(secret, stamped, body, now=now)
    old = now - 301
    old_headers = _headers("n-1", old, sign(secret, msg_id="n-1", timestamp=old, body=body))
    verify(secret, old_headers, body, tolerance=400, now=now)
    with pytest.raises(ValueError, match="Unix time"):
        verify(secret, {**good, "webhook-timestamp": "12.5"}, body)

    for missing in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        partial = {k: v for k, v in good.items() if k != missing}
        with pytest.raises(ValueError, match=missing):
            verify(secret, partial, body)


def test_several_signatures_in_the_header() -> None:
    """Secret rotation: the header carries one signature per secret, space-separated."""
    old_secret, new_secret = new_webhook_secret(), new_webhook_secret()
    now = int(time.time())
    body = b"{}"
    both = " ".join(
        [
            "v2,AAAA",
            sign(old_secret, msg_id="n", timestamp=now, body=body),
            sign(new_secret, msg_id="n", timestamp=now, body=body),
        ]
    )
    verify(old_secret, _headers("n", now, both), body)
    verify(new_secret, _headers("n", now, both), body)
    with pytest.raises(ValueError):
        verify(new_webhook_secret(), _headers("n", now, both), body)


def test_bad_secrets_are_refused() -> None:
    for secret in ("whsec_", "whsec_***", ""):
        with pytest.raises(ValueError, match="secret"):
            sign(secret, msg_id="n", timestamp=1, body=b"")


def test_interoperates_with_the_standardwebhooks_library() -> None:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    secret = new_webhook_secret()
    now = int(time.time())
    body = orjson.dumps({"type": "notice.sent", "data": {"text": "Привет, Алматы"}})

    # Their verify accepts our signature...
    ours = _headers("n-1", now, sign(secret, msg_id="n-1", timestamp=now, body=body))
    assert Webhook(secret).verify(body, ours)["data"]["text"] == "Привет, Алматы"
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(body, ours)

    # ...and our verify accepts theirs.
    theirs = Webhook(secret).sign("n-2", datetime.fromtimestamp(now, tz=UTC), body.decode())
    verify(secret, _headers("n-2", now, theirs), body)
    assert theirs == sign(secret, msg_id="n-2", timestamp=now, body=body)

    # The official vector through their library too.
    assert (
        Webhook(VECTOR_SECRET).sign(
            VECTOR_ID, datetime.fromtimestamp(VECTOR_TIMESTAMP, tz=UTC), VECTOR_BODY.decode()
        )
        == VECTOR_SIGNATURE
    )


# ------------------------------------------------------------------------------- post_webhook


def test_post_webhook_delivers_a_signed_event(hooks: WebhookReceiver) -> None:
    now = int(time.time())
    payload = {"notice": 42, "text": "Ваш запрос рассмотрен — қаралды", "tags": ["a", "ğ"]}
    status = post_webhook(
        hooks.url,
        hooks.secret,
        msg_id="n-42",
        event_type="notice.decided",
        payload=payload,
        timestamp=now,
    )
    assert status == 204
    [(headers, body)] = hooks.wait_for(1)
    assert body == {
        "type": "notice.decided",
        "timestamp": datetime.fromtimestamp(now, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": payload,
    }
    assert headers["webhook-id"] == "n-42"
    assert headers["webhook-timestamp"] == str(now)
    assert headers["webhook-signature"].startswith("v1,")
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == "docket"
    assert hooks.ids == ["n-42"]
    assert (hooks.rejected, hooks.duplicates, hooks.failed) == (0, 0, 0)


def test_post_webhook_timestamp_defaults_to_now(hooks: WebhookReceiver) -> None:
    before = int(time.time())
    post_webhook(hooks.url, hooks.secret, msg_id="n", event_type="t", payload={})
    [(headers, body)] = hooks.wait_for(1)
    assert before <= int(headers["webhook-timestamp"]) <= int(time.time())
    assert body["timestamp"].endswith("Z")


def test_repeated_msg_id_is_a_duplicate_and_counts_as_delivered(hooks: WebhookReceiver) -> None:
    args = {"msg_id": "n-9", "event_type": "notice.sent", "payload": {"n": 9}}
    assert post_webhook(hooks.url, hooks.secret, **args) == 204
    assert post_webhook(hooks.url, hooks.secret, **args) == 409
    assert len(hooks.deliveries) == 1
    assert hooks.duplicates == 1


def test_server_error_is_temporary_and_the_retry_gets_through(hooks: WebhookReceiver) -> None:
    hooks.fail_next(1, 500)
    with pytest.raises(DeliveryError) as caught:
        post_webhook(hooks.url, hooks.secret, msg_id="n-1", event_type="t", payload={})
    assert caught.value.permanent is False
    assert "500" in str(caught.value)
    assert post_webhook(hooks.url, hooks.secret, msg_id="n-1", event_type="t", payload={}) == 204
    assert hooks.failed == 1
    assert hooks.ids == ["n-1"]


def test_bad_request_is_permanent(hooks: WebhookReceiver) -> None:
    hooks.fail_next(1, 400)
    with pytest.raises(DeliveryError) as caught:
        post_webhook(hooks.url, hooks.secret, msg_id="n-1", event_type="t", payload={})
    assert caught.value.permanent is True
    assert "400" in str(caught.value)


def test_wrong_secret_is_refused_by_the_receiver_permanently(hooks: WebhookReceiver) -> None:
    with pytest.raises(DeliveryError) as caught:
        post_webhook(hooks.url, new_webhook_secret(), msg_id="n-1", event_type="t", payload={})
    assert caught.value.permanent is True
    assert "no matching webhook signature" in str(caught.value)  # the receiver's answer, quoted
    assert hooks.rejected == 1
    assert hooks.deliveries == []


@pytest.mark.parametrize(
    ("status", "permanent"),
    [
        (408, False),
        (429, False),
        (502, False),
        (503, False),
        (504, False),
        (307, False),
        (401, True),
        (403, True),
        (404, True),
        (410, True),
        (413, True),
        (422, True),
    ],
)
def test_status_classification(hooks: WebhookReceiver, status: int, permanent: bool) -> None:
    hooks.fail_next(1, status)
    with pytest.raises(DeliveryError) as caught:
        post_webhook(hooks.url, hooks.secret, msg_id="n-1", event_type="t", payload={})
    assert caught.value.permanent is permanent


def test_other_2xx_statuses_are_returned() -> None:
    with WebhookReceiver() as hooks:
        hooks.fail_next(1, 202)  # "fail" with an accepting status
        assert post_webhook(hooks.url, hooks.secret, msg_id="n", event_type="t", payload={}) == 202


def test_unreachable_webhook_is_temporary(closed_port: int) -> None:
    with pytest.raises(DeliveryError) as caught:
        post_webhook(
            f"http://127.0.0.1:{closed_port}/hook",
            new_webhook_secret(),
            msg_id="n",
            event_type="t",
            payload={},
        )
    assert caught.value.permanent is False


def test_silent_webhook_times_out_as_temporary(silent_port: int) -> None:
    with pytest.raises(DeliveryError) as caught:
        post_webhook(
            f"http://127.0.0.1:{silent_port}/hook",
            new_webhook_secret(),
            msg_id="n",
            event_type="t",
            payload={},
            timeout=0.5,
        )
    assert caught.value.permanent is False
    assert "timed out" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "file:///etc/passwd",
        "example.org/hook",
        "http://",
        "",
        "gopher://x",
    ],
)
def test_only_http_and_https_urls(url: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        post_webhook(url, new_webhook_secret(), msg_id="n", event_type="t", payload={})


def test_a_shared_client_is_used_and_left_open(hooks: WebhookReceiver) -> None:
    with httpx.Client() as client:
        for i in range(3):
            status = post_webhook(
                hooks.url,
                hooks.secret,
                msg_id=f"n-{i}",
                event_type="t",
                payload={"i": i},
                client=client,
            )
            assert status == 204
        assert not client.is_closed
    assert [body["data"]["i"] for _, body in hooks.wait_for(3)] == [0, 1, 2]


def test_error_messages_do_not_leak_url_credentials(closed_port: int) -> None:
    with pytest.raises(DeliveryError) as caught:
        post_webhook(
            f"http://user:topsecret@127.0.0.1:{closed_port}/hook?token=abc",
            new_webhook_secret(),
            msg_id="n",
            event_type="t",
            payload={},
        )
    assert "topsecret" not in str(caught.value)
    assert "token=abc" not in str(caught.value)


# ---------------------------------------------------------------------------- the test helpers


def test_receivers_wait_for_times_out_with_a_count() -> None:
    with SmtpReceiver() as smtp, pytest.raises(TimeoutError, match="got 0"):
        smtp.wait_for(1, timeout=0.1)
    with WebhookReceiver() as hooks, pytest.raises(TimeoutError, match="got 0"):
        hooks.wait_for(1, timeout=0.1)


def test_receivers_serve_concurrent_deliveries() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with SmtpReceiver() as smtp, WebhookReceiver() as hooks:
        config = SmtpConfig.from_url(smtp.url, sender=SENDER)

        def deliver(i: int) -> None:
            send_email(
                config, message_id=f"m{i}", to=f"u{i}@example.org", subject="S", text="T", html=None
            )
            post_webhook(hooks.url, hooks.secret, msg_id=f"w{i}", event_type="t", payload={"i": i})

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(deliver, range(12)))
        assert len(smtp.wait_for(12)) == 12
        assert len(smtp.unique_by_message_id()) == 12
        assert sorted(hooks.ids) == sorted(f"w{i}" for i in range(12))
        assert len(smtp.messages_to("u3@example.org")) == 1


# ------------------------------------------------------------------- what send_email refuses


@pytest.mark.parametrize("brk", ["\r\n", "\n", "\r", "\x00", "\u2028"], ids=repr)
@pytest.mark.parametrize("where", ["subject", "to", "header"])
def test_header_injection_is_refused_and_nothing_is_sent(smtp: SmtpReceiver, where: str, brk: str) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    clean = {"message_id": "n1", "to": "a@example.org", "subject": "S", "text": "T", "html": "<p>H</p>",
             "headers": {"X-Docket-Notice": "acknowledgement"}}
    injected = {
        "subject": {"subject": f"Subject{brk}Bcc: x@evil.example"},
        "to": {"to": f"a@example.org{brk}Bcc: x@evil.example"},
        "header": {"headers": {"X-Docket-Notice": f"Subject{brk}Bcc: x@evil.example"}},
    }[where]
    with pytest.raises(DeliveryError) as caught:
        send_email(config, **{**clean, **injected})
    assert caught.value.permanent is True

    send_email(config, **{**clean, "message_id": "n2"})  # the receiver works: only this arrives
    [message] = smtp.wait_for(1)
    [received] = smtp.received
    assert received.rcpt_tos == ("a@example.org",)
    assert message["Message-ID"] == "<n2@docket>"
    assert message["Bcc"] is None and b"evil" not in received.raw


@pytest.mark.parametrize("name", ["Bcc", "Cc", "Reply-To", "X Bad", "X:Bad", "X\r\nBcc", "Content-Type"])
def test_extra_headers_must_be_plain_field_names(smtp: SmtpReceiver, name: str) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    with pytest.raises(ValueError):
        send_email(config, message_id="n1", to="a@example.org", subject="S", text="T", html=None,
                   headers={name: "x@evil.example"})
    assert smtp.received == []


def test_a_long_subject_and_a_named_sender_arrive_intact(smtp: SmtpReceiver) -> None:
    subject = " ".join([RUSSIAN_SUBJECT, "R-2026/17", KAZAKH_SUBJECT, "Request received"] * 3)
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    send_email(config, message_id="n1", to="a@example.org", subject=subject, text=TEXT, html=HTML,
               headers={"X-Docket-Notice": "acknowledgement"})
    [message] = smtp.wait_for(1)
    [received] = smtp.received
    assert message["Subject"] == subject
    assert message["From"].addresses[0].display_name == "Docket"
    assert message["From"].addresses[0].addr_spec == "notices@docket.example"
    assert message["X-Docket-Notice"] == "acknowledgement"
    assert message["MIME-Version"] == "1.0"
    assert all(len(line) <= 78 for line in received.raw.split(b"\r\n"))
    assert [p.get_content() for p in message.iter_parts()] == [TEXT, HTML + "\n"]


def test_an_address_that_is_not_ascii_goes_out_with_smtputf8(smtp: SmtpReceiver) -> None:
    config = SmtpConfig.from_url(smtp.url, sender=SENDER)
    send_email(config, message_id="n1", to="Айгерім <айгерім@пример.kz>", subject="S", text="T", html=None)
    smtp.wait_for(1)
    [received] = smtp.received
    assert received.rcpt_tos == ("айгерім@пример.kz",)
    message = email.message_from_string(received.raw.decode("utf-8"), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "айгерім@пример.kz"
    assert message["To"].addresses[0].display_name == "Айгерім"
