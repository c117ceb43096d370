from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    default_clock_hours: int | None
    emergency_clock_hours: int | None
    local_rep_signoff: bool
    local_rep_title: str | None


class LawRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    applies_in: str
    citation: str
    title: str
    clock_hours: int | None
    emergency_clock_hours: int | None
    clock_basis: str | None
    clock_restarts_on_clarification: bool
    local_rep_signoff: bool
    active: bool
    official_url: str | None
    excerpt: str | None
    # False: the law names no clock, and the jurisdiction's default applies (``clock`` says so).
    clock_stated: bool
    clock: str


class ReasonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label: str
    google_label: str
    severity: int


class KindPlaceRead(BaseModel):
    """A requester kind's place in every report: a government or not, and whether its
    requests must cite a legal basis (an authority's request) or carry a notice's elements."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    label: str
    government: bool
    legal_basis_required: bool


class KindPlaceUpdate(BaseModel):
    """What to change of a requester kind's place; what is left out stays."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    government: bool | None = None
    legal_basis_required: bool | None = None
    label: str | None = Field(default=None, min_length=1, max_length=120)
