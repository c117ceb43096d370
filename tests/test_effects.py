"""docket.effects: what follows a decision, in one order, applied apart from the deciding."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from docket import effects
from docket.audit.models import Event
from docket.content import service as content_registry
from docket.content.schemas import ContentUpsert
from docket.enforcement import service as enforcement
from docket.intake import submission as intake
from docket.intake.models import Channel
from docket.intake.schemas import RequestCreate
from docket.notices import service as notices
from docket.notices.models import WebhookEndpoint
from docket.outbox.models import OutboxMessage
from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role
from docket.review import service as review
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.settings import Settings
from docket.store import utcnow

SRC = Path(__file__).resolve().parents[1] / "src" / "docket"
# Routes, pages and commands sit on top of every stage; so does the outbox worker, which
# composes each message at delivery from the records it names (a decision, an appeal).
ON_TOP = {"api", "pages", "inbox_pages", "console", "context", "context_pages", "cli", "worker", "compose",
          "supervisor", "report_api", "report_pages", "portal_forms", "thread_pages",
          # The queue's bulk actions: the single-item routes' loop, each item through effects.
          "bulk"}


def _decided_kz_post(s: Any, settings: Settings, *, confidential: bool) -> review.Decided:
    """A Berlin court's order about a post by an author who gave a contact, decided by bob
    (legal, rights, reviewer) with a restriction in DE; a platform listens to webhooks."""
    bob = parties.create_user(session=s, actor="test", email="bob@docket.test", roles=["legal", "rights", "reviewer"])
    platform = parties.create_user(session=s, actor="test", email="platform@docket.test", roles=["platform"])
    notices.add_endpoint(session=s, actor="test", owner_id=platform.id, url="https://platform.example/hooks",
                         event_types=list(notices.EVENT_TYPES), secret="s" * 32)
    court = parties.create_submitter(session=s, actor="test", name="Landgericht Berlin", kind="court",
                                     country="DE", email="poststelle@lg-berlin.example")
    content_registry.upsert(session=s, data=ContentUpsert(
        id="post-81724", url="https://social.example/@jonas/81724", type="post", author_id="jonas",
        author_contact="jonas@mail.example", language="de"))
    request = intake.submit(session=s, settings=settings, submitter=court, data=RequestCreate(
        jurisdiction="DE", reason="defamation", explanation="Defamatory.", bona_fide=True,
        confidential=confidential, confidentiality_basis="Court order 12/2026" if confidential else None,
        legal_basis=[{"citation": "§ 186 StGB"}], items=[{"content_id": "post-81724"}]),
        channel=Channel.api).request
    assert request is not None
    item, now = request.items[0], utcnow()
    who = Principal(token_id=0, user_id=bob.id, roles=frozenset({Role.legal, Role.rights, Role.reviewer}))
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        effects.review(session=s, principal=who, item=item, now=now, data=ReviewCreate(step=step, finding=finding))
    return review.decide(session=s, principal=who, item=item, now=now, data=DecisionCreate(
        outcome="restricted", law="§ 186 StGB", explanation="Defamation of a named person."))


def _events_after(s: Any, seq: int) -> list[str]:
    return list(s.scalars(select(Event.action).where(Event.seq > seq).order_by(Event.seq)))


def _outbox(s: Any) -> list[tuple[str, str]]:
    return [(m.kind, m.recipient) for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if m.kind != "acknowledgement"]


def test_a_decision_takes_effect_in_one_order(session, settings) -> None:
    s = session
    decided = _decided_kz_post(s, settings, confidential=True)
    assert decided.took_effect and decided.state == "decided"
    # Review decided and said so; nothing beyond the decision and the item happened yet.
    made = s.scalars(select(Event.seq).where(Event.action == "decision:made")).one()
    assert _events_after(s, made) == []
    assert enforcement.latest_cursor(session=s) == 0 and _outbox(s) == []
    assert decided.item.request.status == "open"

    effects.after_decision(session=s, decided=decided, actor="user:bob", now=utcnow())

    # The request's status first, then the restriction, then the notices (a gag order holds the author's).
    assert _events_after(s, made) == ["item:decided", "restriction:started", "hold:placed", "notice:held"]
    decided_event = s.scalars(select(Event).where(Event.action == "item:decided")).one()
    assert decided_event.payload["request_status"] == "decided"
    assert decided.item.request.status == "decided"
    assert [c.op for c in enforcement.changes_after(session=s, after=0, limit=10)] == ["start"]
    webhook = f"webhook:{s.scalars(select(WebhookEndpoint.id)).one()}"
    assert _outbox(s) == [
        ("restriction.created", webhook),  # the platform, as the feed changes
        ("decision.made", webhook),
        ("statement_of_reasons", "jonas@mail.example"),  # the author (held)
        ("effect_given", "poststelle@lg-berlin.example"),  # the requester: its only item is decided
    ]
    held = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "statement_of_reasons")).one()
    assert held.status == "held" and held.language == "de"


def test_nothing_follows_a_decision_that_awaits_approval(session, settings) -> None:
    s = session
    decided = _decided_kz_post(s, settings, confidential=False)
    # As if a second person had still to approve it.
    decided.decision.status = "awaiting_approval"
    before = s.scalars(select(Event.seq).order_by(Event.seq.desc()).limit(1)).one()
    effects.after_decision(session=s, decided=decided, actor="user:bob", now=utcnow())
    assert _events_after(s, before) == []
    assert enforcement.latest_cursor(session=s) == 0 and _outbox(s) == []


def test_expiry_tells_the_platform(session, settings) -> None:
    s = session
    decided = _decided_kz_post(s, settings, confidential=False)
    decided.decision.ends_at = utcnow() + dt.timedelta(hours=1)
    effects.after_decision(session=s, decided=decided, actor="user:bob", now=utcnow())
    ended = effects.expire_restrictions(session=s, now=utcnow() + dt.timedelta(hours=2))
    assert len(ended) == 1
    kinds = [kind for kind, _ in _outbox(s)]
    assert kinds[-1] == "restriction.ended"
    last = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)).one()
    assert last.context["reason"] == "expired" and last.context["op"] == "end"


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_no_service_imports_a_later_stage_of_the_flow() -> None:
    """intake → review → enforcement → notices → appeals: intake, review, enforcement and
    notices import no later stage, nor docket.effects (which imports them all); notices
    finds no recipients in intake either (they are handed to it)."""
    flow = ["intake", "review", "enforcement", "notices", "appeals"]
    for stage in ("intake", "review", "enforcement", "notices"):
        later = [*flow[flow.index(stage) + 1:], "effects"]
        for module in (SRC / stage).glob("*.py"):
            if module.stem in ON_TOP:
                continue
            wrong = sorted(m for m in _imports(module)
                           if any(m == f"docket.{x}" or m.startswith(f"docket.{x}.") for x in later))
            assert not wrong, f"docket.{stage}.{module.stem} imports {wrong}"
    assert not [m for m in _imports(SRC / "notices" / "service.py") if m.startswith("docket.intake")]
