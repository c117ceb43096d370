"""Documents through the API: adding one to a request, listing them, downloading one, and
who reaches them (a request's submitter; staff who may see the request; nobody else)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.documents import samples
from tests.documents.conftest import counts, events


def test_the_submitter_adds_a_document_and_lists_it(client: Any, kz_ministry: Any, kz_request: int,
                                                     upload: Any) -> None:
    added = upload(kz_ministry, kz_request, samples.PDF, name="../Приказ № 17\u202e.pdf", language="ru")
    assert added.status_code == 201, added.text
    document = added.json()
    assert document["request_id"] == kz_request
    assert (document["kind"], document["language"], document["media_type"]) == ("order", "ru", "application/pdf")
    assert document["size"] == len(samples.PDF)
    assert document["sha256"] == hashlib.sha256(samples.PDF).hexdigest()
    assert document["filename"] == "Приказ № 17 .pdf"
    assert document["uploaded_by"] == f"submitter:{kz_ministry.id}"
    listed = client.get(f"/api/v1/requests/{kz_request}/documents", headers=kz_ministry.headers)
    assert listed.status_code == 200
    assert listed.json()["documents"] == [document]


def test_staff_who_may_see_the_request_add_documents_too(client: Any, kz_request: int, upload: Any,
                                                         reviewer_alice: Any, dana_kz: Any) -> None:
    for who in (reviewer_alice, dana_kz):
        added = upload(who, kz_request, samples.TEXT, name="translation.txt", kind="translation", language="en")
        assert added.status_code == 201, added.text
        assert added.json()["uploaded_by"] == f"user:{who.id}"


def test_the_type_comes_from_the_bytes_not_the_name_or_the_claim(client: Any, kz_ministry: Any,
                                                                 kz_request: int, upload: Any) -> None:
    for name, (data, media_type) in sorted(samples.ALLOWED.items()):
        added = upload(kz_ministry, kz_request, data, name=f"{name}.bin", claimed="text/html")
        assert added.status_code == 201, (name, added.text)
        assert added.json()["media_type"] == media_type, name


@pytest.mark.parametrize(("data", "found"), [(samples.EXE, "a Windows program"), (samples.HTML, "HTML")])
def test_a_disguised_file_is_refused_with_what_it_is(client: Any, sessions: Any, kz_ministry: Any,
                                                    kz_request: int, upload: Any, data: bytes, found: str) -> None:
    refused = upload(kz_ministry, kz_request, data, name="order.pdf", claimed="application/pdf")
    assert refused.status_code == 415
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"].endswith("/unsupported-media-type")
    assert found in problem["detail"] and "PDF, PNG, JPEG, TIFF, WebP" in problem["detail"]
    assert "application/pdf" in problem["allowed"] and problem["detected"] != "application/pdf"
    assert problem["errors"][0]["field"] == "file"
    assert counts(sessions) == (0, 0)
    assert events(sessions, "document:added") == []


def test_a_kind_or_language_docket_does_not_know_is_invalid(client: Any, kz_ministry: Any, kz_request: int,
                                                            upload: Any) -> None:
    assert upload(kz_ministry, kz_request, samples.PDF, kind="memo").status_code == 422
    bad = upload(kz_ministry, kz_request, samples.PDF, language="r1")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "language"
    assert upload(kz_ministry, kz_request, b"").status_code == 422


def test_a_download_is_always_an_attachment_in_the_detected_type(client: Any, kz_ministry: Any,
                                                                 kz_request: int, upload: Any) -> None:
    document = upload(kz_ministry, kz_request, samples.PNG, name="Скан приказа.html", claimed="text/html").json()
    got = client.get(f"/api/v1/documents/{document['id']}/content", headers=kz_ministry.headers)
    assert got.status_code == 200
    assert got.content == samples.PNG
    assert got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''%D0%A1%D0%BA%D0%B0%D0%BD%20%D0%BF%D1%80%D0%B8%D0%BA%D0%B0%D0%B7%D0%B0.html" in disposition
    assert "sandbox" in got.headers["content-security-policy"]
    assert got.headers["cache-control"] == "private, no-store"


def test_uploads_and_downloads_are_audit_events_without_the_content(client: Any, sessions: Any,
                                                                     kz_ministry: Any, reviewer_alice: Any,
                                                                     kz_request: int, upload: Any) -> None:
    document = upload(kz_ministry, kz_request, samples.PDF, name="secret-name.pdf", language="ru").json()
    assert client.get(f"/api/v1/documents/{document['id']}/content", headers=reviewer_alice.headers).status_code == 200
    facts = {"document": document["id"], "sha256": document["sha256"], "size": len(samples.PDF),
             "media_type": "application/pdf", "kind": "order", "language": "ru"}
    [added] = events(sessions, "document:added")
    [downloaded] = events(sessions, "document:downloaded")
    assert (added.actor, added.subject, added.payload) == (f"submitter:{kz_ministry.id}",
                                                           f"request:{kz_request}", facts)
    assert (downloaded.actor, downloaded.subject, downloaded.payload) == (f"user:{reviewer_alice.id}",
                                                                          f"request:{kz_request}", facts)
    assert "secret-name" not in str(added.payload)


def test_another_submitter_finds_nothing(client: Any, de_court: Any, kz_ministry: Any, kz_request: int,
                                         upload: Any, sessions: Any) -> None:
    document = upload(kz_ministry, kz_request, samples.PDF).json()
    assert client.get(f"/api/v1/requests/{kz_request}/documents", headers=de_court.headers).status_code == 404
    assert client.get(f"/api/v1/documents/{document['id']}/content", headers=de_court.headers).status_code == 404
    assert upload(de_court, kz_request, samples.PDF).status_code == 404
    assert counts(sessions) == (1, 1)
    assert events(sessions, "document:downloaded") == []


def test_a_local_representative_reaches_only_its_countries(client: Any, make_user: Any, dana_kz: Any,
                                                           kz_ministry: Any, kz_request: int, upload: Any) -> None:
    rep_de = make_user("jonas@docket.test", "local_representative", jurisdictions=("DE",))
    document = upload(kz_ministry, kz_request, samples.PDF).json()
    path = f"/api/v1/documents/{document['id']}/content"
    assert client.get(path, headers=rep_de.headers).status_code == 404
    assert client.get(f"/api/v1/requests/{kz_request}/documents", headers=rep_de.headers).status_code == 404
    assert client.get(path, headers=dana_kz.headers).status_code == 200


def test_the_platform_and_strangers_are_refused(client: Any, platform: Any, kz_ministry: Any, kz_request: int,
                                                upload: Any) -> None:
    document = upload(kz_ministry, kz_request, samples.PDF).json()
    path = f"/api/v1/documents/{document['id']}/content"
    assert client.get(path, headers=platform.headers).status_code == 403
    assert client.get(path).status_code == 401
    assert upload(platform, kz_request, samples.PDF).status_code == 403
