"""Reads for the hot paths that SQLAlchemy's statement building would slow down."""

from __future__ import annotations

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
    quote = connection.dialect.identifier_preparer.quote
    mark = backend_of(session).mark
    return connection.exec_driver_sql(
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table(model).name)} "
        f"WHERE {quote(key)} IN ({', '.join([mark] * len(values))}) ORDER BY {quote(order_by)}",
        tuple(values))
