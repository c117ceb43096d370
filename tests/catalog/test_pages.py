"""/admin/laws: each law with its clock (or that it states none), excerpt and official link."""

from __future__ import annotations

import html
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Party
from tests.web.conftest import PASSWORD, post_form, sign_in


@pytest.fixture
def ada(make_user: Any, client: TestClient) -> Party:
    admin = make_user("ada@docket.test", "admin", password=PASSWORD)
    assert sign_in(client, "ada@docket.test").status_code == 303
    return admin


def test_the_page_shows_each_laws_excerpt_and_official_link(client: TestClient, ada: Party) -> None:
    page = client.get("/admin/laws", params={"jurisdiction": "FR"})
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert 'href="https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000801164"' in text
    assert "En l'absence de retrait de ces contenus dans un délai de vingt-quatre heures" in text
    # The DSA states no clock: the page says so, and that France has no default of its own.
    assert "no clock stated: the jurisdiction's default applies (the default of the country" in text
    ru = html.unescape(client.get("/admin/laws", params={"jurisdiction": "RU"}).text)
    assert "no clock stated: the jurisdiction's default applies (none set: docket's default)" in ru
    de = html.unescape(client.get("/admin/laws", params={"jurisdiction": "DE"}).text)
    assert "innerhalb von 24 Stunden nach Eingang der Beschwerde" in de
    assert 'href="https://www.gesetze-im-internet.de/netzdg/"' in de


def test_a_law_added_on_the_page_keeps_its_link_and_excerpt(client: TestClient, ada: Party) -> None:
    form = {"id": "kz-mass-media-26", "applies_in": "KZ", "citation": "Law on Mass Media, Art. 26",
            "title": "Suspension", "clock_restarts_on_clarification": "1"}
    bad = post_form(client, "/admin/laws", "/admin/laws", {**form, "official_url": "javascript:alert(1)"})
    assert bad.status_code == 422 and 'id="official_url-error"' in bad.text
    added = post_form(client, "/admin/laws", "/admin/laws", {
        **form, "official_url": "https://adilet.zan.kz/rus/docs/Z0000000000",
        "excerpt": "Gist: the distribution of a mass medium may be suspended."})
    assert added.status_code == 303
    page = html.unescape(client.get("/admin/laws", params={"jurisdiction": "KZ"}).text)
    assert 'href="https://adilet.zan.kz/rus/docs/Z0000000000"' in page
    assert "the distribution of a mass medium may be suspended" in page
    # ...and the jurisdiction's default, stated as such, for a law without a clock.
    assert "no clock stated: the jurisdiction's default applies (24 h)" in page


def law_of(client: TestClient, law_id: str) -> dict[str, Any]:
    [law] = [x for x in client.get("/api/v1/catalog/laws", params={"jurisdiction": "KZ"}).json()
             if x["id"] == law_id]
    return law


def added_event(client: TestClient, admin: Party, law_id: str) -> dict[str, Any]:
    [event] = client.get("/api/v1/audit/events", headers=admin.headers,
                         params={"subject": f"law:{law_id}", "action": "law:added"}).json()["events"]
    return event


def test_a_law_added_on_the_page_may_have_its_copies_decided_as_automated_decisions(
        client: TestClient, ada: Party) -> None:
    """The form's "copies are decided at once" box: checked, the law has automated_copies (as
    ``docket law add --automated-copies``), audited with the rest of the law and shown in
    the table; unchecked, a person confirms every copy."""
    form = {"applies_in": "KZ", "citation": "Law on Online Platforms, Art. 12", "title": "Copies"}
    page = client.get("/admin/laws").text
    assert 'name="automated_copies"' in page and "recorded and reported as an automated decision" in page
    checked = post_form(client, "/admin/laws", "/admin/laws",
                        {**form, "id": "kz-copies-auto", "automated_copies": "1"})
    unchecked = post_form(client, "/admin/laws", "/admin/laws", {**form, "id": "kz-copies-person"})
    assert checked.status_code == unchecked.status_code == 303
    assert law_of(client, "kz-copies-auto")["automated_copies"] is True
    assert law_of(client, "kz-copies-person")["automated_copies"] is False
    assert added_event(client, ada, "kz-copies-auto")["payload"]["automated_copies"] is True
    assert added_event(client, ada, "kz-copies-person")["payload"]["automated_copies"] is False
    table = html.unescape(client.get("/admin/laws", params={"jurisdiction": "KZ"}).text)
    row = table.split('id="law-kz-copies-auto"', 1)[1].split("</tr>", 1)[0]
    assert "copies decided at once, as automated decisions" in row
    row = table.split('id="law-kz-copies-person"', 1)[1].split("</tr>", 1)[0]
    assert "automated" not in row
    # The form keeps its CSRF token: without it nothing is added, box or not.
    forged = client.post("/admin/laws", data={**form, "id": "kz-copies-forged", "automated_copies": "1"},
                         follow_redirects=False)
    assert forged.status_code == 403
    assert [x for x in client.get("/api/v1/catalog/laws").json() if x["id"] == "kz-copies-forged"] == []


def test_the_box_and_its_explanation_are_in_russian(client: TestClient, ada: Party) -> None:
    assert post_form(client, "/admin/laws", "/language", {"lang": "ru", "next": "/admin/laws"}).status_code == 303
    page = html.unescape(client.get("/admin/laws").text)
    assert "Копии решаются сразу, как автоматизированные решения" in page
    assert "Без отметки каждую копию подтверждает человек." in page


def test_a_kinds_place_is_changed_on_the_page_and_the_api_follows(client: TestClient, ada: Party) -> None:
    """/admin/kinds: national CERTs are not government by default; an admin counts them as
    government, and the catalog (and so every report) says so from then on."""
    page = html.unescape(client.get("/admin/kinds").text)
    assert 'id="kind-national_cert"' in page and "not government" in page
    before = {k["code"]: k for k in client.get("/api/v1/catalog/requester-kinds/places").json()}
    assert before["national_cert"]["government"] is False
    changed = post_form(client, "/admin/kinds", "/admin/kinds/national_cert",
                        {"government": "1", "legal_basis_required": "1"})
    assert changed.status_code == 303 and changed.headers["location"].endswith("/admin/kinds#kind-national_cert")
    after = {k["code"]: k for k in client.get("/api/v1/catalog/requester-kinds/places").json()}
    assert after["national_cert"]["government"] is True and after["national_cert"]["legal_basis_required"] is True
    assert {c: k for c, k in after.items() if c != "national_cert"} == \
        {c: k for c, k in before.items() if c != "national_cert"}
    unknown = post_form(client, "/admin/kinds", "/admin/kinds/astrologer", {"government": "1"})
    assert unknown.status_code == 422
