"""The effect given tells the requester what review decided on each measure its request
asked for, besides the items: read from the real e-mail, sent through a real SMTP server
on loopback, in the request's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from docket.outbox.models import OutboxMessage
from docket.settings import Settings
from tests.notices.conftest import body_text


def test_the_effect_given_says_what_was_decided_on_each_measure(
        client: Any, platform: Any, kz_ministry_with_email: Any, act: Any, reviewer_alice: Any, bob_legal: Any,
        carol_rights: Any, dana_kz: Any, worker: Any, smtp: Any, settings: Settings) -> None:
    for content_id, kind in (("post-7", "post"), ("acct-aidos", "account")):
        r = client.post("/api/v1/content", headers=platform.headers, json={
            "id": content_id, "url": f"https://social.example/{content_id}", "type": kind, "author_id": "aidos"})
        assert r.status_code in (200, 201), r.text
    r = client.post("/api/v1/requests", headers=kz_ministry_with_email.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "language": "ru", "reference": "MISD-2026/1501",
        "explanation": "Calls for violence.", "legal_basis": [{"law": "kz-online-platforms-9"}],
        "items": [{"content_id": "post-7"}],
        "measures": [{"kind": "restrict_content"},
                     {"kind": "restrict_account", "account": "acct-aidos", "everywhere": True, "fallback": True},
                     {"kind": "disclose_data", "account": "acct-aidos"}]})
    assert r.status_code == 201, r.text
    sent = r.json()
    post, account = sent["items"]
    answer = client.post(f"/api/v1/requests/{sent['id']}/measures/decision", headers=reviewer_alice.headers,
                         json={"position": 0, "outcome": "granted", "explanation": "Доступ ограничен в Казахстане."})
    assert answer.status_code == 200, answer.text
    for item in (post, account):
        act(reviewer_alice, f"/items/{item['id']}/review", step="policy", finding="compliant")
        act(bob_legal, f"/items/{item['id']}/review", step="legal", finding="illegal")
        act(carol_rights, f"/items/{item['id']}/review", step="rights", finding="no_concern")
        decision = act(dana_kz, f"/items/{item['id']}/decision", expect=201, outcome="restricted",
                       explanation="Calls for violence.")
        assert decision["status"] == "effective", decision
    worker.drain()
    [effect] = [m for m in smtp.messages_to("requests@misd.example.kz") if m["X-Docket-Notice"] == "effect_given"]
    text = body_text(effect)
    measures = text.split("Запрошенные меры")[1]
    # The content measure, with the reviewer's answer.
    assert "Мера 1: Ограничить доступ к контенту в следующих странах: Казахстан" in measures
    assert "Выполнено, как запрошено" in measures and "Доступ ограничен в Казахстане." in measures
    # The account, asked everywhere, withheld in Kazakhstan only (the fallback), with its item's decision.
    assert "Мера 2: Ограничить аккаунт acct-aidos во всех странах" in measures
    assert "принята более мягкая мера" in measures and "только в следующих странах: Казахстан" in measures
    assert f"Решено вместе с решением по позиции {account['position']}" in measures
    # The data part: referred, and where to.
    assert "Мера 3: Раскрыть данные пользователя аккаунта acct-aidos" in measures
    assert f"Перенаправлено: эта служба не рассматривает запросы о данных пользователей; направьте эту часть " \
           f"запроса сюда: {settings.data_requests_referral}" in measures
    # No English canned answer leaks into the Russian notice.
    assert "outside this desk's scope" not in text and "Decided with the decision" not in text
    html = effect.get_body(preferencelist=("html",)).get_content()
    assert "Запрошенные меры" in html and "Выполнено, как запрошено" in html


def test_a_request_that_named_no_measures_tells_the_items_alone(client: Any, kz_case: Any, worker: Any,
                                                                smtp: Any, sessions: Any) -> None:
    kz_case(language="de")
    worker.drain()
    [effect] = [m for m in smtp.messages_to("requests@misd.example.kz") if m["X-Docket-Notice"] == "effect_given"]
    assert "Beantragte Maßnahmen" not in body_text(effect) and "Eintrag" in body_text(effect)
    with sessions() as s:
        assert s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "effect_given")).one().status == "sent"


def test_a_measure_answered_after_the_items_is_told_in_a_new_effect_given(
        client: Any, platform: Any, kz_ministry_with_email: Any, act: Any, reviewer_alice: Any, bob_legal: Any,
        carol_rights: Any, dana_kz: Any, worker: Any, smtp: Any) -> None:
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-8", "url": "https://social.example/post-8", "type": "post"})
    assert r.status_code in (200, 201), r.text
    r = client.post("/api/v1/requests", headers=kz_ministry_with_email.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"content_id": "post-8"}],
        "measures": [{"kind": "remove_global", "fallback": True}]})
    assert r.status_code == 201, r.text
    sent = r.json()
    item = sent["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")
    act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
    act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted", explanation="Illegal in KZ.")
    worker.drain()

    def told() -> list[str]:
        return [body_text(m) for m in smtp.messages_to("requests@misd.example.kz")
                if m["X-Docket-Notice"] == "effect_given"]

    [first] = told()
    assert "Measure 1: Remove the content everywhere" in first and "See the items above" in first
    answer = client.post(f"/api/v1/requests/{sent['id']}/measures/decision", headers=reviewer_alice.headers,
                         json={"position": 0, "outcome": "fallback",
                               "explanation": "Lawful elsewhere; withheld in Kazakhstan."})
    assert answer.status_code == 200, answer.text
    worker.drain()
    [_, second] = told()
    assert "Not done as asked; the lesser measure your request accepted was taken: withheld in Kazakhstan only" \
        in second and "Lawful elsewhere; withheld in Kazakhstan." in second
