"""Kept for the branches that still import ``intake.service.refresh_status`` (review and
appeals call it; they are refactored apart). Intake lives in :mod:`docket.intake.submission`
(the one way in), :mod:`~docket.intake.checks`, :mod:`~docket.intake.clarification`,
:mod:`~docket.intake.reading` and :mod:`~docket.intake.status`; import from those."""

from docket.intake.status import refresh_status

__all__ = ["refresh_status"]
