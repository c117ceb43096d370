from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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
