"""An item's internal discussion (staff only; never leaves docket)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from docket import access
from docket.bounds import Id
from docket.deps import Db
from docket.intake.models import Item
from docket.parties.auth import Permission, Principal, require
from docket.review import console, discussion
from docket.review.models import Comment

router = APIRouter(prefix="/api/v1/items", tags=["review"])

StaffReader = Annotated[Principal, Depends(require(Permission.requests_read_all))]
Reviewer = Annotated[Principal, Depends(require(Permission.review))]
COMMENT_MAX = 5000


class CommentCreate(BaseModel):
    """A message in an item's internal discussion (@name mentions a colleague)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=1, max_length=COMMENT_MAX, description=(
        "the message; ``@alice`` (the first part of a colleague's e-mail address, or all of it) "
        "mentions them"), examples=["@bob can you check the provision the court cites?"])


class CommentRead(BaseModel):
    """One message of an item's internal discussion; staff only, never sent out."""

    id: int = Field(description="the comment's id", examples=[12])
    item_id: int = Field(description="the item discussed", examples=[3])
    author_id: int = Field(description="who wrote it (a staff user)", examples=[4])
    author: str = Field(description="their name", examples=["Alice Reviewer"])
    body: str = Field(description="the message", examples=["@bob can you check the provision?"])
    at: dt.datetime = Field(description="when", examples=["2026-12-03T17:00:00Z"])
    mentioned: list[int] = Field(description="the users it mentions", examples=[[5]])


class CommentList(BaseModel):
    """An item's internal discussion."""

    comments: list[CommentRead] = Field(description="the discussion, oldest first", examples=[[]])


def reads(db: Db, comments: list[Comment]) -> list[CommentRead]:
    names = console.names(db, {c.author_id for c in comments})
    mentions = discussion.mentions_of(session=db, comment_ids=[c.id for c in comments])
    return [CommentRead(id=c.id, item_id=c.item_id, author_id=c.author_id,
                        author=names.get(c.author_id, f"user {c.author_id}"), body=c.body, at=c.at,
                        mentioned=mentions.get(c.id, [])) for c in comments]


@router.get("/{item_id}/comments", response_model=CommentList, summary="An item's internal discussion",
            responses={404: {"description": "no such item within reach"}})
def list_comments(item_id: Id, db: Db, who: StaffReader) -> CommentList:
    """The item's internal discussion, oldest first. Who: staff (a local representative: its countries)."""
    item = access.visible(db, who, Item, item_id)
    return CommentList(comments=reads(db, list(discussion.for_item(session=db, item_id=item.id))))


@router.post("/{item_id}/comments", response_model=CommentRead, status_code=status.HTTP_201_CREATED,
             summary="Add to an item's internal discussion",
             responses={404: {"description": "no such item within reach"}})
def add_comment(item_id: Id, body: CommentCreate, db: Db, who: Reviewer) -> CommentRead:
    """Add a message; ``@name`` mentions a colleague; audited as ``item:commented`` (without
    the text). Who: reviewing roles (a local representative: its countries)."""
    item = access.visible(db, who, Item, item_id, purpose=access.Purpose.act)
    comment = discussion.add(session=db, principal=who, item=item, body=body.body)
    return reads(db, [comment])[0]
