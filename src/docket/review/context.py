"""What the item page shows beside the review itself: the content's thumbnails, the
author's history (Ozone's subject history), the internal discussion and the explanation
templates the decision form offers. Every query is scoped through docket.access."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import access
from docket.appeals.models import Appeal
from docket.content import previews
from docket.content.models import Content
from docket.enforcement.models import Restriction, SubjectKind
from docket.intake.models import Item
from docket.parties.auth import Principal
from docket.review import console, discussion, explanations
from docket.review.models import Decision

HISTORY_LIMIT = 50


def author_history(*, session: Session, principal: Principal, item: Item, author_id: str | None) -> dict[str, Any]:
    """Other items about content by the same author (within reach), with their latest
    decision, appeals and reports; the author's restrictions in effect; and which of the
    items came earlier from the same requester."""
    if not author_id:
        return {"author_id": None, "items": [], "restrictions": [], "same_requester": []}
    # content.author_id and items.content_id are indexed: one walk of each.
    query = (select(Item).join(Content, Content.id == Item.content_id)
             .where(Content.author_id == author_id, Item.id != item.id))
    others = session.execute(access.scoped(query, principal, Item)
                             .order_by(Item.received_at.desc(), Item.id.desc()).limit(HISTORY_LIMIT)).scalars().all()
    ids = [o.id for o in others]
    latest: dict[int, Decision] = {}
    appeals: dict[int, list[Appeal]] = {}
    if ids:
        for d in session.execute(select(Decision).where(Decision.item_id.in_(ids)).order_by(Decision.id)).scalars():
            latest[d.item_id] = d
        for a in session.execute(select(Appeal).where(Appeal.item_id.in_(ids)).order_by(Appeal.id)).scalars():
            appeals.setdefault(a.item_id, []).append(a)
    contents = sorted({o.content_id for o in others if o.content_id}
                      | ({item.content_id} if item.content_id else set()))
    subjects = [(SubjectKind.account.value, author_id), *((SubjectKind.content.value, c) for c in contents)]
    restrictions: list[Restriction] = []
    for kind, subject in subjects[:HISTORY_LIMIT + 1]:
        restrictions.extend(session.execute(select(Restriction).where(
            Restriction.subject_kind == kind, Restriction.subject_id == subject,
            Restriction.ended_at.is_(None))).scalars())
    # A restriction is shown only with a decision on an item the reader reaches.
    reachable = set(session.execute(access.scoped(
        select(Decision.id).where(Decision.id.in_([r.decision_id for r in restrictions])), principal,
        Decision)).scalars()) if restrictions else set()
    rows = [{"item": o, "decision": latest.get(o.id), "appeals": appeals.get(o.id, []),
             "same_requester": o.submitter_id == item.submitter_id and o.received_at <= item.received_at}
            for o in others]
    return {"author_id": author_id, "items": rows,
            "restrictions": [r for r in restrictions if r.decision_id in reachable],
            "same_requester": [r for r in rows if r["same_requester"]]}


def template_options(*, session: Session, item: Item, law_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The active templates for ``item``'s reason and laws, for the decision form."""
    return [{"version_id": t.current.id, "label": f"{t.current.title} ({t.language}, v{t.version})",
             "body": t.current.body} for t in explanations.matching(session=session, reason=item.reason, laws=law_ids)]


def shown(*, session: Session, principal: Principal, item: Item, content: Content | None,
          law_ids: Sequence[str]) -> dict[str, Any]:
    """The item page's context parts (console/_context.html, console/_discussion.html)."""
    comments = list(discussion.for_item(session=session, item_id=item.id))
    mentions = discussion.mentions_of(session=session, comment_ids=[c.id for c in comments])
    wanted: set[int | None] = {c.author_id for c in comments}
    wanted.update(u for m in mentions.values() for u in m)
    people = console.names(session, wanted)
    options = template_options(session=session, item=item, law_ids=law_ids)
    return {
        "previews": previews.listed(session=session, content_id=content.id) if content is not None else [],
        "author": author_history(session=session, principal=principal, item=item,
                                 author_id=content.author_id if content is not None else None),
        "comments": [{"comment": c, "author": people.get(c.author_id, f"user {c.author_id}"),
                      "mentioned": [people.get(u, f"user {u}") for u in mentions.get(c.id, [])]} for c in comments],
        "template_options": options,
        "template_choices": [(str(o["version_id"]), o["label"]) for o in options],
        "comment_count": len(comments),
    }





