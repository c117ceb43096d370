"""Test fixtures: a real database (SQLite file or PostgreSQL), migrated once per run.

Pick the engine with DOCKET_TEST_DATABASE_URL:
  (unset)                                              an SQLite file in a temporary folder
  postgresql+psycopg://postgres@127.0.0.1:5432/postgres  a fresh database created on that server

Tests that need several connections, server processes or the application commit for real
(``sessions``, ``app``, ``client``): after each such test every non-catalog table is
emptied, which takes a few milliseconds. A test that needs one connection only runs inside
a transaction that is rolled back at the end, so there is nothing to empty (its commits
end savepoints, not the transaction): it takes ``session`` (one session), or is marked
``@pytest.mark.rolled_back`` and then its ``sessions`` (and the people made with them,
``kz_ministry``, ``make_user``…) are sessions on that one connection.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from docket import schema, store
from docket.catalog.service import _defaults
from docket.clock import SYSTEM
from docket.parties import service as parties
from docket.parties.models import Submitter
from docket.runtime import KEY as RUNTIME
from docket.runtime import Runtime
from docket.settings import Settings, get_settings
from docket.store.limits import side_file_url
from tests.clock import FakeClock
from tests.helpers import append_only_lifted

CATALOG_TABLES = {"jurisdictions", "region_members", "reasons", "laws", "requester_kinds"}
SECRET = "test-secret-key-0123456789abcdef-0123456789"
PASSWORD = "correct horse battery staple"  # the officials' and staff's, on pages


def _test_url(tmp_root: str) -> tuple[str, str | None]:
    """The URL tests use, and (for PostgreSQL) the name of the database to drop afterwards."""
    base = os.environ.get("DOCKET_TEST_DATABASE_URL", "")
    if not base:
        return f"sqlite:///{tmp_root}/docket-test.db", None
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"docket_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, pg_name = _test_url(str(tmp_path_factory.mktemp("db")))
    os.environ["DOCKET_DATABASE_URL"] = url
    os.environ["DOCKET_SECRET_KEY"] = SECRET
    # The tests' webhook receivers listen on 127.0.0.1 (tests/notices/test_addresses proves
    # the refusal without it).
    os.environ["DOCKET_WEBHOOKS_ALLOW_PRIVATE"] = "true"
    get_settings.cache_clear()
    yield url
    if pg_name:
        admin = create_engine(
            make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = store.make_engine(database_url)
    schema.upgrade(engine)
    _empty(engine)  # every test starts from the same state: catalog only, no events
    yield engine
    engine.dispose()


def _empty(engine: Engine) -> None:
    default_laws = [law["id"] for law in _defaults("laws")["laws"]]
    tables = [t.name for t in store.Base.metadata.sorted_tables if t.name not in CATALOG_TABLES]
    # The audit log's tables refuse DELETE and TRUNCATE (migration 0015): the cleanup lifts
    # that in its own transaction, as their owner (the test role) may.
    with engine.begin() as conn, append_only_lifted(conn, verbs=("delete",)):
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(text(f"DELETE FROM {name}"))
        conn.execute(
            text("DELETE FROM laws WHERE id NOT IN (" + ",".join(f"'{x}'" for x in default_laws) + ")")
        )
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64})
        # The requester kinds' places as shipped (a test may have changed one).
        conn.execute(text("DELETE FROM requester_kinds"))
        conn.execute(text("INSERT INTO requester_kinds (code, label, government, legal_basis_required) "
                          "VALUES (:code, :label, :government, :legal_basis_required)"),
                     _defaults("requester_kinds")["kinds"])
    if engine.dialect.name == "sqlite":  # SQLite keeps the rate-limit buckets in a file beside
        side = make_url(side_file_url(engine.url.render_as_string())).database
        if side and os.path.exists(side):
            with contextlib.closing(sqlite3.connect(side)) as limits, limits:
                limits.execute("DELETE FROM rate_limits")


# Fixtures that need the application or a second connection: a test marked rolled_back
# cannot take them (what the application commits would never be emptied).
NEEDS_COMMITS = {"app", "client", "web", "node", "server_env"}


@pytest.fixture
def sessions(engine: Engine, request: pytest.FixtureRequest) -> Iterator[sessionmaker[Session]]:
    """A session factory on the test database; the database is emptied after the test. In a
    test marked ``rolled_back``: sessions on the test's one connection, each a savepoint
    in a transaction rolled back at the end, with nothing to empty."""
    if request.node.get_closest_marker("rolled_back") is None:
        yield store.make_sessionmaker(engine)
        _empty(engine)
        return
    if clash := NEEDS_COMMITS & set(request.fixturenames):
        raise pytest.UsageError(f"{request.node.nodeid} is marked rolled_back but takes {sorted(clash)}, "
                                "which commit on connections of their own")
    connection = request.getfixturevalue("_rolled_back")
    yield sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
                       autoflush=True, info={RUNTIME: Runtime(backend=store.backend_for(engine))})


@pytest.fixture
def _rolled_back(engine: Engine) -> Iterator[Connection]:
    """The test's one connection, in a transaction rolled back when the test ends."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            yield connection
        finally:
            outer.rollback()


@pytest.fixture
def session(engine: Engine, _rolled_back: Connection) -> Iterator[Session]:
    """One session in a transaction that is rolled back when the test ends: what the test
    writes is never committed, so no table needs emptying. ``session.commit()`` in the code
    under test releases a savepoint instead. Not for tests that need a second connection,
    the application or a server (use ``sessions``)."""
    one = Session(bind=_rolled_back, join_transaction_mode="create_savepoint",
                  expire_on_commit=False,
                  info={RUNTIME: Runtime(backend=store.backend_for(engine))})
    try:
        yield one
    finally:
        one.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    # The outbox worker runs only where a test starts one (tests/notices), and so does the
    # verifiable log's sealer (tests/audit/test_log_api.py), so what each test sends and
    # writes is deterministic; e-mails without SMTP go to a temporary folder.
    return Settings(database_url=database_url, secret_key=SECRET, base_url="http://testserver",
                    run_worker=False, log_seal_seconds=0, mail_dir=str(tmp_path / "mail"))


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves by hand; a test that asks for it gets an ``app`` on it."""
    return FakeClock()


@pytest.fixture(autouse=True)
def _logging_left_as_found() -> Iterator[None]:
    """Building an app puts docket's log handler on the root logger at the app's level; take
    it off after the test, so a later test in the same process (a CLI command whose output
    it reads, say) does not get the log lines of libraries it calls."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    for handler in list(root.handlers):
        if getattr(handler, "docket", False) and handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def app(settings: Settings, engine: Engine, sessions: sessionmaker[Session],
        request: pytest.FixtureRequest) -> Any:
    from docket.app import create_app

    chosen = request.getfixturevalue("clock") if "clock" in request.fixturenames else SYSTEM
    application = create_app(settings, engine=engine, clock=chosen)
    application.state.owns_engine = False
    return application


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@dataclass
class Party:
    """A named test person: its id and the headers that carry its token."""

    id: int
    token: str
    token_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_submitter(sessions: sessionmaker[Session]) -> Any:
    def make(name: str, kind: str, country: str, **kw: Any) -> Party:
        with store.transaction(sessions) as s:
            sub = parties.create_submitter(session=s, actor="test", name=name, kind=kind,
                                           country=country, **kw)
            tok, plain = parties.create_token(session=s, actor="test", submitter=sub)
            return Party(sub.id, plain, tok.id)
    return make


@pytest.fixture
def make_user(sessions: sessionmaker[Session]) -> Any:
    def make(email: str, *roles: str, jurisdictions: tuple[str, ...] = (), password: str | None = None) -> Party:
        with store.transaction(sessions) as s:
            user = parties.create_user(session=s, actor="test", email=email, roles=roles,
                                       jurisdictions=jurisdictions, password=password)
            tok, plain = parties.create_token(session=s, actor="test", user=user)
            return Party(user.id, plain, tok.id)
    return make


@pytest.fixture
def kz_ministry(make_submitter: Any) -> Party:
    return make_submitter("Ministry of Information and Social Development", "government_agency", "KZ")


@pytest.fixture
def de_court(make_submitter: Any) -> Party:
    return make_submitter("Landgericht Berlin", "court", "DE")


@pytest.fixture
def reviewer_alice(make_user: Any) -> Party:
    return make_user("alice@docket.test", "reviewer")


@pytest.fixture
def auditor_erin(make_user: Any) -> Party:
    return make_user("erin@docket.test", "auditor")


@pytest.fixture
def admin_ada(make_user: Any) -> Party:
    return make_user("ada@docket.test", "admin")


@pytest.fixture
def platform(make_user: Any) -> Party:
    return make_user("platform@docket.test", "platform")


@pytest.fixture
def tr_btk(make_submitter: Any) -> Party:
    return make_submitter("Bilgi Teknolojileri ve İletişim Kurumu", "regulator", "TR")


@pytest.fixture
def bob_legal(make_user: Any) -> Party:
    return make_user("bob@docket.test", "legal", "reviewer")


@pytest.fixture
def carol_rights(make_user: Any) -> Party:
    return make_user("carol@docket.test", "rights", "reviewer")


@pytest.fixture
def dana_kz(make_user: Any) -> Party:
    return make_user("dana@docket.test", "local_representative", jurisdictions=("KZ",))


@pytest.fixture
def act(client: Any) -> Any:
    """POST to a review route and check the status code."""

    def go(who: Any, path: str, expect: int = 200, **body: Any) -> dict[str, Any]:
        r = client.post(f"/api/v1{path}", json=body or None, headers=who.headers)
        assert r.status_code == expect, r.text
        return r.json()

    return go


# Pages: page tests live with their packages (tests/<package>/test_pages.py), so their
# fixtures are here; their helpers (sign_in, csrf_of, post_form) in tests/web/conftest.py.
@pytest.fixture
def make_person(sessions: sessionmaker[Session]) -> Any:
    """A person of a submitter (an official) with a portal password."""
    def make(submitter: Party, email: str, name: str = "", password: str = PASSWORD) -> Party:
        with store.transaction(sessions) as s:
            sub = s.get(Submitter, submitter.id)
            assert sub is not None
            user = parties.create_person(session=s, actor="test", submitter=sub, email=email,
                                         name=name, password=password)
            return Party(user.id, "", 0)
    return make


@pytest.fixture
def web(client: TestClient) -> TestClient:
    """A browser-like client (cookies kept between calls)."""
    return client


# A decided restriction: the public appeal and withheld pages (tests/appeals, tests/enforcement)
# both start from one.
@pytest.fixture
def decided(web: Any, act: Any, platform: Any, kz_ministry: Any, reviewer_alice: Any,
            bob_legal: Any, carol_rights: Any, dana_kz: Any) -> Callable[[], int]:
    """decided(): content post-9, restricted in Kazakhstan on the ministry's request, through
    the API; returns the decision's id."""
    return lambda: _restrict(web, act, platform, kz_ministry, reviewer_alice, bob_legal,
                             carol_rights, dana_kz)


def _restrict(client: Any, act: Any, platform: Any, kz_ministry: Any, reviewer_alice: Any,
              bob_legal: Any, carol_rights: Any, dana_kz: Any) -> int:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-9", "url": "https://social.example/@aidos/9", "type": "post",
        "text": "The akim took the money; here is the video.", "author_contact": "a@mail.example"})
    request = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
        "legal_basis": [{"law": "kz-online-platforms-9"}],
        "items": [{"content_id": "post-9"}]}).json()
    item = request["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
    return int(act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted",
                   explanation="Calls for violence against a named official.")["id"])
