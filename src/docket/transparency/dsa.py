"""DSA statements of reasons for the Commission's Transparency Database (DSA Art. 24(5)).

One statement per decision that took effect and restricted content (or an account,
``decision_account``) for viewers in an EU/EEA country: a restriction whose scope names
an EU/EEA country (or everywhere), or a removal for breaking the platform's rules
(everywhere). A restriction reversed on appeal
keeps its statement: the decision was taken. The schema and every accepted value are
those of the Transparency Database (``dsa-sor-values.json``, copied from the reference);
:func:`validate` checks a statement against its field rules and the exporter refuses to
write or send one that fails.

No personal data: no names of people, no e-mail addresses, no user or author ids. The
source is named only when it is an organisation (an authority or a trusted flagger);
free text written by staff has e-mail addresses and phone numbers redacted.

A statement whose notice to the author a gag order still holds is *deferred*: the
Transparency Database is public, so it waits until the hold is lifted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from docket.catalog import service as catalog
from docket.catalog.models import Jurisdiction, Law, Reason, RequesterKind
from docket.content.models import Content
from docket.intake.models import Channel, Item, Report, Request
from docket.notices.models import NoticeHold
from docket.parties.models import Submitter
from docket.review.models import Decision
from docket.transparency.exports import clip, redact
from docket.transparency.periods import Period

BATCH = 100  # the batch endpoint takes 1 to 100 statements, all or nothing
RESTRICTING = ("restricted", "removed_policy")
GLOBAL = "*"
ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
PUID = re.compile(r"^[a-zA-Z0-9-_]+$")
URL = re.compile(r"^https?://[^\s/?#@]+(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)
EAN13 = re.compile(r"^\d{13}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

CONTENT_TYPES = {"post": "CONTENT_TYPE_TEXT", "comment": "CONTENT_TYPE_TEXT", "message": "CONTENT_TYPE_TEXT",
                 "image": "CONTENT_TYPE_IMAGE", "video": "CONTENT_TYPE_VIDEO", "audio": "CONTENT_TYPE_AUDIO",
                 "product": "CONTENT_TYPE_PRODUCT"}
OTHER_TYPES = {"account": "Account (every piece of content of one author)", "other": "Other content"}
KIND_WORDS = {"court": "a court", "government_agency": "a government agency", "police": "a police authority",
              "regulator": "a regulator"}
# The issuing authority's kind (docket.intake.models.AuthorityKind), in words.
AUTHORITY_WORDS = {"court": "a court", "ministry": "a ministry", "regulator": "a regulator",
                   "police": "a police authority", "prosecutor": "a prosecutor", "other": "an authority"}


@dataclass(frozen=True)
class Issuer:
    """The authority that decided an order the submitter transmitted (its particulars)."""

    name: str
    kind: str | None
    country: str | None
    order_date: dt.date | None

    def words(self) -> str:
        """``Landgericht Hamburg (a court of Germany) dated 2026-02-27``."""
        what = AUTHORITY_WORDS.get(self.kind or "", "an authority")
        where = f" of {catalog.country_name(self.country)}" if self.country else ""
        dated = f" dated {self.order_date.isoformat()}" if self.order_date else ""
        return f"{self.name} ({what}{where}){dated}"


@cache
def values() -> dict[str, Any]:
    """The Transparency Database's accepted values (keys are what is sent)."""
    text = resources.files("docket.transparency").joinpath("dsa-sor-values.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def eea() -> list[str]:
    """The 30 codes ``territorial_scope`` accepts (EU 27, IS, LI, NO; Greece is GR)."""
    return list(values()["territorial_scope_countries"])


# ---------------------------------------------------------------- the validator
def _allowed(name: str) -> set[str]:
    found = values()[name]
    return set(found) if isinstance(found, (dict, list)) else set()


def _day(value: Any, low: str, high: str) -> str | None:
    if not isinstance(value, str) or not DAY.match(value):
        return "must be a date YYYY-MM-DD"
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return "must be a real date YYYY-MM-DD"
    if not low <= value <= high:
        return f"must be between {low} and {high}"
    return None


def _text(errors: dict[str, list[str]], s: dict[str, Any], field: str, limit: int, *, required: bool) -> None:
    value = s.get(field)
    if value is None or value == "":
        if required:
            errors.setdefault(field, []).append("is required")
        return
    if not isinstance(value, str):
        errors.setdefault(field, []).append("must be text")
    elif len(value) > limit:
        errors.setdefault(field, []).append(f"must be at most {limit} characters")


FIELDS = frozenset({
    "decision_visibility", "decision_visibility_other", "end_date_visibility_restriction",
    "decision_monetary", "decision_monetary_other", "end_date_monetary_restriction",
    "decision_provision", "end_date_service_restriction", "decision_account", "end_date_account_restriction",
    "account_type", "decision_ground", "decision_ground_reference_url", "illegal_content_legal_ground",
    "illegal_content_explanation", "incompatible_content_ground", "incompatible_content_explanation",
    "incompatible_content_illegal", "category", "category_addition", "category_specification",
    "category_specification_other", "content_type", "content_type_other", "content_language", "content_date",
    "territorial_scope", "application_date", "decision_facts", "source_type", "source_identity",
    "automated_detection", "automated_decision", "puid", "content_id",
})
OTHER_LIMIT = 500  # every ``*_other`` field, the legal ground and the reference URL


def ean13_ok(code: str) -> bool:
    """Whether ``code`` is 13 digits whose last is the EAN-13 check digit."""
    if not EAN13.match(code):
        return False
    digits = [int(c) for c in code]
    return (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10 == digits[12]


def batch_problems(batch: list[dict[str, Any]]) -> list[str]:
    """What the batch endpoint would refuse of ``batch`` as a whole: 1 to 100 statements,
    no puid twice (it answers a repeated puid as if the database knew it already)."""
    problems = []
    if not 1 <= len(batch) <= BATCH:
        problems.append(f"a batch holds 1 to {BATCH} statements, not {len(batch)}")
    puids = [s.get("puid") for s in batch]
    twice = sorted({p for p in puids if isinstance(p, str) and puids.count(p) > 1})
    if twice:
        problems.append("puid sent twice in one batch: " + ", ".join(twice))
    return problems


def validate(s: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with statement ``s`` under the Transparency Database's rules, by field
    (empty when nothing is): required fields, accepted values, conditional fields, lengths
    and date formats. Stricter than the database where it silently drops a field (the
    other ground's fields, ``source_identity`` of a voluntary decision): docket never
    sends what would be dropped."""
    errors: dict[str, list[str]] = {}

    def bad(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in sorted(set(s) - FIELDS):
        bad(field, "is not a field of a statement of reasons")
    ground = s.get("decision_ground")
    if not ground:
        bad("decision_ground", "is required")
    elif ground not in _allowed("decision_grounds"):
        bad("decision_ground", f"{ground!r} is not an accepted value")
    _text(errors, s, "decision_facts", 5000, required=True)
    types = s.get("content_type")
    if not types:
        bad("content_type", "is required (a list)")
    elif not isinstance(types, list) or any(t not in _allowed("content_types") for t in types):
        bad("content_type", "must be a list of accepted values")
    _text(errors, s, "content_type_other", 500, required=isinstance(types, list) and "CONTENT_TYPE_OTHER" in types)
    category = s.get("category")
    if not category:
        bad("category", "is required")
    elif category not in _allowed("statement_categories"):
        bad("category", f"{category!r} is not an accepted value")
    for field, name in (("category_addition", "statement_categories"), ("category_specification", "keywords")):
        if field in s and (not isinstance(s[field], list) or any(v not in _allowed(name) for v in s[field])):
            bad(field, "must be a list of accepted values")
    _text(errors, s, "category_specification_other", 500,
          required="KEYWORD_OTHER" in (s.get("category_specification") or []))
    for field, low in (("content_date", "2000-01-01"), ("application_date", "2020-01-01")):
        if s.get(field) is None:
            bad(field, "is required")
        elif (problem := _day(s[field], low, "2038-01-01")) is not None:
            bad(field, problem)
    for field in ("end_date_visibility_restriction", "end_date_monetary_restriction",
                  "end_date_service_restriction", "end_date_account_restriction"):
        if s.get(field) is not None and (problem := _day(s[field], "2000-01-01", "2038-01-01")) is not None:
            bad(field, problem + " or null")
    source = s.get("source_type")
    if not source:
        bad("source_type", "is required")
    elif source not in _allowed("source_types"):
        bad("source_type", f"{source!r} is not an accepted value")
    if source == "SOURCE_VOLUNTARY" and s.get("source_identity"):
        bad("source_identity", "is not given for SOURCE_VOLUNTARY")
    _text(errors, s, "source_identity", 500, required=False)
    if s.get("automated_detection") not in _allowed("automated_detections"):
        bad("automated_detection", "is required: Yes or No")
    if s.get("automated_decision") not in _allowed("automated_decisions"):
        bad("automated_decision", "is required: an accepted value")
    puid = s.get("puid")
    if not puid:
        bad("puid", "is required")
    elif not isinstance(puid, str) or len(puid) > 500 or not PUID.match(puid):
        bad("puid", "must be at most 500 characters of a-z, A-Z, 0-9, '-' and '_'")
    _restrictions(s, bad)
    _grounds(s, ground, bad)
    scope = s.get("territorial_scope")
    if scope is not None and (not isinstance(scope, list) or any(c not in _allowed("territorial_scope_countries")
                                                                 for c in scope)):
        bad("territorial_scope", "must be a list of EU/EEA codes (Greece is GR)")
    language = s.get("content_language")
    if language is not None and language not in _allowed("content_languages"):
        bad("content_language", "must be an upper-case ISO 639-1 code")
    if s.get("account_type") is not None and s["account_type"] not in _allowed("account_types"):
        bad("account_type", "is not an accepted value")
    _others(s, bad)
    url = s.get("decision_ground_reference_url")
    if url is not None and (not isinstance(url, str) or len(url) > OTHER_LIMIT or not URL.match(url)):
        bad("decision_ground_reference_url", f"must be an http(s) URL of at most {OTHER_LIMIT} characters")
    content_id = s.get("content_id")
    if content_id is not None:
        if not isinstance(content_id, dict) or set(content_id) - {"EAN-13"}:
            bad("content_id", "must be an object whose only key is EAN-13")
        elif "EAN-13" in content_id and not (isinstance(content_id["EAN-13"], str) and ean13_ok(content_id["EAN-13"])):
            bad("content_id", "EAN-13 must be 13 digits with a right check digit")
    return errors


def _restrictions(s: dict[str, Any], bad: Any) -> None:
    present = [f for f in ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
               if s.get(f)]
    if not present:
        bad("decision_visibility", "at least one of decision_visibility, decision_monetary, "
                                   "decision_provision or decision_account is required")
    visibility = s.get("decision_visibility")
    if visibility is not None and (not isinstance(visibility, list)
                                   or any(v not in _allowed("decision_visibilities") for v in visibility)):
        bad("decision_visibility", "must be a list of accepted values")
    _other = isinstance(visibility, list) and "DECISION_VISIBILITY_OTHER" in visibility
    if _other and not s.get("decision_visibility_other"):
        bad("decision_visibility_other", "is required with DECISION_VISIBILITY_OTHER")
    for field, name in (("decision_monetary", "decision_monetaries"), ("decision_provision", "decision_provisions"),
                        ("decision_account", "decision_accounts")):
        if s.get(field) is not None and s[field] not in _allowed(name):
            bad(field, "is not an accepted value")
    if s.get("decision_monetary") == "DECISION_MONETARY_OTHER" and not s.get("decision_monetary_other"):
        bad("decision_monetary_other", "is required with DECISION_MONETARY_OTHER")
    for field in ("decision_visibility_other", "decision_monetary_other"):
        value = s.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > 500):
            bad(field, "must be text of at most 500 characters")


OTHERS = (("decision_visibility_other", "decision_visibility", "DECISION_VISIBILITY_OTHER"),
          ("decision_monetary_other", "decision_monetary", "DECISION_MONETARY_OTHER"),
          ("content_type_other", "content_type", "CONTENT_TYPE_OTHER"),
          ("category_specification_other", "category_specification", "KEYWORD_OTHER"))


def _others(s: dict[str, Any], bad: Any) -> None:
    """An ``*_other`` text goes with its ``…_OTHER`` value only: the database drops it
    silently otherwise (``exclude_unless``), so docket refuses to send it."""
    for field, parent, value in OTHERS:
        given = s.get(parent)
        chosen = value in given if isinstance(given, list) else given == value
        if s.get(field) not in (None, "") and not chosen:
            bad(field, f"is given only with {value}")


def _grounds(s: dict[str, Any], ground: Any, bad: Any) -> None:
    mine = {ILLEGAL: (("illegal_content_legal_ground", 500), ("illegal_content_explanation", 2000)),
            INCOMPATIBLE: (("incompatible_content_ground", 500), ("incompatible_content_explanation", 2000))}
    for name, fields in mine.items():
        for field, limit in fields:
            value = s.get(field)
            if ground == name:
                if not value:
                    bad(field, f"is required with {name}")
                elif not isinstance(value, str) or len(value) > limit:
                    bad(field, f"must be text of at most {limit} characters")
            elif value is not None:
                bad(field, f"belongs to {name} only")
    illegal = s.get("incompatible_content_illegal")
    if illegal is not None and (ground != INCOMPATIBLE or illegal not in _allowed("incompatible_content_illegals")):
        bad("incompatible_content_illegal", "Yes or No, with DECISION_GROUND_INCOMPATIBLE_CONTENT only")


# ---------------------------------------------------------------- statements from decisions
@dataclass(frozen=True)
class Selection:
    """The statements of a period, and how many decisions were deferred by a gag order."""

    total: int  # statements to export
    held: int  # deferred while a hold is in force


def scope_in_eea() -> Any:
    """Decisions whose scope names an EU/EEA country or everywhere (JSON text search: the
    scope is a JSON list of two-letter codes, the same text on both engines)."""
    text = cast(Decision.scope, String)
    return or_(*(text.contains(f'"{code}"') for code in [GLOBAL, *eea()]))


def _held() -> Any:
    return exists().where(NoticeHold.request_id == Item.request_id, NoticeHold.status == "held")


def _base(period: Period | None) -> Any:
    where = [Decision.effective_at.is_not(None), Decision.outcome.in_(RESTRICTING),
             Decision.status.in_(("effective", "reversed")), scope_in_eea()]
    if period is not None:
        where += [Decision.effective_at >= period.start, Decision.effective_at < period.end]
    return and_(*where)


def select_statements(*, session: Session, period: Period | None = None) -> Selection:
    """How many statements ``period`` has (by the day their decision took effect), and how
    many wait for a gag order to be lifted."""
    total, held = session.execute(
        select(func.count(), func.sum(case((_held(), 1), else_=0)))
        .select_from(Decision).join(Item, Item.id == Decision.item_id).where(_base(period))
    ).one()
    held = int(held or 0)
    return Selection(total=int(total) - held, held=held)


def statements(*, session: Session, period: Period | None = None, prefix: str = "docket",
               chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """The statements of ``period`` (all time when None), in decision order, without the
    deferred ones. ``prefix`` starts every ``puid`` (``<prefix>-decision-<id>``): the same
    decision has the same puid on every run."""
    art16_report = exists().where(Report.item_id == Item.id, Report.art16_notice.is_(True))
    query = (
        select(Decision, Item.jurisdiction, Item.flag_rank, Item.request_id, Request.channel, Request.art16_notice,
               Request.received_at, Submitter.kind, Submitter.name, Content.type, Content.created_at,
               Content.registered_at, Content.language, Reason.label, Reason.dsa_category, Law.citation,
               Jurisdiction.name, art16_report.label("art16_report"), Request.authority_name,
               Request.authority_kind, Request.authority_country, Request.order_date)
        .select_from(Decision).join(Item, Item.id == Decision.item_id)
        .join(Request, Request.id == Item.request_id).join(Submitter, Submitter.id == Request.submitter_id)
        .join(Reason, Reason.code == Item.reason).join(Jurisdiction, Jurisdiction.code == Item.jurisdiction)
        .outerjoin(Content, Content.id == Item.content_id).outerjoin(Law, Law.id == Decision.law)
        .where(_base(period), ~_held()).order_by(Decision.id)
    )
    government = catalog.kind_places(session=session).government
    last = 0
    while True:
        rows = session.execute(query.where(Decision.id > last).limit(chunk)).all()
        if not rows:
            return
        for row in rows:
            yield statement(row, government=government, prefix=prefix)
        last = rows[-1][0].id


def source_of(*, kind: str, government: bool, channel: str, flag_rank: int, art16_request: bool,
              art16_report: bool) -> str:
    """The Transparency Database's source type for who sent the notice or order
    (``government``: the catalog counts ``kind`` as a government). A copy docket's matcher
    found (channel ``match``) is the platform's own-initiative detection: voluntary."""
    if channel == Channel.match:
        return "SOURCE_VOLUNTARY"
    if government:
        return "SOURCE_TYPE_OTHER_NOTIFICATION"  # the database has no type for authority orders
    if kind == RequesterKind.trusted_flagger and flag_rank == 0:
        return "SOURCE_TRUSTED_FLAGGER"  # within its designation (DSA Art. 22)
    if art16_report if channel == Channel.report else art16_request:
        return "SOURCE_ARTICLE_16"
    return "SOURCE_TYPE_OTHER_NOTIFICATION"


def account_decision(d: Decision) -> str:
    """The Transparency Database's ``decision_account`` for a decision on an account:
    terminated when it is removed everywhere for good (a removal under the platform's
    rules, or a restriction everywhere with no end), suspended otherwise (in some
    countries, or for a period)."""
    if d.outcome == "removed_policy" or (GLOBAL in d.scope and d.ends_at is None):
        return "DECISION_ACCOUNT_TERMINATED"
    return "DECISION_ACCOUNT_SUSPENDED"


def _facts(d: Decision, *, kind: str, source: str, reason: str, country: str, received: dt.datetime,
           issuer: Issuer | None = None, account: bool = False, decided_by: str | None = None) -> str:
    when = received.date().isoformat()
    if issuer is not None:
        # The order's particulars name who decided it: the submitter only transmitted it.
        sender = KIND_WORDS.get(kind, "the sender")
        sent = f"On {when} {sender} of {country} transmitted an order of {issuer.words()}, which required the " \
               f"provider to act against this content ({reason})."
    elif source == "SOURCE_TYPE_OTHER_NOTIFICATION" and (decided_by or kind in KIND_WORDS):
        # The order's own kind says who decided it (a court ordered, even if the police sent it).
        who = AUTHORITY_WORDS.get(decided_by or "") or KIND_WORDS.get(kind, "an authority")
        sent = f"On {when} {who} of {country} ordered the provider to act against this content ({reason})."
    elif source == "SOURCE_TRUSTED_FLAGGER":
        sent = f"On {when} a trusted flagger, acting within its designation, notified this content ({reason})."
    elif source == "SOURCE_ARTICLE_16":
        sent = f"On {when} a notice under Article 16 DSA reported this content ({reason})."
    elif source == "SOURCE_VOLUNTARY":
        sent = (f"On {when} the provider's own matching found this content to be a copy of content "
                f"restricted earlier ({reason}).")
    else:
        sent = f"On {when} a notice reported this content ({reason})."
    review = ("Staff reviewed it against the provider's terms and conditions, the law cited and the rights "
              "of the people concerned; no automated means were used.")
    if source == "SOURCE_VOLUNTARY":
        review = ("It was decided by automated means as the earlier decision was, as the law cited requires."
                  if d.automated else "Staff confirmed it is a copy and decided it as the earlier decision was.")
    what = "The account and all its content were" if account else "The content was"
    if d.outcome == "removed_policy":
        done = f"{what} removed everywhere because it breaks the provider's terms and conditions."
    else:
        where = "everywhere" if GLOBAL in d.scope else "in " + ", ".join(sorted(d.scope))
        until = f" until {d.ends_at.date().isoformat()}" if d.ends_at else ""
        subject = "the account and all its content" if account else "the content"
        done = f"Access to {subject} was disabled for viewers {where}{until}, and nowhere else."
    parts = [sent, review, done]
    if d.status == "reversed":
        parts.append("The decision was later reversed on appeal.")
    return " ".join(parts)


def cited_once(*parts: str | None) -> str:
    """The citations of ``parts`` joined by ", ", each once: a provision that repeats the
    law (``§ 186 StGB`` and ``§ 186 StGB``) or is already part of it is not cited again."""
    found: list[str] = []
    for part in parts:
        for piece in re.split(r"\s*[,;]\s*", part or ""):
            piece = piece.strip()
            if not piece:
                continue
            key = " ".join(piece.lower().split())
            if any(key in " ".join(f.lower().split()) for f in found):
                continue
            found = [f for f in found if " ".join(f.lower().split()) not in key] + [piece]
    return ", ".join(found)


def statement(row: Any, *, government: frozenset[str], prefix: str = "docket") -> dict[str, Any]:
    """The statement of one decision row (see :func:`statements` for the columns);
    ``government``: the kinds the catalog counts as governments."""
    (d, jurisdiction, flag_rank, _request_id, channel, art16_request, received, kind, org, content_type,
     created, registered, language, reason, category, citation, country, art16_report, authority_name,
     authority_kind, authority_country, order_date) = row
    issuer = Issuer(authority_name, authority_kind, authority_country, order_date) if authority_name else None
    source = source_of(kind=str(kind), government=str(kind) in government, channel=str(channel), flag_rank=flag_rank,
                       art16_request=bool(art16_request), art16_report=bool(art16_report))
    scope = eea() if GLOBAL in d.scope else [c for c in eea() if c in d.scope]
    effective = d.effective_at
    content_day = (created or registered or received).date()
    account = str(content_type) == "account"
    end = d.ends_at.date().isoformat() if d.ends_at else None
    s: dict[str, Any]
    if account:  # a decision on the account: its content goes with it
        s = {"decision_account": account_decision(d), "end_date_account_restriction": end}
    else:
        s = {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED" if d.outcome == "removed_policy"
                                     else "DECISION_VISIBILITY_CONTENT_DISABLED"],
             "end_date_visibility_restriction": end}
    s |= {
        "decision_ground": INCOMPATIBLE if d.outcome == "removed_policy" else ILLEGAL,
        "category": category,
        "content_type": [CONTENT_TYPES.get(str(content_type), "CONTENT_TYPE_OTHER")],
        "content_date": max(content_day, dt.date(2000, 1, 1)).isoformat(),
        "application_date": effective.date().isoformat(),
        "territorial_scope": scope,
        "decision_facts": clip(redact(_facts(d, kind=str(kind), source=source, reason=reason, country=country,
                                             received=received, issuer=issuer, account=account,
                                             decided_by=authority_kind)), 5000),
        "source_type": source,
        # A copy found by docket's matcher was detected by automated means, decided or not.
        "automated_detection": "Yes" if d.automated or source == "SOURCE_VOLUNTARY" else "No",
        "automated_decision": "AUTOMATED_DECISION_FULLY" if d.automated else "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": f"{prefix}-decision-{d.id}",
    }
    if s["content_type"] == ["CONTENT_TYPE_OTHER"]:
        s["content_type_other"] = OTHER_TYPES.get(str(content_type), "Content not recorded")
    if language and language.upper() in values()["content_languages"]:
        s["content_language"] = language.upper()
    if str(kind) in government or kind == RequesterKind.trusted_flagger:
        s["source_identity"] = clip(redact(org), 500)  # an organisation, never a person
    explanation = clip(redact(d.explanation), 2000)
    if s["decision_ground"] == ILLEGAL:
        law = citation or d.law or f"the law of {country}"
        s["illegal_content_legal_ground"] = clip(redact(cited_once(law, d.provision)), 500)
        s["illegal_content_explanation"] = explanation
    else:
        s["incompatible_content_ground"] = clip(redact(d.policy_clause or "the provider's terms and conditions"), 500)
        s["incompatible_content_explanation"] = explanation
    return s
