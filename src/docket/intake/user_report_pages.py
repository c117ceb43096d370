"""The public report form: anyone reports content, without an account.

The form goes through exactly the path of an anonymous ``POST /api/v1/reports``
(``user_report_api.take_report`` with no caller): the same schema, the same per-address limit, the
same ``user_reports.submit_report``. With a name, an e-mail, an explanation and the bona fide
statement the report is a DSA Art. 16 notice; the report service decides that."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from docket.catalog import service as catalog
from docket.deps import AppSettings, Db
from docket.errors import DocketError, NotFound, RateLimited
from docket.intake.models import Item, Report
from docket.intake.schemas import ReportIn
from docket.intake.user_report_api import take_report
from docket.web.auth import MaybeUser
from docket.web.forms import Form, field_errors
from docket.web.render import add_template_package, flash, page, redirect

router = APIRouter(include_in_schema=False)
add_template_package("docket.intake")

FIELDS = ("url", "reason", "jurisdiction", "explanation", "reporter_name", "reporter_email",
          "bona_fide")
# The API's field names, as the form names them (the form calls the content's address "url").
_API_TO_FORM = {"content_id": "url"}


def _choices(db: Db) -> dict[str, Any]:
    reasons = sorted(((r.code, r.label) for r in catalog.list_reasons(session=db)),
                     key=lambda r: r[1])
    countries = sorted(((j.code, j.name) for j in catalog.list_jurisdictions(session=db)),
                       key=lambda c: c[1])
    return {"reasons": reasons, "countries": countries}


def _form(request: Request, db: Db, values: dict[str, Any], errors: dict[str, str] | None = None,
          status: int = 200) -> HTMLResponse:
    return page(request, "public/report.html",
                {**_choices(db), "values": values, "errors": errors or {}},
                status=status, title="Report content")


def _receipt_sig(secret: str, report_id: int) -> str:
    """Signs the confirmation link so only the browser that sent the report sees it."""
    mac = hmac.new(secret.encode(), f"report-receipt:{report_id}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def _clean(form: dict[str, Any]) -> dict[str, Any]:
    """The submitted strings, trimmed to sane lengths (a list from a repeated name: its first)."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        value = form.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        out[name] = str(value).strip()[:6000]
    return out


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, db: Db, user: MaybeUser,
                url: Annotated[str | None, Query(max_length=2048)] = None) -> Response:
    """The public report form (``?url=`` fills in the content's address). Who: anyone."""
    return _form(request, db, {"url": url or ""})


@router.post("/report", response_class=HTMLResponse)
def send_report(request: Request, form: Form, db: Db, settings: AppSettings) -> Response:
    """Take a report through the public channel, as an anonymous API call would. Who: anyone
    (at most 5 reports a minute from one address)."""
    values = _clean(form)
    errors: dict[str, str] = {}
    if not values["url"]:
        errors["url"] = "enter the address (URL) of the content you report"
    if not values["reason"]:
        errors["reason"] = "choose what is wrong with the content"
    data = {
        "url": values["url"] or None, "reason": values["reason"] or "-",
        "jurisdiction": values["jurisdiction"] or None,
        "explanation": values["explanation"] or None,
        "reporter_name": values["reporter_name"] or None,
        "reporter_email": values["reporter_email"] or None,
        "bona_fide": bool(values["bona_fide"]),
    }
    try:
        report = ReportIn.model_validate(data)
    except ValidationError as exc:
        for field, message in field_errors(exc).items():
            errors.setdefault(_API_TO_FORM.get(field, field), message)
        report = None
        if "reporter_email" in errors:
            errors["reporter_email"] = "enter an e-mail address like name@example.org, or none"
    if errors or report is None:
        return _form(request, db, values, errors, status=422)
    try:
        accepted = take_report(request, db, settings, None, report)
    except RateLimited as limited:
        db.rollback()
        response = _form(request, db, values, {"form": "You have sent several reports in the last "
                                               f"minute; {limited.detail.split('; ')[-1]}. "
                                               "Your report is kept below."}, status=429)
        response.headers.update(limited.headers)
        return response
    except DocketError as refused:
        db.rollback()
        found = {_API_TO_FORM.get(e["field"], e["field"]): e["message"]
                 for e in refused.errors or []}
        return _form(request, db, values, found or {"form": refused.detail}, status=refused.status)
    if accepted.repeat:
        flash(request, f"You had reported this content already ({accepted.reference}); a case counts "
                       "each reporter once, so nothing new was stored.", "warning")
    sig = _receipt_sig(settings.secret_key, accepted.report_id)
    return redirect(request, f"/report/sent?ref={accepted.reference}&sig={sig}")


@router.get("/report/sent", response_class=HTMLResponse)
def report_sent(request: Request, db: Db, settings: AppSettings, user: MaybeUser,
                ref: Annotated[str, Query(max_length=30)] = "",
                sig: Annotated[str, Query(max_length=64)] = "") -> Response:
    """The confirmation of a report, with the reference to quote. Who: the browser that sent
    the report (the link is signed); anyone else gets a 404."""
    number = ref.removeprefix("R-")
    report = None
    if number.isdigit() and len(number) <= 12 and hmac.compare_digest(
            sig, _receipt_sig(settings.secret_key, int(number))):
        report = db.get(Report, int(number))
    if report is None:
        raise NotFound("there is no report confirmation at this address; the reference is in "
                       "the page you saw after sending your report")
    item = db.get(Item, report.item_id)
    reason = catalog.get_reason(session=db, code=report.reason)
    return page(request, "public/report_sent.html", {
        "reference": ref, "report": report, "url": item.url if item is not None else None,
        "content_id": item.content_id if item is not None else None,
        "reason_label": reason.label if reason is not None else report.reason,
        "country": catalog.country_name(report.jurisdiction) if report.jurisdiction else None,
    }, title=f"Report {ref} received")
