"""The catalog, public: anyone about to send a request needs the law ids and reason codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from docket.catalog import service
from docket.catalog.models import RequesterKind
from docket.catalog.schemas import JurisdictionRead, LawRead, ReasonRead
from docket.deps import Db

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])


@router.get("/jurisdictions", response_model=list[JurisdictionRead])
def jurisdictions(db: Db) -> list[JurisdictionRead]:
    """Every ISO 3166-1 country with its default clock. Who: anyone."""
    return [JurisdictionRead.model_validate(j) for j in service.list_jurisdictions(session=db)]


@router.get("/laws", response_model=list[LawRead])
def laws(
    db: Db,
    jurisdiction: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
) -> list[LawRead]:
    """Laws with their statutory clocks (or that they state none), official links and excerpts,
    optionally those in force in one jurisdiction. Who: anyone."""
    return [LawRead.model_validate(service.law_dict(x))
            for x in service.list_laws(session=db, applies_in=jurisdiction)]


@router.get("/reasons", response_model=list[ReasonRead])
def reasons(db: Db) -> list[ReasonRead]:
    """The reason taxonomy, most severe first. Who: anyone."""
    return [ReasonRead.model_validate(r) for r in service.list_reasons(session=db)]


@router.get("/requester-kinds", response_model=list[str])
def requester_kinds() -> list[str]:
    """The kinds of submitter. Who: anyone."""
    return [k.value for k in RequesterKind]
