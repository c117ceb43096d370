"""Medians of durations for the aggregates, computed in the database.

A median per group runs as one query whose form is the store backend's (PostgreSQL's
``percentile_cont``; window functions on SQLite, which has no percentile function). A
median over a column that has an index walks the index instead
(:func:`docket.store.index_walks.index_median`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from docket import store


def medians(session: Session, base: Select[*tuple[Any, ...]], keys: Sequence[str] = ()) -> dict[tuple[Any, ...], float]:
    """The median of ``base``'s column ``d`` per group of ``keys`` (also columns of ``base``)."""
    rows = session.execute(store.backend_of(session).medians(base.subquery(), keys)).all()
    return {tuple(row[:-1]): float(row[-1]) for row in rows if row[-1] is not None}


def median(session: Session, base: Select[Any]) -> float | None:
    """The median of ``base``'s column ``d`` (None when it has no rows)."""
    return medians(session, base).get(())
