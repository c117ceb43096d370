"""A small world for the authorization matrix: every kind of caller, and records owned by
different submitters in different jurisdictions, built through the API as people would.

Callers (by name): ``none`` (no token, not signed in); four submitters — ``kz_gov`` and
``kz_gov2`` (two Kazakh agencies), ``de_court`` (a German court), ``channel`` (the
submitter that owns the cases user reports open); staff — ``reviewer``, ``lead`` (a
reviewer who leads the desk), ``legal``, ``rights``, ``rep_kz`` and ``rep_de`` (local
representatives), ``rep_kz_auditor`` (a local representative who is also an auditor),
``auditor``, ``admin``; and ``platform`` (the platform's service account). Each has an
API token and, for the pages, a signed-in browser of its own (a submitter's through a person of that organisation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import docket
from docket import store
from docket.appeals import tokens as appeal_tokens
from docket.audit.models import ChainHead
from docket.audit.sealer import seal, sign_checkpoint
from docket.log.note import Signer
from docket.notices.models import NoticeHold
from docket.outbox.models import OutboxMessage
from docket.parties import service as parties
from docket.parties.models import Submitter, Team
from tests.conftest import SECRET

PASSWORD = "correct horse battery staple"
# A real one-page order (the demo's), so that its page images can be drawn.
PDF = (Path(docket.__file__).parent / "demo_letters" / "de-lg-berlin-beschluss.pdf").read_bytes()
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

SUBMITTERS = ("kz_gov", "kz_gov2", "de_court", "channel")
STAFF_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (roles, jurisdictions of the local representative role)
    "reviewer": (("reviewer",), ()),
    "lead": (("lead",), ()),
    "legal": (("legal",), ()),
    "rights": (("rights",), ()),
    "rep_kz": (("local_representative",), ("KZ",)),
    "rep_de": (("local_representative",), ("DE",)),
    "rep_kz_auditor": (("local_representative", "auditor"), ("KZ",)),
    "auditor": (("auditor",), ()),
    "admin": (("admin",), ()),
    "platform": (("platform",), ()),
}
CALLERS = ("none", *SUBMITTERS, *STAFF_ROLES)


@dataclass
class Caller:
    name: str
    token: str | None = None
    submitter_id: int | None = None
    user_id: int | None = None
    email: str | None = None
    cookies: httpx.Cookies = field(default_factory=httpx.Cookies)
    csrf: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


@dataclass(frozen=True)
class Record:
    """One record a route may name: its kind, id, the caller that owns it (for records of
    a submitter, or a caller's own tokens and endpoints) and its jurisdiction."""

    kind: str
    id: int | str
    owner: str | None = None
    jurisdiction: str | None = None
    label: str = ""

    def __str__(self) -> str:
        return self.label or f"{self.kind}:{self.id}"


@dataclass
class World:
    client: TestClient
    sessions: sessionmaker[Session]
    callers: dict[str, Caller] = field(default_factory=dict)
    records: dict[str, list[Record]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, record: Record) -> Record:
        self.records.setdefault(record.kind, []).append(record)
        return record

    def page(self, caller: str | None, method: str, path: str, **kw: Any) -> Any:
        """A call from ``caller``'s browser, with its cookies, which keep what the answer
        sets (None: a fresh browser, signed out)."""
        jar = self.callers[caller].cookies if caller else httpx.Cookies()
        self.client.cookies = jar
        try:
            return self.client.request(method, path, follow_redirects=False, **kw)
        finally:
            if caller:
                self.callers[caller].cookies = self.client.cookies
            self.client.cookies = httpx.Cookies()

    def audit_seq(self) -> int:
        with self.sessions() as s:
            return int(s.execute(select(ChainHead.seq)).scalar_one())

    def api(self, caller: str, method: str, path: str, expect: int | tuple[int, ...] = (200, 201),
            **kw: Any) -> Any:
        self.client.cookies = httpx.Cookies()
        response = self.client.request(method, path, headers=self.callers[caller].headers, **kw)
        wanted = (expect,) if isinstance(expect, int) else expect
        assert response.status_code in wanted, f"{caller} {method} {path}: {response.text}"
        return response.json() if response.content else None


def _people(world: World) -> None:
    made = {
        "kz_gov": ("Ministry of Information and Social Development", "government_agency", "KZ"),
        "kz_gov2": ("Prosecutor General's Office", "government_agency", "KZ"),
        "de_court": ("Landgericht Berlin", "court", "DE"),
    }
    with store.transaction(world.sessions) as s:
        for name, (title, kind, country) in made.items():
            sub = parties.create_submitter(session=s, actor="test", name=title, kind=kind,
                                           country=country, email=f"{name}@gov.example")
            _, plain = parties.create_token(session=s, actor="test", submitter=sub)
            world.callers[name] = Caller(name, plain, submitter_id=sub.id)
        for name, (roles, places) in STAFF_ROLES.items():
            user = parties.create_user(session=s, actor="test", email=f"{name}@docket.test",
                                       roles=roles, jurisdictions=places, password=PASSWORD)
            _, plain = parties.create_token(session=s, actor="test", user=user)
            world.callers[name] = Caller(name, plain, user_id=user.id, email=user.email)
        # A second platform account, whose webhook endpoint the platform must not reach.
        other = parties.create_user(session=s, actor="test", email="platform2@docket.test",
                                    roles=("platform",), password=PASSWORD)
        _, world.extra["platform2"] = parties.create_token(session=s, actor="test", user=other)
    world.callers["none"] = Caller("none")


def _channel(world: World) -> None:
    """The user-report channel's submitter appears with the first report from the
    platform; it gets a token and a person like any organisation."""
    world.api("platform", "POST", "/api/v1/content", json={
        "id": "post-rep", "url": "https://social.example/@r/1", "type": "post", "author_id": "rauthor",
        "previews": [{"data": PNG_1PX}]})
    world.api("platform", "POST", "/api/v1/reports", json={
        "content_id": "post-rep", "reason": "hate_speech", "jurisdiction": "DE",
        "reporter_id": "u-1001", "explanation": "Insults a religious group."})
    with store.transaction(world.sessions) as s:
        sub = s.execute(select(Submitter).where(Submitter.kind == "user")).scalar_one()
        _, plain = parties.create_token(session=s, actor="test", submitter=sub)
        world.callers["channel"] = Caller("channel", plain, submitter_id=sub.id)
    for name in SUBMITTERS:
        with store.transaction(world.sessions) as s:
            sub = s.get(Submitter, world.callers[name].submitter_id)
            assert sub is not None
            person = parties.create_person(session=s, actor="test", submitter=sub,
                                           email=f"person.{name}@gov.example", password=PASSWORD)
            world.callers[name].email = person.email
            world.callers[name].user_id = person.id


def _request(world: World, who: str, country: str, law: str, contents: list[str],
             **extra: Any) -> dict[str, Any]:
    for content in contents:
        world.api("platform", "POST", "/api/v1/content", json={
            "id": content, "url": f"https://social.example/@a/{content}", "type": "post",
            "author_id": f"author-{content}", "author_contact": f"{content}@mail.example",
            "previews": [{"data": PNG_1PX, "alt": "A thumbnail"}]})
    body = {"jurisdiction": country, "reason": "hate_speech", "reference": f"REF-{who}",
            "legal_basis": [{"law": law}], "explanation": "Calls for violence against a group.",
            "items": [{"content_id": c} for c in contents], **extra}
    return world.api(who, "POST", "/api/v1/requests", json=body)  # type: ignore[no-any-return]


def _review(world: World, item: int, legal_finding: str) -> None:
    world.api("reviewer", "POST", f"/api/v1/items/{item}/review",
              json={"step": "policy", "finding": "compliant"})
    world.api("legal", "POST", f"/api/v1/items/{item}/review",
              json={"step": "legal", "finding": legal_finding})
    if legal_finding == "illegal":
        world.api("rights", "POST", f"/api/v1/items/{item}/review",
                  json={"step": "rights", "finding": "no_concern"})


def _cases(world: World) -> None:
    secrecy = {"confidential": True, "confidentiality_basis": "Secrecy of the investigation."}
    kz = _request(world, "kz_gov", "KZ", "kz-online-platforms-9", ["kz-1", "kz-2", "kz-3"], **secrecy)
    kz2 = _request(world, "kz_gov2", "KZ", "kz-online-platforms-9", ["kz2-1"])
    de = _request(world, "de_court", "DE", "de-netzdg-3", ["de-1", "de-2", "de-3"], **secrecy)
    rep_item = world.api("reviewer", "GET", "/api/v1/queue?jurisdiction=DE&limit=200")["items"]
    [channel_case] = [row for row in rep_item if row["content_id"] == "post-rep"]
    requests = [(kz, "kz_gov", "KZ"), (kz2, "kz_gov2", "KZ"), (de, "de_court", "DE")]
    belongs = world.extra.setdefault("item_request", {})
    for body, owner, country in requests:
        world.add(Record("request", body["id"], owner, country, f"request of {owner}"))
        for item in body["items"]:
            world.add(Record("item", item["id"], owner, country, f"item {item['id']} of {owner}"))
            belongs[item["id"]] = body["id"]
    world.add(Record("request", channel_case["request_id"], "channel", "DE", "report case"))
    world.add(Record("item", channel_case["id"], "channel", "DE", "report case item"))
    belongs[channel_case["id"]] = channel_case["request_id"]
    # Each request carries a document, uploaded by its submitter.
    for request in list(world.records["request"]):
        assert request.owner is not None
        document = world.api(request.owner, "POST", f"/api/v1/requests/{request.id}/documents",
                             files={"file": ("order.pdf", PDF, "application/pdf")}, data={"kind": "order"})
        world.add(Record("document", document["id"], request.owner, request.jurisdiction,
                         f"document of {request.owner}"))
    # Letters in the inbox (no request yet): two submitters' sent through the API, and one
    # a reviewer put there.
    for who in ("kz_gov", "de_court", "reviewer"):
        sent = world.api(who, "POST", "/api/v1/documents", files={"file": ("letter.pdf", PDF, "application/pdf")})
        owner = who if who in SUBMITTERS else None
        for kind in ("inbox", "document"):
            world.add(Record(kind, sent["id"], owner, None, f"inbox letter of {who}"))

    kz_items = [i["id"] for i in kz["items"]]
    de_items = [i["id"] for i in de["items"]]
    # KZ: one restriction in effect (decided by KZ's local representative), one awaiting
    # its sign-off. DE: a decision not to act in effect, one wider restriction awaiting
    # a second person.
    for item in kz_items[:2]:
        _review(world, item, "illegal")
    effective_kz = world.api("rep_kz", "POST", f"/api/v1/items/{kz_items[0]}/decision",
                             json={"outcome": "restricted", "explanation": "Incitement."})
    waiting_kz = world.api("legal", "POST", f"/api/v1/items/{kz_items[1]}/decision",
                           json={"outcome": "restricted", "explanation": "Incitement."})
    _review(world, de_items[0], "lawful")
    effective_de = world.api("legal", "POST", f"/api/v1/items/{de_items[0]}/decision",
                             json={"outcome": "no_action", "explanation": "Protected opinion."})
    _review(world, de_items[1], "illegal")
    waiting_de = world.api("legal", "POST", f"/api/v1/items/{de_items[1]}/decision",
                           json={"outcome": "restricted", "scope": ["DE", "AT"],
                                 "scope_reason": "Also reachable in Austria.",
                                 "explanation": "Insult under German law."})
    assert effective_kz["takes_effect"] and waiting_kz["awaits_approval"]
    assert effective_de["takes_effect"] and waiting_de["awaits_approval"]
    for decision, owner, country, label in (
            (effective_kz, "kz_gov", "KZ", "KZ decision in effect"),
            (waiting_kz, "kz_gov", "KZ", "KZ decision awaiting approval"),
            (effective_de, "de_court", "DE", "DE decision in effect"),
            (waiting_de, "de_court", "DE", "DE decision awaiting approval")):
        world.add(Record("decision", decision["id"], owner, country, label))
    world.extra["decision_in_effect"] = {"KZ": effective_kz["id"], "DE": effective_de["id"]}

    # Appeals: the KZ author's (through the link in the statement of reasons), the German
    # court's against the decision not to act.
    author = world.client.post("/api/v1/appeals", json={
        "token": appeal_tokens.make(SECRET, effective_kz["id"]), "statement": "It is reporting."})
    assert author.status_code == 201, author.text
    court = world.api("de_court", "POST", "/api/v1/appeals",
                      json={"decision_id": effective_de["id"], "statement": "The court found it unlawful."})
    world.extra["appeal_token"] = appeal_tokens.make(SECRET, effective_kz["id"])
    world.add(Record("appeal", author.json()["id"], "kz_gov", "KZ", "KZ author's appeal"))
    world.add(Record("appeal", court["id"], "de_court", "DE", "DE court's appeal"))


def _holds(world: World) -> None:
    """Holds of confidential requests (the KZ one has held notices; a DE hold is placed
    by deciding the third German item)."""
    de_third = [r for r in world.records["item"] if r.owner == "de_court"][2]
    _review(world, int(de_third.id), "illegal")
    world.api("rep_de", "POST", f"/api/v1/items/{de_third.id}/decision",
              json={"outcome": "restricted", "explanation": "Insult under German law."})
    requests = {r.id: r for r in world.records["request"]}
    with world.sessions() as s:
        for hold in s.execute(select(NoticeHold).order_by(NoticeHold.id)).scalars():
            request = requests[hold.request_id]
            world.add(Record("hold", hold.id, request.owner, request.jurisdiction,
                             f"hold of {request.owner}"))
        outbox = s.execute(select(OutboxMessage.id).order_by(OutboxMessage.id).limit(1)).scalar_one()
    assert {r.jurisdiction for r in world.records["hold"]} == {"KZ", "DE"}
    world.add(Record("outbox", outbox, None, None, "an outbox message"))


def _own_things(world: World) -> None:
    """A spare token for every caller with one (the matrix may revoke spares, never a
    caller's own), webhook endpoints of two platform accounts, victims for admin pages."""
    for name, caller in world.callers.items():
        if caller.token:
            spare = world.api(name, "POST", "/api/v1/tokens", json={"name": "spare"})
            world.add(Record("token", spare["id"], name, None, f"spare token of {name}"))
    # Two saved queue views of every caller with a queue (one for the API to delete, one for the page).
    for name in ("reviewer", "lead", "legal", "rights", "rep_kz", "rep_de", "rep_kz_auditor", "admin"):
        for kind in ("view", "page_view"):
            view = world.api(name, "POST", "/api/v1/queue/views", json={"name": f"{kind} of {name}",
                                                                         "filters": {"overdue": "yes"}})
            world.add(Record(kind, view["id"], name, None, f"{kind} of {name}"))
    endpoint = world.api("platform", "POST", "/api/v1/webhooks", json={
        "url": "http://127.0.0.1:9/hook", "event_types": ["restriction.created"]})
    world.add(Record("endpoint", endpoint["id"], "platform", None, "the platform's endpoint"))
    other = world.client.post("/api/v1/webhooks", headers={"Authorization": f"Bearer {world.extra['platform2']}"},
                              json={"url": "http://127.0.0.1:9/other", "event_types": ["restriction.created"]})
    assert other.status_code == 201, other.text
    world.add(Record("endpoint", other.json()["id"], "platform2", None, "another platform's endpoint"))
    for name in SUBMITTERS:
        caller = world.callers[name]
        world.add(Record("submitter", caller.submitter_id or 0, name, None, f"submitter {name}"))
    with store.transaction(world.sessions) as s:
        victim = parties.create_submitter(session=s, actor="test", name="Victim agency",
                                          kind="regulator", country="TR")
        user = parties.create_user(session=s, actor="test", email="victim@docket.test",
                                   roles=("reviewer",), password=PASSWORD)
        flagger = parties.create_submitter(session=s, actor="test", name="jugendschutz.net",
                                           kind="trusted_flagger", country="DE")
        world.extra["flagger"] = flagger.id
        world.add(Record("victim_submitter", victim.id, None, None, "a submitter to administer"))
        world.add(Record("victim_user", user.id, None, None, "a user to administer"))
        team = Team(name="rights — all", role="rights")
        s.add(team)
        s.flush()
        world.add(Record("team", team.id, None, None, "a team (of the desk's flow)"))
    world.add(Record("content", "kz-1", None, None, "registered content"))
    world.add(Record("reporter", "user:u-1001", None, None, "a platform user who reported"))
    world.add(Record("requester_kind", "national_cert", None, None, "a requester kind in the catalog"))


def _browsers(world: World) -> None:
    """Sign every caller in, each with a browser's cookies of its own; and keep the
    confirmation link of a report sent through the public form."""
    for name, caller in world.callers.items():
        token = _CSRF.search(world.page(name, "GET", "/sign-in").text)
        assert token
        if caller.email is not None and name != "none":
            signed = world.page(name, "POST", "/sign-in", data={
                "email": caller.email, "password": PASSWORD, "csrf_token": token.group(1)})
            assert signed.status_code == 303, (name, signed.text)
            token = _CSRF.search(world.page(name, "GET", "/").text)
            assert token
        caller.csrf = token.group(1)
    sent = world.page("none", "POST", "/report", data={
        "url": "https://social.example/@a/kz2-1", "reason": "hate_speech",
        "csrf_token": world.callers["none"].csrf})
    assert sent.status_code == 303, sent.text
    world.extra["receipt"] = dict(parse_qsl(urlsplit(sent.headers["location"]).query))


def _log(world: World) -> None:
    """The verifiable log sealed and signed, with the app's signing key, as DOCKET_LOG_KEY_FILE
    would have given it at start-up."""
    signer = Signer.generate("docket.test/log")
    world.client.app.state.log_signer = signer  # type: ignore[attr-defined]
    with store.transaction(world.sessions) as s:
        size = seal(session=s).size
    with store.transaction(world.sessions) as s:
        sign_checkpoint(session=s, signer=signer)
    world.add(Record("checkpoint", size))
    world.extra["log_size"] = size


# A 1×1 PNG: every piece of content in the world has one thumbnail (the item page's previews).
PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4IScHAAK2AQU0pnWqAAAAAElFTkSuQmCC"


def _templates(world: World) -> None:
    """An explanation template (docket.review.explanations), written by the admin."""
    made = world.api("admin", "POST", "/api/v1/explanation-templates", json={
        "language": "en", "reason": "hate_speech", "title": "Incitement", "body": "Calls for violence."})
    world.add(Record("template", made["id"], None, None, "explanation template"))


def build(client: TestClient, sessions: sessionmaker[Session]) -> World:
    world = World(client=client, sessions=sessions)
    _people(world)
    _channel(world)
    _cases(world)
    _holds(world)
    _own_things(world)
    _templates(world)
    _browsers(world)
    _log(world)
    return world
