"""The completeness check (GitHub's rule for a complete government request, DSA Art. 9 and 16).

A request is complete when:
- its submitter is an authority (a kind the catalog says must cite a legal basis: court,
  government agency, police, regulator by default), or the
  notice carries the Art. 16 elements: a substantiated explanation, the exact location,
  the notifier's name and e-mail (not needed for child sexual abuse), a bona fide statement;
- every item identifies one piece of content exactly;
- an authority's request names a legal basis and explains the illegality;
- a confidential request states the legal basis for confidentiality;
- an emergency is explained.

The answer is a list of what is missing, in field notation (``legal_basis``,
``items[3].url``); empty means complete. The only things about the submitter it reads
are whether its kind is an authority's and whether it gave an e-mail — never who it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from docket.content.urls import is_exact
from docket.settings import Hosts

# Art. 16(2)(c): name and e-mail are not required for child sexual abuse notices.
ANONYMOUS_NOTICE_REASONS = frozenset({"child_safety"})


@dataclass(frozen=True)
class ItemCheck:
    position: int
    url_normalized: str | None
    content_id: str | None


def missing_elements(
    *, authority: bool, has_contact: bool, legal_basis: list[object], explanation: str | None,
    reason: str, bona_fide: bool, confidential: bool, confidentiality_basis: str | None,
    emergency: bool, emergency_explanation: str | None, items: list[ItemCheck], hosts: Hosts | None = None,
) -> list[str]:
    """What a request lacks to be complete (empty when complete). ``authority``: the
    catalog says the submitter's kind must cite a legal basis; ``hosts``: the platform's
    own hosts and its users' sites (``DOCKET_PLATFORM_HOSTS``)."""
    missing: list[str] = []
    explained = bool(explanation and explanation.strip())
    if authority:
        if not legal_basis:
            missing.append("legal_basis")
        if not explained:
            missing.append("explanation")
    else:
        if not explained:
            missing.append("explanation")
        if not has_contact and reason not in ANONYMOUS_NOTICE_REASONS:
            missing.append("notifier_email")
        if not bona_fide:
            missing.append("bona_fide")
    if confidential and not (confidentiality_basis and confidentiality_basis.strip()):
        missing.append("confidentiality_basis")
    if emergency and not (emergency_explanation and emergency_explanation.strip()):
        missing.append("emergency_explanation")
    for item in items:
        if item.content_id is None and item.url_normalized is not None and not is_exact(item.url_normalized, hosts):
            missing.append(f"items[{item.position}].url")
    return missing
