"""Statutory deadlines as a table written from the law catalog's rules, not from the code.

The rules (``intake/clock.py``; the clocks as reported in the reference notes):
- no emergency: the shortest clock among the cited laws that set one (a tie goes to the
  law id that sorts first); else the jurisdiction's default clock; else
  DOCKET_DEFAULT_CLOCK_HOURS (168 h, 7 days);
- an emergency: the shortest of the jurisdiction's own emergency clock, its default clock
  and every clock (emergency or ordinary) of every law in force there, cited or not (a
  tie goes to the jurisdiction); else DOCKET_EMERGENCY_CLOCK_HOURS (24 h);
- an answered clarification restarts the clock at the answer unless the law whose clock
  applies keeps it running (when no cited law sets it: unless any cited law does); asking
  for one never pauses it.

Each row gives the expected deadline as a literal time. Received at T0 = Monday
2 March 2026, 09:00 UTC, unless a row says otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.catalog import service as catalog
from docket.catalog.service import JurisdictionInfo, LawInfo
from docket.intake import clarification, clock
from docket.intake import submission as intake
from docket.intake.schemas import ClarificationCreate, RequestCreate
from docket.parties import service as parties
from docket.settings import Settings

UTC = dt.UTC
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEFAULT_HOURS, EMERGENCY_DEFAULT_HOURS = 168, 24  # the settings' defaults


def at(text: str) -> dt.datetime:
    """'03-04 09:00' → that time in March 2026, UTC."""
    return dt.datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


# ---------------------------------------------------------------- the shipped catalog
SHIPPED: dict[str, Any] = json.loads(
    (resources.files("docket.catalog") / "defaults" / "laws.json").read_text("utf-8"))
LAWS = {law["id"]: LawInfo(law["id"], law["applies_in"], law["citation"], law["clock_hours"],
                           law["emergency_clock_hours"], law["clock_restarts_on_clarification"],
                           law["local_rep_signoff"]) for law in SHIPPED["laws"]}
PLACES = {j["code"]: JurisdictionInfo(j["code"], j["code"], j["default_clock_hours"], j["emergency_clock_hours"],
                                      j["local_rep_signoff"]) for j in SHIPPED["jurisdictions"]}


def place(code: str) -> JurisdictionInfo:
    return PLACES.get(code) or JurisdictionInfo(code, code, None, None, False)


def rule_for(code: str, cited: list[str], emergency: bool) -> clock.ClockRule:
    in_force = [law for law in LAWS.values() if catalog.law_applies(law, code)] if emergency else []
    return clock.resolve(jurisdiction=place(code), cited=[LAWS[i] for i in cited], laws_in_force=in_force,
                         emergency=emergency, default_hours=DEFAULT_HOURS,
                         emergency_default_hours=EMERGENCY_DEFAULT_HOURS)


def deadline_after(rule: clock.ClockRule, received: dt.datetime, answers: list[dt.datetime]) -> dt.datetime:
    started = received
    for answered in answers:
        started = rule.start_after_clarification(started_at=started, answered_at=answered)
    return rule.deadline(started)


# (jurisdiction, cited laws, emergency, expected deadline, source, law whose clock applies)
NO_CLARIFICATION = [
    # Kazakhstan: 24 h after the order, under either law; the jurisdiction's 24 h without one.
    ("KZ", ["kz-informatization-18-2"], False, "03-03 09:00", "law", "kz-informatization-18-2"),
    ("KZ", ["kz-online-platforms-9"], False, "03-03 09:00", "law", "kz-online-platforms-9"),
    ("KZ", ["kz-online-platforms-9", "kz-informatization-18-2"], False, "03-03 09:00", "law",
     "kz-informatization-18-2"),
    ("KZ", [], False, "03-03 09:00", "jurisdiction", None),
    # Germany: 24 h manifestly unlawful, 7 days otherwise; the DSA sets no clock (DE's 7 days).
    ("DE", ["de-netzdg-3-manifest"], False, "03-03 09:00", "law", "de-netzdg-3-manifest"),
    ("DE", ["de-netzdg-3"], False, "03-09 09:00", "law", "de-netzdg-3"),
    ("DE", ["de-netzdg-3", "de-netzdg-3-manifest"], False, "03-03 09:00", "law", "de-netzdg-3-manifest"),
    ("DE", ["eu-dsa-9"], False, "03-09 09:00", "jurisdiction", None),
    ("DE", ["eu-dsa-16"], False, "03-09 09:00", "jurisdiction", None),
    ("DE", ["eu-dsa-9", "de-netzdg-3-manifest"], False, "03-03 09:00", "law", "de-netzdg-3-manifest"),
    ("DE", [], False, "03-09 09:00", "jurisdiction", None),
    # India: 36 h for a court order or government notice, 24 h for intimate imagery.
    ("IN", ["in-it-rules-3-1-d"], False, "03-03 21:00", "law", "in-it-rules-3-1-d"),
    ("IN", ["in-it-rules-3-2-b"], False, "03-03 09:00", "law", "in-it-rules-3-2-b"),
    ("IN", ["in-it-rules-3-1-d", "in-it-rules-3-2-b"], False, "03-03 09:00", "law", "in-it-rules-3-2-b"),
    ("IN", [], False, "03-03 21:00", "jurisdiction", None),
    # Turkey: 48 h; a decision under Art. 8/A within four hours.
    ("TR", ["tr-5651-9"], False, "03-04 09:00", "law", "tr-5651-9"),
    ("TR", ["tr-5651-8-a"], False, "03-02 13:00", "law", "tr-5651-8-a"),
    ("TR", [], False, "03-04 09:00", "jurisdiction", None),
    # Vietnam: 24 h after a ministry request, 48 h for founded user complaints.
    ("VN", ["vn-decree-147"], False, "03-03 09:00", "law", "vn-decree-147"),
    ("VN", ["vn-decree-147-complaint"], False, "03-04 09:00", "law", "vn-decree-147-complaint"),
    ("VN", ["vn-decree-147-complaint", "vn-decree-147"], False, "03-03 09:00", "law", "vn-decree-147"),
    ("VN", [], False, "03-03 09:00", "jurisdiction", None),
    # Russia: no confirmed clock, and none for the jurisdiction: the global default, 7 days.
    ("RU", ["ru-149-fz-10-6"], False, "03-09 09:00", "default", None),
    ("RU", ["ru-236-fz"], False, "03-09 09:00", "default", None),
    ("RU", ["ru-149-fz-10-6", "ru-236-fz"], False, "03-09 09:00", "default", None),
    # Russia's register (Art. 15.1): within a day of the notice. Art. 15.3 says "immediately",
    # no clock in hours: the jurisdiction's default, here none, so the global default.
    ("RU", ["ru-149-fz-15-1"], False, "03-03 09:00", "law", "ru-149-fz-15-1"),
    ("RU", ["ru-149-fz-15-3"], False, "03-09 09:00", "default", None),
    ("RU", ["ru-149-fz-15-3", "ru-149-fz-15-1"], False, "03-03 09:00", "law", "ru-149-fz-15-1"),
    # Laws that state no clock (a court's or authority's own time limit): the default.
    ("BR", ["br-marco-civil-19"], False, "03-09 09:00", "default", None),
    ("IN", ["in-it-act-69a"], False, "03-03 21:00", "jurisdiction", None),
    ("ES", ["es-lssi-8"], False, "03-09 09:00", "default", None),
    ("KR", ["kr-network-act-44-2"], False, "03-09 09:00", "default", None),
    ("KR", ["kr-network-act-44-7"], False, "03-09 09:00", "default", None),
    ("BR", ["br-marco-civil-21"], False, "03-09 09:00", "default", None),
    ("ES", ["es-lssi-11"], False, "03-09 09:00", "default", None),
    ("PK", ["pk-peca-37"], False, "03-09 09:00", "default", None),
    ("CN", ["cn-cybersecurity-47", "cn-cybersecurity-50"], False, "03-09 09:00", "default", None),
    ("HK", ["hk-pdpo-9a"], False, "03-09 09:00", "default", None),
    ("HK", ["hk-nsl-43-sch4"], False, "03-09 09:00", "default", None),
    ("SG", ["sg-pofma-22"], False, "03-09 09:00", "default", None),
    # France: 24 h before access providers block (LCEN art. 6-1); Indonesia: 1 x 24 jam.
    ("FR", ["fr-lcen-6-1"], False, "03-03 09:00", "law", "fr-lcen-6-1"),
    ("ID", ["id-permenkominfo-5-2020"], False, "03-03 09:00", "law", "id-permenkominfo-5-2020"),
    # France: the DSA's "without undue delay" and no clock of its own: the global default.
    ("FR", ["eu-dsa-9"], False, "03-09 09:00", "default", None),
    ("FR", ["eu-dsa-16"], False, "03-09 09:00", "default", None),
    ("BR", [], False, "03-09 09:00", "default", None),
    # Emergencies: the jurisdiction's own emergency clock where it is the shortest (it wins ties).
    ("KZ", ["kz-informatization-18-2"], True, "03-03 09:00", "jurisdiction", None),
    ("DE", ["de-netzdg-3"], True, "03-03 09:00", "jurisdiction", None),  # 24 h, not the law's 7 days
    ("DE", ["eu-dsa-9"], True, "03-03 09:00", "jurisdiction", None),
    ("DE", [], True, "03-03 09:00", "jurisdiction", None),
    ("IN", ["in-it-rules-3-1-d"], True, "03-03 09:00", "jurisdiction", None),  # 24 h, not 36 h
    ("TR", ["tr-5651-9"], True, "03-02 13:00", "law", "tr-5651-8-a"),  # Art. 8/A's 4 h, not Turkey's 48 h
    ("VN", ["vn-decree-147-complaint"], True, "03-03 09:00", "jurisdiction", None),  # 24 h, not 48 h
    ("RU", ["ru-149-fz-10-6"], True, "03-03 09:00", "law", "ru-149-fz-15-1"),  # the register's day
    ("FR", ["eu-dsa-9"], True, "03-03 09:00", "law", "fr-lcen-6-1"),
    ("ID", [], True, "03-02 13:00", "law", "id-permenkominfo-5-2020"),  # 4 jam for urgent content
    ("ES", ["eu-dsa-9"], True, "03-03 09:00", "default", None),
    ("BR", [], True, "03-03 09:00", "default", None),
]


@pytest.mark.parametrize(("code", "cited", "emergency", "expected", "source", "law"), NO_CLARIFICATION)
def test_the_deadline_of_each_law_and_jurisdiction(code, cited, emergency, expected, source, law) -> None:
    rule = rule_for(code, cited, emergency)
    assert rule.deadline(T0) == at(expected)
    assert (rule.source, rule.law, rule.emergency) == (source, law, emergency)


def test_the_table_covers_every_law_and_jurisdiction_the_catalog_ships() -> None:
    cited = {law for row in NO_CLARIFICATION for law in row[1]}
    places = {row[0] for row in NO_CLARIFICATION}
    assert cited == set(LAWS)
    assert set(PLACES) <= places
    for code in PLACES:
        assert {e for row in NO_CLARIFICATION if row[0] == code for e in [row[2]]} == {False, True}, code


def test_a_clock_in_days_is_days() -> None:
    assert rule_for("DE", ["de-netzdg-3"], False).deadline(T0) == T0 + dt.timedelta(days=7)
    # Across the end of a month (and a leap day): hours are hours, whatever the calendar.
    late = dt.datetime(2028, 2, 25, 18, 30, tzinfo=UTC)
    assert rule_for("DE", ["de-netzdg-3"], False).deadline(late) == dt.datetime(2028, 3, 3, 18, 30, tzinfo=UTC)
    assert rule_for("IN", ["in-it-rules-3-1-d"], False).deadline(late) == dt.datetime(2028, 2, 27, 6, 30, tzinfo=UTC)


# (jurisdiction, cited, emergency, clarification asked, answered (in order), expected deadline)
CLARIFIED = [
    # Asked at intake (an incomplete request), answered six hours later: 24 h from the answer.
    ("KZ", ["kz-informatization-18-2"], False, "03-02 09:00", ["03-02 15:00"], "03-03 15:00"),
    # Asked by the legal reviewer on day 2, answered on day 4: 7 days from the answer.
    ("DE", ["de-netzdg-3"], False, "03-04 09:00", ["03-06 12:00"], "03-13 12:00"),
    # Answered an hour before the first deadline: 36 h from the answer.
    ("IN", ["in-it-rules-3-1-d"], False, "03-02 10:00", ["03-03 20:00"], "03-05 08:00"),
    # Answered after the first deadline had passed: the clock still starts again.
    ("TR", ["tr-5651-9"], False, "03-03 09:00", ["03-05 09:00"], "03-07 09:00"),
    # Two answers: the clock runs from the last.
    ("KZ", ["kz-online-platforms-9"], False, "03-02 09:00", ["03-02 12:00", "03-02 18:00"], "03-03 18:00"),
    # The jurisdiction's clock and the global default restart too.
    ("VN", [], False, "03-02 09:00", ["03-02 21:00"], "03-03 21:00"),
    ("RU", ["ru-236-fz"], False, "03-02 09:00", ["03-05 09:00"], "03-12 09:00"),
    # An emergency's clock restarts as well.
    ("KZ", ["kz-informatization-18-2"], True, "03-02 09:00", ["03-02 20:00"], "03-03 20:00"),
    ("DE", ["de-netzdg-3"], True, "03-02 11:00", ["03-02 13:30"], "03-03 13:30"),
    # So does the global emergency default, where no cited law keeps clocks running.
    ("ES", ["eu-dsa-9"], True, "03-02 09:00", ["03-02 15:00"], "03-03 15:00"),
]


@pytest.mark.parametrize(("code", "cited", "emergency", "asked", "answers", "expected"), CLARIFIED)
def test_an_answered_clarification_restarts_the_clock(code, cited, emergency, asked, answers, expected) -> None:
    rule = rule_for(code, cited, emergency)
    assert rule.restarts_on_clarification is True
    assert deadline_after(rule, T0, [at(a) for a in answers]) == at(expected)
    assert at(asked) <= at(answers[0])


# Laws that are not shipped, to reach the rules the shipped catalog does not exercise.
XA = JurisdictionInfo("XA", "Example A", 72, 6, False)  # a short emergency clock of its own
XB = JurisdictionInfo("XB", "Example B", 12, None, False)  # a default clock and no emergency clock
XC = JurisdictionInfo("XC", "Example C", None, None, False)


def law(law_id: str, hours: int | None, emergency: int | None = None, restarts: bool = True) -> LawInfo:
    return LawInfo(law_id, "XA", law_id, hours, emergency, restarts, False)


STRICT_12 = law("strict-12", 12, restarts=False)
LENIENT_48 = law("lenient-48", 48, 24)
LENIENT_12 = law("lenient-12", 12)
STRICT_48 = law("strict-48", 48, restarts=False)
UNTIMED_STRICT = law("untimed-strict", None, restarts=False)
URGENT_2 = law("urgent-2", 72, 2)
SHORT_3 = law("short-3", 3)
EARLY_ID_6 = law("0-first-by-id", 6)  # an id that sorts before any letter


# (jurisdiction, cited, in force, emergency, answers, expected deadline, source, law)
SYNTHETIC = [
    # A law that keeps its clock running through a clarification.
    (XC, [STRICT_12], [], False, ["03-02 15:00"], "03-02 21:00", "law", "strict-12"),
    (XC, [STRICT_12, LENIENT_48], [], False, ["03-02 15:00"], "03-02 21:00", "law", "strict-12"),
    # The law whose clock applies decides: here it restarts, though another cited law would not.
    (XC, [STRICT_48, LENIENT_12], [], False, ["03-02 15:00"], "03-03 03:00", "law", "lenient-12"),
    # No cited law sets the clock: one cited law that keeps clocks running is enough.
    (XB, [UNTIMED_STRICT], [], False, ["03-02 15:00"], "03-02 21:00", "jurisdiction", None),
    (XC, [UNTIMED_STRICT], [], False, ["03-02 15:00"], "03-09 09:00", "default", None),
    (XA, [UNTIMED_STRICT], [LENIENT_48], True, ["03-02 10:00"], "03-02 15:00", "jurisdiction", None),
    (XC, [UNTIMED_STRICT], [], True, ["03-02 15:00"], "03-03 09:00", "default", None),
    # The jurisdiction's own emergency clock (6 h) beats its laws' (24 h) and its default (72 h)...
    (XA, [LENIENT_48], [LENIENT_48], True, [], "03-02 15:00", "jurisdiction", None),
    # ...and counts only in an emergency.
    (XA, [LENIENT_48], [LENIENT_48], False, [], "03-04 09:00", "law", "lenient-48"),
    (XA, [], [LENIENT_48], False, [], "03-05 09:00", "jurisdiction", None),
    # Without an emergency clock of its own, its default clock counts in an emergency.
    (XB, [LENIENT_48], [LENIENT_48], True, [], "03-02 21:00", "jurisdiction", None),
    # A law's clock as short as the jurisdiction's own: the jurisdiction's, whatever the law's id.
    (XA, [EARLY_ID_6], [EARLY_ID_6], True, [], "03-02 15:00", "jurisdiction", None),
    # A law's emergency clock shorter than the jurisdiction's.
    (XA, [LENIENT_48], [LENIENT_48, URGENT_2], True, [], "03-02 11:00", "law", "urgent-2"),
    # A law in force but not cited counts in an emergency, its ordinary clock too.
    (XA, [LENIENT_48], [LENIENT_48, SHORT_3], True, [], "03-02 12:00", "law", "short-3"),
    (XC, [], [SHORT_3], True, ["03-02 10:00"], "03-02 13:00", "law", "short-3"),
    # ...but never without one.
    (XC, [], [SHORT_3], False, [], "03-09 09:00", "default", None),
]


@pytest.mark.parametrize(("place_", "cited", "in_force", "emergency", "answers", "expected", "source", "law_id"),
                         SYNTHETIC)
def test_the_rules_the_shipped_catalog_does_not_reach(place_, cited, in_force, emergency, answers, expected,
                                                      source, law_id) -> None:
    rule = clock.resolve(jurisdiction=place_, cited=cited, laws_in_force=in_force, emergency=emergency,
                         default_hours=DEFAULT_HOURS, emergency_default_hours=EMERGENCY_DEFAULT_HOURS)
    assert deadline_after(rule, T0, [at(a) for a in answers]) == at(expected)
    assert (rule.source, rule.law) == (source, law_id)


def test_the_rule_as_the_api_shows_it() -> None:
    rule = rule_for("DE", ["de-netzdg-3", "de-netzdg-3-manifest"], False)
    assert rule.as_dict() == {"hours": 24, "source": "law", "law": "de-netzdg-3-manifest",
                              "emergency": False, "restarts_on_clarification": True}


# ---------------------------------------------------------------- a property
HOURS = st.one_of(st.none(), st.integers(min_value=1, max_value=24 * 365))
LAW_INFOS = st.builds(LawInfo, id=st.text("abcdefgh", min_size=1, max_size=4), applies_in=st.just("XA"),
                      citation=st.just("x"), clock_hours=HOURS, emergency_clock_hours=HOURS,
                      clock_restarts_on_clarification=st.booleans(), local_rep_signoff=st.just(False))
JURISDICTIONS = st.builds(JurisdictionInfo, code=st.just("XA"), name=st.just("XA"), default_clock_hours=HOURS,
                          emergency_clock_hours=HOURS, local_rep_signoff=st.just(False))


@settings(max_examples=300, deadline=None)
@given(place_=JURISDICTIONS, cited=st.lists(LAW_INFOS, max_size=4), others=st.lists(LAW_INFOS, max_size=3),
       emergency=st.booleans(), default=st.integers(1, 24 * 365), urgent=st.integers(1, 24 * 365))
def test_the_deadline_is_never_later_than_any_applicable_clock(place_, cited, others, emergency, default,
                                                               urgent) -> None:
    in_force = cited + others
    rule = clock.resolve(jurisdiction=place_, cited=cited, laws_in_force=in_force if emergency else [],
                         emergency=emergency, default_hours=default, emergency_default_hours=urgent)
    deadline = rule.deadline(T0)
    applicable = [law.clock_hours for law in cited if law.clock_hours]
    if emergency:
        applicable += [h for law in in_force for h in (law.clock_hours, law.emergency_clock_hours) if h]
        applicable += [h for h in (place_.default_clock_hours, place_.emergency_clock_hours) if h]
    for hours in applicable:
        assert deadline <= T0 + dt.timedelta(hours=hours)
    # And it is one of them (the shortest), or the default when none applies.
    fallback = urgent if emergency else (place_.default_clock_hours or default)
    assert rule.hours == (min(applicable) if applicable else fallback)
    assert rule.hours >= 1


# ---------------------------------------------------------------- through intake and the API
@pytest.fixture
def kz_agency(session) -> int:
    return parties.create_submitter(session=session, actor="test", name="Ministry", kind="government_agency",
                                    country="KZ", email="office@ministry.example").id


def _body(code: str, laws: list[str], emergency: bool, complete: bool = True) -> dict[str, Any]:
    return {
        "jurisdiction": code, "reason": "hate_speech", "items": [{"url": "https://social.example/@a/1"}],
        "legal_basis": [{"law": x} for x in laws] or ([{"citation": "Penal code"}] if complete else []),
        "explanation": "Incites violence." if complete else None,
        "emergency": emergency, "emergency_explanation": "A threat to life." if emergency else None,
    }


SERVICE_ROWS = [
    ("DE", ["de-netzdg-3", "de-netzdg-3-manifest"], False, [], "03-03 09:00"),
    ("IN", ["in-it-rules-3-1-d"], True, [], "03-03 09:00"),
    ("TR", ["tr-5651-9"], False, ["03-05 09:00"], "03-07 09:00"),
    ("DE", ["de-netzdg-3"], False, ["03-06 12:00", "03-07 08:00"], "03-14 08:00"),
]


@pytest.mark.parametrize(("code", "laws", "emergency", "answers", "expected"), SERVICE_ROWS)
def test_intake_keeps_the_tables_deadline(session, kz_agency, code, laws, emergency, answers, expected) -> None:
    s = session
    submitter = parties.get_submitter(session=s, submitter_id=kz_agency)
    request = intake.submit(session=s, settings=Settings(), submitter=submitter, now=T0,
                            channel="api", data=RequestCreate.model_validate(
                                _body(code, laws, emergency, complete=not answers))).request
    for n, answered in enumerate(answers, start=1):  # the last answer completes the request
        data = ClarificationCreate(explanation="Incites violence.") if n == len(answers) else \
            ClarificationCreate(message="We are gathering the explanation.")
        clarification.clarify(session=s, settings=Settings(), request=request, submitter=submitter, actor="test",
                              data=data, now=at(answered))
    assert request.status == "open"
    assert request.deadline_at == at(expected)
    assert all(item.deadline_at == at(expected) for item in request.items)


def test_a_clarification_that_cites_a_law_takes_that_laws_clock_and_its_restart_rule(session, kz_agency) -> None:
    s = session
    catalog.add_law(session=s, actor="test", id="kz-strict-12", applies_in="KZ", citation="x", title="x",
                    clock_hours=12, clock_restarts_on_clarification=False)
    submitter = parties.get_submitter(session=s, submitter_id=kz_agency)
    request = intake.submit(session=s, settings=Settings(), submitter=submitter, now=T0,
                            channel="api",
                            data=RequestCreate.model_validate(_body("KZ", [], False, complete=False))).request
    assert request.status == "needs_clarification" and request.deadline_at == at("03-03 09:00")
    clarification.clarify(session=s, settings=Settings(), request=request, submitter=submitter, actor="test",
                          data=ClarificationCreate(legal_basis=[{"law": "kz-strict-12"}], explanation="Incites."),
                          now=at("03-02 15:00"))
    # The clock kept running from receipt, now 12 hours long.
    assert request.status == "open" and request.deadline_at == at("03-02 21:00")
    assert request.clock_started_at == T0


def hours_given(out: dict[str, Any]) -> float:
    start = dt.datetime.fromisoformat(out["clock_started_at"])
    return (dt.datetime.fromisoformat(out["deadline_at"]) - start).total_seconds() / 3600


API_ROWS = [
    ("DE", ["de-netzdg-3", "de-netzdg-3-manifest"], False, 24, "law", "de-netzdg-3-manifest"),
    ("VN", ["vn-decree-147-complaint"], False, 48, "law", "vn-decree-147-complaint"),
    ("IN", ["in-it-rules-3-1-d"], True, 24, "jurisdiction", None),
    ("TR", ["tr-5651-9"], True, 4, "law", "tr-5651-8-a"),
    ("RU", ["ru-236-fz"], False, 168, "default", None),
    ("RU", ["ru-149-fz-15-1"], False, 24, "law", "ru-149-fz-15-1"),
]


@pytest.mark.parametrize(("code", "laws", "emergency", "hours", "source", "law_id"), API_ROWS)
def test_the_api_gives_the_tables_deadline(client, kz_ministry, code, laws, emergency, hours, source, law_id) -> None:
    r = client.post("/api/v1/requests", headers=kz_ministry.headers, json=_body(code, laws, emergency))
    assert r.status_code == 201, r.text
    seen = client.get(f"/api/v1/requests/{r.json()['id']}", headers=kz_ministry.headers).json()
    assert seen["clock_started_at"] == seen["received_at"]
    assert hours_given(seen) == hours
    assert (seen["clock_rule"]["source"], seen["clock_rule"]["law"]) == (source, law_id)


def test_the_api_restarts_the_clock_on_an_answer(client, kz_ministry) -> None:
    first = client.post("/api/v1/requests", headers=kz_ministry.headers,
                        json=_body("IN", [], False, complete=False)).json()
    assert first["status"] == "needs_clarification" and hours_given(first) == 36
    answered = client.post(f"/api/v1/requests/{first['id']}/clarifications", headers=kz_ministry.headers,
                           json={"legal_basis": [{"law": "in-it-rules-3-2-b"}], "explanation": "Intimate imagery."})
    out = answered.json()
    assert out["status"] == "open" and out["clock_started_at"] > first["clock_started_at"]
    assert hours_given(out) == 24 and out["clock_rule"]["law"] == "in-it-rules-3-2-b"
