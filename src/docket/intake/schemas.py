"""Request bodies and answers. Public input forbids unknown fields and limits every string."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from docket.content.urls import InvalidURL, normalize_url

Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
EXPLANATION_MAX = 10_000


@functools.lru_cache(maxsize=4096)
def normalized_url(url: str) -> str:
    """:func:`normalize_url`, remembered: validation normalizes each item's URL to check it,
    and intake again to look it up (pure, so a cache is always right)."""
    return normalize_url(url)


def _check_url(value: str | None) -> str | None:
    if value is not None:
        try:
            normalized_url(value)
        except InvalidURL as exc:
            raise ValueError(str(exc)) from None
    return value


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LegalBasis(_Input):
    """A law from the catalog with a provision, or a free-text citation."""

    law: str | None = Field(default=None, max_length=80)
    provision: str | None = Field(default=None, max_length=300)
    citation: str | None = Field(default=None, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_of(self) -> LegalBasis:
        if not self.law and not self.citation:
            raise ValueError("give a catalog 'law' (with an optional 'provision') or a 'citation'")
        return self


class Officer(_Input):
    name: str = Field(min_length=1, max_length=200)
    title: str | None = Field(default=None, max_length=200)


class ItemIn(_Input):
    """One piece of content: its URL, or the platform's content id."""

    url: str | None = Field(default=None, max_length=2048)
    content_id: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _check_url(value)

    @model_validator(mode="after")
    def _one_of(self) -> ItemIn:
        if not self.url and not self.content_id:
            raise ValueError("give a 'url' or a 'content_id'")
        return self


class RequestCreate(_Input):
    jurisdiction: Country
    reference: str | None = Field(default=None, max_length=200)
    legal_basis: list[LegalBasis] = Field(default_factory=list, max_length=20)
    reason: str = Field(min_length=1, max_length=40)
    explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX)
    requested_action: Literal["restrict", "remove"] = "restrict"
    requested_scope: list[Country] = Field(default_factory=list, max_length=250)
    issuing_officer: Officer | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    confidential: bool = False
    confidentiality_basis: str | None = Field(default=None, max_length=2000)
    emergency: bool = False
    emergency_explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX)
    bona_fide: bool = False
    items: list[ItemIn] = Field(min_length=1, max_length=1000)

    @field_validator("jurisdiction")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("requested_scope")
    @classmethod
    def _upper_all(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(v.upper() for v in value))


class ItemFix(_Input):
    """A corrected identification for the item at ``position`` (as in ``items[3].url``)."""

    position: int = Field(ge=0, le=999)
    url: str | None = Field(default=None, max_length=2048)
    content_id: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _check_url(value)

    @model_validator(mode="after")
    def _one_of(self) -> ItemFix:
        if not self.url and not self.content_id:
            raise ValueError("give a 'url' or a 'content_id'")
        return self


class ClarificationCreate(_Input):
    """What the submitter supplies in answer to a clarification request."""

    message: str | None = Field(default=None, max_length=EXPLANATION_MAX)
    legal_basis: list[LegalBasis] | None = Field(default=None, max_length=20)
    explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX)
    issuing_officer: Officer | None = None
    confidentiality_basis: str | None = Field(default=None, max_length=2000)
    emergency_explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX)
    bona_fide: bool | None = None
    items: list[ItemFix] = Field(default_factory=list, max_length=1000)


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    content_id: str | None
    url: str | None
    status: str
    outcome: str | None = None
    decided_at: dt.datetime | None = None
    scope: list[str] | None = None
    clarification_question: str | None = Field(default=None, description=(
        "what the legal reviewer asked the requester about this item, if anything"))


class RequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    submitter_id: int
    channel: str
    status: str
    missing: list[str]
    jurisdiction: str
    reference: str | None
    legal_basis: list[dict[str, Any]]
    reason: str
    explanation: str | None
    requested_action: str
    requested_scope: list[str]
    issuing_officer: dict[str, Any] | None
    language: str | None
    confidential: bool
    emergency: bool
    art16_notice: bool
    received_at: dt.datetime
    clock_started_at: dt.datetime
    deadline_at: dt.datetime
    clock_rule: dict[str, Any]
    clarifications: int
    items: list[ItemRead]


class RequestPage(BaseModel):
    requests: list[RequestRead]
    next_cursor: str | None


class ReportIn(_Input):
    """A report about one piece of content, from a platform user or the public form."""

    content_id: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=2048)
    reason: str = Field(min_length=1, max_length=40)
    jurisdiction: Country | None = Field(default=None, description=(
        "when the claim is 'illegal under the law of this country'; absent: the platform's rules"))
    explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX)
    reporter_id: str | None = Field(default=None, min_length=1, max_length=100, description=(
        "the platform's id of the signed-in user (platform channel only)"))
    reporter_verified: bool = Field(default=False, description="the platform has verified this user")
    reporter_name: str | None = Field(default=None, max_length=200)
    reporter_email: EmailStr | None = None
    bona_fide: bool = Field(default=False, description="the DSA Art. 16 statement of good faith")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _check_url(value)

    @field_validator("jurisdiction")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @model_validator(mode="after")
    def _one_of(self) -> ReportIn:
        if not self.url and not self.content_id:
            raise ValueError("give a 'url' or a 'content_id'")
        return self


class ReportAccepted(BaseModel):
    report_id: int
    item_id: int
    new_case: bool
    reference: str
    repeat: bool = Field(default=False, description=(
        "this reporter had reported this case already: nothing new was stored (200, not 201), "
        "and the reference is that first report's; a case counts each reporter once"))


class ReportBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reports: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class ReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    channel: str
    reporter_key: str
    reason: str
    jurisdiction: str | None
    explanation: str | None
    art16_notice: bool
    received_at: dt.datetime
