"""Google's summary counts court orders and other government requests by the kind of the
authority that decided the order (its particulars), whoever transmitted it; the report
rebuilt from the log agrees."""

# ruff: noqa: F811  (tests take the imported ``send`` fixture as a parameter)
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from docket.audit.models import Event
from docket.store import utcnow
from docket.transparency import aggregates, render, replay
from docket.transparency.labels import labels
from docket.transparency.periods import parse_period
from tests.review.conftest import send  # noqa: F401  (the fixture)


def _period_now() -> Any:
    now = utcnow()
    return parse_period(f"{now.year}-H{1 if now.month <= 6 else 2}"), now


def _summary(sessions: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Google's summary per country, from the tables and from the log."""
    period, now = _period_now()
    with sessions() as s:
        data = aggregates.report(session=s, period=period, now=now)
        size = s.execute(select(func.max(Event.seq))).scalar_one()
        again = replay.report_at(session=s, size=size, period=period, now=now)["google_summary"]
    # The HTML report and the CSV file show the same figures.
    page = render.html(data).split('id="orders"')[1].split("</section>")[0]
    summary = render.csv_files(data)["google-summary.csv"]
    for g in data["google_summary"]:
        # The page names the country in the reader's language (CLDR's "Russia"), the files as the catalog does.
        assert f"<tr><td>{labels('en').country(g['code'])}</td><td class=\"n\">{g['all']['requests']}</td>" in page
        assert f",{g['code']},{g['all']['requests']}," in summary
    return {g["code"]: g for g in data["google_summary"]}, {g["code"]: g for g in again}


def _counts(row: dict[str, Any]) -> tuple[int, int, int, int]:
    return row["court"]["requests"], row["court"]["items"], row["other"]["requests"], row["other"]["items"]


def test_court_orders_are_counted_by_the_issuing_authority(send: Any, client: Any, sessions: Any,
                                                           make_submitter: Any, de_court: Any,
                                                           reviewer_alice: Any) -> None:
    rkn = make_submitter("Roskomnadzor", "regulator", "RU", email="zapros@rkn.example")
    ru = {"jurisdiction": "RU", "legal_basis": [{"citation": "Federal Law 149-FZ, Art. 15.1"}]}
    court = {"issuing_authority": {"name": "Tverskoy District Court of Moscow", "kind": "court"}}
    send(rkn, n=2, order=court, **ru)  # a court's order, transmitted by the regulator
    plain = send(rkn, **ru)  # the regulator's own
    de = {"jurisdiction": "DE", "legal_basis": [{"law": "de-netzdg-3"}]}
    send(de_court, **de)  # a court's own order
    send(de_court, order={"issuing_authority": {"name": "Staatsanwaltschaft Berlin", "kind": "prosecutor"}}, **de)
    live, again = _summary(sessions)
    assert _counts(live["RU"]) == (1, 2, 1, 1) and _counts(live["DE"]) == (1, 1, 1, 1)
    assert live["RU"]["all"]["requests"] == 2 and live["RU"]["all"]["items"] == 3
    assert again == live
    # A correction moves a request between the columns, in the tables and in the log alike.
    r = client.patch(f"/api/v1/requests/{plain['id']}/order", headers=reviewer_alice.headers,
                     json={"issuing_authority": {"name": "Moscow City Court", "kind": "court"}})
    assert r.status_code == 200, r.text
    live, again = _summary(sessions)
    assert _counts(live["RU"]) == (2, 3, 0, 0)
    assert again == live
