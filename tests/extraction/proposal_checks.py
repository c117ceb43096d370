"""The known submitters the proposal tests' letters come from (``make_known``; each test
file that needs them makes its ``known`` fixture of it), and a check that every proposed
value's span holds what the value claims."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy.orm import Session

from docket.extraction import proposals
from docket.extraction.proposal_order import number_value
from docket.extraction.proposal_text import dates
from docket.extraction.proposals import Address, Authority, CitedLaw, Found, Proposal, Sender
from docket.parties import service as parties

# name, kind, country, e-mail
KNOWN = {
    "rkn": ("Roskomnadzor", "regulator", "RU", "zapros@rkn.gov.ru"),
    "btk": ("Bilgi Teknolojileri ve İletişim Kurumu", "regulator", "TR", None),
    "hk_police": ("Hong Kong Police Force", "police", "HK", None),
    "guardia_civil": ("Guardia Civil", "police", "ES", None),
    "singcert": ("SingCERT", "government_agency", "SG", "singcert@csa.gov.sg"),
    "cn_mps": ("中华人民共和国公安部", "police", "CN", None),
    "kz_mci": ("Ministry of Culture and Information", "government_agency", "KZ", None),
    "bnetza": ("Bundesnetzagentur", "regulator", "DE", "netzdg@bnetza.de"),
}


def make_known(session: Session) -> dict[str, int]:
    """The submitters docket knows, by short name → id."""
    ids = {}
    for key, (name, kind, country, email) in KNOWN.items():
        ids[key] = parties.create_submitter(session=session, actor="test", name=name, kind=kind,
                                            country=country, email=email).id
    return ids


def _words(text: str) -> list[str]:
    """The words of a name, case-folded ("İ" as "i": Turkish capitals fold with a combining dot)."""
    return re.findall(r"\w+", text.casefold().replace("\u0307", ""))


def spans_hold(text: str, proposal: Proposal) -> None:
    """Assert that each value's span in ``text`` is what the value says it is."""
    found: list[Found[Any]] = [*proposal.addresses, *proposal.laws, *proposal.dates]
    order = proposal.order
    found += [f for f in (proposal.reference, proposal.other_items, order.number, order.court, order.case_number,
                          order.register_entry, order.deadline, order.date, order.issuing_authority,
                          proposal.sender) if f is not None]
    for f in found:
        written = text[f.start:f.end]
        value = f.value
        if isinstance(value, str):  # as written, or a number as meant (proposal_order.number_value)
            assert value in (written, number_value(written))
        elif isinstance(value, Address):
            assert re.sub(r"\n[ \t]*", "", written) == value.written
        elif isinstance(value, CitedLaw):
            assert written == value.citation
        elif isinstance(value, Authority):
            assert written == value.name
        elif isinstance(value, dt.date):
            assert [d.value for d in dates(written)] == [value]
        elif isinstance(value, Sender) and value.by == "letterhead":
            assert proposals.is_authority_name(written)
        elif isinstance(value, Sender) and value.by == "name":
            assert _words(written) == _words(value.name)
        elif isinstance(value, Sender):  # an e-mail address, the submitter's or at its domain
            assert re.fullmatch(r"[\w.+-]+@[\w.-]+", written)
    for m in proposal.measures:
        assert text[m.start:m.end].strip()
        if m.value.account is not None:
            assert text[m.value.account.start:m.value.account.end] == m.value.account.value
