from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from docket.content import previews as preview_files
from docket.content.models import ContentType
from docket.content.urls import InvalidURL, normalize_url

_PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4IScHAAK2AQU0pnWqAAAAAElFTkSuQmCC"


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: str = Field(min_length=8, max_length=preview_files.MAX_BYTES * 4 // 3 + 8, description=(
        "a small thumbnail (PNG, JPEG or WebP, at most 256 KiB and 2048 pixels a side), base64; its "
        "type is read from the bytes"), examples=[_PNG_1PX])
    alt: str | None = Field(default=None, max_length=300, description="what the image shows, for screen readers",
                            examples=["A photo of a banner with a slogan"])

    @field_validator("data")
    @classmethod
    def _image(cls, value: str) -> str:
        try:
            preview_files.decode(value)
        except preview_files.InvalidPreview as exc:
            raise ValueError(str(exc)) from None
        return value


class ContentUpsert(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=2048)
    type: ContentType
    author_id: str | None = Field(default=None, max_length=200)
    author_contact: EmailStr | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    created_at: dt.datetime | None = None
    text: str | None = Field(default=None, max_length=100_000)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    previews: list[PreviewIn] | None = Field(default=None, max_length=preview_files.MAX_PREVIEWS, description=(
        "thumbnails the platform sends (docket never fetches them); given, they replace the ones "
        "kept; left out, those kept stay"), examples=[[]])

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                normalize_url(value)
            except InvalidURL as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a time zone, e.g. 2026-01-31T12:00:00Z")
        return value


class ContentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str | None
    normalized_url: str | None
    type: ContentType
    author_id: str | None
    author_contact: str | None
    language: str | None
    created_at: dt.datetime | None
    text: str | None
    sha256: str | None
    registered_at: dt.datetime
    updated_at: dt.datetime
    preview_count: int = Field(default=0, description="how many thumbnails docket keeps for it", examples=[1])
