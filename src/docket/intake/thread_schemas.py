"""The API's shapes of a request's message thread (``/api/v1/requests/{id}/messages``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

MESSAGE_MAX = 5_000


class MessageCreate(BaseModel):
    """A message to the reviewers of a request (from its submitter) or to its submitter (from staff)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=1, max_length=MESSAGE_MAX, description="the message, plain text",
                      examples=["The order was confirmed on appeal by the city court; the scan follows."])


class MessageRead(BaseModel):
    """One message of a request's thread."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the message's id", examples=[12])
    request_id: int = Field(description="the request the thread belongs to", examples=[481])
    author: str = Field(description="who wrote it: 'authority' (the submitter) or 'staff' (a reviewer)",
                        examples=["staff"])
    kind: str = Field(description="'message', or a clarification's 'question' (staff) or 'answer' (authority)",
                      examples=["message"])
    body: str = Field(description="the message, plain text", examples=["Please send the court's order."])
    created_at: dt.datetime = Field(description="when it was written (UTC)",
                                    examples=["2026-12-03T16:40:00Z"])


class MessagePage(BaseModel):
    """A request's thread, oldest message first."""

    messages: list[MessageRead] = Field(description="the messages, oldest first", examples=[[]])
