"""The documents' limits (DOCKET_DOCUMENT_MAX_BYTES per file, DOCKET_REQUEST_DOCUMENTS_MAX_BYTES
per request), through the API: over either, a 413 and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from docket.settings import Settings
from tests.documents.conftest import counts, events

PER_FILE, PER_REQUEST = 2_000, 5_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"document_max_bytes": PER_FILE,
                                       "request_documents_max_bytes": PER_REQUEST})


def _text(size: int, fill: str = "a") -> bytes:
    return (fill * size).encode()


def test_a_document_over_the_limit_is_refused_and_nothing_is_stored(client: Any, sessions: Any, kz_ministry: Any,
                                                                    kz_request: int, upload: Any) -> None:
    assert upload(kz_ministry, kz_request, _text(PER_FILE), name="full.txt").status_code == 201
    refused = upload(kz_ministry, kz_request, _text(PER_FILE + 1, "b"), name="over.txt")
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/payload-too-large")
    assert f"{PER_FILE} bytes" in refused.json()["detail"]
    assert counts(sessions) == (1, 1)


def test_a_request_s_documents_together_stay_under_their_limit(client: Any, sessions: Any, kz_ministry: Any,
                                                               kz_request: int, upload: Any) -> None:
    for fill in "ab":
        assert upload(kz_ministry, kz_request, _text(PER_FILE, fill), name=f"{fill}.txt").status_code == 201
    refused = upload(kz_ministry, kz_request, _text(PER_FILE, "c"), name="c.txt")
    assert refused.status_code == 413
    assert f"at most {PER_REQUEST} bytes" in refused.json()["detail"]
    assert refused.json()["errors"] == [{"field": "documents", "message": f"{PER_REQUEST - 2 * PER_FILE} bytes are "
                                                                          "left for this request"}]
    assert counts(sessions) == (2, 2)
    assert len(events(sessions, "document:added")) == 2
    # What is left still fits.
    assert upload(kz_ministry, kz_request, _text(PER_REQUEST - 2 * PER_FILE, "d"), name="d.txt").status_code == 201
