"""Who may do what: one row per route of the application (API and pages).

A row says which callers the route admits at all (``who``; everyone else gets 401 from
the API without a token, 403 with one, and on pages a redirect to sign in or a 403
page), which record its path (or body) names, and how a caller must stand to that
record (``reach``) — otherwise the answer is 404, exactly as for a record that does not
exist. A route without a row fails ``test_every_route_is_in_the_table``.

Reach, the reference model (written here, not imported from docket):
  read       a submitter: its own records; staff who may read requests: all, except a
             local representative: its countries
  act        reviewers, legal and rights reviewers: all; a local representative: its
             countries (whatever other roles it has)
  own        the caller's own (tokens, webhook endpoints)
  submitter  that submitter itself, or staff who may read parties
  write      a submitter: its own records (as read); staff: as act (a request's thread)
  all        every record (a route for which the record is not scoped)

A document in the inbox (received, no request yet: a record of kind "inbox", or a
"document" without a jurisdiction) is reached, whatever the route's reach, by the staff
who take requests in (reviewers) and by the submitter that sent it through the API; by
nobody else (docs/api.md, "The inbox").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.authorization.world import PASSWORD, PDF, SUBMITTERS, Record, World

ALL = frozenset({"none", *SUBMITTERS, "reviewer", "lead", "legal", "rights", "rep_kz", "rep_de",
                 "rep_kz_auditor", "auditor", "admin", "platform"})
TOKEN = ALL - {"none"}
SUBMITTER = frozenset(SUBMITTERS)
REVIEWERS = frozenset({"reviewer", "lead", "legal", "rights", "rep_kz", "rep_de", "rep_kz_auditor"})
STAFF = REVIEWERS | {"auditor", "admin"}
QUEUE = REVIEWERS | {"admin"}
LEADS = frozenset({"lead", "admin"})
PARTIES_READERS = frozenset({"reviewer", "lead", "legal", "rights", "auditor", "admin", "rep_kz_auditor"})
GLOBAL_REVIEWERS = frozenset({"reviewer", "lead", "legal", "rights"})
AUDIT = frozenset({"auditor", "admin", "rep_kz_auditor"})
ADMIN = frozenset({"admin"})
LEGAL = frozenset({"legal"})
PLATFORM = frozenset({"platform"})
INBOX = frozenset({"reviewer"})
TEMPLATE_WRITERS = frozenset({"lead", "admin"})
LEAD = frozenset({"lead"})
CONTENT_READERS = STAFF | PLATFORM

READ_EVERYWHERE = {"reviewer", "lead", "legal", "rights", "auditor", "admin", "rep_kz_auditor"}
ACT_EVERYWHERE = {"reviewer", "lead", "legal", "rights"}
REPRESENTS = {"rep_kz": {"KZ"}, "rep_de": {"DE"}, "rep_kz_auditor": {"KZ"}}


def reaches(caller: str, record: Record, how: str) -> bool:
    """The reference model of reach (see the module's docstring)."""
    if record.kind == "inbox" or (record.kind == "document" and record.jurisdiction is None):
        return caller in INBOX or (caller in SUBMITTERS and record.owner == caller)
    if how == "all":
        return True
    if how == "own":
        return record.owner == caller
    if how == "submitter":
        return record.owner == caller or caller in PARTIES_READERS
    if how == "write":
        return reaches(caller, record, "read" if caller in SUBMITTERS else "act")
    if caller in SUBMITTERS:
        return how == "read" and record.owner == caller
    if caller in (READ_EVERYWHERE if how == "read" else ACT_EVERYWHERE):
        return True
    return record.jurisdiction in REPRESENTS.get(caller, set())


Body = Callable[[World, Record | None], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    who: frozenset[str]
    record: str | None = None
    reach: str = "read"
    body: Body | None = None
    form: Body | None = None
    query: dict[str, str] | Callable[[World], dict[str, str]] | None = None
    # Statuses that count as the route's answer to an allowed caller, where the usual
    # test (not 401, 403 or 404) does not fit: sign-out's redirect to the sign-in page.
    ok: frozenset[int] | None = None
    # A list route: the kind of record it lists, and how to find their ids in the answer.
    lists: str | None = None
    ids: Callable[[Any], set[int]] | None = None
    # Only a fresh, signed-out browser calls it (sign-in and sign-out would end the
    # callers' own sessions).
    fresh: bool = False
    # Files sent in a multipart body ({field: (name, bytes, type)}), with ``form`` as its
    # other fields (an API route's too).
    files: Body | None = None


def _const(**values: Any) -> Body:
    return lambda world, record: dict(values)


def _items_of(world: World, record: Record | None) -> list[int]:
    assert record is not None
    return sorted(item for item, request in world.extra["item_request"].items() if request == record.id)


def _bulk_review(world: World, record: Record | None) -> dict[str, Any]:
    return {"item_ids": _items_of(world, record), "step": "policy", "finding": "compliant"}


def _bulk_decision(world: World, record: Record | None) -> dict[str, Any]:
    return {"item_ids": _items_of(world, record), "outcome": "no_action", "explanation": "Lawful."}


def _requester_appeal(world: World, record: Record | None) -> dict[str, Any]:
    assert record is not None
    return {"decision_id": record.id, "statement": "The decision is wrong."}


def _ids(key: str) -> Callable[[Any], set[int]]:
    return lambda answer: {int(row["id"]) for row in (answer[key] if key else answer)}


def _html_ids(prefix: str) -> Callable[[Any], set[int]]:
    import re

    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    return lambda html: {int(n) for n in pattern.findall(html)}


FILE = _const(file=("translation.pdf", PDF, "application/pdf"))
REQUEST = {"jurisdiction": "KZ", "reason": "hate_speech", "legal_basis": [{"law": "kz-online-platforms-9"}],
           "explanation": "Calls for violence.", "items": [{"url": "https://social.example/@m/1"}]}
REVIEW = _const(step="policy", finding="compliant")
DECISION = _const(outcome="no_action", explanation="Lawful speech.")
PAGE_DECISION = _const(outcome="no_action", explanation="Lawful speech.")

API: dict[str, Route] = {
    "GET /openapi.json": Route(ALL),
    "GET /docs": Route(ALL),
    "GET /redoc": Route(ALL),
    "GET /healthz": Route(ALL),
    "GET /metrics": Route(AUDIT),  # and the scraper's token (tests/ops)
    # Enforcement: the platform's systems.
    "GET /api/v1/visibility": Route(PLATFORM, query={"content_id": "kz-1", "country": "KZ"}),
    "POST /api/v1/visibility": Route(PLATFORM, body=lambda w, r: [{"content_id": "kz-1", "country": "KZ"}]),  # type: ignore[arg-type,return-value]
    "GET /api/v1/restrictions/changes": Route(PLATFORM, query={"after": "0"}),
    "GET /api/v1/restrictions/snapshot": Route(PLATFORM),
    # Copies: the platform matches against the restricted bank (and its replica fetches it).
    "POST /api/v1/match": Route(PLATFORM, body=_const(text="Everyone come to the square tonight.", country="KZ")),
    "POST /api/v1/match/batch": Route(PLATFORM, body=_const(fingerprints=[{"text": "Come to the square."}])),
    "GET /api/v1/match/bank": Route(PLATFORM, query={"restriction_id": "1"}),
    "GET /api/v1/match/bank/snapshot": Route(PLATFORM),
    # Intake.
    "POST /api/v1/requests": Route(SUBMITTER, body=_const(**REQUEST)),
    "GET /api/v1/requests/{request_id}": Route(SUBMITTER | STAFF, "request"),
    "GET /api/v1/requests": Route(SUBMITTER | STAFF, lists="request", ids=_ids("requests"),
                                  query={"limit": "200"}),
    "POST /api/v1/requests/{request_id}/clarifications": Route(
        SUBMITTER, "request", body=_const(message="The order is attached.")),
    # A request's thread: its submitter and the reviewers write; whoever reads the request reads it.
    "GET /api/v1/requests/{request_id}/messages": Route(SUBMITTER | STAFF, "request"),
    "POST /api/v1/requests/{request_id}/messages": Route(SUBMITTER | REVIEWERS, "request", "write",
                                                         body=_const(body="Any news?")),
    # Documents: the request's submitter, and staff who may see the request.
    "POST /api/v1/requests/{request_id}/documents": Route(
        SUBMITTER | STAFF, "request", form=_const(kind="translation", language="en"), files=FILE),
    "GET /api/v1/requests/{request_id}/documents": Route(SUBMITTER | STAFF, "request"),
    "GET /api/v1/documents/{document_id}/content": Route(SUBMITTER | STAFF, "document"),
    # Marking one as holding personal data: staff who may see the request.
    "PATCH /api/v1/documents/{document_id}": Route(STAFF, "document", body=_const(personal_data=True)),
    # The inbox: a letter sent as it is, by a submitter or a reviewer; followed by its sender.
    "POST /api/v1/documents": Route(SUBMITTER | INBOX, form=_const(language="kk"), files=FILE),
    "GET /api/v1/documents/{document_id}": Route(SUBMITTER | INBOX, "inbox"),
    # Confirmed into a request by a reviewer (a body intake refuses here: the world stays as it is).
    "POST /api/v1/documents/{document_id}/confirm": Route(INBOX, "inbox", body=_const(jurisdiction="KZ")),

    "PATCH /api/v1/requests/{request_id}/order": Route(REVIEWERS, "request", "act", body=_const(
        register_entry="27-2026-01", note="As the register shows it.")),
    "POST /api/v1/reports": Route(frozenset({"none", "platform"}), body=_const(
        content_id="kz-3", reason="hate_speech", reporter_id="u-77", explanation="Hateful.")),
    "POST /api/v1/reports/batch": Route(PLATFORM, body=_const(reports=[
        {"content_id": "kz-3", "reason": "hate_speech", "reporter_id": "u-78"}])),
    "GET /api/v1/items/{item_id}/reports": Route(STAFF, "item"),
    "POST /api/v1/reporters/{reporter_key}/suspension": Route(
        GLOBAL_REVIEWERS, "reporter", "all", body=_const(reason="Manifestly unfounded reports.", days=7)),
    "POST /api/v1/designations": Route(ADMIN, body=lambda w, r: {
        "submitter_id": w.extra["flagger"], "designating_body": "Bundesnetzagentur",
        "reasons": ["hate_speech"], "jurisdictions": ["DE"], "valid_from": "2026-01-01T00:00:00Z"}),
    "GET /api/v1/designations": Route(STAFF),
    # The catalog is public.
    "GET /api/v1/catalog/jurisdictions": Route(ALL),
    "GET /api/v1/catalog/laws": Route(ALL),
    "GET /api/v1/catalog/reasons": Route(ALL),
    "GET /api/v1/catalog/requester-kinds": Route(ALL),
    "GET /api/v1/catalog/requester-kinds/places": Route(ALL),
    "PUT /api/v1/catalog/requester-kinds/{code}": Route(ADMIN, "requester_kind", "all",
                                                        body=_const(label="National CERT")),
    # Parties.
    "GET /api/v1/me": Route(TOKEN),
    "GET /api/v1/submitters/{submitter_id}": Route(TOKEN, "submitter", "submitter"),
    "GET /api/v1/tokens": Route(TOKEN),
    "POST /api/v1/tokens": Route(TOKEN, body=_const(name="another")),
    "DELETE /api/v1/tokens/{token_id}": Route(TOKEN, "token", "own"),
    # Review.
    "GET /api/v1/queue": Route(QUEUE, lists="item", ids=_ids("items"), query={"limit": "200"}),
    "GET /api/v1/queue/views": Route(QUEUE),
    "POST /api/v1/queue/views": Route(QUEUE, body=_const(name="matrix view", filters={"jurisdiction": "KZ"})),
    "DELETE /api/v1/queue/views/{view_id}": Route(QUEUE, "view", "own"),
    "POST /api/v1/queue/bulk": Route(REVIEWERS, body=_const(action="release", item_ids=[1, 2])),
    "GET /api/v1/dashboard": Route(LEADS),
    "GET /api/v1/items/{item_id}": Route(STAFF, "item"),
    "GET /api/v1/items/{item_id}/decisions": Route(STAFF, "item"),
    "GET /api/v1/items/{item_id}/events": Route(STAFF, "item"),
    "POST /api/v1/items/{item_id}/claim": Route(REVIEWERS, "item", "act"),
    "POST /api/v1/items/{item_id}/release": Route(REVIEWERS, "item", "act"),
    "POST /api/v1/items/{item_id}/review": Route(REVIEWERS, "item", "act", body=REVIEW),
    # The desk's flow: a lead assigns (a team that does not exist: the service's 422) and takes over.
    "POST /api/v1/items/{item_id}/assign": Route(LEAD, "item", "act", body=_const(team_id=999999)),
    "POST /api/v1/items/{item_id}/take-over": Route(LEAD, "item", "act", body=_const(reason="Away.")),
    # "Next item": a claimed item, or "nothing is waiting for you".
    "POST /api/v1/queue/next": Route(REVIEWERS, ok=frozenset({200, 404})),
    # Teams: listed for the queue's filter; made and changed by a lead.
    "GET /api/v1/teams": Route(QUEUE),
    "POST /api/v1/teams": Route(LEAD, body=_const(name="policy — all", role="reviewer")),
    "POST /api/v1/teams/{team_id}/members/{user_id}": Route(LEAD, "team", "all", ok=frozenset({200, 404, 409, 422})),
    "DELETE /api/v1/teams/{team_id}/members/{user_id}": Route(LEAD, "team", "all", ok=frozenset({200, 404})),
    "POST /api/v1/items/{item_id}/decision": Route(REVIEWERS, "item", "act", body=DECISION),
    # A copy item's answers (a 409 for an item that is no copy).
    "POST /api/v1/items/{item_id}/confirm-copy": Route(REVIEWERS, "item", "act", body=_const()),
    "POST /api/v1/items/{item_id}/reject-copy": Route(REVIEWERS, "item", "act", body=_const(reason="Not a copy.")),
    "GET /api/v1/decisions": Route(REVIEWERS, lists="decision", ids=_ids(""), reach="act"),
    "POST /api/v1/decisions/{decision_id}/approve": Route(REVIEWERS, "decision", "act", body=_const()),
    "POST /api/v1/decisions/{decision_id}/reject": Route(
        REVIEWERS, "decision", "act", body=_const(reason="The scope is too wide.")),
    "POST /api/v1/requests/{request_id}/items/review": Route(REVIEWERS, "request", "act", body=_bulk_review),
    "POST /api/v1/requests/{request_id}/items/decision": Route(REVIEWERS, "request", "act",
                                                               body=_bulk_decision),
    "POST /api/v1/requests/{request_id}/measures/decision": Route(
        REVIEWERS, "request", "act", body=_const(position=0, outcome="refused", explanation="Not in this form.")),
    "POST /api/v1/requests/{request_id}/other-items": Route(
        REVIEWERS, "request", "act", body=_const(resolution="rejected", explanation="Too vague.")),
    # Appeals: a requester's (the author's, with the link's token, is in tests/appeals).
    "POST /api/v1/appeals": Route(SUBMITTER, "decision", body=_requester_appeal),
    "GET /api/v1/appeals": Route(REVIEWERS, lists="appeal", ids=_ids("")),
    "GET /api/v1/appeals/{appeal_id}": Route(REVIEWERS, "appeal"),
    "POST /api/v1/appeals/{appeal_id}/decision": Route(
        REVIEWERS, "appeal", "act", body=_const(outcome="upheld", explanation="The decision stands.")),
    # A lead routes an appeal (a team that does not exist: the service's 422) or takes it over.
    "POST /api/v1/appeals/{appeal_id}/assign": Route(LEAD, "appeal", "act", body=_const(team_id=999999)),
    "POST /api/v1/appeals/{appeal_id}/take-over": Route(LEAD, "appeal", "act", body=_const(reason="Away.")),
    # Notices.
    "POST /api/v1/webhooks": Route(PLATFORM, body=_const(url="http://127.0.0.1:9/h",
                                                         event_types=["restriction.created"])),
    "GET /api/v1/webhooks": Route(PLATFORM, lists="endpoint", ids=_ids(""), reach="own"),
    "DELETE /api/v1/webhooks/{endpoint_id}": Route(PLATFORM, "endpoint", "own"),
    "GET /api/v1/holds": Route(LEGAL, lists="hold", ids=_ids("")),
    "POST /api/v1/holds/{hold_id}/release": Route(LEGAL, "hold", "act",
                                                  body=_const(reason="The investigation is closed.")),
    "GET /api/v1/outbox": Route(ADMIN),
    # Content, audit, transparency.
    "POST /api/v1/content": Route(PLATFORM, body=_const(id="new-1", url="https://social.example/@n/1",
                                                        type="post")),
    "GET /api/v1/content/{content_id}": Route(CONTENT_READERS, "content", "all"),
    # An item's internal discussion (never leaves docket) and explanation templates.
    "GET /api/v1/items/{item_id}/comments": Route(STAFF, "item"),
    "POST /api/v1/items/{item_id}/comments": Route(REVIEWERS, "item", "act", body=_const(body="@alice a look?")),
    "GET /api/v1/explanation-templates": Route(QUEUE),
    "POST /api/v1/explanation-templates": Route(TEMPLATE_WRITERS, body=_const(language="ru", title="T", body="B")),
    "GET /api/v1/explanation-templates/{template_id}": Route(QUEUE, "template", "all"),
    "PUT /api/v1/explanation-templates/{template_id}": Route(TEMPLATE_WRITERS, "template", "all",
                                                             body=_const(title="T2", body="B2")),
    "GET /api/v1/audit/events": Route(AUDIT),
    # Receipts: the submitter of the record's request, and staff within reach.
    "GET /api/v1/requests/{request_id}/receipt": Route(SUBMITTER | STAFF, "request"),
    "GET /api/v1/decisions/{decision_id}/receipt": Route(SUBMITTER | STAFF, "decision"),
    "GET /api/v1/appeals/{appeal_id}/receipt": Route(SUBMITTER | STAFF, "appeal"),
    "GET /api/v1/transparency/report": Route(ALL, query={"period": "2026-H1"}),
    "GET /transparency": Route(ALL),
    # The transparency site: public. The matrix leaves the placeholders as they are, so a
    # period "{period}" is answered 422 (not a period), never 401, 403 or 404.
    "GET /transparency/{period}": Route(ALL),
    "GET /transparency/{period}/countries/{country}": Route(ALL),
    "GET /transparency/{period}/downloads/{table}.{fmt}": Route(ALL),
    "GET /transparency/{period}/countries/{country}/downloads/{table}.{fmt}": Route(ALL),
    # The verifiable log: public, never an event's content (docs/verifiable-log.md).
    "GET /api/v1/log/checkpoint": Route(ALL),
    "GET /api/v1/log/checkpoints/{size}": Route(ALL, "checkpoint", "all"),
    "GET /api/v1/log/key": Route(ALL),
    "GET /api/v1/log/proofs/inclusion": Route(ALL, query=lambda w: {"index": "0", "size": str(w.extra["log_size"])}),
    "GET /api/v1/log/proofs/consistency": Route(ALL, query=lambda w: {"old": "1", "new": str(w.extra["log_size"])}),
    "GET /api/v1/log/leaves": Route(ALL, query={"start": "0", "end": "1"}),
}

CLAIM = _const()
PAGES: dict[str, Route] = {
    "GET /": Route(ALL),
    "GET /sign-in": Route(ALL),
    "POST /sign-in": Route(ALL, fresh=True, form=lambda w, r: {"email": "victim@docket.test",
                                                                "password": PASSWORD}),
    "POST /sign-out": Route(ALL, fresh=True, ok=frozenset({303})),
    "POST /language": Route(ALL, form=_const(lang="en", next="/")),
    # The console.
    "GET /console": Route(QUEUE, lists="item", ids=_html_ids("/console/items/"), query={"limit": "200"}),
    "GET /console/views": Route(QUEUE),
    "POST /console/views": Route(QUEUE, form=_const(name="matrix page view", jurisdiction="KZ")),
    "POST /console/views/{view_id}/delete": Route(QUEUE, "page_view", "own", form=CLAIM),
    "POST /console/bulk": Route(REVIEWERS, form=_const(action="release", item_ids="1")),
    "GET /console/dashboard": Route(LEADS),
    "GET /console/items/{item_id}": Route(STAFF, "item"),
    "POST /console/items/{item_id}/claim": Route(REVIEWERS, "item", "act", form=CLAIM),
    "POST /console/items/{item_id}/release": Route(REVIEWERS, "item", "act", form=CLAIM),
    "POST /console/items/{item_id}/assign": Route(LEAD, "item", "act", form=_const(team_id="999999")),
    "POST /console/items/{item_id}/take-over": Route(LEAD, "item", "act", form=_const(reason="Away.")),
    "POST /console/queue/next": Route(REVIEWERS, form=CLAIM),
    "GET /console/teams": Route(QUEUE),
    "POST /console/teams": Route(LEAD, form=_const(name="policy — all", role="reviewer")),
    "POST /console/teams/{team_id}/members": Route(LEAD, "team", "all", form=_const(user_id="1"),
                                                   ok=frozenset({303, 404, 409, 422})),
    "POST /console/teams/{team_id}/members/{user_id}/remove": Route(LEAD, "team", "all", form=CLAIM,
                                                                    ok=frozenset({303, 404})),
    "POST /console/items/{item_id}/review": Route(REVIEWERS, "item", "act", form=REVIEW),
    "POST /console/items/{item_id}/decision": Route(REVIEWERS, "item", "act", form=PAGE_DECISION),
    "POST /console/items/{item_id}/confirm-copy": Route(REVIEWERS, "item", "act", form=_const()),
    "POST /console/items/{item_id}/reject-copy": Route(REVIEWERS, "item", "act", form=_const(reason="Not a copy.")),
    # The item's context: the content's thumbnails ({page}: the first), the discussion, mentions.
    "GET /console/items/{item_id}/previews/{page}": Route(STAFF, "item"),
    "POST /console/items/{item_id}/comments": Route(REVIEWERS, "item", "act", form=_const(body="A note.")),
    "GET /console/mentions": Route(STAFF),
    "GET /console/templates": Route(TEMPLATE_WRITERS),
    "POST /console/templates": Route(TEMPLATE_WRITERS, form=_const(language="en", title="T", body="B")),
    "GET /console/templates/{template_id}": Route(TEMPLATE_WRITERS, "template", "all"),
    "POST /console/templates/{template_id}": Route(TEMPLATE_WRITERS, "template", "all",
                                                   form=_const(title="T2", body="B2")),
    "GET /console/approvals": Route(REVIEWERS, lists="decision", reach="act",
                                    ids=_html_ids("/console/decisions/")),
    "POST /console/decisions/{decision_id}/approve": Route(REVIEWERS, "decision", "act", form=_const()),
    "POST /console/decisions/{decision_id}/reject": Route(REVIEWERS, "decision", "act",
                                                          form=_const(reason="Too wide.")),
    "GET /console/messages": Route(QUEUE),
    "POST /console/requests/{request_id}/messages": Route(REVIEWERS, "request", "act", form=_const(body="Any news?")),
    "GET /console/appeals": Route(REVIEWERS, lists="appeal", ids=_html_ids('data-appeal="'),
                                  query={"status": "all", "whose": "all"}),
    "POST /console/appeals/{appeal_id}/decision": Route(
        REVIEWERS, "appeal", "act", form=_const(outcome="upheld", explanation="It stands.")),
    "POST /console/appeals/{appeal_id}/assign": Route(LEAD, "appeal", "act", form=_const(team_id="999999")),
    "POST /console/appeals/{appeal_id}/take-over": Route(LEAD, "appeal", "act", form=_const(reason="Away.")),
    "GET /console/requests/{request_id}": Route(STAFF, "request"),
    "POST /console/requests/{request_id}/documents": Route(STAFF, "request", form=_const(document_kind="evidence"),
                                                           files=FILE),
    "GET /console/documents/{document_id}": Route(STAFF, "document"),
    "GET /console/documents/{document_id}/read": Route(STAFF, "document"),
    "GET /console/documents/{document_id}/pages/{page}": Route(STAFF, "document"),
    "POST /console/documents/{document_id}/personal-data": Route(STAFF, "document", form=_const(personal_data="yes")),
    "GET /console/inbox": Route(INBOX),
    "POST /console/inbox": Route(INBOX, form=_const(document_language="de"), files=FILE),
    "GET /console/inbox/{document_id}": Route(INBOX, "inbox"),
    "POST /console/inbox/{document_id}/dismiss": Route(INBOX, "inbox", form=_const(reason="Not a request.")),
    # The draft of a request from an inbox document: saved, then confirmed into intake.
    "GET /console/inbox/{document_id}/draft": Route(INBOX, "inbox"),
    "POST /console/inbox/{document_id}/draft": Route(INBOX, "inbox", form=_const(reason="hate_speech")),
    "POST /console/inbox/{document_id}/draft/confirm": Route(INBOX, "inbox", form=_const(jurisdiction="KZ")),
    "POST /console/requests/{request_id}/review": Route(
        REVIEWERS, "request", "act",
        form=lambda w, r: {"item_ids": [str(i) for i in _items_of(w, r)], "step_finding": "policy:compliant"}),
    "POST /console/requests/{request_id}/measures": Route(
        REVIEWERS, "request", "act", form=_const(position="0", outcome="refused", explanation="Not in this form.")),
    "POST /console/requests/{request_id}/other-items": Route(
        REVIEWERS, "request", "act", form=_const(resolution="rejected", explanation="Too vague.")),
    "POST /console/requests/{request_id}/decision": Route(
        REVIEWERS, "request", "act",
        form=lambda w, r: {"item_ids": [str(i) for i in _items_of(w, r)], "outcome": "no_action",
                           "explanation": "Lawful."}),
    "POST /console/requests/{request_id}/repeats": Route(REVIEWERS, "request", "act", form=_const(repeats="1")),
    "POST /console/requests/{request_id}/order": Route(
        REVIEWERS, "request", "act", form=_const(order_number="N-1", note="The number as the order states it.")),
    # The portal: people of a submitter.
    "GET /portal": Route(SUBMITTER, lists="request", ids=_html_ids("/portal/requests/")),
    "GET /portal/requests/new": Route(SUBMITTER),
    "POST /portal/requests": Route(SUBMITTER, form=_const(
        jurisdiction="KZ", reason="hate_speech", law="kz-online-platforms-9",
        explanation="Calls for violence.", items="https://social.example/@p/1")),
    "GET /portal/requests/{request_id}": Route(SUBMITTER, "request"),
    "POST /portal/requests/{request_id}/clarifications": Route(
        SUBMITTER, "request", form=_const(message="The order is attached.")),
    "POST /portal/requests/{request_id}/documents": Route(SUBMITTER, "request", form=_const(document_kind="letter"),
                                                          files=FILE),
    "GET /portal/documents/{document_id}": Route(SUBMITTER, "document"),
    "GET /portal/requests/{request_id}/letter": Route(SUBMITTER, "request"),
    "GET /portal/requests/{request_id}/receipt": Route(SUBMITTER, "request"),
    "GET /portal/tokens": Route(SUBMITTER),
    "POST /portal/requests/{request_id}/messages": Route(SUBMITTER, "request", form=_const(body="Any news?")),
    "GET /portal/requests.csv": Route(SUBMITTER),
    "POST /portal/tokens": Route(SUBMITTER, form=_const(name="ci")),
    "POST /portal/tokens/{token_id}/revoke": Route(SUBMITTER, "token", "own", form=_const()),
    # Public pages.
    "GET /report": Route(ALL),
    "POST /report": Route(ALL, form=_const(url="https://social.example/@a/kz-3", reason="hate_speech")),
    "GET /report/sent": Route(ALL, query=lambda w: w.extra["receipt"]),
    "GET /appeal": Route(ALL, query=lambda w: {"token": w.extra["appeal_token"]}),
    "POST /appeal": Route(ALL, form=lambda w, r: {"token": w.extra["appeal_token"], "statement": "Unfair."}),
    "GET /withheld": Route(ALL, query={"content_id": "kz-1", "country": "KZ"}),
    "GET /favicon.ico": Route(ALL),
    # The auditor's desk: the whole log, as GET /api/v1/audit/events.
    "GET /audit": Route(AUDIT),
    "POST /audit/verify": Route(AUDIT, form=_const()),
    "GET /audit/export": Route(AUDIT, query={"format": "csv"}),
    "GET /audit/log": Route(AUDIT),
    # Administration.
    "GET /admin": Route(ADMIN),
    "GET /admin/submitters": Route(ADMIN),
    "GET /admin/submitters/new": Route(ADMIN),
    "POST /admin/submitters/new": Route(ADMIN, form=_const(name="Agency", kind="regulator", country="TR")),
    "GET /admin/submitters/{submitter_id}": Route(ADMIN, "victim_submitter", "all"),
    "POST /admin/submitters/{submitter_id}": Route(
        ADMIN, "victim_submitter", "all", form=_const(name="Victim agency", kind="regulator", country="TR")),
    "POST /admin/submitters/{submitter_id}/people": Route(
        ADMIN, "victim_submitter", "all", form=_const(email="someone@agency.example")),
    "POST /admin/submitters/{submitter_id}/tokens": Route(ADMIN, "victim_submitter", "all",
                                                          form=_const(name="x")),
    "POST /admin/tokens/{token_id}/revoke": Route(ADMIN, "token", "all", form=_const()),
    "GET /admin/users": Route(ADMIN),
    "GET /admin/users/new": Route(ADMIN),
    "POST /admin/users/new": Route(ADMIN, form=_const(email="new@docket.test", role="reviewer")),
    "GET /admin/users/{user_id}": Route(ADMIN, "victim_user", "all"),
    "POST /admin/users/{user_id}/roles": Route(ADMIN, "victim_user", "all", form=_const(role="reviewer")),
    "POST /admin/users/{user_id}/password": Route(ADMIN, "victim_user", "all",
                                                  form=_const(password="a much longer password")),
    "POST /admin/users/{user_id}/unlock": Route(ADMIN, "victim_user", "all", form=_const()),
    "POST /admin/users/{user_id}/deactivate": Route(ADMIN, "victim_user", "all", form=_const()),
    "POST /admin/users/{user_id}/reactivate": Route(ADMIN, "victim_user", "all", form=_const()),
    "POST /admin/users/{user_id}/tokens": Route(ADMIN, "victim_user", "all", form=_const(name="x")),
    "GET /admin/laws": Route(ADMIN),
    "POST /admin/laws": Route(ADMIN, form=_const(id="tr-5651-8a", jurisdiction="TR", citation="Law 5651 Art. 8/A",
                                                 title="Removal", clock_hours="4")),
    "GET /admin/kinds": Route(ADMIN),
    "POST /admin/kinds/{code}": Route(ADMIN, "requester_kind", "all", form=_const(government="1")),
    "GET /admin/designations": Route(ADMIN),
    "POST /admin/designations": Route(ADMIN, form=lambda w, r: {
        "submitter_id": str(w.extra["flagger"]), "designating_body": "Bundesnetzagentur",
        "reasons": "hate_speech", "jurisdictions": "DE", "valid_from": "2026-01-01"}),
    "GET /admin/outbox": Route(ADMIN),
    "POST /admin/outbox/{outbox_id}/retry": Route(ADMIN, "outbox", "all", form=_const()),
    "POST /admin/outbox/retry": Route(ADMIN, form=_const()),
}
