"""The database: declarative base, engines for SQLite and PostgreSQL, sessions, migrations."""

from __future__ import annotations

import datetime as dt
import functools
import select
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

import orjson
from sqlalchemy import JSON, DateTime, MetaData, Table, create_engine, event, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from docket.runtime import KEY as RUNTIME
from docket.runtime import Runtime

if TYPE_CHECKING:
    from sqlalchemy.engine.interfaces import DBAPIModule

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, timezone-aware in UTC, at microsecond precision (what both engines store)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite has no time zones; storing naive UTC there and attaching UTC on the way
    out makes both engines return the same value, which the audit hash relies on.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON, list[dict[str, Any]]: JSON,
    }


def table_of(model: type[Base]) -> Table:
    """``model``'s table, typed as the ``Table`` it is (SQLAlchemy types ``__table__`` as any ``FromClause``)."""
    return cast(Table, model.__table__)


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched (``Session.execute`` types its result as a plain ``Result``)."""
    return cast(CursorResult[Any], result).rowcount


def _json_serializer(value: Any) -> str:
    return orjson.dumps(value).decode()


# What the engines store for a JSON value (``None`` as JSON null, as SQLAlchemy does);
# docket.bulk writes JSON columns with it too.
json_text = _json_serializer


def _json_deserializer(value: str | bytes) -> Any:
    return orjson.loads(value)


_SQLITE_BUSY_TIMEOUT = 30.0  # seconds a transaction waits for another process's write lock


def _begin_immediate(raw: Any) -> None:
    """BEGIN IMMEDIATE, waiting for another process's write lock by trying every
    millisecond. SQLite's own busy handler sleeps ever longer (up to 100 ms at a time)
    and so never finds the lock free between the back-to-back transactions of a busy
    server: the outbox worker, beside ``docket serve``, starved under load."""
    deadline = time.monotonic() + _SQLITE_BUSY_TIMEOUT
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(0.001)
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(_SQLITE_BUSY_TIMEOUT * 1000)}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with write transactions serialized, or PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            json_serializer=_json_serializer,
            json_deserializer=_json_deserializer,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=kwargs.pop("pool_size", 40),
            max_overflow=kwargs.pop("max_overflow", 10),
            **kwargs,
        )
        # Writers in this process queue on a lock that wakes the next one as soon as the
        # last commits; SQLite's own busy handler (still there for other processes)
        # sleeps and polls, which stretches waits to hundreds of milliseconds.
        write_lock = threading.Lock()

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, start transactions, so that every
            # transaction can be BEGIN IMMEDIATE (below).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit (and so a 201) survives a power cut, not only a crash.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A deferred transaction that reads and then writes fails with
            # SQLITE_BUSY when another writer committed in between; taking the
            # write lock up front makes concurrent writers wait their turn instead.
            # Read-only snapshots (read_snapshot) stay deferred and block nobody.
            if conn.get_execution_options().get("docket_readonly"):
                conn.exec_driver_sql("BEGIN")
                return
            if not write_lock.acquire(timeout=30):
                raise TimeoutError("another transaction in this process held the SQLite write lock for 30 s")
            conn.info["docket_write_lock"] = True
            try:
                _begin_immediate(conn.connection.driver_connection)
            except BaseException:
                conn.info.pop("docket_write_lock", None)
                write_lock.release()
                raise

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _sqlite_end(conn: Any) -> None:
            if conn.info.pop("docket_write_lock", False):
                write_lock.release()

        return engine
    engine = create_engine(
        url,
        json_serializer=_json_serializer,
        json_deserializer=_json_deserializer,
        # No pre-ping: it costs a round trip on every checkout. _drop_closed (below) finds
        # the connections the server closed without one.
        pool_recycle=1800,
        # More connections than requests allowed in flight (DOCKET_MAX_CONCURRENT_REQUESTS)
        # plus the feed follower and the jobs: a request never waits for a connection
        # while holding the thread another request needs.
        pool_size=kwargs.pop("pool_size", 20),
        max_overflow=kwargs.pop("max_overflow", 20),
        **kwargs,
    )
    event.listen(engine, "checkout", _drop_closed)
    return engine


def _drop_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled PostgreSQL connection that the server has closed, so that the pool
    connects anew instead of failing the call that gets it.

    A server that ends a connection (a restart, pg_terminate_backend, an idle timeout)
    sends an error and closes the socket, so an idle connection with something to read is
    one it has given up on: seeing that is one poll of the socket, with no round trip
    (pre-ping would cost one on every checkout of the hot intake path). A connection lost
    without a word (a dead host) still fails its next call, which is answered 503
    (docket.errors) and that connection replaced."""
    if dbapi_connection.closed or dbapi_connection.broken or _readable(dbapi_connection.fileno()):
        raise sa_exc.DisconnectionError("the server closed this pooled connection")


def _readable(fd: int) -> bool:
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` means the call lost its database connection (or could not get one),
    so that what it did is unknown or undone, and the same call may succeed if retried."""
    if isinstance(exc, sa_exc.DBAPIError):
        return bool(exc.connection_invalidated)
    return isinstance(exc, sa_exc.DisconnectionError | sa_exc.TimeoutError)


def driver_error(connection: Connection, statement: str, params: Any,
                 exc: Exception) -> sa_exc.DBAPIError:
    """``exc``, which the driver raised on ``connection``'s own cursor (the fast paths that
    bypass SQLAlchemy), as SQLAlchemy raises it elsewhere: wrapped (IntegrityError, …),
    and when the connection was lost, with the connection invalidated, so that the pool
    replaces it and nothing tries to roll it back (:func:`is_connection_lost`)."""
    raw = connection.connection.driver_connection
    lost = bool(connection.dialect.is_disconnect(cast("DBAPIModule.Error", exc), raw, None))
    if lost:
        connection.invalidate(exc)
    # ``exc`` is the driver's own Error, which instance() wraps as a DBAPIError (not a StatementError).
    return cast(sa_exc.DBAPIError, sa_exc.DBAPIError.instance(
        statement, params, exc, connection.dialect.loaded_dbapi.Error, connection_invalidated=lost))


def make_sessionmaker(engine: Engine, runtime: Runtime | None = None) -> sessionmaker[Session]:
    """Sessions on ``engine`` that carry ``runtime`` (the application's; a new one if none is
    given, for a command or worker of its own), reached with :func:`docket.runtime.of`."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True,
                        info={RUNTIME: runtime if runtime is not None else Runtime()})


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


READONLY = {"docket_readonly": True}


def begin_readonly(session: Session) -> Session:
    """Start ``session``'s transaction as a read: on SQLite a deferred BEGIN that takes
    no write lock (WAL readers never block writers). Call before the first query."""
    session.connection(execution_options=READONLY)
    return session


def begin_reads(session: Session) -> Session:
    """Prepare ``session`` for a few independent reads, each one statement (a token, the
    content a request names): on PostgreSQL they run outside any transaction, which saves
    the BEGIN and ROLLBACK round trips and sees what a READ COMMITTED transaction would
    see; on SQLite this is :func:`begin_readonly`. Not for reads that must agree with
    each other, nor for streaming results (server-side cursors need a transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return session
    return begin_readonly(session)


_DEFERRED = "docket.deferred_writes"
_MAX_PARAMETERS = 65535  # PostgreSQL's limit for one statement


def deferred_writes(session: Session) -> list[tuple[str, tuple[Any, ...]]] | None:
    """Where :func:`one_round_trip` collects the block's statements, or None outside one
    (execute them then as usual). :mod:`docket.bulk` and the audit chain look here."""
    found: list[tuple[str, tuple[Any, ...]]] | None = session.info.get(_DEFERRED)
    return found


@contextmanager
def one_round_trip(session: Session) -> Iterator[None]:
    """Run the writes of the block and commit them. On PostgreSQL, when the block starts
    the session's transaction, the block's statements are not sent as they come: they
    are collected and sent at the end as one statement (each a data-modifying WITH
    clause; the last may be a SELECT such as the audit append), which PostgreSQL runs
    atomically and commits on its own: one round trip, and no lock a statement takes
    waits on this process (or its GIL) before the commit. So what the block writes must
    not read a result (no RETURNING): write with :mod:`docket.bulk` and
    :func:`docket.audit.record_many`, with ids taken beforehand (``bulk.take_ids``).

    Elsewhere (SQLite, or a session whose transaction has begun) the block runs in the
    session's transaction, which is committed when it ends. Either way an exception in
    the block or from the server leaves nothing written."""
    if session.get_bind().dialect.name != "postgresql" or session.in_transaction():
        yield
        session.commit()
        return
    import psycopg

    # Autocommit: one statement is its own transaction, with no BEGIN or COMMIT to send.
    connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    statements: list[tuple[str, tuple[Any, ...]]] = []
    session.info[_DEFERRED] = statements
    try:
        yield
    finally:
        del session.info[_DEFERRED]
    if statements:
        sql, params = _one_statement(statements)
        try:
            if len(params) <= _MAX_PARAMETERS:
                # With $n placeholders numbered once per shape of statement: psycopg would
                # otherwise parse the whole statement for its %s on every call.
                with psycopg.RawCursor(raw) as cursor:
                    cursor.execute(_numbered(sql), params)
            else:  # too large for one statement: the same writes in one transaction
                with raw.transaction():
                    for one, values in statements:
                        raw.execute(one, values)
        except psycopg.Error as exc:
            raise driver_error(connection, sql, params, exc) from exc
    session.commit()  # the server has committed; this ends the session's transaction


_WRITES = ("INSERT ", "UPDATE ", "DELETE ")


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """``sql`` with its ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``, … (the statements
    combined here are docket's own, with no other ``%`` in them)."""
    if "%%" in sql:
        raise ValueError("a combined statement may not contain an escaped %")
    head, *rest = sql.split("%s")
    return head + "".join(f"${number}{part}" for number, part in enumerate(rest, start=1))


def _one_statement(statements: list[tuple[str, tuple[Any, ...]]]) -> tuple[str, tuple[Any, ...]]:
    """``statements`` as one: each write a WITH clause, then the one SELECT among them (the
    audit append) or ``SELECT 1``. The order of the statements does not matter: PostgreSQL
    runs every data-modifying WITH clause exactly once, all on the same snapshot, and
    checks foreign keys at the end of the statement (an item may name the request that a
    sibling clause inserts)."""
    selects = [one for one in statements if one[0].startswith("SELECT ")]
    writes = [one for one in statements if not one[0].startswith("SELECT ")]
    if len(selects) > 1 or not all(sql.startswith(_WRITES) for sql, _ in writes):
        raise ValueError("one_round_trip combines writes (INSERT, UPDATE, DELETE) and at most "
                         f"one SELECT, not: {[sql[:30] for sql, _ in statements]}")
    main = selects[0] if selects else ("SELECT 1", ())
    if not writes:
        return main
    clauses = ", ".join(f"w{number} AS ({sql})" for number, (sql, _) in enumerate(writes))
    return (f"WITH {clauses} {main[0]}",
            tuple(v for _, values in [*writes, main] for v in values))


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Any]:
    """A connection in a read-only transaction that sees one consistent snapshot
    (REPEATABLE READ on PostgreSQL; a deferred read transaction in SQLite's WAL)."""
    options: dict[str, Any] = dict(READONLY)
    if engine.dialect.name == "postgresql":
        options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("docket") / "migrations"))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())
