"""Published periods' reports computed ahead by the worker and stored (issue 21, point 3):
the pages, downloads and API read the stored figures; an event about the period's records
makes the next round compute them again, and changed figures are marked revised."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib.resources import files
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from docket import store
from docket.cli import app as cli
from docket.jobs import TransparencyJobs
from docket.review.service import QUEUE_RULE
from docket.transparency.labels import LANGS, TABLE, labels
from tests.ops.test_metrics import scrape, value


def _rows(sessions: Any) -> dict[str, tuple[int, Any, Any, int]]:
    with store.read_only(sessions) as s:
        return {scope: (int(size), computed, revised, int(revisions)) for scope, size, computed, revised, revisions
                in s.execute(text("SELECT scope, log_size, computed_at, revised_at, revisions "
                                  "FROM transparency_snapshots WHERE period = '2026-H1'")).all()}


def _events(sessions: Any, action: str) -> list[dict[str, Any]]:
    with store.read_only(sessions) as s:
        return [json.loads(p) if isinstance(p, str) else p for p in s.execute(
            text("SELECT payload FROM events WHERE action = :a ORDER BY seq"), {"a": action}).scalars()]


def _totals(client: Any) -> dict[str, Any]:
    return {r["figure"]: r["value"] for r in client.get("/transparency/2026-H1/downloads/totals.json").json()}


def _backdate(sessions: Any, request_id: int, when: dt.datetime) -> None:
    with store.transaction(sessions) as s:
        for table, column in (("requests", "id"), ("items", "request_id")):
            s.execute(text(f"UPDATE {table} SET received_at = :t WHERE {column} = :r"), {"t": when, "r": request_id})


@pytest.fixture
def worker(sessions: Any, settings: Any) -> TransparencyJobs:
    return TransparencyJobs(sessions, settings)


def _reports(client: Any, who: Any) -> dict[str, float]:
    """``docket_transparency_reports_total`` by source, as /metrics gives it."""
    found = scrape(client, who)
    return {source: value(found, "docket_transparency_reports_total", source=source)
            for source in ("computed", "stored")}


def test_the_worker_publishes_a_period_and_the_pages_read_it_stored(client: Any, history: Any, sessions: Any,
                                                                     worker: TransparencyJobs,
                                                                     admin_ada: Any) -> None:
    assert _rows(sessions) == {}
    assert worker.run_once() == {"2026-H1": "published"}  # the worker: a process of its own
    rows = _rows(sessions)
    # The report, and each country's figures by clock (IE: the user report's item).
    assert set(rows) == {"all", "KZ", "DE", "TR", "IE"}
    size, computed, revised, revisions = rows["all"]
    assert revised is None and revisions == 0 and size > 0
    assert _events(sessions, "transparency:published") == [{"period": "2026-H1", "log_size": size}]
    # Change the tables behind the log's back (no event): a computed report would drop the
    # TR request; the stored one still has it, so the pages read it and compute nothing.
    _backdate(sessions, history["tr"], dt.datetime(2026, 7, 15, 9, 0))
    page = client.get("/transparency/2026-H1")
    assert page.status_code == 200
    when = computed.isoformat()[:16].replace("T", " ") if isinstance(computed, dt.datetime) else str(computed)[:16]
    assert f"Figures computed on {when} UTC and checked against the log up to size {size}." in page.text
    assert "Revised on" not in page.text
    assert _totals(client)["requests"] == 4
    api = client.get("/api/v1/transparency/report", params={"period": "2026-H1"}).json()
    assert api["totals"]["requests"] == 4 and api["log"]["size"] == size
    country = client.get("/transparency/2026-H1/countries/TR")
    # The stored clocks: computed now, the TR item would be in no row of 2026-H1.
    assert re.search(r'<th scope="row">\d+ h</th><td class="n">1</td><td class="n">0</td><td class="n">0</td>'
                     r'<td class="n">1</td>', country.text)
    # Three pages and the API: read stored, none computed (the application's metric).
    assert _reports(client, admin_ada) == {"computed": 0, "stored": 4}
    # Nothing new about the period: the next round has nothing to do, and stores nothing.
    assert worker.run_once() == {}
    assert _rows(sessions)["all"][1:] == rows["all"][1:]


def test_a_first_reader_before_the_worker_computes_and_stores_the_period(client: Any, history: Any,
                                                                         sessions: Any, admin_ada: Any) -> None:
    assert client.get("/transparency/2026-H1/downloads/totals.json").status_code == 200
    assert set(_rows(sessions)) == {"all", "KZ", "DE", "TR", "IE"}
    assert len(_events(sessions, "transparency:published")) == 1
    _backdate(sessions, history["tr"], dt.datetime(2026, 7, 15, 9, 0))
    assert _totals(client)["requests"] == 4  # read stored, not computed again
    assert _reports(client, admin_ada) == {"computed": 1, "stored": 1}
    # A period outside the archive (a quarter) is computed on request, as before.
    quarter = client.get("/transparency", params={"period": "2026-Q1"})
    assert quarter.status_code == 200 and "Figures computed on" not in quarter.text


def test_a_late_change_marks_the_published_period_revised(client: Any, history: Any, sessions: Any,
                                                          kz_ministry: Any, send: Any,
                                                          worker: TransparencyJobs) -> None:
    assert worker.run_once() == {"2026-H1": "published"}
    before = _totals(client)
    # A request received today (2026-H2, not yet published) leaves the published period alone.
    send(kz_ministry)
    assert worker.run_once() == {}
    # A request belonging in the published period (received in it, reaching docket late).
    late = send(kz_ministry, n=3)
    _backdate(sessions, late["id"], dt.datetime(2026, 4, 1, 9, 0))
    assert _totals(client) == before  # the stored figures until the worker's round
    assert worker.run_once() == {"2026-H1": "revised"}
    after = _totals(client)
    assert after["requests"] == before["requests"] + 1 and after["items"] == before["items"] + 3
    size, _computed, revised, revisions = _rows(sessions)["all"]
    assert revised is not None and revisions == 1
    (event,) = _events(sessions, "transparency:revised")
    assert event["period"] == "2026-H1" and event["log_size"] == size and "totals" in event["changed"]
    page = client.get("/transparency/2026-H1")
    assert re.search(r"Revised on \d{4}-\d\d-\d\d \d\d:\d\d UTC: the figures changed", page.text)
    russian = client.get("/transparency/2026-H1", params={"lang": "ru"})
    assert "Пересмотрено" in russian.text and "цифры изменились после первой публикации" in russian.text
    # Checked again with nothing changed: the figures stay, still marked revised.
    assert worker.run_once() == {}
    assert _rows(sessions)["all"][2:] == (revised, 1)


def test_the_refresh_command_does_the_workers_round(history: Any, sessions: Any) -> None:
    first = CliRunner().invoke(cli, ["transparency", "refresh", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"periods": {"2026-H1": "published"}}
    assert set(_rows(sessions)) == {"all", "KZ", "DE", "TR", "IE"}
    again = CliRunner().invoke(cli, ["transparency", "refresh", "--json"])
    assert json.loads(again.stdout) == {"periods": {}}


# ---------------------------------------------------------------- translations
def _keys_in_templates() -> set[str]:
    keys: set[str] = set()
    for name in ("report.html", "country.html", "_site.html"):
        source = (files("docket.transparency") / "templates" / name).read_text(encoding="utf-8")
        keys |= set(re.findall(r"t(?:\.text)?\('([a-z_]+\.[^']+)'", source))
    return keys


def test_every_label_and_paragraph_of_the_site_is_translated() -> None:
    keys = _keys_in_templates() | {k for k in TABLE["en"] if k.startswith(("bucket.", "text."))}
    assert {"text.lead", "text.orders", "text.revised", "text.log_state", "text.queue_rule"} <= keys
    for lang in LANGS:
        missing = sorted(k for k in keys if not TABLE[lang].get(k))
        assert not missing, f"{lang}: untranslated: {missing}"
        if lang != "en":
            same = sorted(k for k in keys if k.startswith("text.") and TABLE[lang][k] == TABLE["en"][k])
            assert not same, f"{lang}: still English: {same}"
        for key in keys:  # the same {parts} in every language
            assert set(re.findall(r"\{\w+\}", TABLE[lang][key])) == set(re.findall(r"\{\w+\}", TABLE["en"][key])), \
                (lang, key)
    assert TABLE["en"]["text.queue_rule"] == QUEUE_RULE


def test_the_paragraphs_follow_the_readers_language(client: Any, history: Any) -> None:
    english = [TABLE["en"][k].split("{")[0][:40] for k in TABLE["en"]
               if k.startswith("text.") and k not in ("text.revised", "text.stored", "text.log_signed")]
    for lang in ("ru", "kk", "de", "tr"):
        page = client.get("/transparency/2026-H1", params={"lang": lang}).text
        for start in english:
            if start:
                assert start not in page, (lang, start)
        t = labels(lang)
        assert str(t("text.orders")).replace("'", "&#39;") in page
        assert t("bucket.1–24 h") in page


def test_a_reversal_on_appeal_revises_the_period_the_item_was_received_in(
        client: Any, sessions: Any, kz_ministry: Any, send: Any, act: Any, reviewer_alice: Any, bob_legal: Any,
        make_user: Any, worker: TransparencyJobs) -> None:
    sent = send(kz_ministry)
    item = sent["items"][0]["id"]
    act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
    act(bob_legal, f"/items/{item}/review", step="legal", finding="lawful")
    act(bob_legal, f"/items/{item}/decision", expect=201, outcome="no_action", explanation="Lawful speech.")
    _backdate(sessions, sent["id"], dt.datetime(2026, 4, 1, 9, 0))
    assert worker.run_once() == {"2026-H1": "published"}
    outcomes = client.get("/transparency/2026-H1/downloads/outcome-totals.json").json()
    assert [r["outcome"] for r in outcomes] == ["no_action"]
    # Today (2026-H2) the ministry appeals and wins: the item is reopened, pending again in
    # 2026-H1, the period it was received in (the appeal itself counts in 2026-H2).
    decision = client.get(f"/api/v1/items/{item}/decisions", headers=bob_legal.headers).json()[0]["id"]
    appeal = client.post("/api/v1/appeals", headers=kz_ministry.headers,
                         json={"decision_id": decision, "statement": "The post names the group and a place."})
    assert appeal.status_code == 201, appeal.text
    erik = make_user("erik@docket.test", "reviewer")
    act(erik, f"/appeals/{appeal.json()['id']}/decision", outcome="reversed", explanation="It does incite.")
    assert worker.run_once() == {"2026-H1": "revised"}
    outcomes = client.get("/transparency/2026-H1/downloads/outcome-totals.json").json()
    assert [r["outcome"] for r in outcomes] == ["pending"]
    assert "Revised on" in client.get("/transparency/2026-H1").text
