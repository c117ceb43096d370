"""A whole case history pushed through the API, and its report checked figure by figure.

The ``case`` fixture (also used by test_exports and test_submit) sends, through the same
routes a government, a court, a trusted flagger, the platform and the staff use:

R1  KZ ministry, 3 items (hate speech): kz1 restricted in KZ (10 h); kz2 no action (20 h),
    appealed by the ministry, reversed, reopened and then restricted (100 h); kz3 no action (30 h).
R2  DE court, 1 item (defamation): restricted in DE (48 h); the author appeals and wins.
R3  FR police, confidential (a gag order), 2 items (terrorist content): fr1 restricted in FR and
    BE (decided 5 h, approved by a second person 8 h); fr2 removed under the rules (6 h).
R4  TR regulator, an emergency sent incomplete and clarified, 1 item (violence): no action
    (decided 3 h, approved 13 h).
R5  a trusted flagger inside its designation (child safety, DE): removed under the rules (1 h).
R6  the same flagger outside it (defamation, DE), with the Art. 16 elements: restricted in DE (24 h).
C1  two user reports (cyberbullying, DE law), one with the Art. 16 elements: restricted in DE
    (12 h); the author appeals and loses.
C2  a burst of 12 reports from new accounts (hate speech, the platform's rules): undecided.

Then the times are moved into 2026-H1 (received, decided, in effect, acknowledged,
appealed), since the services stamp "now"; the statuses, outcomes and counts are what the
services made.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import text

from docket import store
from docket.appeals import tokens
from docket.review.service import QUEUE_RULE
from docket.transparency import aggregates, render
from docket.transparency.periods import parse_period
from tests.conftest import SECRET

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
GOOGLE_COLUMNS = [
    "Period Ending", "Country", "CLDR Territory Code", "All Requests: Number of Requests",
    "All Requests: % Fully Or Partially Complied With", "All Requests: Items Requested To Be Removed",
    "Court Orders: Number of Requests", "Court Orders: % Fully Or Partially Complied With",
    "Court Orders: Items Requested To Be Removed",
    "Other Requests (Executive, Police, etc.): Number of Requests",
    "Other Requests (Executive, Police, etc.): % Fully Or Partially Complied With",
    "Other Requests (Executive, Police, etc.): Items Requested To Be Removed",
]
RECEIVED = {"R1": dt.datetime(2026, 2, 2, 9), "R2": dt.datetime(2026, 3, 2, 10), "R3": dt.datetime(2026, 4, 1, 8),
            "R4": dt.datetime(2026, 4, 10, 12), "R5": dt.datetime(2026, 5, 4, 9), "R6": dt.datetime(2026, 5, 5, 9),
            "C1": dt.datetime(2026, 5, 10, 10), "C2": dt.datetime(2026, 6, 1, 12)}
# item → (hours to the decision, hours until it took effect) of its standing decision
TIMES = {"kz1": (10, 10), "kz2": (100, 100), "kz3": (30, 30), "de1": (48, 48), "fr1": (5, 8), "fr2": (6, 6),
         "tr1": (3, 13), "f1": (1, 1), "f2": (24, 24), "c1": (12, 12)}
ACK_HOURS = {"R1": 1, "R2": 3, "R3": 2, "R4": 1, "R5": 0.5, "R6": 0.5}
KZ_EXPLANATION = ("The posts call for violence against an ethnic group (Criminal Code Art. 174). "
                  "Questions: officer.n@misd.example or +7 701 555 12 34.")


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC)


@pytest.fixture
def case(client: Any, act: Any, sessions: Any, platform: Any, make_submitter: Any, make_user: Any,
         admin_ada: Any, reviewer_alice: Any, bob_legal: Any, carol_rights: Any, dana_kz: Any) -> dict[str, Any]:
    erik = make_user("erik@docket.test", "reviewer")  # decides appeals: took part in nothing
    kz = make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                        email="monitoring@misd.example")
    de = make_submitter("Landgericht Berlin", "court", "DE", email="poststelle@lg-berlin.example")
    fr = make_submitter("Office anti-cybercriminalité", "police", "FR", email="ofac@interieur.example")
    tr = make_submitter("Bilgi Teknolojileri ve İletişim Kurumu", "regulator", "TR", email="ihbar@btk.example")
    flagger = make_submitter("jugendschutz.net", "trusted_flagger", "DE", email="hinweise@jugendschutz.example")
    act(admin_ada, "/designations", expect=201, submitter_id=flagger.id, designating_body="Bundesnetzagentur",
        reasons=["child_safety", "hate_speech"], jurisdictions=["DE"], valid_from="2025-01-01T00:00:00Z")

    def content(cid: str, kind: str = "post", language: str = "de") -> dict[str, str]:
        r = client.post("/api/v1/content", headers=platform.headers, json={
            "id": cid, "url": f"https://social.example/p/{cid}", "type": kind, "author_id": f"author-of-{cid}",
            "author_contact": f"{cid}@users.example", "language": language,
            "created_at": "2026-01-15T08:00:00Z"})
        assert r.status_code in (200, 201), r.text
        return {"content_id": cid}

    def send(who: Any, body: dict[str, Any]) -> dict[str, Any]:
        r = client.post("/api/v1/requests", json=body, headers=who.headers)
        assert r.status_code == 201, r.text
        return r.json()

    def review(item: int, *steps: tuple[Any, str, str]) -> None:
        for who, step, finding in steps:
            act(who, f"/items/{item}/review", step=step, finding=finding)

    def decide(who: Any, item: int, **body: Any) -> dict[str, Any]:
        return act(who, f"/items/{item}/decision", expect=201, **body)

    ids: dict[str, Any] = {"requests": {}, "items": {}, "decisions": {}, "appeals": {}}
    # R1: Kazakhstan, three items.
    r1 = send(kz, {"jurisdiction": "KZ", "reference": "MISD-2026/1187", "reason": "hate_speech", "language": "ru",
                   "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
                   "explanation": KZ_EXPLANATION, "issuing_officer": {"name": "A. Nurpeisova"},
                   "items": [content("kz-a", language="ru"), content("kz-b", language="kk"), content("kz-c")]})
    kz1, kz2, kz3 = (i["id"] for i in r1["items"])
    review(kz1, (dana_kz, "policy", "compliant"), (dana_kz, "legal", "illegal"), (dana_kz, "rights", "no_concern"))
    decide(dana_kz, kz1, outcome="restricted", explanation="Calls for ethnic violence; restricted in Kazakhstan.")
    for item in (kz2, kz3):
        review(item, (reviewer_alice, "policy", "compliant"), (bob_legal, "legal", "lawful"))
        decide(bob_legal, item, outcome="no_action", explanation="Lawful political speech.")
    first_kz2 = client.get(f"/api/v1/items/{kz2}/decisions", headers=bob_legal.headers).json()[0]["id"]
    appeal = client.post("/api/v1/appeals", headers=kz.headers,
                         json={"decision_id": first_kz2, "statement": "The post names the group and a place."})
    assert appeal.status_code == 201, appeal.text
    ids["appeals"]["kz2"] = appeal.json()["id"]
    act(erik, f"/appeals/{ids['appeals']['kz2']}/decision", outcome="reversed",
        explanation="The post does incite violence.")
    review(kz2, (bob_legal, "legal", "illegal"), (carol_rights, "rights", "no_concern"))
    decide(dana_kz, kz2, outcome="restricted", explanation="On appeal: incitement; restricted in Kazakhstan.")
    # R2: a German court; the author appeals and wins.
    r2 = send(de, {"jurisdiction": "DE", "reference": "27 O 412/26", "reason": "defamation", "language": "de",
                   "legal_basis": [{"law": "de-netzdg-3"}], "explanation": "Untrue statement of fact.",
                   "items": [content("de-a")]})
    de1 = r2["items"][0]["id"]
    review(de1, (reviewer_alice, "policy", "compliant"), (bob_legal, "legal", "illegal"),
           (carol_rights, "rights", "no_concern"))
    d = decide(bob_legal, de1, outcome="restricted", law="§ 186 StGB",
               explanation="The court found the claim untrue; withheld in Germany. Call 030 901 820 for help.")
    appeal = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, d["id"]),
                                                  "statement": "It is true.", "contact_email": "a@users.example"})
    assert appeal.status_code == 201, appeal.text
    ids["appeals"]["de1"] = appeal.json()["id"]
    act(erik, f"/appeals/{ids['appeals']['de1']}/decision", outcome="reversed", explanation="Sources were given.")
    # R3: French police, confidential: the authors' notices wait under a gag order.
    r3 = send(fr, {"jurisdiction": "FR", "reason": "terrorist_content", "language": "fr", "confidential": True,
                   "confidentiality_basis": "Secret de l'enquête (CPP art. 11).",
                   "legal_basis": [{"law": "eu-dsa-9"}, {"citation": "Code pénal, art. 421-2-5"}],
                   "explanation": "Glorification of a terrorist attack.",
                   "items": [content("fr-a", "video", "fr"), content("fr-b", "image", "fr")]})
    fr1, fr2 = (i["id"] for i in r3["items"])
    review(fr1, (reviewer_alice, "policy", "compliant"), (bob_legal, "legal", "illegal"),
           (carol_rights, "rights", "no_concern"))
    d = decide(bob_legal, fr1, outcome="restricted", scope=["FR", "BE"], law="Code pénal, art. 421-2-5",
               scope_reason="The same attack is glorified for Belgian viewers.",
               explanation="Glorifies a terrorist attack.")
    act(reviewer_alice, f"/decisions/{d['id']}/approve", note="Agreed.")
    review(fr2, (reviewer_alice, "policy", "violates"))
    decide(reviewer_alice, fr2, outcome="removed_policy", policy_clause="Dangerous organisations 2.1",
           explanation="Praise of a terrorist organisation.")
    # R4: Türkiye, an emergency sent without its explanation, then clarified.
    r4 = send(tr, {"jurisdiction": "TR", "reason": "violence", "language": "tr", "emergency": True,
                   "emergency_explanation": "Threat to life.", "legal_basis": [{"law": "tr-5651-9"}],
                   "items": [content("tr-a", language="tr")]})
    assert r4["status"] == "needs_clarification", r4
    r = client.post(f"/api/v1/requests/{r4['id']}/clarifications", headers=tr.headers,
                    json={"explanation": "A threat against a journalist."})
    assert r.status_code == 200, r.text
    tr1 = r4["items"][0]["id"]
    review(tr1, (reviewer_alice, "policy", "compliant"), (bob_legal, "legal", "lawful"))
    d = decide(bob_legal, tr1, outcome="no_action", explanation="No threat; a quote from a film.")
    act(reviewer_alice, f"/decisions/{d['id']}/approve", note="Agreed.")
    # R5, R6: the trusted flagger inside and outside its designation.
    r5 = send(flagger, {"jurisdiction": "DE", "reason": "child_safety", "bona_fide": True, "language": "de",
                        "explanation": "Sexualised depiction of a child.", "items": [content("tf-a", "image")]})
    f1 = r5["items"][0]["id"]
    review(f1, (reviewer_alice, "policy", "violates"))
    decide(reviewer_alice, f1, outcome="removed_policy", policy_clause="Child safety 1.1",
           explanation="Sexualised depiction of a minor.")
    r6 = send(flagger, {"jurisdiction": "DE", "reason": "defamation", "bona_fide": True, "language": "de",
                        "explanation": "False claims about a teacher.", "items": [content("tf-b")]})
    f2 = r6["items"][0]["id"]
    review(f2, (reviewer_alice, "policy", "compliant"), (bob_legal, "legal", "illegal"),
           (carol_rights, "rights", "no_concern"))
    decide(bob_legal, f2, outcome="restricted", law="§ 187 StGB", explanation="Defamation of a teacher.")
    # C1: two user reports, one with the Art. 16 elements; decided; the author appeals and loses.
    content("bully")
    reports = [{"content_id": "bully", "reason": "cyberbullying", "jurisdiction": "DE", "reporter_id": "u-1",
                "reporter_name": "Aruzhan S.", "reporter_email": "aruzhan@users.example", "bona_fide": True,
                "explanation": "Insults my daughter every day."},
               {"content_id": "bully", "reason": "cyberbullying", "jurisdiction": "DE", "reporter_id": "u-2"}]
    for body in reports:
        r = client.post("/api/v1/reports", headers=platform.headers, json=body)
        assert r.status_code == 201, r.text
    c1 = r.json()["item_id"]
    review(c1, (reviewer_alice, "policy", "compliant"), (bob_legal, "legal", "illegal"),
           (carol_rights, "rights", "no_concern"))
    d = decide(bob_legal, c1, outcome="restricted", law="§ 185 StGB", explanation="Insults against a child.")
    appeal = client.post("/api/v1/appeals", json={"token": tokens.make(SECRET, d["id"]), "statement": "A joke."})
    assert appeal.status_code == 201, appeal.text
    ids["appeals"]["c1"] = appeal.json()["id"]
    act(erik, f"/appeals/{ids['appeals']['c1']}/decision", outcome="upheld", explanation="Not a joke.")
    # C2: a burst of reports from new, unverified accounts.
    content("burst")
    for n in range(12):
        r = client.post("/api/v1/reports", headers=platform.headers,
                        json={"content_id": "burst", "reason": "hate_speech", "reporter_id": f"new-{n}"})
        assert r.status_code == 201, r.text
    c2 = r.json()["item_id"]

    items = {"kz1": kz1, "kz2": kz2, "kz3": kz3, "de1": de1, "fr1": fr1, "fr2": fr2, "tr1": tr1, "f1": f1,
             "f2": f2, "c1": c1, "c2": c2}
    requests = {"R1": r1["id"], "R2": r2["id"], "R3": r3["id"], "R4": r4["id"], "R5": r5["id"], "R6": r6["id"]}
    with store.transaction(sessions) as s:
        for name, item in (("C1", c1), ("C2", c2)):
            requests[name] = s.execute(text("SELECT request_id FROM items WHERE id = :i"), {"i": item}).scalar()
        assert s.execute(text("SELECT possible_coordination FROM items WHERE id = :i"), {"i": c2}).scalar()
        _move_into_h1(s, requests, items, ids["appeals"])
    ids.update(requests=requests, items=items, designated_flagger=flagger.id, erik=erik,
               parties={"kz": kz, "de": de, "fr": fr, "tr": tr, "flagger": flagger})
    return ids


def _move_into_h1(s: Any, requests: dict[str, int], items: dict[str, int], appeals: dict[str, int]) -> None:
    """The services stamp "now"; put every time of the history at a known moment of 2026-H1."""
    for name, request_id in requests.items():
        at = _utc(RECEIVED[name])
        s.execute(text("UPDATE requests SET received_at = :t, clock_started_at = :t WHERE id = :r"),
                  {"t": at, "r": request_id})
        s.execute(text("UPDATE items SET received_at = :t WHERE request_id = :r"), {"t": at, "r": request_id})
        s.execute(text("UPDATE reports SET received_at = :t WHERE item_id IN "
                       "(SELECT id FROM items WHERE request_id = :r)"), {"t": at, "r": request_id})
        if name in ACK_HOURS:
            s.execute(text("UPDATE outbox SET status = 'sent', sent_at = :t "
                           "WHERE kind = 'acknowledgement' AND subject = :s"),
                      {"t": at + ACK_HOURS[name] * H, "s": f"request:{request_id}"})
    item_request = {name: next(r for r, rid in requests.items() if rid == s.execute(
        text("SELECT request_id FROM items WHERE id = :i"), {"i": item}).scalar()) for name, item in items.items()}
    for name, (decided, effective) in TIMES.items():
        at = _utc(RECEIVED[item_request[name]])
        decisions = s.execute(text("SELECT id FROM decisions WHERE item_id = :i ORDER BY id"),
                              {"i": items[name]}).scalars().all()
        # A reopened item's first decision (reversed) came 20 h after receipt.
        for early in decisions[:-1]:
            s.execute(text("UPDATE decisions SET decided_at = :t, effective_at = :t WHERE id = :d"),
                      {"t": at + 20 * H, "d": early})
        s.execute(text("UPDATE decisions SET decided_at = :d, effective_at = :e, "
                       "approved_at = CASE WHEN approved_at IS NULL THEN NULL ELSE :e END WHERE id = :i"),
                  {"d": at + decided * H, "e": at + effective * H, "i": decisions[-1]})
        # Review keeps on the item the seconds to decide and to give effect (what reports read).
        s.execute(text("UPDATE items SET decided_at = :e, decide_seconds = :ds, effect_seconds = :es WHERE id = :i"),
                  {"e": at + effective * H, "i": items[name], "ds": decided * 3600.0, "es": effective * 3600.0})
        s.execute(text("UPDATE restrictions SET starts_at = :e WHERE decision_id = :d"),
                  {"e": at + effective * H, "d": decisions[-1]})
    # Appeals: filed two days after the decision; decided one (kz2, de1) or two (c1) days later.
    for name, appeal in appeals.items():
        at = _utc(RECEIVED[item_request[name]]) + (20 if name == "kz2" else TIMES[name][1]) * H
        s.execute(text("UPDATE appeals SET received_at = :r, decided_at = :d WHERE id = :a"),
                  {"r": at + 48 * H, "d": at + (96 if name == "c1" else 72) * H, "a": appeal})


def _report(sessions: Any, label: str = "2026-H1") -> dict[str, Any]:
    with store.transaction(sessions) as s:
        return aggregates.report(session=s, period=parse_period(label), now=NOW)


def test_the_report_of_a_case_history_is_exact(case: Any, sessions: Any) -> None:
    data = _report(sessions)
    assert data["totals"] == {
        "requests": 8, "items": 11, "items_decided": 10, "requests_complied": 6, "complied_share": 75.0,
        "clarifications": 1, "emergencies": 1, "gag_holds": 1, "notices_held": 2, "appeals": 3,
        "appeals_reversed": 2, "appeals_upheld": 1, "trusted_flagger_items": 1, "coordinated_bursts": 1,
        "data_disclosure_requests": 0, "data_preservation_requests": 0,
    }
    # Acknowledged after 0.5, 0.5, 1, 1, 2, 3 h; decided after 1, 3, 5, 6, 10, 12, 24, 30, 48, 100 h;
    # in effect after 1, 6, 8, 10, 12, 13, 24, 30, 48, 100 h (one per item: kz2's reversed
    # decision not to act is not counted, nor its time).
    assert data["median_hours"] == {"acknowledge": 1.0, "decide": 11.0, "give_effect": 12.5}
    assert [(r["jurisdiction"], r["requester_kind"], r["reason"], r["requests"], r["items"], r["requests_complied"],
             r["complied_share"]) for r in data["requests"]] == [
        ("DE", "court", "defamation", 1, 1, 1, 100.0),
        ("DE", "trusted_flagger", "child_safety", 1, 1, 1, 100.0),
        ("DE", "trusted_flagger", "defamation", 1, 1, 1, 100.0),
        ("DE", "user", "cyberbullying", 1, 1, 1, 100.0),
        ("FR", "police", "terrorist_content", 1, 2, 1, 100.0),
        ("IE", "user", "hate_speech", 1, 1, 0, 0.0),
        ("KZ", "government_agency", "hate_speech", 1, 3, 1, 100.0),
        ("TR", "regulator", "violence", 1, 1, 0, 0.0)]
    # The court's restriction stands as the action taken although the author won the appeal.
    assert [(r["jurisdiction"], r["requester_kind"], r["reason"], r["outcome"], r["items"], r["requests"])
            for r in data["outcomes"]] == [
        ("DE", "court", "defamation", "restricted", 1, 1),
        ("DE", "trusted_flagger", "child_safety", "removed_policy", 1, 1),
        ("DE", "trusted_flagger", "defamation", "restricted", 1, 1),
        ("DE", "user", "cyberbullying", "restricted", 1, 1),
        ("FR", "police", "terrorist_content", "removed_policy", 1, 1),
        ("FR", "police", "terrorist_content", "restricted", 1, 1),
        ("IE", "user", "hate_speech", "pending", 1, 1),
        ("KZ", "government_agency", "hate_speech", "no_action", 1, 1),
        ("KZ", "government_agency", "hate_speech", "restricted", 2, 1),
        ("TR", "regulator", "violence", "no_action", 1, 1)]
    assert data["outcome_totals"] == [
        {"outcome": "no_action", "items": 2, "share": 18.2}, {"outcome": "pending", "items": 1, "share": 9.1},
        {"outcome": "removed_policy", "items": 2, "share": 18.2}, {"outcome": "restricted", "items": 6, "share": 54.5}]
    assert data["requests_by_month"] == [
        {"month": "2026-02", "jurisdiction": "KZ", "requests": 1},
        {"month": "2026-03", "jurisdiction": "DE", "requests": 1},
        {"month": "2026-04", "jurisdiction": "FR", "requests": 1},
        {"month": "2026-04", "jurisdiction": "TR", "requests": 1},
        {"month": "2026-05", "jurisdiction": "DE", "requests": 3},
        {"month": "2026-06", "jurisdiction": "IE", "requests": 1}]
    assert [(b["bucket"], b["items"]) for b in data["decision_times"]] == [
        ("< 1 h", 0), ("1–24 h", 6), ("1–2 days", 2), ("2–7 days", 2), ("7–30 days", 0), ("≥ 30 days", 0)]
    assert data["user_reports"] == [{"reason": "cyberbullying", "reports": 2}, {"reason": "hate_speech", "reports": 12}]
    assert [(g["code"], g["all"], g["court"], g["other"]) for g in data["google_summary"]] == [
        ("FR", {"requests": 1, "complied_share": 100.0, "items": 2},
         {"requests": 0, "complied_share": None, "items": 0},
         {"requests": 1, "complied_share": 100.0, "items": 2}),
        ("DE", {"requests": 1, "complied_share": 100.0, "items": 1},
         {"requests": 1, "complied_share": 100.0, "items": 1},
         {"requests": 0, "complied_share": None, "items": 0}),
        ("KZ", {"requests": 1, "complied_share": 100.0, "items": 3},
         {"requests": 0, "complied_share": None, "items": 0},
         {"requests": 1, "complied_share": 100.0, "items": 3}),
        ("TR", {"requests": 1, "complied_share": 0.0, "items": 1},
         {"requests": 0, "complied_share": None, "items": 0},
         {"requests": 1, "complied_share": 0.0, "items": 1})]
    equal = data["equal_treatment"]
    assert equal["queue_rule"] == QUEUE_RULE
    assert [(r["submitter"], r["kind"], r["jurisdiction"], r["requests"], r["items"], r["median_hours_to_decision"],
             r["channels"], {o: v["items"] for o, v in r["outcomes"].items()}) for r in equal["submitters"]] == [
        ("Landgericht Berlin", "court", "DE", 1, 1, 48.0, 1, {"restricted": 1}),
        ("Office anti-cybercriminalité", "police", "FR", 1, 2, 5.5, 1, {"removed_policy": 1, "restricted": 1}),
        ("Ministry of Information and Social Development", "government_agency", "KZ", 1, 3, 30.0, 1,
         {"no_action": 1, "restricted": 2}),
        ("Bilgi Teknolojileri ve İletişim Kurumu", "regulator", "TR", 1, 1, 3.0, 1, {"no_action": 1})]
    assert equal["jurisdictions"] == [{"jurisdiction": "DE", "items": 1, "submitters": 1},
                                      {"jurisdiction": "FR", "items": 2, "submitters": 1},
                                      {"jurisdiction": "KZ", "items": 3, "submitters": 1},
                                      {"jurisdiction": "TR", "items": 1, "submitters": 1}]
    # Nothing of it falls in the next period.
    assert _report(sessions, "2026-H2")["totals"]["requests"] == 0


def test_the_google_csv_has_googles_columns_and_figures(case: Any, sessions: Any) -> None:
    rows = list(csv.reader(io.StringIO(render.csv_files(_report(sessions))["google-summary.csv"])))
    assert rows[0] == GOOGLE_COLUMNS
    assert rows[1:] == [
        ["2026-06-30", "France", "FR", "1", "100", "2", "0", "", "0", "1", "100", "2"],
        ["2026-06-30", "Germany", "DE", "1", "100", "1", "1", "100", "1", "0", "", "0"],
        ["2026-06-30", "Kazakhstan", "KZ", "1", "100", "3", "0", "", "0", "1", "100", "3"],
        ["2026-06-30", "Türkiye", "TR", "1", "0", "1", "0", "", "0", "1", "0", "1"]]


def test_a_reopened_item_is_pending_until_decided_again(case: Any, sessions: Any, act: Any) -> None:
    """A decision not to act, reversed on appeal, no longer counts: the item is pending again."""
    tr1 = case["items"]["tr1"]
    with store.transaction(sessions) as s:
        decision = s.execute(text("SELECT id FROM decisions WHERE item_id = :i"), {"i": tr1}).scalar()
        # Back in the appeal window (six months from the decision) for this one step.
        s.execute(text("UPDATE decisions SET effective_at = :t WHERE id = :d"), {"t": store.utcnow(), "d": decision})
    appeal = act(case["parties"]["tr"], "/appeals", expect=201, decision_id=decision, statement="It is a threat.")
    act(case["erik"], f"/appeals/{appeal['id']}/decision", outcome="reversed", explanation="It is a threat.")
    with store.transaction(sessions) as s:  # the appeal came within the period too
        s.execute(text("UPDATE appeals SET received_at = :t WHERE id = :a"),
                  {"t": _utc(RECEIVED["R4"]) + 30 * H, "a": appeal["id"]})
    data = _report(sessions)
    totals = data["totals"]
    assert (totals["items_decided"], totals["appeals"], totals["appeals_reversed"]) == (9, 4, 3)
    assert [(r["outcome"], r["items"]) for r in data["outcomes"] if r["jurisdiction"] == "TR"] == [("pending", 1)]
    # Its decision (3 h, in effect 13 h) is no longer among the times: 9 items left.
    assert data["median_hours"] == {"acknowledge": 1.0, "decide": 12.0, "give_effect": 12.0}
    assert [b["items"] for b in data["decision_times"]] == [0, 5, 2, 2, 0, 0]
