"""A real IMAP server for the mailbox's tests: Debian's Dovecot (dovecot-imapd) on loopback,
with a configuration of its own in a temporary folder — an ephemeral port, TLS with a
certificate from a CA made here, one passwd-file user, maildirs in the folder — and none
of the system's. Messages are delivered with IMAP APPEND, as a mail client files them.

Without Dovecot the tests are skipped; on CI (CI=true) they fail, as the browser's and Go's do."""

from __future__ import annotations

import datetime as dt
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "letters@docket.test", "imap password 0123456789"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_dovecot() -> None:
    """Skip without Dovecot; fail on CI."""
    if Path(DOVECOT).is_file() and os.access(DOVECOT, os.X_OK):
        return
    reason = f"Dovecot is not installed at {DOVECOT}: install Debian's package (apt-get install -y dovecot-imapd)"
    if on_ci():
        pytest.fail(reason + " (CI=true: the mailbox tests must run on CI)", pytrace=False)
    pytest.skip(reason)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_ca(name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False),
                           critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def make_server_cert(ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey
                     ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return cert, key


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ImapServer:
    """A running Dovecot: where it listens, its CA (and another CA that did not sign it)."""

    folder: Path
    port: int  # IMAP over TLS
    imap_port: int  # IMAP, where the login needs STARTTLS first (ssl = required)
    ca_file: Path
    other_ca_file: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"imaps://{USER.replace('@', '%40')}@localhost:{self.port}/INBOX"

    @property
    def starttls_url(self) -> str:
        return f"imap://{USER.replace('@', '%40')}@localhost:{self.imap_port}/INBOX?starttls=true"

    def client(self) -> imaplib.IMAP4_SSL:
        """A mail client logged in and in INBOX, as a person's would be."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        imap = imaplib.IMAP4_SSL("localhost", self.port, ssl_context=context, timeout=10)
        imap.login(USER, PASSWORD)
        imap.select("INBOX")
        return imap

    def deliver(self, *messages: bytes) -> None:
        """File each message in INBOX (IMAP APPEND), unread."""
        imap = self.client()
        try:
            for message in messages:
                status, answer = imap.append("INBOX", "", imaplib.Time2Internaldate(time.time()), message)
                assert status == "OK", answer
        finally:
            imap.logout()

    def flags(self) -> list[set[str]]:
        """Each message's flags, in the folder's order."""
        imap = self.client()
        try:
            status, answer = imap.fetch("1:*", "(FLAGS)")
            if answer == [None]:
                return []
            return [{f.decode() for f in imaplib.ParseFlags(line)} for line in answer if isinstance(line, bytes)]
        finally:
            imap.logout()

    def unmark(self, flags: str) -> None:
        """Take ``flags`` off every message, as a crash before docket marked them would have left them."""
        imap = self.client()
        try:
            imap.store("1:*", "-FLAGS", f"({flags})")
        finally:
            imap.logout()

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/server.pem
ssl_key = <{root}/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
mail_uid = {mail_uid}
mail_gid = {mail_gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service pop3-login {{
  chroot =
}}
service submission-login {{
  chroot =
}}
service anvil {{
  chroot =
}}
service auth {{
  unix_listener auth-userdb {{
    mode = 0666
  }}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def _identity() -> tuple[str, str, str, int, int]:
    """The users Dovecot's internal and login processes run as, their group, and the uid
    and gid of mail: all the current user's; for root (whose processes Dovecot never lets
    log in or own mail), the package's unprivileged accounts (dovecot, dovenull) or nobody."""
    me = pwd.getpwuid(os.geteuid())
    if me.pw_uid != 0:
        return me.pw_name, me.pw_name, _group_name(me.pw_gid), me.pw_uid, me.pw_gid
    internal, login = (_account("dovecot") or _account("nobody")), (_account("dovenull") or _account("nobody"))
    if internal is None or login is None:
        raise RuntimeError("no unprivileged account for Dovecot's processes (dovecot, dovenull or nobody)")
    return internal.pw_name, login.pw_name, _group_name(internal.pw_gid), internal.pw_uid, internal.pw_gid


def _account(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


@contextmanager
def running() -> Iterator[ImapServer]:
    """Start a Dovecot of its own (``dovecot -F -c CONFIG``); stop it and remove its folder at the end."""
    require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="docket-imap-"))
    root.chmod(0o755)
    internal, login, group, mail_uid, mail_gid = _identity()
    ca, ca_key = make_ca("docket test CA")
    other, _ = make_ca("a CA that signed nothing here")
    cert, key = make_server_cert(ca, ca_key)
    (root / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (root / "other-ca.pem").write_bytes(other.public_bytes(serialization.Encoding.PEM))
    (root / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (root / "server.key").write_bytes(_pem(key))
    (root / "server.key").chmod(0o600)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    for sub in ("mail", "home"):
        os.chown(root / sub, mail_uid, mail_gid)
    process = None
    try:
        for _attempt in range(5):  # the port is free when chosen; another process may take it first
            port, imap_port = _free_port(), _free_port()
            (root / "dovecot.conf").write_text(CONFIG.format(
                root=root, internal=internal, login=login, group=group, port=port, imap_port=imap_port,
                mail_uid=mail_uid, mail_gid=mail_gid))
            process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if _listening(port, process) and _listening(imap_port, process):
                break
            _stop(process)
            process = None
        if process is None:
            log = (root / "dovecot.log").read_text(errors="replace") if (root / "dovecot.log").exists() else ""
            raise RuntimeError(f"Dovecot did not start:\n{log[-3000:]}")
        yield ImapServer(root, port, imap_port, root / "ca.pem", root / "other-ca.pem", process)
    finally:
        if process is not None:
            _stop(process)
        if not os.environ.get("DOCKET_KEEP_IMAP"):
            shutil.rmtree(root, ignore_errors=True)


def _listening(port: int, process: subprocess.Popen[bytes], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
