"""The checkpoint a report is computed over (issue 16, point 8; docs/verifiable-log.md).

A report's figures are a function of the state the log describes at one tree size N:
the tables as they stood when the log had N events. :func:`pin` makes the normal,
table-based report read exactly that state:

1. it seals the events not yet in the tree (a transaction per batch, as
   ``docket log checkpoint`` does), so that what remains is short;
2. it locks the audit chain's head (``audit.lock_chain``): no transaction that appends an
   event — every state change does, in its own transaction — can commit until this one
   ends. N is the head's ``seq``; it seals the few events since step 1, so the tree has N
   leaves, and signs a checkpoint at N when a key is configured and the tree grew;
3. still holding the head, it starts the report's read snapshot (REPEATABLE READ on
   PostgreSQL, a deferred read transaction in SQLite's WAL), which therefore sees exactly
   the changes of events 1..N, and checks that its head is N;
4. it commits, and writers go on; the report reads its snapshot.

The head is held only for the few events sealed in step 2 and a signature, never for the
report's queries. ``docket report --at N`` (docket.transparency.replay) rebuilds the same
state from the events 1..N alone and gives the same figures.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from docket import audit, store
from docket.audit.log_models import LogCheckpoint
from docket.audit.models import ChainHead
from docket.audit.sealer import SealError, hash_reader, seal, sign_checkpoint, tree_size
from docket.errors import DocketError
from docket.log import merkle
from docket.log.note import NoteError, Signer
from docket.settings import Settings


class LogUnavailable(DocketError):
    """The report cannot be tied to the log: its signing key is unreadable, or the log does
    not seal (an event is missing)."""

    status = 503
    title = "The verifiable log is unavailable"
    slug = "log-unavailable"


@dataclass(frozen=True)
class LogPoint:
    """A tree size of the verifiable log, its root, and the checkpoint signed at it (if any)."""

    size: int
    root: bytes
    checkpoint: str | None  # the signed note at exactly this size

    def as_dict(self) -> dict[str, Any]:
        """What a report states about the log it was computed over (the same whether the
        figures were read from the tables or replayed from the events)."""
        return {
            "size": self.size, "root": base64.b64encode(self.root).decode(),
            "signed": self.checkpoint is not None, "checkpoint": self.checkpoint,
            "replay": f"docket report --at {self.size}",
        }


def signer_of(settings: Settings) -> Signer | None:
    """The log's signing key (``DOCKET_LOG_KEY_FILE``), or None when none is configured."""
    if not settings.log_key_file:
        return None
    path = Path(settings.log_key_file)
    try:
        return Signer.parse(path.read_text())
    except OSError as exc:
        raise LogUnavailable(f"cannot read the log's signing key {path}: {exc.strerror}") from None
    except NoteError as exc:
        raise LogUnavailable(f"the log's signing key {path} is not one: {exc}") from None


def at_size(*, session: Session, size: int) -> LogPoint:
    """The log at ``size`` (sealed already): its root from the stored hashes, and the
    checkpoint signed at that size, if one was."""
    note = session.execute(select(LogCheckpoint.note).where(LogCheckpoint.size == size)).scalar_one_or_none()
    return LogPoint(size, merkle.tree_hash(size, hash_reader(session)), note)


def pin(*, factory: sessionmaker[Session], reader: Session, signer: Signer | None) -> LogPoint:
    """Seal the log, sign it if ``signer``, and start ``reader``'s snapshot at exactly the
    log's size (see the module's docstring); return that size, root and checkpoint.
    ``reader`` must not have begun its transaction."""
    try:
        while True:  # the backlog, a transaction per batch, without holding the head
            with store.transaction(factory) as batch:
                if seal(session=batch).added == 0:
                    break
        with store.transaction(factory) as writer:
            size, _hash = audit.lock_chain(session=writer)
            while seal(session=writer).added:
                pass
            if tree_size(session=writer) != size:
                raise SealError(f"the chain's head is at event {size} but the log seals "
                                f"{tree_size(session=writer)} events")
            if signer is not None:
                sign_checkpoint(session=writer, signer=signer)
            point = at_size(session=writer, size=size)
            # The snapshot is taken while no event can commit: it holds events 1..size.
            store.begin_snapshot(reader)
            seen = reader.execute(select(ChainHead.seq).where(ChainHead.id == 1)).scalar_one()
            if seen != size:
                raise SealError(f"the report's snapshot sees event {seen}, not the log's {size}")
    except SealError as exc:
        raise LogUnavailable(str(exc)) from None
    return point
