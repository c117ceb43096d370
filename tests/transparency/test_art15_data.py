"""DSA Art. 15 orders about user data: a member-state authority's request for user data is
an order apart from the orders that name content (the orders table counts those), with
how many ask to provide information and to preserve data; a request naming content
beside a data measure is in both tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from docket.transparency import art15
from docket.transparency.periods import period_between

TODAY = dt.datetime.now(dt.UTC).date()
BERLIN = {"jurisdiction": "DE", "reason": "hate_speech", "explanation": "Threats against a politician.",
          "legal_basis": [{"law": "de-netzdg-3"}]}


def test_orders_about_user_data_are_counted_apart(client: Any, platform: Any, de_court: Any, sessions: Any) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1", "url": "https://social.example/post-1", "type": "post"})

    def send(**body: Any) -> None:
        r = client.post("/api/v1/requests", headers=de_court.headers, json={**BERLIN, **body})
        assert r.status_code == 201, r.text

    send(measures=[{"kind": "disclose_data", "account": "acct-1"}])
    send(measures=[{"kind": "disclose_data", "account": "acct-2"}, {"kind": "preserve_data", "account": "acct-2"}])
    send(items=[{"content_id": "post-1"}], measures=[{"kind": "restrict_content"},
                                                    {"kind": "preserve_data", "account": "acct-3"}])
    send(items=[{"content_id": "post-1"}])
    period = period_between((TODAY - dt.timedelta(days=1)).isoformat(), (TODAY + dt.timedelta(days=1)).isoformat())
    with sessions() as s:
        tables = art15.tables(session=s, period=period)
    header, orders = tables["art15-orders.csv"]
    # The orders that name content: two, with their two items; no request for user data only.
    assert [r[:5] for r in orders] == [["Germany", "DE", orders[0][2], 2, 2]]
    header, data = tables["art15-data-orders.csv"]
    assert header[3:6] == ["Orders", "Orders to provide information", "Orders to preserve data"]
    assert [r[:6] for r in data] == [["Germany", "DE", orders[0][2], 3, 2, 2]]
