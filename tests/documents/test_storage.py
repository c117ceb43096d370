"""Documents' content, one copy per distinct content: in the database by default, in files
named by their hash when DOCKET_DOCUMENT_DIR is set."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.documents.models import Blob
from docket.documents.storage import Blobs, Unavailable
from docket.settings import Settings
from tests.documents import samples
from tests.documents.conftest import counts


def test_every_byte_value_comes_back_from_the_database(session: Session) -> None:
    data = bytes(range(256)) * 3
    sha = hashlib.sha256(data).hexdigest()
    assert Blobs().put(session, sha256=sha, data=data)
    session.expire_all()
    assert Blobs().get(session, sha256=sha) == data


def test_the_same_bytes_are_kept_once(client: Any, sessions: Any, kz_ministry: Any, de_court: Any,
                                      kz_request: int, upload: Any) -> None:
    first = upload(kz_ministry, kz_request, samples.PDF, name="order.pdf").json()
    again = upload(kz_ministry, kz_request, samples.PDF, name="copy.pdf", kind="evidence").json()
    assert first["id"] != again["id"] and first["sha256"] == again["sha256"]
    assert counts(sessions) == (2, 1)
    for document in (first, again):
        got = client.get(f"/api/v1/documents/{document['id']}/content", headers=kz_ministry.headers)
        assert got.content == samples.PDF


def test_a_hash_is_never_a_path(session: Session) -> None:
    with pytest.raises(ValueError):
        Blobs("/tmp").put(session, sha256="../../etc/passwd", data=b"x")


class TestTheDirectoryStore:
    @pytest.fixture
    def settings(self, settings: Settings, tmp_path: Path) -> Settings:
        return settings.model_copy(update={"document_dir": str(tmp_path / "documents")})

    def test_content_goes_to_a_file_named_by_its_hash(self, client: Any, sessions: Any, settings: Settings,
                                                      kz_ministry: Any, kz_request: int, upload: Any) -> None:
        document = upload(kz_ministry, kz_request, samples.PNG, name="scan.png").json()
        folder = Path(settings.document_dir or "")
        assert [p.name for p in folder.iterdir()] == [document["sha256"]]  # no temporary file left
        assert (folder / document["sha256"]).read_bytes() == samples.PNG
        with sessions() as s:
            assert s.execute(select(Blob.content)).scalar_one() is None
        got = client.get(f"/api/v1/documents/{document['id']}/content", headers=kz_ministry.headers)
        assert got.content == samples.PNG
        again = upload(kz_ministry, kz_request, samples.PNG, name="scan-again.png").json()
        assert again["sha256"] == document["sha256"] and len(list(folder.iterdir())) == 1

    def test_an_altered_or_missing_file_is_unavailable_not_served(self, client: Any, settings: Settings,
                                                                  kz_ministry: Any, kz_request: int,
                                                                  upload: Any) -> None:
        document = upload(kz_ministry, kz_request, samples.PDF).json()
        path = Path(settings.document_dir or "") / document["sha256"]
        path.write_bytes(samples.PDF + b"% appended\n")
        altered = client.get(f"/api/v1/documents/{document['id']}/content", headers=kz_ministry.headers)
        assert altered.status_code == 503 and "does not match its hash" in altered.json()["detail"]
        path.unlink()
        gone = client.get(f"/api/v1/documents/{document['id']}/content", headers=kz_ministry.headers)
        assert gone.status_code == 503 and "cannot be read" in gone.json()["detail"]


def test_content_kept_in_files_needs_its_directory(session: Session, tmp_path: Path) -> None:
    sha = hashlib.sha256(samples.PDF).hexdigest()
    Blobs(str(tmp_path)).put(session, sha256=sha, data=samples.PDF)
    with pytest.raises(Unavailable, match="neither DOCKET_DOCUMENT_DIR nor DOCKET_DOCUMENT_S3_URL is set"):
        Blobs().get(session, sha256=sha)
    assert Blobs(str(tmp_path)).get(session, sha256=sha) == samples.PDF
