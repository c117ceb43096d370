"""Staff's mark that a document holds personal data, and the redacted copy they add in its
place, through the API: who may (staff who may see the request; never its submitter),
what the answers and events say, and what is refused."""

from __future__ import annotations

from typing import Any

from tests.documents import samples
from tests.documents.conftest import REQUEST, counts, events


def _mark(client: Any, who: Any, document: int, body: Any) -> Any:
    return client.patch(f"/api/v1/documents/{document}", headers=who.headers, json=body)


def _copy(client: Any, who: Any, request_id: int, redacts: Any, data: bytes = samples.PNG) -> Any:
    return client.post(f"/api/v1/requests/{request_id}/documents", headers=who.headers,
                       files={"file": ("redacted.png", data, "image/png")}, data={"kind": "order", "redacts": redacts})


def test_staff_mark_a_document_and_add_its_redacted_copy(client: Any, sessions: Any, kz_ministry: Any,
                                                         kz_request: int, upload: Any, reviewer_alice: Any,
                                                         dana_kz: Any) -> None:
    order = upload(kz_ministry, kz_request, samples.PDF, name="Приказ.pdf").json()
    assert (order["personal_data"], order["redacts"]) == (False, None)
    marked = _mark(client, dana_kz, order["id"], {"personal_data": True})
    assert marked.status_code == 200, marked.text
    assert marked.json() == {**order, "personal_data": True}
    assert _mark(client, reviewer_alice, order["id"], {"personal_data": True}).status_code == 200  # already so
    [event] = events(sessions, "document:marked")
    assert (event.actor, event.subject) == (f"user:{dana_kz.id}", f"request:{kz_request}")
    assert (event.payload["document"], event.payload["personal_data"]) == (order["id"], True)
    copy = _copy(client, reviewer_alice, kz_request, str(order["id"]))
    assert copy.status_code == 201, copy.text
    assert (copy.json()["redacts"], copy.json()["personal_data"], copy.json()["kind"]) == (order["id"], False, "order")
    [_, added] = events(sessions, "document:added")
    assert (added.payload["document"], added.payload["redacts"]) == (copy.json()["id"], order["id"])
    listed = client.get(f"/api/v1/requests/{kz_request}/documents", headers=kz_ministry.headers).json()["documents"]
    assert [(d["id"], d["personal_data"], d["redacts"]) for d in listed] == [
        (order["id"], True, None), (copy.json()["id"], False, order["id"])]
    # The mark comes off again, with its event.
    assert _mark(client, reviewer_alice, order["id"], {"personal_data": False}).json()["personal_data"] is False
    assert [e.payload["personal_data"] for e in events(sessions, "document:marked")] == [True, False]


def test_the_submitter_neither_marks_nor_adds_a_redacted_copy(client: Any, sessions: Any, kz_ministry: Any,
                                                             kz_request: int, upload: Any) -> None:
    order = upload(kz_ministry, kz_request, samples.PDF).json()
    refused = _mark(client, kz_ministry, order["id"], {"personal_data": True})
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert _copy(client, kz_ministry, kz_request, str(order["id"])).status_code == 403
    assert counts(sessions) == (1, 1) and events(sessions, "document:marked") == []
    assert client.get(f"/api/v1/requests/{kz_request}/documents",
                      headers=kz_ministry.headers).json()["documents"][0]["personal_data"] is False


def test_a_copy_redacts_an_original_of_the_same_request(client: Any, sessions: Any, kz_ministry: Any,
                                                        kz_request: int, upload: Any, reviewer_alice: Any) -> None:
    order = upload(kz_ministry, kz_request, samples.PDF).json()
    other_request = client.post("/api/v1/requests", headers=kz_ministry.headers, json=REQUEST).json()["id"]
    elsewhere = upload(kz_ministry, other_request, samples.TEXT, name="letter.txt", kind="letter").json()
    copy = _copy(client, reviewer_alice, kz_request, str(order["id"])).json()
    for redacts in (str(elsewhere["id"]), "999999", "abc", "-1", str(copy["id"])):
        refused = _copy(client, reviewer_alice, kz_request, redacts)
        assert refused.status_code == 422, (redacts, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["errors"][0]["field"] == "redacts", redacts
    assert counts(sessions) == (3, 3)


def test_a_mark_is_a_boolean_and_nothing_else(client: Any, kz_ministry: Any, kz_request: int, upload: Any,
                                              reviewer_alice: Any, make_user: Any) -> None:
    order = upload(kz_ministry, kz_request, samples.PDF).json()
    for body in ({}, {"personal_data": "yes"}, {"personal_data": 1}, {"personal_data": True, "kind": "evidence"},
                 [True]):
        refused = _mark(client, reviewer_alice, order["id"], body)
        assert refused.status_code == 422, body
        assert refused.headers["content-type"] == "application/problem+json"
    rep_de = make_user("jonas@docket.test", "local_representative", jurisdictions=("DE",))
    assert _mark(client, rep_de, order["id"], {"personal_data": True}).status_code == 404
    assert _mark(client, reviewer_alice, 999999, {"personal_data": True}).status_code == 404
