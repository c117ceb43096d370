"""What the metrics read from the database: one aggregate query per figure, at scrape time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket.audit import log_service
from docket.audit.log_service import LogState
from docket.enforcement.models import RestrictionChange
from docket.intake.models import Item
from docket.items.states import ItemState
from docket.outbox.models import OutboxMessage, OutboxStatus
from docket.review.models import Decision

# The outbox's rows that are not done with; "sent" and "cancelled" ones only accumulate.
_UNFINISHED = (OutboxStatus.pending, OutboxStatus.held, OutboxStatus.dead)


@dataclass
class Snapshot:
    open_items: dict[tuple[str, str], int] = field(default_factory=dict)  # (jurisdiction, state)
    overdue_items: dict[str, int] = field(default_factory=dict)  # jurisdiction
    decisions: dict[tuple[str, str], int] = field(default_factory=dict)  # (outcome, status)
    outbox: dict[tuple[str, str], int] = field(default_factory=dict)  # (channel, status)
    feed_cursor: int = 0
    index_cursor: int = 0
    lag_seconds: float = 0.0
    log: LogState | None = None  # the verifiable log's tree and latest checkpoint
    bank: dict[str, int] = field(default_factory=dict)  # this process's restricted bank: fingerprints by kind
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def snapshot(*, session: Session, now: dt.datetime, index_cursor: int) -> Snapshot:
    """The figures the metrics gauges show, as of ``now``; ``index_cursor`` is how far this
    process's restriction index has read the feed."""
    found = Snapshot(index_cursor=index_cursor, now=now)
    open_items = session.execute(select(Item.jurisdiction, Item.status, func.count())
                                 .where(Item.status != ItemState.decided)
                                 .group_by(Item.jurisdiction, Item.status))
    found.open_items = {(j, str(s)): n for j, s, n in open_items}
    # Overdue as the queue and the deadline job count it: open in the queue (not waiting
    # for the submitter's answer), its deadline passed.
    overdue = session.execute(select(Item.jurisdiction, func.count())
                              .where(Item.queue_open.is_(True), Item.deadline_at < now)
                              .group_by(Item.jurisdiction))
    found.overdue_items = {j: n for j, n in overdue}
    decisions = session.execute(select(Decision.outcome, Decision.status, func.count())
                                .group_by(Decision.outcome, Decision.status))
    found.decisions = {(o, str(s)): n for o, s, n in decisions}
    outbox = session.execute(select(OutboxMessage.channel, OutboxMessage.status, func.count())
                             .where(OutboxMessage.status.in_(_UNFINISHED))
                             .group_by(OutboxMessage.channel, OutboxMessage.status))
    found.outbox = {(str(c), str(s)): n for c, s, n in outbox}
    # The feed's head, and the time of the first change the index has not applied (both
    # read through the cursor's primary key).
    head, oldest = session.execute(
        select(func.max(RestrictionChange.cursor),
               select(func.min(RestrictionChange.at))
               .where(RestrictionChange.cursor > index_cursor).scalar_subquery())).one()
    found.feed_cursor = int(head or 0)
    if oldest is not None:
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.UTC)
        found.lag_seconds = max(0.0, (now - oldest).total_seconds())
    found.log = log_service.state(session=session)
    return found
