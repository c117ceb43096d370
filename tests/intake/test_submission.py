"""POST /api/v1/requests: complete, incomplete and invalid requests."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from docket.audit.models import Event
from docket.cli import app as cli
from docket.intake.models import Item, Request


def counts(sessions) -> tuple[int, int, int]:
    with sessions() as s:
        return tuple(  # type: ignore[return-value]
            s.execute(select(func.count()).select_from(m)).scalar_one() for m in (Request, Item, Event)
        )


def test_a_complete_request_is_open_with_a_deadline(client, kz_ministry, body) -> None:
    r = client.post("/api/v1/requests", json=body(), headers=kz_ministry.headers)
    assert r.status_code == 201
    out = r.json()
    assert out["status"] == "open" and out["missing"] == []
    assert [i["url"] for i in out["items"]] == [
        "https://social.example/@aidos/1001", "https://social.example/@aidos/1002"]
    assert all(i["status"] == "content_not_found" and i["id"] for i in out["items"])
    assert out["requested_scope"] == ["KZ"]
    assert out["clock_rule"]["law"] == "kz-informatization-18-2"


def test_items_resolve_through_the_registry(client, kz_ministry, platform, body) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1001", "url": "https://social.example/@aidos/1001", "type": "post", "author_id": "aidos"})
    items = [{"url": "HTTPS://Social.Example:443/@aidos/1001/?utm_source=tg&fbclid=x#top"},
             {"url": "https://social.example/@aidos/1002"}]
    out = client.post("/api/v1/requests", json=body(items=items), headers=kz_ministry.headers).json()
    assert out["items"][0]["content_id"] == "post-1001"
    assert out["items"][0]["status"] == "received"
    assert out["items"][1]["content_id"] is None and out["items"][1]["status"] == "content_not_found"


def test_duplicate_items_are_collapsed(client, kz_ministry, platform, body) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-7", "url": "https://social.example/@a/7", "type": "post"})
    items = [{"url": "https://social.example/@a/7"}, {"content_id": "post-7"},
             {"url": "https://social.example/@a/8"}, {"url": "https://social.example/@a/8/"}]
    out = client.post("/api/v1/requests", json=body(items=items), headers=kz_ministry.headers).json()
    assert [(i["position"], i["content_id"]) for i in out["items"]] == [(0, "post-7"), (2, None)]


def test_an_incomplete_official_request_is_kept_and_says_what_is_missing(
    client, kz_ministry, auditor_erin, body, sessions
) -> None:
    r = client.post("/api/v1/requests", json=body(legal_basis=None, explanation=None),
                    headers=kz_ministry.headers)
    assert r.status_code == 201
    assert r.json()["status"] == "needs_clarification"
    assert r.json()["missing"] == ["legal_basis", "explanation"]
    events = client.get(f"/api/v1/audit/events?subject=request:{r.json()['id']}",
                        headers=auditor_erin.headers).json()["events"]
    assert [e["action"] for e in events] == ["request:received"]
    assert events[0]["payload"]["missing"] == ["legal_basis", "explanation"]


def test_a_citation_is_a_legal_basis(client, kz_ministry, body) -> None:
    out = client.post("/api/v1/requests", json=body(legal_basis=[{"citation": "Criminal Code Art. 174"}]),
                      headers=kz_ministry.headers).json()
    assert out["status"] == "open"


def test_items_that_do_not_identify_content_exactly(client, kz_ministry, body) -> None:
    items = [{"url": "https://social.example/@a/1"}, {"url": "https://social.example/@a/1"},
             {"url": "https://social.example/"}, {"url": "https://social.example/search?q=protest"}]
    out = client.post("/api/v1/requests", json=body(items=items), headers=kz_ministry.headers).json()
    # Positions are those of the submitted list, even after the duplicate was collapsed.
    assert out["missing"] == ["items[2].url", "items[3].url"]
    assert out["status"] == "needs_clarification"


def test_a_notice_from_a_non_authority_needs_the_art16_elements(client, make_submitter, body) -> None:
    rights_holder = make_submitter("Film studio", "rights_holder", "DE")
    out = client.post("/api/v1/requests", json=body(jurisdiction="DE", legal_basis=None, explanation=None),
                      headers=rights_holder.headers).json()
    assert out["missing"] == ["explanation", "notifier_email", "bona_fide"]
    assert out["art16_notice"] is False


def test_a_trusted_flaggers_complete_notice_is_an_art16_notice(client, trusted_flagger, body) -> None:
    out = client.post("/api/v1/requests", json=body(jurisdiction="DE", legal_basis=None, bona_fide=True),
                      headers=trusted_flagger.headers).json()
    assert out["status"] == "open" and out["missing"] == [] and out["art16_notice"] is True


def test_confidential_and_emergency_need_their_reasons(client, kz_ministry, body) -> None:
    out = client.post("/api/v1/requests", json=body(confidential=True, emergency=True),
                      headers=kz_ministry.headers).json()
    assert out["missing"] == ["confidentiality_basis", "emergency_explanation"]
    done = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body(
        confidential=True, confidentiality_basis="Criminal Procedure Code Art. 201 (secrecy of investigation)",
        emergency=True, emergency_explanation="A named person is threatened with death today."))
    assert done.json()["missing"] == [] and done.json()["emergency"] is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"jurisdiction": "XX"}, "jurisdiction"),
        ({"jurisdiction": "KAZ"}, "jurisdiction"),
        ({"reason": "being_rude"}, "reason"),
        ({"legal_basis": [{"law": "kz-no-such-law"}]}, "legal_basis[0].law"),
        ({"legal_basis": [{"law": "tr-5651-9"}]}, "legal_basis[0].law"),
        ({"legal_basis": [{"provision": "Art. 1"}]}, "legal_basis[0]"),
        ({"requested_scope": ["KZ", "QQ"]}, "requested_scope[1]"),
        ({"requested_action": "delete_account"}, "requested_action"),
        ({"items": []}, "items"),
        ({"items": [{"url": "ftp://social.example/x"}]}, "items[0].url"),
        ({"items": [{"url": "https:///nohost"}]}, "items[0].url"),
        ({"items": [{}]}, "items[0]"),
        ({"items": [{"url": "https://social.example/a", "extra": 1}]}, "items[0].extra"),
        ({"explanation": "x" * 10_001}, "explanation"),
        ({"reference": 12}, "reference"),
        ({"emergency": "very"}, "emergency"),
        ({"language": "Russian"}, "language"),
        ({"priority": "high"}, "priority"),
    ],
)
def test_structurally_invalid_input_is_a_422_and_stores_nothing(
    client, kz_ministry, body, sessions, change, field
) -> None:
    before = counts(sessions)
    r = client.post("/api/v1/requests", json=body(**change), headers=kz_ministry.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in r.json()["errors"]]
    assert counts(sessions) == before


def test_1001_items_is_a_422_and_1000_is_fine(client, kz_ministry, body, sessions) -> None:
    before = counts(sessions)
    many = [{"url": f"https://social.example/@a/{n}"} for n in range(1001)]
    r = client.post("/api/v1/requests", json=body(items=many), headers=kz_ministry.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items"
    assert counts(sessions) == before
    ok = client.post("/api/v1/requests", json=body(items=many[:1000]), headers=kz_ministry.headers)
    assert ok.status_code == 201 and len(ok.json()["items"]) == 1000


def test_broken_json_stores_nothing(client, kz_ministry, sessions) -> None:
    before = counts(sessions)
    r = client.post("/api/v1/requests", content=b'{"jurisdiction": "KZ", "items": [',
                    headers={**kz_ministry.headers, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"
    assert counts(sessions) == before


def test_only_submitters_send_requests(client, reviewer_alice, platform, body) -> None:
    for who in (reviewer_alice, platform):
        assert client.post("/api/v1/requests", json=body(), headers=who.headers).status_code == 403
    assert client.post("/api/v1/requests", json=body()).status_code == 401


def test_a_request_its_items_and_its_event_are_one_transaction(
    client, kz_ministry, body, sessions, monkeypatch
) -> None:
    from docket import audit

    def broken_record(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "record", broken_record)
    monkeypatch.setattr(audit, "record_many", broken_record)
    before = counts(sessions)
    r = client.post("/api/v1/requests", json=body(), headers=kz_ministry.headers)
    assert r.status_code == 500 and r.json()["correlation_id"]
    assert counts(sessions) == before


@pytest.mark.parametrize("changes", [
    {},
    {"legal_basis": [], "explanation": None, "issuing_officer": None, "reference": None},
    {"emergency": True, "emergency_explanation": "Imminent harm.", "language": None},
])
def test_the_answer_is_the_request_as_stored(client, kz_ministry, platform, body, changes) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "known", "url": "https://social.example/@aidos/1001", "type": "post", "author_id": "a"})
    sent = client.post("/api/v1/requests", json=body(**changes), headers=kz_ministry.headers)
    assert sent.status_code == 201
    stored = client.get(f"/api/v1/requests/{sent.json()['id']}", headers=kz_ministry.headers)
    assert sent.json() == stored.json()
    assert sent.headers["content-type"] == stored.headers["content-type"]


def test_a_revoked_token_sends_nothing_more_at_once(client, kz_ministry, de_court, body, sessions) -> None:
    # Both tokens have sent a request, so this process has seen them; one is revoked through
    # the API, the other from the command line (as another process would).
    for who in (kz_ministry, de_court):
        assert client.post("/api/v1/requests", json=body(), headers=who.headers).status_code == 201
    assert client.delete(f"/api/v1/tokens/{kz_ministry.token_id}", headers=kz_ministry.headers).status_code == 200
    assert CliRunner().invoke(cli, ["token", "revoke", str(de_court.token_id), "--json"]).exit_code == 0
    before = counts(sessions)
    for who in (kz_ministry, de_court):
        r = client.post("/api/v1/requests", json=body(), headers=who.headers)
        assert r.status_code == 401 and "unknown or revoked" in r.json()["detail"]
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert counts(sessions) == before


# ---------------------------------------------------------------- addresses as requests write them
def test_an_address_on_a_users_own_site_is_content(client, kz_ministry, body) -> None:
    """``*.pages.social.example`` (DOCKET_PLATFORM_HOSTS) is where users have their own sites:
    the root of one is that user's content, not the platform's home page."""
    items = [{"url": "https://aidos.pages.social.example/"}, {"url": "https://aidos.pages.social.example"},
             {"url": "https://b.pages.social.example/search?q=x"}, {"url": "https://social.example/"},
             {"url": "https://www.social.example/explore"}]
    out = client.post("/api/v1/requests", json=body(items=items), headers=kz_ministry.headers).json()
    assert out["missing"] == ["items[3].url", "items[4].url"]
    assert [i["url"] for i in out["items"]][:2] == ["https://aidos.pages.social.example/",
                                                   "https://b.pages.social.example/search?q=x"]


def test_the_platform_hosts_are_a_setting(client, kz_ministry, body, app) -> None:
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"platform_hosts": "social.example,*.u.social.example"})
    try:
        items = [{"url": "https://aidos.u.social.example/"}, {"url": "https://aidos.pages.social.example/"}]
        out = client.post("/api/v1/requests", json=body(items=items), headers=kz_ministry.headers).json()
    finally:
        app.state.settings = settings
    assert out["missing"] == ["items[1].url"]


DEFANGED = [
    ("hxxps://social[.]example/@aidos/1001", "https://social.example/@aidos/1001"),
    ("hxxp://social(.)example/@aidos/1002", "http://social.example/@aidos/1002"),
    ("https[:]//social[dot]example/@aidos/1003", "https://social.example/@aidos/1003"),
    ("hxxps[://]social[.]example/@aidos/1004", "https://social.example/@aidos/1004"),
    ("HXXPS://Social[.]Example/@aidos/1005", "https://Social.Example/@aidos/1005"),
]


def test_defanged_addresses_are_refanged_with_a_note(client, kz_ministry, platform, body, auditor_erin) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1001", "url": "https://social.example/@aidos/1001", "type": "post", "author_id": "aidos"})
    items = [{"url": given} for given, _ in DEFANGED] + [{"url": "https://social.example/@aidos/1006"}]
    r = client.post("/api/v1/requests", json=body(items=items), headers=kz_ministry.headers)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == "open" and out["missing"] == []
    assert [i["url"] for i in out["items"]] == [read for _, read in DEFANGED] + ["https://social.example/@aidos/1006"]
    assert out["items"][0]["content_id"] == "post-1001" and out["items"][0]["status"] == "received"
    assert out["intake_notes"] == [{"note": "refanged", "position": n, "given": given, "read_as": read}
                                   for n, (given, read) in enumerate(DEFANGED)]
    again = client.get(f"/api/v1/requests/{out['id']}", headers=kz_ministry.headers).json()
    assert again["intake_notes"] == out["intake_notes"]
    events = client.get(f"/api/v1/audit/events?subject=request:{out['id']}", headers=auditor_erin.headers).json()
    assert events["events"][0]["payload"]["intake_notes"] == out["intake_notes"]


def test_a_placeholder_is_an_unlisted_item_for_the_reviewer(client, kz_ministry, body, reviewer_alice) -> None:
    items = [{"url": "https://social.example/@aidos/1001"}, {"url": "[redacted]"}, {"url": "(URL removed)"},
             {"url": "hxxps://[private]/post/7"}]
    r = client.post("/api/v1/requests", json=body(items=items), headers=kz_ministry.headers)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == "open" and out["missing"] == []
    assert [(i["position"], i["url"], i["content_id"], i["unlisted"]) for i in out["items"]] == [
        (0, "https://social.example/@aidos/1001", None, False), (1, None, None, True), (2, None, None, True),
        (3, None, None, True)]
    assert [n["note"] for n in out["intake_notes"]] == ["unlisted"] * 3
    assert [n["given"] for n in out["intake_notes"]] == ["[redacted]", "(URL removed)", "hxxps://[private]/post/7"]
    # The reviewer finds the unlisted items in the queue, flagged.
    item = client.get(f"/api/v1/items/{out['items'][1]['id']}", headers=reviewer_alice.headers)
    assert item.status_code == 200, item.text
    assert item.json()["unlisted"] is True


def test_an_address_that_is_neither_is_still_refused(client, kz_ministry, body) -> None:
    r = client.post("/api/v1/requests", json=body(items=[{"url": "example dot com"}]), headers=kz_ministry.headers)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["items[0].url"]
