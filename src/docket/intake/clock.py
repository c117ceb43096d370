"""Statutory clocks: how long the platform has to act on a request.

The rule, the same for every submitter: the shortest clock among the cited laws
that set one; else the jurisdiction's default; else DOCKET_DEFAULT_CLOCK_HOURS.
An emergency gets the shortest clock known for the jurisdiction (its laws and
its own emergency clock), or DOCKET_EMERGENCY_CLOCK_HOURS when it has none.
An answered clarification restarts the clock unless the cited law whose clock
applies says it keeps running (when no cited law sets the clock: unless any
cited law says so); asking for a clarification never pauses the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from docket.catalog.service import JurisdictionInfo, LawInfo


@dataclass(frozen=True)
class ClockRule:
    hours: int
    source: str  # "law" | "jurisdiction" | "default"
    law: str | None
    emergency: bool
    restarts_on_clarification: bool

    def as_dict(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies, and intake calls this for every request.
        return {"hours": self.hours, "source": self.source, "law": self.law,
                "emergency": self.emergency, "restarts_on_clarification": self.restarts_on_clarification}

    def deadline(self, started_at: dt.datetime) -> dt.datetime:
        """When the platform must have acted, for a clock started at ``started_at``."""
        return started_at + dt.timedelta(hours=self.hours)

    def start_after_clarification(self, *, started_at: dt.datetime, answered_at: dt.datetime) -> dt.datetime:
        """When the clock runs from once a clarification is answered at ``answered_at``: that
        moment if the rule restarts the clock, else the start it had (asking never pauses it)."""
        return answered_at if self.restarts_on_clarification else started_at


def resolve(
    *, jurisdiction: JurisdictionInfo, cited: list[LawInfo], laws_in_force: list[LawInfo], emergency: bool,
    default_hours: int, emergency_default_hours: int,
) -> ClockRule:
    """The clock for a request (see the module docstring)."""
    if emergency:
        candidates: list[tuple[int, str, str | None]] = []
        for hours in (jurisdiction.emergency_clock_hours, jurisdiction.default_clock_hours):
            if hours:
                candidates.append((hours, "jurisdiction", None))
        for law in laws_in_force:
            for hours in (law.emergency_clock_hours, law.clock_hours):
                if hours:
                    candidates.append((hours, "law", law.id))
        if not candidates:
            return ClockRule(emergency_default_hours, "default", None, True, _restarts(cited))
        hours, source, law_id = min(candidates, key=lambda c: (c[0], c[2] or ""))
        return ClockRule(hours, source, law_id, True, _restarts(cited))
    timed = sorted((law for law in cited if law.clock_hours), key=lambda x: (x.clock_hours, x.id))
    if timed:
        law = timed[0]
        return ClockRule(int(law.clock_hours or 0), "law", law.id, False, law.clock_restarts_on_clarification)
    if jurisdiction.default_clock_hours:
        return ClockRule(jurisdiction.default_clock_hours, "jurisdiction", None, False, _restarts(cited))
    return ClockRule(default_hours, "default", None, False, _restarts(cited))


def _restarts(cited: list[LawInfo]) -> bool:
    """A clarification restarts the clock unless a cited law says it does not."""
    return all(law.clock_restarts_on_clarification for law in cited)
