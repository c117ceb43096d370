"""The portal's forms: posted fields to the API's request bodies, the API's field errors
back to the form's fields, and the words the portal uses for states and outcomes.

Nothing here decides anything: the bodies go to the same schemas and services as the API."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from docket.bounds import FIRST_DAY, LAST_DAY, RANGE

# Laws that apply in a region rather than in one country.
REGION_NAMES = {"EU": "European Union (every member state)",
                "EEA": "European Economic Area (every member state)"}

STATUS_WORDS = {
    "open": "open — in review",
    "needs_clarification": "needs clarification from you",
    "partially_decided": "partly decided",
    "decided": "decided",
}

STATE_WORDS = {
    "received": "received, waiting for review",
    "content_not_found": "content not found on the platform",
    "policy_review": "in review (platform rules)",
    "legal_review": "in legal review",
    "rights_review": "in human-rights review",
    "clarification_requested": "waiting for your clarification",
    "awaiting_approval": "decided, waiting for a second reviewer's approval",
    "decided": "decided",
}

OUTCOME_WORDS = {
    "restricted": "Restricted",
    "removed_policy": "Removed everywhere under the platform's rules",
    "rejected_invalid": "Not acted on: the request is not legally valid",
    "no_action": "No action taken",
    "already_removed": "Already removed",
    "content_not_found": "Not acted on: the content was not found",
    "rejected_overbroad": "Not acted on: the request is broader than the law allows",
}

APPELLANT_WORDS = {
    "author": "by the content's author",
    "requester": "by your organisation",
    "reporter": "by the person who reported it",
}

MISSING_WORDS = {
    "legal_basis": "The legal basis: a law from the catalog (with its provision) or a citation.",
    "explanation": "An explanation of why the content is illegal.",
    "notifier_email": "An e-mail address for your organisation: ask the platform to add it to "
                      "your organisation's record (it cannot be given here).",
    "bona_fide": "Your statement that you believe in good faith that the notice is accurate "
                 "and complete.",
    "confidentiality_basis": "The legal basis for keeping this request confidential.",
    "emergency_explanation": "Why this request is an emergency.",
}
_ITEM_FIELD = re.compile(r"^items\[(\d+)\]\.(\w+)$")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


# ---------------------------------------------------------------- words and times
Translate = Callable[..., str]


def _english(message: str, **values: Any) -> str:
    return message % values if values else message


def when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def time_left(deadline: dt.datetime, now: dt.datetime, _: Translate = _english) -> tuple[str, bool]:
    """("5 h 20 min left", False) or ("overdue by 2 h", True)."""
    seconds = int((deadline - now).total_seconds())
    span = abs(seconds) // 60
    days, hours, minutes = span // 1440, span % 1440 // 60, span % 60
    if days:
        words = _("%(days)s d %(hours)s h", days=days, hours=hours)
    elif hours:
        words = _("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
    else:
        words = _("%(minutes)s min", minutes=minutes)
    return (_("overdue by %(time)s", time=words), True) if seconds < 0 else (_("%(time)s left", time=words), False)


def scope_words(scope: list[str] | None, names: dict[str, str], _: Translate = _english) -> str:
    if not scope:
        return _("nowhere")
    if "*" in scope:
        return _("everywhere")
    return ", ".join(names.get(code, code) for code in scope)


def missing_words(field: str, _: Translate = _english) -> str:
    """What a missing element (the API's field notation) asks of an official."""
    match = _ITEM_FIELD.match(field)
    if match:
        number = int(match.group(1)) + 1
        if match.group(2) == "clarification":
            return _("Item %(number)s: the reviewer asks for clarification; answer in your message.", number=number)
        return _("Item %(number)s: the address does not point at exactly one piece of content; "
                 "give its exact URL or the platform's content id.", number=number)
    return _(MISSING_WORDS[field]) if field in MISSING_WORDS else field


def fixable_items(missing: list[str]) -> list[int]:
    """Positions of items whose identification must be corrected."""
    return [int(m.group(1)) for f in missing if (m := _ITEM_FIELD.match(f)) and m.group(2) == "url"]


def clarification_fields(missing: list[str]) -> set[str]:
    """The fields the clarification form shows for what is missing (and always a message)."""
    shown = {"message"} | {f"item_{p}" for p in fixable_items(missing)}
    if "legal_basis" in missing:
        shown |= {"law", "provision", "citation"}
    shown |= {f for f in ("explanation", "confidentiality_basis", "emergency_explanation",
                          "bona_fide") if f in missing}
    return shown


def asks(missing: list[str]) -> bool:
    """Whether a reviewer asked a question (answered by the message)."""
    return any(f.endswith(".clarification") for f in missing)


def query(values: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in values.items() if v})


def day(value: str, field: str, *,
        next_day: bool = False) -> tuple[dt.datetime | None, dict[str, str]]:
    """A date filter (YYYY-MM-DD) as the start of that day in UTC, or of the next day."""
    if not value:
        return None, {}
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return None, {field: "a date as YYYY-MM-DD"}
    if not FIRST_DAY <= date <= LAST_DAY:  # the day after must be a date too
        return None, {field: f"a date {RANGE}"}
    start = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    return start + dt.timedelta(days=1 if next_day else 0), {}


# ---------------------------------------------------------------- posted fields
def one(form: dict[str, Any], name: str, limit: int = 20_000) -> str:
    value = form.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()[:limit]


def _many(form: dict[str, Any], name: str) -> list[str]:
    value = form.get(name)
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if v and str(v).strip()]


def kept(form: dict[str, Any]) -> dict[str, Any]:
    """The posted values, to show the form again as it was sent."""
    return {k: v for k, v in form.items() if isinstance(v, (str, list))}


def _legal_basis(form: dict[str, Any]) -> list[dict[str, str]]:
    basis = {k: one(form, k) for k in ("law", "provision", "citation")}
    return [{k: v for k, v in basis.items() if v}] if any(basis.values()) else []


def _officer(form: dict[str, Any]) -> dict[str, str] | None:
    officer = {"name": one(form, "officer_name"), "title": one(form, "officer_title")}
    if not any(officer.values()):
        return None
    return {k: v for k, v in officer.items() if v or k == "name"}


# The "Order details" fields of the new-request form: form field → the ``order`` object's.
ORDER_FIELDS = {"order_number": "number", "order_date": "date", "order_court": "court",
                "order_case_number": "case_number", "order_register_entry": "register_entry",
                "order_deadline": "deadline", "order_repeats": "repeats"}
AUTHORITY_FIELDS = {"authority_name": "name", "authority_kind": "kind", "authority_country": "country"}
AUTHORITY_KINDS = [("court", "Court"), ("ministry", "Ministry or government agency"), ("regulator", "Regulator"),
                   ("police", "Police"), ("prosecutor", "Prosecutor"), ("other", "Other authority")]


def _order(form: dict[str, Any]) -> dict[str, Any] | None:
    """The ``order`` object of the "Order details" fieldset; None when it was left empty."""
    order: dict[str, Any] = {key: value for field, key in ORDER_FIELDS.items() if (value := one(form, field))}
    authority = {key: value for field, key in AUTHORITY_FIELDS.items() if (value := one(form, field))}
    if authority:
        order["issuing_authority"] = authority
    return order or None


def _item(line: str) -> dict[str, str]:
    """A pasted line: ``id:<content id>``, or a URL."""
    if line[:3].lower() == "id:":
        return {"content_id": line[3:].strip()}
    return {"url": line}


def request_body(form: dict[str, Any]) -> tuple[dict[str, Any], dict[int, int]]:
    """The ``POST /api/v1/requests`` body of the portal's form, and each item's line number."""
    items: list[dict[str, Any]] = []
    lines: dict[int, int] = {}
    for number, line in enumerate(one(form, "items", 2_000_000).splitlines(), start=1):
        if line.strip():
            lines[len(items)] = number
            items.append(_item(line.strip()))
    body: dict[str, Any] = {
        "jurisdiction": one(form, "jurisdiction"), "reason": one(form, "reason"),
        "legal_basis": _legal_basis(form), "reference": one(form, "reference") or None,
        "explanation": one(form, "explanation") or None,
        "requested_action": one(form, "requested_action") or "restrict",
        "requested_scope": _many(form, "requested_scope"), "issuing_officer": _officer(form),
        "language": one(form, "language").lower() or None,
        "confidential": bool(form.get("confidential")),
        "confidentiality_basis": one(form, "confidentiality_basis") or None,
        "emergency": bool(form.get("emergency")),
        "emergency_explanation": one(form, "emergency_explanation") or None,
        "bona_fide": bool(form.get("bona_fide")), "order": _order(form), "items": items,
    }
    return {k: v for k, v in body.items() if v is not None}, lines


def clarification_body(form: dict[str, Any]) -> tuple[dict[str, Any], dict[int, int]]:
    """The ``POST …/clarifications`` body: only what was filled in counts as supplied; and
    the position of each item fix."""
    body: dict[str, Any] = {}
    for name in ("message", "explanation", "confidentiality_basis", "emergency_explanation"):
        if value := one(form, name):
            body[name] = value
    if basis := _legal_basis(form):
        body["legal_basis"] = basis
    if officer := _officer(form):
        body["issuing_officer"] = officer
    if form.get("bona_fide"):
        body["bona_fide"] = True
    fixes: list[dict[str, Any]] = []
    positions: dict[int, int] = {}
    for name in sorted(form):
        if name.startswith("item_") and name[5:].isdigit() and (line := one(form, name)):
            positions[len(fixes)] = int(name[5:])
            fixes.append({"position": int(name[5:]), **_item(line)})
    if fixes:
        body["items"] = fixes
    return body, positions


# ---------------------------------------------------------------- errors next to fields
def path(field: str) -> list[str | int]:
    """The API's field notation as a path: ``legal_basis[0].law`` → ["legal_basis", 0, "law"]."""
    return [int(index) if index else name for name, index in _PATH_PART.findall(field)]


_FRIENDLY = {
    ("jurisdiction", "string_pattern_mismatch"): "choose a country from the list",
    ("reason", "string_too_short"): "choose a reason from the list",
    ("language", "string_pattern_mismatch"): "a two-letter language code, such as ru, kk or en",
    ("requested_action", "literal_error"): "choose restrict or remove",
    ("items", "too_short"): "paste at least one URL (or id:<content id>), one a line",
    ("items", "too_long"): "at most 1000 items in one request; send the others in another request",
    ("requested_scope", "too_long"): "at most 250 countries",
}


def problem(exc: Any) -> list[tuple[list[Any], str, str]]:
    """An Unprocessable's field errors as (path, kind, message); its detail when it has none."""
    if not exc.errors:
        return [([], "", exc.detail)]
    return [(path(e["field"]), "", e["message"]) for e in exc.errors]


def _field_of(where: list[Any]) -> str:
    head = str(where[0]) if where else "form"
    if head == "legal_basis":
        sub = next((str(p) for p in where[1:] if isinstance(p, str)), "law")
        return sub if sub in ("law", "provision", "citation") else "law"
    if head == "issuing_officer":
        return "officer_title" if where[-1] == "title" else "officer_name"
    if head == "order":
        names = [p for p in where[1:] if isinstance(p, str)]
        if names[:1] == ["issuing_authority"]:
            return next((f for f, key in AUTHORITY_FIELDS.items() if names[1:] == [key]), "authority_name")
        return next((f for f, key in ORDER_FIELDS.items() if names == [key]), "order_number")
    if head == "body":
        return "form"
    return head


def _errors(errors: list[tuple[list[Any], str, str]], item_field: Any) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for where, kind, message in errors:
        field = _field_of(where)
        message = _FRIENDLY.get((field, kind)) or message.removeprefix("Value error, ")
        if kind == "missing":
            message = "required"
        if field == "items" and len(where) > 1 and isinstance(where[1], int):
            field, message = item_field(where[1], message)
        out.setdefault(field, [])
        if message not in out[field] and len(out[field]) < 5:
            out[field].append(message)
    if out.get("form") == ["give at least one missing element"]:
        out["form"] = ["fill in at least one missing element, or write a message"]
    return {field: "; ".join(messages) for field, messages in out.items()}


def request_errors(errors: list[tuple[list[Any], str, str]],
                   lines: dict[int, int]) -> dict[str, str]:
    """Field errors of the new-request form; an item's error names its line."""
    return _errors(errors, lambda i, m: ("items", f"line {lines.get(i, i + 1)}: {m}"))


def clarification_errors(errors: list[tuple[list[Any], str, str]], positions: dict[int, int],
                         shown: set[str]) -> dict[str, str]:
    """Field errors of the clarification form; an item fix's error goes next to its field,
    and an error about a field the form does not show goes to the top of the form."""
    out = _errors(errors, lambda i, m: (f"item_{positions.get(i, i)}", m))
    hidden = [f"{field}: {message}" for field, message in out.items()
              if field not in shown and field != "form"]
    out = {field: message for field, message in out.items() if field in shown or field == "form"}
    if hidden:
        out["form"] = "; ".join([*([out["form"]] if "form" in out else []), *hidden])
    return out
