"""Dependencies shared by every route: the unit of work and the settings.

They are async where they do no blocking I/O: each sync dependency costs a hop to the
thread pool, and on a busy two-core machine hops are a large part of a call's time."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from docket.runtime import Runtime
from docket.settings import Settings
from docket.store import is_connection_lost


def _freeze_startup_objects(state: Runtime) -> None:
    """Move what the process built before the application's first call (modules, ORM
    mappers, routes, schemas: hundreds of thousands of objects that live as long as it
    does) out of the cyclic garbage collector's reach, once per application. Every full
    collection would scan them again; under load that was a fifth of a report batch's time."""
    if not state.startup_frozen:
        state.startup_frozen = True
        gc.freeze()


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One transaction per API call: committed when the route returns, before the
    response is sent (so a 201 means the row is durable), rolled back on any error.

    GET and HEAD calls get a read-only session (on SQLite: no write lock). Creating a
    session does no I/O; the transaction starts at the route's first query."""
    state = request.app.state
    _freeze_startup_objects(state.runtime)
    readonly = request.method in ("GET", "HEAD")
    session: Session = (state.read_sessionmaker if readonly else state.sessionmaker)()
    try:
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        if session.in_transaction():
            try:
                await run_in_threadpool(session.rollback)
            except Exception as lost:
                # The connection is gone (often with the call's own error), and with it
                # the transaction: answer the call's error, not this one.
                if not is_connection_lost(lost):
                    raise
        raise
    finally:
        session.close()


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": the commit runs before the response is sent, not after.
Db = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings)]
