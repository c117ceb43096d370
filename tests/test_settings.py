import re
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
        ("DOCKET_EXTRACT_LANGUAGES", "ru,russian", "DOCKET_EXTRACT_LANGUAGES: must be two-letter ISO 639-1 codes"),
        ("DOCKET_OCR_LANGUAGES", "eng+../etc", "DOCKET_OCR_LANGUAGES: must be Tesseract language packs"),
        ("DOCKET_EXTRACT_MAX_PAGES", "0", "DOCKET_EXTRACT_MAX_PAGES:"),
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


def test_the_reading_settings_are_tidied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKET_EXTRACT_LANGUAGES", " RU, kk ,en")
    monkeypatch.setenv("DOCKET_OCR_LANGUAGES", "eng, rus+chi_sim")
    settings = load_settings()
    assert (settings.extract_languages, settings.ocr_languages) == ("ru,kk,en", "eng+rus+chi_sim")


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


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [("s3://docket-documents", "docket-documents", ""),
     ("s3://docket-documents/", "docket-documents", ""),
     ("s3://docs.example/legal/orders/", "docs.example", "legal/orders/")],
)
def test_it_reads_a_bucket_and_its_prefix(url: str, bucket: str, prefix: str) -> None:
    assert Settings(document_s3_url=url).document_bucket == (bucket, prefix)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DOCKET_DOCUMENT_S3_URL", "https://docs.s3.amazonaws.com", "must be s3://BUCKET"),
        ("DOCKET_DOCUMENT_S3_URL", "s3://Docs_Bucket", "must name a bucket"),
        ("DOCKET_DOCUMENT_S3_URL", "s3://docs/../etc", "must have a prefix"),
        ("DOCKET_DOCUMENT_S3_URL", "s3://docs/a b", "must have a prefix"),
        ("DOCKET_DOCUMENT_S3_ENDPOINT", "minio:9000", "must be an http(s) URL"),
        ("DOCKET_DOCUMENT_S3_REGION", "eu central", "should match pattern"),
    ],
)
def test_it_refuses_a_bad_bucket(monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
                                 expected: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"^{variable}: .*{re.escape(expected)}"):
        load_settings()


def test_credentials_never_go_in_the_bucket_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKET_DOCUMENT_S3_URL", "s3://AKIAEXAMPLE:wJalrXUtnFEMI@docs/orders")
    with pytest.raises(SettingsError, match="AWS environment") as info:
        load_settings()
    assert "wJalrXUtnFEMI" not in str(info.value)
    monkeypatch.setenv("DOCKET_DOCUMENT_S3_URL", "s3://docs/orders")
    monkeypatch.setenv("DOCKET_DOCUMENT_S3_ENDPOINT", "https://AKIAEXAMPLE:wJalrXUtnFEMI@minio.internal")
    with pytest.raises(SettingsError, match="AWS environment") as info:
        load_settings()
    assert "wJalrXUtnFEMI" not in str(info.value)


def test_content_goes_to_a_directory_or_a_bucket_not_both(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("DOCKET_DOCUMENT_DIR", str(tmp_path))
    monkeypatch.setenv("DOCKET_DOCUMENT_S3_URL", "s3://docs/orders")
    with pytest.raises(SettingsError, match="^DOCKET_DOCUMENT_S3_URL: cannot be set with DOCKET_DOCUMENT_DIR"):
        load_settings()


def test_a_bucket_without_the_s3_client_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # as when the s3 extra is not installed
    monkeypatch.setenv("DOCKET_DOCUMENT_S3_URL", "s3://docs/orders")
    with pytest.raises(SettingsError, match=r"needs an S3 client: .*pip install 'docket\[s3\]'"):
        load_settings()
    monkeypatch.delenv("DOCKET_DOCUMENT_S3_URL")
    assert load_settings().document_bucket is None
