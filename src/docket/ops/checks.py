"""The checks every backup and restore runs: the audit chain as ``docket audit verify``
walks it, and whether a schema version is one this docket knows."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from docket.audit import service
from docket.audit.models import ChainHead
from docket.ops.results import Audit, Progress
from docket.store import alembic_config


def audit_of(*, session: Session, progress: Progress | None = None) -> Audit:
    """Verify the whole audit chain that ``session`` sees, and read its recorded head."""
    total = service.count_events(session=session)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress("verifying the audit chain", done, total)

    result = service.verify(session=session, progress=step)
    head = session.get(ChainHead, 1)
    return Audit(ok=result.ok, events=result.count, bad_event=result.bad_seq,
                 problem=result.problem, head_seq=head.seq if head else 0,
                 head_hash=head.hash if head else service.GENESIS)


def known_revision(engine: Engine, revision: str | None) -> bool:
    """Whether ``revision`` is one of this docket's migrations (not one from a newer docket)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is None:
        return False
    try:
        scripts = ScriptDirectory.from_config(alembic_config(engine))
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False
