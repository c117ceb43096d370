"""``docket export lumen``: the request's documents go with its notice as Lumen's file uploads
— the authority's papers as originals, a redacted copy in place of one that holds
personal data, never evidence — through the receiver that checks them as Lumen does
(tests/transparency/test_submit.py), and Lumen's refusal of a file is reported as any
other refusal."""

# ruff: noqa: F811  (tests take the imported ``receiver`` and ``token_file`` fixtures as parameters)
from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.documents import samples
from tests.transparency.test_submit import DATA_URI, Receiver, receipts, receiver, run, token_file  # noqa: F401  (fixtures)

# An e-mail that starts with its subject: docket reads it as an e-mail (From and the other
# headers are there), the ``file`` command that Lumen's spoof check asks reads plain text.
# A list of addresses written as JSON: plain text to docket, JSON to Lumen's `file` command.
JSON_LIST = b'{"urls": ["https://social.example/p/1"], "reason": "Article 15.1 of Law 149-FZ"}\n'
SUBJECT_FIRST = (b"Subject: Order 17\r\nFrom: Roskomnadzor <zapros@rkn.example>\r\nTo: legal@social.example\r\n"
                 b"Date: Thu, 3 Dec 2026 10:00:00 +0000\r\n\r\nThe order is attached.\r\n")


@pytest.fixture
def rkn(make_submitter: Any) -> Any:
    return make_submitter("Roskomnadzor", "regulator", "RU", email="zapros@rkn.example")


@pytest.fixture
def decided(send: Any, act: Any, reviewer_alice: Any) -> Any:
    """decided(who) → the id of a request of ``who``, its one item removed under the rules."""

    def go(who: Any) -> int:
        sent = send(who, jurisdiction="RU", legal_basis=[{"citation": "Federal Law 149-FZ, Art. 15.1"}])
        item = sent["items"][0]["id"]
        act(reviewer_alice, f"/items/{item}/review", step="policy", finding="violates")
        act(reviewer_alice, f"/items/{item}/decision", expect=201, outcome="removed_policy",
            policy_clause="Community Standards 3.2", explanation="A violent threat.")
        return int(sent["id"])

    return go


@pytest.fixture
def attach(client: Any) -> Any:
    """attach(who, request, data, name, kind, redacts=None) → the document as the API answers."""

    def go(who: Any, request_id: int, data: bytes, name: str, kind: str, redacts: int | None = None) -> Any:
        form = {"kind": kind, **({"redacts": str(redacts)} if redacts else {})}
        added = client.post(f"/api/v1/requests/{request_id}/documents", headers=who.headers,
                            files={"file": (name, data, "application/octet-stream")}, data=form)
        assert added.status_code == 201, added.text
        return added.json()

    return go


def _mark(client: Any, who: Any, document: dict[str, Any]) -> None:
    marked = client.patch(f"/api/v1/documents/{document['id']}", headers=who.headers, json={"personal_data": True})
    assert marked.status_code == 200, marked.text


def _sha256(upload: dict[str, Any]) -> str:
    found = DATA_URI.match(upload["file"])
    assert found, upload["file"][:80]
    return hashlib.sha256(base64.b64decode(found.group(3), validate=True)).hexdigest()


def test_originals_and_redacted_copies_go_personal_data_and_evidence_never(
        client: Any, rkn: Any, decided: Any, attach: Any, reviewer_alice: Any, receiver: Receiver,
        token_file: str, sessions: Any, tmp_path: Path) -> None:
    request = decided(rkn)
    letter = attach(rkn, request, samples.PDF, "Письмо RKN №77.pdf", "letter")
    order = attach(rkn, request, samples.TIFF, "Предписание Иванова.tiff", "order")
    _mark(client, reviewer_alice, order)
    stale = attach(reviewer_alice, request, samples.EML, "first try.eml", "order", redacts=order["id"])
    copy = attach(reviewer_alice, request, samples.PNG, "Предписание Иванова (redacted).png", "order",
                  redacts=order["id"])
    decision = attach(rkn, request, samples.docx(), "Решение суда.docx", "court_decision")
    _mark(client, reviewer_alice, decision)  # held back, and no copy of it to send
    translation = attach(rkn, request, samples.JPEG, "translation.pdf", "translation")  # a scan, whatever its name
    evidence = attach(rkn, request, samples.WEBP, "screenshot.webp", "evidence")
    evidence_copy = attach(reviewer_alice, request, samples.PNG, "screenshot-redacted.png", "evidence",
                           redacts=evidence["id"])
    other = attach(rkn, request, samples.TEXT, "notes.txt", "other")
    _mark(client, reviewer_alice, evidence)

    summary = run("export", "lumen", "--submit", f"{receiver.base}/notices", "--token-file", token_file)
    assert summary["sent"] == 1
    [notice] = receiver.notices
    uploads = notice["file_uploads_attributes"]
    assert [(u["kind"], u["file_name"]) for u in uploads] == [
        ("original", "______ RKN _77.pdf"),  # Lumen would rename it so: docket sends it so already
        ("supporting", f"order-{copy['id']}-redacted.png"),  # never the uploader's name (it names a person)
        ("original", "translation.jpg"),  # the extension of what the bytes are, for Lumen's spoof check
    ]
    assert [_sha256(u) for u in uploads] == [letter["sha256"], copy["sha256"], translation["sha256"]]
    assert [(f["kind"], f["file_name"], hashlib.sha256(f["data"]).hexdigest()) for f in receiver.files] == [
        (u["kind"], u["file_name"], _sha256(u)) for u in uploads]
    never = {order["sha256"], stale["sha256"], decision["sha256"], evidence["sha256"], evidence_copy["sha256"],
             other["sha256"]} - {copy["sha256"]}
    assert not never & {_sha256(u) for u in uploads}
    assert uploads[1]["file"].startswith("data:image/png;base64,")
    assert "Иванов" not in json.dumps(notice, ensure_ascii=False)
    # The files written for Lumen carry the same uploads.
    written = run("export", "lumen", "--out", str(tmp_path))
    [path] = written["files"]
    assert json.loads(Path(path).read_text())["notice"]["file_uploads_attributes"] == uploads


def test_lumen_never_sends_an_e_mail_only_its_redacted_copy(client: Any, rkn: Any, decided: Any, attach: Any,
                                                           reviewer_alice: Any, receiver: Receiver,
                                                           token_file: str) -> None:
    """An e-mail's headers name the people who sent it: held back like a marked document,
    unmarked; its redacted copy goes in its place."""
    request = decided(rkn)
    email = attach(rkn, request, SUBJECT_FIRST, "letter.eml", "letter")
    as_mail = attach(reviewer_alice, request, SUBJECT_FIRST, "copy.eml", "letter", redacts=email["id"])
    url = f"{receiver.base}/notices"
    run("export", "lumen", "--submit", url, "--token-file", token_file)
    assert receiver.files == []  # neither the e-mail nor a "copy" that is an e-mail again
    assert as_mail["redacts"] == email["id"]


@pytest.mark.skipif(shutil.which("file") is None, reason="Lumen's spoof check asks the `file` command")
def test_lumen_refusing_a_file_stops_the_run_as_any_refusal(client: Any, rkn: Any, decided: Any, attach: Any,
                                                            reviewer_alice: Any, receiver: Receiver,
                                                            token_file: str, sessions: Any) -> None:
    first = decided(rkn)
    attach(rkn, first, samples.PDF, "order.pdf", "order")
    refused = decided(rkn)
    letter = attach(rkn, refused, JSON_LIST, "list.txt", "letter")  # refused by Lumen as a ".txt"
    url = f"{receiver.base}/notices"
    result = run("export", "lumen", "--submit", url, "--token-file", token_file, code=1)
    assert f"refused the notice of request-{refused}: HTTP 422" in result["error"]
    assert "not what they are reported to be" in result["error"]
    # What Lumen took before the refusal is recorded; the refused notice is not, so the next
    # run offers it again (and is refused again, until its file is dealt with).
    assert [k for _, k, _ in receipts(sessions, "lumen")] == [f"request-{first}"]
    assert len(receiver.notices) == 1 and len(receiver.files) == 1
    again = run("export", "lumen", "--submit", url, "--token-file", token_file, code=1)
    assert f"request-{refused}: HTTP 422" in again["error"] and len(receiver.notices) == 1
    # The way out (docs/transparency-exports.md): the file held back, a copy in its place.
    _mark(client, reviewer_alice, letter)
    copy = attach(reviewer_alice, refused, b"The order is attached.\n", "letter.txt", "letter", redacts=letter["id"])
    third = run("export", "lumen", "--submit", url, "--token-file", token_file)
    assert (third["sent"], third["skipped_already_accepted"]) == (1, 1)
    assert [(f["kind"], f["file_name"]) for f in receiver.files[1:]] == [
        ("supporting", f"letter-{copy['id']}-redacted.txt")]
