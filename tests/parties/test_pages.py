"""The admin pages over HTTP, as a browser: submitters with their people and tokens, staff
users and roles, the law catalog, trusted-flagger designations and the outbox. Every change
is checked where others see it (the JSON API, signing in) and in the audit log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from docket import store
from docket.notices.worker import OutboxWorker
from docket.outbox import service as outbox
from docket.outbox.models import OutboxMessage
from docket.parties.models import Submitter
from tests.conftest import Party
from tests.web.conftest import PASSWORD, csrf_of, post_form, sign_in

ADA = "ada@docket.example"
ADMIN_PAGES = ("/admin", "/admin/submitters", "/admin/submitters/new", "/admin/users",
               "/admin/users/new", "/admin/laws", "/admin/designations", "/admin/outbox")


@pytest.fixture
def ada(make_user: Any, web: TestClient) -> Party:
    """The administrator, signed in in ``web``."""
    admin = make_user(ADA, "admin", password=PASSWORD)
    assert sign_in(web, ADA).status_code == 303
    return admin


@pytest.fixture
def browser(app: Any) -> Iterator[TestClient]:
    """A second browser, for somebody else than the administrator."""
    with TestClient(app, raise_server_exceptions=False) as other:
        yield other


def events(client: TestClient, auditor: Party, action: str, subject: str | None = None) -> list[dict[str, Any]]:
    """Audit events of one action (and subject), read as the auditor reads them."""
    params: dict[str, Any] = {"action": action, "limit": 500}
    if subject:
        params["subject"] = subject
    response = client.get("/api/v1/audit/events", params=params, headers=auditor.headers)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def the_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def count_submitters(sessions: Any) -> int:
    with store.transaction(sessions) as s:
        return int(s.scalar(select(func.count()).select_from(Submitter)) or 0)


# ---------------------------------------------------------------- submitters, people, tokens
def test_an_admin_adds_a_submitter_whose_official_signs_in_to_the_portal(
        web: TestClient, ada: Party, auditor_erin: Party, browser: TestClient) -> None:
    new = post_form(web, "/admin/submitters/new", "/admin/submitters/new", {
        "name": "Agency for Civil Service Affairs", "kind": "government_agency", "country": "KZ",
        "email": "info@asb.example.kz", "verified": "1"})
    submitter_id = the_id(new)
    page = f"/admin/submitters/{submitter_id}"
    shown = web.get(page)
    assert "<h1>Agency for Civil Service Affairs</h1>" in shown.text and "Kazakhstan" in shown.text
    assert "Agency for Civil Service Affairs" in web.get("/admin/submitters").text
    api = web.get(f"/api/v1/submitters/{submitter_id}", headers=auditor_erin.headers).json()
    assert api["kind"] == "government_agency" and api["country"] == "KZ" and api["verified"] is True
    [created] = events(web, auditor_erin, "submitter:created", f"submitter:{submitter_id}")
    assert created["actor"] == f"user:{ada.id}"

    added = post_form(web, page, f"{page}/people", {
        "person_email": "Aigerim@ASB.example.kz", "person_name": "Aigerim Nurlanovna",
        "person_password": PASSWORD})
    assert added.status_code == 303 and added.headers["location"] == page
    assert "aigerim@asb.example.kz" in web.get(page).text
    person = [e for e in events(web, auditor_erin, "user:created")
              if e["payload"].get("submitter") == submitter_id]
    assert len(person) == 1 and person[0]["actor"] == f"user:{ada.id}"

    signed = sign_in(browser, "aigerim@asb.example.kz")
    assert signed.status_code == 303 and signed.headers["location"] == "/portal"
    assert browser.get("/portal").status_code == 200


def test_a_submitters_details_are_changed_with_what_changed_in_the_audit_log(
        web: TestClient, ada: Party, de_court: Party, auditor_erin: Party) -> None:
    page = f"/admin/submitters/{de_court.id}"
    details = {"name": "Landgericht Berlin", "kind": "court", "country": "DE"}
    bad = post_form(web, page, page, {**details, "country": "DD", "email": "poststelle@lg.example.de"})
    assert bad.status_code == 422 and 'id="country-error"' in bad.text
    assert 'value="poststelle@lg.example.de"' in bad.text
    saved = post_form(web, page, page, {**details, "email": "poststelle@lg.example.de", "verified": "1"})
    assert saved.status_code == 303
    api = web.get(f"/api/v1/submitters/{de_court.id}", headers=auditor_erin.headers).json()
    assert api["email"] == "poststelle@lg.example.de" and api["verified"] is True
    [event] = events(web, auditor_erin, "submitter:updated", f"submitter:{de_court.id}")
    assert event["payload"] == {"email": [None, "poststelle@lg.example.de"], "verified": [False, True]}
    assert post_form(web, page, page, {**details, "email": "poststelle@lg.example.de",
                                       "verified": "1"}).status_code == 303
    assert len(events(web, auditor_erin, "submitter:updated")) == 1  # nothing changed: no event


def test_a_token_made_on_the_page_is_shown_once_works_and_stops_when_revoked(
        web: TestClient, ada: Party, kz_ministry: Party, auditor_erin: Party) -> None:
    page = f"/admin/submitters/{kz_ministry.id}"
    made = post_form(web, page, f"{page}/tokens", {"token_name": "case system"})
    assert made.status_code == 201
    found = re.search(r"<code>(dkt_[A-Za-z0-9_-]+)</code>", made.text)
    assert found, made.text
    plain = found.group(1)
    me = web.get("/api/v1/me", headers=bearer(plain))
    assert me.status_code == 200 and me.json()["actor"] == f"submitter:{kz_ministry.id}"
    later = web.get(page).text
    assert plain not in later and plain[:12] in later  # shown once; then only its first characters

    [token] = [t for t in web.get("/api/v1/tokens", headers=bearer(plain)).json() if t["name"] == "case system"]
    cached_route = "/api/v1/visibility?content_id=post-1&country=KZ"  # trusts a checked token for a while
    assert web.get(cached_route, headers=bearer(plain)).status_code == 403  # known, but not the platform
    revoked = post_form(web, page, f"/admin/tokens/{token['id']}/revoke", {})
    assert revoked.status_code == 303 and revoked.headers["location"] == page
    assert web.get("/api/v1/me", headers=bearer(plain)).status_code == 401
    assert web.get(cached_route, headers=bearer(plain)).status_code == 401  # forgotten at once
    assert web.get("/api/v1/me", headers=kz_ministry.headers).status_code == 200  # its other token
    subject = f"token:{token['id']}"
    [created] = events(web, auditor_erin, "token:created", subject)
    [gone] = events(web, auditor_erin, "token:revoked", subject)
    assert created["actor"] == gone["actor"] == f"user:{ada.id}"
    assert created["payload"]["owner"] == f"submitter:{kz_ministry.id}"

    twice = post_form(web, page, f"/admin/tokens/{token['id']}/revoke", {})
    assert twice.status_code == 303 and "already revoked" in web.get(page).text
    assert len(events(web, auditor_erin, "token:revoked", subject)) == 1


def test_an_official_kept_waiting_is_unlocked_and_a_new_password_works(
        web: TestClient, ada: Party, kz_ministry: Party, make_person: Any, auditor_erin: Party,
        browser: TestClient) -> None:
    person = make_person(kz_ministry, "aigerim@misd.example.kz", "Aigerim")
    for _ in range(4):
        sign_in(browser, "aigerim@misd.example.kz", "wrong password")
    assert sign_in(browser, "aigerim@misd.example.kz").status_code == 429
    page = f"/admin/submitters/{kz_ministry.id}"
    assert "sign-in slowed" in web.get(page).text
    assert "sign-in slowed until" in web.get(f"/admin/users/{person.id}").text
    unlocked = post_form(web, page, f"/admin/users/{person.id}/unlock", {"next": page})
    assert unlocked.status_code == 303 and unlocked.headers["location"] == page
    assert "sign-in slowed" not in web.get(page).text
    assert sign_in(browser, "aigerim@misd.example.kz").headers["location"] == "/portal"
    [event] = events(web, auditor_erin, "user:unlocked", f"user:{person.id}")
    assert event["actor"] == f"user:{ada.id}" and event["payload"]["cleared"] == 2  # pair, account

    account = f"/admin/users/{person.id}"
    short = post_form(web, account, f"{account}/password", {"password": "short"})
    assert short.status_code == 422 and 'id="password-error"' in short.text
    assert "12" in short.text.split('id="password-error"', 1)[1][:200]
    assert post_form(web, account, f"{account}/password", {"password": "a new long passphrase"}).status_code == 303
    browser.cookies.clear()
    assert sign_in(browser, "aigerim@misd.example.kz").status_code == 401
    assert sign_in(browser, "aigerim@misd.example.kz", "a new long passphrase").status_code == 303
    assert len(events(web, auditor_erin, "user:password_set", f"user:{person.id}")) == 1


def test_a_deactivated_official_can_no_longer_sign_in(
        web: TestClient, ada: Party, kz_ministry: Party, make_person: Any, auditor_erin: Party,
        browser: TestClient) -> None:
    person = make_person(kz_ministry, "aigerim@misd.example.kz", "Aigerim")
    assert sign_in(browser, "aigerim@misd.example.kz").status_code == 303
    page = f"/admin/submitters/{kz_ministry.id}"
    off = post_form(web, page, f"/admin/users/{person.id}/deactivate", {"next": page})
    assert off.status_code == 303 and off.headers["location"] == page
    assert "deactivated" in web.get(page).text
    assert browser.get("/portal", follow_redirects=False).status_code == 303  # the session ended
    assert sign_in(browser, "aigerim@misd.example.kz").status_code == 401
    on = post_form(web, page, f"/admin/users/{person.id}/reactivate", {"next": page})
    assert on.status_code == 303
    assert sign_in(browser, "aigerim@misd.example.kz").status_code == 303
    assert [e["action"] for e in events(web, auditor_erin, "user:deactivated", f"user:{person.id}")
            + events(web, auditor_erin, "user:reactivated", f"user:{person.id}")] == [
        "user:deactivated", "user:reactivated"]


# ---------------------------------------------------------------- staff users and roles
def test_an_admin_adds_a_local_representative_for_kazakhstan(
        web: TestClient, ada: Party, auditor_erin: Party, browser: TestClient) -> None:
    form = web.get("/admin/users/new").text
    assert '<option value="KZ"' in form and "Kazakhstan (KZ)" in form
    new = post_form(web, "/admin/users/new", "/admin/users/new", {
        "email": "timur@docket.example", "name": "Timur", "role": ["local_representative", "reviewer"],
        "jurisdiction": ["KZ"], "password": PASSWORD})
    user_id = the_id(new)
    page = f"/admin/users/{user_id}"
    assert "local representative (Kazakhstan)" in web.get("/admin/users").text
    [created] = events(web, auditor_erin, "user:created", f"user:{user_id}")
    assert created["actor"] == f"user:{ada.id}"
    assert created["payload"]["roles"] == ["local_representative", "reviewer"]
    assert created["payload"]["jurisdictions"] == ["KZ"]

    made = post_form(web, page, f"{page}/tokens", {"token_name": "scripts"})
    assert made.status_code == 201
    plain = re.search(r"<code>(dkt_[A-Za-z0-9_-]+)</code>", made.text).group(1)  # type: ignore[union-attr]
    me = web.get("/api/v1/me", headers=bearer(plain)).json()
    assert me["roles"] == ["local_representative", "reviewer"] and me["jurisdictions"] == ["KZ"]
    assert sign_in(browser, "timur@docket.example").headers["location"] == "/console"


def test_roles_are_replaced_and_a_deactivated_user_loses_the_api(
        web: TestClient, ada: Party, make_user: Any, auditor_erin: Party) -> None:
    alice = make_user("alice@docket.example", "reviewer", password=PASSWORD)
    page = f"/admin/users/{alice.id}"
    saved = post_form(web, page, f"{page}/roles", {"role": ["reviewer", "legal"]})
    assert saved.status_code == 303
    assert web.get("/api/v1/me", headers=alice.headers).json()["roles"] == ["legal", "reviewer"]
    [event] = events(web, auditor_erin, "user:roles_set", f"user:{alice.id}")
    assert event["payload"]["before"] == ["reviewer"] and event["payload"]["roles"] == ["legal", "reviewer"]

    bad = post_form(web, page, f"{page}/roles", {"role": ["local_representative"]})
    assert bad.status_code == 422 and 'id="jurisdiction-error"' in bad.text
    assert 'value="local_representative" checked' in bad.text  # the choice is kept
    assert web.get("/api/v1/me", headers=alice.headers).json()["roles"] == ["legal", "reviewer"]

    assert post_form(web, page, f"{page}/deactivate", {}).status_code == 303
    assert web.get("/api/v1/me", headers=alice.headers).status_code == 401
    assert len(events(web, auditor_erin, "user:deactivated", f"user:{alice.id}")) == 1


def test_the_last_admin_cannot_lock_everybody_out(web: TestClient, ada: Party, auditor_erin: Party) -> None:
    page = f"/admin/users/{ada.id}"
    post_form(web, page, f"{page}/deactivate", {})
    assert "last active admin" in web.get(page).text
    refused = post_form(web, page, f"{page}/roles", {"role": ["reviewer"]})
    assert refused.status_code == 409 and 'id="role-error"' in refused.text
    assert web.get("/admin").status_code == 200  # still an admin
    assert events(web, auditor_erin, "user:deactivated") == []
    assert events(web, auditor_erin, "user:roles_set") == []


# ---------------------------------------------------------------- who may open the admin pages
def test_a_reviewer_gets_403_on_every_admin_page_and_changes_nothing(
        web: TestClient, make_user: Any, kz_ministry: Party, sessions: Any, auditor_erin: Party) -> None:
    alice = make_user("alice@docket.example", "reviewer", password=PASSWORD)
    sign_in(web, "alice@docket.example")
    for path in (*ADMIN_PAGES, f"/admin/submitters/{kz_ministry.id}", f"/admin/users/{alice.id}"):
        response = web.get(path)
        assert response.status_code == 403, path
        assert "text/html" in response.headers["content-type"]
    token = csrf_of(web, "/")
    before = count_submitters(sessions)
    for action, data in (("/admin/submitters/new", {"name": "X", "kind": "court", "country": "DE"}),
                         (f"/admin/users/{alice.id}/roles", {"role": "admin"}),
                         ("/admin/laws", {"id": "x-1", "applies_in": "DE", "citation": "c", "title": "t"}),
                         ("/admin/outbox/retry", {})):
        refused = web.post(action, data={**data, "csrf_token": token}, follow_redirects=False)
        assert refused.status_code == 403, action
    assert count_submitters(sessions) == before
    assert web.get("/api/v1/me", headers=alice.headers).json()["roles"] == ["reviewer"]
    assert events(web, auditor_erin, "law:added") == []


def test_without_signing_in_every_admin_page_sends_to_sign_in(web: TestClient) -> None:
    for path in ADMIN_PAGES:
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next=%2Fadmin"), path


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(
        web: TestClient, ada: Party, make_user: Any, sessions: Any, auditor_erin: Party) -> None:
    alice = make_user("alice@docket.example", "reviewer", password=PASSWORD)
    before = count_submitters(sessions)
    missing = web.post("/admin/submitters/new", data={"name": "Forged", "kind": "court", "country": "DE"},
                       follow_redirects=False)
    assert missing.status_code == 403 and "text/html" in missing.headers["content-type"]
    forged = web.post(f"/admin/users/{alice.id}/deactivate", data={"csrf_token": "0" * 64},
                      follow_redirects=False)
    assert forged.status_code == 403
    assert count_submitters(sessions) == before
    assert web.get("/api/v1/me", headers=alice.headers).status_code == 200
    assert events(web, auditor_erin, "submitter:created") == []
    assert events(web, auditor_erin, "user:deactivated") == []


# ---------------------------------------------------------------- errors next to the fields
def test_errors_are_shown_next_to_the_fields_with_the_values_kept(
        web: TestClient, ada: Party, sessions: Any, make_user: Any, kz_ministry: Party) -> None:
    before = count_submitters(sessions)
    empty = post_form(web, "/admin/submitters/new", "/admin/submitters/new",
                      {"name": "", "kind": "court", "country": "DE", "email": "not an address"})
    assert empty.status_code == 422
    assert 'id="name-error"' in empty.text and 'id="email-error"' in empty.text
    assert 'value="not an address"' in empty.text
    unknown = post_form(web, "/admin/submitters/new", "/admin/submitters/new",
                        {"name": "Tribunal of Nowhere", "kind": "court", "country": "XX"})
    assert unknown.status_code == 422 and 'id="country-error"' in unknown.text
    assert 'value="Tribunal of Nowhere"' in unknown.text
    assert count_submitters(sessions) == before

    make_user("alice@docket.example", "reviewer", password=PASSWORD)
    taken = post_form(web, "/admin/users/new", "/admin/users/new", {
        "email": "alice@docket.example", "name": "Another Alice", "role": "auditor", "password": PASSWORD})
    assert taken.status_code == 409 and 'id="email-error"' in taken.text and "already exists" in taken.text
    assert 'value="Another Alice"' in taken.text and 'value="auditor" checked' in taken.text
    no_country = post_form(web, "/admin/users/new", "/admin/users/new", {
        "email": "timur@docket.example", "role": "local_representative", "password": PASSWORD})
    assert no_country.status_code == 422 and 'id="jurisdiction-error"' in no_country.text
    no_password = post_form(web, "/admin/users/new", "/admin/users/new", {
        "email": "timur@docket.example", "role": "reviewer"})
    assert no_password.status_code == 422 and 'id="password-error"' in no_password.text

    page = f"/admin/submitters/{kz_ministry.id}"
    short = post_form(web, page, f"{page}/people", {
        "person_email": "aigerim@misd.example.kz", "person_name": "Aigerim", "person_password": "short"})
    assert short.status_code == 422 and 'id="person_password-error"' in short.text
    assert 'value="aigerim@misd.example.kz"' in short.text
    again = post_form(web, page, f"{page}/people", {
        "person_email": "alice@docket.example", "person_password": PASSWORD})
    assert again.status_code == 409 and 'id="person_email-error"' in again.text
    assert "alice@docket.example" not in web.get(page).text  # nobody was added


# ---------------------------------------------------------------- laws and designations
def test_a_law_added_on_the_page_is_in_the_catalog_api(
        web: TestClient, ada: Party, auditor_erin: Party) -> None:
    listing = web.get("/admin/laws?jurisdiction=KZ")
    assert listing.status_code == 200 and "kz-informatization-18-2" in listing.text
    added = post_form(web, "/admin/laws", "/admin/laws", {
        "id": "kz-mass-media-26", "applies_in": "KZ", "citation": "Law on Mass Media, Art. 26",
        "title": "Mass media", "clock_hours": "24", "emergency_clock_hours": "6",
        "clock_basis": "within one working day", "local_rep_signoff": "1"})
    assert added.status_code == 303 and "jurisdiction=KZ" in added.headers["location"]
    [law] = [x for x in web.get("/api/v1/catalog/laws", params={"jurisdiction": "KZ"}).json()
             if x["id"] == "kz-mass-media-26"]
    assert law["clock_hours"] == 24 and law["emergency_clock_hours"] == 6
    assert law["local_rep_signoff"] is True and law["clock_restarts_on_clarification"] is False
    [event] = events(web, auditor_erin, "law:added", "law:kz-mass-media-26")
    assert event["actor"] == f"user:{ada.id}"
    assert "kz-mass-media-26" in web.get("/admin/laws?jurisdiction=KZ").text

    again = post_form(web, "/admin/laws", "/admin/laws", {
        "id": "kz-mass-media-26", "applies_in": "KZ", "citation": "Other", "title": "Other",
        "clock_restarts_on_clarification": "1"})
    assert again.status_code == 409 and 'id="id-error"' in again.text and 'value="Other"' in again.text
    hours = post_form(web, "/admin/laws", "/admin/laws", {
        "id": "kz-other", "applies_in": "KZ", "citation": "C", "title": "T", "clock_hours": "a day"})
    assert hours.status_code == 422 and 'id="clock_hours-error"' in hours.text
    assert len(events(web, auditor_erin, "law:added")) == 1


def test_a_designation_added_on_the_page_is_in_the_designations_api(
        web: TestClient, ada: Party, make_submitter: Any, kz_ministry: Party, auditor_erin: Party) -> None:
    flagger = make_submitter("jugendschutz.net", "trusted_flagger", "DE")
    form = web.get("/admin/designations").text
    assert "jugendschutz.net" in form and "Germany (DE)" in form
    added = post_form(web, "/admin/designations", "/admin/designations", {
        "submitter_id": str(flagger.id), "designating_body": "Bundesnetzagentur (DSC Germany)",
        "reasons": ["child_safety", "hate_speech"], "jurisdictions": ["DE", "AT"],
        "valid_from": "2025-01-01", "valid_to": "2027-12-31"})
    assert added.status_code == 303
    [listed] = web.get("/api/v1/designations", headers=auditor_erin.headers).json()
    assert listed["submitter_id"] == flagger.id and listed["reasons"] == ["child_safety", "hate_speech"]
    assert listed["jurisdictions"] == ["AT", "DE"] and listed["valid_from"].startswith("2025-01-01")
    [event] = events(web, auditor_erin, "designation:added", f"submitter:{flagger.id}")
    assert event["actor"] == f"user:{ada.id}"
    page = web.get("/admin/designations").text
    assert "Bundesnetzagentur" in page and "Austria" in page

    wrong = post_form(web, "/admin/designations", "/admin/designations", {
        "submitter_id": str(kz_ministry.id), "designating_body": "Someone", "reasons": "hate_speech",
        "jurisdictions": "KZ", "valid_from": "2025-01-01"})
    assert wrong.status_code == 422 and 'id="submitter_id-error"' in wrong.text
    assert 'value="Someone"' in wrong.text
    undated = post_form(web, "/admin/designations", "/admin/designations", {
        "submitter_id": str(flagger.id), "designating_body": "Someone", "jurisdictions": "DE",
        "valid_from": "1 January"})
    assert undated.status_code == 422 and 'id="valid_from-error"' in undated.text
    assert len(web.get("/api/v1/designations", headers=auditor_erin.headers).json()) == 1


# ---------------------------------------------------------------- the outbox
@pytest.fixture
def dead_letter(app: Any, settings: Any, sessions: Any, tmp_path: Any) -> Iterator[int]:
    """A message the worker gave up on: its appeal does not exist, so no retry can compose it."""
    with store.transaction(sessions) as s:
        message = outbox.enqueue_email(session=s, kind="appeal_received", to="author@mail.example",
                                        context={"appeal_id": 999})
        assert message is not None
        s.flush()
        outbox_id = message.id
    runner = OutboxWorker(app.state.sessionmaker, settings.model_copy(update={"mail_dir": str(tmp_path)}))
    runner.run_once()
    yield outbox_id
    runner.stop()


def status_of(sessions: Any, outbox_id: int) -> tuple[str, int]:
    with store.transaction(sessions) as s:
        message = s.get(OutboxMessage, outbox_id)
        assert message is not None
        return str(message.status), message.attempts


def test_the_outbox_shows_a_dead_letter_and_retry_puts_it_back(
        web: TestClient, ada: Party, dead_letter: int, sessions: Any, auditor_erin: Party) -> None:
    assert status_of(sessions, dead_letter) == ("dead", 1)
    page = web.get("/admin/outbox")
    assert page.status_code == 200
    assert "author@mail.example" in page.text and "not found" in page.text
    assert f'action="/admin/outbox/{dead_letter}/retry"' in page.text
    assert "1</span> <a href=\"/admin/outbox?status=dead#recent\">dead" in page.text
    assert '<span class="n">1</span> <a href="/admin/outbox?status=dead">dead letters</a>' in web.get("/admin").text

    retried = post_form(web, "/admin/outbox", f"/admin/outbox/{dead_letter}/retry", {})
    assert retried.status_code == 303 and retried.headers["location"] == "/admin/outbox"
    assert status_of(sessions, dead_letter) == ("pending", 0)
    assert "back in the queue" in web.get("/admin/outbox").text
    [event] = events(web, auditor_erin, "outbox:retried")
    assert event["actor"] == f"user:{ada.id}" and event["payload"] == {"ids": [dead_letter], "count": 1}
    listed = web.get("/api/v1/outbox", params={"status": "pending"}, headers=ada.headers).json()
    assert [m["id"] for m in listed] == [dead_letter]

    again = post_form(web, "/admin/outbox", f"/admin/outbox/{dead_letter}/retry", {})
    assert again.status_code == 303 and "no such message is in the dead letter" in web.get("/admin/outbox").text
    assert len(events(web, auditor_erin, "outbox:retried")) == 1


# ---------------------------------------------------------------- plain and accessible
def test_every_admin_page_has_a_title_one_heading_and_labelled_fields(
        web: TestClient, ada: Party, kz_ministry: Party) -> None:
    for path in (*ADMIN_PAGES, f"/admin/submitters/{kz_ministry.id}", f"/admin/users/{ada.id}"):
        html = web.get(path).text
        assert html.count("<h1") == 1, path
        assert re.search(r"<title>[^<]+ · docket", html), path
        fields = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
        assert len(fields) == len(set(fields)), (path, fields)  # no two fields share an id
        for field in fields:
            assert f'for="{field}"' in html, (path, field)


# ---------------------------------------------------------------- the same from the command line
def test_the_cli_adds_and_lists_people_and_unlocks_an_account(
        kz_ministry: Party, browser: TestClient, auditor_erin: Party) -> None:
    import orjson
    from typer.testing import CliRunner

    from docket.cli import app as cli

    runner = CliRunner()
    added = runner.invoke(cli, ["person", "add", "--submitter", str(kz_ministry.id), "--email",
                                "aigerim@misd.example.kz", "--name", "Aigerim", "--json"])
    assert added.exit_code == 0, added.output
    person = orjson.loads(added.stdout)["person"]
    assert person["submitter_id"] == kz_ministry.id and len(person["password"]) >= 12
    listed = orjson.loads(runner.invoke(cli, ["person", "list", "--submitter", str(kz_ministry.id),
                                              "--json"]).stdout)
    assert [p["email"] for p in listed["people"]] == ["aigerim@misd.example.kz"]
    short = runner.invoke(cli, ["person", "add", "--submitter", str(kz_ministry.id), "--email",
                                "b@misd.example.kz", "--password", "short", "--json"])
    assert short.exit_code == 1 and "password" in short.stdout
    unknown = runner.invoke(cli, ["person", "add", "--submitter", "999", "--email", "c@x.example", "--json"])
    assert unknown.exit_code == 1 and "no submitter 999" in unknown.stdout

    for _ in range(4):
        sign_in(browser, "aigerim@misd.example.kz", "wrong password")
    assert sign_in(browser, "aigerim@misd.example.kz", person["password"]).status_code == 429
    unlocked = runner.invoke(cli, ["user", "unlock", "aigerim@misd.example.kz", "--json"])
    assert unlocked.exit_code == 0, unlocked.output
    assert orjson.loads(unlocked.stdout)["unlocked"]["cleared"] == 2
    assert sign_in(browser, "aigerim@misd.example.kz", person["password"]).status_code == 303
    [event] = events(browser, auditor_erin, "user:unlocked", f"user:{person['id']}")
    assert event["actor"].startswith("cli:")
