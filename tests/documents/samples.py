"""Tiny files of every allowed type, built here from their formats (no fixtures on disk),
and files that only pretend to be documents."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from docket.documents import detect

PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
       b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# One white pixel.
PNG = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
       + _chunk(b"IDAT", zlib.compress(b"\x00\xff")) + _chunk(b"IEND", b""))
# A JPEG's start of image and JFIF header, and its end.
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xfe\x00\x07order\xff\xd9")
# A little-endian TIFF header and an empty directory.
TIFF = b"II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"
# One pixel, lossless.
WEBP = (b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
TEXT = "Предписание № 17: ограничить доступ к материалам.\n".encode()
EML = (b"From: Ministry <orders@gov.example>\r\nTo: legal@social.example\r\n"
       b"Subject: Order 17\r\nDate: Thu, 3 Dec 2026 10:00:00 +0000\r\n"
       b"Message-ID: <17@gov.example>\r\n\r\nThe order is attached.\r\n")


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def docx(main: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml") -> bytes:
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
             'package/2006/content-types"><Default Extension="rels" ContentType="application/'
             'vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" '
             f'ContentType="{main}"/></Types>')
    return _zip([("[Content_Types].xml", types.encode()),
                 ("_rels/.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                                 b'package/2006/relationships"/>'),
                 ("word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                                       b'.org/wordprocessingml/2006/main"><w:body/></w:document>')])


def odt(mimetype: bytes = detect.ODT.encode()) -> bytes:
    return _zip([("mimetype", mimetype),
                 ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                                           b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'),
                 ("content.xml", b'<?xml version="1.0"?><office:document-content/>')])


DOCX = docx()
ODT = odt()
ALLOWED = {"pdf": (PDF, detect.PDF), "png": (PNG, detect.PNG), "jpeg": (JPEG, detect.JPEG),
           "tiff": (TIFF, detect.TIFF), "webp": (WEBP, detect.WEBP), "text": (TEXT, detect.TEXT),
           "eml": (EML, detect.EML), "docx": (DOCX, detect.DOCX), "odt": (ODT, detect.ODT)}

# A Windows program's DOS header and PE signature.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x40\x00\x00\x00PE\x00\x00"
HTML = b"<!DOCTYPE html>\n<html><body><script>document.location='https://evil.example'</script></body></html>\n"
