"""A request's message thread between the authority that sent it and the reviewers.

The thread holds plain messages and a clarification's question (a reviewer's) and answer
(the authority's message with its clarification). A message from the authority waits,
unread, for the reviewers (the console's badge); a message from staff goes to the
authority by e-mail through the outbox, in the request's language. Every message is
audited in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from docket import audit
from docket.intake.models import MessageAuthor, Request, RequestMessage
from docket.intake.thread_schemas import MESSAGE_MAX
from docket.outbox import service as outbox
from docket.parties.models import Submitter, User
from docket.store import utcnow

KINDS = ("message", "question", "answer")


def post(
    *, session: Session, request: Request, author: MessageAuthor, body: str, actor: str,
    user_id: int | None = None, kind: str = "message",
) -> RequestMessage:
    """Add a message to ``request``'s thread; a staff message is e-mailed to the authority
    (a question is not: its own notice, ``clarification_requested``, carries it)."""
    message = RequestMessage(request_id=request.id, author=author, user_id=user_id, body=body.strip(),
                             kind=kind, created_at=utcnow())
    session.add(message)
    session.flush()
    if author == MessageAuthor.staff and kind == "message":
        submitter = session.get(Submitter, request.submitter_id)
        outbox.enqueue_email(session=session, kind="request_message", to=submitter.email if submitter else None,
                             language=request.language, subject=f"request:{request.id}",
                             context={"request_id": request.id, "message_id": message.id})
    audit.record(session=session, actor=actor, action="request:message_posted", subject=f"request:{request.id}",
                 payload={"message": message.id, "author": author.value, "kind": kind, "body": message.body})
    return message


def messages(*, session: Session, request_id: int) -> Sequence[RequestMessage]:
    """The thread of one request, oldest first."""
    query = select(RequestMessage).where(RequestMessage.request_id == request_id)
    return session.execute(query.order_by(RequestMessage.created_at, RequestMessage.id)).scalars().all()


def authors(*, session: Session, thread: Sequence[RequestMessage]) -> dict[int, str]:
    """The names of the people who wrote ``thread``'s messages, by user id."""
    ids = {m.user_id for m in thread if m.user_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids))).all()
    return {row.id: row.name or row.email for row in rows}


def shown(*, session: Session, request_id: int) -> dict[str, Any]:
    """What the thread's templates need: the messages and their authors' names."""
    found = messages(session=session, request_id=request_id)
    return {"thread": found, "thread_authors": authors(session=session, thread=found), "message_max": MESSAGE_MAX}


def mark_read(*, session: Session, request_id: int) -> int:
    """A reviewer opened the request: the authority's messages are read; how many were not."""
    # Two reviewers opening the page at once: only unread rows change, each once.
    result = session.execute(
        update(RequestMessage)
        .where(RequestMessage.request_id == request_id, RequestMessage.author == MessageAuthor.authority,
               RequestMessage.read_at.is_(None))
        .values(read_at=utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def unread(*, session: Session, request_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Unread messages from authorities, per request (all requests, or those given)."""
    query = (select(RequestMessage.request_id, func.count())
             .where(RequestMessage.author == MessageAuthor.authority, RequestMessage.read_at.is_(None))
             .group_by(RequestMessage.request_id))
    if request_ids is not None:
        query = query.where(RequestMessage.request_id.in_(request_ids))
    return {int(rid): int(n) for rid, n in session.execute(query).all()}
