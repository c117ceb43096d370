"""What each notice says: the rendering context, built at delivery from the records it names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session

from docket.appeals import tokens
from docket.appeals.models import Appeal
from docket.audit import receipts as audit_receipts
from docket.catalog import service as catalog
from docket.catalog.models import RequesterKind
from docket.content.models import Content
from docket.intake.models import Item, MeasureKind, Request, RequestMessage
from docket.notices.mime import Attachment
from docket.outbox.models import Channel, OutboxMessage
from docket.parties.models import Submitter
from docket.review.models import Decision
from docket.settings import Settings

# Who brought the content to the platform's attention, when the requester is not counted
# as a public authority: a trusted flagger, a user (a rights holder reports as one), or an
# organisation named in the statement (an industry association, a national CERT, an
# internet-governance body, or an authority's kind the catalog does not count as government).
SOURCES = {RequesterKind.trusted_flagger: "trusted_flagger", RequesterKind.user: "user_report",
           RequesterKind.rights_holder: "user_report", RequesterKind.platform: "own_initiative"}


class Gone(Exception):
    """The records a message is about no longer exist; it cannot be composed."""


def _get(session: Session, model: type, key: Any) -> Any:
    row = session.get(model, key)
    if row is None:
        raise Gone(f"{model.__name__} {key} not found")
    return row


def appeal_deadline(decision: Decision, settings: Settings) -> dt.date:
    start = decision.effective_at or decision.decided_at
    return (start + dt.timedelta(days=settings.appeal_window_days)).date()


# What an acknowledgement shows: some columns and a count of the items. Every request gets one.
_ACKNOWLEDGED_COLUMNS = (
    Request.id, Request.reference, Request.received_at, Request.deadline_at, Request.status,
    Request.missing, select(func.count(Item.id)).where(Item.request_id == Request.id)
    .correlate(Request).scalar_subquery().label("items_count"),
)
_ACKNOWLEDGED = select(*_ACKNOWLEDGED_COLUMNS).where(Request.id == bindparam("request_id"))
_ACKNOWLEDGED_MANY = select(*_ACKNOWLEDGED_COLUMNS).where(
    Request.id.in_(bindparam("request_ids", expanding=True)))


def acknowledged(*, session: Session, messages: Iterable[OutboxMessage]) -> dict[int, Row[Any] | None]:
    """What the acknowledgements among ``messages`` show, for all of them in one query: request
    id -> its row, or None when the request is gone. For :func:`context_for`."""
    # An id that is not an int is left to context_for, which reads it as before.
    ids = {request_id for message in messages
           if message.kind == "acknowledgement" and message.channel == Channel.email
           and type(request_id := message.context.get("request_id")) is int}
    if not ids:
        return {}
    found: dict[int, Row[Any] | None] = dict.fromkeys(ids)
    for row in session.execute(_ACKNOWLEDGED_MANY, {"request_ids": sorted(ids)}):
        found[row.id] = row
    return found


def context_for(session: Session, message: OutboxMessage, settings: Settings, *,
                acknowledged: Mapping[int, Row[Any] | None] | None = None) -> dict[str, Any]:
    """The template context of ``message`` (webhooks: their payload as enqueued).

    ``acknowledged``: what :func:`acknowledged` read for the round; an acknowledgement of a
    request not in it reads its own."""
    base = {"platform": settings.platform_name}
    data = message.context
    kind = message.kind
    if kind == "acknowledgement":
        request_id = data["request_id"]
        if acknowledged is not None and type(request_id) is int and request_id in acknowledged:
            row = acknowledged[request_id]
        else:
            row = session.execute(_ACKNOWLEDGED, {"request_id": request_id}).first()
        if row is None:
            raise Gone(f"Request {data['request_id']} not found")
        return {**base, "request_id": row.id, "reference": row.reference,
                "received_at": row.received_at, "deadline_at": row.deadline_at,
                "items_count": int(row.items_count), "status": data.get("status", str(row.status)),
                "missing": data.get("missing", list(row.missing or []))}
    if kind == "clarification_requested":
        request = _get(session, Request, data["request_id"])
        item = next((i for i in request.items if i.id == data["item_id"]), None)
        if item is None:
            raise Gone(f"item {data['item_id']} not found in request {request.id}")
        return {**base, "request_id": request.id, "reference": request.reference, "position": item.position + 1,
                "url": item.url, "content_id": item.content_id, "question": data["question"]}
    if kind == "request_message":
        request = _get(session, Request, data["request_id"])
        written = _get(session, RequestMessage, data["message_id"])
        return {**base, "request_id": request.id, "reference": request.reference, "body": written.body}
    if kind == "effect_given":
        request = _get(session, Request, data["request_id"])
        submitter = _get(session, Submitter, request.submitter_id)
        return {**base, "request_id": request.id, "reference": request.reference, "authority_name": submitter.name,
                "items": [{"position": i.position, "url": i.url, "content_id": i.content_id, "outcome": i.outcome,
                           "scope": i.scope, "decided_at": i.decided_at, "reason": None} for i in request.items],
                "jurisdiction": request.jurisdiction, "measures": measures_told(request)}
    if kind in ("statement_of_reasons", "restriction_lifted", "reporter_outcome"):
        decision = _get(session, Decision, data["decision_id"])
        item = decision.item
        request = item.request
        submitter = _get(session, Submitter, request.submitter_id)
        content = session.get(Content, item.content_id) if item.content_id else None
        url = content.url if content is not None and content.url else item.url
        if kind == "restriction_lifted":
            appeal = session.execute(
                select(Appeal).where(Appeal.decision_id == decision.id, Appeal.status == "reversed")
            ).scalar_one_or_none()
            return {**base, "content_url": url, "content_id": item.content_id, "scope": decision.scope,
                    "reason": appeal.explanation if appeal is not None else None,
                    "lifted_at": (appeal.decided_at if appeal is not None else None) or decision.decided_at}
        appeal_url = f"{settings.base_url}/appeal?token={tokens.make(settings.secret_key, decision.id)}"
        kind_of = RequesterKind(submitter.kind)
        # "A public authority" in the statement of reasons: a kind the catalog counts as a government.
        public = catalog.kind_places(session=session).is_government(kind_of)
        if kind == "reporter_outcome":
            # The reference the reporter was given when it reported: R-<report id>.
            return {**base, "report_reference": f"R-{data.get('report_id', '?')}", "content_url": url,
                    "outcome": decision.outcome, "scope": decision.scope,
                    "decided_at": decision.effective_at or decision.decided_at,
                    "explanation": decision.explanation, "appeal_url": None, "appeal_deadline": None}
        return {
            **base, "content_url": url, "content_id": item.content_id or "", "outcome": decision.outcome,
            "scope": decision.scope, "ends_at": decision.ends_at,
            "decided_at": decision.effective_at or decision.decided_at, "ground": decision.ground,
            **cited_law(session, decision, request), "policy_clause": decision.policy_clause,
            "explanation": decision.explanation,
            "source": "authority" if public else SOURCES.get(kind_of, "organisation"),
            "authority_name": submitter.name if public or kind_of not in SOURCES else None,
            "authority_kind": kind_of.value if public or kind_of not in SOURCES else None,
            "automated": decision.automated, "appeal_url": appeal_url,
            "appeal_deadline": appeal_deadline(decision, settings),
            "reference": f"D-{decision.id}",
            # The item is an account: the decision restricts the account and all its content.
            "account": content is not None and content.type == "account",
        }
    if kind in ("appeal_received", "appeal_decided"):
        appeal = _get(session, Appeal, data["appeal_id"])
        decision = _get(session, Decision, appeal.decision_id)
        content = session.get(Content, decision.item.content_id) if decision.item.content_id else None
        return {**base, "appeal_id": f"A-{appeal.id}", "decision_reference": f"D-{decision.id}",
                "received_at": appeal.received_at, "outcome": str(appeal.status),
                "explanation": appeal.explanation or "", "decided_at": appeal.decided_at,
                "content_url": content.url if content is not None else decision.item.url}
    raise Gone(f"no composer for {kind!r}")


def cited_law(session: Session, decision: Decision, request: Request) -> dict[str, str | None]:
    """The law a notice cites: the catalog's citation (never its internal id) and the
    provision — the decision's, or else the one the request gave for that law."""
    if not decision.law:
        return {"law": None, "provision": decision.provision}
    law = catalog.get_law(session=session, law_id=decision.law)
    provision = decision.provision
    if not provision:
        provision = next((str(b["provision"]) for b in request.legal_basis if b.get("provision") and (
            b.get("law") == decision.law or (b.get("citation") and b.get("citation") == decision.law))), None)
    return {"law": law.citation if law is not None else decision.law, "provision": provision}


# The measures a reviewer answers beside the items' decisions.
CONTENT_MEASURES = frozenset({MeasureKind.restrict_content, MeasureKind.remove_global})


def measures_told(request: Request) -> list[dict[str, Any]]:
    """What the effect given says of each measure ``request`` asked for: the measure and
    review's answer (the reviewer's own words for a content measure; where a referred one
    goes). None when the items alone say it all: the one content measure a request's
    ``requested_action`` implies (every request that named no measures), unanswered."""
    asked = list(request.measures)
    if len(asked) == 1 and asked[0].kind in CONTENT_MEASURES and asked[0].outcome is None \
            and not asked[0].fallback and not asked[0].note:
        return []
    positions = {i.position for i in request.items}
    return [{"position": m.position + 1, "kind": str(m.kind), "scope": m.scope, "account": m.account,
             "outcome": m.outcome, "referral": m.referral,
             # An account's restriction is its item's decision; a referred measure's answer is the
             # referral, said in the notice's language; a content measure's, the reviewer's words.
             "explanation": m.explanation if m.kind in CONTENT_MEASURES else None,
             "item_position": m.item_position if m.item_position in positions else None}
            for m in asked]


# The e-mails that carry a receipt (docket.audit.receipts), and the events it holds.
RECEIPT_KINDS = {"acknowledgement": ("request:received",), "effect_given": ("item:decided",)}


def receipts(*, session: Session, messages: Iterable[OutboxMessage], settings: Settings) -> dict[int, Attachment]:
    """The receipt each acknowledgement (``request:received``) and effect-given e-mail
    (``item:decided`` of each item) among ``messages`` carries, by outbox id, as the
    request's submitter may read it; for all of them in a few queries. An e-mail whose
    events are not sealed yet carries none."""
    wanted = [m for m in messages if m.channel == Channel.email and m.kind in RECEIPT_KINDS
              and type(m.context.get("request_id")) is int]
    if not wanted:
        return {}
    decided = sorted({m.context["request_id"] for m in wanted if m.kind == "effect_given"})
    items: dict[int, list[int]] = {}
    if decided:
        for item_id, request_id in session.execute(
                select(Item.id, Item.request_id).where(Item.request_id.in_(decided))):
            items.setdefault(request_id, []).append(item_id)
    subjects = {m.id: ([f"request:{m.context['request_id']}"] if m.kind == "acknowledgement"
                       else [f"item:{i}" for i in items.get(m.context["request_id"], [])]) for m in wanted}
    events = audit_receipts.events_about(session, subjects=[s for group in subjects.values() for s in group],
                                         actions=[a for kind in RECEIPT_KINDS.values() for a in kind])
    made = audit_receipts.by_event(session, events=events, holder=audit_receipts.Holder.submitter,
                                   settings=settings)
    out: dict[int, Attachment] = {}
    for message in wanted:
        mine = [e for e in events if e.subject in subjects[message.id] and e.action in RECEIPT_KINDS[message.kind]]
        found = audit_receipts.Receipts(
            receipts=[r for e in mine if (r := made[e.seq]) is not None],
            pending=[{"seq": e.seq, "action": e.action} for e in mine if made[e.seq] is None])
        if not found.receipts:
            continue
        suffix = "" if message.kind == "acknowledgement" else "-effect-given"
        out[message.id] = Attachment(f"receipt-request-{message.context['request_id']}{suffix}.json",
                                     "application/json",
                                     orjson.dumps(found.as_json(), option=orjson.OPT_INDENT_2) + b"\n")
    return out
