"""The catalog, public: anyone about to send a request needs the law ids and reason codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from docket.catalog import service
from docket.catalog.models import RequesterKind
from docket.catalog.schemas import JurisdictionRead, KindPlaceRead, KindPlaceUpdate, LawRead, ReasonRead
from docket.deps import Db
from docket.parties.auth import Permission, Principal, require

CatalogAdmin = Annotated[Principal, Depends(require(Permission.catalog_write))]

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


@router.get("/requester-kinds/places", response_model=list[KindPlaceRead])
def requester_kind_places(db: Db) -> list[KindPlaceRead]:
    """Each kind of submitter's place, as every report counts it: a government or not, and
    whether its requests must cite a legal basis. Who: anyone."""
    return [KindPlaceRead.model_validate(k) for k in service.list_kinds(session=db)]


@router.put("/requester-kinds/{code}", response_model=KindPlaceRead)
def set_requester_kind(code: Annotated[str, Path(min_length=1, max_length=32)], body: KindPlaceUpdate, db: Db,
                       who: CatalogAdmin) -> KindPlaceRead:
    """Change a kind's place: counted as a government in every report, a legal basis
    required; the reports, the exports and the completeness check follow at once (other
    processes within a minute). An audited change. Who: admin."""
    return KindPlaceRead.model_validate(service.set_kind(
        session=db, actor=who.actor, code=code, government=body.government,
        legal_basis_required=body.legal_basis_required, label=body.label))
