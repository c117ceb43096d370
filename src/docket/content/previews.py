"""Thumbnails the platform sends with its content: small PNG, JPEG or WebP images, their
type read from the bytes (never from what the sender claims), kept in the database and
shown to staff only. docket never fetches an image from the web."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import warnings
from collections.abc import Sequence

from PIL import Image
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from docket.content.models import Content, ContentPreview

MAX_BYTES = 256 * 1024
MAX_SIDE = 2048
MAX_PREVIEWS = 4
_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


class InvalidPreview(ValueError):
    """Not a small PNG, JPEG or WebP image."""


def sniff(data: bytes) -> str | None:
    """The media type the bytes say they are (PNG, JPEG, WebP), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def decode(value: str) -> tuple[bytes, str]:
    """A preview sent as base64: its bytes and media type, or :class:`InvalidPreview`."""
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidPreview("not base64") from None
    if len(data) > MAX_BYTES:
        raise InvalidPreview(f"larger than {MAX_BYTES // 1024} KiB")
    media_type = sniff(data)
    if media_type is None:
        raise InvalidPreview("not a PNG, JPEG or WebP image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if _FORMATS.get(str(image.format)) != media_type:
                    raise InvalidPreview("the image's bytes do not match its kind")
                if max(image.size) > MAX_SIDE:
                    raise InvalidPreview(f"wider or taller than {MAX_SIDE} pixels")
                image.verify()
    except InvalidPreview:
        raise
    except Exception:  # Pillow's many ways to refuse a broken image
        raise InvalidPreview("not a readable image") from None
    return data, media_type


def replace(*, session: Session, content: Content, previews: Sequence[tuple[str, str | None]]) -> None:
    """Make ``previews`` (base64 image, alt text) the content's thumbnails, in order."""
    session.execute(delete(ContentPreview).where(ContentPreview.content_id == content.id))
    for position, (value, alt) in enumerate(previews, start=1):
        data, media_type = decode(value)
        session.add(ContentPreview(content_id=content.id, position=position, media_type=media_type, data=data,
                                   alt=alt, sha256=hashlib.sha256(data).hexdigest()))
    session.flush()


def listed(*, session: Session, content_id: str) -> list[tuple[int, str | None, str]]:
    """(position, alt, media type) of the content's thumbnails, without their bytes."""
    return [(p, a, m) for p, a, m in session.execute(
        select(ContentPreview.position, ContentPreview.alt, ContentPreview.media_type)
        .where(ContentPreview.content_id == content_id).order_by(ContentPreview.position))]


def get(*, session: Session, content_id: str, position: int) -> ContentPreview | None:
    return session.execute(select(ContentPreview).where(
        ContentPreview.content_id == content_id, ContentPreview.position == position)).scalar_one_or_none()
