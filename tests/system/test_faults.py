"""Faults answered, never dropped: PostgreSQL terminates a running ``docket serve``'s
connections while clients call it; every call gets an answer (2xx, or a 503 with
Retry-After), every submission retried with its Idempotency-Key is stored exactly once,
and the server is whole again soon after the last fault."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from docket import schema, store
from docket.intake.models import Request
from docket.parties import service as parties
from tests.helpers import running_server

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DOCKET_TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="terminating the server's backends is a PostgreSQL fault: SQLite has no "
               "connections a server can drop",
    ),
]

FAULTS = 4
CLIENTS = 6
SECONDS_BETWEEN_FAULTS = 1.5
EXPECTED = {200, 201, 503}


@dataclass
class Tally:
    """What the clients saw, shared by their threads (guarded by ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    transport_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    stored: dict[str, int] = field(default_factory=dict)  # reference -> request id
    replayed: int = 0  # 201s answered from the Idempotency-Key after a 503
    # monotonic time of each call's answer, per route, for the recovery time
    answers: list[tuple[float, str, int]] = field(default_factory=list)

    def saw(self, route: str, response: httpx.Response) -> None:
        with self.lock:
            self.statuses[(route, response.status_code)] += 1
            self.answers.append((time.monotonic(), route, response.status_code))
            if response.status_code not in EXPECTED:
                self.unexpected.append(f"{route} {response.status_code} {response.text[:300]}")
            elif response.status_code == 503 and (
                    "retry-after" not in response.headers
                    or response.headers["content-type"] != "application/problem+json"):
                self.unexpected.append(f"{route} 503 without Retry-After or a problem: "
                                       f"{response.headers}")


def _own_database(database_url: str) -> tuple[str, str]:
    """A database of its own for the server: terminating its backends touches nobody else."""
    name = f"docket_faults_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(database_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(database_url).set(database=name).render_as_string(hide_password=False), name


def _terminate(admin_url: str, name: str) -> int:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).all())
    finally:
        admin.dispose()


def _terminate_where(engine: Engine, condition: str) -> list[int]:
    """Terminate the backends of ``engine``'s database that match ``condition`` (SQL), from
    a connection of its own."""
    admin = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return [pid for (pid,) in conn.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                f" AND pid <> pg_backend_pid() AND {condition}")).all()
                if conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()]
    finally:
        admin.dispose()


def test_a_pooled_connection_the_server_closed_is_replaced_before_use(client, engine,
                                                                      kz_ministry):
    assert client.get("/api/v1/requests", headers=kz_ministry.headers).status_code == 200
    assert _terminate_where(engine, "true")  # every idle connection in the pools is now dead
    # The next calls get fresh connections: no call pays for the fault.
    for _ in range(3):
        answer = client.get("/api/v1/requests", headers=kz_ministry.headers)
        assert answer.status_code == 200, answer.text
    assert client.get("/healthz").status_code == 200


def test_a_write_that_loses_its_connection_is_a_503_and_its_retry_stores_it_once(
        client, engine, kz_ministry):
    headers = {**kz_ministry.headers, "Idempotency-Key": "lost-connection-1"}
    body = _request_body("LOST-1")
    answers: list[httpx.Response] = []
    # The chain's head held by someone else: the submission stops at its audit append,
    # which is where its connection is then cut.
    with engine.connect() as holder:
        holder.execute(text("SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE"))
        sender = threading.Thread(
            target=lambda: answers.append(
                client.post("/api/v1/requests", json=body, headers=headers)))
        sender.start()
        deadline = time.monotonic() + 60
        while not _terminate_where(engine, "wait_event_type = 'Lock'"):
            assert time.monotonic() < deadline, "the submission never waited for the lock"
            time.sleep(0.05)
        sender.join(timeout=60)
        holder.rollback()
    [lost] = answers
    assert lost.status_code == 503, lost.text
    assert lost.headers["retry-after"] == "1"
    assert lost.headers["content-type"] == "application/problem+json"
    assert "Idempotency-Key" in lost.json()["detail"]
    again = client.post("/api/v1/requests", json=body, headers=headers)
    assert again.status_code == 201, again.text
    replay = client.post("/api/v1/requests", json=body, headers=headers)
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == again.json()["id"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Request)
                            .where(Request.reference == "LOST-1")).scalar() == 1


def _request_body(reference: str) -> dict[str, object]:
    return {"jurisdiction": "KZ", "reason": "hate_speech", "reference": reference,
            "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2"}],
            "explanation": "Calls for violence against an ethnic group.",
            "items": [{"url": f"https://social.example/@x/{reference}"}]}


def _client(base: str, kz: str, platform: str, tally: Tally, stop: threading.Event,
            number: int) -> None:
    """Calls a mix of routes until ``stop``: a list, a submission (retried with its key
    until it is answered 201), a visibility check."""
    kz_headers = {"Authorization": f"Bearer {kz}"}
    with httpx.Client(base_url=base, timeout=30) as http:
        round_ = 0
        while not stop.is_set():
            round_ += 1
            try:
                tally.saw("list", http.get("/api/v1/requests?limit=5", headers=kz_headers))
                tally.saw("visibility", http.get(
                    "/api/v1/visibility", params={"content_id": f"post-{round_}", "country": "KZ"},
                    headers={"Authorization": f"Bearer {platform}"}))
                reference = f"F-{number}-{round_}"
                key = {"Idempotency-Key": f"fault-{number}-{round_}", **kz_headers}
                for _attempt in range(60):
                    sent = http.post("/api/v1/requests", json=_request_body(reference), headers=key)
                    tally.saw("submit", sent)
                    if sent.status_code == 201:
                        with tally.lock:
                            tally.stored[reference] = sent.json()["id"]
                            tally.replayed += sent.headers.get("idempotent-replayed") == "true"
                        break
                    if sent.status_code != 503:
                        break
                    time.sleep(min(float(sent.headers.get("retry-after", "1")), 1.0))
                else:
                    with tally.lock:
                        tally.unexpected.append(f"{reference} never stored after 60 tries")
            except httpx.TransportError as exc:
                with tally.lock:
                    tally.transport_errors.append(f"{type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_it_answers_every_call_while_postgresql_drops_its_connections(tmp_path, database_url):
    url, name = _own_database(database_url)
    admin_url = (make_url(database_url).set(database="postgres")
                 .render_as_string(hide_password=False))
    engine = store.make_engine(url)
    try:
        schema.upgrade(engine)
        with store.transaction(store.make_sessionmaker(engine)) as s:
            ministry = parties.create_submitter(
                session=s, actor="test", name="Ministry of Information and Social Development",
                kind="government_agency", country="KZ")
            _tok, kz = parties.create_token(session=s, actor="test", submitter=ministry)
            platform_user = parties.create_user(session=s, actor="test",
                                                email="platform@docket.test", roles=("platform",))
            _tok, platform = parties.create_token(session=s, actor="test", user=platform_user)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")},
               "DOCKET_DATABASE_URL": url, "DOCKET_RUN_WORKER": "false",
               # every visibility check reads its token: the hot path meets the fault too
               "DOCKET_TOKEN_CACHE_SECONDS": "0", "DOCKET_RATE_LIMITS": "*=1000000",
               "DOCKET_SECRET_KEY": "f" * 48}
        tally, stop = Tally(), threading.Event()
        with running_server(env=env, cwd=str(tmp_path)) as (base, out):
            clients = [threading.Thread(target=_client, args=(base, kz, platform, tally, stop, n))
                       for n in range(CLIENTS)]
            for thread in clients:
                thread.start()
            terminated, faults_at = [], []
            for _fault in range(FAULTS):
                time.sleep(SECONDS_BETWEEN_FAULTS)
                faults_at.append(time.monotonic())
                terminated.append(_terminate(admin_url, name))
            time.sleep(5)  # the service after the last fault
            stop.set()
            for thread in clients:
                thread.join(timeout=120)
            assert not any(thread.is_alive() for thread in clients)
        report = _recovery(tally, faults_at[-1])
        print(f"\nfaults: {FAULTS}, backends terminated: {terminated}; statuses: "
              f"{dict(sorted(tally.statuses.items()))}; replayed: {tally.replayed}; {report}")
        assert tally.transport_errors == [], tally.transport_errors[:5]
        assert tally.unexpected == [], tally.unexpected[:5]
        assert all(count > 0 for count in terminated)  # the faults did hit the server
        assert sum(n for (_route, code), n in tally.statuses.items() if code == 503) > 0
        assert report["recovered_after_seconds"] is not None, report
        assert report["recovered_after_seconds"] < 10, report  # a generous liveness bound
        # Every submission answered 201 is stored, once, whatever 503s came before.
        with engine.connect() as conn:
            stored = dict(conn.execute(
                select(Request.reference, func.count()).group_by(Request.reference)).all())
        assert stored == {reference: 1 for reference in tally.stored}
        assert "Traceback" not in out[0], out[0][-3000:]
    finally:
        engine.dispose()
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _recovery(tally: Tally, last_fault: float) -> dict[str, object]:
    """How long after the last fault every route answered 2xx and kept doing so."""
    after = [(at, route, code) for at, route, code in tally.answers if at >= last_fault]
    failures = [at for at, _route, code in after if code >= 300]
    since = max(failures) if failures else last_fault
    routes_ok = {route for at, route, code in after if at > since and code < 300}
    recovered = (since - last_fault) if routes_ok == {"list", "visibility", "submit"} else None
    return {"calls_after_last_fault": len(after), "failures_after_last_fault": len(failures),
            "recovered_after_seconds": None if recovered is None else round(recovered, 3)}
