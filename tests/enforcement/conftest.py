from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from docket import effects
from docket.content import service as content_registry
from docket.content.schemas import ContentUpsert
from docket.intake import submission as intake
from docket.intake.schemas import RequestCreate
from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.settings import Settings
from docket.store import transaction, utcnow


@pytest.fixture
def restrict(sessions: Any, settings: Settings) -> Any:
    """Push one piece of content through the whole process to a decision that takes effect.

    Returns the restriction's feed cursor. ``kind`` is the submitter's kind."""
    made: dict[str, Any] = {}

    def go(content_id: str, *, jurisdiction: str = "KZ", scope: list[str] | None = None,
           outcome: str = "restricted", content_type: str = "post", author_id: str | None = None,
           kind: str = "government_agency", ends_at: dt.datetime | None = None) -> int:
        with transaction(sessions) as s:
            if "user" not in made:
                user = parties.create_user(session=s, actor="test", email="decider@docket.test",
                                           roles=["legal", "rights", "reviewer"])
                made["user"] = Principal(token_id=0, user_id=user.id,
                                         roles=frozenset({Role.legal, Role.rights, Role.reviewer}))
            key = (kind, jurisdiction)
            if key not in made:
                made[key] = parties.create_submitter(session=s, actor="test", name=f"{kind} {jurisdiction}",
                                                     kind=kind, country=jurisdiction, email="x@example.org").id
            submitter = parties.get_submitter(session=s, submitter_id=made[key])
            content_registry.upsert(session=s, data=ContentUpsert(
                id=content_id, url=f"https://social.example/{content_id}", type=content_type,
                author_id=author_id or f"author-of-{content_id}"))
            request = intake.submit(session=s, settings=settings, submitter=submitter, data=RequestCreate(
                jurisdiction=jurisdiction, reason="hate_speech", explanation="Illegal.", bona_fide=True,
                legal_basis=[{"citation": "Penal code"}], items=[{"content_id": content_id}]),
                channel="api").request
            item = request.items[0]
            who, now = made["user"], utcnow()
            findings = [("policy", "violates")] if outcome == "removed_policy" else [
                ("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")]
            for step, finding in findings:
                effects.review(session=s, principal=who, item=item, now=now,
                               data=ReviewCreate(step=step, finding=finding))
            data = DecisionCreate(outcome=outcome, scope=scope, scope_reason="Orders in each country.",
                                  policy_clause="3.2" if outcome == "removed_policy" else None,
                                  explanation="Reasons.", ends_at=ends_at)
            decision = effects.decide(session=s, principal=who, item=item, data=data, now=now)
            if decision.status != "effective":
                other = parties.create_user(session=s, actor="test", email=f"approver-{decision.id}@docket.test",
                                            roles=["local_representative", "reviewer"], jurisdictions=[jurisdiction])
                effects.approve(session=s, decision=decision, note=None, now=now, principal=Principal(
                    token_id=0, user_id=other.id, roles=frozenset({Role.local_representative, Role.reviewer}),
                    jurisdictions=frozenset({jurisdiction})))
            from docket.enforcement import service as enforcement

            return enforcement.latest_cursor(session=s)

    return go


@pytest.fixture
def eventually() -> Any:
    """Poll ``check`` until it holds (the index follows the feed in a background thread)."""
    import time

    def go(check: Any, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result or time.monotonic() > deadline:
                return result
            time.sleep(0.02)

    return go


@pytest.fixture
def decision_to_enforce(sessions: Any) -> int:
    """The id of an effective decision that restrictions can be started for directly."""
    return _seed_decision(sessions)


def _seed_decision(sessions: Any) -> int:
    """A minimal effective decision to hang restrictions on (for feed tests)."""
    from docket.review.models import Decision

    with transaction(sessions) as s:
        submitter = parties.create_submitter(session=s, actor="test", name="Court", kind="court", country="KZ")
        user = parties.create_user(session=s, actor="test", email="seed@docket.test", roles=["legal"])
        request = intake.submit(session=s, settings=Settings(), submitter=submitter, data=RequestCreate(
            jurisdiction="KZ", reason="hate_speech", explanation="x", legal_basis=[{"citation": "x"}],
            items=[{"url": "https://social.example/@a/1"}]), channel="api").request
        decision = Decision(item_id=request.items[0].id, outcome="restricted", scope=["KZ"], explanation="x",
                            from_state="rights_review", status="effective", decided_by=user.id)
        s.add(decision)
        s.flush()
        return decision.id
