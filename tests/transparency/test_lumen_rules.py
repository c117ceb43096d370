"""Lumen notices the real database takes: its language codes, each provision once, only
requests whose every item is decided, and nothing its notices API's permitted parameters
would drop (walked with the list taken from Lumen's source, in the test receiver)."""

# ruff: noqa: F811  (tests take the imported ``send`` fixture as a parameter)
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from docket.documents.storage import Blobs
from docket.transparency import lumen
from tests.review.conftest import send  # noqa: F401  (the fixture)
from tests.transparency.test_submit import LUMEN_LANGUAGES, PERMITTED, unpermitted


def _notices(sessions: Any) -> dict[str, dict[str, Any]]:
    with sessions() as s:
        return {key: body["notice"] for key, body in lumen.notices(session=s, platform="Social Example",
                                                                   blobs=Blobs())}


def _decide(act: Any, who: Any, item: int) -> None:
    act(who, f"/items/{item}/review", step="policy", finding="violates")
    act(who, f"/items/{item}/decision", expect=201, outcome="removed_policy",
        policy_clause="Community Standards 3.2", explanation="A violent threat.")


@pytest.mark.parametrize(("code", "sent"), [
    ("he", "iw"), ("nb", "no"), ("ru", "ru"), ("kk", "kk"), ("DE", "de"), ("in", "id"),
    ("mn", None), ("so", None), ("ps", None), ("xx", None), (None, None), ("", None),
])
def test_languages_are_lumens_codes_or_left_out(code: str | None, sent: str | None) -> None:
    assert lumen.lumen_language(code) == sent
    assert sent is None or sent in LUMEN_LANGUAGES


def test_docket_and_the_receiver_hold_the_same_language_list() -> None:
    assert lumen.LANGUAGES == LUMEN_LANGUAGES and len(LUMEN_LANGUAGES) == 111


@pytest.mark.parametrize(("law", "provision", "written"), [
    ("s. 71", "s. 71", "s. 71"), ("Criminal Code s. 71", "s. 71", "Criminal Code s. 71"),
    ("StGB", "§ 186 StGB", "§ 186 StGB"), ("Law 5651", "art. 9", "Law 5651 art. 9"), ("Law 5651", None, "Law 5651"),
])
def test_a_provision_is_written_once(law: str, provision: str | None, written: str) -> None:
    assert lumen.regulation(law, provision) == written


def test_a_notice_in_hebrew_with_a_repeated_provision(client: Any, send: Any, act: Any, sessions: Any,
                                                     make_submitter: Any, reviewer_alice: Any) -> None:
    israel = make_submitter("Cyber Unit, State Attorney", "government_agency", "IL", email="cyber@justice.example")
    sent = send(israel, language="he", jurisdiction="IL",
                legal_basis=[{"citation": "s. 71"}, {"citation": "S. 71 "}, {"citation": "s. 72"}])
    _decide(act, reviewer_alice, sent["items"][0]["id"])
    notice = _notices(sessions)[f"request-{sent['id']}"]
    assert notice["language"] == "iw"
    assert notice["regulation_list"] == "s. 71, s. 72"
    assert unpermitted({k: v for k, v in notice.items() if k != "type"}, PERMITTED) == []


def test_a_language_lumen_lacks_is_left_out(send: Any, act: Any, sessions: Any, make_submitter: Any,
                                           reviewer_alice: Any) -> None:
    mongolia = make_submitter("Communications Regulatory Commission", "regulator", "MN", email="crc@crc.example")
    sent = send(mongolia, language="mn", jurisdiction="MN", legal_basis=[{"citation": "Law on Communications"}])
    _decide(act, reviewer_alice, sent["items"][0]["id"])
    assert "language" not in _notices(sessions)[f"request-{sent['id']}"]


def test_a_request_waiting_for_clarification_is_no_notice(send: Any, act: Any, sessions: Any, kz_ministry: Any,
                                                         reviewer_alice: Any, bob_legal: Any) -> None:
    sent = send(kz_ministry, n=2)
    first, second = (i["id"] for i in sent["items"])
    _decide(act, reviewer_alice, first)
    act(reviewer_alice, f"/items/{second}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{second}/review", step="legal", finding="needs_clarification",
        question="Which statement is said to be false?")
    with sessions() as s:
        assert lumen.select_notices(session=s).undecided == 1
    assert _notices(sessions) == {}
    # Even were its status written as decided before the item went back: its items say no.
    with sessions() as s:
        s.execute(text("UPDATE requests SET status = 'decided' WHERE id = :r"), {"r": sent["id"]})
        s.commit()
        assert lumen.select_notices(session=s).undecided == 1
    assert _notices(sessions) == {}


def test_the_walk_finds_what_lumen_would_drop() -> None:
    assert unpermitted({"title": "t", "regulation_list": ["s. 71"], "works_attributes": [{"urls": []}],
                        "entity_notice_roles_attributes": [{"entity_attributes": {"role": "x"}}]}, PERMITTED) == [
        "notice.regulation_list", "notice.works_attributes[0].urls",
        "notice.entity_notice_roles_attributes[0].entity_attributes.role"]
