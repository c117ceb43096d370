"""The store: every way docket reads and writes its database, behind one backend per engine.

- :mod:`~docket.store.types`: the declarative base, UTC timestamps, JSON, ``table(model)``;
- :mod:`~docket.store.backend`: the :class:`Backend` interface and its two implementations,
  :mod:`~docket.store.sqlite` (one writer, group commit) and :mod:`~docket.store.postgresql`
  (one round trip, ids in blocks, the audit append in the server);
- :mod:`~docket.store.sessions` and :mod:`~docket.store.transactions`: sessions carrying the
  application's runtime, units of work, reads, snapshots, :func:`write_and_commit`;
- :mod:`~docket.store.rows`: multi-row inserts, updates by id, ids taken ahead;
- :mod:`~docket.store.reads`: plain-SQL reads for the hot paths;
- :mod:`~docket.store.group_commit`: SQLite's writer thread;
- :mod:`~docket.store.index_walks`: medians and histograms read along an index;
- :mod:`~docket.store.limits`: the rate limiter's statement and SQLite's side file;
- :mod:`~docket.store.revisions`: Alembic's view of a database;
- :mod:`~docket.store.scratch`: a throw-away SQLite database (reports replayed from the log).

Domain packages import what they need from here; none of them imports a driver, asks
which database it runs on, or touches a model's ``__table__``."""

from docket.store.backend import Backend, backend_for, backend_of, make_engine
from docket.store.driver import driver_error, is_connection_lost
from docket.store.group_commit import GroupCommit
from docket.store.reads import rows_where_in
from docket.store.revisions import alembic_config, current_revision, has_tables, head_revision
from docket.store.rows import insert_as_loaded, insert_rows, take_ids, update_by_id, with_defaults
from docket.store.scratch import scratch_database
from docket.store.sessions import (
    begin_reads,
    begin_snapshot,
    collecting,
    independent_reads,
    make_sessionmaker,
    read_snapshot,
    unbegun,
    write_and_commit,
)
from docket.store.transactions import begin_readonly, own_connection, read_only, transaction
from docket.store.types import READONLY, Base, UTCDateTime, json_text, rowcount, table, utcnow

__all__ = [
    "READONLY", "Backend", "Base", "GroupCommit", "UTCDateTime", "alembic_config",
    "backend_for", "backend_of", "begin_readonly", "begin_reads", "begin_snapshot", "collecting",
    "current_revision", "driver_error", "has_tables", "head_revision", "independent_reads",
    "insert_as_loaded", "insert_rows", "is_connection_lost", "json_text", "make_engine",
    "make_sessionmaker", "own_connection", "read_only", "read_snapshot", "rowcount", "rows_where_in",
    "scratch_database", "table", "take_ids", "transaction", "unbegun", "update_by_id", "utcnow", "with_defaults",
    "write_and_commit",
]
