"""Equal treatment: the same request from two governments is handled the same way,
whichever channel it comes through.

Two government submitters that differ only in identity (name, country, contact) send
the same request, varying only country-neutral fields (their own reference, the
issuing officer, the request's language). Status, what is missing, the clock rule,
the queue ordering key and the shape of the audit event must be identical — through
the API, through the portal, and across the two. User reports and the demo go in the
same way.

Every channel must end in ``intake.submit``/``submit_many``: only they write the
``request:received`` event, naming the channel. So after driving each channel these
tests check, for every stored request, that there is exactly one such event and that its
channel, jurisdiction and clock are the request's own: a channel that stored requests
some other way would leave requests without it.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from docket.audit.models import Event
from docket.demo import load_demo
from docket.intake import portal_forms, reading
from docket.intake.models import Item, Request
from docket.settings import Settings
from docket.store import transaction
from tests.web.conftest import csrf_of, sign_in

JURISDICTIONS = ["KZ", "DE", "TR", "IN", "VN", "RU", "FR", "BR"]
LAWS = ["kz-informatization-18-2", "kz-online-platforms-9", "de-netzdg-3", "de-netzdg-3-manifest",
        "tr-5651-9", "in-it-rules-3-1-d", "vn-decree-147", "ru-149-fz-10-6", "eu-dsa-9"]
REASONS = ["hate_speech", "defamation", "government_criticism", "national_security", "child_safety",
           "terrorist_content", "cyberbullying", "unspecified"]

url = st.one_of(
    st.integers(1, 40).map(lambda n: f"https://social.example/@user/{n}"),
    st.sampled_from(["https://social.example/", "https://social.example/search?q=x",
                     "https://SOCIAL.example/@user/3/?utm_source=x"]),
)
legal_basis = st.lists(
    st.one_of(st.sampled_from(LAWS).map(lambda law: {"law": law}),
              st.just({"citation": "Criminal Code Art. 174"})),
    max_size=2,
)
neutral = st.fixed_dictionaries({
    # Any printable reference (control characters are invalid input, tested elsewhere).
    "reference": st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")),
                                              min_size=1, max_size=20).filter(str.strip)),
    "issuing_officer": st.one_of(st.none(), st.builds(lambda n: {"name": n}, st.sampled_from(["A. B.", "C. D."]))),
    "language": st.sampled_from(["ru", "kk", "de", "tr", "en"]),
})
request_body = st.fixed_dictionaries({
    "jurisdiction": st.sampled_from(JURISDICTIONS),
    "legal_basis": legal_basis,
    "reason": st.sampled_from(REASONS),
    "explanation": st.one_of(st.none(), st.just("Explains why the content is illegal.")),
    "requested_action": st.sampled_from(["restrict", "remove"]),
    "emergency": st.booleans(),
    "emergency_explanation": st.one_of(st.none(), st.just("Imminent threat to a person.")),
    "confidential": st.booleans(),
    "confidentiality_basis": st.one_of(st.none(), st.just("Secrecy of the investigation.")),
    "items": st.lists(url.map(lambda u: {"url": u}), min_size=1, max_size=5),
})


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _event_shape(client, auditor, request_id: int) -> list[tuple[str, dict[str, Any]]]:
    events = client.get(f"/api/v1/audit/events?subject=request:{request_id}", headers=auditor.headers).json()
    shapes = []
    for e in events["events"]:
        payload = dict(e["payload"])
        # ids differ by construction; their number must not
        payload["items"] = len(payload["items"])
        payload["not_found"] = len(payload["not_found"])
        payload.pop("deadline_at")
        # who sent it and when (kept for transparency reports) differ by construction too
        payload.pop("submitter")
        payload.pop("received_at")
        shapes.append((e["action"], payload))
    return shapes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=request_body, first=neutral, second=neutral)
def test_two_governments_are_treated_alike(client, make_submitter, make_user, sessions, body, first, second) -> None:
    kz = make_submitter(f"Ministry {dt.datetime.now().timestamp()}", "government_agency", "KZ",
                        email="requests@misd.example.kz")
    de = make_submitter(f"Bundesministerium {dt.datetime.now().timestamp()}", "government_agency", "DE")
    auditor = make_user(f"auditor-{dt.datetime.now().timestamp()}@docket.test", "auditor")
    a = client.post("/api/v1/requests", json=_clean({**body, **first}), headers=kz.headers)
    b = client.post("/api/v1/requests", json=_clean({**body, **second}), headers=de.headers)
    assert a.status_code == b.status_code
    if a.status_code != 201:
        assert a.json()["errors"] == b.json()["errors"]
        return
    ra, rb = a.json(), b.json()
    assert ra["status"] == rb["status"]
    assert ra["missing"] == rb["missing"]
    assert ra["clock_rule"] == rb["clock_rule"]
    assert [i["status"] for i in ra["items"]] == [i["status"] for i in rb["items"]]
    with transaction(sessions) as s:
        ka = reading.ordering_key(reading.get(session=s, request_id=ra["id"]))
        kb = reading.ordering_key(reading.get(session=s, request_id=rb["id"]))
    assert ka[0] == kb[0]
    assert ka[1] - ka[2] == kb[1] - kb[2]  # the same time on the clock
    shape = _event_shape(client, auditor, ra["id"])
    assert shape == _event_shape(client, auditor, rb["id"])
    assert shape[0][0] == "request:received" and shape[0][1]["channel"] == "api"
    assert_every_request_went_through_submit(sessions)


# ---------------------------------------------------------------- every channel through submit
def received(sessions: Any) -> dict[int, list[dict[str, Any]]]:
    """The ``request:received`` payloads, by request id."""
    by_request: dict[int, list[dict[str, Any]]] = {}
    with sessions() as s:
        for subject, payload in s.execute(select(Event.subject, Event.payload)
                                          .where(Event.action == "request:received")):
            by_request.setdefault(int(subject.removeprefix("request:")), []).append(payload)
    return by_request


def assert_every_request_went_through_submit(sessions: Any) -> dict[int, dict[str, Any]]:
    """Each stored request has exactly one ``request:received`` event (written only by
    intake.submit/submit_many) whose channel, jurisdiction, clock and items are its own.
    Returns the events by request id."""
    events = received(sessions)
    with sessions() as s:
        requests = s.execute(select(Request)).scalars().all()
        assert requests, "no request was stored"
        for request in requests:
            assert len(events.get(request.id, [])) == 1, f"request {request.id} bypassed intake.submit"
            [payload] = events[request.id]
            assert payload["channel"] == str(request.channel)
            assert payload["jurisdiction"] == request.jurisdiction
            assert payload["clock_rule"] == request.clock_rule
            assert sorted(payload["items"]) == sorted(i.id for i in request.items)
    return {request_id: payloads[0] for request_id, payloads in events.items()}


def _fingerprint(sessions: Any, request_id: int) -> dict[str, Any]:
    """What equal treatment compares: status, what is missing, the clock, the items'
    statuses, the time on the clock in the queue, and the event's shape (not the channel)."""
    with sessions() as s:
        request = reading.get(session=s, request_id=request_id)
        assert request is not None
        key = reading.ordering_key(request)
        result = {"status": str(request.status), "missing": list(request.missing),
                  "clock_rule": request.clock_rule,
                  "items": sorted(str(i.status) for i in request.items),
                  "queue": (key[0], key[1] - key[2])}
    payload = dict(received(sessions)[request_id][0])
    for name in ("items", "not_found"):
        payload[name] = len(payload[name])
    for name in ("deadline_at", "channel", "submitter", "received_at"):
        payload.pop(name)
    return {**result, "event": payload}


PORTAL_FORM = {
    "jurisdiction": "KZ", "reason": "hate_speech", "law": "kz-informatization-18-2",
    "provision": "Art. 18-2(1)", "explanation": "The post calls for violence against an ethnic group.",
    "requested_action": "restrict", "officer_name": "A. Nurpeisova", "language": "ru",
    "items": "https://social.example/@aidos/1001\nhttps://social.example/@aidos/1002\n",
}


def _send_by_portal(web: TestClient, form: dict[str, Any]) -> int:
    page = web.get("/portal/requests/new")
    key = re.search(r'name="form_key" value="([^"]+)"', page.text)
    assert page.status_code == 200 and key
    r = web.post("/portal/requests", data={"csrf_token": csrf_of(web, "/portal/requests/new"),
                                           "form_key": key.group(1), **form}, follow_redirects=False)
    assert r.status_code == 303, r.text
    match = re.fullmatch(r"/portal/requests/(\d+)", r.headers["location"])
    assert match, r.headers["location"]
    return int(match.group(1))


@pytest.mark.parametrize(("form", "status"), [
    (PORTAL_FORM, "open"),
    ({**PORTAL_FORM, "explanation": None}, "needs_clarification"),
])
def test_the_portal_and_the_api_treat_two_governments_alike(
        app, client, make_submitter, make_person, sessions, form, status) -> None:  # noqa: F811
    form = {k: v for k, v in form.items() if v is not None}
    kz = make_submitter("Ministry of Information", "government_agency", "KZ", email="misd@gov.example")
    de = make_submitter("Bundesministerium des Innern", "government_agency", "DE", email="bmi@bund.example")
    sent: dict[tuple[str, str], int] = {}
    for name, who in (("kz", kz), ("de", de)):
        make_person(who, f"official@{name}.example")
        web = TestClient(app, raise_server_exceptions=False)  # a browser of its own: its own cookies
        assert sign_in(web, f"official@{name}.example").headers["location"] == "/portal"
        sent[(name, "portal")] = _send_by_portal(web, form)
        body, _ = portal_forms.request_body(form)  # the same request, as the portal turns the form into it
        r = client.post("/api/v1/requests", json=body, headers=who.headers)
        assert r.status_code == 201, r.text
        sent[(name, "api")] = r.json()["id"]
    events = assert_every_request_went_through_submit(sessions)
    assert {channel: events[request_id]["channel"] for (_, channel), request_id in sent.items()} == {
        "portal": "portal", "api": "api"}
    fingerprints = {where: _fingerprint(sessions, request_id) for where, request_id in sent.items()}
    first = fingerprints[("kz", "portal")]
    assert first["status"] == status
    assert all(f == first for f in fingerprints.values()), fingerprints


def test_user_reports_open_cases_through_submit_whatever_their_channel(client, platform, sessions) -> None:
    reports = [
        ("platform", {"headers": platform.headers, "json": {
            "url": "https://social.example/@x/1", "reason": "hate_speech", "jurisdiction": "KZ",
            "reporter_id": "u-1"}}),
        ("form", {"json": {"url": "https://social.example/@x/2", "reason": "hate_speech",
                           "jurisdiction": "KZ"}}),
    ]
    items = []
    for _, call in reports:
        r = client.post("/api/v1/reports", **call)
        assert r.status_code == 201 and r.json()["new_case"], r.text
        items.append(r.json()["item_id"])
    r = client.post("/api/v1/reports/batch", headers=platform.headers, json={"reports": [
        {"url": "https://social.example/@x/3", "reason": "hate_speech", "jurisdiction": "KZ",
         "reporter_id": "u-2"}]})
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    items.append(r.json()["results"][0]["item_id"])
    with sessions() as s:
        request_ids = [s.get(Item, item_id).request_id for item_id in items]
    events = assert_every_request_went_through_submit(sessions)
    assert [events[i]["channel"] for i in request_ids] == ["report"] * 3
    fingerprints = [_fingerprint(sessions, i) for i in request_ids]
    assert fingerprints[1:] == fingerprints[:-1]


@pytest.mark.rolled_back
def test_the_demo_goes_in_through_submit(sessions, database_url) -> None:
    with transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=Settings(database_url=database_url))
    events = assert_every_request_went_through_submit(sessions)
    assert {payload["channel"] for payload in events.values()} == {"api", "portal", "report", "match"}


def test_only_submit_stores_a_request() -> None:
    """Nothing but intake.submission inserts requests or writes their receipt event (the
    replay of reports reads those events, and rebuilds requests in a throw-away database)."""
    root = pathlib.Path(__file__).resolve().parents[2] / "src" / "docket"
    # Writing it: the event's action set, or the table reached. (Naming the action to read
    # it — receipts, the replay, the e-mails' attachments — is not writing.)
    pattern = re.compile(r"action=[\"']request:received|Request\.__table__|table\(Request\)|insert\(Request\b")
    allowed = {pathlib.Path("intake/submission.py"), pathlib.Path("transparency/replay.py")}
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
                 if path.relative_to(root) not in allowed
                 for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_no_code_names_a_particular_country_or_submitter() -> None:
    """The process is data-driven: country codes and submitter names live in the catalog
    and the demo, never in a condition in the code."""
    root = pathlib.Path(__file__).resolve().parents[2] / "src" / "docket"
    allowed = {"demo.py"}
    pattern = re.compile(r"""(==|!=|\bin\b)\s*[\[\(\{]?\s*["'](KZ|DE|IN|TR|VN|RU|CN|US)["']""")
    offenders = []
    for path in root.rglob("*.py"):
        if path.name in allowed:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line) or re.search(r"submitter(_id)?\s*==\s*\d", line):
                offenders.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert offenders == []
