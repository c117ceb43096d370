"""The demo's earlier half-years: the transparency site's archive lists three periods and
a country's trend has requests in each."""

from __future__ import annotations

import re
from typing import Any

from docket import store
from docket.demo import load_demo
from docket.store import utcnow
from docket.transparency.periods import latest_half_year


def test_the_demo_fills_the_archive_and_the_trends(client: Any, sessions: Any, settings: Any) -> None:
    with store.transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=settings)
    latest = latest_half_year(utcnow()).label
    page = client.get("/transparency").text
    archive = page.split('id="archive"', 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r'href="/transparency/\d{4}-H[12]\?lang=en"', archive)) == 3
    country = client.get(f"/transparency/{latest}/countries/TR").text
    trend = re.findall(r'<tr><th scope="row">(\d{4}-H[12])</th><td class="n">(\d+)</td>', country)
    assert len(trend) == 3 and all(int(n) > 0 for _, n in trend), trend
