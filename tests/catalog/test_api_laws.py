"""GET /api/v1/catalog/laws: each law's official link, excerpt and clock, or that it states none."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Party


def _laws(client: TestClient, jurisdiction: str) -> dict[str, dict[str, Any]]:
    return {x["id"]: x for x in client.get("/api/v1/catalog/laws", params={"jurisdiction": jurisdiction}).json()}


def test_a_law_shows_its_link_excerpt_and_clock(client: TestClient) -> None:
    ru = _laws(client, "RU")
    register, demands = ru["ru-149-fz-15-1"], ru["ru-149-fz-15-3"]
    assert register["official_url"].startswith("http://pravo.gov.ru/")
    assert "Единый реестр" in register["excerpt"]
    assert register["clock_stated"] is True and register["clock"].startswith("24 h (в течение суток")
    assert demands["clock_stated"] is False and demands["clock_hours"] is None
    assert demands["clock"] == "no clock stated: the jurisdiction's default applies"
    br = _laws(client, "BR")["br-marco-civil-19"]
    assert br["official_url"] == "https://www.planalto.gov.br/ccivil_03/_ato2011-2014/2014/lei/l12965.htm"
    assert "ordem judicial específica" in br["excerpt"] and br["clock_stated"] is False


def _send(client: TestClient, who: Party, law: str) -> dict[str, Any]:
    r = client.post("/api/v1/requests", headers=who.headers, json={
        "jurisdiction": "RU", "reference": "RKN-2026-1", "reason": "national_security",
        "legal_basis": [{"law": law}], "explanation": "Calls to take part in an unauthorised rally.",
        "language": "ru", "items": [{"url": "https://social.example/@a/1"}]})
    assert r.status_code == 201, r.text
    return r.json()


def _hours(out: dict[str, Any]) -> float:
    start = dt.datetime.fromisoformat(out["clock_started_at"])
    return (dt.datetime.fromisoformat(out["deadline_at"]) - start).total_seconds() / 3600


def test_a_request_citing_149_fz_gets_the_clock_of_the_article_it_cites(
        client: TestClient, kz_ministry: Party) -> None:
    register = _send(client, kz_ministry, "ru-149-fz-15-1")
    assert _hours(register) == 24
    assert (register["clock_rule"]["source"], register["clock_rule"]["law"]) == ("law", "ru-149-fz-15-1")
    # Art. 15.3 says "immediately" and states no clock: Russia's default applies, and Russia
    # has none of its own, so docket's (DOCKET_DEFAULT_CLOCK_HOURS, 7 days).
    demands = _send(client, kz_ministry, "ru-149-fz-15-3")
    assert _hours(demands) == 168
    assert (demands["clock_rule"]["source"], demands["clock_rule"]["law"]) == ("default", None)
