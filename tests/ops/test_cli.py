"""``docket backup`` and ``docket restore``: a backup taken while ``docket serve`` takes
requests holds every request answered before it began and verifies; a restore checks the
backup before it touches anything and refuses what it should; PostgreSQL's route is the
pg_dump and pg_restore commands docket prints."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from docket import audit, ops, schema, store
from docket.audit.models import Event
from docket.cli import app as cli
from docket.intake.models import Item, Request
from docket.ops import sqlite as sqlite_ops
from tests.conftest import SECRET
from tests.helpers import docket_command, running_server

runner = CliRunner()
TIMEOUT = 90  # seconds for anything to happen on a loaded machine; never reached when well
ON_POSTGRESQL = os.environ.get("DOCKET_TEST_DATABASE_URL", "").startswith("postgresql")
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite route (PostgreSQL: pg_dump)")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL or not (shutil.which("pg_dump") and shutil.which("pg_restore")
                              and shutil.which("createdb")),
    reason="needs DOCKET_TEST_DATABASE_URL on PostgreSQL and pg_dump, pg_restore, createdb")


def _fill(sessions: Any, n: int = 5) -> None:
    with store.transaction(sessions) as s:
        for i in range(n):
            audit.record(session=s, actor="test", action="thing:done", subject=f"thing:{i}",
                         payload={"i": i})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(DOCKET_DATABASE_URL=database_url, DOCKET_SECRET_KEY=SECRET,
               DOCKET_RATE_LIMITS="*=1000000000", DOCKET_DEADLINE_CHECK_SECONDS="0",
               DOCKET_MAIL_DIR=str(tmp_path / "mail"), DOCKET_OUTBOX_POLL_SECONDS="0.2")
    return env


def _docket(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(docket_command(*args), env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT)
    return done.returncode, json.loads(done.stdout or "{}")


def _stored(database_url: str) -> tuple[dict[int, list[int]], dict[str, list[int]]]:
    """Each request's items, and the items each ``request:received`` event names."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as s:
            items: dict[int, list[int]] = {r: [] for r in s.execute(select(Request.id)).scalars()}
            for item in s.execute(select(Item).order_by(Item.id)).scalars():
                items[item.request_id].append(item.id)
            events = s.execute(select(Event).where(Event.action == "request:received")).scalars()
            return items, {event.subject: event.payload["items"] for event in events}
    finally:
        engine.dispose()


@sqlite_only
def test_a_backup_refuses_to_overwrite_a_file_without_force(sessions, tmp_path) -> None:
    _fill(sessions)
    target = tmp_path / "nightly.db"
    first = runner.invoke(cli, ["backup", str(target), "--json"])
    assert first.exit_code == 0, first.stdout
    made = json.loads(first.stdout)
    assert made["ok"] and made["events"] == 5 and made["integrity"] == "ok"
    assert made["audit_head"]["seq"] == 5 and made["pages"] > 0
    assert made["bytes"] == target.stat().st_size
    assert [p.name for p in tmp_path.iterdir()] == ["nightly.db"]  # no temporary file left
    before = _digest(target)

    _fill(sessions, 2)
    again = runner.invoke(cli, ["backup", str(target), "--json"])
    assert again.exit_code == 1 and "--force" in json.loads(again.stdout)["error"]
    assert _digest(target) == before

    forced = runner.invoke(cli, ["backup", str(target), "--force", "--json"])
    assert forced.exit_code == 0 and json.loads(forced.stdout)["events"] == 7


@sqlite_only
def test_a_backup_never_overwrites_the_database_itself(sessions, database_url) -> None:
    live = sqlite_ops.database_path(database_url)
    result = runner.invoke(cli, ["backup", str(live), "--force", "--json"])
    assert result.exit_code == 1 and "the database itself" in json.loads(result.stdout)["error"]


@sqlite_only
def test_pg_dump_is_refused_for_sqlite(sessions, tmp_path) -> None:
    result = runner.invoke(cli, ["backup", str(tmp_path / "x.dump"), "--pg-dump", "--json"])
    assert result.exit_code == 1 and "PostgreSQL" in json.loads(result.stdout)["error"]
    assert not list(tmp_path.iterdir())


@pytest.fixture
def previous(tmp_path) -> Iterator[tuple[str, Path]]:
    """A database in a place of its own, with three events: what a restore would replace."""
    path = tmp_path / "live" / "docket.db"
    path.parent.mkdir()
    url = f"sqlite:///{path}"
    engine = store.make_engine(url)
    schema.upgrade(engine)
    _fill(store.make_sessionmaker(engine), 3)
    engine.dispose()
    yield url, path


def _unchanged(path: Path, digest: str) -> None:
    """``path`` has the content it had, and nothing was left beside it."""
    assert _digest(path) == digest
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@sqlite_only
def test_a_restore_replaces_the_database_and_keeps_the_previous_one(
    sessions, database_url, tmp_path, previous
) -> None:
    _fill(sessions, 4)
    backup = ops.backup(database_url=database_url, target=tmp_path / "b.db")
    url, path = previous
    _, old = sqlite_ops.check(path)

    result = ops.restore(database_url=url, source=tmp_path / "b.db")
    assert result.ok and result.events == 4
    assert result.audit["head"] == backup.audit_head
    assert result.kept is not None
    kept = Path(result.kept)
    assert kept.name.startswith("docket.db.before-restore-")
    integrity, kept_audit = sqlite_ops.check(kept)  # the replaced database, whole
    assert integrity == "ok" and kept_audit == old
    # The restored file is one file (no WAL of the replaced database beside it).
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(["docket.db", kept.name])

    again = ops.restore(database_url=url, source=tmp_path / "b.db", keep=False)
    assert again.ok and again.kept is None
    assert len(list(path.parent.iterdir())) == 2  # the first restore's keepsake only


@sqlite_only
def test_a_restore_upgrades_an_older_backup(tmp_path) -> None:
    older = tmp_path / "old.db"
    engine = store.make_engine(f"sqlite:///{older}")
    schema.upgrade(engine, "0012")
    engine.dispose()
    sqlite_ops.copy(older, tmp_path / "old-backup.db")  # as docket backup writes it
    target = tmp_path / "new" / "docket.db"

    code, out = _docket(_env(f"sqlite:///{target}", tmp_path), tmp_path,
                        "restore", str(tmp_path / "old-backup.db"), "--json")
    assert code == 0, out
    assert out["from_revision"] == "0012" and out["to_revision"] == store.head_revision(engine)
    assert out["ok"] and out["kept"] is None and out["audit"]["problem"] is None


@sqlite_only
@pytest.mark.parametrize("what", ["text", "other-sqlite", "newer-docket"])
def test_a_restore_refuses_what_is_not_a_backup_it_understands(
    sessions, database_url, tmp_path, previous, what
) -> None:
    source = tmp_path / "suspect.db"
    if what == "text":
        source.write_text("not a database\n")
    elif what == "other-sqlite":
        with sqlite3.connect(source) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
        conn.close()
    else:
        ops.backup(database_url=database_url, target=source)
        with sqlite3.connect(source) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.close()
    url, path = previous
    old = _digest(path)
    with pytest.raises(ops.Refused) as refused:
        ops.restore(database_url=url, source=source)
    assert {"text": "not an SQLite database", "other-sqlite": "not docket's",
            "newer-docket": "schema version 9999"}[what] in refused.value.message
    _unchanged(path, old)
    with pytest.raises(ops.Refused):  # nor into a new place, which is not made
        ops.restore(database_url=f"sqlite:///{tmp_path / 'new' / 'docket.db'}", source=source)
    assert not (tmp_path / "new").exists()


@sqlite_only
def test_a_restore_refuses_a_backup_whose_audit_chain_was_tampered_with(
    sessions, database_url, tmp_path, previous
) -> None:
    _fill(sessions, 6)
    source = tmp_path / "b.db"
    ops.backup(database_url=database_url, target=source)
    with sqlite3.connect(source) as conn:  # as whoever holds the file can: triggers off, then edit
        conn.execute("DROP TRIGGER events_append_only_update")
        conn.execute("""UPDATE events SET payload = '{"i": 99}' WHERE seq = 4""")
    conn.close()
    url, path = previous
    old = _digest(path)

    code, out = _docket(_env(url, tmp_path), tmp_path, "restore", str(source), "--json")
    assert code == 1
    assert "audit chain" in out["error"] and out["audit"]["bad_event"] == 4
    _unchanged(path, old)


@sqlite_only
def test_a_restore_refuses_while_the_database_is_open_elsewhere(
    sessions, database_url, tmp_path, previous
) -> None:
    source = tmp_path / "b.db"
    ops.backup(database_url=database_url, target=source)
    url, path = previous
    serving = store.make_engine(url)  # as docket serve holds it: pooled WAL connections
    try:
        with serving.connect() as conn:
            conn.execute(text("SELECT 1"))
        digest = _digest(path)
        with pytest.raises(ops.Refused, match="in use"):
            ops.restore(database_url=url, source=source)
        assert _digest(path) == digest
        assert not [p for p in path.parent.iterdir() if "restor" in p.name]
    finally:
        serving.dispose()


# ---------------------------------------------------------------- PostgreSQL
def _scratch_cleanup(database_url: str) -> Callable[[], None]:
    """Drops the database the documented route restores into (``<name>_restored``)."""
    url = make_url(database_url)

    def drop() -> None:
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}_restored" WITH (FORCE)'))
        admin.dispose()
    return drop


def _run_documented(commands: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    """Run the shell commands docket printed (``docket`` as this checkout's); return the
    last one's output."""
    out = ""
    for line in commands:
        words = shlex.split(line)
        extra = {}
        while "=" in words[0]:
            name, _, value = words.pop(0).partition("=")
            extra[name] = value
        argv = docket_command(*words[1:]) if words[0] == "docket" else words
        done = subprocess.run(argv, env={**env, **extra}, cwd=cwd, capture_output=True,
                              text=True, timeout=TIMEOUT)
        assert done.returncode == 0, f"{line}: {done.stdout}{done.stderr}"
        out = done.stdout
    return out.splitlines()


@postgresql_only
def test_postgresql_is_backed_up_with_pg_dump_and_restored_with_pg_restore(
    sessions, database_url, tmp_path, client, make_submitter
) -> None:
    kz = make_submitter("Ministry of Information and Social Development", "government_agency",
                        "KZ")
    answered = [client.post("/api/v1/requests", json=_body(str(n)), headers=kz.headers)
                for n in range(3)]
    assert [r.status_code for r in answered] == [201] * 3
    file = tmp_path / "docket.dump"

    told = runner.invoke(cli, ["backup", str(file), "--json"])
    assert told.exit_code == 1 and not file.exists()
    commands = json.loads(told.stdout)["commands"]
    assert commands[0].startswith("pg_dump --format=custom")
    assert any(c.startswith("pg_restore --clean --if-exists") for c in commands)
    restore_told = runner.invoke(cli, ["restore", str(file), "--json"])
    assert restore_told.exit_code == 1
    assert json.loads(restore_told.stdout)["commands"] == commands[1:]

    dumped = runner.invoke(cli, ["backup", str(file), "--pg-dump", "--json"])
    assert dumped.exit_code == 0, dumped.stdout
    made = json.loads(dumped.stdout)
    assert made["ok"] and made["engine"] == "postgresql" and made["bytes"] == file.stat().st_size

    drop = _scratch_cleanup(database_url)
    try:
        lines = _run_documented(commands[1:], _env(database_url, tmp_path), tmp_path)
        assert lines == [f"audit chain intact: {made['events']} events"]
        restored_url = make_url(database_url).set(
            database=f"{make_url(database_url).database}_restored").render_as_string(hide_password=False)
        assert _stored(restored_url) == _stored(database_url)
    finally:
        drop()


class Clients:
    """Threads that submit requests until stopped; what each 201 answered, in order."""

    def __init__(self, base: str, token: str, threads: int = 4) -> None:
        self.base, self.token = base, token
        self.answers: list[dict[str, Any]] = []
        self.other: list[str] = []  # anything but a 201: none is expected
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                        for n in range(threads)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(TIMEOUT)

    def ids(self) -> set[int]:
        with self.changed:
            return {answer["id"] for answer in self.answers}

    def wait_for_more(self, more: int) -> None:
        """Wait until ``more`` requests beyond those answered so far have been answered."""
        with self.changed:
            goal = len(self.answers) + more
            assert self.changed.wait_for(lambda: len(self.answers) >= goal or bool(self.other),
                                         TIMEOUT), "no 201s from docket serve"
            assert not self.other, self.other

    def _run(self, n: int) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(timeout=TIMEOUT) as http:
            while not self.stopping.is_set():
                try:
                    response = http.post(f"{self.base}/api/v1/requests", headers=headers,
                                         json=_body(f"{n}-{uuid.uuid4().hex[:12]}"))
                    outcome = response.json() if response.status_code == 201 else response.text
                except httpx.HTTPError as exc:
                    outcome = repr(exc)
                with self.changed:
                    if isinstance(outcome, dict):
                        self.answers.append(outcome)
                    else:
                        self.other.append(str(outcome)[:300])
                    self.changed.notify_all()


@pytest.mark.slow
def test_a_backup_taken_while_serving_restores_every_request_answered_before_it(
    sessions, database_url, tmp_path, make_submitter
) -> None:
    kz = make_submitter("Ministry of Information and Social Development", "government_agency",
                        "KZ")
    env = _env(database_url, tmp_path)
    file = tmp_path / ("docket.dump" if ON_POSTGRESQL else "docket-backup.db")
    stages: list[tuple[str, int, int]] = []
    with running_server(env=env, cwd=str(tmp_path)) as (base, _out):
        clients = Clients(base, kz.token)
        clients.start()
        try:
            clients.wait_for_more(20)
            before = clients.ids()  # committed before the backup began

            def progress(stage: str, done: int, total: int) -> None:
                if not stages:  # the backup's snapshot is taken: more requests come in meanwhile
                    clients.wait_for_more(20)
                stages.append((stage, done, total))

            if ON_POSTGRESQL:
                made = ops.backup(database_url=database_url, target=file, pg_dump=True,
                                  progress=progress)
            else:  # in small steps, so that the server writes between many of them
                made = sqlite_ops.backup(database_url=database_url, target=file,
                                         progress=progress, pages_per_step=4)
                # Restoring over the database docket serve has open is refused.
                code, out = _docket(env, tmp_path, "restore", str(file), "--json")
                assert code == 1 and "in use" in out["error"], out
            clients.wait_for_more(5)  # and it was serving all along
        finally:
            clients.stop()
    assert clients.other == []
    assert made.ok, made
    if not ON_POSTGRESQL:
        # One pass from the first page to the last: the copy never started over, though
        # the server committed between its steps.
        copied = [done for stage, done, _total in stages if stage == "copying pages"]
        assert len(copied) > 2 and copied == sorted(set(copied)) and copied[-1] == made.pages

    url = make_url(database_url)
    if ON_POSTGRESQL:
        restored = url.set(database=f"{url.database}_restored")
        drop = _scratch_cleanup(database_url)
    else:
        restored, drop = url.set(database=str(tmp_path / "elsewhere" / "docket.db")), None
    restored_url = restored.render_as_string(hide_password=False)
    restored_env = _env(restored_url, tmp_path)
    try:
        if ON_POSTGRESQL:
            _run_documented(ops.postgresql.commands(database_url=database_url, file=file)[1:],
                            env, tmp_path)
        else:
            code, out = _docket(restored_env, tmp_path, "restore", str(file), "--json")
            assert code == 0 and out["ok"] and out["kept"] is None, out
        code, verified = _docket(restored_env, tmp_path, "audit", "verify", "--json")
        assert code == 0 and verified["ok"] and verified["events"] == made.events
        items, received = _stored(restored_url)
        head = create_engine(restored_url)
        with head.connect() as conn:
            seq, digest = conn.execute(text("SELECT seq, hash FROM audit_head")).one()
        head.dispose()
    finally:
        if drop is not None:
            drop()
    # The backup is the database at one moment: the chain it verified is the one restored.
    assert {"seq": seq, "hash": digest} == made.audit_head
    # Every request answered before the backup began is there, as its 201 said, with its
    # request:received event; nothing is there that no client was answered.
    answers = {answer["id"]: answer for answer in clients.answers}
    assert before <= set(items) <= set(answers)
    for request_id, item_ids in items.items():
        assert item_ids == [item["id"] for item in answers[request_id]["items"]]
        assert received[f"request:{request_id}"] == item_ids
    assert len(received) == len(items)


def _body(tag: str) -> dict[str, Any]:
    return {"jurisdiction": "KZ", "reason": "hate_speech", "language": "ru",
            "reference": f"MISD-2026/{tag}",
            "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
            "explanation": "The post calls for violence against an ethnic group.",
            "items": [{"url": f"https://social.example/@backup/{tag}-{k}"} for k in range(2)]}
