"""What the enforcement routes answer. The hot routes build their JSON by hand (orjson);
these models declare it in the OpenAPI document, and the schema fuzz test holds the
answers to them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class WithheldNotice(BaseModel):
    kind: str = Field(description="legal_demand, local_law or policy")
    text: str = Field(description="what the viewer sees instead of the content")


class VisibilityRead(BaseModel):
    content_id: str
    country: str | None = Field(description="the viewer's country; null when unknown")
    visible: bool
    withheld_in: list[str] | Literal["global"]
    notice: WithheldNotice | None
    rule: str = Field(description="which rule applied (country, global, unknown country, ...)")


class ChangeRead(BaseModel):
    cursor: int
    op: Literal["start", "end"]
    restriction_id: int
    subject_kind: str = Field(description="content or account")
    subject_id: str
    scope: list[str]
    notice_kind: str
    ends_at: str | None
    at: str


class ChangePage(BaseModel):
    changes: list[ChangeRead]
    next_cursor: int = Field(description="pass as after= next time")
