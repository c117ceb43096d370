"""Copies of restricted content found at registration: the review item each opens, and the
reviewer's two answers — confirm (decide it as the original was) or reject.

Nothing is restricted by a match alone: a person confirms, and the confirmation goes
through the ordinary decision (docket.effects.decide), so the same restriction, feed
change and notices follow as for any decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import audit, effects
from docket.access import REVIEWING_ROLES
from docket.catalog import service as catalog
from docket.catalog.models import RequesterKind
from docket.content import previews
from docket.content.models import Content
from docket.enforcement import service as enforcement
from docket.enforcement.models import SubjectKind
from docket.errors import Conflict, DocketError
from docket.intake.models import Channel, Item
from docket.intake.schemas import ItemIn, LegalBasis, RequestCreate
from docket.intake.status import refresh_status
from docket.intake.submission import submit
from docket.items.moves import move
from docket.items.states import ItemState, Outcome
from docket.matching import service
from docket.matching.bank import Bank
from docket.matching.fingerprints import Fingerprint
from docket.matching.models import ContentMatch
from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role, Submitter, User
from docket.review.models import Decision
from docket.review.schemas import DecisionCreate
from docket.review.service import _check_claim, _require_roles
from docket.settings import Settings
from docket.store import utcnow

ACTOR = "system:matching"
MATCHER_NAME = "Copies found by docket's matcher"
_STEPS = (ItemState.policy_review, ItemState.legal_review, ItemState.rights_review)


def registered(session: Session, *, settings: Settings, bank: Bank, actor: str, content_id: str,
               found: Sequence[Fingerprint], replaced: Sequence[str]) -> list[ContentMatch]:
    """Content registered with fingerprints (``found``, replacing its ``replaced`` kinds): keep
    them (restricted content's changed ones go to the feed, ``refresh``), and record each
    match with restricted content in ``bank`` and open its copy item."""
    if not replaced:
        return []
    before = set(service.of_content(session=session, content_id=content_id))
    service.store(session=session, content_id=content_id, found=found, replaced=replaced)
    if before != set(service.of_content(session=session, content_id=content_id)):
        # Restricted content's fingerprints changed: every process's bank (and the replicas')
        # learns of them through the feed, as a start again of each of its restrictions.
        for restriction in enforcement.active_for(session=session, subject_kind=SubjectKind.content,
                                                  subject_id=content_id, now=utcnow()):
            enforcement.refresh(session=session, actor=actor, restriction=restriction)
    recorded = service.record(session=session, actor=actor, content_id=content_id, matches=bank.match(found))
    for match in recorded:
        open_copy_item(session, settings=settings, match=match)
    return recorded


def matcher_submitter(session: Session, country: str) -> Submitter:
    """The submitter that owns the cases docket's matcher opens (kind ``platform``: the
    platform's own detection, no government), created on first use.

    It is looked up and created in the content registration's transaction, which has
    appended its ``content:registered`` event already and so holds the audit chain's lock:
    two first copies at once are one after the other (the second finds the first's
    submitter), and no lock is taken after the chain's (PostgreSQL's order, see
    ``docket.intake.user_report_api._channel_submitter``; SQLite has one writer)."""
    found = session.execute(select(Submitter).where(Submitter.name == MATCHER_NAME,
                                                    Submitter.kind == RequesterKind.platform)).scalars().first()
    return found or parties.create_submitter(session=session, actor=ACTOR, name=MATCHER_NAME,
                                             kind=RequesterKind.platform, country=country, verified=True)


def open_copy_item(session: Session, *, settings: Settings, match: ContentMatch) -> Item:
    """Open a case for a copy through intake's one way in (``submit``, channel ``match``):
    its own request, owned by docket's matcher, never the original's requester's. Its one
    item is linked to the original decision (``copy_of``) and moved to the step the
    original was decided from, with its findings, so that one answer decides it. One item
    per copy and original decision: a second match of the same pair joins the first."""
    decision = session.get(Decision, match.decision_id)
    if decision is None:
        raise Conflict(f"no decision {match.decision_id}")
    existing = session.execute(select(Item).where(
        Item.content_id == match.content_id, Item.copy_of_decision_id == decision.id)
        .order_by(Item.id).limit(1)).scalar_one_or_none()
    if existing is not None:
        match.item_id = existing.id
        return existing
    original = session.get(Item, decision.item_id)
    assert original is not None
    near = (f"distance {match.distance}" if match.distance is not None
            else f"similarity {match.similarity:.2f}" if match.similarity is not None else "an exact match")
    law = catalog.get_law(session=session, law_id=decision.law) if decision.law else None
    basis = _basis(decision, law is not None) or [LegalBasis(**b) for b in original.request.legal_basis or []]
    data = RequestCreate(
        jurisdiction=original.jurisdiction, reason=original.reason, legal_basis=basis,
        # What the original decided, never wider (a removal everywhere is asked as one).
        requested_action="remove" if "*" in decision.scope else "restrict",
        requested_scope=[] if "*" in decision.scope else list(decision.scope),
        explanation=(f"docket's matcher found this content to be a copy of content {match.original_content_id}, "
                     f"restricted by decision {decision.id} ({match.kind} match, {near})."),
        items=[ItemIn(content_id=match.content_id)])
    submitted = submit(session=session, settings=settings, submitter=matcher_submitter(session, settings.home_country),
                       data=data, channel=Channel.match, actor=ACTOR)
    assert submitted.request is not None
    [item] = submitted.request.items
    item.copy_of_decision_id = decision.id
    session.flush()
    match.item_id = item.id
    state = ItemState(decision.from_state) if decision.from_state in _STEPS else ItemState.legal_review
    move(session=session, item=item, action=f"copy_of:{state.value}", policy_finding=original.policy_finding,
         legal_finding=original.legal_finding, rights_finding=original.rights_finding,
         risk_flags=list(original.risk_flags or []))
    refresh_status(item.request)
    audit.record(session=session, actor=ACTOR, action="item:copy_opened", subject=f"item:{item.id}",
                 payload={"request": item.request_id, "content": match.content_id, "copy_of": decision.id,
                          "original_content": match.original_content_id, "match": match.id, "kind": match.kind,
                          "distance": match.distance, "similarity": match.similarity, "state": state.value,
                          # Why it starts there: the findings are the original decision's.
                          "findings_of": original.id})
    if law is not None and law.automated_copies:
        _automate(session, item, decision, law.id, utcnow())
    return item


def _basis(decision: Decision, in_catalog: bool) -> list[LegalBasis]:
    """The original decision's legal basis as a request cites it: its law and provision (a
    law the catalog lacks is cited in full, as the decision names it); none for a decision
    that cites no law."""
    if not decision.law:
        return []
    if in_catalog:
        return [LegalBasis(law=decision.law, provision=decision.provision)]
    cited = decision.law if not decision.provision or decision.provision in decision.law \
        else f"{decision.law}, {decision.provision}"
    return [LegalBasis(citation=cited[:500])]


def _automate(session: Session, item: Item, original: Decision, law: str, now: dt.datetime) -> None:
    """The original's law requires automated action: decide the copy at once, as the original
    was, recorded as automated (the decision's ``automated``; DSA ``automated_decision``). It
    is decided in the name of the original's decider, whose decision it follows; the item's
    history says it was docket (``item:copy_automated``)."""
    user = session.get(User, original.decided_by)
    assert user is not None
    principal = Principal(token_id=0, user_id=user.id, roles=frozenset(Role(r.role) for r in user.roles),
                          jurisdictions=frozenset(r.jurisdiction for r in user.roles if r.jurisdiction))
    try:
        with session.begin_nested():
            decision = effects.decide(session=session, principal=principal, item=item,
                                      data=_same_as(original, now), now=now)
            decision.automated = True
            session.flush()
    except DocketError as exc:  # left for a person, who sees why in the history
        audit.record(session=session, actor=ACTOR, action="item:copy_automation_failed", subject=f"item:{item.id}",
                     payload={"copy_of": original.id, "law": law, "error": str(exc)})
        return
    audit.record(session=session, actor=ACTOR, action="item:copy_automated", subject=f"item:{item.id}",
                 payload={"copy_of": original.id, "decision": decision.id, "law": law, "automated": True,
                          "status": decision.status})


def _same_as(original: Decision, now: dt.datetime) -> DecisionCreate:
    outcome = Outcome(original.outcome)
    return DecisionCreate(
        outcome=outcome, scope=original.scope if outcome == Outcome.restricted else None,
        scope_reason=original.scope_reason, ground=original.ground,
        law=original.law, provision=original.provision, policy_clause=original.policy_clause,
        explanation=original.explanation,
        ends_at=original.ends_at if original.ends_at is not None and original.ends_at > now else None)


def original_of(session: Session, item: Item) -> Decision:
    if item.copy_of_decision_id is None:
        raise Conflict(f"item {item.id} is not a copy of restricted content")
    decision = session.get(Decision, item.copy_of_decision_id)
    assert decision is not None
    return decision


def confirm(*, session: Session, principal: Principal, item: Item, now: dt.datetime) -> Decision:
    """Decide a copy as its original was decided — outcome, scope, ground, law, provision,
    reasons and end — through the ordinary decision, so the same restriction and notices
    follow (and the same four-eyes rules apply)."""
    original = original_of(session, item)
    decision = effects.decide(session=session, principal=principal, item=item, data=_same_as(original, now),
                              now=now)
    audit.record(session=session, actor=principal.actor, action="item:copy_confirmed", subject=f"item:{item.id}",
                 payload={"copy_of": original.id, "decision": decision.id})
    return decision


def reject(*, session: Session, principal: Principal, item: Item, reason: str, now: dt.datetime) -> Item:
    """Not a copy: the item is closed without a decision, with the reviewer's reason."""
    _require_roles(principal, item.jurisdiction, REVIEWING_ROLES, "a copy's rejection")
    _check_claim(session, item, principal, now)
    original = original_of(session, item)
    move(session=session, item=item, action="reject_copy", decided_at=now, assigned_to=None,
         claim_expires_at=None, assignee_id=None)
    refresh_status(item.request)
    audit.record(session=session, actor=principal.actor, action="item:copy_rejected", subject=f"item:{item.id}",
                 payload={"copy_of": original.id, "reason": reason})
    return item


def panel(session: Session, item: Item) -> dict[str, Any] | None:
    """What the console's item page shows of a copy beside its original: both contents (their
    first thumbnails, their text), how near they are, the original decision and its scope,
    and whether the copy still waits for an answer. None for an item that is no copy."""
    if item.copy_of_decision_id is None:
        return None
    decision = original_of(session, item)
    original_item = session.get(Item, decision.item_id)
    assert original_item is not None
    first = {c: next(iter(previews.listed(session=session, content_id=c)), None)
             for c in (item.content_id, original_item.content_id) if c}
    return {
        "decision": decision, "original_item": original_item,
        "original": session.get(Content, original_item.content_id) if original_item.content_id else None,
        "copy": session.get(Content, item.content_id) if item.content_id else None,
        "original_preview": first.get(original_item.content_id or ""),
        "copy_preview": first.get(item.content_id or ""),
        "matches": service.matches_for_item(session=session, item_id=item.id),
        "open": ItemState(item.status) in _STEPS,
        # Shown as people read them: country names, and the law by its citation (never an id).
        "scope_names": [catalog.country_name(c) for c in decision.scope if c != "*"],
        "law_citation": _citation(session, decision.law, decision.provision),
    }


def _citation(session: Session, law_id: str | None, provision: str | None) -> str | None:
    """The decision's law as cited (its catalog citation, else the text given), with its provision."""
    if not law_id:
        return None
    law = catalog.get_law(session=session, law_id=law_id)
    cited = law.citation if law is not None else law_id
    return f"{cited}, {provision}" if provision and provision not in cited else cited
