"""What every model and statement shares: the declarative base, UTC timestamps, JSON as
the engines store it, and the small typed helpers around SQLAlchemy's results."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import orjson
from sqlalchemy import JSON, DateTime, MetaData, Table
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The execution option that starts a transaction as a read (on SQLite: a deferred BEGIN,
# no write lock); the engines' begin listeners look for it.
READONLY = {"docket_readonly": True}


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


def table(model: type[Base]) -> Table:
    """``model``'s table, for Core statements (SQLAlchemy types ``__table__`` as any
    ``FromClause``). Domain code reaches a table only through here."""
    return cast(Table, model.__table__)


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched (``Session.execute`` types its result as a plain ``Result``)."""
    return cast(CursorResult[Any], result).rowcount


def json_text(value: Any) -> str:
    """What the engines store for a JSON value (``None`` as JSON null, as SQLAlchemy does);
    the fast inserts (:mod:`docket.store.rows`) write JSON columns with it too."""
    return orjson.dumps(value).decode()


def json_value(value: str | bytes) -> Any:
    """A stored JSON value read back (the engines' deserializer)."""
    return orjson.loads(value)
