"""What the DSA and Lumen exports share: redaction of free text, batching, files, receipts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.transparency.models import ExportReceipt

T = TypeVar("T")
REDACTED = "[REDACTED]"

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the separators phone numbers are written with; kept when it is
# not a phone number (fewer than 7 or more than 15 digits, or a date).
_PHONE = re.compile(r"(?<![\w-])\+?[\d(][\d\s().-]{5,}\d(?![\w-])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4}")


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    if not 7 <= digits <= 15 or _DATE.search(text):
        return text
    return REDACTED


def redact(text: str | None) -> str:
    """``text`` with e-mail addresses and phone numbers replaced by ``[REDACTED]``."""
    if not text:
        return ""
    return _PHONE.sub(_phone, EMAIL.sub(REDACTED, text))


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size``."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as indented JSON (UTF-8) through a temporary file, so an interrupted
    export never leaves half a file under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    partial.replace(path)
    return path


# ---------------------------------------------------------------- receipts
def accepted_keys(*, session: Session, export: str, target: str) -> set[str]:
    """The keys (``puid``s, Lumen notice keys) that ``target`` has already accepted."""
    return set(session.execute(
        select(ExportReceipt.key).where(ExportReceipt.export == export, ExportReceipt.target == target)
    ).scalars())


def record_accepted(*, session: Session, export: str, target: str,
                    accepted: Sequence[tuple[str, str | None]], now: Any) -> int:
    """Record what ``target`` accepted: (key, the target's own id or None). Keys already
    recorded are left as they are (a resumed run may meet them again)."""
    known = set(session.execute(
        select(ExportReceipt.key).where(ExportReceipt.export == export, ExportReceipt.target == target,
                                        ExportReceipt.key.in_([k for k, _ in accepted]))
    ).scalars()) if accepted else set()
    fresh = [ExportReceipt(export=export, target=target, key=key, remote_id=(remote or None) and remote[:200],
                           accepted_at=now) for key, remote in accepted if key not in known]
    session.add_all(fresh)
    return len(fresh)
