"""``docket serve`` and ``docket db upgrade`` as a newcomer runs them."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import DEMO_START_SECONDS, docket_command, running_server

pytestmark = pytest.mark.slow


def _env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    return env


def test_serve_demo_on_a_fresh_sqlite_file(tmp_path) -> None:
    env = _env(tmp_path)  # no DOCKET_DATABASE_URL: docket.db in the working directory
    with running_server("--demo", env=env, cwd=str(tmp_path), timeout=DEMO_START_SECONDS) as (base, out):
        assert (tmp_path / "docket.db").exists()
        health = httpx.get(f"{base}/healthz").json()
        assert health["status"] == "ok" and health["database"] == "sqlite"
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": "Bearer dkt_demo_kz_ministry"})
        assert me.status_code == 200
        assert me.json()["submitter"]["name"].startswith("Ministry of Information and Social Development")
        court = httpx.get(f"{base}/api/v1/me", headers={"Authorization": "Bearer dkt_demo_de_court"})
        assert court.json()["submitter"]["kind"] == "court"
        events = httpx.get(f"{base}/api/v1/audit/events?limit=500",
                           headers={"Authorization": "Bearer dkt_demo_erin"}).json()["events"]
        assert sum(e["action"] == "submitter:created" for e in events) >= 7
        assert httpx.get(f"{base}/docs").status_code == 200
        kz = httpx.get(f"{base}/api/v1/requests", headers={"Authorization": "Bearer dkt_demo_kz_ministry"}).json()
        # Four requests of today (three open or waiting, and the portal's one whose restriction
        # an appeal reversed), the history of the last complete half-year, and of two earlier
        # ones (the transparency site's archive): decided.
        def refs(prefix: str) -> list[dict]:
            return [r for r in kz["requests"] if (r["reference"] or "").startswith(prefix)]
        history, earlier, copied = refs("H-"), refs("E-"), refs("COPY-")
        today = [r for r in kz["requests"] if r not in history and r not in earlier and r not in copied]
        assert len(today) == 4 and len(history) == 11 and earlier
        # The demo's restricted posts (docket.demo_copies): decided, with one item each — their
        # copies open cases of their own, never inside the ministry's request.
        assert {r["status"] for r in copied} == {"decided"} and {len(r["items"]) for r in copied} == {1}
        assert {r["status"] for r in today} == {"decided", "needs_clarification", "open"}
        assert {r["status"] for r in history + earlier} == {"decided"}
        published = httpx.get(f"{base}/api/v1/transparency/report").json()
        assert published["totals"]["requests"] >= 34 and published["totals"]["appeals_reversed"] == 1
        staff = httpx.get(f"{base}/api/v1/requests", headers={"Authorization": "Bearer dkt_demo_alice"}).json()
        assert {r["jurisdiction"] for r in staff["requests"]} >= {"KZ", "DE", "IN", "TR", "VN"}
        vn = httpx.get(f"{base}/api/v1/requests", headers={"Authorization": "Bearer dkt_demo_vn_mic"}).json()
        asked = [i for r in vn["requests"] for i in r["items"] if i["clarification_question"]]
        assert len(asked) == 1 and "Decree 147" in asked[0]["clarification_question"]
        alice = {"Authorization": "Bearer dkt_demo_alice"}
        queue = httpx.get(f"{base}/api/v1/queue", headers=alice).json()["items"]
        assert queue and queue[0]["jurisdiction"] in {"KZ", "VN", "IN"}
        inbox = httpx.get(f"{base}/api/v1/decisions", headers={"Authorization": "Bearer dkt_demo_priya"}).json()
        assert [d["outcome"] for d in inbox] == ["restricted"]
        court = httpx.get(f"{base}/api/v1/requests", headers={"Authorization": "Bearer dkt_demo_de_court"}).json()
        assert court["requests"][0]["items"][0]["outcome"] == "restricted"
        appeals = httpx.get(f"{base}/api/v1/appeals", headers=alice).json()
        assert [a["appellant"] for a in appeals if a["status"] == "open"] == ["author"]
        holds = httpx.get(f"{base}/api/v1/holds", headers={"Authorization": "Bearer dkt_demo_bob"}).json()
        assert len(holds) == 1 and "secrecy" in holds[0]["legal_reason"]
        queue = httpx.get(f"{base}/api/v1/queue?limit=100", headers=alice).json()["items"]
        assert any(row["possible_coordination"] for row in queue)
        bullying = next(row for row in queue if row["reason"] == "cyberbullying")
        assert bullying["reporter_count"] == 3
        public = httpx.post(f"{base}/api/v1/reports", json={
            "url": "https://social.example/@aidos_k/81724", "reason": "hate_speech"})
        assert public.status_code == 201 and public.json()["reference"].startswith("R-")
        # The demo's audit log is sealed and signed with a key of its own, kept beside it.
        _wait_for(lambda: httpx.get(f"{base}/api/v1/log/checkpoint").status_code == 200)
        key = httpx.get(f"{base}/api/v1/log/key").text
        assert key.startswith("127.0.0.1:") and (tmp_path / "docket-log.key").exists()
    assert "dkt_demo_kz_ministry" in out[0]

    # A second start keeps the data and does not load the demo twice.
    with running_server("--demo", env=env, cwd=str(tmp_path), timeout=DEMO_START_SECONDS) as (base, out):
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": "Bearer dkt_demo_admin"})
        assert me.status_code == 200
        assert httpx.get(f"{base}/api/v1/log/key").text == key  # the same key on the next start
    assert "already has data" in out[0]
    verify = subprocess.run(docket_command("audit", "verify", "--json"), env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"]


def test_db_upgrade_creates_and_reports_the_schema(tmp_path) -> None:
    env = {**_env(tmp_path), "DOCKET_DATABASE_URL": f"sqlite:///{tmp_path}/new.db"}
    first = subprocess.run(docket_command("db", "upgrade", "--json"), env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["from"] is None
    again = subprocess.run(docket_command("db", "current", "--json"), env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert json.loads(again.stdout)["up_to_date"] is True


@pytest.mark.skipif(
    not os.environ.get("DOCKET_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="runs in the PostgreSQL pass of the suite",
)
def test_db_upgrade_on_a_new_postgresql_database(tmp_path, database_url) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"docket_upgrade_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
        env = {**_env(tmp_path), "DOCKET_DATABASE_URL": url}
        result = subprocess.run(docket_command("db", "upgrade", "--json"), env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["engine"] == "postgresql"
        law = subprocess.run(docket_command("law", "list", "--jurisdiction", "TR", "--json"), env=env,
                             cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert "tr-5651-9" in law.stdout
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_serve_delivers_the_outbox_from_a_worker_process_it_restarts_and_stops(tmp_path) -> None:
    env = {**_env(tmp_path), "DOCKET_OUTBOX_POLL_SECONDS": "0.2"}
    mail = tmp_path / "docket-mail"  # the default DOCKET_MAIL_DIR, in the working directory
    with running_server("--demo", env=env, cwd=str(tmp_path), timeout=DEMO_START_SECONDS) as (base, _out):
        workers = _workers_of(tmp_path)
        assert len(workers) == 1  # a process of its own, not a thread of the server
        _wait_for(lambda: any(mail.glob("*-acknowledgement.eml")))
        os.kill(workers[0], signal.SIGKILL)  # a worker that dies is started again
        _wait_for(lambda: len(_workers_of(tmp_path)) == 1 and _workers_of(tmp_path) != workers, 15)
        before = set(mail.glob("*.eml"))
        sent = httpx.post(f"{base}/api/v1/requests", headers={"Authorization": "Bearer dkt_demo_kz_ministry"},
                          json={"jurisdiction": "KZ", "reason": "hate_speech",
                                "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2"}],
                                "explanation": "Calls for violence against an ethnic group.",
                                "items": [{"url": "https://social.example/@x/990001"}]})
        assert sent.status_code == 201
        _wait_for(lambda: any(p.name.endswith("-acknowledgement.eml") for p in set(mail.glob("*.eml")) - before))
    _wait_for(lambda: not _workers_of(tmp_path), 20)  # stopped with the server


def _workers_of(folder: Path) -> list[int]:
    """The `docket worker` processes running in ``folder`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and b"\0worker\0--parent\0" in (entry / "cmdline").read_bytes()
                    and (entry / "cwd").resolve() == folder.resolve()):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
