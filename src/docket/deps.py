"""Dependencies shared by every route: the unit of work and the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from docket.db import begin_readonly
from docket.settings import Settings


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per API call: committed when the route returns, before the
    response is sent (so a 201 means the row is durable), rolled back on any error."""
    session: Session = request.app.state.sessionmaker()
    if request.method in ("GET", "HEAD"):
        begin_readonly(session)  # reads take no write lock on SQLite
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": the commit runs before the response is sent, not after.
Db = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings)]
