"""What the enforcement routes answer. The hot routes build their JSON by hand (orjson);
these models declare it in the OpenAPI document, and the schema fuzz test holds the
answers to them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class WithheldNotice(BaseModel):
    """What a viewer who may not see the content is shown instead."""

    kind: str = Field(description="legal_demand, local_law or policy", examples=["legal_demand"])
    text: str = Field(description="what the viewer sees instead of the content",
                      examples=["This content has been withheld in Germany in response to a legal demand."])


class VisibilityRead(BaseModel):
    """The verdict for one viewer: may they see the content, and if not, what they see."""

    content_id: str = Field(description="the content asked about", examples=["post-55102"])
    country: str | None = Field(description="the viewer's country; null when unknown", examples=["DE"])
    visible: bool = Field(description="whether this viewer may see it", examples=[False])
    withheld_in: list[str] | Literal["global"] = Field(
        description="every country it is withheld in, or global", examples=[["DE"]])
    notice: WithheldNotice | None = Field(description="what to show instead; null when visible")
    rule: str = Field(description="which rule applied (country, global, unknown country, ...)",
                      examples=["country"])


class ChangeRead(BaseModel):
    """One change of the restrictions: one starts or one ends."""

    cursor: int = Field(description="this change's position in the feed", examples=[1])
    op: Literal["start", "end", "refresh"] = Field(
        description="start or end; refresh: the restricted content has new fingerprints, visibility is "
                    "unchanged (a follower of visibility skips it; the copies' bank, GET /api/v1/match/bank, "
                    "replaces the restriction's fingerprints)", examples=["start"])
    restriction_id: int = Field(description="the restriction's id", examples=[1])
    subject_kind: str = Field(description="content or account", examples=["content"])
    subject_id: str = Field(description="the content's or account's id", examples=["post-55102"])
    scope: list[str] = Field(description="the countries it applies in; [\"*\"] for everywhere",
                             examples=[["DE"]])
    notice_kind: str = Field(description="the notice viewers see: legal_demand, local_law or policy",
                             examples=["legal_demand"])
    ends_at: str | None = Field(description="when it lapses by itself; null: until ended",
                                examples=[None])
    at: str = Field(description="when the change was made", examples=["2026-12-03T17:01:57.930986+00:00"])


class ChangePage(BaseModel):
    """Changes after a cursor, in order."""

    changes: list[ChangeRead] = Field(description="the changes, oldest first")
    next_cursor: int = Field(description="pass as after= next time", examples=[2])
