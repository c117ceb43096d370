"""The rate limiter's one statement, written for each engine, and SQLite's side file.

The buckets live in docket's database on PostgreSQL and in a file beside the database on
SQLite (its one writer is the requests' own); :mod:`docket.ratelimit` holds the logic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Table, create_engine, event
from sqlalchemy.engine import Engine, make_url

# One statement: take up to :want calls from :key's bucket after giving back :back unused
# ones. GREATEST/LEAST/FLOOR are PostgreSQL's; SQLite's scalar max/min and a cast (the
# value is never negative there) do the same.
_TAKE = """
INSERT INTO rate_limits (key, tat, granted)
VALUES (:key, :now + {least}(:want, :capacity) * :t, {least}(:want, :capacity))
ON CONFLICT (key) DO UPDATE SET
  tat = {greatest}(rate_limits.tat - :back * :t, :now)
        + {greatest}(0, {least}(:want, {floor}((:now + :window - {greatest}(rate_limits.tat - :back * :t, :now))
                                               / :t + 1e-9))) * :t,
  granted = {greatest}(0, {least}(:want, {floor}((:now + :window - {greatest}(rate_limits.tat - :back * :t, :now))
                                                 / :t + 1e-9)))
RETURNING tat, granted
"""
TAKE_POSTGRESQL = _TAKE.format(greatest="GREATEST", least="LEAST", floor="FLOOR")
TAKE_SQLITE = _TAKE.format(greatest="max", least="min", floor="CAST").replace(
    "+ 1e-9)))", "+ 1e-9 AS INTEGER)))")


def side_file_url(database_url: str) -> str:
    """Where SQLite keeps the buckets: a file beside the database."""
    url = make_url(database_url)
    path = url.database or "docket.db"
    return url.set(database=f"{path}-limits").render_as_string(hide_password=False)


def side_engine(database_url: str, table: Table) -> Engine:
    """An engine on the side file, with ``table`` created in it."""
    url = side_file_url(database_url)
    Path(make_url(url).database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                           pool_size=5, max_overflow=10)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    table.create(engine, checkfirst=True)
    return engine
