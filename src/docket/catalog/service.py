"""Read and change the catalog. Defaults ship as data in ``defaults/*.json``."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar, cast

import pycountry
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from docket import audit, runtime
from docket.catalog.models import Jurisdiction, KindPlace, Law, Reason, RegionMember, RequesterKind
from docket.errors import Conflict, Unprocessable


@cache
def _defaults(name: str) -> dict[str, Any]:
    text = (resources.files("docket.catalog") / "defaults" / f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def shipped_kind_places() -> list[dict[str, Any]]:
    """The requester kinds' places as docket ships them (``defaults/requester_kinds.json``),
    before any ``docket kind set``: where a replay of the log starts."""
    kinds: list[dict[str, Any]] = _defaults("requester_kinds")["kinds"]
    return kinds


def regions() -> dict[str, list[str]]:
    """Region name → member jurisdiction codes (EU, EEA)."""
    return {k: v for k, v in _defaults("regions").items() if not k.startswith("_")}


def country_name(code: str) -> str:
    """The English short name of an ISO 3166-1 alpha-2 code, or the code if unknown."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def seed_defaults(*, session: Session) -> dict[str, int]:
    """Insert catalog rows that are missing; never overwrite what an operator changed."""
    added = {"jurisdictions": 0, "reasons": 0, "laws": 0, "region_members": 0, "law_texts": 0, "requester_kinds": 0}
    laws_data = _defaults("laws")
    overrides = {j["code"]: j for j in laws_data["jurisdictions"]}
    have = set(session.execute(select(Jurisdiction.code)).scalars())
    for country in pycountry.countries:
        code = country.alpha_2
        if code in have:
            continue
        extra = overrides.get(code, {})
        session.add(
            Jurisdiction(
                code=code,
                name=country_name(code),
                default_clock_hours=extra.get("default_clock_hours"),
                emergency_clock_hours=extra.get("emergency_clock_hours"),
                local_rep_signoff=extra.get("local_rep_signoff", False),
                local_rep_title=extra.get("local_rep_title"),
            )
        )
        added["jurisdictions"] += 1
    session.flush()

    have_members = {tuple(r) for r in session.execute(select(RegionMember.region, RegionMember.code))}
    for region, codes in regions().items():
        for code in codes:
            if (region, code) not in have_members:
                session.add(RegionMember(region=region, code=code))
                added["region_members"] += 1

    have = set(session.execute(select(Reason.code)).scalars())
    for reason in _defaults("reasons")["reasons"]:
        if reason["code"] not in have:
            session.add(Reason(**reason))
            added["reasons"] += 1

    have_laws = {law.id: law for law in session.execute(select(Law)).scalars()}
    for law in laws_data["laws"]:
        row = have_laws.get(law["id"])
        if row is None:
            session.add(Law(**law))
            added["laws"] += 1
        elif row.official_url is None and row.excerpt is None and (law.get("official_url") or law.get("excerpt")):
            # A shipped law from before laws carried their text: fill in what was empty.
            row.official_url, row.excerpt = law.get("official_url"), law.get("excerpt")
            added["law_texts"] += 1

    # A schema brought up to an earlier revision (a restore, a test) has no such table yet.
    has_kinds = inspect(session.connection()).has_table(KindPlace.__tablename__)
    have = set(session.execute(select(KindPlace.code)).scalars()) if has_kinds else set()
    for kind in _defaults("requester_kinds")["kinds"] if has_kinds else []:
        if kind["code"] not in have:
            session.add(KindPlace(**kind))
            added["requester_kinds"] += 1
    session.flush()
    if any(added.values()):
        audit.record(
            session=session, actor="system", action="catalog:seeded",
            subject="catalog", payload=added,
        )
    return added


@dataclass(frozen=True)
class JurisdictionInfo:
    """A detached, read-only copy of a jurisdiction row (safe to share between requests)."""

    code: str
    name: str
    default_clock_hours: int | None
    emergency_clock_hours: int | None
    local_rep_signoff: bool


@dataclass(frozen=True)
class LawInfo:
    """A detached, read-only copy of a law row."""

    id: str
    applies_in: str
    citation: str
    clock_hours: int | None
    emergency_clock_hours: int | None
    clock_restarts_on_clarification: bool
    local_rep_signoff: bool


CACHE_SECONDS = 60.0


Row = TypeVar("Row")


def _cached(session: Session, kind: str, key: str, load: Callable[[], Row | None]) -> Row | None:
    """The application's cache of catalog rows that exist (in its runtime). Catalog rows
    are only ever added (laws through an audited action); a miss always asks the database,
    so a law added by another application or process is found at once, and a changed row is
    seen within a minute."""
    cache = runtime.of(session).catalog
    now = time.monotonic()
    hit = cache.get((kind, key))
    if hit is not None and hit[0] > now:
        # The runtime's cache holds every kind; what it holds under ``kind`` is what that
        # kind's ``load`` returned (each kind is cached by one function below).
        return cast(Row, hit[1])
    value = load()
    if value is not None:
        cache[(kind, key)] = (now + CACHE_SECONDS, value)
    return value


def jurisdiction_info(*, session: Session, code: str) -> JurisdictionInfo | None:
    """The jurisdiction ``code`` from the application's cache (see _cached)."""
    def load() -> JurisdictionInfo | None:
        row = get_jurisdiction(session=session, code=code)
        return None if row is None else JurisdictionInfo(
            row.code, row.name, row.default_clock_hours, row.emergency_clock_hours, row.local_rep_signoff)
    return _cached(session, "jurisdiction", code.upper(), load)


def reason_exists(*, session: Session, code: str) -> bool:
    return reason_severity(session=session, code=code) is not None


def reason_severity(*, session: Session, code: str) -> int | None:
    """The severity class of a reason (1 = first), or None if the reason is unknown."""
    def load() -> int | None:
        row = get_reason(session=session, code=code)
        return None if row is None else int(row.severity)
    return _cached(session, "reason", code, load)


def law_info(*, session: Session, law_id: str) -> LawInfo | None:
    """The law ``law_id`` from the application's cache (see _cached)."""
    def load() -> LawInfo | None:
        row = get_law(session=session, law_id=law_id)
        return None if row is None else LawInfo(
            row.id, row.applies_in, row.citation, row.clock_hours, row.emergency_clock_hours,
            row.clock_restarts_on_clarification, row.local_rep_signoff)
    return _cached(session, "law", law_id, load)


@dataclass(frozen=True)
class KindPlaces:
    """Every requester kind's place, from the catalog: which kinds the reports count as
    governments, and which must cite a legal basis (an authority's request)."""

    government: frozenset[str]
    legal_basis: frozenset[str]
    labels: dict[str, str]

    def is_government(self, kind: str) -> bool:
        return str(kind) in self.government

    def needs_legal_basis(self, kind: str) -> bool:
        return str(kind) in self.legal_basis

    @property
    def government_kinds(self) -> tuple[str, ...]:
        """The government kinds, sorted (for ``IN (...)`` in a report's query)."""
        return tuple(sorted(self.government))


def kind_places(*, session: Session) -> KindPlaces:
    """The requester kinds' places from the application's cache (see _cached). A kind the
    catalog lacks is neither a government nor bound to cite a law."""
    def load() -> KindPlaces:
        rows = session.execute(select(KindPlace)).scalars().all()
        return KindPlaces(frozenset(r.code for r in rows if r.government),
                          frozenset(r.code for r in rows if r.legal_basis_required),
                          {r.code: r.label for r in rows})
    places = _cached(session, "kinds", "all", load)
    assert places is not None
    return places


def list_kinds(*, session: Session) -> Sequence[KindPlace]:
    return session.execute(select(KindPlace).order_by(KindPlace.code)).scalars().all()


def set_kind(*, session: Session, actor: str, code: str, government: bool | None = None,
             legal_basis_required: bool | None = None, label: str | None = None) -> KindPlace:
    """Change a requester kind's place in the catalog (an audited change); the reports,
    the exports and the completeness check follow it."""
    if code not in RequesterKind.__members__:
        raise Unprocessable(f"unknown requester kind {code!r}", errors=[
            {"field": "kind", "message": "one of " + ", ".join(k.value for k in RequesterKind)}])
    row = session.get(KindPlace, code)
    before = None if row is None else kind_dict(row)
    if row is None:
        row = KindPlace(code=code, label=label or code.replace("_", " ").capitalize(),
                        government=False, legal_basis_required=False)
        session.add(row)
    if government is not None:
        row.government = government
    if legal_basis_required is not None:
        row.legal_basis_required = legal_basis_required
    if label is not None:
        row.label = label
    session.flush()
    # This application sees the change at once; others within CACHE_SECONDS.
    runtime.of(session).catalog.pop(("kinds", "all"), None)
    audit.record(session=session, actor=actor, action="requester_kind:changed",
                 subject=f"requester_kind:{code}", payload={"before": before, "after": kind_dict(row)})
    return row


def kind_dict(row: KindPlace) -> dict[str, Any]:
    return {"code": row.code, "label": row.label, "government": row.government,
            "legal_basis_required": row.legal_basis_required}


def get_jurisdiction(*, session: Session, code: str) -> Jurisdiction | None:
    return session.get(Jurisdiction, code.upper())


def list_jurisdictions(*, session: Session) -> Sequence[Jurisdiction]:
    return session.execute(select(Jurisdiction).order_by(Jurisdiction.code)).scalars().all()


def get_reason(*, session: Session, code: str) -> Reason | None:
    return session.get(Reason, code)


def list_reasons(*, session: Session) -> Sequence[Reason]:
    return session.execute(select(Reason).order_by(Reason.severity, Reason.code)).scalars().all()


def get_law(*, session: Session, law_id: str) -> Law | None:
    return session.get(Law, law_id)


def list_laws(*, session: Session, applies_in: str | None = None) -> Sequence[Law]:
    """Laws, optionally those that apply in one jurisdiction (directly or through a region)."""
    query = select(Law).order_by(Law.applies_in, Law.id)
    if applies_in:
        code = applies_in.upper()
        in_regions = [r for r, members in regions().items() if code in members]
        query = query.where(Law.applies_in.in_([code, *in_regions]))
    return session.execute(query).scalars().all()


def law_applies(law: Law | LawInfo, jurisdiction: str) -> bool:
    """Whether ``law`` is law in ``jurisdiction``."""
    if law.applies_in == jurisdiction:
        return True
    return jurisdiction in regions().get(law.applies_in, ())


URL_MAX = 500
EXCERPT_MAX = 2000
NO_CLOCK = "no clock stated: the jurisdiction's default applies"


def official_url_error(url: str) -> str | None:
    """Why ``url`` cannot be a law's official link, or None if it can."""
    if len(url) > URL_MAX:
        return f"at most {URL_MAX} characters"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        return "an http:// or https:// address of the official publisher, e.g. https://www.gesetze-im-internet.de/netzdg/"
    return None


def add_law(
    *, session: Session, actor: str, id: str, applies_in: str, citation: str, title: str,
    clock_hours: int | None = None, emergency_clock_hours: int | None = None,
    clock_basis: str | None = None, clock_restarts_on_clarification: bool = True,
    local_rep_signoff: bool = False, notes: str | None = None,
    official_url: str | None = None, excerpt: str | None = None, automated_copies: bool = False,
) -> Law:
    """Add a law to the catalog (an audited change)."""
    applies_in = applies_in.upper()
    official_url = (official_url or "").strip() or None
    excerpt = (excerpt or "").strip() or None
    if official_url is not None and (problem := official_url_error(official_url)) is not None:
        raise Unprocessable(f"official_url {official_url[:80]!r} refused",
                            errors=[{"field": "official_url", "message": problem}])
    if excerpt is not None and len(excerpt) > EXCERPT_MAX:
        raise Unprocessable(
            f"excerpt too long ({len(excerpt)} characters)",
            errors=[{"field": "excerpt", "message": f"a sentence or two: at most {EXCERPT_MAX} characters"}],
        )
    if applies_in not in regions() and get_jurisdiction(session=session, code=applies_in) is None:
        raise Unprocessable(
            f"unknown jurisdiction {applies_in!r}",
            errors=[{"field": "applies_in", "message": "an ISO 3166-1 alpha-2 code, or EU or EEA"}],
        )
    for field, hours in (("clock_hours", clock_hours), ("emergency_clock_hours", emergency_clock_hours)):
        if hours is not None and not 1 <= hours <= 24 * 365:
            raise Unprocessable(
                f"{field} out of range",
                errors=[{"field": field, "message": "hours between 1 and 8760"}],
            )
    if get_law(session=session, law_id=id) is not None:
        raise Conflict(f"a law with id {id!r} is already in the catalog")
    law = Law(
        id=id, applies_in=applies_in, citation=citation, title=title,
        clock_hours=clock_hours, emergency_clock_hours=emergency_clock_hours,
        clock_basis=clock_basis, clock_restarts_on_clarification=clock_restarts_on_clarification,
        local_rep_signoff=local_rep_signoff, notes=notes, official_url=official_url, excerpt=excerpt,
        automated_copies=automated_copies,
    )
    session.add(law)
    session.flush()
    audit.record(
        session=session, actor=actor, action="law:added", subject=f"law:{id}",
        payload=law_dict(law),
    )
    return law


def law_dict(law: Law) -> dict[str, Any]:
    return {
        "id": law.id,
        "applies_in": law.applies_in,
        "citation": law.citation,
        "title": law.title,
        "clock_hours": law.clock_hours,
        "emergency_clock_hours": law.emergency_clock_hours,
        "clock_basis": law.clock_basis,
        "clock_restarts_on_clarification": law.clock_restarts_on_clarification,
        "local_rep_signoff": law.local_rep_signoff,
        "automated_copies": law.automated_copies,
        "active": law.active,
        "official_url": law.official_url,
        "excerpt": law.excerpt,
        "clock_stated": bool(law.clock_hours),
        "clock": clock_statement(law),
    }


def clock_statement(law: Law) -> str:
    """The law's clock in words: its hours and wording, or that it states none."""
    if not law.clock_hours:
        return NO_CLOCK
    return f"{law.clock_hours} h" + (f" ({law.clock_basis})" if law.clock_basis else "")
