"""The published report's shape, as the API declares it (aggregates.report builds it)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PeriodRead(BaseModel):
    label: str
    from_: str = Field(alias="from", description="the first moment, ISO 8601 UTC")
    to: str = Field(description="the end, exclusive, ISO 8601 UTC")
    ending: str = Field(description="the last day (Google's Period Ending)")
    complete: bool


class LogRead(BaseModel):
    size: int = Field(description="the log's tree size the figures were computed over (events 1..size)")
    root: str = Field(description="the tree's root hash at that size, standard base64")
    signed: bool = Field(description="whether a checkpoint was signed at exactly that size")
    checkpoint: str | None = Field(description="that signed checkpoint (a C2SP signed note), or null")
    replay: str = Field(description="the command that gives the same figures again from the log")


class TransparencyReport(BaseModel):
    """Aggregates and equal-treatment figures for one period; no personal data. The rows of
    each table are documented in docs/api.md (Transparency)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    period: PeriodRead
    generated_at: str
    totals: dict[str, int | float | None]
    median_hours: dict[str, float | None]
    requests: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    outcome_totals: list[dict[str, Any]]
    requests_by_month: list[dict[str, Any]]
    decision_times: list[dict[str, Any]]
    user_reports: list[dict[str, Any]]
    google_summary: list[dict[str, Any]]
    equal_treatment: dict[str, Any]
    log: LogRead
