"""What the reviewer console's pages share: who may call them, the words for states,
outcomes and findings, and the helpers that read forms and show a service's refusal."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends
from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from docket import access
from docket.catalog import service as catalog
from docket.content import service as content_registry
from docket.enforcement.models import Restriction, SubjectKind
from docket.errors import DocketError, NotFound
from docket.intake.models import Item, Report
from docket.items.states import FINDINGS, Outcome, Step
from docket.parties.auth import Permission, Principal
from docket.parties.models import Submitter, User
from docket.review import service
from docket.review.models import Decision
from docket.web.auth import signed_in
from docket.web.forms import field_errors
from docket.web.i18n import Translate, gettext_for
from docket.web.sessions import SignedIn

# The API's permission per route (review/api.py, appeals/api.py) is the page's.
QueueReader = Annotated[SignedIn, Depends(signed_in(permission=Permission.queue_read))]
StaffReader = Annotated[SignedIn, Depends(signed_in(permission=Permission.requests_read_all))]
Reviewer = Annotated[SignedIn, Depends(signed_in(permission=Permission.review))]

STATES = {
    "received": "Received", "content_not_found": "Content not found", "policy_review": "Policy review",
    "legal_review": "Legal review", "rights_review": "Human-rights review",
    "clarification_requested": "Waiting for clarification", "awaiting_approval": "Awaiting approval (four eyes)",
    "decided": "Decided",
}
OUTCOMES = {
    "removed_policy": "Remove everywhere: breaks the platform's rules",
    "restricted": "Restrict in the chosen countries: illegal under local law",
    "no_action": "No action: lawful",
    "rejected_invalid": "Reject: the request is not valid",
    "rejected_overbroad": "Reject as overbroad (human-rights concern)",
    "already_removed": "Already removed",
    "content_not_found": "Content not found",
}
FINDING_LABELS = {
    "violates": "Violates the platform's rules", "compliant": "Within the platform's rules",
    "illegal": "Illegal under the cited law", "lawful": "Lawful", "invalid": "The request is not valid",
    "needs_clarification": "Ask the requester for clarification", "already_removed": "Already removed",
    "not_found": "Content not found", "no_concern": "No human-rights concern", "concern": "Human-rights concern",
}
STEP_LABELS = {"policy": "Policy review", "legal": "Legal review", "rights": "Human-rights review"}


def bulk_findings() -> list[tuple[str, str, str]]:
    """Every step's findings as the queue's selection offers them: ("step:finding", step, finding labels)."""
    return [(f"{step.value}:{finding}", STEP_LABELS[step.value], label)
            for step in Step for finding, label in FINDING_LABELS.items() if finding in FINDINGS[step]]


FLAG_LABELS = {
    "political_speech": "Political speech", "journalism": "Journalism", "election_period": "Election period",
    "minority_or_religious": "Minority or religious group", "overbroad": "Overbroad",
    "public_interest": "Public interest",
}
APPROVAL_REASONS = {
    "risk_flags": "the human-rights review raised risk flags",
    "wider_scope": "the scope is wider than the requesting jurisdiction",
    "emergency": "it is an emergency request",
    "local_representative": "the local representative of {rep} must sign off",
}
CLAIMABLE = frozenset({"received", "content_not_found", "policy_review", "legal_review", "rights_review"})
DECISION_FIELDS = ("outcome", "scope", "scope_reason", "ground", "law", "provision", "policy_clause",
                   "explanation", "ends_at", "template_version_id")


# ---------------------------------------------------------------- helpers
def clock(deadline: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    """Time left on a statutory clock, in words; ``overdue`` once the deadline has passed."""
    seconds = int((deadline - now).total_seconds())
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    span = f"{days} d {hours} h" if days else f"{hours} h {mins} min" if hours else f"{mins} min"
    overdue = seconds < 0
    # The same span as a msgid and its values, for pages in the reader's language.
    words = ("%(days)s d %(hours)s h", {"days": days, "hours": hours}) if days else (
        "%(hours)s h %(minutes)s min", {"hours": hours, "minutes": mins}) if hours else (
        "%(minutes)s min", {"minutes": mins})
    return {"overdue": overdue, "seconds": seconds, "text": f"overdue by {span}" if overdue else f"{span} left",
            "span": words[0], "span_values": words[1]}


def names(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i)
    if not wanted:
        return {}
    rows = db.execute(select(User.id, User.name, User.email).where(User.id.in_(wanted)))
    return {uid: name or email for uid, name, email in rows}


def claim_of(item: Item, now: dt.datetime, names: Mapping[int, str], me: int | None) -> dict[str, Any] | None:
    """Who holds an unexpired claim on ``item``, or None."""
    if item.assigned_to is None or item.claim_expires_at is None or item.claim_expires_at <= now:
        return None
    return {"user_id": item.assigned_to, "name": names.get(item.assigned_to, f"user {item.assigned_to}"),
            "until": item.claim_expires_at, "mine": item.assigned_to == me}


def service_errors(exc: DocketError) -> dict[str, str]:
    """A service's refusal as {field: message}; the whole message under "form"."""
    out: dict[str, str] = {"form": exc.detail}
    for error in exc.errors or []:
        out.setdefault(re.split(r"[.\[]", str(error.get("field", "")))[0] or "form", str(error.get("message", "")))
    return out


def validation_errors(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, message in field_errors(exc).items():
        out.setdefault(re.split(r"[.\[]", key)[0], message)
    out.setdefault("form", "Please correct the fields marked below.")
    return out


def text_field(form: Mapping[str, Any], name: str, limit: int = 10_000) -> str | None:
    value = form.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    value = str(value).strip()[:limit] if value is not None else ""
    return value or None


def list_field(form: Mapping[str, Any], name: str) -> list[str]:
    value = form.get(name)
    values = value if isinstance(value, list) else [value] if value else []
    return [str(v).strip() for v in values if str(v).strip()]


def back_to(form: Mapping[str, Any], default: str) -> str:
    """Where a form came from: a console path only (never off site)."""
    target = text_field(form, "back", 500) or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/console") or target.startswith("//"):
        return default
    return target


def attempt(db: Session, action: Callable[[], Any]) -> tuple[Any, DocketError | None]:
    """Run a service call; on a refusal, undo everything it did and return the error."""
    try:
        return action(), None
    except DocketError as exc:
        if isinstance(exc, NotFound):
            raise
        db.rollback()
        return None, exc


def url_with(path: str, params: Mapping[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def details(payload: Mapping[str, Any]) -> str:
    """An audit event's payload in words: "key: value; …", empty values left out."""
    def show(value: Any) -> str:
        if isinstance(value, Mapping):
            return ", ".join(f"{k.replace('_', ' ')} {show(v)}" for k, v in value.items() if v not in (None, "", []))
        if isinstance(value, list):
            return ", ".join(show(v) for v in value)
        return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    return "; ".join(f"{k.replace('_', ' ')}: {show(v)}" for k, v in payload.items() if v not in (None, "", [], {}))


def actors(db: Session, actors: set[str], names: Mapping[int, str]) -> dict[str, str]:
    """Audit actors ("user:3", "submitter:2") as the people and organisations they are."""
    out = {a: names[int(a[5:])] for a in actors if a.startswith("user:") and a[5:].isdigit() and int(a[5:]) in names}
    ids = sorted(int(a[10:]) for a in actors if a.startswith("submitter:") and a[10:].isdigit())
    if ids:
        rows = db.execute(select(Submitter.id, Submitter.name).where(Submitter.id.in_(ids)))
        out |= {f"submitter:{i}": n for i, n in rows}
    return out


def countries(db: Session) -> list[tuple[str, str]]:
    return [(j.code, f"{j.name} ({j.code})") for j in sorted(catalog.list_jurisdictions(session=db),
                                                              key=lambda j: j.name)]


def reason_labels(db: Session) -> dict[str, str]:
    return {r.code: r.label for r in catalog.list_reasons(session=db)}


# ---------------------------------------------------------------- decisions
def approval_reasons(decision: Decision, _: Translate | None = None) -> list[str]:
    """Why ``decision`` waits for a second person, in words (in ``_``'s language; English by default)."""
    _ = _ or gettext_for("en")
    rep = decision.local_rep_jurisdiction or ""
    return [_(APPROVAL_REASONS.get(r, r)).format(rep=catalog.country_name(rep) if rep else _("the country"))
            for r in decision.approval_reasons]


def may_approve(decision: Decision, principal: Principal) -> str | None:
    """Why this person cannot approve ``decision``, in words (None: they may)."""
    blocker = service.approval_blocker(principal=principal, decision=decision)
    if blocker == "own_decision":
        return "You made this decision: a second person must approve or reject it."
    if blocker == "local_representative":
        rep = catalog.country_name(decision.local_rep_jurisdiction or "")
        return f"Only the local representative of {rep} can approve this decision."
    return None


def decision_data(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The decision form as the API's body, and the values to show again."""
    values: dict[str, Any] = {name: text_field(form, name) for name in DECISION_FIELDS if name != "scope"}
    values["scope"] = list_field(form, "scope")
    body = {k: v for k, v in values.items() if v not in (None, [])}
    # A scope belongs to a restriction only; other outcomes restrict nothing (removed_policy: everywhere).
    if body.get("outcome") != Outcome.restricted.value:
        body.pop("scope", None)
        body.pop("scope_reason", None)
    if "ends_at" in body and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?", body["ends_at"]):
        body["ends_at"] += "Z"  # the form's field is in UTC
    return body, values


# ---------------------------------------------------------------- the item page's "related" panel
# The console reads across the stages here (restrictions are enforcement's), so that
# review's service imports nothing of the stages after it.
@dataclass(frozen=True)
class Related:
    """What else docket knows about an item's content, so nobody decides blind."""

    items: Sequence[Item]  # other requests' items and report cases about the same content
    reports: Sequence[Report]  # user reports on this item and on those items
    restrictions: Sequence[Restriction]  # restrictions of this content (or its author's account), ended ones too


def related(*, session: Session, principal: Principal, item: Item, limit: int = 100) -> Related:
    """Other items, reports and restrictions about the same content as ``item``."""
    # By content id (indexed); by address only for content the registry does not know (rare).
    same = (Item.content_id == item.content_id if item.content_id
            else Item.normalized_url == item.normalized_url if item.normalized_url else None)
    others: Sequence[Item] = []
    if same is not None:
        query = access.scoped(select(Item).where(same, Item.id != item.id), principal, Item)
        others = session.execute(query.order_by(Item.received_at.desc(), Item.id.desc()).limit(limit)).scalars().all()
    reports = session.execute(
        select(Report).where(Report.item_id.in_([item.id, *(o.id for o in others)]))
        .order_by(Report.received_at.desc(), Report.id.desc()).limit(limit)
    ).scalars().all()
    restrictions: Sequence[Restriction] = []
    if item.content_id:
        subjects = [(Restriction.subject_kind == SubjectKind.content) & (Restriction.subject_id == item.content_id)]
        registered = content_registry.get(session=session, content_id=item.content_id)
        if registered is not None and registered.author_id:
            subjects.append((Restriction.subject_kind == SubjectKind.account)
                            & (Restriction.subject_id == registered.author_id))
        restrictions = session.execute(
            select(Restriction).where(or_(*subjects)).order_by(Restriction.id.desc()).limit(limit)
        ).scalars().all()
    return Related(items=others, reports=reports, restrictions=restrictions)
