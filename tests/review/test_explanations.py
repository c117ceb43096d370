"""Explanation templates: per reason and law, in each notice language, versioned and
audited; chosen in the decision form; the decision keeps the version it used; and the
statement of reasons it produces cites the law by its citation and the request's provision."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from docket.audit.models import Event
from docket.notices.compose import context_for
from docket.notices.render import LANGUAGES, render
from docket.outbox.models import OutboxMessage
from docket.store import transaction
from tests.conftest import PASSWORD
from tests.web.conftest import csrf_of, sign_in

LAW = "kz-online-platforms-9"
CITATION = "Law of the Republic of Kazakhstan on Online Platforms and Online Advertising, Art. 9"


@pytest.fixture
def lead_lena(make_user: Any) -> Any:
    return make_user("lena@docket.test", "lead", password=PASSWORD)


def _template(client: Any, who: Any, expect: int = 201, **changes: Any) -> dict[str, Any]:
    body = {"reason": "hate_speech", "law": LAW, "language": "ru", "title": "Призывы к насилию",
            "body": "Публикация призывает к насилию.", **changes}
    r = client.post("/api/v1/explanation-templates", json=body, headers=who.headers)
    assert r.status_code == expect, r.text
    return r.json()  # type: ignore[no-any-return]


def _item_to_decide(client: Any, platform: Any, kz_ministry: Any, act: Any, reviewers: list[Any],
                    provision: str | None = "Art. 9(2)") -> int:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-71", "url": "https://social.example/@aidos/71", "type": "post", "author_id": "aidos",
        "author_contact": "aidos@mail.example", "language": "ru"})
    basis = {"law": LAW, **({"provision": provision} if provision else {})}
    request = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
        "legal_basis": [basis], "items": [{"content_id": "post-71"}]}).json()
    item = int(request["items"][0]["id"])
    alice, bob, carol = reviewers
    act(alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob, f"/items/{item}/review", step="legal", finding="illegal")
    act(carol, f"/items/{item}/review", step="rights", finding="no_concern")
    return item


def test_a_lead_adds_a_template_and_an_edit_makes_a_new_version(client, lead_lena, sessions) -> None:
    made = _template(client, lead_lena)
    assert made["version"] == 1 and made["current"]["title"] == "Призывы к насилию"
    r = client.put(f"/api/v1/explanation-templates/{made['id']}", headers=lead_lena.headers,
                   json={"title": "Призывы к насилию", "body": "Публикация призывает к насилию против группы."})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["version"] == 2
    assert [v["body"] for v in edited["versions"]] == ["Публикация призывает к насилию.",
                                                       "Публикация призывает к насилию против группы."]
    with transaction(sessions) as s:
        actions = s.scalars(select(Event.action).where(Event.subject == f"template:{made['id']}")
                            .order_by(Event.seq)).all()
    assert actions == ["template:created", "template:edited"]


def test_it_refuses_a_law_or_reason_the_catalog_does_not_know(client, lead_lena) -> None:
    r = client.post("/api/v1/explanation-templates", headers=lead_lena.headers, json={
        "law": "kz-nowhere-1", "reason": "no-such-reason", "language": "en", "title": "T", "body": "B"})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"law", "reason"}


def test_a_reviewer_reads_templates_but_may_not_write_them(client, reviewer_alice, lead_lena) -> None:
    _template(client, lead_lena)
    _template(client, lead_lena, language="en", law=None, title="Any law", body="Illegal.")
    r = client.get("/api/v1/explanation-templates", params={"language": "ru"}, headers=reviewer_alice.headers)
    assert r.status_code == 200
    assert [t["current"]["title"] for t in r.json()["templates"]] == ["Призывы к насилию"]
    assert _template(client, reviewer_alice, expect=403)


def test_the_decision_keeps_the_version_it_used_and_the_notice_cites_the_law(
        client, platform, kz_ministry, act, lead_lena, reviewer_alice, bob_legal, carol_rights, dana_kz,
        sessions, settings) -> None:
    made = _template(client, lead_lena)
    first_version = made["current"]["id"]
    item = _item_to_decide(client, platform, kz_ministry, act, [reviewer_alice, bob_legal, carol_rights])
    decision = act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted",
                   explanation=made["current"]["body"] + " Дополнено.", template_version_id=first_version)
    client.put(f"/api/v1/explanation-templates/{made['id']}", headers=lead_lena.headers,
               json={"title": "Новое", "body": "Новый текст."})
    got = client.get(f"/api/v1/items/{item}/decisions", headers=reviewer_alice.headers).json()
    [mine] = [d for d in (got["decisions"] if isinstance(got, dict) else got) if d["id"] == decision["id"]]
    assert mine["template_version_id"] == first_version
    with transaction(sessions) as s:
        message = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "statement_of_reasons")).one()
        context = context_for(s, message, settings)
    assert context["law"] == CITATION and context["provision"] == "Art. 9(2)"
    for language in LANGUAGES:
        notice = render("statement_of_reasons", language, context)
        for part in (notice.text, notice.html):
            assert LAW not in part, language
            assert "Art. 9(2)" in part, language
            assert "Online Platforms" in part, language


def test_an_unknown_template_version_is_refused(client, platform, kz_ministry, act, reviewer_alice, bob_legal,
                                                carol_rights, dana_kz) -> None:
    item = _item_to_decide(client, platform, kz_ministry, act, [reviewer_alice, bob_legal, carol_rights])
    answer = act(dana_kz, f"/items/{item}/decision", expect=422, outcome="restricted", explanation="x",
                 template_version_id=999_999)
    assert answer["errors"][0]["field"] == "template_version_id"


def test_use_template_fills_the_form_without_deciding(web, platform, kz_ministry, act, lead_lena, reviewer_alice,
                                                      bob_legal, carol_rights, make_user) -> None:
    made = _template(web, lead_lena, language="en", title="Incitement", body="It incites violence.")
    item = _item_to_decide(web, platform, kz_ministry, act, [reviewer_alice, bob_legal, carol_rights])
    make_user("rita@docket.test", "local_representative", jurisdictions=("KZ",), password=PASSWORD)
    sign_in(web, "rita@docket.test", PASSWORD)
    page = f"/console/items/{item}"
    assert "Incitement (en, v1)" in web.get(page).text
    r = web.post(f"{page}/decision", data={"csrf_token": csrf_of(web, page), "outcome": "restricted",
                                           "template_version_id": str(made["current"]["id"]), "use_template": "1"})
    assert r.status_code == 200
    assert "It incites violence.</textarea>" in r.text
    assert web.get(f"/api/v1/items/{item}/decisions", headers=reviewer_alice.headers).json() in ([], {"decisions": []})
    r = web.post(f"{page}/decision", data={"csrf_token": csrf_of(web, page), "outcome": "restricted",
                                           "template_version_id": str(made["current"]["id"]),
                                           "explanation": "It incites violence. Edited."}, follow_redirects=False)
    assert r.status_code == 303
    got = web.get(f"/api/v1/items/{item}/decisions", headers=reviewer_alice.headers).json()
    decisions = got["decisions"] if isinstance(got, dict) else got
    assert decisions[0]["template_version_id"] == made["current"]["id"]
    assert decisions[0]["explanation"] == "It incites violence. Edited."


def test_the_templates_page_adds_and_edits(web, lead_lena, reviewer_alice, make_user) -> None:
    sign_in(web, "lena@docket.test", PASSWORD)
    r = web.post("/console/templates", data={"csrf_token": csrf_of(web, "/console/templates"), "language": "de",
                                             "reason": "hate_speech", "title": "Volksverhetzung",
                                             "body": "Der Beitrag stachelt zum Hass auf."}, follow_redirects=False)
    assert r.status_code == 303
    where = r.headers["location"]
    r = web.post(where, data={"csrf_token": csrf_of(web, where), "title": "Volksverhetzung",
                              "body": "Neu.", "active": "no"}, follow_redirects=False)
    assert r.status_code == 303
    page = web.get(where).text
    assert "version 2" in page and "Der Beitrag stachelt zum Hass auf." in page
    r = web.post("/console/templates", data={"csrf_token": csrf_of(web, "/console/templates"), "language": "xx",
                                             "title": "", "body": ""})
    assert r.status_code == 422
