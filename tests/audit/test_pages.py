"""The auditor's desk: the audit log page, verification from it, exports, the checkpoints."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from docket import audit
from docket.app import create_app
from docket.audit.models import Event
from docket.audit.sealer import seal, sign_checkpoint
from docket.log.note import Signer
from docket.settings import Settings
from docket.store import transaction
from tests.helpers import tampering
from tests.web.conftest import PASSWORD, post_form, sign_in

ORIGIN = "docket.test/log"


def record(sessions: Any, *events: tuple[str, str, str]) -> None:
    with transaction(sessions) as s:
        audit.record_many(session=s, events=[audit.NewEvent(actor, action, subject, {"n": i})
                                             for i, (actor, action, subject) in enumerate(events)])


@pytest.fixture
def signer() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture
def desk(settings: Settings, engine: Any, signer: Signer, tmp_path: Path) -> Iterator[TestClient]:
    """The app with a signing key, signed in as Erin the auditor."""
    key = tmp_path / "log.key"
    key.write_text(signer.key + "\n")
    app = create_app(Settings(**{**settings.model_dump(), "log_key_file": str(key)}), engine=engine)
    app.state.owns_engine = False
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def erin(desk: TestClient, make_user: Any) -> TestClient:
    make_user("erin@docket.example", "auditor", password=PASSWORD)
    answer = sign_in(desk, "erin@docket.example")
    assert answer.headers["location"] == "/audit"  # an auditor starts at the desk
    return desk


def seal_and_sign(sessions: Any, signer: Signer) -> None:
    with transaction(sessions) as s:
        seal(session=s)
    with transaction(sessions) as s:
        sign_checkpoint(session=s, signer=signer)


def test_the_log_shows_each_event_with_its_hash_leaf_and_proof(erin: TestClient, sessions: Any,
                                                                signer: Signer) -> None:
    record(sessions, ("user:7", "thing:made", "request:41"))
    seal_and_sign(sessions, signer)
    page = erin.get("/audit", params={"subject": "request:41"})
    assert page.status_code == 200
    with transaction(sessions) as s:
        event = s.query(Event).filter(Event.subject == "request:41").one()
    assert event.hash in page.text
    proof = re.search(r'href="(/api/v1/log/proofs/inclusion\?index=(\d+)&amp;size=(\d+))"', page.text)
    assert proof, page.text
    assert int(proof.group(2)) == event.seq - 1  # leaf i seals event i + 1
    answer = erin.get(proof.group(1).replace("&amp;", "&"))
    assert answer.status_code == 200 and answer.json()["index"] == event.seq - 1
    assert 'href="/api/v1/requests/41/receipt"' in page.text


def test_filters_select_by_subject_action_and_actor(erin: TestClient, sessions: Any) -> None:
    record(sessions, ("user:7", "thing:made", "thing:a"), ("user:8", "thing:made", "thing:b"),
           ("user:7", "thing:broken", "thing:c"))
    shown = erin.get("/audit", params={"actor": "user:7", "action": "thing:made"}).text
    assert "thing:a" in shown and "thing:b" not in shown and "thing:c" not in shown
    assert "thing:b" in erin.get("/audit", params={"subject": "thing:b"}).text


def test_a_bad_date_is_named_on_the_page_not_a_failure(erin: TestClient) -> None:
    page = erin.get("/audit", params={"since": "yesterday"})
    assert page.status_code == 200
    assert "a date as YYYY-MM-DD" in page.text and 'aria-invalid="true"' in page.text
    assert erin.get("/audit/export", params={"until": "2026-13-01"}).status_code == 422


def test_a_time_range_in_the_future_selects_nothing(erin: TestClient, sessions: Any) -> None:
    record(sessions, ("user:7", "thing:made", "thing:dated"))
    assert "thing:dated" not in erin.get("/audit", params={"since": "2999-01-01"}).text
    assert "thing:dated" in erin.get("/audit", params={"since": "2000-01-01", "until": "2999-12-31"}).text


def test_pages_follow_each_other_without_gaps(erin: TestClient, sessions: Any) -> None:
    record(sessions, *[("user:7", "thing:paged", f"thing:p{i}") for i in range(60)])
    first = erin.get("/audit", params={"action": "thing:paged"}).text
    following = re.search(r'href="(/audit\?[^"]*after=\d+[^"]*)" rel="next"', first)
    assert following
    second = erin.get(following.group(1).replace("&amp;", "&")).text
    seen = re.findall(r">(thing:p\d+)</a>", first) + re.findall(r">(thing:p\d+)</a>", second)
    assert sorted(seen) == sorted(f"thing:p{i}" for i in range(60))
    assert 'rel="next"' not in second


def test_verification_from_the_page_reports_an_intact_chain_and_its_time(erin: TestClient,
                                                                        sessions: Any, signer: Signer) -> None:
    record(sessions, ("user:7", "thing:made", "thing:a"))
    seal_and_sign(sessions, signer)
    answer = post_form(erin, "/audit", "/audit/verify", {})
    assert answer.status_code == 303 and answer.headers["location"] == "/audit"
    shown = erin.get("/audit").text
    assert re.search(r"Audit chain intact: \d+ events; the verifiable log&#39;s \d+ leaves .* Checked in "
                     r"\d+\.\d\d s\.", shown), shown


def test_verification_from_the_page_names_the_altered_event(erin: TestClient, sessions: Any) -> None:
    record(sessions, ("user:7", "thing:made", "thing:a"), ("user:7", "thing:made", "thing:b"))
    with tampering(sessions) as s:
        s.execute(update(Event).where(Event.subject == "thing:a").values(actor="user:9"))
    post_form(erin, "/audit", "/audit/verify", {})
    shown = erin.get("/audit").text
    assert 'role="alert"' in shown and "Audit chain broken at event" in shown and "was altered" in shown


def test_verification_beyond_the_bound_points_to_the_cli(erin: TestClient, sessions: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from docket.audit import pages

    monkeypatch.setattr(pages, "VERIFY_LIMIT", 1)
    record(sessions, ("user:7", "thing:made", "thing:a"), ("user:7", "thing:made", "thing:b"))
    post_form(erin, "/audit", "/audit/verify", {})
    flash = erin.get("/audit").text.split('class="flash flash-error"')[1].split("</div>")[0]
    assert "more than the 1 this page checks" in flash and "docket audit verify" in flash


def test_the_export_of_a_period_has_every_field_in_chain_order(erin: TestClient, sessions: Any) -> None:
    record(sessions, ("user:7", "thing:made", "thing:x1"), ("user:8", "thing:made", "thing:x2"))
    lines = erin.get("/audit/export", params={"action": "thing:made", "since": "2000-01-01"})
    assert lines.status_code == 200 and lines.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in lines.headers["content-disposition"]
    rows = [orjson.loads(line) for line in lines.text.splitlines()]
    assert [r["subject"] for r in rows] == ["thing:x1", "thing:x2"]
    assert set(rows[0]) == {"seq", "leaf_index", "at", "actor", "action", "subject", "payload",
                            "prev_hash", "hash"}
    assert rows[1]["prev_hash"] == rows[0]["hash"]  # the chain can be checked again from the export
    table = list(csv.DictReader(io.StringIO(erin.get("/audit/export", params={
        "action": "thing:made", "format": "csv"}).text)))
    assert [r["hash"] for r in table] == [r["hash"] for r in rows]
    assert orjson.loads(table[0]["payload"]) == {"n": 0}


def test_the_verifiable_log_page_shows_the_latest_checkpoint_and_key(erin: TestClient, sessions: Any,
                                                                     signer: Signer) -> None:
    record(sessions, ("user:7", "thing:made", "thing:a"))
    seal_and_sign(sessions, signer)
    page = erin.get("/audit/log")
    assert page.status_code == 200
    assert signer.verifier.key in page.text and ORIGIN in page.text
    note = erin.get("/api/v1/log/checkpoint").text
    assert note.splitlines()[1] in page.text  # the size line of the latest signed note


def test_the_auditor_sees_only_what_it_may_open(erin: TestClient) -> None:
    nav = erin.get("/audit").text.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    links = set(re.findall(r'href="([^"]+)"', nav))
    assert links == {"/audit", "/transparency"}
    for path in links:
        assert erin.get(path).status_code == 200


def test_a_reviewer_may_not_open_the_desk(web: TestClient, make_user: Any) -> None:
    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    sign_in(web, "alice@docket.example")
    assert web.get("/audit").status_code == 403
    assert 'href="/audit"' not in web.get("/console").text
