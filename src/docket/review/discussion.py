"""An item's internal discussion: staff only; it never leaves docket (no export, notice or
submitter reads it). A mention (``@name``) puts the comment on that person's list."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import access, audit
from docket.intake.models import Item
from docket.parties.auth import Principal
from docket.parties.models import User
from docket.review.models import Comment, Mention
from docket.store import utcnow

# "@alice" (the part of the e-mail address before the "@") or "@alice@docket.example".
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._+-]{0,63}(?:@[A-Za-z0-9.-]{1,190})?)")


def mentioned_users(*, session: Session, body: str) -> list[User]:
    """The active staff named in ``body`` by ``@`` and their address (or its first part)."""
    handles = {m.group(1).rstrip(".").lower() for m in MENTION.finditer(body)}
    if not handles:
        return []
    staff = session.execute(select(User).where(User.active.is_(True), User.submitter_id.is_(None))).scalars()
    return [u for u in staff if u.email.lower() in handles or u.email.lower().split("@", 1)[0] in handles]


def add(*, session: Session, principal: Principal, item: Item, body: str) -> Comment:
    """Add a comment to ``item``'s discussion and note its mentions; audited (``item:commented``)."""
    comment = Comment(item_id=item.id, author_id=principal.user_id, body=body, at=utcnow())
    session.add(comment)
    session.flush()
    people = [u for u in mentioned_users(session=session, body=body)]
    for user in people:
        session.add(Mention(comment_id=comment.id, user_id=user.id, item_id=item.id))
    session.flush()
    # The text stays out of the log's payload: the log is read by auditors and exported.
    audit.record(session=session, actor=principal.actor, action="item:commented", subject=f"item:{item.id}",
                 payload={"comment": comment.id, "mentioned": sorted(u.id for u in people)})
    return comment


def for_item(*, session: Session, item_id: int) -> Sequence[Comment]:
    """``item_id``'s discussion, oldest first."""
    return session.execute(select(Comment).where(Comment.item_id == item_id).order_by(Comment.id)).scalars().all()


def mentions_of(*, session: Session, comment_ids: Sequence[int]) -> dict[int, list[int]]:
    """{comment id: [mentioned user ids]}."""
    if not comment_ids:
        return {}
    found: dict[int, list[int]] = {}
    for comment_id, user_id in session.execute(
            select(Mention.comment_id, Mention.user_id).where(Mention.comment_id.in_(list(comment_ids)))
            .order_by(Mention.comment_id, Mention.user_id)):
        found.setdefault(comment_id, []).append(user_id)
    return found


def mentioning(*, session: Session, principal: Principal, limit: int = 100) -> Sequence[Comment]:
    """Comments that mention ``principal``, newest first, on items within its reach."""
    query = (select(Comment).join(Mention, Mention.comment_id == Comment.id)
             .join(Item, Item.id == Comment.item_id)
             .where(Mention.user_id == principal.user_id).order_by(Comment.id.desc()).limit(limit))
    return session.execute(access.scoped(query, principal, Item, joined=True)).scalars().all()
