"""Explanation templates, as the API takes and gives them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from docket.review.schemas import EXPLANATION_MAX

Language = Literal["en", "ru", "kk", "de", "tr"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TemplateCreate(_Input):
    """A new explanation template for one reason, law and notice language."""

    reason: str | None = Field(default=None, max_length=40, description=(
        "the reason code (catalog) the template is for; none: any reason"), examples=["hate_speech"])
    law: str | None = Field(default=None, max_length=80, description=(
        "the id of the law (catalog) the template is for; none: any law"), examples=["kz-online-platforms-9"])
    language: Language = Field(description="the notice language the text is written in", examples=["ru"])
    title: str = Field(min_length=1, max_length=120, description="what reviewers choose it by",
                       examples=["Calls for violence"])
    body: str = Field(min_length=1, max_length=EXPLANATION_MAX, description=(
        "the explanation it fills in; the reviewer may still edit it"),
        examples=["The post calls for violence against a group of people."])


class TemplateUpdate(_Input):
    """A template's next version (the earlier ones stay, for the decisions that used them)."""

    title: str = Field(min_length=1, max_length=120, description="the new version's title",
                       examples=["Calls for violence"])
    body: str = Field(min_length=1, max_length=EXPLANATION_MAX, description="the new version's text",
                      examples=["The post calls for violence against a group of people."])
    active: bool = Field(default=True, description="false: no longer offered in the decision form",
                         examples=[True])


class TemplateVersionRead(BaseModel):
    """One version of a template's title and text."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the version's id (what a decision records)", examples=[7])
    version: int = Field(description="1 for the first text, one more for each edit", examples=[2])
    title: str = Field(description="the title in this version", examples=["Calls for violence"])
    body: str = Field(description="the text in this version", examples=["The post calls for violence."])
    created_by: int = Field(description="the user who wrote this version", examples=[3])
    created_at: dt.datetime = Field(description="when", examples=["2026-12-03T17:00:00Z"])


_VERSION = {"id": 7, "version": 2, "title": "Calls for violence", "body": "The post calls for violence.",
            "created_by": 3, "created_at": "2026-12-03T17:00:00Z"}


class TemplateRead(BaseModel):
    """An explanation template with its current version."""

    id: int = Field(description="the template's id", examples=[1])
    reason: str | None = Field(description="the reason code; none: any", examples=["hate_speech"])
    law: str | None = Field(description="the law's id; none: any", examples=["kz-online-platforms-9"])
    language: str = Field(description="the notice language", examples=["ru"])
    active: bool = Field(description="offered in the decision form", examples=[True])
    version: int = Field(description="the current version's number", examples=[2])
    current: TemplateVersionRead = Field(description="the current version", examples=[_VERSION])
    versions: list[TemplateVersionRead] = Field(description="every version, oldest first", examples=[[_VERSION]])


class TemplateList(BaseModel):
    """Explanation templates."""

    templates: list[TemplateRead] = Field(description="templates, by language, reason and law", examples=[[]])
