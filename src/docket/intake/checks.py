"""The checks every request gets, the same for everybody: its catalog references, its
items resolved to the platform's content, what it lacks (completeness), a trusted
flagger's designation and the statutory clock. Reads only; :mod:`docket.intake.submission`
and :mod:`docket.intake.clarification` call them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.catalog import service as catalog
from docket.catalog.models import RequesterKind
from docket.catalog.service import JurisdictionInfo, LawInfo
from docket.content import service as content_registry
from docket.errors import Unprocessable
from docket.intake import clock, completeness
from docket.intake.models import Designation, Item
from docket.intake.schemas import ItemIn, LegalBasis, normalized_url
from docket.parties.auth import ConfirmedSubmitter
from docket.parties.models import Submitter
from docket.settings import Settings

SubmitterLike = Submitter | ConfirmedSubmitter  # what the checks read: id, kind, email


@dataclass
class ResolvedItem:
    """One item of a request: as named, normalized, and whether the registry knows it;
    ``given``, what the requester wrote when intake read it otherwise (refanged, or a
    placeholder: then the item is ``unlisted``)."""

    position: int
    url: str | None
    normalized_url: str | None
    content_id: str | None
    found: bool
    given: str | None = None
    unlisted: bool = False


def catalog_checks(
    session: Session, *, jurisdiction: str, reason: str | None, scope: list[str],
    legal_basis: list[LegalBasis],
) -> tuple[JurisdictionInfo, list[LawInfo]]:
    """Check every catalog reference; all problems at once, as a 422."""
    errors: list[dict[str, str]] = []
    place = catalog.jurisdiction_info(session=session, code=jurisdiction)
    if place is None:
        errors.append({"field": "jurisdiction", "message": f"unknown country {jurisdiction!r}"})
    if reason is not None and not catalog.reason_exists(session=session, code=reason):
        errors.append({"field": "reason", "message": f"unknown reason {reason!r}; see /api/v1/catalog/reasons"})
    for i, code in enumerate(scope):
        if catalog.jurisdiction_info(session=session, code=code) is None:
            errors.append({"field": f"requested_scope[{i}]", "message": f"unknown country {code!r}"})
    cited: list[LawInfo] = []
    for i, basis in enumerate(legal_basis):
        if not basis.law:
            continue
        law = catalog.law_info(session=session, law_id=basis.law)
        if law is None:
            errors.append({"field": f"legal_basis[{i}].law",
                           "message": f"unknown law {basis.law!r}; see /api/v1/catalog/laws"})
        elif place is not None and not catalog.law_applies(law, place.code):
            errors.append({"field": f"legal_basis[{i}].law",
                           "message": f"{basis.law} is not law in {place.code}"})
        else:
            cited.append(law)
    if errors:
        raise Unprocessable("some references are not in the catalog", errors=errors)
    assert place is not None
    return place, cited


def stage(items: Sequence[ItemIn]) -> list[ResolvedItem]:
    """A request's items with their URLs normalized, not yet looked up."""
    return [ResolvedItem(index, given.url, normalized_url(given.url) if given.url else None,
                         given.content_id, False, given.given, given.unlisted) for index, given in enumerate(items)]


def notes(items: Sequence[ResolvedItem]) -> list[dict[str, Any]]:
    """What intake read otherwise than it was written, for the request's record: each
    address it refanged, each it found withheld (an unlisted item)."""
    out: list[dict[str, Any]] = []
    for item in items:
        if item.unlisted:
            out.append({"note": "unlisted", "position": item.position, "given": item.given})
        elif item.given is not None and item.url is not None:
            out.append({"note": "refanged", "position": item.position, "given": item.given, "read_as": item.url})
    return out


def lookup(session: Session, staged: Sequence[ResolvedItem]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The registry's content for staged items, by id and by normalized URL (two queries)."""
    by_id = content_registry.urls_by_ids(
        session=session, ids=sorted({i.content_id for i in staged if i.content_id})
    )
    by_url = content_registry.ids_by_urls(
        session=session,
        normalized=sorted({i.normalized_url for i in staged if i.normalized_url and not i.content_id}),
    )
    return by_id, by_url


def resolve_items(session: Session, items: Sequence[ItemIn],
                  found: tuple[dict[str, Any], dict[str, Any]] | None = None,
                  staged: list[ResolvedItem] | None = None) -> list[ResolvedItem]:
    """Normalize (unless ``staged`` already), collapse duplicates, and look the content up
    in the registry (unless ``found`` already)."""
    staged = staged if staged is not None else stage(items)
    by_id, by_url = found if found is not None else lookup(session, staged)
    out: list[ResolvedItem] = []
    seen: set[str] = set()
    for item in staged:
        if item.content_id:
            item.found = item.content_id in by_id
            if item.found and not item.url:
                item.url = by_id[item.content_id]
        elif item.normalized_url in by_url:
            item.content_id = by_url[item.normalized_url]
            item.found = True
        key = (f"id:{item.content_id}" if item.content_id else f"unlisted:{item.position}" if item.unlisted
               else f"url:{item.normalized_url}")
        if key in seen:
            continue  # the same content named twice in one request is one item
        seen.add(key)  # positions stay those of the submitted list, as in items[3].url
        out.append(item)
    return out


def missing(
    session: Session, settings: Settings, submitter: SubmitterLike, *, legal_basis: list[Any],
    explanation: str | None, reason: str, bona_fide: bool, confidential: bool,
    confidentiality_basis: str | None, emergency: bool, emergency_explanation: str | None,
    items: Sequence[ResolvedItem | Item],
) -> list[str]:
    """What a request lacks (see :mod:`docket.intake.completeness`); whether its submitter
    must cite a legal basis is the catalog's word on its kind."""
    return completeness.missing_elements(
        authority=catalog.kind_places(session=session).needs_legal_basis(submitter.kind),
        has_contact=bool(submitter.email),
        legal_basis=legal_basis, explanation=explanation, reason=reason, bona_fide=bona_fide,
        confidential=confidential, confidentiality_basis=confidentiality_basis,
        emergency=emergency, emergency_explanation=emergency_explanation,
        items=[completeness.ItemCheck(i.position, i.normalized_url, i.content_id) for i in items],
        hosts=settings.hosts,
    )


def designated(session: Session, submitter: SubmitterLike, reason: str, jurisdiction: str,
               now: dt.datetime) -> bool:
    """Whether a trusted flagger acts within a designation in force (DSA Art. 22); outside
    its area it is an ordinary notifier."""
    if submitter.kind != RequesterKind.trusted_flagger:
        return False
    for designation in session.execute(
        select(Designation).where(Designation.submitter_id == submitter.id, Designation.valid_from <= now)
    ).scalars():
        current = designation.valid_to is None or designation.valid_to > now
        if current and reason in designation.reasons and jurisdiction in designation.jurisdictions:
            return True
    return False


def clock_rule(
    session: Session, settings: Settings, place: JurisdictionInfo, cited: list[LawInfo], emergency: bool
) -> clock.ClockRule:
    """The statutory clock of a request: its cited laws', else the jurisdiction's."""
    in_force = [info for law in catalog.list_laws(session=session, applies_in=place.code)
                if (info := catalog.law_info(session=session, law_id=law.id)) is not None] if emergency else []
    return clock.resolve(
        jurisdiction=place, cited=cited, laws_in_force=in_force, emergency=emergency,
        default_hours=settings.default_clock_hours,
        emergency_default_hours=settings.emergency_clock_hours,
    )
