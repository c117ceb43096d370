"""From a notice's text, propose a request: the addresses it names, who sent it and who
decided, the country, the order's particulars, the laws cited, the measures asked and the
reason — each proposed value with the span of the text it was read from, so that a person
checks it against the letter before anything is submitted.

Deterministic and local: patterns and tables (``proposals.json``) compiled once, the
catalog's laws and reasons and the known submitters read from the database, no network
and no model. :meth:`Proposal.to_request` gives the body ``POST /api/v1/requests`` takes,
so that a confirmed proposal enters through the one intake path like any request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from docket.catalog import service as catalog
from docket.content.urls import normalize_url, refang
from docket.extraction import proposal_addresses as addresses
from docket.extraction import proposal_laws as laws
from docket.extraction.proposal_addresses import Address
from docket.extraction.proposal_laws import CitedLaw, LawRef
from docket.extraction.proposal_order import Authority, Particulars, particulars
from docket.extraction.proposal_text import (
    Found,
    Paragraph,
    data,
    dates,
    first,
    keyword_table,
    language,
    loose_name,
    pattern_list,
    reason,
    sentence_at,
    skeleton,
    table_hits,
)
from docket.parties import service as parties
from docket.settings import Settings

__all__ = ["Address", "Authority", "CitedLaw", "Found", "Measure", "Particulars", "Proposal", "Sender", "propose"]


@dataclass(frozen=True)
class Sender:
    """The known submitter the letter comes from, and what it was recognised by: its
    ``email`` address, its e-mail ``domain``, one of its names in its own language in the
    letter's ``letterhead`` or signature (``known_authorities`` in proposals.json), or its
    ``name`` anywhere."""

    submitter_id: int
    name: str
    country: str
    by: str


@dataclass(frozen=True)
class Measure:
    """A measure asked for (intake's measure kinds), the account it names (the handle, where
    the letter names it), and whether the letter asks that it be at least withheld in the
    country if not granted."""

    kind: str
    account: Found[str] | None = None
    fallback: bool = False


@dataclass(frozen=True)
class Proposal:
    """What the text proposes; every value :class:`Found` where it was read."""

    addresses: tuple[Found[Address], ...] = ()
    sender: Found[Sender] | None = None
    country: Found[str] | None = None
    language: Found[str] | None = None
    reference: Found[str] | None = None
    order: Particulars = field(default_factory=Particulars)
    laws: tuple[Found[CitedLaw], ...] = ()
    measures: tuple[Found[Measure], ...] = ()
    reason: Found[str] | None = None
    explanation: Found[str] | None = None  # the sentence that says why (with the reason's words)
    other_items: Found[str] | None = None
    dates: tuple[Found[dt.date], ...] = ()

    @property
    def items(self) -> tuple[Found[Address], ...]:
        """The addresses the request lists: the platform's content (each once) and those withheld."""
        seen: set[str] = set()
        out = []
        for f in self.addresses:
            key = normalize_url(f.value.url) if f.value.url else f"withheld:{f.start}"
            if f.value.item and key not in seen:
                seen.add(key)
                out.append(f)
        return tuple(out)

    @property
    def elsewhere(self) -> tuple[Found[Address], ...]:
        """The addresses that are not the platform's content: the authority's own site, law
        portals, app stores, other sites, the platform's other pages."""
        return tuple(f for f in self.addresses if not f.value.item)

    def to_request(self) -> dict[str, Any]:
        """The body of ``POST /api/v1/requests`` for this proposal: each address as written
        (intake reads a defanged one refanged and notes it; a withheld one makes an unlisted
        item). A field with nothing proposed is left out, so intake's answer names it."""
        body: dict[str, Any] = {"reason": self.reason.value if self.reason else "unspecified"}
        if self.country:
            body["jurisdiction"] = self.country.value
        if self.reference:
            body["reference"] = self.reference.value[:200]
        if self.language:
            body["language"] = self.language.value
        basis: list[dict[str, str]] = []
        for f in self.laws:
            entry = {"law": f.value.law} if f.value.law else {"citation": f.value.citation[:500]}
            if f.value.law and f.value.whole_law and f.value.provision:
                entry["provision"] = f.value.provision[:300]
            if entry not in basis:
                basis.append(entry)
        if basis:
            body["legal_basis"] = basis[:20]
        body["items"] = [{"url": _given(f.value)} for f in self.items][:1000]
        if order := self._order():
            body["order"] = order
        kinds = {f.value.kind: f.value for f in self.measures}
        if "remove_global" in kinds:
            body["requested_action"] = "remove"
        asked = self._measures(kinds)
        if asked is not None:
            body["measures"] = asked
        if self.other_items:
            body["other_items"] = self.other_items.value[:2000]
        if self.explanation:
            body["explanation"] = self.explanation.value
        return body

    def _order(self) -> dict[str, Any]:
        o = self.order
        out: dict[str, Any] = {}
        if o.issuing_authority:
            authority = o.issuing_authority.value
            out["issuing_authority"] = {"name": authority.name[:300], "kind": authority.kind,
                                        **({"country": self.country.value} if self.country else {})}
        for name in ("number", "court", "case_number", "register_entry"):
            value = getattr(o, name)
            if value is not None:
                out[name] = value.value[:200]
        if o.deadline:
            out["deadline"] = o.deadline.value[:500]
        if o.date:
            out["date"] = o.date.value.isoformat()
        return out

    @staticmethod
    def _measures(kinds: dict[str, Measure]) -> list[dict[str, Any]] | None:
        """The measures asked, as intake takes them; None when only the default is asked
        (withhold the items in the jurisdiction)."""
        out: list[dict[str, Any]] = []
        if "remove_global" in kinds:
            out.append({"kind": "remove_global", "fallback": kinds["remove_global"].fallback})
        elif "restrict_content" in kinds and len(kinds) > 1:
            out.append({"kind": "restrict_content"})
        for kind in ("restrict_account", "disclose_data", "preserve_data"):
            account = kinds[kind].account if kind in kinds else None
            if account is not None:
                out.append({"kind": kind, "account": account.value[:200]})
        return out if out and out != [{"kind": "restrict_content"}] else None


def _given(address: Address) -> str:
    """An address as intake should read it: as written when intake refangs it to the same
    address, else with the scheme the letter left out."""
    if address.url is None or refang(address.written) == address.url:
        return address.written
    return "https://" + address.written


# ---------------------------------------------------------------- the sender
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)")
# The line of an e-mail's headers that names who sent it.
_FROM = re.compile(r"^(?:From|От|Von|De|Kimden|发件人|Жіберуші)\s*[:：].*$", re.MULTILINE | re.IGNORECASE)
_BY = {"email": 4, "domain": 3, "letterhead": 2, "name": 1}
# Where a letter with no From line names its sender: its first and its last characters.
HEAD_CHARS = 400
TAIL_CHARS = 300


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str] | None:
    """A submitter's name as letters write it: any case, its words split by spaces, line
    breaks or punctuation."""
    words = [re.escape(w) for w in re.findall(r"\w+", name)]
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"[\s,.\-–—()«»\"]+".join(words) + r"(?!\w)", re.IGNORECASE)


def _sender(text: str, session: Session) -> Found[Sender] | None:
    emails = [(m.group(0).lower(), m.group("domain").lower(), m.span()) for m in _EMAIL.finditer(text)]
    signed = _signed_names(text)
    best: tuple[int, int, Found[Sender]] | None = None
    for sub in parties.list_submitters(session=session):
        found: list[tuple[str, tuple[int, int]]] = []
        found += [("letterhead", span) for entry, span in signed if _is_named(sub.name, sub.country, entry)]
        if sub.email:
            own = sub.email.lower()
            domain = own.rsplit("@", 1)[-1]
            found += [("email", span) for email, _, span in emails if email == own]
            found += [("domain", span) for email, d, span in emails if d == domain and email != own]
        pattern = _name_pattern(sub.name)
        if pattern and (m := pattern.search(text)):
            found.append(("name", m.span()))
        for by, (start, end) in found:
            rank = (_BY[by], -start)
            if best is None or rank > (best[0], best[1]):
                best = (rank[0], rank[1], Found(Sender(sub.id, sub.name, sub.country, by), start, end))
    return best[2] if best else None


@cache
def _known_authorities() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    """Each known authority: its country and its names as :func:`loose_name` patterns."""
    out = []
    for country, entries in data()["known_authorities"].items():
        if country.startswith("_"):
            continue
        for names in entries:
            out.append((country, tuple(p for name in names if (p := loose_name(name)) is not None)))
    return tuple(out)


def _signed_names(text: str) -> list[tuple[int, tuple[int, int]]]:
    """The known authorities (their index) named in the letterhead or the signature, and
    where. Only there: a letter names other bodies in its text (the decision it forwards)."""
    head_end = min(len(text), HEAD_CHARS)
    tail_start = max(head_end, len(text) - TAIL_CHARS)
    out = []
    for offset, part in ((0, text[:head_end]), (tail_start, text[tail_start:])):
        folded = skeleton(part)
        for index, (_, patterns) in enumerate(_known_authorities()):
            hits = [m for p in patterns if (m := p.search(folded))]
            if hits:
                m = min(hits, key=lambda h: (h.start(), -h.end()))
                out.append((index, (offset + m.start(), offset + m.end())))
    return out


@lru_cache(maxsize=4096)
def _is_named(name: str, country: str, entry: int) -> bool:
    """Whether a submitter (its name and country) is the known authority ``entry``: of its
    country, and its name holds one of the authority's names."""
    entry_country, patterns = _known_authorities()[entry]
    folded = skeleton(name)
    return entry_country == country and any(p.search(folded) for p in patterns)


def _same_authority(name: str, other: str, country: str) -> bool:
    """Whether two names (a submitter's, a body's as the letter writes it) are one known
    authority's: "Roskomnadzor" and "Роскомнадзора"."""
    folded = skeleton(other)
    return any(_is_named(name, country, entry) and any(p.search(folded) for p in patterns)
               for entry, (_, patterns) in enumerate(_known_authorities()))


def is_authority_name(written: str) -> bool:
    """Whether ``written`` is one of ``known_authorities``' names, as a scan may read it."""
    folded = skeleton(written)
    return any(p.fullmatch(folded) for _, patterns in _known_authorities() for p in patterns)


# ---------------------------------------------------------------- the country
_WEIGHTS = {"sender": 10, "law": 4, "cue": 3, "script": 1}


@cache
def _scripts() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((code, re.compile(script)) for code, script in data()["scripts"].items())


def _country(text: str, sender: Found[Sender] | None,
             cited: Sequence[Found[CitedLaw]], catalog_laws: dict[str, LawRef]) -> Found[str] | None:
    """The country most of the evidence names: the sender's, the laws', the letterhead's
    words, the script's (in that weight)."""
    evidence: list[tuple[str, int, int, int]] = []  # country, weight, start, end
    if sender:
        evidence.append((sender.value.country, _WEIGHTS["sender"], sender.start, sender.end))
    regions = catalog.regions()
    for f in cited:
        law = catalog_laws.get(f.value.law or "")
        if law and law.applies_in not in regions:  # a region's law (the EU's) names no one country
            evidence.append((law.applies_in, _WEIGHTS["law"], f.start, f.end))
    for code, pattern in keyword_table("country_cues"):
        if m := pattern.search(text):
            evidence.append((code, _WEIGHTS["cue"], m.start(), m.end()))
    for code, script in _scripts():
        if m := script.search(text):
            evidence.append((code, _WEIGHTS["script"], m.start(), m.end()))
    if not evidence:
        return None
    scores: dict[str, int] = {}
    for code, weight, _, _ in evidence:
        scores[code] = scores.get(code, 0) + weight
    chosen = max(scores, key=lambda code: scores[code])  # the first of equals, as found
    _, _, start, end = max((e for e in evidence if e[0] == chosen), key=lambda e: e[1])
    return Found(chosen, start, end)


# ---------------------------------------------------------------- measures
_HANDLE = re.compile(r"(?<![\w@./])@(?P<h>[A-Za-z0-9_][A-Za-z0-9_.]{0,28}[A-Za-z0-9_])")
_PROFILE = re.compile(r"^/@(?P<h>[\w.]+)/?$")
# The measures that name an account: intake.schemas.ACCOUNT_KINDS (intake is a layer above
# this one; a test holds the two equal).
ACCOUNT_KINDS = ("restrict_account", "disclose_data", "preserve_data")
ACCOUNT_REACH = 300  # how far after a measure's words its account is looked for


def _accounts(text: str, found: Sequence[Found[Address]]) -> list[Found[str]]:
    """The accounts the letter names: ``@handle``, and the platform's profile addresses."""
    out = [Found(m.group("h"), *m.span("h")) for m in _HANDLE.finditer(text)]
    for f in found:
        if f.value.kind == addresses.CONTENT and f.value.url:
            m = _PROFILE.match(urlsplit(f.value.url).path)
            at = text.find("@" + m.group("h"), f.start, f.end) if m else -1
            if m and at >= 0:
                out.append(Found(m.group("h"), at + 1, at + 1 + len(m.group("h"))))
    return sorted(out, key=lambda a: a.start)


def _measures(text: str, found: Sequence[Found[Address]]) -> tuple[Found[Measure], ...]:
    said = table_hits("measures", text)
    fallback = said.get("fallback")
    accounts = _accounts(text, found)
    out = []
    for kind, where in said.items():
        if kind == "fallback":
            continue
        hit = where[0]
        account = None
        if kind in ACCOUNT_KINDS:
            after = [a for a in accounts if hit.end <= a.start <= hit.end + ACCOUNT_REACH]
            account = (after or accounts)[0] if after or accounts else None
        out.append(Found(Measure(kind, account,
                                 fallback=fallback is not None and kind == "remove_global"), hit.start, hit.end))
    return tuple(sorted(out, key=lambda f: f.start))


# ---------------------------------------------------------------- the proposal
def propose(text: str, *, session: Session, settings: Settings,
            paragraphs: Sequence[Paragraph] | None = None) -> Proposal:
    """What ``text`` (a letter, an order, an e-mail) proposes as a request."""
    catalog_laws = {law.id: LawRef(law.id, law.citation, law.applies_in)
                    for law in catalog.list_laws(session=session) if law.active}
    sender = _sender(text, session)
    # The authority's own site: at its e-mail domain (the From line's, the sender's as found).
    domains = {m.group("domain").lower() for line in _FROM.finditer(text) for m in _EMAIL.finditer(line.group(0))}
    if sender and sender.value.by in ("email", "domain"):
        domains.add(text[sender.start:sender.end].rsplit("@", 1)[-1].lower())
    domains -= set(settings.hosts.own)
    found = addresses.find(text, hosts=settings.hosts, authority_domains=frozenset(domains))
    cited = laws.cited(text, list(catalog_laws.values()))
    country = _country(text, sender, cited, catalog_laws)
    written = dates(text)
    sender_name = _name_pattern(sender.value.name) if sender else None

    def is_sender(body: Found[Authority]) -> bool:
        """The sender's own name (or the start of it: "Landgericht" in a judge's title)."""
        if sender is None:
            return False
        return bool(sender_name and sender_name.fullmatch(body.value.name)) or (
            body.start < sender.end and sender.start < body.end) or (
            sender.value.name.casefold().startswith(body.value.name.casefold())) or (
            _same_authority(sender.value.name, body.value.name, sender.value.country))

    order, reference = particulars(text, dates=written, skip=[(f.start, f.end) for f in cited], is_sender=is_sender)
    known = frozenset(r.code for r in catalog.list_reasons(session=session))
    why = reason(text, known)
    return Proposal(
        addresses=tuple(found), sender=sender, country=country, language=language(text, paragraphs),
        reference=reference, order=order, laws=tuple(cited), measures=_measures(text, found),
        reason=why, explanation=sentence_at(text, why), other_items=first(pattern_list("other_items"), text),
        dates=tuple(written),
    )
