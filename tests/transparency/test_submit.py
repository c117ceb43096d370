"""``docket export dsa|lumen --submit``: against a real HTTP receiver on loopback that answers
like the Transparency Database and Lumen (token check, all-or-nothing batches of 1 to 100,
422 for a known puid, 429 with Retry-After, 5xx; Lumen's checks of a notice's files), with
failures on demand."""

# ruff: noqa: F811  (tests take the imported ``case`` fixture as a parameter)
from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from docket import store
from docket.cli import app
from docket.documents import detect
from docket.transparency import dsa
from tests.helpers import docket_command
from tests.transparency.test_aggregates_history import case  # noqa: F401  (the fixture; F811 below is its use)
from tests.transparency.test_exports import release_holds

TOKEN = "tdb-test-token-0123456789"
PUID_NOT_UNIQUE = "The platform identifier(s) are not all unique within this call."  # its exception's message
LUMEN_TYPES = {"GovernmentRequest", "CourtOrder", "LawEnforcementRequest", "LocalLaw", "Defamation",
               "DataProtection", "PrivateInformation", "DMCA", "Trademark", "Counterfeit", "Other"}
# Lumen's NoticesController#notice_params (app/controllers/notices_controller.rb): what its
# API keeps of a notice; any other key, or an array or object where it permits a scalar,
# is dropped without a word (Rails' strong parameters), so the receiver records it.
SCALAR = None
ENTITY = {k: SCALAR for k in ("name", "kind", "address_line_1", "address_line_2", "city", "state", "zip",
                              "country_code", "phone", "email", "url", "full_notice_only_researchers")}
PERMITTED: dict[str, Any] = {
    **{k: SCALAR for k in ("title", "subject", "body", "date_sent", "date_received", "source", "tag_list",
                           "jurisdiction_list", "regulation_list", "language", "action_taken", "request_type",
                           "mark_registration_number", "url_count", "webform", "counternotice_for_id",
                           "counternotice_for_sid", "case_id_number")},
    "topic_ids": [SCALAR],
    "file_uploads_attributes": [{"kind": SCALAR, "file": SCALAR, "file_name": SCALAR}],
    "entity_notice_roles_attributes": [{"entity_id": SCALAR, "name": SCALAR, "entity_attributes": ENTITY}],
    "works_attributes": [{"description": SCALAR, "kind": SCALAR, "infringing_urls_attributes": [{"url": SCALAR}],
                          "copyrighted_urls_attributes": [{"url": SCALAR}]}],
}
# Its Language model's codes (the same list as docket.transparency.lumen.LANGUAGES, copied
# here from the reference so that a slip in one shows in the other).
_CODES = """
af am ar ar-EG az be bg bn bs ca crp cs cy da de de-AT de-BL de-CH el en-AU en-BL en-CA en-GB en-IN en-IE en-MY
en-NZ en-ZA en-SG en-CH en eo es es-419 et eu fa fi fil fr fr-BL fr-CA fr-CH ga gl gu hi hr ht hu hy id is it iw
ja ka kk km kn ko ky lt lv la lg lo mg mk ml ms mt my ne nl nl-BL no nn or pa pl pt pt-BR rm ro ru rw si sk sl sq
sr sv sw ta th tl tr uk ur uz vi yi yo zh zh-Hans zh-Hant zh-HK zh-MS zh-HG zu"""
LUMEN_LANGUAGES = set(_CODES.split())


def unpermitted(value: Any, allowed: Any, path: str = "notice") -> list[str]:
    """Where ``value`` has what Lumen's permitted parameters drop (a path per drop)."""
    if allowed is SCALAR:
        return [] if value is None or isinstance(value, (str, int, float, bool)) else [path]
    if isinstance(allowed, list):
        if not isinstance(value, list):
            return [path]
        return [p for i, v in enumerate(value) for p in unpermitted(v, allowed[0], f"{path}[{i}]")]
    if not isinstance(value, dict):
        return [path]
    return [p for k, v in value.items()
            for p in (unpermitted(v, allowed[k], f"{path}.{k}") if k in allowed else [f"{path}.{k}"])]


# Lumen's file uploads (app/models/file_upload.rb, Lumen::Submissions::AttachmentValidator):
# the kinds it takes, the data URI it decodes, the types Paperclip's spoof check expects of
# a name's extension (the mime-types gem's), and its renaming of files.
LUMEN_FILE_KINDS = {"original", "supporting"}
DATA_URI = re.compile(r"\Adata:([-\w.+]+/[-\w.+]+)((?:;[-\w]+=[-\w.]+)*);base64,(.*)\Z", re.S)
EXTENSION_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
                   "tif": "image/tiff", "tiff": "image/tiff", "webp": "image/webp", "txt": "text/plain",
                   "eml": "message/rfc822", "docx": detect.DOCX, "odt": detect.ODT}


def file_says(data: bytes) -> str:
    """The type ``file -b --mime-type`` reads from ``data``, as Paperclip asks it (docket's own
    detection where the command is missing)."""
    command = shutil.which("file")
    if command is None:
        return detect.detect(data).media_type.split(";")[0]
    with tempfile.NamedTemporaryFile() as held:
        held.write(data)
        held.flush()
        return subprocess.run([command, "-b", "--mime-type", held.name], capture_output=True, text=True,
                              check=True).stdout.strip()


def lumen_file_problem(upload: Any) -> str | None:
    """What Lumen says of one of ``file_uploads_attributes``, or None when it takes it."""
    if not isinstance(upload, dict) or upload.get("kind") not in LUMEN_FILE_KINDS:
        return "Kind is not included in the list"
    found = DATA_URI.match(str(upload.get("file", "")))
    if found is None:
        return "invalid base64"
    try:
        data = base64.b64decode(found.group(3), validate=True)  # Ruby's strict_decode64
    except (binascii.Error, ValueError):
        return "invalid base64"
    name = str(upload.get("file_name") or "")
    stem, dot, extension = name.rpartition(".")
    if dot and stem:  # Paperclip::MediaTypeSpoofDetector compares media types ("image", "text")
        expected = EXTENSION_TYPES.get(extension.lower(), "application/octet-stream").split("/")[0]
        if {found.group(1).split("/")[0], file_says(data).split("/")[0]} != {expected}:
            return "File has contents that are not what they are reported to be"
    return None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        received = {k.lower(): v for k, v in self.headers.items()}
        status, headers, answer = self.server.receiver.handle(self.path, received, body)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(payload)  # the client may be gone (Ctrl-C) before its answer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver


class Receiver:
    """The Transparency Database's ``POST /api/v1/statements`` and Lumen's ``POST /notices``.

    ``fail_next(status, headers)`` answers the next requests with failures first;
    ``down`` answers 503 to everything, ``down_after`` once that many batches were taken; ``hold_request(n)`` keeps
    the n-th request waiting (``arrived`` is set when it comes) until ``release()``, then
    answers 503 without taking it. ``known`` holds puids the database already has;
    ``lose_answers`` batches are stored but answered 504 (the answer lost on the way)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        self.statements: list[dict[str, Any]] = []
        self.notices: list[dict[str, Any]] = []
        self.files: list[dict[str, Any]] = []  # as Lumen keeps them: kind, renamed file, bytes
        self.batch_sizes: list[int] = []
        self.known: set[str] = set()
        self.dropped: list[str] = []  # what Lumen's parameter filter would drop of the notices
        self.lose_answers = 0  # batches stored whose answer never comes back (504)
        self.failures: list[tuple[int, dict[str, str]]] = []
        self.down = False
        self.down_after: int | None = None  # batches accepted before it goes down
        self.hold_at: int | None = None
        self.arrived = threading.Event()
        self.released = threading.Event()

    def __enter__(self) -> Receiver:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.receiver = self
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_next(self, *failures: tuple[int, dict[str, str]]) -> None:
        self.failures.extend(failures)

    def hold_request(self, n: int) -> None:
        self.hold_at = n

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], Any]:
        with self.lock:
            body = json.loads(raw)
            self.requests.append((path, headers, body))
            number = len(self.requests)
            hold = number == self.hold_at
        if hold:
            self.arrived.set()
            self.released.wait(30)
            return 503, {}, {"message": "gone away"}
        with self.lock:
            if self.failures:
                status, extra = self.failures.pop(0)
                return status, extra, {"message": f"told to fail with {status}"}
            if self.down or (self.down_after is not None and len(self.batch_sizes) >= self.down_after):
                return 503, {}, {"message": "down"}
            if path == "/api/v1/statements":
                answer = self._statements(headers, body)
                if answer[0] == 201 and self.lose_answers:  # stored, but the answer is lost on the way
                    self.lose_answers -= 1
                    return 504, {}, {"message": "Gateway Timeout"}
                return answer
            if path == "/notices":
                return self._notice(headers, body)
            return 404, {}, {"message": "no such endpoint"}

    def _statements(self, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {}, {"message": "Unauthenticated."}
        batch = body.get("statements") if isinstance(body, dict) else None
        if not isinstance(batch, list) or not 1 <= len(batch) <= 100:
            return 422, {}, {"message": "1 to 100 statements", "errors": {"statements": ["1 to 100"]}}
        # As StatementMultipleAPIController::store: each statement's rules first (errors by
        # statement_<index>, no message), then the puids: repeated within the call, then known
        # (PuidNotUniqueMultipleException); all or nothing.
        errors = {f"statement_{i}": problems for i, s in enumerate(batch) if (problems := dsa.validate(s))}
        if errors:
            return 422, {}, {"errors": errors}
        puids = [s["puid"] for s in batch]
        repeated = sorted({p for p in puids if puids.count(p) > 1})
        existing = repeated or [p for p in puids if p in self.known]
        if existing:
            return 422, {}, {"message": PUID_NOT_UNIQUE, "errors": {"puid": [PUID_NOT_UNIQUE],
                                                                      "existing_puids": existing}}
        self.batch_sizes.append(len(batch))
        self.statements += batch
        self.known |= {s["puid"] for s in batch}
        return 201, {}, {"statements": [{**s, "uuid": str(uuid.uuid4())} for s in batch]}

    def _notice(self, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        if headers.get("x-authentication-token") != TOKEN:
            return 401, {}, {"error": "unauthenticated"}
        notice = body.get("notice") if isinstance(body, dict) else None
        if not isinstance(notice, dict) or notice.get("type") not in LUMEN_TYPES:
            return 422, {}, {"notices": {"type": ["is not a notice type"]}}
        self.dropped += unpermitted({k: v for k, v in notice.items() if k != "type"}, PERMITTED)
        if notice.get("language") not in (None, "", *LUMEN_LANGUAGES):
            return 422, {}, {"language": ["is not included in the list"]}
        if "case_id_number" in notice and not isinstance(notice["case_id_number"], int):
            self.dropped.append("notice.case_id_number (an integer column: Rails keeps only its leading digits)")
        if any(not isinstance(notice.get(f, ""), str) for f in ("jurisdiction_list", "regulation_list", "tag_list")):
            return 422, {}, {"notices": {"tag_list": ["must be a comma-separated string"]}}
        uploads = notice.get("file_uploads_attributes") or []
        problems = [p for p in map(lumen_file_problem, uploads) if p]
        if problems:  # the notice and all its files, or nothing
            return 422, {}, {"file_uploads": problems}
        self.notices.append(notice)
        for upload in uploads:
            data = base64.b64decode(DATA_URI.match(upload["file"]).group(3))  # type: ignore[union-attr]
            self.files.append({"notice": len(self.notices), "kind": upload["kind"], "data": data,
                               "file_name": re.sub(r"[^a-z\d.\- ]", "_", upload["file_name"], flags=re.I)})
        return 201, {"location": f"{self.base}/notices/{len(self.notices)}"}, {}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def token_file(tmp_path: Path) -> str:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    return str(path)


def run(*args: str, code: int = 0) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == code, result.output
    return dict(json.loads(result.output.strip().splitlines()[-1]))


def receipts(sessions: Any, export: str) -> list[tuple[str, str, str | None]]:
    with store.transaction(sessions) as s:
        return [tuple(r) for r in s.execute(text(
            "SELECT target, key, remote_id FROM export_receipts WHERE export = :e ORDER BY key"), {"e": export})]


def test_dsa_submit_retries_records_and_sends_nothing_twice(case: Any, receiver: Receiver, token_file: str,
                                                           sessions: Any, client: Any, bob_legal: Any) -> None:
    url = f"{receiver.base}/api/v1/statements"
    receiver.fail_next((429, {"Retry-After": "1"}), (500, {}), (502, {}))
    started = time.monotonic()
    summary = run("export", "dsa", "--period", "2026-H1", "--submit", url, "--token-file", token_file,
                  "--backoff", "0.05")
    assert time.monotonic() - started >= 1.0  # Retry-After, not the 0.05 s backoff, after the 429
    assert (summary["sent"], summary["skipped_already_accepted"], summary["retries"]) == (4, 0, 3)
    assert summary["deferred_by_gag_order"] == 2
    assert receiver.batch_sizes == [4] and len(receiver.requests) == 4
    assert all(dsa.validate(s) == {} for s in receiver.statements)
    recorded = receipts(sessions, "dsa")
    assert sorted(k for _, k, _ in recorded) == sorted(s["puid"] for s in receiver.statements)
    assert {t for t, _, _ in recorded} == {url} and all(remote for _, _, remote in recorded)
    # A second run sends nothing.
    again = run("export", "dsa", "--period", "2026-H1", "--submit", url, "--token-file", token_file)
    assert (again["sent"], again["skipped_already_accepted"], again["http_requests"]) == (0, 4, 0)
    assert len(receiver.requests) == 4
    # Lifting the gag order lets the two deferred statements go, and only them.
    release_holds(client, bob_legal)
    third = run("export", "dsa", "--period", "2026-H1", "--submit", url, "--token-file", token_file)
    assert (third["sent"], third["skipped_already_accepted"]) == (2, 4)
    assert receiver.batch_sizes == [4, 2] and len(receipts(sessions, "dsa")) == 6


def test_a_refused_token_stops_with_nothing_recorded(case: Any, receiver: Receiver, tmp_path: Path,
                                                     sessions: Any) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-token")
    result = run("export", "dsa", "--submit", f"{receiver.base}/api/v1/statements", "--token-file", str(wrong),
                 code=1)
    assert "HTTP 401" in result["error"] and receipts(sessions, "dsa") == []


def test_a_target_that_stays_down_gives_up_after_the_tries(case: Any, receiver: Receiver, token_file: str,
                                                           sessions: Any) -> None:
    receiver.down = True
    result = run("export", "dsa", "--submit", f"{receiver.base}/api/v1/statements", "--token-file", token_file,
                 "--attempts", "3", "--backoff", "0.01", code=1)
    assert "after 3 tries" in result["error"] and "HTTP 503" in result["error"]
    assert len(receiver.requests) == 3 and receipts(sessions, "dsa") == []


@pytest.fixture
def many(client: Any, platform: Any, make_submitter: Any, reviewer_alice: Any, act: Any) -> int:
    """101 items of one DE court order, each removed under the rules: 101 statements (two batches)."""
    court = make_submitter("Amtsgericht Köln", "court", "DE", email="poststelle@ag-koeln.example")
    for n in range(101):
        r = client.post("/api/v1/content", headers=platform.headers, json={
            "id": f"m-{n}", "url": f"https://social.example/m/{n}", "type": "comment"})
        assert r.status_code in (200, 201), r.text
    r = client.post("/api/v1/requests", headers=court.headers, json={
        "jurisdiction": "DE", "reason": "hate_speech", "legal_basis": [{"law": "de-netzdg-3"}],
        "explanation": "A coordinated campaign of slurs.", "items": [{"content_id": f"m-{n}"} for n in range(101)]})
    assert r.status_code == 201, r.text
    request = r.json()
    ids = [i["id"] for i in request["items"]]
    act(reviewer_alice, f"/requests/{request['id']}/items/review", item_ids=ids, step="policy", finding="violates")
    act(reviewer_alice, f"/requests/{request['id']}/items/decision", expect=201, item_ids=ids,
        outcome="removed_policy", policy_clause="Hate speech 4.1", explanation="Slurs against a group.")
    return len(ids)


def test_batches_of_100_and_a_run_resumes_after_an_outage(many: int, receiver: Receiver, token_file: str,
                                                          sessions: Any) -> None:
    url = f"{receiver.base}/api/v1/statements"
    receiver.down_after = 1  # the database goes down after the first batch
    result = run("export", "dsa", "--submit", url, "--token-file", token_file, "--attempts", "2",
                 "--backoff", "0.01", code=1)
    assert "did not accept" in result["error"]
    assert receiver.batch_sizes == [100] and len(receipts(sessions, "dsa")) == 100
    first = {s["puid"] for s in receiver.statements}
    receiver.down_after = None
    summary = run("export", "dsa", "--submit", url, "--token-file", token_file)
    assert (summary["sent"], summary["skipped_already_accepted"]) == (1, 100)
    assert receiver.batch_sizes == [100, 1]
    later = [s["puid"] for s in receiver.statements[100:]]
    assert not first & set(later) and len(later) == 1 == many - 100
    assert len(receipts(sessions, "dsa")) == 101


def test_a_lost_answer_is_recognised_by_the_known_puid(many: int, receiver: Receiver, token_file: str,
                                                       sessions: Any) -> None:
    """The database took statements but its answer never came: they come back as known puids
    (422, all or nothing); docket records them and sends the rest of the batch again."""
    with store.transaction(sessions) as s:
        ids = s.execute(text("SELECT id FROM decisions ORDER BY id LIMIT 3")).scalars().all()
    receiver.known = {f"docket-decision-{i}" for i in ids}
    summary = run("export", "dsa", "--submit", f"{receiver.base}/api/v1/statements", "--token-file", token_file)
    assert (summary["sent"], summary["found_already_there"]) == (98, 3)
    assert receiver.batch_sizes == [97, 1]
    assert len(receipts(sessions, "dsa")) == 101 == many


@pytest.mark.slow
def test_ctrl_c_then_the_same_command_resumes(many: int, receiver: Receiver, token_file: str, sessions: Any,
                                              tmp_path: Path) -> None:
    url = f"{receiver.base}/api/v1/statements"
    receiver.hold_request(2)
    env = {**os.environ, "DOCKET_SECRET_KEY": os.environ.get("DOCKET_SECRET_KEY", "")}
    proc = subprocess.Popen(docket_command("export", "dsa", "--submit", url, "--token-file", token_file),
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert receiver.arrived.wait(60), "the second batch never came"
        proc.send_signal(signal.SIGINT)  # Ctrl-C while the second batch waits for its answer
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, output
    said = " ".join(output.split())
    assert "interrupted" in said and "Run the same command again to resume" in said
    assert receiver.batch_sizes == [100] and len(receipts(sessions, "dsa")) == 100
    receiver.released.set()
    summary = run("export", "dsa", "--submit", url, "--token-file", token_file)
    assert (summary["sent"], summary["skipped_already_accepted"]) == (1, 100)
    assert len({s["puid"] for s in receiver.statements}) == len(receiver.statements) == 101 == many


def test_lumen_submit(case: Any, receiver: Receiver, token_file: str, sessions: Any, client: Any,
                      bob_legal: Any) -> None:
    url = f"{receiver.base}/notices"
    receiver.fail_next((503, {}), (429, {"Retry-After": "0"}))
    summary = run("export", "lumen", "--period", "2026-H1", "--submit", url, "--token-file", token_file,
                  "--backoff", "0.01")
    assert (summary["sent"], summary["retries"], summary["confidential"]) == (3, 2, 1)
    assert sorted((n["type"], n["action_taken"]) for n in receiver.notices) == [
        ("CourtOrder", "Yes"), ("GovernmentRequest", "No"), ("GovernmentRequest", "Partial")]
    assert all(h["x-authentication-token"] == TOKEN for _, h, _ in receiver.requests)
    recorded = receipts(sessions, "lumen")
    assert sorted(k for _, k, _ in recorded) == sorted(f"request-{case['requests'][r]}" for r in ("R1", "R2", "R4"))
    assert all(remote and remote.startswith(f"{receiver.base}/notices/") for _, _, remote in recorded)
    assert run("export", "lumen", "--period", "2026-H1", "--submit", url, "--token-file", token_file)["sent"] == 0
    release_holds(client, bob_legal)
    third = run("export", "lumen", "--period", "2026-H1", "--submit", url, "--token-file", token_file)
    assert (third["sent"], third["skipped_already_accepted"]) == (1, 3)
    assert receiver.notices[-1]["type"] == "LawEnforcementRequest" and len(receiver.notices) == 4
    assert receiver.dropped == []  # every key one Lumen's notices API permits


def test_a_stored_batch_whose_answer_was_lost_is_recorded_and_the_rest_sent(
        many: int, receiver: Receiver, token_file: str, sessions: Any) -> None:
    """The first batch is stored but its answer lost (504): the retry gets the database's
    "not unique" answer naming all 100 puids, docket records them and goes on; a rerun sends
    nothing and succeeds."""
    url = f"{receiver.base}/api/v1/statements"
    receiver.lose_answers = 1
    summary = run("export", "dsa", "--submit", url, "--token-file", token_file, "--backoff", "0.01")
    assert (summary["sent"], summary["found_already_there"], summary["retries"]) == (1, 100, 1)
    assert receiver.batch_sizes == [100, 1]
    refused = [r for r in receiver.requests if len(r[2]["statements"]) == 100]
    assert len(refused) == 2  # the stored one, and its retry refused as known
    assert len(receipts(sessions, "dsa")) == 101 == many
    assert len({s["puid"] for s in receiver.statements}) == len(receiver.statements) == 101
    again = run("export", "dsa", "--submit", url, "--token-file", token_file)
    assert (again["sent"], again["skipped_already_accepted"], again["http_requests"]) == (0, 101, 0)


def test_a_not_unique_answer_for_puids_docket_did_not_send_stops_the_run(
        case: Any, receiver: Receiver, token_file: str, sessions: Any) -> None:
    """Only puids of the batch sent count as accepted: any other answer is a refusal."""
    url = f"{receiver.base}/api/v1/statements"
    answer = {"message": PUID_NOT_UNIQUE, "errors": {"puid": [PUID_NOT_UNIQUE], "existing_puids": ["someone-else"]}}
    receiver.handle = lambda path, headers, raw: (422, {}, answer)  # type: ignore[method-assign]
    result = run("export", "dsa", "--period", "2026-H1", "--submit", url, "--token-file", token_file, code=1)
    assert "HTTP 422" in result["error"] and "existing_puids" in result["error"]
    assert receipts(sessions, "dsa") == []
