"""docket.notices.compose: what a notice says comes from the records it names — here, who
the statement of reasons says brought the content to the platform's attention."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from docket import effects
from docket.catalog import service as catalog
from docket.content import service as content_registry
from docket.content.schemas import ContentUpsert
from docket.intake import submission as intake
from docket.intake.models import Channel
from docket.intake.schemas import RequestCreate
from docket.notices.compose import context_for
from docket.outbox.models import OutboxMessage
from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.settings import Settings
from docket.store import utcnow


def statement_for(s: Any, settings: Settings, kind: str, name: str) -> dict[str, Any]:
    """The statement of reasons' context for a post restricted in DE on ``name``'s request."""
    bob = parties.create_user(session=s, actor="test", email="bob@docket.test", roles=["legal", "rights", "reviewer"])
    sender = parties.create_submitter(session=s, actor="test", name=name, kind=kind, country="DE",
                                      email="abuse@sender.example")
    content_registry.upsert(session=s, data=ContentUpsert(
        id="post-5", url="https://social.example/@aliya/5", type="post", author_id="aliya",
        author_contact="aliya@mail.example", language="en"))
    request = intake.submit(session=s, settings=settings, submitter=sender, data=RequestCreate(
        jurisdiction="DE", reason="fraud", explanation="A phishing page imitating a bank.", bona_fide=True,
        legal_basis=[{"citation": "§ 263 StGB"}], items=[{"content_id": "post-5"}]),
        channel=Channel.api).request
    assert request is not None
    item, now = request.items[0], utcnow()
    who = Principal(token_id=0, user_id=bob.id, roles=frozenset({Role.legal, Role.rights, Role.reviewer}))
    for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
        effects.review(session=s, principal=who, item=item, now=now, data=ReviewCreate(step=step, finding=finding))
    effects.decide(session=s, principal=who, item=item, now=now, data=DecisionCreate(
        outcome="restricted", law="§ 263 StGB", explanation="Fraud."))
    message = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "statement_of_reasons")).one()
    return context_for(s, message, settings)


@pytest.mark.parametrize("kind", ["national_cert", "industry_association", "internet_governance"])
def test_an_organisation_that_is_not_an_authority_is_named_as_one(session, settings, kind: str) -> None:
    context = statement_for(session, settings, kind, "CERT-KZ")
    assert (context["source"], context["authority_name"], context["authority_kind"]) == \
        ("organisation", "CERT-KZ", kind)


def test_a_kind_the_catalog_counts_as_government_is_a_public_authority(session, settings) -> None:
    catalog.set_kind(session=session, actor="test", code="national_cert", government=True)
    context = statement_for(session, settings, "national_cert", "CERT-KZ")
    assert (context["source"], context["authority_name"], context["authority_kind"]) == \
        ("authority", "CERT-KZ", "national_cert")
