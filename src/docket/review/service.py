"""Review: claims, findings, decisions, four eyes and local representatives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal, or_, select, tuple_, update
from sqlalchemy.orm import Session

from docket import access, audit
from docket.access import REVIEWING_ROLES
from docket.catalog import service as catalog
from docket.content import service as content_registry
from docket.errors import Conflict, RoleRequired, Unprocessable
from docket.intake import thread
from docket.intake.models import Item, MessageAuthor, Request
from docket.items.moves import move
from docket.items.states import FINDINGS, OUTCOME_REQUIRES, ItemState, Outcome, Step
from docket.parties.auth import Principal
from docket.parties.models import Role, Submitter
from docket.review.models import Decision, DecisionStatus, ExplanationTemplateVersion, Review
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.review.search import DEADLINE_ORDER, QueueSearch, QueueSort
from docket.review.steps import STEP_ROLES as STEP_ROLES
from docket.review.steps import person_name, roles_for_next, step_of, team_fits
from docket.store import rowcount, utcnow

GLOBAL = "*"


def _require_roles(principal: Principal, jurisdiction: str, roles: frozenset[Role], what: str) -> None:
    """403 unless one of the caller's roles that count in ``jurisdiction`` is one of ``roles``
    (a local representative's role counts only in its own countries)."""
    if not access.roles_in(principal, jurisdiction) & roles:
        names = ", ".join(sorted(r.value for r in roles))
        raise RoleRequired(f"{what} needs one of the roles: {names}")


@dataclass(frozen=True)
class Reviewed:
    """What a review step did: the item and the state it moved to (a question for the
    requester follows when that is ``clarification_requested``)."""

    item: Item
    state: ItemState


@dataclass(frozen=True)
class Decided:
    """What a decision or an approval did: the decision, the item's new state, and whether
    the decision took effect now (its effects follow) or still awaits a second person."""

    decision: Decision
    item: Item
    state: ItemState

    @property
    def took_effect(self) -> bool:
        return self.decision.status == DecisionStatus.effective


@dataclass(frozen=True)
class Reversed:
    """What an appeal's reversal did to a decision and its item: a restricting decision's
    restrictions are to be lifted (``lift``); a decision not to act reopened the item."""

    decision: Decision
    item: Item
    lift: bool


def _check_claim(session: Session, item: Item, principal: Principal, now: dt.datetime) -> None:
    if item.assigned_to not in (None, principal.user_id) and item.claim_expires_at and item.claim_expires_at > now:
        raise Conflict(f"item {item.id} is claimed by {person_name(session, item.assigned_to)} "
                       f"until {item.claim_expires_at:%H:%M} UTC")


def waiting_for(item: Item, not_this: str) -> str:
    """Why ``item`` is refused ``not_this`` (a step's finding, a decision): what it waits for."""
    step = step_of(item)
    if step is None:
        return f"item {item.id} is {item.status}: it waits for no review step, not {not_this}"
    wanted = roles_for_next(item)
    what = wanted[0] if wanted else f"{step.value} review"
    return f"item {item.id} waits for {'the ' if what != 'decision' else 'a '}{what}, not {not_this}"


def signoff_jurisdiction(session: Session, item: Item) -> str | None:
    """The jurisdiction whose local representative must sign off a restriction of ``item``."""
    return _local_rep_jurisdiction(session, item, Outcome.restricted, None)


# ---------------------------------------------------------------- queue
def queue(
    *, session: Session, principal: Principal, now: dt.datetime, jurisdiction: str | None = None,
    reason: str | None = None, status: str | None = None, assigned_to: int | None = None,
    unassigned: bool = False, overdue: bool | None = None, team_id: int | None = None,
    after: tuple[Any, ...] | None = None, limit: int = 50,
    search: QueueSearch | None = None, sort: QueueSort = QueueSort.queue,
) -> Sequence[Item]:
    """Open items in the one queue order (QUEUE_ORDER), or by deadline — never by submitter."""
    query = access.scoped(select(Item).where(Item.queue_open.is_(True)), principal, Item)
    if jurisdiction:
        query = query.where(Item.jurisdiction == jurisdiction.upper())
    if reason:
        query = query.where(Item.reason == reason)
    if status:
        query = query.where(Item.status == status)
    if assigned_to is not None:
        query = query.where(Item.assigned_to == assigned_to, Item.claim_expires_at > now)
    if unassigned:
        query = query.where(or_(Item.assigned_to.is_(None), Item.claim_expires_at <= now))
    if overdue is not None:
        query = query.where(Item.deadline_at < now if overdue else Item.deadline_at >= now)
    if search:
        query = search.narrow(query, now)
    if team_id is not None:
        query = query.where(Item.team_id == team_id)
    order = DEADLINE_ORDER if sort is QueueSort.deadline else QUEUE_ORDER
    if after is not None:
        # One row-value comparison, so both engines seek straight into the queue index
        # (an OR of four clauses made them scan from the top: deep pages were slow).
        query = query.where(tuple_(*order) > tuple_(*(literal(v, c.type) for v, c in zip(after, order, strict=True))))
    return session.execute(query.order_by(*order).limit(limit)).scalars().all()


# ---------------------------------------------------------------- claims
def claim(*, session: Session, principal: Principal, item: Item, now: dt.datetime, ttl: dt.timedelta) -> Item:
    """Take an item for oneself until ``now + ttl``; another's unexpired claim is a 409."""
    if ItemState(item.status) not in (ItemState.received, ItemState.content_not_found, ItemState.policy_review,
                                      ItemState.legal_review, ItemState.rights_review):
        raise Conflict(f"item {item.id} is {item.status}; there is nothing to review")
    # Conditional update: of two reviewers claiming at once, exactly one wins.
    done = rowcount(session.execute(
        update(Item)
        .where(Item.id == item.id,
               or_(Item.assigned_to.is_(None), Item.assigned_to == principal.user_id,
                   Item.claim_expires_at <= now))
        .values(assigned_to=principal.user_id, claim_expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    ))
    session.refresh(item)
    if not done:
        raise Conflict(f"item {item.id} is claimed by {person_name(session, item.assigned_to)} until "
                       f"{item.claim_expires_at:%H:%M} UTC" if item.claim_expires_at else
                       f"item {item.id} is claimed by {person_name(session, item.assigned_to)}")
    audit.record(session=session, actor=principal.actor, action="item:claimed", subject=f"item:{item.id}",
                 payload={"until": item.claim_expires_at.isoformat() if item.claim_expires_at else None})
    return item


def release(*, session: Session, principal: Principal, item: Item, now: dt.datetime) -> Item:
    """Give a claimed item back to the queue (the claimer, or an admin)."""
    holds = item.assigned_to == principal.user_id
    if item.assigned_to is None or (item.claim_expires_at and item.claim_expires_at <= now):
        raise Conflict(f"item {item.id} is not claimed")
    if not holds and Role.admin not in principal.roles:
        raise Conflict(f"item {item.id} is claimed by {person_name(session, item.assigned_to)}, not by you")
    item.assigned_to, item.claim_expires_at = None, None
    audit.record(session=session, actor=principal.actor, action="item:released", subject=f"item:{item.id}")
    return item


# ---------------------------------------------------------------- findings
def review(*, session: Session, principal: Principal, item: Item, data: ReviewCreate, now: dt.datetime) -> Reviewed:
    """Record one step's finding and move the item as the state table says (what follows
    a question for the requester is docket.effects' to apply)."""
    _require_roles(principal, item.jurisdiction, STEP_ROLES[data.step], f"the {data.step.value} review")
    if data.finding not in FINDINGS[data.step]:
        allowed = ", ".join(sorted(FINDINGS[data.step]))
        raise Unprocessable(f"'{data.finding}' is not a {data.step.value} finding",
                            errors=[{"field": "finding", "message": f"one of {allowed}"}])
    if data.flags and data.step != Step.rights:
        raise Unprocessable("risk flags belong to the rights review",
                            errors=[{"field": "flags", "message": "only with step 'rights'"}])
    asks = data.step == Step.legal and data.finding == "needs_clarification"
    question = (data.question or "").strip() or None
    if asks and question is None:
        raise Unprocessable("say what the requester must clarify", errors=[
            {"field": "question", "message": "required with 'needs_clarification': it is sent to the requester"}])
    if question is not None and not asks:
        raise Unprocessable("a question goes with the legal finding 'needs_clarification' only",
                            errors=[{"field": "question", "message": "only with 'needs_clarification'"}])
    waits = step_of(item)
    if waits != data.step:  # said in words, before the state table's bare refusal
        raise Conflict(waiting_for(item, f"the {data.step.value} review"))
    _check_claim(session, item, principal, now)
    old = item.status
    values: dict[str, object] = {f"{data.step.value}_finding": data.finding}
    if asks:
        values["clarification_question"] = question
    if data.step == Step.rights:
        values["risk_flags"] = sorted({f.value for f in data.flags})
    new = move(session=session, item=item, action=f"{data.step.value}:{data.finding}", **values)
    # The step is done: the item goes on to the next step's queue. The claim ends (it would
    # block the next reviewer), and so does a lead's assignment to a person for this step;
    # a team keeps it only if it does the next step's work too.
    ended = item.assigned_to
    item.assigned_to, item.claim_expires_at, item.assignee_id = None, None, None
    if item.team_id is not None and not team_fits(session, item.team_id, item):
        item.team_id = None
    session.add(Review(item_id=item.id, step=data.step.value, finding=data.finding,
                       flags=[f.value for f in data.flags], notes=data.notes, reviewer_id=principal.user_id))
    audit.record(
        session=session, actor=principal.actor, action="item:reviewed", subject=f"item:{item.id}",
        payload={"step": data.step.value, "finding": data.finding, "flags": values.get("risk_flags", []),
                 "from": str(old), "to": new.value, "notes": data.notes, "question": question,
                 "claim_ended": ended},
    )
    if asks and question is not None:  # the question joins the request's thread with its authority
        thread.post(session=session, request=item.request, author=MessageAuthor.staff, body=question,
                    actor=principal.actor, user_id=principal.user_id, kind="question")
    return Reviewed(item=item, state=new)


# ---------------------------------------------------------------- decisions
def follows_from_findings(item: Item, outcome: Outcome) -> bool:
    """Whether ``outcome`` follows from the item's findings so far (OUTCOME_REQUIRES)."""
    step, allowed = OUTCOME_REQUIRES[outcome]
    if getattr(item, f"{step.value}_finding") not in allowed:
        return False
    return outcome not in (Outcome.restricted, Outcome.rejected_overbroad) or item.legal_finding == "illegal"


def allowed_outcomes(item: Item) -> list[Outcome]:
    """The outcomes a decision on ``item`` may have now (the console's decision form offers these)."""
    if ItemState(item.status) not in (ItemState.policy_review, ItemState.legal_review, ItemState.rights_review):
        return []
    return [outcome for outcome in Outcome if follows_from_findings(item, outcome)]


def _validate_decision(session: Session, item: Item, data: DecisionCreate) -> tuple[list[str], str, str | None]:
    """Check that the outcome follows from the findings; return scope, ground and law."""
    if not follows_from_findings(item, data.outcome):
        step = step_of(item)
        if step is None or getattr(item, f"{step.value}_finding") is None:
            raise Conflict(waiting_for(item, "a decision"))
        raise Conflict(
            f"'{data.outcome.value}' does not follow from the findings of item {item.id} "
            f"(policy={item.policy_finding}, legal={item.legal_finding}, rights={item.rights_finding})"
        )
    errors: list[dict[str, str]] = []
    if data.outcome in RESTRICTING and item.content_id is None:
        _resolve_late(session, item)
        if item.content_id is None:
            raise Conflict(f"item {item.id} names content the registry does not know; the platform must "
                           "register it before it can be restricted (or decide content_not_found)")
    if data.ends_at is not None and (data.outcome not in RESTRICTING or data.ends_at <= utcnow()):
        errors.append({"field": "ends_at", "message": "a future time, for a restricting outcome only"})
    if data.outcome == Outcome.removed_policy:
        if not data.policy_clause:
            errors.append({"field": "policy_clause", "message": "required for removed_policy"})
        if data.ground not in (None, "policy"):
            errors.append({"field": "ground", "message": "removed_policy is on the policy ground"})
        return _raise_or([GLOBAL], errors), "policy", None
    if data.ground not in (None, "legal"):
        errors.append({"field": "ground", "message": f"{data.outcome.value} is on the legal ground"})
    law = data.law or next((b.get("law") or b.get("citation") for b in item.request.legal_basis), None)
    if data.outcome != Outcome.restricted:
        if data.scope:
            errors.append({"field": "scope", "message": f"{data.outcome.value} restricts nothing"})
        return _raise_or([], errors), "legal", law
    scope = data.scope or [item.jurisdiction]
    if GLOBAL in scope and len(scope) > 1:
        errors.append({"field": "scope", "message": "'*' (everywhere) stands alone"})
    for i, code in enumerate(scope):
        if code != GLOBAL and catalog.get_jurisdiction(session=session, code=code) is None:
            errors.append({"field": f"scope[{i}]", "message": f"unknown country {code!r}"})
    if set(scope) != {item.jurisdiction} and not data.scope_reason:
        errors.append({"field": "scope_reason",
                       "message": f"a scope beyond {item.jurisdiction} needs a written reason"})
    if not law:
        errors.append({"field": "law", "message": "name the law the content breaks"})
    return _raise_or(scope, errors), "legal", law


RESTRICTING = frozenset({Outcome.restricted, Outcome.removed_policy})

# The queue order, the same for everybody: emergencies; the reason's severity class;
# the statutory deadline (to the hour, so that the next keys can matter); a trusted
# flagger within its designated area; more distinct reporters; the time received
# (then the id, to break ties).
QUEUE_ORDER = (Item.priority, Item.severity, Item.due_hour, Item.flag_rank, Item.crowd,
               Item.received_at, Item.id)
# The same order in words, as the API, the console and transparency reports state it.
QUEUE_RULE = ("Open items: emergencies first; then by the severity class of the reason (child safety, "
              "terrorist content, imminent self-harm first); then the earliest statutory deadline, to the hour "
              "(so overdue items lead); then a trusted flagger within its designated area; "
              "then more distinct reporters; then the earliest received. The requester's identity is never a sort key.")


def _resolve_late(session: Session, item: Item) -> None:
    """The platform may have registered the content since the request came in."""
    if item.normalized_url:
        found = content_registry.find_by_urls(session=session, normalized=[item.normalized_url])
        if item.normalized_url in found:
            item.content_id = found[item.normalized_url].id


def _raise_or(scope: list[str], errors: list[dict[str, str]]) -> list[str]:
    if errors:
        raise Unprocessable("the decision is incomplete", errors=errors)
    return scope


def _local_rep_jurisdiction(session: Session, item: Item, outcome: Outcome, law: str | None) -> str | None:
    """The jurisdiction whose local representative must sign off, if the catalog says so."""
    if outcome != Outcome.restricted:
        return None
    place = catalog.get_jurisdiction(session=session, code=item.jurisdiction)
    cited = [catalog.get_law(session=session, law_id=b["law"]) for b in item.request.legal_basis if b.get("law")]
    chosen = catalog.get_law(session=session, law_id=law) if law else None
    if (place and place.local_rep_signoff) or any(x and x.local_rep_signoff for x in [*cited, chosen]):
        return item.jurisdiction
    return None


def _is_local_rep(principal: Principal, jurisdiction: str) -> bool:
    return Role.local_representative in principal.roles and jurisdiction in principal.jurisdictions


def decide(*, session: Session, principal: Principal, item: Item, data: DecisionCreate, now: dt.datetime) -> Decided:
    """Decide one item. It takes effect now, or waits for a second person's approval
    (docket.effects applies what follows a decision that took effect)."""
    _require_roles(principal, item.jurisdiction, REVIEWING_ROLES, "a decision")
    _check_claim(session, item, principal, now)
    if ItemState(item.status) in (ItemState.decided, ItemState.awaiting_approval):
        raise Conflict(f"item {item.id} is already {item.status}")
    scope, ground, law = _validate_decision(session, item, data)
    if data.template_version_id is not None and session.get(ExplanationTemplateVersion,
                                                            data.template_version_id) is None:
        raise Unprocessable("no such template version", errors=[
            {"field": "template_version_id", "message": f"no template version {data.template_version_id}"}])
    reasons: list[str] = []
    if item.risk_flags:
        reasons.append("risk_flags")
    if data.outcome == Outcome.restricted and set(scope) != {item.jurisdiction}:
        reasons.append("wider_scope")
    if item.priority == 0:
        reasons.append("emergency")
    rep = _local_rep_jurisdiction(session, item, data.outcome, law)
    if rep and not _is_local_rep(principal, rep):
        reasons.append("local_representative")
    decision = Decision(
        item_id=item.id, outcome=data.outcome.value, scope=scope, scope_reason=data.scope_reason,
        ground=ground, law=law, provision=data.provision, policy_clause=data.policy_clause,
        explanation=data.explanation, from_state=str(item.status), ends_at=data.ends_at,
        status=DecisionStatus.awaiting_approval if reasons else DecisionStatus.effective,
        approval_reasons=reasons, local_rep_jurisdiction=rep, decided_by=principal.user_id, decided_at=now,
        template_version_id=data.template_version_id,
    )
    state = move(session=session, item=item, action="decide_for_approval" if reasons else "decide")
    # The decider's work on the item is done: the claim ends, also when a second person's
    # approval is still to come (the approvals inbox is where that happens); so does a
    # lead's assignment to a person (the team stays, for the desk's throughput per team).
    item.assigned_to, item.claim_expires_at, item.assignee_id = None, None, None
    session.add(decision)
    session.flush()
    audit.record(
        session=session, actor=principal.actor, action="decision:made", subject=f"item:{item.id}",
        payload={"decision": decision.id, "outcome": decision.outcome, "scope": scope, "ground": ground,
                 "law": law, "approval_reasons": reasons, "local_rep": rep,
                 **({"template_version": data.template_version_id} if data.template_version_id else {}),
                 # When it was decided, and took effect (None: awaiting approval); reports
                 # count from these (docket.transparency.replay).
                 "decided_at": now.isoformat(), "effective_at": None if reasons else now.isoformat()},
    )
    if not reasons:
        _settle(decision, item, now)
    return Decided(decision=decision, item=item, state=state)


def _seconds(start: dt.datetime, end: dt.datetime) -> float:
    """``end - start`` in seconds, to the millisecond (as the report's SQL measured it)."""
    return round((end - start).total_seconds(), 3)


def _settle(decision: Decision, item: Item, now: dt.datetime) -> None:
    """The decision is in effect from ``now``: the item carries its outcome."""
    decision.status, decision.effective_at = DecisionStatus.effective, now
    item.outcome, item.decided_at, item.scope = decision.outcome, now, decision.scope
    # What transparency reports read (see Item): the action taken and how long it took.
    item.action_outcome = decision.outcome
    item.decide_seconds = _seconds(item.received_at, decision.decided_at)
    item.effect_seconds = _seconds(item.received_at, now)
    item.assigned_to, item.claim_expires_at = None, None


def approval_blocker(*, principal: Principal, decision: Decision) -> str | None:
    """What keeps ``principal`` from approving ``decision`` ("own_decision", "local_representative"),
    or None. approve() enforces the same rules; this lets a page say so before anyone tries."""
    if decision.decided_by == principal.user_id:
        return "own_decision"
    rep = decision.local_rep_jurisdiction
    if rep and "local_representative" in decision.approval_reasons and not _is_local_rep(principal, rep):
        return "local_representative"
    return None


def approve(
    *, session: Session, principal: Principal, decision: Decision, note: str | None, now: dt.datetime,
) -> Decided:
    """A second, different staff member approves; the decision then takes effect
    (docket.effects applies what follows)."""
    _require_roles(principal, decision.item.jurisdiction, REVIEWING_ROLES, "an approval")
    if decision.status != DecisionStatus.awaiting_approval:
        raise Conflict(f"decision {decision.id} is {decision.status}; it awaits no approval")
    if decision.decided_by == principal.user_id:
        raise Conflict("the person who decided cannot also approve: four eyes need a second person")
    rep = decision.local_rep_jurisdiction
    if rep and "local_representative" in decision.approval_reasons and not _is_local_rep(principal, rep):
        raise RoleRequired(f"this restriction needs the sign-off of the local representative for {rep}")
    item = decision.item
    state = move(session=session, item=item, action="approve")
    decision.approved_by, decision.approved_at = principal.user_id, now
    audit.record(
        session=session, actor=principal.actor, action="decision:approved", subject=f"item:{item.id}",
        payload={"decision": decision.id, "note": note, "local_rep": bool(rep and _is_local_rep(principal, rep)),
                 "effective_at": now.isoformat()},
    )
    _settle(decision, item, now)
    return Decided(decision=decision, item=item, state=state)


def reject(*, session: Session, principal: Principal, decision: Decision, reason: str, now: dt.datetime) -> Decision:
    """The second person refuses the decision; the item goes back to the step it was decided from."""
    _require_roles(principal, decision.item.jurisdiction, REVIEWING_ROLES, "a rejection")
    if decision.status != DecisionStatus.awaiting_approval:
        raise Conflict(f"decision {decision.id} is {decision.status}; it awaits no approval")
    if decision.decided_by == principal.user_id:
        raise Conflict("the person who decided cannot also review the decision")
    item = decision.item
    move(session=session, item=item, action=f"reject:{decision.from_state}")
    decision.status = DecisionStatus.rejected
    decision.rejected_by, decision.rejected_at, decision.rejection_reason = principal.user_id, now, reason
    audit.record(
        session=session, actor=principal.actor, action="decision:rejected", subject=f"item:{item.id}",
        payload={"decision": decision.id, "reason": reason, "back_to": decision.from_state},
    )
    return decision


def reverse(*, session: Session, decision: Decision, item: Item) -> Reversed:
    """An appeal reversed ``decision``: a restricting one leaves the item with no action taken
    (its restrictions are lifted by docket.effects); one not to act sends the item back to
    legal review for a new decision."""
    decision.status = DecisionStatus.reversed
    if decision.outcome in RESTRICTING:
        item.outcome, item.scope = "no_action", []
        return Reversed(decision=decision, item=item, lift=True)
    move(session=session, item=item, action="reopen")
    item.outcome, item.decided_at, item.scope = None, None, None
    item.action_outcome, item.decide_seconds, item.effect_seconds = None, None, None
    item.legal_finding, item.rights_finding, item.risk_flags = None, None, []
    return Reversed(decision=decision, item=item, lift=False)


def pending_approvals(*, session: Session, principal: Principal, limit: int = 100) -> Sequence[Decision]:
    """Decisions awaiting a second person, oldest first (the approvals inbox)."""
    query = access.scoped(select(Decision).join(Item, Item.id == Decision.item_id), principal, Decision,
                          access.Purpose.act, joined=True).where(Decision.status == DecisionStatus.awaiting_approval)
    return session.execute(query.order_by(Item.priority, Item.deadline_at, Decision.id).limit(limit)).scalars().all()


def decisions_for(*, session: Session, item_id: int) -> Sequence[Decision]:
    return session.execute(select(Decision).where(Decision.item_id == item_id).order_by(Decision.id)).scalars().all()


def reviews_for(*, session: Session, item_id: int) -> Sequence[Review]:
    """The review steps done on an item, in the order they were done."""
    return session.execute(select(Review).where(Review.item_id == item_id).order_by(Review.id)).scalars().all()


def requester_kinds(*, session: Session, request_ids: set[int]) -> dict[int, str]:
    """The kind of submitter (court, government_agency, user…) behind each request."""
    if not request_ids:
        return {}
    rows = session.execute(select(Request.id, Submitter.kind).join(Submitter, Submitter.id == Request.submitter_id)
                           .where(Request.id.in_(sorted(request_ids))))
    return {request_id: str(kind) for request_id, kind in rows}


# ---------------------------------------------------------------- deadlines
def mark_overdue(*, session: Session, now: dt.datetime, actor: str = "system:deadlines") -> list[int]:
    """Mark open items past their deadline as overdue, one event each; return their ids."""
    ids = list(session.execute(
        select(Item.id).where(Item.queue_open.is_(True), Item.overdue.is_(False), Item.deadline_at < now)
        .order_by(Item.id)
    ).scalars())
    for item_id in ids:
        # Conditional: a second watcher running at the same time marks nothing twice.
        done = rowcount(session.execute(
            update(Item).where(Item.id == item_id, Item.overdue.is_(False)).values(overdue=True)
            .execution_options(synchronize_session=False)
        ))
        if done:
            item = session.get(Item, item_id)
            assert item is not None
            audit.record(session=session, actor=actor, action="item:overdue", subject=f"item:{item_id}",
                         payload={"deadline_at": item.deadline_at.isoformat(),
                                  "jurisdiction": item.jurisdiction})
    return ids
