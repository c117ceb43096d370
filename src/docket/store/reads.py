"""Reads for the hot paths that SQLAlchemy's statement building would slow down."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from docket.store.backend import backend_of
from docket.store.types import Base, table


def rows_where_in(session: Session, model: type[Base], columns: Sequence[str], key: str,
                  values: Sequence[Any], *, order_by: str) -> Iterable[Sequence[Any]]:
    """``columns`` of ``model``'s rows whose ``key`` is one of ``values`` (not empty), in
    ``order_by`` order, as plain rows: the statement is written out with the driver's
    placeholders, since SQLAlchemy's expanding IN costs more than the query itself."""
    session.flush()
    connection = session.connection()
    sql = _select_in(connection.dialect.identifier_preparer, backend_of(session).mark, table(model).name,
                     tuple(columns), key, len(values), order_by)
    return connection.exec_driver_sql(sql, tuple(values))


@functools.lru_cache(maxsize=256)
def _select_in(preparer: Any, mark: str, name: str, columns: tuple[str, ...], key: str, count: int,
               order_by: str) -> str:
    quote = preparer.quote
    return (f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(name)} "
            f"WHERE {quote(key)} IN ({', '.join([mark] * count)}) ORDER BY {quote(order_by)}")
