"""The DSA statement's facts name the authority that decided an order the submitter only
transmitted (the order's particulars), and stay valid under the Transparency Database's rules."""

# ruff: noqa: F811  (tests take the imported ``send`` fixture as a parameter)
from __future__ import annotations

from typing import Any

from sqlalchemy import text

from docket.transparency import dsa
from tests.review.conftest import send  # noqa: F401  (the fixture)

HAMBURG = {"issuing_authority": {"name": "Landgericht Hamburg", "kind": "court", "country": "DE"},
           "date": "2026-02-27", "case_number": "324 O 17/26"}


def _removed(send: Any, act: Any, who: Any, reviewer: Any, **changes: Any) -> int:
    """A request of ``who`` in Germany whose one item is removed under the platform's rules."""
    sent = send(who, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}], language="de", **changes)
    item = sent["items"][0]["id"]
    act(reviewer, f"/items/{item}/review", step="policy", finding="violates")
    act(reviewer, f"/items/{item}/decision", expect=201, outcome="removed_policy",
        policy_clause="Community Standards 3.2", explanation="A violent threat.")
    return int(sent["id"])


def _statements(sessions: Any) -> list[dict[str, Any]]:
    with sessions() as s:
        return list(dsa.statements(session=s))


def test_the_facts_name_the_issuing_authority_and_the_sender(send: Any, act: Any, sessions: Any,
                                                             make_submitter: Any, de_court: Any,
                                                             reviewer_alice: Any) -> None:
    bnetza = make_submitter("Bundesnetzagentur", "regulator", "DE", email="dsc@bnetza.example")
    _removed(send, act, bnetza, reviewer_alice, order=HAMBURG)
    _removed(send, act, de_court, reviewer_alice)
    transmitted, direct = _statements(sessions)
    for s in (transmitted, direct):
        assert dsa.validate(s) == {}, dsa.validate(s)
    assert transmitted["decision_facts"].startswith(
        "On 20") and "a regulator of Germany transmitted an order of Landgericht Hamburg (a court of Germany) " \
        "dated 2026-02-27, which required the provider to act against this content" in \
        transmitted["decision_facts"]
    # The sender is still the source: an organisation, named.
    assert (transmitted["source_type"], transmitted["source_identity"]) == (
        "SOURCE_TYPE_OTHER_NOTIFICATION", "Bundesnetzagentur")
    # Without particulars the sender is the deciding authority, as before.
    assert "a court of Germany ordered the provider to act" in direct["decision_facts"]
    assert "transmitted" not in direct["decision_facts"]


def test_an_authority_without_kind_or_date_is_named_plainly(send: Any, act: Any, sessions: Any,
                                                           make_submitter: Any, reviewer_alice: Any) -> None:
    bnetza = make_submitter("Bundesnetzagentur", "regulator", "DE", email="dsc@bnetza.example")
    _removed(send, act, bnetza, reviewer_alice, order={"issuing_authority": {"name": "Ministerium X"}})
    [s] = _statements(sessions)
    assert dsa.validate(s) == {}
    assert "transmitted an order of Ministerium X (an authority), which required" in s["decision_facts"]


def test_a_court_order_says_a_court_even_when_the_police_sent_it(send: Any, act: Any, sessions: Any,
                                                                make_submitter: Any, reviewer_alice: Any) -> None:
    """An order recorded with its authority's kind only (older records, replays): the facts
    name that kind, never the sender's."""
    police = make_submitter("Polizei Berlin", "police", "DE", email="internet@polizei.example")
    request_id = _removed(send, act, police, reviewer_alice)
    with sessions() as s:
        s.execute(text("UPDATE requests SET authority_kind = 'court', authority_name = NULL WHERE id = :r"),
                  {"r": request_id})
        s.commit()
    [s] = _statements(sessions)
    assert dsa.validate(s) == {}
    assert "a court of Germany ordered the provider to act" in s["decision_facts"]
    assert "police" not in s["decision_facts"]
