"""``docket log check-restrictions``: the restrictions the logged decisions, approvals,
appeals and expiries imply, against what the enforcement index serves (its snapshot and its
feed), on both engines, through the command line."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from typer.testing import CliRunner

from docket import effects
from docket.appeals import tokens
from docket.audit.models import Event
from docket.cli import app as cli
from docket.demo import load_demo
from docket.enforcement.models import Restriction, RestrictionChange
from docket.enforcement.restrictions_check import check_restrictions
from docket.items.states import ItemState
from docket.review.models import Decision
from docket.review.service import Decided
from docket.settings import Settings
from docket.store import read_snapshot, transaction, utcnow
from tests.conftest import SECRET
from tests.helpers import tampering

runner = CliRunner()


def checked() -> tuple[int, dict[str, Any]]:
    result = runner.invoke(cli, ["log", "check-restrictions", "--json"])
    return result.exit_code, json.loads(result.stdout)


def by_subject(out: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for d in out["differences"]:
        found.setdefault(d["subject"], []).append(d)
    return found


class Desk:
    """The people of one desk, and a restriction put in force through the API."""

    def __init__(self, client: Any, act: Any, platform: Any, kz_ministry: Any, people: tuple[Any, ...]) -> None:
        self.client, self.act, self.platform, self.kz_ministry = client, act, platform, kz_ministry
        self.alice, self.bob, self.carol, self.dana = people

    def decided(self, content_id: str, ends_in: dt.timedelta | None = None, **decision: Any) -> dict[str, Any]:
        """Register ``content_id``, request it restricted in KZ, review it, decide (dana, KZ's
        representative), for ``ends_in`` from the moment of deciding if given; the decision
        as the API answers it."""
        self.client.post("/api/v1/content", headers=self.platform.headers, json={
            "id": content_id, "url": f"https://social.example/@a/{content_id}", "type": "post",
            "author_contact": "a@mail.example"})
        request = self.client.post("/api/v1/requests", headers=self.kz_ministry.headers, json={
            "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Illegal.",
            "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"content_id": content_id}]}).json()
        item = request["items"][0]["id"]
        self.act(self.alice, f"/items/{item}/review", step="policy", finding="compliant")
        self.act(self.bob, f"/items/{item}/review", step="legal", finding="illegal")
        self.act(self.carol, f"/items/{item}/review", step="rights", finding="no_concern")
        if ends_in is not None:
            decision["ends_at"] = (utcnow() + ends_in).isoformat()
        return self.act(self.dana, f"/items/{item}/decision", expect=201, outcome="restricted",
                        explanation="Incitement.", **decision)

    def restrict(self, content_id: str, **decision: Any) -> int:
        """A restriction in force: decided, and approved by a second person if it needs it;
        the decision's id."""
        return int(self.restricted(content_id, **decision)["id"])

    def restricted(self, content_id: str, **decision: Any) -> dict[str, Any]:
        made = self.decided(content_id, **decision)
        if made["status"] == "awaiting_approval":
            made = self.act(self.alice, f"/decisions/{made['id']}/approve")
        assert made["status"] == "effective", made
        return made


def desk(client: Any, act: Any, platform: Any, kz_ministry: Any, reviewer_alice: Any, bob_legal: Any,
         carol_rights: Any, dana_kz: Any) -> Desk:
    return Desk(client, act, platform, kz_ministry, (reviewer_alice, bob_legal, carol_rights, dana_kz))


def test_a_real_flow_agrees_with_the_log(client, act, platform, kz_ministry, reviewer_alice, bob_legal,
                                         carol_rights, dana_kz, make_user, sessions) -> None:
    d = desk(client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz)
    code, out = checked()
    assert code == 0 and out["ok"] and out["in_force"] == 0 and out["differences"] == []

    d.restrict("post-1")
    d.restrict("post-2", scope=["KZ", "RU"], scope_reason="The same order in Russia.")  # four eyes
    later = (utcnow() + dt.timedelta(days=30)).replace(microsecond=123456)
    d.restrict("post-3", ends_at=later.isoformat())
    reversed_ = d.restrict("post-4")
    appeal = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, reversed_),
                                                  "statement": "Satire."}).json()
    judge = make_user("grace@docket.test", "legal", "reviewer")
    assert client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=judge.headers,
                       json={"outcome": "reversed", "explanation": "Satire."}).status_code == 200
    code, out = checked()
    assert code == 0, out
    assert out["in_force"] == 3 and out["served"] == {"snapshot": 3, "feed": 3}
    # A restriction for two seconds, past its end (the index stops serving it then), and
    # after the expiry job ended its row.
    short = d.restricted("post-5", ends_in=dt.timedelta(seconds=2))
    ends = dt.datetime.fromisoformat(short["ends_at"].replace("Z", "+00:00"))
    while utcnow() <= ends:
        time.sleep(0.1)
    code, out = checked()
    assert code == 0 and out["in_force"] == 3, out
    with transaction(sessions) as s:
        assert len(effects.expire_restrictions(session=s, now=utcnow())) == 1
    code, out = checked()
    assert code == 0 and out["in_force"] == 3 and out["served"] == {"snapshot": 3, "feed": 3}, out
    assert out["events"] > 0

    human = runner.invoke(cli, ["log", "check-restrictions"])
    assert human.exit_code == 0 and "restrictions agree with the log: 3 in force" in human.output
    # The decision's own event says what it restricts: the log alone is enough.
    with sessions() as s:
        decided = {e.payload["restricts"]: e.payload for e in s.scalars(
            select(Event).where(Event.action == "item:decided")).all()}
    assert decided["content:post-3"]["notice_kind"] == "legal_demand"
    assert dt.datetime.fromisoformat(decided["content:post-3"]["ends_at"]) == later
    assert decided["content:post-2"]["scope"] == ["KZ", "RU"] and decided["content:post-1"]["ends_at"] is None


def test_restrictions_behind_dockets_back_are_reported_with_their_subject(
        client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, sessions) -> None:
    d = desk(client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz)
    kept = d.restrict("post-1")
    gone = d.restrict("post-2")
    widened = d.restrict("post-3")
    assert checked()[0] == 0
    with transaction(sessions) as s:
        cursor = s.scalar(select(func.max(RestrictionChange.cursor)))
        # A secret channel: a restriction row and its feed change, hung on a real decision.
        secret = s.execute(insert(Restriction).values(
            subject_kind="content", subject_id="post-secret", scope=["KZ"], notice_kind="legal_demand",
            decision_id=kept, starts_at=utcnow()).returning(Restriction.id)).scalar_one()
        s.execute(insert(RestrictionChange).values(
            cursor=cursor + 1, op="start", restriction_id=secret, subject_kind="content", subject_id="post-secret",
            scope=["KZ"], notice_kind="legal_demand", at=utcnow()))
        # One lifted without any decision: its row and its feed changes deleted.
        removed = s.scalar(select(Restriction.id).where(Restriction.decision_id == gone))
        s.execute(delete(RestrictionChange).where(RestrictionChange.restriction_id == removed))
        s.execute(delete(Restriction).where(Restriction.id == removed))
        # One served in more countries than decided (the snapshot's row only).
        s.execute(update(Restriction).where(Restriction.decision_id == widened).values(scope=["KZ", "RU"]))

    code, out = checked()
    assert code == 1 and not out["ok"]
    found = by_subject(out)
    assert set(found) == {"content:post-secret", "content:post-2", "content:post-3"}
    [secret_channel] = found["content:post-secret"]
    assert secret_channel["kind"] == "not_logged" and secret_channel["served"] == ["KZ"]
    assert secret_channel["restriction"] == secret and secret_channel["sources"] == ["snapshot", "feed"]
    assert f"decision {kept} restricts content:post-1, not this" in secret_channel["detail"]
    [missing] = found["content:post-2"]
    assert missing["kind"] == "not_served" and missing["decision"] == gone and missing["logged"] == ["KZ"]
    assert missing["sources"] == ["snapshot", "feed"]
    [wider] = found["content:post-3"]
    assert wider["kind"] == "wider" and wider["served"] == ["KZ", "RU"] and wider["logged"] == ["KZ"]
    assert wider["sources"] == ["snapshot"] and "also served in RU" in wider["detail"]

    human = runner.invoke(cli, ["log", "check-restrictions"])
    assert human.exit_code == 1
    assert "content:post-secret" in human.stdout and "secret" in human.stdout
    assert "3 differences" in human.output


def test_a_restriction_only_in_the_feed_is_reported(client, act, platform, kz_ministry, reviewer_alice,
                                                    bob_legal, carol_rights, dana_kz, sessions) -> None:
    """What every node following the feed serves, though the snapshot has no such row."""
    d = desk(client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz)
    ended = d.restrict("post-1")
    # The row ended with no reversal logged (the snapshot drops it; the feed, never told,
    # still serves it), and a start for another subject appended to the feed only.
    with transaction(sessions) as s:
        row = s.scalars(select(Restriction).where(Restriction.decision_id == ended)).one()
        s.execute(update(Restriction).where(Restriction.id == row.id).values(ended_at=utcnow(),
                                                                             ended_reason="reversed_on_appeal"))
        cursor = s.scalar(select(func.max(RestrictionChange.cursor)))
        s.execute(insert(RestrictionChange).values(
            cursor=cursor + 1, op="start", restriction_id=row.id, subject_kind="account", subject_id="author-7",
            scope=["*"], notice_kind="legal_demand", at=utcnow()))
    code, out = checked()
    assert code == 1
    kinds = {(d["subject"], d["kind"], tuple(d["sources"])) for d in out["differences"]}
    assert kinds == {("account:author-7", "not_logged", ("feed",)), ("content:post-1", "not_served", ("snapshot",))}


def test_a_decision_in_force_without_its_approval_is_reported(
        client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, sessions) -> None:
    """Four eyes bypassed: a decision that awaits approval put into effect by calling the
    effects directly, with no approval logged."""
    d = desk(client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz)
    made = d.decided("post-1", scope=["KZ", "RU"], scope_reason="Wider.")
    assert made["status"] == "awaiting_approval"
    with transaction(sessions) as s:
        decision = s.get(Decision, made["id"])
        decision.status, decision.effective_at = "effective", utcnow()
        effects.after_decision(session=s, decided=Decided(decision=decision, item=decision.item,
                                                          state=ItemState.decided),
                               actor=f"user:{dana_kz.id}", now=utcnow())
    code, out = checked()
    assert code == 1
    [unapproved] = out["differences"]
    assert unapproved["kind"] == "unapproved" and unapproved["subject"] == "content:post-1"
    assert unapproved["sources"] == ["log"] and "approval" in unapproved["detail"]


def test_a_log_from_before_item_decided_named_the_restriction_is_read_through_restriction_started(
        client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, sessions) -> None:
    d = desk(client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz)
    d.restrict("post-1", ends_at=(utcnow() + dt.timedelta(days=3)).isoformat())
    d.restrict("post-2", scope=["KZ", "RU"], scope_reason="The same order in Russia.")
    with tampering(sessions) as s:  # the events as docket recorded them before
        for event in s.scalars(select(Event).where(Event.action == "item:decided")).all():
            old = {k: v for k, v in event.payload.items() if k not in ("restricts", "notice_kind", "ends_at")}
            s.execute(update(Event).where(Event.seq == event.seq).values(payload=old))
    code, out = checked()
    assert code == 0 and out["in_force"] == 2, out
    with tampering(sessions) as s:  # and with the subject's event gone too, the subject is unknown
        first = s.scalar(select(Restriction.id).where(Restriction.subject_id == "post-1"))
        s.execute(delete(Event).where(Event.action == "restriction:started", Event.subject == f"restriction:{first}"))
    code, out = checked()
    assert code == 1
    assert {(x["kind"], x["subject"]) for x in out["differences"]} == {
        ("not_logged", "content:post-1"), ("not_served", "(not logged)")}


def test_the_check_reports_its_progress(sessions, engine) -> None:
    seen: list[tuple[str, int, int]] = []
    with read_snapshot(engine) as conn:
        result = check_restrictions(conn=conn, now=utcnow(), progress=lambda *a: seen.append(a))
    assert result.ok
    assert [stage for stage, _, _ in seen] == ["reading the log", "reading the snapshot", "reading the feed"]


def test_the_demos_data_passes_the_check(sessions, database_url) -> None:
    with transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=Settings(database_url=database_url))
    code, out = checked()
    assert code == 0, out["differences"]
    assert out["in_force"] > 10 and out["served"] == {"snapshot": out["in_force"], "feed": out["in_force"]}
    with transaction(sessions) as s:  # the demo holds a reversal: the log knows it was lifted
        assert s.scalar(select(func.count()).select_from(Restriction).where(
            Restriction.ended_reason == "reversed_on_appeal")) >= 1


def test_an_account_restricted_on_a_measure_is_logged_not_a_secret_channel(
        client, act, platform, kz_ministry, reviewer_alice, bob_legal, carol_rights, dana_kz, eventually) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "acct-troll", "url": "https://social.example/@troll", "type": "account", "author_id": "troll"})
    sent = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Illegal.",
        "legal_basis": [{"law": "kz-online-platforms-9"}],
        "measures": [{"kind": "restrict_account", "account": "acct-troll"}]}).json()
    [item] = sent["items"]
    act(reviewer_alice, f"/items/{item['id']}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item['id']}/review", step="legal", finding="illegal")
    act(carol_rights, f"/items/{item['id']}/review", step="rights", finding="no_concern")
    decision = act(dana_kz, f"/items/{item['id']}/decision", expect=201, outcome="restricted",
                   explanation="Incitement from this account.")
    code, out = checked()
    assert code == 0 and out["ok"] and out["in_force"] == 1, out
    assert out["served"] == {"snapshot": 1, "feed": 1}
    # The index serves it as an account restriction: every post of the account, in KZ only.
    def see(country: str) -> bool:
        r = client.get("/api/v1/visibility", headers=platform.headers,
                       params={"content_id": "any-post", "country": country, "author_id": "troll"})
        return bool(r.json()["visible"])
    assert eventually(lambda: not see("KZ")) and see("DE")
    assert decision["status"] == "effective"
