"""Requests and their items, as they arrive through the one intake path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docket.items.states import ItemState
from docket.store import Base, utcnow


class RequestStatus(StrEnum):
    """Where a request stands, derived from its items. open: under review;
    needs_clarification: the requester must answer (it lacks something, or a reviewer asked
    about an item) and its clock waits; partially_decided: some items decided, others still
    open; decided: every item decided (also a request with no items to decide)."""

    open = "open"
    needs_clarification = "needs_clarification"
    partially_decided = "partially_decided"
    decided = "decided"


# Items' states are the table in docket.items.states; intake sets the entry state.
ItemStatus = ItemState


class Channel(StrEnum):
    """How a request came in. match: a case docket opened itself when its matcher found a copy
    of content restricted earlier (docket.matching.copies): the platform's own-initiative
    detection, owned by the channel submitter "Copies found by docket's matcher" (kind
    ``platform``), never inside the request of the authority whose decision it copies."""

    api = "api"
    portal = "portal"
    form = "form"
    document_import = "import"
    # Drafted from a document of the inbox (a letter, an e-mail, a scan) and confirmed by a
    # person on its draft page (docket.intake.drafts).
    document = "document"
    # A user report that opened a case: the report itself carries the notice's elements.
    report = "report"
    # A copy of restricted content found by docket's matcher (see the docstring).
    match = "match"


class AuthorityKind(StrEnum):
    """The kind of authority that decided an order. Reports count a court's orders apart
    from every other authority's (executive, police, …), as Google's report does."""

    court = "court"
    ministry = "ministry"
    regulator = "regulator"
    police = "police"
    prosecutor = "prosecutor"
    other = "other"


class Request(Base):
    """One written demand or notice from one submitter."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    submitter_id: Mapped[int] = mapped_column(ForeignKey("submitters.id"))
    channel: Mapped[Channel] = mapped_column(String(16))
    jurisdiction: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    reference: Mapped[str | None] = mapped_column(String(200))
    legal_basis: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(ForeignKey("reasons.code"))
    explanation: Mapped[str | None] = mapped_column(Text)
    requested_action: Mapped[str] = mapped_column(String(16))
    requested_scope: Mapped[list[str]] = mapped_column(default=list)
    issuing_officer: Mapped[dict[str, Any] | None]
    language: Mapped[str | None] = mapped_column(String(2))
    confidential: Mapped[bool] = mapped_column(default=False)
    confidentiality_basis: Mapped[str | None] = mapped_column(Text)
    emergency: Mapped[bool] = mapped_column(default=False)
    emergency_explanation: Mapped[str | None] = mapped_column(Text)
    bona_fide: Mapped[bool] = mapped_column(default=False)
    # The submitter is an authority (its kind), or the notice carries the DSA Art. 16 elements.
    art16_notice: Mapped[bool] = mapped_column(default=False)

    status: Mapped[RequestStatus] = mapped_column(String(24))
    missing: Mapped[list[str]] = mapped_column(default=list)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    clock_started_at: Mapped[dt.datetime]
    deadline_at: Mapped[dt.datetime]
    # How the deadline was set: {"source": "law"|"jurisdiction"|"default", "law": id, "hours": n, "emergency": bool}
    clock_rule: Mapped[dict[str, Any]]
    clarifications: Mapped[int] = mapped_column(Integer, default=0)
    # What intake read otherwise than written: addresses it refanged, addresses withheld
    # (see checks.notes): [{"note": "refanged"|"unlisted", "position", "given", "read_as"}].
    intake_notes: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    # Items the requester could not list ("all forks", "other copies"), as written; a reviewer
    # resolves the note into items or rejects it (docket.review.measures).
    other_items: Mapped[str | None] = mapped_column(Text)
    other_items_status: Mapped[str | None] = mapped_column(String(16))  # pending | resolved | rejected
    other_items_answer: Mapped[str | None] = mapped_column(Text)

    # The order's particulars, as the order states them, all optional (docket.intake.orders):
    # the authority that decided it, when that is not the submitter that transmits it; its
    # numbers and date; the court and its case number; the entry in a register of banned
    # content; the deadline in the order's words (the clock stays the catalog's); and the
    # earlier request this one repeats, which the submitter or staff set (intake only
    # proposes one, in ``intake_notes``). ``repeats_id`` is checked when set rather than
    # declared a foreign key: SQLite cannot add one to an existing table in place.
    authority_name: Mapped[str | None] = mapped_column(String(300))
    authority_kind: Mapped[str | None] = mapped_column(String(32))
    authority_country: Mapped[str | None] = mapped_column(String(2))
    order_number: Mapped[str | None] = mapped_column(String(200))
    order_date: Mapped[dt.date | None]
    court_name: Mapped[str | None] = mapped_column(String(300))
    case_number: Mapped[str | None] = mapped_column(String(200))
    register_entry: Mapped[str | None] = mapped_column(String(200))
    order_deadline: Mapped[str | None] = mapped_column(String(500))
    repeats_id: Mapped[int | None]

    items: Mapped[list[Item]] = relationship(
        back_populates="request", order_by="Item.position", lazy="selectin"
    )
    measures: Mapped[list[Measure]] = relationship(
        back_populates="request", order_by="Measure.position", lazy="selectin"
    )
    __table_args__ = (
        Index("ix_requests_submitter_id_id", "submitter_id", "id"),
        # The queue's search by reference, order number or case number (docket.review.search).
        Index("ix_requests_reference", "reference"),
        Index("ix_requests_order_number_only", "order_number"),
        Index("ix_requests_case_number", "case_number"),
        Index("ix_requests_status_deadline", "status", "deadline_at"),
        Index("ix_requests_jurisdiction_received", "jurisdiction", "received_at"),
        # Transparency reports: the period's requests in one covering scan.
        Index("ix_requests_report", "received_at", "submitter_id", "jurisdiction", "channel", "clarifications",
              "emergency"),
        # The repeat proposal (docket.intake.orders.proposed_repeat): a submitter's earlier
        # request with the same register entry, or the same order number.
        Index("ix_requests_register_entry", "submitter_id", "register_entry", "id",
              sqlite_where=text("register_entry IS NOT NULL"), postgresql_where=text("register_entry IS NOT NULL")),
        Index("ix_requests_order_number", "submitter_id", "order_number", "id",
              sqlite_where=text("order_number IS NOT NULL"), postgresql_where=text("order_number IS NOT NULL")),
        # Transparency reports: the period's requests whose deciding authority is named (court
        # orders and other orders are counted by its kind), without reading the others.
        Index("ix_requests_authority_report", "received_at", "authority_kind", "id",
              sqlite_where=text("authority_kind IS NOT NULL"), postgresql_where=text("authority_kind IS NOT NULL")),
    )

    @property
    def order(self) -> dict[str, Any] | None:
        """The order's particulars as the API shows them (:func:`particulars`)."""
        return particulars({name: getattr(self, name) for name in (*ORDER_COLUMNS, "intake_notes")})


# A request's columns that hold its order's particulars.
ORDER_COLUMNS = ("authority_name", "authority_kind", "authority_country", "order_number", "order_date",
                 "court_name", "case_number", "register_entry", "order_deadline", "repeats_id")


def particulars(values: Mapping[str, Any]) -> dict[str, Any] | None:
    """A request's order particulars in the read model's shape (``RequestRead.order``),
    from its column values; with the earlier request intake proposed as the one it repeats
    (its ``repeats`` note). None when the request names none of them."""
    proposed = next((n["request"] for n in values.get("intake_notes") or [] if n.get("note") == "repeats"), None)
    authority = {"name": values.get("authority_name"), "kind": values.get("authority_kind"),
                 "country": values.get("authority_country")}
    order = {
        "issuing_authority": authority if authority["name"] else None,
        "number": values.get("order_number"), "date": values.get("order_date"),
        "court": values.get("court_name"), "case_number": values.get("case_number"),
        "register_entry": values.get("register_entry"), "deadline": values.get("order_deadline"),
        "repeats": values.get("repeats_id"), "proposed_repeats": proposed,
    }
    return order if any(v is not None for v in order.values()) else None


class Item(Base):
    """One piece of content named in a request; outcomes are per item."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    position: Mapped[int]
    content_id: Mapped[str | None] = mapped_column(String(200), index=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    normalized_url: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[ItemState] = mapped_column(String(32))
    # The request withheld the address ("[redacted]"): no URL, no content id; for the reviewer.
    unlisted: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Copied from the request so the queue reads one table through one index.
    jurisdiction: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(40))
    # The queue's sort keys, in order (see review.service.QUEUE_ORDER): emergency (0) first;
    # the reason's severity class (1 first); the statutory clock, as the hour the deadline
    # falls in; a trusted flagger within its designated area (0) before everyone else (1);
    # more distinct reporters first (stored negated, so every key sorts ascending through
    # one index); the time received.
    priority: Mapped[int] = mapped_column(SmallInteger, default=1)
    severity: Mapped[int] = mapped_column(SmallInteger, default=3)
    due_hour: Mapped[int] = mapped_column(default=0)
    deadline_at: Mapped[dt.datetime]
    flag_rank: Mapped[int] = mapped_column(SmallInteger, default=1)
    crowd: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[dt.datetime]
    # In the review queue: open, and its request is not waiting for the submitter.
    queue_open: Mapped[bool] = mapped_column(default=True)
    overdue: Mapped[bool] = mapped_column(default=False)

    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claim_expires_at: Mapped[dt.datetime | None]
    # The team a lead gave the item to (its members find it in their queue); None: everyone's.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # The person a lead gave the item to for its current step (not a claim: they take it
    # with "next item"); None: whoever's queue it reaches. Recording the step ends it.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    policy_finding: Mapped[str | None] = mapped_column(String(32))
    legal_finding: Mapped[str | None] = mapped_column(String(32))
    rights_finding: Mapped[str | None] = mapped_column(String(32))
    risk_flags: Mapped[list[str]] = mapped_column(default=list)
    # What the legal reviewer last asked the requester about this item (sent to them; the
    # review's notes stay internal).
    clarification_question: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None]
    # The territorial scope in effect (the "effect given"): countries, ["*"], or [] for none.
    scope: Mapped[list[str] | None]

    # User reports: the case this item is ("content:<id>|policy" or "…|law:KZ"), its reports
    # and distinct reporters, and whether a burst of new reporters looks coordinated.
    case_key: Mapped[str | None] = mapped_column(String(300))
    report_count: Mapped[int] = mapped_column(default=0)
    reporter_count: Mapped[int] = mapped_column(default=0)
    possible_coordination: Mapped[bool] = mapped_column(default=False)

    # What transparency reports read, kept on the item so a half-year report scans one
    # index instead of joining a million decisions (see docs/transparency-exports.md):
    # the request's submitter (intake copies it); the outcome of the action taken, that
    # is of the standing decision (review writes it when a decision takes effect; a
    # restriction reversed on appeal keeps it, a reopened item clears it); and the
    # seconds from receipt to the decision and to its taking effect.
    submitter_id: Mapped[int | None]
    action_outcome: Mapped[str | None] = mapped_column(String(32))
    decide_seconds: Mapped[float | None]
    effect_seconds: Mapped[float | None]
    # A copy of restricted content found at registration (docket.matching.copies): the
    # decision it is a copy of; confirming the copy decides it the same way.
    copy_of_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", use_alter=True, ondelete="SET NULL", name="fk_items_copy_of_decision_id_decisions"))

    request: Mapped[Request] = relationship(back_populates="items")

    def set_deadline(self, deadline: dt.datetime) -> None:
        self.deadline_at, self.due_hour = deadline, int(deadline.timestamp() // 3600)

    @property
    def emergency(self) -> bool:
        return self.priority == 0

    @property
    def trusted_flagger(self) -> bool:
        return self.flag_rank == 0

    __table_args__ = (
        Index("ix_items_queue", "queue_open", "priority", "severity", "due_hour", "flag_rank", "crowd",
              "received_at", "id"),
        Index("ix_items_queue_jurisdiction", "queue_open", "jurisdiction", "priority", "severity",
              "due_hour", "flag_rank", "crowd", "received_at", "id"),
        # The queue by deadline, and its search by address (docket.review.search).
        Index("ix_items_queue_deadline", "queue_open", "deadline_at", "id"),
        Index("ix_items_normalized_url", "normalized_url"),
        # One open case per content and ground: concurrent reports join it, never open a twin.
        # Finding a content's cases (open or decided) by key; the unique index below
        # covers only open cases, and a partial index cannot serve that lookup.
        Index("ix_items_case_key", "case_key", "id"),
        # Transparency reports (docket.transparency.aggregates): the period's items in one
        # covering scan, grouped per request in index order; the durations' medians and the
        # per-submitter medians walk an index to the middle row.
        Index("ix_items_report", "received_at", "request_id", "submitter_id", "jurisdiction", "reason",
              "action_outcome", "flag_rank", "possible_coordination"),
        Index("ix_items_decide", "decide_seconds", "received_at",
              sqlite_where=text("decide_seconds IS NOT NULL"), postgresql_where=text("decide_seconds IS NOT NULL")),
        Index("ix_items_effect", "effect_seconds", "received_at",
              sqlite_where=text("effect_seconds IS NOT NULL"), postgresql_where=text("effect_seconds IS NOT NULL")),
        Index("ix_items_submitter_decide", "submitter_id", "jurisdiction", "decide_seconds", "received_at",
              sqlite_where=text("decide_seconds IS NOT NULL"), postgresql_where=text("decide_seconds IS NOT NULL")),
        Index("uq_items_open_case", "case_key", unique=True,
              sqlite_where=text("case_key IS NOT NULL AND status <> 'decided'"),
              postgresql_where=text("case_key IS NOT NULL AND status <> 'decided'")),
    )


class MeasureKind(StrEnum):
    """What a request asks the platform to do."""

    restrict_content = "restrict_content"  # withhold the items in the scope asked (the jurisdiction)
    remove_global = "remove_global"  # remove the items everywhere
    restrict_account = "restrict_account"  # restrict a whole account, in the jurisdiction or everywhere
    disclose_data = "disclose_data"  # hand over user data: out of this desk's scope, referred
    preserve_data = "preserve_data"  # keep user data: out of this desk's scope, referred


# Measures this desk never decides: recorded, referred to the channel that handles them.
REFERRED_KINDS = frozenset({MeasureKind.disclose_data, MeasureKind.preserve_data})


class MeasureOutcome(StrEnum):
    granted = "granted"  # done as asked
    fallback = "fallback"  # the lesser measure the request accepted: withheld in the jurisdiction only
    refused = "refused"
    referred = "referred"  # out of this desk's scope; the requester is told where to send it


class Measure(Base):
    """One measure a request asks for, decided by review: the content measures by a
    reviewer's answer, an account's restriction by its item's decision, the data measures
    referred at intake and never enforced."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    position: Mapped[int]
    kind: Mapped[MeasureKind] = mapped_column(String(24))
    # Where it applies: countries, ["*"] for everywhere, [] for a data measure.
    scope: Mapped[list[str]] = mapped_column(default=list)
    # The platform's id of the account (restrict_account, disclose_data, preserve_data).
    account: Mapped[str | None] = mapped_column(String(200))
    # "If not granted, at least withheld in our country" (remove_global, restrict_account everywhere).
    fallback: Mapped[bool] = mapped_column(default=False)
    # What the requester wrote about it, if anything ("for six months", "the owner's IP logs").
    note: Mapped[str | None] = mapped_column(Text)
    # restrict_account: the request's item that names the account (its position).
    item_position: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    explanation: Mapped[str | None] = mapped_column(Text)
    # Where a referred measure is to be sent (the platform's law-enforcement channel).
    referral: Mapped[str | None] = mapped_column(String(500))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]

    request: Mapped[Request] = relationship(back_populates="measures")


class IdempotencyKey(Base):
    """The first answer to a submission made with an ``Idempotency-Key`` header."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose key: "submitter:3" (keys of different callers never collide).
    owner: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("owner", "key"),)


class Report(Base):
    """One person's report about one piece of content; it joins the open case (item) for
    that content and ground. The reporter's identity lives here, not on a submitter."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # api (the platform, for a signed-in user) | form
    # The platform's user id ("user:<id>"), or "anon:<hash of the address>" for the public form.
    reporter_key: Mapped[str] = mapped_column(String(120), index=True)
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    reporter_verified: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(40))
    jurisdiction: Mapped[str | None] = mapped_column(String(2))
    explanation: Mapped[str | None] = mapped_column(Text)
    bona_fide: Mapped[bool] = mapped_column(default=False)
    # Carries the DSA Art. 16 elements (explanation, name, e-mail, bona fide statement).
    art16_notice: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_reports_item_received", "item_id", "received_at"),)


class Designation(Base):
    """A trusted flagger's designation (DSA Art. 22): by whom, for which reasons and
    jurisdictions, for how long. Outside it the flagger is an ordinary reporter."""

    __tablename__ = "designations"

    id: Mapped[int] = mapped_column(primary_key=True)
    submitter_id: Mapped[int] = mapped_column(ForeignKey("submitters.id"), index=True)
    designating_body: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[list[str]]
    jurisdictions: Mapped[list[str]]
    valid_from: Mapped[dt.datetime]
    valid_to: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReporterSuspension(Base):
    """A reporter suspended from reporting for a period (DSA Art. 23), with the reason."""

    __tablename__ = "reporter_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_key: Mapped[str] = mapped_column(String(120), index=True)
    reason: Mapped[str] = mapped_column(Text)
    unfounded_reports: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[dt.datetime]
    suspended_by: Mapped[str] = mapped_column(String(120))


class MessageAuthor(StrEnum):
    authority = "authority"  # a person of the request's submitter, or its API token
    staff = "staff"  # a reviewer of the platform


class RequestMessage(Base):
    """One message of a request's thread between the authority and the reviewers."""

    __tablename__ = "request_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    author: Mapped[MessageAuthor] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "message", or a clarification's "question" (a reviewer's) or "answer" (the authority's).
    kind: Mapped[str] = mapped_column(String(16), default="message")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When a reviewer first opened the request after an authority's message (None: unread).
    read_at: Mapped[dt.datetime | None]
