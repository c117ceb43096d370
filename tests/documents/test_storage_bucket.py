"""Documents' content in an S3-compatible bucket (DOCKET_DOCUMENT_S3_URL), through the API.

The receiver is moto's standalone S3 server (``moto[server]``: the WSGI application that
its ThreadedMotoServer serves) on an ephemeral loopback port, spoken to over real HTTP by
boto3, docket's client in production. moto is an emulator of S3's API, not AWS: the same
kind of stand-in the project uses where the real thing cannot run here. It does not check
upload checksums itself, so a thin layer in front of it records the headers each request
carries, and the tests check that docket sends them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest
from fastapi.testclient import TestClient
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from werkzeug.serving import make_server

from docket.documents.models import Blob
from docket.intake.models import Request
from docket.settings import Settings
from tests.documents import samples
from tests.documents.conftest import REQUEST, counts, events

BUCKET, PREFIX, REGION = "docket-documents", "requests/blobs", "eu-central-1"


class Receiver:
    """moto's S3 server on 127.0.0.1, noting the method, path and headers of each request."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        backend = DomainDispatcherApplication(create_backend_app)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
            headers["content-md5"] = environ.get("CONTENT_MD5", headers.get("content-md5", ""))
            self.seen.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), headers))
            return backend(environ, start_response)

        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def puts(self, key: str) -> list[dict[str, str]]:
        """The headers of the PUTs of object ``key``."""
        return [h for method, path, h in self.seen if method == "PUT" and path == f"/{BUCKET}/{key}"]

    def admin(self) -> Any:
        """The operator's own client, to look into the bucket and alter it."""
        return boto3.client("s3", endpoint_url=self.url, region_name=REGION)

    def objects(self) -> dict[str, bytes]:
        """The bucket's objects and their bytes."""
        admin = self.admin()
        listed = admin.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {o["Key"]: admin.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Credentials as an operator gives them, in the AWS environment; no shared files of
    this machine's, no instance metadata."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "docket-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "docket-test-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def receiver(server: Receiver, aws_environment: None) -> Receiver:
    """The server, emptied, with the bucket."""
    httpx.post(f"{server.url}/moto-api/reset").raise_for_status()
    server.seen.clear()
    server.admin().create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return server


@pytest.fixture
def settings(settings: Settings, receiver: Receiver) -> Settings:
    return settings.model_copy(update={"document_s3_url": f"s3://{BUCKET}/{PREFIX}",
                                       "document_s3_endpoint": receiver.url, "document_s3_region": REGION})


def download(client: Any, who: Any, document: dict[str, Any]) -> Any:
    return client.get(f"/api/v1/documents/{document['id']}/content", headers=who.headers)


def test_an_upload_is_an_object_named_by_its_hash(client: Any, sessions: Any, receiver: Receiver,
                                                  kz_ministry: Any, kz_request: int, upload: Any) -> None:
    sent = upload(kz_ministry, kz_request, samples.PDF, name="order.pdf")
    assert sent.status_code == 201, sent.text
    document = sent.json()
    key = f"{PREFIX}/{document['sha256']}"
    assert receiver.objects() == {key: samples.PDF}
    with sessions() as s:
        assert s.execute(select(Blob.content)).scalar_one() is None
    # The service can check what it took: the SHA-256 the name says, and the MD5.
    (put,) = receiver.puts(key)
    assert put["x-amz-checksum-sha256"] == base64.b64encode(hashlib.sha256(samples.PDF).digest()).decode()
    assert put["content-md5"] == base64.b64encode(hashlib.md5(samples.PDF).digest()).decode()
    got = download(client, kz_ministry, document)
    assert got.status_code == 200 and got.content == samples.PDF


def test_the_same_bytes_are_one_object_written_once(client: Any, sessions: Any, receiver: Receiver,
                                                    kz_ministry: Any, kz_request: int, upload: Any) -> None:
    first = upload(kz_ministry, kz_request, samples.PNG, name="scan.png").json()
    again = upload(kz_ministry, kz_request, samples.PNG, name="scan-again.png", kind="evidence").json()
    assert first["sha256"] == again["sha256"] and counts(sessions) == (2, 1)
    key = f"{PREFIX}/{first['sha256']}"
    assert list(receiver.objects()) == [key] and len(receiver.puts(key)) == 1
    for document in (first, again):
        assert download(client, kz_ministry, document).content == samples.PNG


def test_an_object_already_there_is_not_rewritten(client: Any, receiver: Receiver, kz_ministry: Any,
                                                  kz_request: int, upload: Any) -> None:
    # As left by an upload whose transaction was rolled back after the object was stored.
    key = f"{PREFIX}/{hashlib.sha256(samples.PDF).hexdigest()}"
    receiver.admin().put_object(Bucket=BUCKET, Key=key, Body=samples.PDF)
    receiver.seen.clear()
    document = upload(kz_ministry, kz_request, samples.PDF).json()
    assert receiver.puts(key) == [] and receiver.objects() == {key: samples.PDF}
    assert download(client, kz_ministry, document).content == samples.PDF


def test_an_altered_or_missing_object_is_unavailable_not_served(client: Any, receiver: Receiver, kz_ministry: Any,
                                                                kz_request: int, upload: Any) -> None:
    document = upload(kz_ministry, kz_request, samples.PDF).json()
    sha = document["sha256"]
    key = f"{PREFIX}/{sha}"
    for altered in (samples.PDF[:-1] + b"X", samples.PDF + b"% appended\n"):  # same length, then longer
        receiver.admin().put_object(Bucket=BUCKET, Key=key, Body=altered)
        got = download(client, kz_ministry, document)
        assert got.status_code == 503, got.text
        assert got.headers["content-type"] == "application/problem+json"
        assert f"{sha} does not match its hash" in got.json()["detail"]
    receiver.admin().delete_object(Bucket=BUCKET, Key=key)
    gone = download(client, kz_ministry, document)
    assert gone.status_code == 503 and f"{sha} is missing from the bucket" in gone.json()["detail"]
    assert BUCKET not in gone.text  # the caller learns the hash; the operator's log, the object


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_bucket_stores_nothing(sessions: Any, engine: Engine, settings: Settings, receiver: Receiver,
                                              kz_ministry: Any, kz_request: int) -> None:
    from docket.app import create_app

    away = settings.model_copy(update={"document_s3_endpoint": f"http://127.0.0.1:{closed_port()}"})
    application = create_app(away, engine=engine)
    application.state.owns_engine = False
    with TestClient(application, raise_server_exceptions=False) as unreachable:
        sent = unreachable.post(f"/api/v1/requests/{kz_request}/documents", headers=kz_ministry.headers,
                                files={"file": ("order.pdf", samples.PDF, "application/pdf")},
                                data={"kind": "order"})
        # A new request with its order: neither is kept without the other.
        new = unreachable.post("/api/v1/requests", headers=kz_ministry.headers,
                               data={"request": json.dumps({**REQUEST, "reference": "MISD-2026/18"})},
                               files=[("documents", ("order.pdf", samples.PDF, "application/pdf"))])
    assert new.status_code == 503, new.text
    with sessions() as s:
        assert s.execute(select(func.count()).select_from(Request)).scalar_one() == 1  # kz_request alone
    assert sent.status_code == 503, sent.text
    assert sent.headers["content-type"] == "application/problem+json"
    assert hashlib.sha256(samples.PDF).hexdigest() in sent.json()["detail"]
    assert "cannot be stored in the bucket" in sent.json()["detail"]
    assert counts(sessions) == (0, 0) and events(sessions, "document:added") == []
    assert receiver.objects() == {}


def test_content_kept_before_the_bucket_is_still_read(engine: Engine, settings: Settings, receiver: Receiver,
                                                      client: Any, kz_ministry: Any, kz_request: int,
                                                      upload: Any) -> None:
    from docket.app import create_app

    # Stored by an application without the setting: in the database.
    before_application = create_app(settings.model_copy(update={"document_s3_url": None}), engine=engine)
    before_application.state.owns_engine = False
    with TestClient(before_application) as before:
        sent = before.post(f"/api/v1/requests/{kz_request}/documents", headers=kz_ministry.headers,
                           files={"file": ("order.pdf", samples.PDF, "application/pdf")}, data={"kind": "order"})
        assert sent.status_code == 201, sent.text
        in_database = sent.json()
        # …and what the bucket holds, the application without it cannot read: a 503 that says why.
        in_bucket = upload(kz_ministry, kz_request, samples.PNG, name="scan.png").json()
        lost = download(before, kz_ministry, in_bucket)
        assert lost.status_code == 503
        assert "neither DOCKET_DOCUMENT_DIR nor DOCKET_DOCUMENT_S3_URL is set" in lost.json()["detail"]
    assert list(receiver.objects()) == [f"{PREFIX}/{in_bucket['sha256']}"]
    assert download(client, kz_ministry, in_database).content == samples.PDF
    assert download(client, kz_ministry, in_bucket).content == samples.PNG


def test_docket_runs_without_the_s3_client(tmp_path: Any) -> None:
    code = ("import sys; sys.modules['boto3'] = sys.modules['botocore'] = None\n"
            "from docket.app import create_app; from docket.settings import Settings\n"
            f"create_app(Settings(database_url='sqlite:///{tmp_path}/docket.db'))\n"
            "import docket.cli, docket.documents.storage")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
