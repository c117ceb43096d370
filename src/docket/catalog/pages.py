"""Admin pages for the catalog: the laws with their statutory clocks, the requester kinds'
places in the reports, and trusted-flagger designations. Changes go through the same
functions as ``docket law add``, ``docket kind set``, ``docket flagger designate`` and
``POST /api/v1/designations`` (audited there)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.catalog import service
from docket.deps import Db
from docket.errors import DocketError
from docket.intake.models import Designation
from docket.intake.user_report_api import DesignationCreate, designate
from docket.parties.auth import Permission
from docket.parties.models import Submitter
from docket.store import utcnow
from docket.web import render
from docket.web.auth import signed_in
from docket.web.forms import Form, as_list, field_errors, filled, service_errors
from docket.web.sessions import SignedIn

router = APIRouter(include_in_schema=False)
render.add_template_package("docket.catalog")

CatalogAdmin = Annotated[SignedIn, Depends(signed_in(permission=Permission.catalog_write))]
# Designations: the permission POST /api/v1/designations asks for.
PartiesAdmin = Annotated[SignedIn, Depends(signed_in(permission=Permission.parties_write))]


# ---------------------------------------------------------------- helpers shared by admin pages
def country_options(session: Session) -> list[tuple[str, str]]:
    """Every country as (code, "Name (CODE)"), sorted by name, for a select."""
    rows = service.list_jurisdictions(session=session)
    return sorted(((j.code, f"{j.name} ({j.code})") for j in rows), key=lambda o: o[1].casefold())


# ---------------------------------------------------------------- laws
class LawForm(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    applies_in: str = Field(max_length=8)
    citation: str = Field(max_length=300)
    title: str = Field(max_length=300)
    clock_hours: int | None = None
    emergency_clock_hours: int | None = None
    clock_basis: str | None = Field(default=None, max_length=300)
    clock_restarts_on_clarification: bool = False
    local_rep_signoff: bool = False
    automated_copies: bool = False
    notes: str | None = Field(default=None, max_length=5000)
    official_url: str | None = Field(default=None, max_length=service.URL_MAX)
    excerpt: str | None = Field(default=None, max_length=service.EXCERPT_MAX)


LAW_FIELDS = tuple(LawForm.model_fields)
LAW_MESSAGES = {"id": "letters, digits, '.', '_' and '-', e.g. kz-mass-media-26",
                "clock_hours": "whole hours, e.g. 24", "emergency_clock_hours": "whole hours, e.g. 24",
                "excerpt": f"a sentence or two: at most {service.EXCERPT_MAX} characters"}


def _law_errors(exc: ValidationError) -> dict[str, str]:
    errors = field_errors(exc)
    for name, message in LAW_MESSAGES.items():
        if name in errors and errors[name] != "required":
            errors[name] = message
    return errors


def place_options(session: Session) -> list[tuple[str, str]]:
    """Where a law can apply: a region (EU, EEA) or any country, by name."""
    return [(r, f"{r} (every member state)") for r in sorted(service.regions())] + country_options(session)


def _laws_page(request: Request, db: Session, jurisdiction: str | None, *, values: dict[str, Any],
               errors: dict[str, str], status: int = 200) -> Response:
    code = (jurisdiction or "").upper() or None
    laws = service.list_laws(session=db, applies_in=code)
    places = place_options(db)
    # What "the jurisdiction's default" is, for each law that states no clock of its own.
    defaults = {j.code: j.default_clock_hours for j in service.list_jurisdictions(session=db)}
    return render.page(request, "admin/laws.html", {
        "laws": laws, "jurisdiction": code or "", "places": places, "place_names": dict(places),
        "default_hours": defaults, "regions": service.regions(), "no_clock": service.NO_CLOCK,
        "values": values, "errors": errors}, status=status, title="Laws")


@router.get("/admin/laws", response_class=HTMLResponse)
def laws(request: Request, db: Db, who: CatalogAdmin,
         jurisdiction: Annotated[str | None, Query(max_length=8)] = None) -> Response:
    """The law catalog, all or those in force in one jurisdiction, and the form to add a
    law. Who: admin (catalog:write)."""
    return _laws_page(request, db, jurisdiction,
                      values={"clock_restarts_on_clarification": "1"}, errors={})


@router.post("/admin/laws", response_class=HTMLResponse)
def add_law(request: Request, db: Db, who: CatalogAdmin, form: Form) -> Response:
    """Add a law with its clock and notice rules (``catalog.service.add_law``, audited).
    Who: admin (catalog:write)."""
    try:
        data = LawForm.model_validate(filled(form))
        law = service.add_law(session=db, actor=who.principal.actor, **data.model_dump())
    except ValidationError as exc:
        return _laws_page(request, db, None, values=form, errors=_law_errors(exc), status=422)
    except DocketError as exc:
        db.rollback()
        return _laws_page(request, db, None, values=form, status=exc.status,
                          errors=service_errors(exc, LAW_FIELDS, default="id"))
    render.flash(request, f"Law {law.id} added; requests can cite it from now on.")
    return render.redirect(request, f"/admin/laws?jurisdiction={law.applies_in}#law-{law.id}")


# ---------------------------------------------------------------- requester kinds
@router.get("/admin/kinds", response_class=HTMLResponse)
def kinds(request: Request, db: Db, who: CatalogAdmin) -> Response:
    """The requester kinds, whether each counts as government in the reports and must
    cite a law, with a form to change each. Who: admin (catalog:write)."""
    return render.page(request, "admin/kinds.html", {"kinds": service.list_kinds(session=db)},
                       title="Requester kinds")


@router.post("/admin/kinds/{code}", response_class=HTMLResponse)
def set_kind(request: Request, db: Db, who: CatalogAdmin, code: str, form: Form) -> Response:
    """Change one kind's place (``catalog.service.set_kind``, audited; as ``docket kind
    set`` and ``PUT /api/v1/catalog/requester-kinds/{code}``). Who: admin (catalog:write)."""
    row = service.set_kind(session=db, actor=who.principal.actor, code=code,
                           government=form.get("government") == "1",
                           legal_basis_required=form.get("legal_basis_required") == "1")
    render.flash(request, f"{row.label}: counted as {'government' if row.government else 'not government'}"
                          f"{', must cite a law' if row.legal_basis_required else ''}, from now on.")
    return render.redirect(request, f"/admin/kinds#kind-{row.code}")


# ---------------------------------------------------------------- trusted-flagger designations
def _day(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _designations_page(request: Request, db: Session, *, values: dict[str, Any], errors: dict[str, str],
                       status: int = 200) -> Response:
    rows = db.scalars(select(Designation).order_by(Designation.id)).all()
    flaggers = db.scalars(select(Submitter).where(Submitter.kind == "trusted_flagger")
                          .order_by(Submitter.name)).all()
    names = {s.id: s.name for s in db.scalars(select(Submitter).where(
        Submitter.id.in_({d.submitter_id for d in rows}))).all()}
    reasons = [(r.code, r.label) for r in service.list_reasons(session=db)]
    return render.page(request, "admin/designations.html", {
        "designations": rows, "submitter_names": names, "now": utcnow(),
        "flaggers": [(str(s.id), f"{s.name} ({s.country})") for s in flaggers],
        "reasons": reasons, "reason_labels": dict(reasons), "countries": country_options(db),
        "country_name": service.country_name, "values": values, "errors": errors},
        status=status, title="Trusted flaggers")


@router.get("/admin/designations", response_class=HTMLResponse)
def designations(request: Request, db: Db, who: PartiesAdmin) -> Response:
    """Trusted-flagger designations and the form to add one. Who: admin (parties:write)."""
    return _designations_page(request, db, values={}, errors={})


@router.post("/admin/designations", response_class=HTMLResponse)
def add_designation(request: Request, db: Db, who: PartiesAdmin, form: Form) -> Response:
    """Designate a trusted flagger for reasons and jurisdictions, from a day to a day
    (the designations API's ``designate``, audited). Who: admin (parties:write)."""
    values = {**form, "reasons": as_list(form.get("reasons")),
              "jurisdictions": as_list(form.get("jurisdictions"))}
    fields = ("submitter_id", "designating_body", "reasons", "jurisdictions", "valid_from", "valid_to")
    errors: dict[str, str] = {}
    days: dict[str, dt.datetime | None] = {}
    for name in ("valid_from", "valid_to"):
        raw = str(form.get(name) or "").strip()
        try:
            days[name] = _day(raw) if raw else None
        except ValueError:
            errors[name] = "a date as YYYY-MM-DD"
    if errors:
        return _designations_page(request, db, values=values, errors=errors, status=422)
    try:
        data = DesignationCreate.model_validate({**filled(values), **{k: v for k, v in days.items() if v}})
        made = designate(session=db, actor=who.principal.actor, data=data)
    except ValidationError as exc:
        errors = {k.split(".", 1)[0]: v for k, v in reversed(field_errors(exc).items())}
        return _designations_page(request, db, values=values, errors=errors, status=422)
    except DocketError as exc:
        db.rollback()
        return _designations_page(request, db, values=values, status=exc.status,
                                  errors=service_errors(exc, fields))
    render.flash(request, f"Designation {made.id} recorded: its reports get priority in "
                          f"{', '.join(made.jurisdictions)} for {len(made.reasons)} reasons.")
    return render.redirect(request, "/admin/designations")
