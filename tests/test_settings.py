import subprocess
import sys

import pytest

from docket.settings import Settings, SettingsError, load_settings


def test_it_reads_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DOCKET_DATABASE_URL", "DOCKET_SECRET_KEY", "DOCKET_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite:///docket.db"
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.default_clock_hours == 168
    assert len(settings.with_secret().secret_key) >= 32


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DOCKET_BASE_URL", "ftp://example.org", "DOCKET_BASE_URL: must be an http(s) URL"),
        ("DOCKET_DATABASE_URL", "mysql://root@localhost/x", "DOCKET_DATABASE_URL: must be sqlite"),
        ("DOCKET_SECRET_KEY", "short", "DOCKET_SECRET_KEY: must be at least 32 characters"),
        ("DOCKET_MAX_BODY_BYTES", "lots", "DOCKET_MAX_BODY_BYTES:"),
        ("DOCKET_DEFAULT_CLOCK_HOURS", "0", "DOCKET_DEFAULT_CLOCK_HOURS:"),
    ],
)
def test_it_names_the_bad_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value).startswith(expected)
    assert "\n" not in str(info.value)


def test_it_does_not_echo_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKET_SECRET_KEY", "hunter2")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "hunter2" not in str(info.value)


def test_it_reads_secrets_from_files(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    secret = tmp_path / "key"
    secret.write_text("k" * 40 + "\n")
    monkeypatch.delenv("DOCKET_SECRET_KEY", raising=False)
    monkeypatch.setenv("DOCKET_SECRET_KEY_FILE", str(secret))
    assert load_settings().secret_key == "k" * 40


def test_it_accepts_plain_postgresql_urls() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1/docket")
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_the_command_stops_with_one_line(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from docket.cli import main; main()", "db", "current"],
        env={"DOCKET_BASE_URL": "not a url", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("docket: DOCKET_BASE_URL:")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("imap://letters@mail.example/INBOX", "plain IMAP would send the password in the clear"),
        ("pop3s://letters@mail.example", "must be imaps://"),
        ("imaps://mail.example/INBOX", "must name the user and the host"),
        ("imaps://letters:hunter2@mail.example:99999/INBOX", "the port must be a number"),
    ],
)
def test_the_mailbox_is_reached_over_tls_only(monkeypatch: pytest.MonkeyPatch, value: str, expected: str) -> None:
    monkeypatch.setenv("DOCKET_MAIL_IMAP_URL", value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value).startswith("DOCKET_MAIL_IMAP_URL: ") and expected in str(info.value)
    assert "hunter2" not in str(info.value)


def test_a_mailbox_url_over_tls_is_taken(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from docket.documents.mailbox import Mailbox

    password = tmp_path / "imap"
    password.write_text("s3cret\n")
    monkeypatch.setenv("DOCKET_MAIL_IMAP_PASSWORD_FILE", str(password))
    for url, port, starttls in (("imaps://letters%40gov.example@mail.example/Requests", 993, False),
                                ("imap://letters%40gov.example@mail.example:1143/Requests?starttls=true", 1143, True)):
        monkeypatch.setenv("DOCKET_MAIL_IMAP_URL", url)
        mailbox = Mailbox.of(load_settings())
        assert (mailbox.user, mailbox.host, mailbox.port, mailbox.folder, mailbox.starttls, mailbox.password) == (
            "letters@gov.example", "mail.example", port, "Requests", starttls, "s3cret")
    monkeypatch.setenv("DOCKET_MAIL_IMAP_CA_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(SettingsError, match="DOCKET_MAIL_IMAP_CA_FILE: must be a readable PEM file"):
        load_settings()
