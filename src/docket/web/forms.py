"""Reading forms: the CSRF check, and errors shown next to their fields.

A page route takes ``form: Form`` (a plain dict of the submitted strings, lists kept
for repeated names, after the CSRF check) and, on invalid input, re-renders its page
with ``errors={field: message}`` and ``values=form`` so what was typed is kept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ValidationError

from docket.errors import DocketError, Forbidden, Unprocessable
from docket.web.auth import MaybeUser
from docket.web.render import check_csrf

MAX_FIELDS = 2000


class CsrfFailed(Forbidden):
    slug = "csrf"


async def form_data(request: Request, _user: MaybeUser) -> dict[str, Any]:
    # The person signed in, if any, is read first: the CSRF token is an HMAC of their
    # session's secret (render.check_csrf).
    form = await request.form(max_files=20, max_fields=MAX_FIELDS)
    if not check_csrf(request, str(form.get("csrf_token") or "")):
        raise CsrfFailed("the form has expired or did not come from this site; "
                         "go back, reload the page and send it again")
    data: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        values = form.getlist(key)
        # errors.BodyLimit refuses NUL characters in bodies, but lets a multipart body (a
        # form with files) through unread: its text fields are checked here.
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise Unprocessable("the form contains a NUL character",
                                errors=[{"field": key, "message": "NUL characters are not allowed"}])
        data[key] = values if len(values) > 1 else values[0]
    return data


Form = Annotated[dict[str, Any], Depends(form_data)]


def field_errors(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    """Pydantic's errors as {field: message} for the template."""
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"] if p != "body")
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "missing":
            message = "required"
        out.setdefault(prefix + loc if loc else "form", message)
    return out


# ---------------------------------------------------------------- helpers shared by admin pages
def as_list(value: Any) -> list[str]:
    """A form field that may repeat (checkboxes, multiple select) as a list of strings."""
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def filled(form: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The form's fields named ``prefix``… without the prefix and without empty fields (so
    that a missing value reads 'required'). A page with several forms prefixes the names
    of all but one, so that no two fields share an id."""
    return {k.removeprefix(prefix): v for k, v in form.items()
            if k.startswith(prefix) and v not in ("", [])}


def service_errors(exc: DocketError, fields: Iterable[str], default: str = "form",
                   prefix: str = "") -> dict[str, str]:
    """A service's error as {field: message} next to this form's own fields (named
    ``prefix`` + the service's name); what names no field of this form goes to ``default``
    (a field of the form, or "form": the form as a whole)."""
    known = set(fields)
    out: dict[str, str] = {}
    for error in exc.errors or []:
        name = str(error.get("field", "")).split("[", 1)[0].split(".", 1)[0]
        key = prefix + name if name in known else default
        out.setdefault(key, str(error.get("message") or exc.detail))
    if not out:
        out[default] = exc.detail
    else:
        out.setdefault("form", exc.detail)  # the summary above the form says what went wrong
    return out
