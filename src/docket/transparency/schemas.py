"""The published report's shape, as the API declares it (aggregates.report builds it)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PeriodRead(BaseModel):
    """The period a report covers."""

    label: str = Field(description="the period as asked for", examples=["2026-H1"])
    from_: str = Field(alias="from", description="the first moment, ISO 8601 UTC",
                       examples=["2026-01-01T00:00:00+00:00"])
    to: str = Field(description="the end, exclusive, ISO 8601 UTC", examples=["2026-07-01T00:00:00+00:00"])
    ending: str = Field(description="the last day (Google's Period Ending)", examples=["2026-06-30"])
    complete: bool = Field(description="whether the period is over (only complete ones are published)",
                           examples=[True])


class LogRead(BaseModel):
    """Where in the verifiable log the figures were computed."""

    size: int = Field(description="the log's tree size the figures were computed over (events 1..size)",
                      examples=[397])
    root: str = Field(description="the tree's root hash at that size, standard base64",
                      examples=["5Fn1M9uYlwR8qSIHCzd0UUba+CgoSRNOQRwKqNZ8xvY="])
    signed: bool = Field(description="whether a checkpoint was signed at exactly that size", examples=[True])
    checkpoint: str | None = Field(description="that signed checkpoint (a C2SP signed note), or null",
                                   examples=[None])
    replay: str = Field(description="the command that gives the same figures again from the log",
                        examples=["docket report --period 2026-H1 --at 397 --json"])


class TransparencyReport(BaseModel):
    """Aggregates and equal-treatment figures for one period; no personal data. The rows of
    each table are documented in docs/api.md (Transparency)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    period: PeriodRead = Field(description="the period covered")
    generated_at: str = Field(description="when the report was computed",
                              examples=["2026-12-03T17:05:20.703296+00:00"])
    totals: dict[str, int | float | None] = Field(
        description="the period's totals",
        examples=[{"requests": 36, "items": 36, "requests_complied": 21, "complied_share": 58.3}])
    median_hours: dict[str, float | None] = Field(description="median hours to acknowledge, decide "
                                                  "and give effect",
                                                  examples=[{"acknowledge": 0.19, "decide": 17.02,
                                                             "give_effect": 19.13}])
    requests: list[dict[str, Any]] = Field(
        description="requests by country, requester kind and reason",
        examples=[[{"jurisdiction": "DE", "requester_kind": "court", "reason": "defamation",
                    "requests": 4, "items": 4, "requests_complied": 4, "complied_share": 100.0}]])
    outcomes: list[dict[str, Any]] = Field(description="items by outcome, per country, kind and reason",
                                           examples=[[{"jurisdiction": "DE", "requester_kind": "court",
                                                       "reason": "defamation", "outcome": "restricted",
                                                       "items": 4, "requests": 4}]])
    outcome_totals: list[dict[str, Any]] = Field(description="items by outcome over all countries",
                                                 examples=[[{"outcome": "no_action", "items": 3, "share": 8.3}]])
    requests_by_month: list[dict[str, Any]] = Field(description="requests per month and country",
                                                    examples=[[{"month": "2026-01", "jurisdiction": "DE",
                                                                "requests": 2}]])
    decision_times: list[dict[str, Any]] = Field(description="items by how long their decision took",
                                                 examples=[[{"bucket": "< 1 h", "items": 0}]])
    user_reports: list[dict[str, Any]] = Field(description="user reports by reason and outcome",
                                               examples=[[{"reason": "bullying_harassment", "reports": 4}]])
    google_summary: list[dict[str, Any]] = Field(
        description="the rows of Google's summary file: per country, all requests and by kind",
        examples=[[{"country": "Germany", "code": "DE",
                    "all": {"requests": 7, "complied_share": 100.0, "items": 7}}]])
    equal_treatment: dict[str, Any] = Field(description="how the queue orders every item, the same for "
                                            "every requester, and the figures that show it",
                                            examples=[{"queue_rule": "Open items: emergencies first; …"}])
    log: LogRead = Field(description="where in the log the figures come from")
