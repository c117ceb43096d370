"""Drafts: the request a person drafts from a document of the inbox.

The worker's job (:func:`read_round`; ``docket inbox extract`` by hand) takes the inbox's
``unprocessed`` documents not yet read, reads each in a sandboxed child
(docket.extraction.service.extract — never in a request handler), proposes a request from
its text (docket.extraction.proposals.propose) and stores both: the extraction, and a
draft whose body is the proposal's (each value with the span of the text it was read
from); the entry moves to ``draft`` (``document:extracted``). A file that cannot be read
is stored with its error, and its draft is empty: a person writes the request by hand.

A person edits the draft (:func:`save`, ``draft:changed`` naming the fields changed) and
confirms it (:func:`confirm`): the body goes through the one intake path
(docket.intake.submission.submit) with the channel ``document``, the document is attached
to the new request, the entry is ``confirmed`` (``draft:confirmed``) — all in the
caller's transaction, or nothing. Nothing reaches the queue without that confirmation."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from docket import audit
from docket.content.urls import normalize_url, refang
from docket.documents import inbox
from docket.documents import service as documents
from docket.documents.models import Document, InboxDraft, InboxEntry, InboxExtraction, InboxStatus
from docket.errors import Conflict, Unprocessable
from docket.extraction.proposals import Proposal, propose
from docket.extraction.result import Extraction
from docket.extraction.service import extract
from docket.intake.models import Channel, Item, Request
from docket.intake.schemas import RequestCreate
from docket.intake.submission import Submitted, submit
from docket.parties.models import Submitter
from docket.settings import Settings
from docket.store import read_only, rowcount, transaction, utcnow

log = logging.getLogger("docket.drafts")
ACTOR = "system:extraction"
ROUND = 20  # documents claimed by one round
CLAIM_MARGIN = 120.0  # seconds past DOCKET_EXTRACT_SECONDS after which a claim is taken over
REPEATS_SHOWN = 5
# The order's particulars a proposal gives, as the body's ``order`` names them.
ORDER_VALUES = ("issuing_authority", "number", "date", "court", "case_number", "register_entry", "deadline")


# ---------------------------------------------------------------- reading (the worker's job)
@dataclass
class Round:
    """What one round did: the documents read into drafts, those whose file could not be
    read (their drafts are empty), and those another worker read first."""

    read: list[int] = field(default_factory=list)
    unreadable: list[dict[str, Any]] = field(default_factory=list)
    taken: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"read": self.read, "unreadable": self.unreadable, "taken_by_another": self.taken}


def unread(*, session: Session, now: dt.datetime, settings: Settings, limit: int = ROUND) -> list[int]:
    """The open entries not yet read (no extraction, or a claim left by a worker that died),
    oldest first: the unprocessed, and those a person began drafting by hand before the
    worker came to them (their text and spans are still worth showing)."""
    stale = now - dt.timedelta(seconds=settings.extract_seconds + CLAIM_MARGIN)
    query = (select(InboxEntry.document_id)
             .outerjoin(InboxExtraction, InboxExtraction.document_id == InboxEntry.document_id)
             .where(InboxEntry.status.in_([status.value for status in inbox.OPEN]),
                    or_(InboxExtraction.document_id.is_(None),
                        (InboxExtraction.extracted_at.is_(None)) & (InboxExtraction.claimed_at < stale)))
             .order_by(InboxEntry.received_at, InboxEntry.document_id).limit(limit))
    return list(session.execute(query).scalars())


def claim(*, session: Session, document_id: int, now: dt.datetime, settings: Settings) -> bool:
    """Claim a document for reading: True when this worker is to read it. The extraction's
    row is the claim (its key is the document's): two workers inserting it at once, one
    insert fails; a claim older than the extraction's limit (its worker died) is taken
    over by a conditional update, which again only one worker's matches."""
    try:
        with session.begin_nested():
            session.add(InboxExtraction(document_id=document_id, claimed_at=now, text="", paragraphs=[],
                                        languages=[], pages=0, ocr_pages=0, warnings=[], seconds=0.0))
            session.flush()
        return True
    except IntegrityError:
        pass
    stale = now - dt.timedelta(seconds=settings.extract_seconds + CLAIM_MARGIN)
    return rowcount(session.execute(
        update(InboxExtraction).where(InboxExtraction.document_id == document_id,
                                      InboxExtraction.extracted_at.is_(None), InboxExtraction.claimed_at < stale)
        .values(claimed_at=now).execution_options(synchronize_session=False))) == 1


def read_round(factory: sessionmaker[Session], settings: Settings, *, limit: int = ROUND,
               progress: Callable[[int, int], None] | None = None) -> Round:
    """Read the inbox's unread documents into drafts, each in transactions of its own (one
    that fails is logged and left for the next round; the others are read)."""
    done = Round()
    with read_only(factory) as session:
        waiting = unread(session=session, now=utcnow(), settings=settings, limit=limit)
    for n, document_id in enumerate(waiting, start=1):
        try:
            with transaction(factory) as session:
                mine = claim(session=session, document_id=document_id, now=utcnow(), settings=settings)
            if not mine:
                done.taken += 1
            else:
                error = read_one(factory, settings, document_id)
                if error is None:
                    done.read.append(document_id)
                else:
                    done.unreadable.append({"id": document_id, "error": error})
        except Exception:  # one document never stops the round; its claim goes stale and is retried
            log.exception("reading inbox document %d failed; a later round tries again", document_id)
        if progress is not None:
            progress(n, len(waiting))
    return done


def read_one(factory: sessionmaker[Session], settings: Settings, document_id: int) -> str | None:
    """Read one claimed document, propose its request and store both: the file's error, or None."""
    with read_only(factory) as session:
        document = session.get(Document, document_id)
        assert document is not None  # an inbox entry's document
        data = documents.content(session=session, settings=settings, document=document)
        media_type = document.media_type
    started = time.monotonic()
    found = extract(data, media_type, settings=settings)  # a child process, under its limits
    seconds = time.monotonic() - started
    with transaction(factory) as session:
        proposal = propose(found.text, session=session, settings=settings,
                           paragraphs=found.paragraphs) if found.text else None
        store(session=session, document_id=document_id, found=found, proposal=proposal, seconds=seconds)
    return found.error


def store(*, session: Session, document_id: int, found: Extraction, proposal: Proposal | None,
          seconds: float) -> None:
    """Store an extraction and its draft, move the entry to ``draft`` (unless a person
    dismissed it meanwhile) and record ``document:extracted`` (counts and languages, never
    the text)."""
    row = session.get(InboxExtraction, document_id)
    assert row is not None  # claimed
    row.text = found.text
    row.paragraphs = [[p.start, p.end, p.language, p.page, p.source, p.translation_of] for p in found.paragraphs]
    row.languages, row.pages, row.ocr_pages = list(found.languages), found.pages, found.ocr_pages
    row.warnings, row.error, row.seconds = list(found.warnings), found.error, round(seconds, 3)
    row.extracted_at = utcnow()
    proposed = proposed_of(proposal) if proposal is not None else {"body": {}, "spans": {}}
    sender = proposed.get("sender")
    draft = session.get(InboxDraft, document_id)
    if draft is None:
        entry = session.get(InboxEntry, document_id)
        submitter_id = sender["id"] if sender else (entry.submitter_id if entry else None)
        session.add(InboxDraft(document_id=document_id, proposed=proposed, body=dict(proposed["body"]),
                               submitter_id=submitter_id, updated_at=utcnow()))
    else:  # a person's draft, begun by hand: it keeps their body; the letter's spans are shown beside it
        draft.proposed = proposed
    # Conditional: a person who dismissed (or confirmed) it while it was read keeps their word.
    session.execute(update(InboxEntry).where(InboxEntry.document_id == document_id,
                                             InboxEntry.status == InboxStatus.unprocessed)
                    .values(status=InboxStatus.draft).execution_options(synchronize_session=False))
    audit.record(session=session, actor=ACTOR, action="document:extracted", subject=inbox.subject_of(document_id),
                 payload={"characters": len(found.text), "paragraphs": len(found.paragraphs),
                          "languages": list(found.languages), "pages": found.pages, "ocr_pages": found.ocr_pages,
                          "warnings": len(found.warnings), "error": found.error is not None,
                          "proposed": sorted(proposed["spans"])})


def proposed_of(proposal: Proposal) -> dict[str, Any]:
    """A proposal as the draft keeps it: the request's body, each field's spans in the
    text, and what the body leaves for a person to choose (the sender matched, the
    addresses that are not the platform's, the citations and their catalog matches)."""
    spans: dict[str, list[list[int]]] = {}

    def at(name: str, found: Any) -> None:
        if found is not None:
            spans.setdefault(name, []).append([found.start, found.end])

    for name in ("sender", "country", "language", "reference", "reason", "explanation", "other_items"):
        at({"sender": "submitter", "country": "jurisdiction"}.get(name, name), getattr(proposal, name))
    for name in ORDER_VALUES:
        at(f"order.{name}", getattr(proposal.order, name))
    for item in proposal.items:
        at("items", item)
    for law in proposal.laws:
        at("legal_basis", law)
    for measure in proposal.measures:
        at(f"measures.{measure.value.kind}", measure)
        at(f"measures.{measure.value.kind}.account", measure.value.account)
    sender = proposal.sender
    return {
        "body": proposal.to_request(), "spans": spans,
        "sender": {"id": sender.value.submitter_id, "name": sender.value.name, "by": sender.value.by}
        if sender else None,
        "items": [{"written": f.value.written, "kind": f.value.kind, "start": f.start, "end": f.end}
                  for f in proposal.items],
        "elsewhere": [{"written": f.value.written, "url": f.value.url, "kind": f.value.kind,
                       "start": f.start, "end": f.end} for f in proposal.elsewhere],
        "laws": [{"citation": f.value.citation, "law": f.value.law, "provision": f.value.provision,
                  "candidates": list(f.value.candidates), "suggestion": f.value.suggestion,
                  "start": f.start, "end": f.end} for f in proposal.laws],
    }


# ---------------------------------------------------------------- the draft a person edits
def get(*, session: Session, document_id: int) -> tuple[InboxDraft | None, InboxExtraction | None]:
    """The draft of an inbox document and what was read of it (None: not read yet)."""
    extraction = session.get(InboxExtraction, document_id)
    return session.get(InboxDraft, document_id), extraction if extraction and extraction.extracted_at else None


def save(*, session: Session, document_id: int, body: dict[str, Any], submitter_id: int | None,
         user_id: int, actor: str) -> list[str]:
    """Store a person's edits of an open entry's draft (a draft is made for an entry not
    read yet: the request written by hand) and record ``draft:changed`` naming the fields
    changed; the fields changed (none: nothing recorded)."""
    entry = _open(session, document_id)
    draft = session.get(InboxDraft, document_id)
    if draft is None:
        draft = InboxDraft(document_id=document_id, proposed={"body": {}, "spans": {}}, body={},
                           submitter_id=None, updated_at=utcnow())
        session.add(draft)
    changed = sorted(k for k in set(draft.body) | set(body) if draft.body.get(k) != body.get(k))
    if draft.submitter_id != submitter_id:
        changed.insert(0, "submitter")
    if not changed:
        return []
    draft.body, draft.submitter_id, draft.updated_at, draft.updated_by = dict(body), submitter_id, utcnow(), user_id
    # A draft written by hand before the worker read the file is a draft all the same.
    session.execute(update(InboxEntry).where(InboxEntry.document_id == entry.document_id,
                                             InboxEntry.status == InboxStatus.unprocessed)
                    .values(status=InboxStatus.draft).execution_options(synchronize_session=False))
    audit.record(session=session, actor=actor, action="draft:changed", subject=inbox.subject_of(document_id),
                 payload={"fields": changed})
    return changed


def confirm(*, session: Session, settings: Settings, document_id: int, data: RequestCreate,
            submitter_id: int | None, user_id: int | None, actor: str) -> Submitted:
    """Send the draft's body through the one intake path as the chosen submitter's request
    (channel ``document``), attach the document to it, mark the entry ``confirmed`` and
    record ``draft:confirmed`` — in the caller's transaction, which the caller rolls back
    on any error (422 from intake, 409 when someone else confirmed or dismissed it)."""
    _open(session, document_id)
    submitter = session.get(Submitter, submitter_id) if submitter_id is not None else None
    if submitter is None:
        raise Unprocessable("choose who sent the request",
                            errors=[{"field": "submitter_id", "message": "choose a known submitter"}])
    submitted = submit(session=session, settings=settings, submitter=submitter, data=data,
                       channel=Channel.document, actor=actor)
    # Conditional on the status: two people confirming at once (or one dismissing), only
    # the first moves it; the other's request is rolled back with its transaction.
    moved = rowcount(session.execute(
        update(InboxEntry).where(InboxEntry.document_id == document_id,
                                 InboxEntry.status.in_([s.value for s in inbox.OPEN]))
        .values(status=InboxStatus.confirmed, request_id=submitted.id)
        .execution_options(synchronize_session=False)))
    if moved != 1:
        raise Conflict(f"document {document_id} was confirmed or dismissed meanwhile")
    session.execute(update(Document).where(Document.id == document_id, Document.request_id.is_(None))
                    .values(request_id=submitted.id).execution_options(synchronize_session=False))
    body = data.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    draft = session.get(InboxDraft, document_id)
    if draft is None:
        session.add(InboxDraft(document_id=document_id, proposed={"body": {}, "spans": {}}, body=body,
                               submitter_id=submitter.id, updated_at=utcnow(), updated_by=user_id))
    else:
        draft.body, draft.submitter_id, draft.updated_at, draft.updated_by = body, submitter.id, utcnow(), user_id
    audit.record(session=session, actor=actor, action="draft:confirmed", subject=inbox.subject_of(document_id),
                 payload={"request": submitted.id, "submitter": submitter.id})
    return submitted


def _open(session: Session, document_id: int) -> InboxEntry:
    entry = inbox.get(session=session, document_id=document_id)
    if entry.status not in inbox.OPEN:
        raise Conflict(f"document {document_id} is {entry.status} already; only an open entry is drafted")
    return entry


# ---------------------------------------------------------------- an earlier notice repeated
def repeats(*, session: Session, body: dict[str, Any], limit: int = REPEATS_SHOWN,
            itself: int | None = None) -> list[dict[str, Any]]:
    """Earlier requests this draft repeats: the same register entry, the same order
    number, or the same set of addresses; each ``{"request", "by", "given"}`` (never
    ``itself``, the request the draft was confirmed as)."""
    found: list[dict[str, Any]] = []
    order = body.get("order") or {}
    for by, column, given in (("register_entry", Request.register_entry, order.get("register_entry")),
                              ("order_number", Request.order_number, order.get("number"))):
        if isinstance(given, str) and given:
            for request_id in session.execute(select(Request.id).where(column == given)
                                              .order_by(Request.id.desc()).limit(limit)).scalars():
                found.append({"request": request_id, "by": by, "given": given})
    urls: set[str | None] = set()
    for item in body.get("items") or []:
        given = item.get("url") if isinstance(item, dict) else None
        if isinstance(given, str):
            try:
                urls.add(normalize_url(refang(given)))
            except ValueError:  # a placeholder or an address intake would refuse: not compared
                continue
    if urls:
        candidates = list(session.execute(select(Item.request_id).where(Item.normalized_url.in_(urls))
                                          .distinct().order_by(Item.request_id.desc()).limit(50)).scalars())
        named: dict[int, set[str | None]] = {}
        for request_id, url in session.execute(select(Item.request_id, Item.normalized_url)
                                               .where(Item.request_id.in_(candidates))):
            named.setdefault(request_id, set()).add(url)
        for request_id in candidates:
            if named.get(request_id) == urls:
                found.append({"request": request_id, "by": "addresses", "given": f"{len(urls)} addresses"})
    seen: set[int | None] = {itself}
    shown = []
    for f in found:
        if f["request"] not in seen:
            seen.add(f["request"])
            shown.append(f)
    return shown[:limit]
