"""Dependencies shared by every route: the unit of work and the settings.

They are async where they do no blocking I/O: each sync dependency costs a hop to the
thread pool, and on a busy two-core machine hops are a large part of a call's time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from docket.settings import Settings


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One transaction per API call: committed when the route returns, before the
    response is sent (so a 201 means the row is durable), rolled back on any error.

    GET and HEAD calls get a read-only session (on SQLite: no write lock). Creating a
    session does no I/O; the transaction starts at the route's first query."""
    readonly = request.method in ("GET", "HEAD")
    state = request.app.state
    session: Session = (state.read_sessionmaker if readonly else state.sessionmaker)()
    try:
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        if session.in_transaction():
            await run_in_threadpool(session.rollback)
        raise
    finally:
        session.close()


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": the commit runs before the response is sent, not after.
Db = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings)]
