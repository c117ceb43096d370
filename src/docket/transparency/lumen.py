"""Lumen notices: one per request from a government, a regulator, the police or a court
(the kinds the catalog counts as governments), in Lumen's submission shape
(``POST /notices`` with ``{"notice": {...}}``).

Only decided requests are published — their status ``decided``, which a request has once
every item is decided, whatever it once lacked (a notice cannot be corrected later, and
``action_taken`` must be known). A confidential request is published only
after its gag-order hold was lifted; one that never had a hold (nothing was restricted,
so no author was told) stays unpublished, because its confidentiality was never lifted.
A request for user data only (no items) is none: it names no content, and was referred
at receipt; a request naming content beside a data measure is published for its content.

Lumen masks e-mail addresses and phone numbers itself before publishing; docket redacts
them before sending, so they never leave the platform. No person is named: senders and
courts are organisations; the issuing officer is left out.

The request's documents go with the notice as Lumen's ``file_uploads_attributes``, each
``{"kind", "file": "data:<type>;base64,…", "file_name"}`` (:func:`uploads`):

- the authority's own papers — a letter, an order, a court decision, a translation — go
  as ``original`` (Lumen keeps originals private, for researchers it admits);
- unless it holds personal data — a reviewer marked it so, or it is an e-mail, whose
  headers name the people who sent and received it (and whose content Lumen's own type
  check reads now as mail, now as plain text): then it never leaves the platform, and
  its redacted copy (the latest one not itself marked) goes in its
  place as ``supporting`` (Lumen publishes supporting files), named by its kind and id,
  never by the uploader's name (which may name the very person redacted);
- evidence and other documents never go: they may hold the very content at issue, or
  people's data.

A file's name is made as Lumen would store it (every character but letters, digits,
``.``, ``-`` and space becomes ``_``) and ends in the extension of the type detected
from its bytes, so that Lumen's check that a file's content matches its name passes.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from docket.catalog import service as catalog
from docket.catalog.models import Jurisdiction, Law, Reason
from docket.content.models import Content
from docket.documents import detect
from docket.documents.models import Document, DocumentKind
from docket.documents.storage import Blobs
from docket.intake.models import Item, Request, RequestStatus
from docket.items.states import ItemState
from docket.notices.models import NoticeHold
from docket.parties.models import Submitter
from docket.transparency.aggregates import item_outcome
from docket.transparency.exports import clip, redact
from docket.transparency.periods import Period

TYPES = {"court": "CourtOrder", "police": "LawEnforcementRequest", "government_agency": "GovernmentRequest",
         "regulator": "GovernmentRequest"}
# The issuing authority's kind (docket.intake.models.AuthorityKind), when an order names one.
AUTHORITY_TYPES = {"court": "CourtOrder", "police": "LawEnforcementRequest", "prosecutor": "LawEnforcementRequest",
                   "ministry": "GovernmentRequest", "regulator": "GovernmentRequest", "other": "GovernmentRequest"}
WORDS = {"CourtOrder": "Court order", "LawEnforcementRequest": "Law enforcement request",
         "GovernmentRequest": "Government request"}
SOURCES = {"api": "API", "portal": "Web portal", "form": "Web form", "import": "Document import",
           "document": "Letter"}
OUTCOME_WORDS = {"restricted": "restricted", "removed_policy": "removed under the platform's rules",
                 "no_action": "no action taken", "rejected_invalid": "not acted on: the request was invalid",
                 "rejected_overbroad": "not acted on: the request was overbroad",
                 "already_removed": "already removed", "content_not_found": "content not found"}
COMPLIED = frozenset({"restricted", "removed_policy"})
# Lumen's own language codes (its Language model, 111 of them): anything else fails its
# validation, so a language it lacks is left out.
_CODES = """
af am ar ar-EG az be bg bn bs ca crp cs cy da de de-AT de-BL de-CH el en-AU en-BL en-CA en-GB en-IN en-IE en-MY
en-NZ en-ZA en-SG en-CH en eo es es-419 et eu fa fi fil fr fr-BL fr-CA fr-CH ga gl gu hi hr ht hu hy id is it iw
ja ka kk km kn ko ky lt lv la lg lo mg mk ml ms mt my ne nl nl-BL no nn or pa pl pt pt-BR rm ro ru rw si sk sl sq
sr sv sw ta th tl tr uk ur uz vi yi yo zh zh-Hans zh-Hant zh-HK zh-MS zh-HG zu"""
LANGUAGES = frozenset(_CODES.split())
# ISO 639-1 codes Lumen knows under another (older) code.
LANGUAGE_ALIASES = {"he": "iw", "nb": "no", "in": "id", "ji": "yi"}
# The documents that go to Lumen (module docstring), and the extension of each type.
SENT_KINDS = frozenset({DocumentKind.letter, DocumentKind.order, DocumentKind.court_decision,
                        DocumentKind.translation})
EXTENSIONS = {detect.PDF: "pdf", detect.PNG: "png", detect.JPEG: "jpg", detect.TIFF: "tif", detect.WEBP: "webp",
              detect.TEXT: "txt", detect.EML: "eml", detect.DOCX: "docx", detect.ODT: "odt"}
_NOT_LUMEN = re.compile(r"[^a-z\d.\- ]", re.IGNORECASE)  # FileUpload#rename_file


@dataclass(frozen=True)
class Selection:
    total: int  # notices to publish
    undecided: int  # requests not decided yet (an item still under review)
    confidential: int  # confidential requests whose hold is in force or was never lifted


def action_taken(outcomes: list[str]) -> str:
    """Yes when every item was restricted or removed, No when none was, Partial otherwise."""
    acted = sum(o in COMPLIED for o in outcomes)
    if not outcomes:
        return "Unspecified"
    return "Yes" if acted == len(outcomes) else "No" if acted == 0 else "Partial"


def _listing(values: list[str]) -> str:
    """A Lumen list field: comma-separated (an element's own commas become semicolons)."""
    seen: dict[str, str] = {}  # each once, whatever its case and spacing (Lumen's tags ignore them)
    for v in values:
        v = " ".join(redact(v).replace(",", ";").split())
        if v:
            seen.setdefault(v.lower(), v)
    return ", ".join(seen.values())


def lumen_language(code: str | None) -> str | None:
    """``code`` (ISO 639-1) as Lumen's language code, or None when Lumen has none for it."""
    if not code:
        return None
    code = LANGUAGE_ALIASES.get(code.lower(), code.lower())
    return code if code in LANGUAGES else None


def regulation(law: str, provision: str | None) -> str:
    """A law with its provision, each once: a provision that repeats the law's citation
    (``s. 71`` of ``s. 71``) or already holds it is not written twice."""
    law, provision = " ".join(law.split()), " ".join((provision or "").split())
    if not provision or provision.lower() in law.lower():
        return law
    if law.lower() in provision.lower():
        return provision
    return f"{law} {provision}"


def _undecided() -> Any:
    # The request's own status (docket.intake.status), so that the export says what the
    # API, the portal and the console say about it; and every item decided, so that a
    # status written before an item went back (a clarification asked) never publishes it.
    open_item = exists().where(Item.request_id == Request.id, Item.status != ItemState.decided.value)
    return or_(Request.status != RequestStatus.decided.value, open_item)


def _withheld() -> Any:
    """Confidential, and no hold of it has been lifted (or one is still in force)."""
    released = exists().where(NoticeHold.request_id == Request.id, NoticeHold.status == "released")
    held = exists().where(NoticeHold.request_id == Request.id, NoticeHold.status == "held")
    return and_(Request.confidential.is_(True), or_(held, not_(released)))


def _base(session: Session, period: Period | None) -> list[Any]:
    government = catalog.kind_places(session=session).government_kinds
    # A request for user data only names no content: referred at receipt, it is no notice
    # about content (the period report counts it apart); the items' request index answers.
    where: list[ColumnElement[bool]] = [Submitter.kind.in_(government),
                                        exists().where(Item.request_id == Request.id)]
    if period is not None:
        where += [Request.received_at >= period.start, Request.received_at < period.end]
    return where


def select_notices(*, session: Session, period: Period | None = None) -> Selection:
    """How many notices ``period`` has (by the day the request was received), and why others wait."""
    total, undecided, withheld = session.execute(
        select(func.count(), func.sum(case((_undecided(), 1), else_=0)),
               func.sum(case((and_(~_undecided(), _withheld()), 1), else_=0)))
        .select_from(Request).join(Submitter, Submitter.id == Request.submitter_id).where(*_base(session, period))
    ).one()
    undecided, withheld = int(undecided or 0), int(withheld or 0)
    return Selection(total=int(total) - undecided - withheld, undecided=undecided, confidential=withheld)


def notices(*, session: Session, platform: str, blobs: Blobs, period: Period | None = None,
            chunk: int = 200) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(key, body)`` per publishable request, in request order; ``key`` is stable
    (``request-<id>``), ``body`` is what ``POST /notices`` takes, with the documents
    :func:`uploads` chooses, read from ``blobs`` one notice at a time."""
    query = (
        select(Request, Submitter.kind, Submitter.name, Submitter.country, Reason.label, Jurisdiction.name)
        .join(Submitter, Submitter.id == Request.submitter_id).join(Reason, Reason.code == Request.reason)
        .join(Jurisdiction, Jurisdiction.code == Request.jurisdiction)
        .where(*_base(session, period), ~_undecided(), ~_withheld()).order_by(Request.id)
    )
    last = 0
    while True:
        rows = session.execute(query.where(Request.id > last).limit(chunk)).all()
        if not rows:
            return
        ids = [r[0].id for r in rows]
        items = _items(session, ids)
        laws = _citations(session, [r[0] for r in rows])
        documents = _documents(session, ids)
        for request, kind, org, org_country, reason, country in rows:
            files = [file_upload(d, as_kind, blobs.get(session, sha256=d.sha256))
                     for d, as_kind in uploads(documents.get(request.id, []))]
            yield f"request-{request.id}", notice(
                request, kind=str(kind), org=org, org_country=org_country, reason=reason, country=country,
                items=items.get(request.id, []), laws=laws, platform=platform, files=files)
        last = ids[-1]


def _documents(session: Session, request_ids: list[int]) -> dict[int, list[Document]]:
    """The requests' documents (without their content), in the order they came."""
    out: dict[int, list[Document]] = {}
    query = select(Document).where(Document.request_id.in_(request_ids)).order_by(Document.request_id, Document.id)
    for document in session.execute(query).scalars():
        if document.request_id is not None:  # always, by the query (the inbox's have none)
            out.setdefault(document.request_id, []).append(document)
    return out


def uploads(documents: list[Document]) -> list[tuple[Document, str]]:
    """Which of one request's ``documents`` go to Lumen, each with Lumen's kind for it
    (``original`` or ``supporting``), by the rule of the module's docstring."""
    copies = {d.redacts_id: d for d in documents if d.redacts_id is not None and not _holds_people(d)}  # the latest
    chosen: list[tuple[Document, str]] = []
    for d in documents:
        if d.redacts_id is not None or d.kind not in SENT_KINDS:
            continue
        if not _holds_people(d):
            chosen.append((d, "original"))
        elif d.id in copies:
            chosen.append((copies[d.id], "supporting"))
    return chosen


def _holds_people(document: Document) -> bool:
    """Marked as holding personal data, or an e-mail (its headers name people)."""
    return document.personal_data or document.media_type == detect.EML


def file_name(document: Document, kind: str) -> str:
    """The name Lumen stores ``document`` under: a supporting file's from its kind and id, an
    original's from the uploader's name; cleaned as Lumen cleans names, with the extension
    of the type detected from its bytes."""
    extension = EXTENSIONS.get(document.media_type, "bin")
    stem = f"{document.kind}-{document.id}-redacted"
    if kind == "original":
        given, dot, old = document.filename.rpartition(".")
        given = given if dot and given and len(old) <= 10 else document.filename
        cleaned = _NOT_LUMEN.sub("_", given).strip(" .")[:150]
        stem = cleaned if re.search(r"[a-z\d]", cleaned, re.IGNORECASE) else f"{document.kind}-{document.id}"
    return f"{stem}.{extension}"


def file_upload(document: Document, kind: str, data: bytes) -> dict[str, str]:
    """One of Lumen's ``file_uploads_attributes``: the content as a data URI (RFC 2397,
    strict base64) in the type detected."""
    media_type = document.media_type.replace("; ", ";")
    return {"kind": kind, "file": f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}",
            "file_name": file_name(document, kind)}


def _items(session: Session, request_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    rows = session.execute(
        select(Item.request_id, Item.position, Item.url, Content.url, Content.type, item_outcome(), Item.scope)
        .outerjoin(Content, Content.id == Item.content_id)
        .where(Item.request_id.in_(request_ids)).order_by(Item.request_id, Item.position)
    ).all()
    for request_id, position, url, content_url, content_type, outcome, scope in rows:
        out.setdefault(request_id, []).append({"position": position, "url": url or content_url,
                                               "type": str(content_type or "unspecified"), "outcome": outcome,
                                               "scope": scope or []})
    return out


def _citations(session: Session, requests: list[Request]) -> dict[str, str]:
    ids = {b["law"] for r in requests for b in r.legal_basis if b.get("law")}
    if not ids:
        return {}
    return dict(session.execute(select(Law.id, Law.citation).where(Law.id.in_(sorted(ids)))).all())


def _day(moment: dt.datetime) -> str:
    return moment.date().isoformat()


def notice(request: Request, *, kind: str, org: str, org_country: str, reason: str, country: str,
           items: list[dict[str, Any]], laws: dict[str, str], platform: str,
           files: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """One request as a Lumen notice (``{"notice": {...}}``), with its ``files`` (see
    :func:`file_upload`). When the order names the
    authority that decided it, that authority is the notice's ``principal`` (and its type
    follows the authority's kind); the submitter that transmitted it stays the ``sender``."""
    issuer = request.authority_name
    if issuer and request.authority_kind:
        kind_type = AUTHORITY_TYPES.get(request.authority_kind, "GovernmentRequest")
    else:
        kind_type = TYPES.get(kind, "GovernmentRequest")  # a kind the catalog made a government
    outcomes = [i["outcome"] for i in items]
    regulations = [regulation(laws.get(b["law"], b["law"]), b.get("provision")) if b.get("law")
                   else b.get("citation", "") for b in request.legal_basis]
    body_lines = [f"{WORDS[kind_type]} from {org} ({country}) about {reason.lower()}."]
    if issuer:
        body_lines.append(f"Issued by {issuer}; transmitted by {org}.")
    for label, value in (("Reference", request.reference), ("Order number", request.order_number),
                         ("Order date", request.order_date.isoformat() if request.order_date else None),
                         ("Court", request.court_name), ("Case number", request.case_number),
                         ("Register entry", request.register_entry), ("Deadline stated", request.order_deadline)):
        if value:
            body_lines.append(f"{label}: {value}")
    if request.explanation:
        body_lines.append(request.explanation)
    works = []
    for i in items:
        where = "everywhere" if "*" in i["scope"] else ", ".join(i["scope"])
        outcome = OUTCOME_WORDS.get(i["outcome"], i["outcome"])
        works.append({
            "description": redact(f"Item {i['position'] + 1}: {outcome}" + (f" ({where})" if where else "")),
            "kind": i["type"],
            "infringing_urls_attributes": [{"url": i["url"]}] if i["url"] else [],
            "copyrighted_urls_attributes": [],
        })
    roles = [{"name": "sender", "entity_attributes": {"name": redact(org), "kind": "organization",
                                                       "country_code": org_country}},
             {"name": "recipient", "entity_attributes": {"name": platform, "kind": "organization"}}]
    if issuer:
        roles.append({"name": "principal", "entity_attributes": _entity(issuer, request.authority_country)})
    court = _issuing_court(request, kind=kind, org=org, org_country=org_country)
    if court is not None:
        roles.append({"name": "issuing_court", "entity_attributes": _entity(*court)})
    body: dict[str, Any] = {
        "type": kind_type,
        "title": clip(redact(f"{WORDS[kind_type]} from {country}: {reason}"), 255),
        "subject": clip(redact(reason), 255),
        "body": redact("\n\n".join(body_lines)),
        # The date on the order, when known; Lumen's date_sent is the notice's own date.
        "date_sent": request.order_date.isoformat() if request.order_date else _day(request.received_at),
        "date_received": _day(request.received_at),
        "source": SOURCES.get(str(request.channel), "Other"),
        "action_taken": action_taken(outcomes),
        "jurisdiction_list": _listing([request.jurisdiction, *request.requested_scope]),
        "regulation_list": _listing(regulations),
        "tag_list": _listing([request.reason, kind, *(["emergency"] if request.emergency else [])]),
        "works_attributes": works,
        "entity_notice_roles_attributes": roles,
        "file_uploads_attributes": files or [],
    }
    language = lumen_language(request.language)
    if language:
        body["language"] = language
    if kind_type != "CourtOrder":
        body["request_type"] = "Agency"
    # Lumen keeps case_id_number as an integer column (db/schema.rb): "2а-1234/2026" would
    # become 2. Only a case number that is a whole number goes there; every other stays
    # in the body as written ("Case number: …", "Order number: …").
    case_id = (request.case_number or request.order_number or request.reference or "").strip()
    if case_id.isascii() and case_id.isdigit() and int(case_id) < 2**31:
        body["case_id_number"] = int(case_id)
    return {"notice": body}


def _issuing_court(request: Request, *, kind: str, org: str, org_country: str) -> tuple[str, str | None] | None:
    """The court that decided, with its country: the order's issuing authority when it is a
    court, else the court the order names, else the submitter when it is a court and names
    no other authority."""
    if request.authority_name and request.authority_kind == "court":
        return request.authority_name, request.authority_country
    if request.court_name:
        return request.court_name, request.authority_country
    if kind == "court" and not request.authority_name:
        return org, org_country
    return None


def _entity(name: str, country: str | None) -> dict[str, Any]:
    """An organisation as a Lumen entity."""
    entity: dict[str, Any] = {"name": redact(name), "kind": "organization"}
    if country:
        entity["country_code"] = country
    return entity
