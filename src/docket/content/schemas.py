from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from docket.content import previews as preview_files
from docket.content.models import ContentType
from docket.content.urls import InvalidURL, normalize_url

_PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4IScHAAK2AQU0pnWqAAAAAElFTkSuQmCC"


class PreviewIn(BaseModel):
    """A thumbnail of the content that the platform sends (docket never fetches one)."""

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
    """A piece of the platform's content, as the platform registers or updates it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200, description="the platform's own id of the content",
                    examples=["post-90001"])
    url: str | None = Field(default=None, max_length=2048, description="where it is seen; requests "
                            "naming this URL find it", examples=["https://social.example/@someone/90001"])
    type: ContentType = Field(description="what kind of content it is", examples=["post"])
    author_id: str | None = Field(default=None, max_length=200,
                                  description="the author's account id on the platform", examples=["user-77"])
    author_contact: EmailStr | None = Field(default=None, description="where the author is told of "
                                            "decisions", examples=["someone@mail.example"])
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$",
                                 description="its language, ISO 639-1", examples=["kk"])
    created_at: dt.datetime | None = Field(default=None, description="when it was published, with a "
                                           "time zone", examples=["2026-11-30T08:15:00Z"])
    text: str | None = Field(default=None, max_length=100_000, description="its text, for reviewers",
                             examples=["Everyone come to the square tonight."])
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$",
                               description="the SHA-256 of the media, hex",
                               examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    image: str | None = Field(default=None, max_length=3 * 1024 * 1024, description=(
        "the image itself, base64 (PNG, JPEG, WebP, GIF or BMP, at most 2 MiB; its type is read from the "
        "bytes): docket keeps its SHA-256 and PDQ hash to find copies, not the image (docket never fetches "
        "one)"), examples=[_PNG_1PX])
    pdq: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$", description=(
        "the image's PDQ hash, 64 hexadecimal digits, when the platform computes it instead of sending the "
        "image"), examples=["f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"])
    pdq_quality: int | None = Field(default=None, ge=0, le=100, description=(
        "the PDQ hash's quality (0-100); a hash below DOCKET_MATCH_PDQ_QUALITY is kept but never banked "
        "nor matched"), examples=[90])
    previews: list[PreviewIn] | None = Field(default=None, max_length=preview_files.MAX_PREVIEWS, description=(
        "thumbnails the platform sends (docket never fetches them); given, they replace the ones "
        "kept; left out, those kept stay"), examples=[[]])

    @model_validator(mode="after")
    def _media(self) -> ContentUpsert:
        if self.image is not None and self.pdq is not None:
            raise ValueError("give the image or its pdq hash, not both")
        return self

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
    """A piece of content as docket holds it."""

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="the platform's own id of the content", examples=["post-90001"])
    url: str | None = Field(description="where it is seen", examples=["https://social.example/@someone/90001"])
    normalized_url: str | None = Field(description="the URL as docket compares it (lower-case host, "
                                       "no tracking parameters)",
                                       examples=["https://social.example/@someone/90001"])
    type: ContentType = Field(description="what kind of content it is", examples=["post"])
    author_id: str | None = Field(description="the author's account id", examples=["user-77"])
    author_contact: str | None = Field(description="where the author is told of decisions",
                                       examples=["someone@mail.example"])
    language: str | None = Field(description="its language, ISO 639-1", examples=["kk"])
    created_at: dt.datetime | None = Field(description="when it was published",
                                           examples=["2026-11-30T08:15:00Z"])
    text: str | None = Field(description="its text", examples=["Everyone come to the square tonight."])
    sha256: str | None = Field(description="the SHA-256 of the media, hex", examples=[None])
    registered_at: dt.datetime = Field(description="when docket first heard of it",
                                       examples=["2026-12-01T09:00:00Z"])
    updated_at: dt.datetime = Field(description="when the platform last updated it",
                                    examples=["2026-12-01T09:00:00Z"])
    preview_count: int = Field(default=0, description="how many thumbnails docket keeps for it", examples=[1])
    fingerprints: list[str] = Field(default_factory=list, description=(
        "the fingerprints docket keeps to find its copies: sha256, pdq, text_sha256, minhash"),
        examples=[["sha256", "pdq", "text_sha256", "minhash"]])
    pdq_quality: int | None = Field(default=None, description="the quality of its PDQ hash (0-100); below "
                                    "DOCKET_MATCH_PDQ_QUALITY it is never matched", examples=[94])
