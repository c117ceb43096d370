"""The demo shows a document held back for personal data: the Berlin court's decision,
marked by a legal reviewer, with its redacted copy, which the Lumen export sends in its
place."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from sqlalchemy import select

from docket import store
from docket.demo import LETTERS, load_demo
from docket.documents.models import Document
from docket.documents.storage import Blobs
from docket.transparency import lumen


@pytest.mark.rolled_back
def test_the_demo_s_court_decision_goes_to_lumen_redacted(sessions: Any, settings: Any) -> None:
    with store.transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=settings)
    with store.transaction(sessions) as s:
        original, copy = s.execute(select(Document).where(Document.filename.like("de-lg-berlin-beschluss%"))
                                   .order_by(Document.id)).scalars()
        assert (original.personal_data, copy.personal_data, copy.redacts_id) == (True, False, original.id)
        assert copy.sha256 == hashlib.sha256((LETTERS / "de-lg-berlin-beschluss-geschwaerzt.pdf")
                                             .read_bytes()).hexdigest()
        notices = dict(lumen.notices(session=s, platform="Social Example", blobs=Blobs.of(settings)))
    [uploads] = [n["notice"]["file_uploads_attributes"] for key, n in notices.items()
                 if key == f"request-{original.request_id}"]
    assert [(u["kind"], u["file_name"]) for u in uploads] == [
        ("supporting", f"court_decision-{copy.id}-redacted.pdf")]
    data = base64.b64decode(uploads[0]["file"].removeprefix("data:application/pdf;base64,"), validate=True)
    assert hashlib.sha256(data).hexdigest() == copy.sha256
