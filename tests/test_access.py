"""docket.access, function by function: what each kind of caller reaches, to read and to
act, and that every record outside it is a 404. The matrix (test_matrix.py) checks the
same rules through every route, but it is slow; these tests are fast enough to face each
mutant of access.py (scripts/mutation.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from docket import access, store
from docket.access import Purpose, Reach
from docket.errors import NotFound
from docket.intake.models import Item, Request
from docket.notices.models import WebhookEndpoint
from docket.parties.auth import Principal
from docket.parties.models import ApiToken, Role
from docket.review.models import Decision


def staff(*roles: Role, countries: tuple[str, ...] = (), user_id: int = 7) -> Principal:
    return Principal(token_id=1, user_id=user_id, roles=frozenset(roles),
                     jurisdictions=frozenset(countries))


def submitter(submitter_id: int) -> Principal:
    return Principal(token_id=1, submitter_id=submitter_id, submitter_kind="court")


# ------------------------------------------------------------------ reach, without records
@pytest.mark.parametrize("role", [Role.admin, Role.auditor, Role.reviewer, Role.legal, Role.rights])
def test_global_readers_read_everything(role: Role) -> None:
    assert access.reach(staff(role)) == access.EVERYTHING
    assert access.reach(staff(role)).everything
    assert access.jurisdiction_limit(staff(role)) is None


@pytest.mark.parametrize("role", [Role.reviewer, Role.legal, Role.rights])
def test_reviewers_act_everywhere(role: Role) -> None:
    assert access.reach(staff(role), Purpose.act) == access.EVERYTHING
    assert access.may_act(staff(role), jurisdiction="KZ")
    assert access.jurisdiction_limit(staff(role), Purpose.act) is None


@pytest.mark.parametrize("role", [Role.admin, Role.auditor, Role.platform])
def test_readers_who_do_not_review_act_nowhere(role: Role) -> None:
    assert access.reach(staff(role), Purpose.act) == access.NOTHING
    assert not access.may_act(staff(role), jurisdiction="KZ")
    assert access.jurisdiction_limit(staff(role), Purpose.act) == frozenset()


def test_the_platform_reads_no_case() -> None:
    assert access.reach(staff(Role.platform)) == access.NOTHING
    assert access.jurisdiction_limit(staff(Role.platform)) == frozenset()


def test_a_local_representative_reaches_only_its_countries() -> None:
    dana = staff(Role.local_representative, countries=("KZ",))
    for purpose in Purpose:
        assert access.reach(dana, purpose) == Reach(jurisdictions=frozenset({"KZ"}))
        assert access.jurisdiction_limit(dana, purpose) == frozenset({"KZ"})
    assert access.may_act(dana, jurisdiction="KZ")
    assert not access.may_act(dana, jurisdiction="DE")


def test_a_local_representative_who_audits_reads_everything_but_acts_at_home() -> None:
    dana = staff(Role.local_representative, Role.auditor, countries=("KZ",))
    assert access.reach(dana) == access.EVERYTHING
    assert access.reach(dana, Purpose.act) == Reach(jurisdictions=frozenset({"KZ"}))
    assert access.may_act(dana, jurisdiction="KZ") and not access.may_act(dana, jurisdiction="TR")


def test_a_submitter_reads_its_own_and_acts_on_nothing() -> None:
    court = submitter(5)
    assert access.reach(court) == Reach(submitter_id=5)
    assert not access.reach(court).everything
    assert access.reach(court, Purpose.act) == access.NOTHING
    assert access.jurisdiction_limit(court) == frozenset()
    assert not access.may_act(court, jurisdiction="DE")


def test_what_a_reach_covers() -> None:
    assert Reach(submitter_id=5).covers(submitter_id=5, jurisdiction="DE")
    assert not Reach(submitter_id=5).covers(submitter_id=6, jurisdiction="DE")
    assert not Reach(submitter_id=5).covers(submitter_id=None, jurisdiction="DE")
    assert Reach(jurisdictions=frozenset({"KZ"})).covers(submitter_id=5, jurisdiction="KZ")
    assert not Reach(jurisdictions=frozenset({"KZ"})).covers(submitter_id=5, jurisdiction="DE")
    assert access.EVERYTHING.covers(submitter_id=None, jurisdiction="BR")
    assert not access.NOTHING.covers(submitter_id=None, jurisdiction="BR")
    assert not access.NOTHING.everything and not Reach(jurisdictions=frozenset({"KZ"})).everything


def test_a_local_representatives_role_counts_only_at_home() -> None:
    dana = staff(Role.local_representative, Role.auditor, countries=("KZ",))
    assert access.roles_in(dana, "KZ") == {Role.local_representative, Role.auditor}
    assert access.roles_in(dana, "DE") == {Role.auditor}
    alice = staff(Role.reviewer)
    assert access.roles_in(alice, "DE") == {Role.reviewer}


# ------------------------------------------------------------------ records
KZ = {"jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
      "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
      "items": [{"content_id": "post-kz"}]}
DE = {**KZ, "jurisdiction": "DE", "legal_basis": [{"law": "de-netzdg-3"}],
      "items": [{"content_id": "post-de"}]}


@pytest.fixture
def world(client: Any, kz_ministry: Any, de_court: Any, reviewer_alice: Any, platform: Any,
          act: Any) -> dict[str, Any]:
    """A request from each of two submitters in two countries, each item decided."""
    found: dict[str, Any] = {"kz_ministry": kz_ministry.id, "de_court": de_court.id}
    for key, who, body in (("kz", kz_ministry, KZ), ("de", de_court, DE)):
        content = client.post("/api/v1/content", headers=platform.headers, json={
            "id": f"post-{key}", "url": f"https://social.example/@{key}/1", "type": "post",
            "author_id": f"author-{key}"})
        assert content.status_code in (200, 201), content.text
        sent = client.post("/api/v1/requests", headers=who.headers, json=body)
        assert sent.status_code == 201, sent.text
        item = sent.json()["items"][0]["id"]
        act(reviewer_alice, f"/items/{item}/review", step="policy", finding="violates")
        decision = act(reviewer_alice, f"/items/{item}/decision", expect=201,
                       outcome="removed_policy", policy_clause="3.2",
                       explanation="Against the rules.")
        found[key] = {"request": sent.json()["id"], "item": item, "decision": decision["id"]}
    return found


def _ids(sessions: Any, principal: Principal, model: type[Any],
         purpose: Purpose = Purpose.read) -> set[int]:
    with store.transaction(sessions) as session:
        query = access.scoped(select(model.id), principal, model, purpose)
        return set(session.execute(query).scalars())


MODELS = [(Request, "request"), (Item, "item"), (Decision, "decision")]


@pytest.mark.parametrize(("model", "key"), MODELS)
def test_lists_hold_only_records_within_reach(sessions: Any, world: dict[str, Any],
                                              model: type[Any], key: str) -> None:
    kz, de = world["kz"][key], world["de"][key]
    assert _ids(sessions, submitter(world["kz_ministry"]), model) == {kz}
    assert _ids(sessions, submitter(world["de_court"]), model) == {de}
    assert _ids(sessions, submitter(world["de_court"]), model, Purpose.act) == set()
    dana = staff(Role.local_representative, countries=("KZ",))
    assert _ids(sessions, dana, model) == _ids(sessions, dana, model, Purpose.act) == {kz}
    both = staff(Role.local_representative, countries=("KZ", "DE"))
    assert _ids(sessions, both, model) == {kz, de}
    assert _ids(sessions, staff(Role.auditor), model) == {kz, de}
    assert _ids(sessions, staff(Role.auditor), model, Purpose.act) == set()
    assert _ids(sessions, staff(Role.platform), model) == set()


@pytest.mark.parametrize(("model", "key"), MODELS)
def test_a_record_outside_reach_is_not_found(sessions: Any, world: dict[str, Any],
                                             model: type[Any], key: str) -> None:
    kz = world["kz"][key]
    dana = staff(Role.local_representative, countries=("DE",))
    with store.transaction(sessions) as session:
        assert access.visible(session, submitter(world["kz_ministry"]), model, kz).id == kz
        alice = staff(Role.reviewer)
        assert access.visible(session, alice, model, kz, purpose=Purpose.act).id == kz
        outsiders = ((submitter(world["de_court"]), Purpose.read), (dana, Purpose.read),
                     (staff(Role.auditor), Purpose.act))
        for outsider, purpose in outsiders:
            with pytest.raises(NotFound, match=f"no {model.__name__.lower()} {kz}"):
                access.visible(session, outsider, model, kz, purpose=purpose)
        with pytest.raises(NotFound, match=f"no case {kz}"):
            access.visible(session, dana, model, kz, what="case")


def test_a_joined_query_is_not_joined_again(sessions: Any, world: dict[str, Any]) -> None:
    dana = staff(Role.local_representative, countries=("KZ",))
    with store.transaction(sessions) as session:
        query = select(Decision.id).join(Item, Item.id == Decision.item_id)
        found = session.execute(access.scoped(query, dana, Decision, joined=True)).scalars()
        assert set(found) == {world["kz"]["decision"]}


@pytest.mark.rolled_back
def test_callers_reach_their_own_tokens_and_endpoints_only(
        sessions: Any, kz_ministry: Any, de_court: Any, platform: Any, reviewer_alice: Any) -> None:
    with store.transaction(sessions) as session:
        session.add_all([WebhookEndpoint(owner_id=platform.id, url="https://platform.example/hook",
                                         secret="s" * 32, event_types=["restriction:created"])])
    with store.transaction(sessions) as session:
        court, robot, alice = (submitter(de_court.id), staff(Role.platform, user_id=platform.id),
                               staff(Role.reviewer, user_id=reviewer_alice.id))
        assert [t.id for t in access.own_records(session, court, ApiToken)] == [de_court.token_id]
        assert [t.id for t in access.own_records(session, robot, ApiToken)] == [platform.token_id]
        assert access.own(session, court, ApiToken, de_court.token_id).id == de_court.token_id
        for outsider in (court, alice):
            with pytest.raises(NotFound, match=f"no token {kz_ministry.token_id}"):
                access.own(session, outsider, ApiToken, kz_ministry.token_id, what="token")
        endpoint = access.own_records(session, robot, WebhookEndpoint)
        assert len(endpoint) == 1
        assert access.own(session, robot, WebhookEndpoint, endpoint[0].id).owner_id == platform.id
        assert access.own_records(session, alice, WebhookEndpoint) == []
        with pytest.raises(NotFound, match=f"no webhookendpoint {endpoint[0].id}"):
            access.own(session, alice, WebhookEndpoint, endpoint[0].id)
        with pytest.raises(TypeError, match="Item has no owner"):
            access.owned(robot, Item)


@pytest.mark.rolled_back
def test_a_submitter_reaches_itself_and_staff_who_read_parties_reach_every_submitter(
        sessions: Any, kz_ministry: Any, de_court: Any, reviewer_alice: Any) -> None:
    with store.transaction(sessions) as session:
        court = submitter(de_court.id)
        assert access.submitter(session, court, de_court.id).id == de_court.id
        with pytest.raises(NotFound, match=f"no submitter {kz_ministry.id}"):
            access.submitter(session, court, kz_ministry.id)
        admin = staff(Role.admin)
        assert access.submitter(session, admin, kz_ministry.id).id == kz_ministry.id
        with pytest.raises(NotFound, match="no submitter 987654"):
            access.submitter(session, admin, 987654)
        with pytest.raises(NotFound, match=f"no submitter {kz_ministry.id}"):
            access.submitter(session, staff(Role.platform, user_id=reviewer_alice.id), kz_ministry.id)
