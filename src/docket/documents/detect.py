"""What a file is, from its bytes alone (magic numbers, the entries of a ZIP, the headers
of an e-mail), never from its name or the type the client claims; and the name it is
shown under. Pure: no I/O beyond reading the bytes given.

Only the types on :data:`ALLOWED` are kept. Everything else — programs, archives, HTML,
scripts, images of other formats, word-processor files with macros — is refused with
what it was found to be."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
WEBP = "image/webp"
TEXT = "text/plain; charset=utf-8"
EML = "message/rfc822"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

# The allow-list, with the words an error names each by.
ALLOWED = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", TIFF: "TIFF", WEBP: "WebP",
           TEXT: "plain text (UTF-8)", EML: "e-mail (.eml)", DOCX: "DOCX", ODT: "ODT"}
ALLOWED_WORDS = ", ".join(ALLOWED.values())


@dataclass(frozen=True)
class Detected:
    """What the bytes are: a media type and words for people; ``allowed`` if on the list."""

    media_type: str
    words: str

    @property
    def allowed(self) -> bool:
        return self.media_type in ALLOWED


# Leading bytes of the allowed binary formats, and of common formats that are refused,
# so that the refusal can say what the file is.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", PDF, "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", PNG, "a PNG image"),
    (b"\xff\xd8\xff", JPEG, "a JPEG image"),
    (b"II*\x00", TIFF, "a TIFF image"),
    (b"MM\x00*", TIFF, "a TIFF image"),
    (b"\x7fELF", "application/x-executable", "a program (ELF executable)"),
    (b"\xfe\xed\xfa", "application/x-mach-binary", "a program (Mach-O executable)"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary", "a program (Mach-O executable)"),
    (b"#!", "text/x-script", "a script (#!)"),
    (b"GIF87a", "image/gif", "a GIF image"),
    (b"GIF89a", "image/gif", "a GIF image"),
    (b"\x1f\x8b", "application/gzip", "a gzip archive"),
    (b"Rar!", "application/vnd.rar", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage",
     "an old Microsoft Office file (OLE; may carry macros)"),
    (b"{\\rtf", "application/rtf", "an RTF document"),
)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# Markup a browser would render (WHATWG MIME Sniffing, "scriptable MIME type"): refused
# even though it is text.
_MARKUP = re.compile(
    rb"\s*(?:<!doctype\s+html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|"
    rb"<body|<br|<p|<!--|<svg|<\?xml)(?:[\s>/]|$)", re.IGNORECASE)
_HEADER = re.compile(rb"^[!-9;-~]+:")  # an RFC 5322 header field: printable ASCII but ':', then ':'
_MAIL_HEADERS = {b"from", b"to", b"date", b"subject", b"message-id", b"received", b"return-path",
                 b"mime-version", b"sender", b"reply-to", b"cc"}
_ZIP_ENTRY_MAX = 1 << 20  # the entries read to tell DOCX and ODT apart are small


def detect(data: bytes) -> Detected:
    """What ``data`` is (see the module's docstring)."""
    for magic, media_type, words in _MAGIC:
        if data.startswith(magic):
            return Detected(media_type, words)
    if data.startswith(b"MZ") and b"\x00" in data[:64]:  # a DOS header; text may start "MZ"
        return Detected("application/x-msdownload", "a Windows program (MZ executable)")
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return Detected(WEBP, "a WebP image")
    if data.startswith(_ZIP):
        return _zip(data)
    if b"\x00" in data:
        return Detected("application/octet-stream", "binary data of an unknown kind")
    if _MARKUP.match(data.removeprefix(b"\xef\xbb\xbf")):
        return Detected("text/html", "HTML or XML markup")
    if _is_mail(data):
        return Detected(EML, "an e-mail message")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return Detected("application/octet-stream", "text that is not UTF-8, or binary data")
    return Detected(TEXT, "plain text")


def _zip(data: bytes) -> Detected:
    """A ZIP archive: DOCX by its ``[Content_Types].xml``, ODT by its ``mimetype`` entry;
    any other archive is refused. Entries are read only up to a small size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                declared = _entry(archive, "mimetype").strip()
                if declared == ODT.encode():
                    return Detected(ODT, "an ODT document")
                return Detected("application/zip", f"an OpenDocument file of another kind "
                                                   f"({declared[:80].decode('ascii', 'replace')})")
            if "[Content_Types].xml" in names:
                types = _entry(archive, "[Content_Types].xml")
                if b"wordprocessingml.document.main+xml" in types:
                    return Detected(DOCX, "a DOCX document")
                if b"macroEnabled" in types:
                    return Detected("application/vnd.ms-office.macroEnabled",
                                    "an Office file with macros (DOCM, XLSM, PPTM)")
                return Detected("application/zip", "an Office file other than a Word document")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, NotImplementedError):
        return Detected("application/zip", "a damaged or unreadable ZIP archive")
    return Detected("application/zip", "a ZIP archive")


def _entry(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _ZIP_ENTRY_MAX:
        return b""
    with archive.open(info) as entry:
        return entry.read(_ZIP_ENTRY_MAX)  # never more, whatever the header claims


def _is_mail(data: bytes) -> bool:
    """An RFC 5322 message: it starts with header fields (ASCII, folded lines allowed) up
    to a blank line, among them From and at least one other a message has."""
    head, blank, _ = data.replace(b"\r\n", b"\n").partition(b"\n\n")
    if not blank:
        return False
    try:
        head.decode("utf-8")  # ASCII, or UTF-8 (RFC 6532)
    except UnicodeDecodeError:
        return False
    names: set[bytes] = set()
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and names:
            continue  # a folded line continues the field before it
        if not _HEADER.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return b"from" in names and len(names & _MAIL_HEADERS) >= 2


# ---------------------------------------------------------------- names
NAME_MAX = 200


def display_name(given: str | None) -> str:
    """The uploader's file name made safe to show and to offer back in a download: the
    last part of any path, no control or direction-changing characters, no leading dots,
    at most :data:`NAME_MAX` characters (the extension kept). Never used as a path."""
    name = unicodedata.normalize("NFC", given or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) else c for c in name)
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = f".{extension}" if dot and stem and len(extension) <= 10 else ""
        name = name[:NAME_MAX - len(keep)].rstrip() + keep
    return name or "document"


def ascii_name(name: str) -> str:
    """An ASCII stand-in for ``name`` (Content-Disposition's ``filename=``, for clients
    that do not read ``filename*``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r'[^A-Za-z0-9._ ()-]', "_", plain).strip()
    return plain or "document"
