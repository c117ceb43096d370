"""The units every report figure is given in, shared by the period report and its exports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_

from docket.transparency.periods import Period


def within(column: Any, period: Period) -> Any:
    """``column`` falls in ``period`` (start inclusive, end exclusive)."""
    return and_(column >= period.start, column < period.end)


def hours(seconds: float | None) -> float | None:
    """Seconds as hours to two places; None stays None."""
    return None if seconds is None else round(seconds / 3600, 2)


def share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole`` to one place; None if there is no whole."""
    return None if not whole else round(100 * part / whole, 1)
