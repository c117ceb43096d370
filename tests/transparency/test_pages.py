"""The public transparency site: the archive of periods, translated labels, country pages
and downloads, over the known case history of tests/transparency/conftest.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from sqlalchemy import text

from docket import store


@pytest.fixture
def site(history: dict[str, Any], sessions: Any) -> dict[str, Any]:
    """The history, with the KZ items on a 24-hour clock, and one more KZ request in 2025-H2."""
    with store.transaction(sessions) as s:
        s.execute(text("UPDATE items SET deadline_at = :d WHERE jurisdiction = 'KZ'"),
                  {"d": dt.datetime(2026, 3, 3, 10, 0)})
    return history


def _text(html: str) -> str:
    """What a reader sees: the page without its tags and attributes."""
    return re.sub(r"<[^>]+>", " ", html)


def test_the_archive_lists_every_published_period_and_each_has_its_page(client: Any, site: Any,
                                                                         sessions: Any, kz_ministry: Any,
                                                                         send: Any) -> None:
    older = send(kz_ministry)
    with store.transaction(sessions) as s:
        for table, column in (("requests", "id"), ("items", "request_id")):
            s.execute(text(f"UPDATE {table} SET received_at = :t WHERE {column} = :r"),
                      {"t": dt.datetime(2025, 11, 5, 9, 0), "r": older["id"]})
    page = client.get("/transparency/2026-H1")
    assert page.status_code == 200
    assert '<a href="/transparency/2026-H1?lang=en" aria-current="page">2026-H1</a>' in page.text
    assert 'href="/transparency/2025-H2?lang=en"' in page.text
    older_page = client.get("/transparency/2025-H2")
    assert older_page.status_code == 200 and "<h1>Transparency report: 2025-H2</h1>" in older_page.text
    assert client.get("/transparency/2099-H1").status_code == 404
    assert client.get("/transparency/soon").status_code == 422
    # The trend across periods on a country page counts each half-year's requests.
    country = client.get("/transparency/2026-H1/countries/KZ")
    rows = dict(re.findall(r'<tr><th scope="row">(20\d\d-H[12])</th><td class="n">(\d+)</td>', country.text))
    assert rows == {"2025-H2": "1", "2026-H1": "1"}


def test_the_labels_are_readable_and_follow_the_readers_language(client: Any, site: Any) -> None:
    english = client.get("/transparency", params={"period": "2026-H1"})
    seen = _text(english.text)
    for code in ("rejected_overbroad", "government_agency", "removed_policy", "hate_speech", "no_action"):
        assert code not in seen, code
    assert "Government agency" in seen and "Kazakhstan" in seen and "Removed under the platform" in seen
    russian = client.get("/transparency/2026-H1", params={"lang": "ru"})
    assert '<html lang="ru">' in russian.text and russian.headers["content-language"] == "ru"
    assert "Казахстан" in russian.text and "Государственный орган" in russian.text
    assert "Язык вражды" in russian.text and "Опубликованные периоды" in russian.text
    german = client.get("/transparency/2026-H1", headers={"Accept-Language": "fr;q=1, de-DE;q=0.8, en;q=0.5"})
    assert "Kasachstan" in german.text and "Nach lokalem Recht gesperrt" in german.text
    kazakh = client.get("/transparency/2026-H1/countries/KZ", params={"lang": "kk"})
    assert "Қазақстан" in kazakh.text and "Мемлекеттік орган" in kazakh.text
    turkish = client.get("/transparency/2026-H1", params={"lang": "tr"})
    assert "Kazakistan" in turkish.text and "Nefret söylemi" in turkish.text
    # An unknown language is English, never an error.
    assert client.get("/transparency/2026-H1", params={"lang": "xx"}).headers["content-language"] == "en"


def test_a_country_page_gives_requester_reason_outcome_and_clock(client: Any, site: Any) -> None:
    page = client.get("/transparency/2026-H1/countries/kz")
    assert page.status_code == 200 and "<script" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    html = page.text
    assert "<h1>Kazakhstan (KZ): 2026-H1</h1>" in html
    assert '<th scope="row">Government agency</th><td class="n">1</td><td class="n">2</td>' in html
    assert '<th scope="row">Hate speech</th><td class="n">1</td><td class="n">2</td>' in html
    assert '<th scope="row">Restricted under local law</th><td class="n">1</td><td class="n">1</td>' in html
    assert '<th scope="row">No action taken</th><td class="n">1</td><td class="n">1</td>' in html
    # Both KZ items on a 24-hour clock: one decided in 10 h, the other in 30 h.
    assert ('<th scope="row">24 h</th><td class="n">2</td><td class="n">1</td><td class="n">1</td>'
            '<td class="n">0</td>') in html
    assert "<svg" in html and "<table" in html
    assert client.get("/transparency/2026-H1/countries/K1").status_code == 404
    assert client.get("/transparency/2099-H1/countries/KZ").status_code == 404
    # A country without requests in the period has a page, empty.
    assert client.get("/transparency/2026-H1/countries/FR").status_code == 200


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


def test_every_table_downloads_as_csv_and_json(client: Any, site: Any) -> None:
    page = client.get("/transparency/2026-H1").text
    links = re.findall(r'href="(/transparency/2026-H1/downloads/[\w-]+\.(?:csv|json))"', page)
    assert len(links) == 2 * 15
    for link in links:
        r = client.get(link)
        assert r.status_code == 200, link
        kind = "text/csv; charset=utf-8" if link.endswith(".csv") else "application/json"
        assert r.headers["content-type"] == kind, link
        name = link.rsplit("/", 1)[1]
        assert r.headers["content-disposition"] == f'attachment; filename="docket-2026-H1-{name}"'
    detailed = _csv(client.get("/transparency/2026-H1/downloads/google-detailed.csv"))
    assert detailed[0] == ["Period Ending", "Country/Region", "CLDR Territory Code", "Product", "Reason", "Total"]
    assert ["2026-06-30", "Kazakhstan", "KZ", "Social Example", "Hate speech", "1"] in detailed
    shares = _csv(client.get("/transparency/2026-H1/downloads/google-item-outcomes.csv"))
    assert shares[0][3:] == ["Number of Requests", "Items Requested To Be Removed", "Removed - Legal (%)",
                             "Removed - Policy (%)", "Content Not Found (%)", "Content Already Removed (%)",
                             "Not Enough Information (%)", "No Action Taken (%)"]
    by_code = {row[2]: row[3:] for row in shares[1:]}
    assert by_code["KZ"] == ["1", "2", "50", "0", "0", "0", "0", "50"]
    assert by_code["DE"] == ["1", "1", "0", "100", "0", "0", "0", "0"]
    assert by_code["TR"] == ["1", "1", "0", "0", "0", "0", "0", "0"]  # not yet decided
    as_json = client.get("/transparency/2026-H1/downloads/google-item-outcomes.json").json()
    assert as_json[0]["CLDR Territory Code"] == shares[1][2]
    orders = _csv(client.get("/transparency/2026-H1/downloads/art15-orders.csv"))
    assert orders[0][:3] == ["Member State", "Member State Code", "Type of illegal content"]
    assert [row[1] for row in orders[1:]] == ["DE"]
    clocks = client.get("/transparency/2026-H1/countries/KZ/downloads/clocks.json").json()
    assert clocks == [{"clock_hours": 24, "items": 2, "decided_in_time": 1, "decided_late": 1,
                       "not_yet_decided": 0}]
    assert client.get("/transparency/2026-H1/downloads/nothing.csv").status_code == 404
    assert client.get("/transparency/2026-H1/downloads/totals.xml").status_code == 404
    assert client.get("/transparency/2099-H1/downloads/totals.csv").status_code == 404


def test_the_pages_print_and_need_no_script(client: Any, site: Any) -> None:
    for path in ("/transparency/2026-H1", "/transparency/2026-H1/countries/DE"):
        page = client.get(path).text
        assert "@media print" in page and "<script" not in page and page.count("<h1>") == 1
        assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
        # Every chart has its table.
        assert page.count("<figure>") <= page.count("<details open>")


# The pages follow the log through the worker's round, never a stale copy: see
# tests/transparency/test_snapshots.py (a late change marks the published period revised).
