"""Errors from the database driver, as the rest of docket sees them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from sqlalchemy.engine.interfaces import DBAPIModule


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
